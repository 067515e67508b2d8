"""Every consultation page and endpoint keeps to its cooperative (another cooperative's user
gets a 404 and changes nothing); every list pins its queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation import services
from consultation.models import Question
from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from tests.consultation.helpers import answer, ask
from tests.factories import MemberFactory

ROLES = ["supervisor", "admin", "lab", "enterprise"]
VERBS = ["answer", "close", "follow_up", "publish", "withdraw"]
BODY = {"answer": "x", "follow_up": "x", "faq_question": "x", "faq_answer": "x", "reason": "x"}


@pytest.fixture
def theirs(coop_b):
    question = ask(coop_b)
    answer(coop_b, question)
    return question


def unchanged(question):
    with unscoped():
        row = Question.objects.filter(pk=question.pk).values().get()
        events = StepEvent.objects.filter(workflow="question", object_id=question.pk).count()
    return row, events


@pytest.mark.parametrize("role", ROLES)
def test_no_endpoint_of_another_cooperative_answers(coop_a, coop_b, theirs, api, role):
    client = api(coop_a.users()[role])
    before = unchanged(theirs)
    assert client.get("/api/v1/coops/coop-b/questions/").status_code == 404
    assert client.post("/api/v1/coops/coop-b/questions/", {"text": "x"}).status_code == 404
    for slug in ("coop-a", "coop-b"):
        path = f"/api/v1/coops/{slug}/questions/{theirs.pk}/"
        assert client.get(path).status_code == 404, path
        for verb in VERBS:
            assert client.post(f"{path}{verb}/", BODY).status_code == 404, (path, verb)
    assert unchanged(theirs) == before


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_another_cooperative_opens(coop_a, coop_b, theirs, client, role):
    client.force_login(coop_a.users()[role])
    before = unchanged(theirs)
    for path in ("questions/", "questions/new/", f"questions/{theirs.pk}/"):
        assert client.get(f"/c/coop-b/{path}").status_code == 404, path
    assert client.post("/c/coop-b/questions/new/", {"text": "x"}).status_code == 404
    assert client.get(f"/c/coop-a/questions/{theirs.pk}/").status_code in (403, 404)
    for slug in ("coop-a", "coop-b"):
        for verb in VERBS:
            path = f"/c/{slug}/questions/{theirs.pk}/step/{verb}/"
            assert client.post(path, BODY).status_code in (403, 404), path
    assert unchanged(theirs) == before


def test_a_cooperatives_faq_shows_none_of_another_cooperatives_entries(
    coop_a, coop_b, theirs, client
):
    with scope({coop_b.cooperative.pk}):
        services.publish(
            question=theirs, actor=coop_b.admin, faq_question="乙社的问题", faq_answer="乙社的答复"
        )
    assert "乙社的问题" not in client.get("/c/coop-a/faq/").content.decode()
    assert client.get("/api/v1/public/faq/?coop=coop-a").json()["count"] == 0
    assert "乙社的问题" in client.get("/c/coop-b/faq/").content.decode()


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def build(tenant, count):
    """``count`` questions of different members: open, answered, closed and published."""
    for n in range(count):
        member = tenant.member if n == 0 else MemberFactory(cooperative=tenant.cooperative)
        question = ask(tenant, member=None if n == 0 else member, hours_ago=30 - n)
        if n % 3 == 0:
            continue
        answer(tenant, question)
        with scope({tenant.cooperative.pk}):
            if n % 3 == 1:
                services.publish(
                    question=question, actor=tenant.admin, faq_question=f"问{n}", faq_answer="答"
                )
            else:
                services.close(question=question, actor=tenant.enterprise)


def test_every_consultation_list_pins_its_query_count(coop_a, api, client):
    staff, member = api(coop_a.admin), api(coop_a.enterprise)
    admin_client = client
    admin_client.force_login(coop_a.admin)

    def counts():
        return {
            "api staff": queries_of(staff, "/api/v1/coops/coop-a/questions/"),
            "api member": queries_of(member, "/api/v1/coops/coop-a/questions/"),
            "staff page": queries_of(admin_client, "/c/coop-a/questions/"),
            "public faq api": queries_of(api(), "/api/v1/public/faq/"),
            "cooperative faq": queries_of(api(), "/c/coop-a/faq/"),
            "portal faq": queries_of(api(), "/faq/"),
        }

    build(coop_a, 3)
    few = counts()
    build(coop_a, 9)
    assert counts() == few
    assert few == {
        # The token with its user, the cooperative (the middleware), the count, the page's
        # ids, its rows with their members; a member's account also finds its cooperative.
        "api staff": 5,
        "api member": 6,
        # The session, its user, the cooperative, the count, the ids, the rows, the time-to-
        # answer figures (one query) and the open questions.
        "staff page": 8,
        "public faq api": 2,  # the count and the page
        "cooperative faq": 3,  # the cooperative (the middleware), the count and the page
        "portal faq": 2,
    }


def test_the_member_page_list_pins_its_query_count(coop_a, client):
    client.force_login(coop_a.enterprise)
    build(coop_a, 2)
    few = queries_of(client, "/c/coop-a/questions/")
    build(coop_a, 6)
    assert queries_of(client, "/c/coop-a/questions/") == few
