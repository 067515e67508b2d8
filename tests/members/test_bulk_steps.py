"""Admitting several applications at once (members.services.bulk), from the API and from the
members' list: each application approved (an applied one reviewed first), a unit in another
state refused with the approve step's own refusal and left as it was, another cooperative's
units not found, administrators only, and queries a constant plus a constant per row."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.bulk import MAX_IDS
from coop.models import StepEvent
from coop.tenancy import unscoped
from members.models import Member
from tests.factories import MemberFactory

APPROVE_REFUSED = "社员单位当前状态为“在册”，不能批准：只有状态为“审核中”的社员单位可以。"


def bulk_path(tenant):
    return f"/api/v1/coops/{tenant.slug}/members/bulk/admit/"


def status_of(member):
    with unscoped():
        return Member.objects.get(pk=member.pk).status


def steps_of(member):
    with unscoped():
        return list(
            StepEvent.objects.filter(workflow="member", object_id=member.pk)
            .order_by("at", "id")
            .values_list("step", flat=True)
        )


@pytest.fixture
def pile(coop_a, coop_b):
    """Coop A: two applications, one under review, one active unit; coop B: an application."""
    make = MemberFactory
    return {
        "applied": make(cooperative=coop_a.cooperative, status="applied", joined_on=None),
        "under_review": make(cooperative=coop_a.cooperative, status="under_review"),
        "active": coop_a.member,
        "applied_too": make(cooperative=coop_a.cooperative, status="applied", joined_on=None),
        "theirs": make(cooperative=coop_b.cooperative, status="applied", joined_on=None),
    }


def test_the_api_admits_each_application_and_refuses_the_others_per_row(coop_a, pile, api):
    ids = [pile[name].pk for name in ("applied", "under_review", "active", "applied_too")]
    ids.append(pile["theirs"].pk)
    response = api(coop_a.admin).post(bulk_path(coop_a), {"ids": ids}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["done"], body["refused"]) == (3, 2)
    rows = {row["id"]: row for row in body["rows"]}
    assert [row["id"] for row in body["rows"]] == ids
    for name in ("applied", "under_review", "applied_too"):
        assert rows[pile[name].pk]["outcome"] == "done"
        assert status_of(pile[name]) == "approved"
    assert steps_of(pile["applied"]) == ["review", "approve"]
    assert steps_of(pile["under_review"]) == ["approve"]
    assert rows[pile["active"].pk] == {
        "id": pile["active"].pk,
        "outcome": "refused",
        "reason": APPROVE_REFUSED,
        "errors": {},
    }
    assert status_of(pile["active"]) == "active"
    assert steps_of(pile["active"]) == []
    # Another cooperative's application: not found, never touched.
    assert rows[pile["theirs"].pk]["outcome"] == "refused"
    assert rows[pile["theirs"].pk]["reason"].startswith("未找到")
    assert status_of(pile["theirs"]) == "applied"
    assert steps_of(pile["theirs"]) == []


def test_the_approve_refusal_is_the_single_steps(coop_a, pile, api):
    single = api(coop_a.admin).post(
        f"/api/v1/coops/{coop_a.slug}/members/{pile['active'].pk}/approve/", {}, format="json"
    )
    assert single.status_code == 409
    assert single.json()["detail"] == APPROVE_REFUSED


@pytest.mark.parametrize("role", ["supervisor", "enterprise", "lab"])
def test_only_an_administrator_admits(coop_a, pile, api, role):
    user = coop_a.users()[role]
    response = api(user).post(bulk_path(coop_a), {"ids": [pile["applied"].pk]}, format="json")
    assert response.status_code in (403, 404)
    assert status_of(pile["applied"]) == "applied"


def test_another_cooperatives_administrator_cannot_reach_the_address(coop_a, coop_b, pile, api):
    response = api(coop_b.admin).post(
        bulk_path(coop_a), {"ids": [pile["applied"].pk]}, format="json"
    )
    assert response.status_code == 404
    assert status_of(pile["applied"]) == "applied"


@pytest.mark.parametrize(
    "body, said",
    [
        ({}, "必填"),
        ({"ids": []}, "至少"),
        ({"ids": ["x"]}, "整数"),
        ({"ids": "1"}, "列表"),
        ({"ids": list(range(1, MAX_IDS + 2))}, str(MAX_IDS)),
    ],
)
def test_a_bad_body_is_a_400_naming_ids(coop_a, api, body, said):
    response = api(coop_a.admin).post(bulk_path(coop_a), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["ids"]
    assert said in json.dumps(response.json()["ids"], ensure_ascii=False)


def queries(coop_a, api, count):
    client = api(coop_a.admin)
    ids = [MemberFactory(cooperative=coop_a.cooperative, status="applied").pk for _ in range(count)]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(bulk_path(coop_a), {"ids": ids}, format="json")
    assert response.json()["done"] == count
    return len(captured)


def test_the_query_count_is_a_constant_plus_a_constant_per_row(coop_a, api):
    five, twenty = queries(coop_a, api, 5), queries(coop_a, api, 20)
    # Per application: a savepoint and its release, then for review and approve each a
    # savepoint, the lock, the save, the event and the release.
    per_row = 12
    assert twenty - five == 15 * per_row
    # The token with its user, the cooperative, and the rows in one query.
    assert five == 3 + 5 * per_row


# The page


def test_the_members_list_offers_the_applications_to_tick(coop_a, pile, client):
    client.force_login(coop_a.admin)
    page = client.get(f"/c/{coop_a.slug}/members/").content.decode()
    assert f'name="ids" value="{pile["applied"].pk}"' in page
    assert f'name="ids" value="{pile["under_review"].pk}"' in page
    assert f'name="ids" value="{pile["active"].pk}"' not in page  # not an application
    assert "批准所勾选的入社申请" in page or "Admit the ticked applications" in page


def test_the_supervisor_reads_the_list_without_ticks(coop_a, pile, client):
    client.force_login(coop_a.supervisor)
    page = client.get(f"/c/{coop_a.slug}/members/").content.decode()
    assert 'name="ids"' not in page


def test_the_page_answers_each_row_done_or_refused_beside_it(coop_a, pile, client):
    client.force_login(coop_a.admin)
    ids = [pile["applied"].pk, pile["active"].pk, pile["theirs"].pk]
    response = client.post(f"/c/{coop_a.slug}/members/bulk/admit/", {"ids": ids})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="outcome-done"') == 1
    assert page.count('class="outcome-refused"') == 2
    assert APPROVE_REFUSED in page
    assert pile["applied"].name in page
    assert pile["theirs"].name not in page  # another cooperative's: not even its name
    assert status_of(pile["applied"]) == "approved"
    assert status_of(pile["theirs"]) == "applied"


def test_the_page_refuses_nothing_ticked(coop_a, client):
    client.force_login(coop_a.admin)
    response = client.post(f"/c/{coop_a.slug}/members/bulk/admit/", {})
    assert response.status_code == 400
    assert "至少选择一行" in response.content.decode()


@pytest.mark.parametrize("role", ["supervisor", "enterprise", "lab"])
def test_the_page_is_for_administrators(coop_a, pile, client, role):
    client.force_login(coop_a.users()[role])
    response = client.post(f"/c/{coop_a.slug}/members/bulk/admit/", {"ids": [pile["applied"].pk]})
    assert response.status_code in (403, 404)
    assert status_of(pile["applied"]) == "applied"


def test_another_cooperatives_administrator_gets_a_404_page(coop_a, coop_b, pile, client):
    client.force_login(coop_b.admin)
    response = client.post(f"/c/{coop_a.slug}/members/bulk/admit/", {"ids": [pile["applied"].pk]})
    assert response.status_code == 404
    assert status_of(pile["applied"]) == "applied"
