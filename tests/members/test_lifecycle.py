from datetime import date, timedelta

import pytest
from django.utils import timezone

from coop.errors import Refused
from coop.models import Document, StepEvent
from coop.tenancy import scope, unscoped
from members.models import Member
from members.selectors import membership_by_month
from members.services.lifecycle import MEMBER
from tests.factories import MemberFactory


def move(api, tenant, member, verb, **details):
    return api(tenant.admin).post(
        f"/api/v1/coops/{tenant.slug}/members/{member.pk}/{verb}/", details, format="json"
    )


def test_an_application_goes_through_review_approval_and_signing(coop_a, convention, api):
    member = MemberFactory(cooperative=coop_a.cooperative, status="applied", joined_on=None)
    assert move(api, coop_a, member, "review").json()["status"] == "under_review"
    assert move(api, coop_a, member, "approve").json()["status"] == "approved"
    user = coop_a.enterprise
    user.member = member
    user.save()
    signed = api(user).post(
        f"/api/v1/coops/coop-a/conventions/{convention.pk}/signatures/",
        {"signer_name": "陈建华", "signer_position": "法定代表人"},
        format="json",
    )
    assert signed.status_code == 201, signed.json()
    with unscoped():
        member.refresh_from_db()
    assert (member.status, member.joined_on) == ("active", timezone.localdate())


def test_a_rejection_needs_a_reason_and_is_recorded_with_it(coop_a, api):
    member = MemberFactory(cooperative=coop_a.cooperative, status="under_review")
    refused = move(api, coop_a, member, "reject")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert move(api, coop_a, member, "reject", reason="近两年有质量违法记录").status_code == 200
    history = api(coop_a.admin).get(f"/api/v1/coops/coop-a/members/{member.pk}/events/").json()
    last = history["results"][-1]
    assert (
        last["verb"],
        last["from_status"],
        last["to_status"],
        last["actor"],
        last["reason"],
    ) == ("reject", "under_review", "rejected", "a-admin", "近两年有质量违法记录")


@pytest.mark.parametrize(
    "status, verb, refusal",
    [
        ("applied", "approve", "不能批准：只有状态为“审核中”的社员单位可以。"),
        ("active", "approve", "不能批准：只有状态为“审核中”的社员单位可以。"),
        ("under_review", "suspend", "不能暂停：只有状态为“在册”的社员单位可以。"),
        ("exited", "reinstate", "不能恢复：只有状态为“暂停”的社员单位可以。"),
        ("exited", "exit", "不能办理退出：只有状态为“在册或已批准或暂停”的社员单位可以。"),
        ("rejected", "review", "不能开始审核：只有状态为“已申请”的社员单位可以。"),
        ("active", "reinstate", "不能恢复：只有状态为“暂停”的社员单位可以。"),
    ],
)
def test_a_transition_not_allowed_from_the_status_is_refused_with_a_message(
    coop_a, api, status, verb, refusal
):
    member = MemberFactory(cooperative=coop_a.cooperative, status=status)
    response = move(
        api,
        coop_a,
        member,
        verb,
        reason="x",
        exit_kind="expulsion",
        decision_date=str(date.today()),
    )
    assert response.status_code == 409
    label = str(Member.Status(status).label)
    assert response.json()["detail"] == f"社员单位当前状态为“{label}”，{refusal}"
    with unscoped():
        assert Member.objects.get(pk=member.pk).status == status
        assert not StepEvent.objects.filter(workflow="member", object_id=member.pk).exists()


def test_suspension_and_reinstatement(coop_a, api):
    member = MemberFactory(cooperative=coop_a.cooperative, status="active")
    assert move(api, coop_a, member, "suspend", reason="抽检不合格").json()["status"] == "suspended"
    assert move(api, coop_a, member, "reinstate").json()["status"] == "active"


