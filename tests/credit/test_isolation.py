"""Every credit endpoint and page keeps to its cooperative; every list pins its queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.tenancy import scope, unscoped
from credit.models import Assessment, Commitment, Complaint, CreditGrade, ExitProposal
from credit.services import assessments, commitments, complaints, enforcement, grading
from tests.factories import MemberFactory

ROLES = ["supervisor", "admin", "lab", "enterprise"]


def build(tenant, members=None):
    """One of every credit row for each of ``members`` (by default the tenant's member)."""
    members = members or [tenant.member]
    today = date.today()
    with scope({tenant.cooperative.pk}):
        for member in members:
            commitment = commitments.draft(
                member=member,
                actor=tenant.admin,
                products="四件套",
                standards="GB 18401-2010",
                guarantees="包退包换",
                valid_from=today,
                valid_until=today + timedelta(days=365),
            )
            commitments.submit(commitment=commitment, actor=tenant.enterprise)
            complaint = complaints.file_complaint(
                member=member, product="被芯", description="起球", contact="13900000000"
            )
            complaints.triage(complaint=complaint, actor=tenant.admin, verdict="valid", reason="x")
            inspection = enforcement.record_inspection(
                member=member, actor=tenant.admin, inspected_on=today, inspectors="张三、李四"
            )
            violation = enforcement.record_violation(
                member=member,
                actor=tenant.admin,
                inspection=inspection,
                kind="标识不规范",
                severity="minor",
                legal_clause="第二十七条",
                occurred_on=today,
            )
            enforcement.order_rectification(
                violation=violation,
                actor=tenant.admin,
                requirement="补正",
                deadline=today + timedelta(days=5),
            )
        start, end = today - timedelta(days=30), today
        assessments.assess(cooperative_id=tenant.cooperative.pk, start=start, end=end)
        assessments.announce(
            cooperative=tenant.cooperative, actor=tenant.admin, start=start, end=end
        )
        first = Assessment.objects.filter(member=members[0]).get()
        assessments.object_to(assessment=first, actor=tenant.enterprise, reason="不服")
        grading.grade_members(cooperative_id=tenant.cooperative.pk)
        for member in members:
            ExitProposal.objects.create(
                cooperative=tenant.cooperative, member=member, grounds=["信用等级 D"]
            )
    member = members[0]
    with unscoped():
        return {
            "commitments": Commitment.objects.filter(member=member).get().pk,
            "complaints": Complaint.objects.filter(member=member).get().pk,
            "assessments": first.pk,
            "assessment-objections": first.objections.get().pk,
            "credit-grades": CreditGrade.objects.filter(member=member).get().pk,
            "inspections": member.inspections.get().pk,
            "violations": member.violations.get().pk,
            "rectification-orders": member.violations.get().orders.get().pk,
            "exit-proposals": ExitProposal.objects.filter(member=member).get().pk,
        }


@pytest.fixture
def theirs(coop_b):
    return build(coop_b)


VERBS = {
    "commitments": "publish",
    "complaints": "resolve",
    "assessments": "adjust",
    "assessment-objections": "decide",
    "credit-grades": "override",
    "rectification-orders": "done",
    "exit-proposals": "decide",
}


@pytest.mark.parametrize("role", ROLES)
def test_no_credit_endpoint_of_another_cooperative_answers(coop_a, coop_b, theirs, api, role):
    client = api(coop_a.users()[role])
    for resource, pk in theirs.items():
        listed = client.get(f"/api/v1/coops/coop-b/{resource}/")
        assert listed.status_code == 404, resource
        for slug in ("coop-a", "coop-b"):
            path = f"/api/v1/coops/{slug}/{resource}/{pk}/"
            assert client.get(path).status_code in (403, 404), path
            if resource in VERBS:
                stepped = client.post(f"{path}{VERBS[resource]}/", {"reason": "x", "note": "x"})
                assert stepped.status_code in (403, 404), path
    for path in ("lending/", "assessments/run/", "credit-grades/run/", "exit-proposals/run/"):
        call = client.get if path == "lending/" else client.post
        assert call(f"/api/v1/coops/coop-b/{path}").status_code == 404, path
    with unscoped():
        assert Commitment.objects.get(pk=theirs["commitments"]).status == "submitted"
        assert Complaint.objects.get(pk=theirs["complaints"]).status == "triaged"
        assert CreditGrade.objects.filter(cooperative=coop_b.cooperative).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_no_credit_page_of_another_cooperative_opens(coop_a, coop_b, theirs, client, role):
    client.force_login(coop_a.users()[role])
    pages = [
        "commitments/",
        "commitments/new/",
        f"commitments/{theirs['commitments']}/",
        f"commitments/{theirs['commitments']}/edit/",
        "complaints/",
        f"complaints/{theirs['complaints']}/",
        f"complaints/{theirs['complaints']}/evidence/",
        "assessments/",
        f"assessments/{theirs['assessments']}/",
        "grades/",
        f"grades/{theirs['credit-grades']}/",
        "grades/lending.xlsx",
        "enforcement/",
    ]
    for path in pages:
        assert client.get(f"/c/coop-b/{path}").status_code == 404, path
    for path in pages[2:4] + pages[5:7] + pages[8:9] + pages[10:11]:
        assert client.get(f"/c/coop-a/{path}").status_code in (302, 403, 404), path
    steps = {
        "commitments": "publish",
        "complaints": "resolve",
        "assessments": "adjust",
        "grades": "override",
    }
    for kind, verb in steps.items():
        key = {"grades": "credit-grades"}.get(kind, kind)
        for slug in ("coop-a", "coop-b"):
            path = f"/c/{slug}/{kind}/{theirs[key]}/step/{verb}/"
            assert client.post(path, {"reason": "x"}).status_code in (403, 404), path


def test_public_pages_of_a_cooperative_show_only_its_own_members(coop_a, coop_b, theirs, client):
    other = coop_b.member.pk
    assert client.get(f"/c/coop-a/directory/{other}/").status_code == 404
    assert client.get(f"/c/coop-a/directory/{other}/complain/").status_code == 404
    assert client.get(f"/api/v1/public/coops/coop-a/members/{other}/").status_code == 404
    credit = client.get("/api/v1/public/coops/coop-a/credit-grades/").json()
    assert credit["count"] == 0
    assert client.get("/api/v1/public/coops/coop-a/announcements/").json()["count"] == 0


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        assert response.status_code == 200, path
    return len(queries)


API_LISTS = [
    "commitments",
    "complaints",
    "assessments",
    "assessment-objections",
    "credit-grades",
    "inspections",
    "violations",
    "rectification-orders",
    "exit-proposals",
    "lending",
]
PAGES = [
    "commitments/",
    "complaints/",
    "assessments/",
    "grades/",
    "enforcement/",
    "credit/",
    "announcements/",
]
PUBLIC = [
    "/api/v1/public/commitments/",
    "/api/v1/public/coops/coop-a/credit-grades/",
    "/api/v1/public/coops/coop-a/announcements/",
    "/commitments/",
]


PUBLISHED = {"/api/v1/public/commitments/", "/commitments/"}  # empty until one is published


def test_every_credit_list_pins_its_query_count(coop_a, api, client):
    client.force_login(coop_a.admin)
    staff = api(coop_a.admin)

    def counts():
        return {
            **{name: queries_of(staff, f"/api/v1/coops/coop-a/{name}/") for name in API_LISTS},
            **{page: queries_of(client, f"/c/coop-a/{page}") for page in PAGES},
            **{path: queries_of(api(), path) for path in PUBLIC},
        }

    def members(count):
        return [MemberFactory(cooperative=coop_a.cooperative) for _ in range(count)]

    build(coop_a, [coop_a.member, *members(1)])
    few = counts()
    with scope({coop_a.cooperative.pk}):
        for commitment in Commitment.objects.filter(status="submitted"):
            commitments.publish(commitment=commitment, actor=coop_a.admin)
    few_published = counts()
    build(coop_a, members(4))
    with scope({coop_a.cooperative.pk}):
        for commitment in Commitment.objects.filter(status="submitted"):
            commitments.publish(commitment=commitment, actor=coop_a.admin)
    assert counts() == few_published
    assert few_published == {
        **dict.fromkeys(API_LISTS, 4),
        "assessments": 5,  # with the objections prefetched
        # With what each replaces prefetched; the page's ids read apart from its rows (whose
        # certificates are read for the page only: coop.pagination.QuerysetByIds).
        "commitments": 6,
        "lending": 3,  # empty here: no member both consents and holds an A
        "complaints": 5,  # the page's ids apart from its rows, as commitments
        **dict.fromkeys(["commitments/", "complaints/"], 6),  # the ids apart, as the API
        **dict.fromkeys(["assessments/", "grades/"], 6),
        "credit/": 5,  # its count is the distribution's sum
        "announcements/": 6,  # with the members each assessment's notice names
        "enforcement/": 13,  # four paginated lists and the two forms' member choices
        # The count (capped), the page's ids, its rows (credit.selectors.registry_rows).
        "/api/v1/public/commitments/": 3,
        "/commitments/": 3,
        "/api/v1/public/coops/coop-a/credit-grades/": 3,
        "/api/v1/public/coops/coop-a/announcements/": 3,
    }
    assert {k: v for k, v in few.items() if k not in PUBLISHED} == {
        k: v for k, v in few_published.items() if k not in PUBLISHED
    }


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_the_credit_admin_keeps_to_the_cooperative(coop_a, coop_b, theirs, client, role):
    client.force_login(coop_a.users()[role])
    with scope({coop_b.cooperative.pk}):
        policy = enforcement.policy(coop_b.cooperative.pk)
    for model, pk in [
        ("complaint", theirs["complaints"]),
        ("commitment", theirs["commitments"]),
        ("creditgrade", theirs["credit-grades"]),
        ("violation", theirs["violations"]),
        ("enforcementpolicy", policy.pk),
    ]:
        assert client.get(f"/admin/credit/{model}/{pk}/change/").status_code == 404, model
    listed = client.get("/admin/credit/complaint/")
    assert listed.status_code == 200 and "13900000000" not in listed.content.decode()