def test_an_exit_needs_its_kind_and_date_and_revokes_the_members_documents(coop_a, api):
    member = MemberFactory(cooperative=coop_a.cooperative, status="active")
    with unscoped():
        Document.objects.create(
            cooperative=coop_a.cooperative,
            kind="convention_certificate",
            number="TC-2026-00001",
            source_id=1,
            member=member,
        )
    incomplete = move(api, coop_a, member, "exit", reason="自愿退出")
    assert set(incomplete.json()) >= {"exit_kind", "decision_date"}
    future = move(
        api,
        coop_a,
        member,
        "exit",
        reason="x",
        exit_kind="withdrawal",
        decision_date=str(date.today() + timedelta(days=1)),
    )
    assert "decision_date" in future.json()
    done = move(
        api,
        coop_a,
        member,
        "exit",
        reason="自愿退出",
        exit_kind="withdrawal",
        decision_date=str(date.today()),
    )
    assert (done.json()["status"], done.json()["exited_on"]) == ("exited", str(date.today()))
    with unscoped():
        assert Document.objects.get(member=member).status == "revoked"


@pytest.mark.parametrize("role", ["supervisor", "lab", "enterprise"])
def test_only_an_administrator_moves_a_member(coop_a, api, role):
    member = coop_a.member
    response = api(coop_a.users()[role]).post(
        f"/api/v1/coops/coop-a/members/{member.pk}/suspend/", {"reason": "x"}, format="json"
    )
    assert response.status_code in (403, 404)


def test_another_cooperatives_member_cannot_be_moved(coop_a, coop_b, api):
    for path in (
        f"/api/v1/coops/coop-b/members/{coop_b.member.pk}/suspend/",
        f"/api/v1/coops/coop-a/members/{coop_b.member.pk}/suspend/",
    ):
        assert api(coop_a.admin).post(path, {"reason": "x"}, format="json").status_code == 404
    assert (
        api(coop_a.admin)
        .get(f"/api/v1/coops/coop-a/members/{coop_b.member.pk}/events/")
        .status_code
        == 404
    )
    with unscoped():
        assert Member.objects.get(pk=coop_b.member.pk).status == "active"


def test_the_page_shows_a_refusal_as_a_message(coop_a, client):
    client.force_login(coop_a.admin)
    response = client.post(f"/c/coop-a/members/{coop_a.member.pk}/approve/", follow=True)
    assert "社员单位当前状态为“在册”，不能批准：只有状态为“审核中”的社员单位可以。" in (
        response.content.decode()
    )


def test_the_page_moves_a_member_and_shows_its_timeline(coop_a, client):
    member = MemberFactory(cooperative=coop_a.cooperative, status="active")
    client.force_login(coop_a.admin)
    response = client.post(
        f"/c/coop-a/members/{member.pk}/suspend/",
        {"reason": "抽检不合格", "confirm": "true"},
        follow=True,
    )
    page = response.content.decode()
    assert "暂停" in page and "抽检不合格" in page


def test_a_transition_outside_the_scope_is_impossible_even_in_code(coop_a, coop_b):
    with scope({coop_a.cooperative.pk}), pytest.raises(Member.DoesNotExist):
        MEMBER.take("suspend", coop_b.member, actor=coop_a.admin, reason="x")


def test_a_service_refusal_is_an_exception_with_the_message(coop_a):
    with scope({coop_a.cooperative.pk}), pytest.raises(Refused, match="“审核中”"):
        MEMBER.take("approve", coop_a.member, actor=coop_a.admin)


def test_members_at_each_month_end_are_counted_from_join_and_exit_dates(coop_a):
    today = timezone.localdate()
    long_ago = today - timedelta(days=400)
    with unscoped():
        Member.objects.filter(pk=coop_a.member.pk).update(joined_on=long_ago)
    MemberFactory(
        cooperative=coop_a.cooperative,
        joined_on=long_ago,
        status="exited",
        exited_on=today - timedelta(days=100),
    )
    MemberFactory(cooperative=coop_a.cooperative, joined_on=today, status="active")
    MemberFactory(cooperative=coop_a.cooperative, joined_on=None, status="applied")
    with scope({coop_a.cooperative.pk}):
        months = membership_by_month(coop_a.cooperative.pk, months=12)
    assert len(months) == 12
    assert months[0][1] == 2  # a year ago: the first two had joined
    assert months[-1] == (today, 2)  # now: one exited, one joined today
