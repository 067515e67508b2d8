"""First-offence leniency, the repeat penalty, rectification orders and reminders, and exit
proposals from thresholds decided into the member's lifecycle."""

from datetime import date, timedelta

from django.core import mail

from coop.tenancy import scope, unscoped
from credit.models import ExitProposal, RectificationOrder
from credit.services import enforcement
from members.models import Member
from members.services.lifecycle import MEMBER
from tests.credit.test_assessments import failed_batch

VIOLATIONS = "/api/v1/coops/coop-a/violations/"


def violation(api, tenant, on, severity="minor", **extra):
    body = {
        "member": tenant.member.pk,
        "kind": "未按规定标注纤维含量",
        "severity": severity,
        "legal_clause": "《产品质量法》第二十七条",
        "occurred_on": on.isoformat(),
        "penalty_amount": "2000.00",
        **extra,
    }
    return api(tenant.admin).post(VIOLATIONS, body, format="json")


def test_a_first_minor_violation_is_a_warning_and_a_repeat_is_penalised(coop_a, api):
    first = violation(api, coop_a, date(2025, 3, 1)).json()
    assert (first["outcome"], first["penalty_amount"]) == ("warning", None)
    assert first["outcome_reason"] == "730 天内首次轻微违法：予以警告，不予处罚。"
    repeat = violation(api, coop_a, date(2025, 9, 1)).json()
    assert (repeat["outcome"], repeat["penalty_amount"]) == ("penalty", "2000.00")
    assert "2025-03-01" in repeat["outcome_reason"]
    much_later = violation(api, coop_a, date(2028, 1, 1)).json()
    assert much_later["outcome"] == "warning"  # the earlier ones are outside the period
    serious = violation(api, coop_a, date(2028, 2, 1), severity="serious").json()
    assert serious["outcome"] == "penalty"
    assert violation(api, coop_a, date(2025, 3, 1), severity="huge").status_code == 400


def test_rectification_orders_have_deadlines_and_overdue_reminders(coop_a, api):
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    found = violation(api, coop_a, date.today()).json()
    orders = "/api/v1/coops/coop-a/rectification-orders/"
    past = api(coop_a.admin).post(
        orders,
        {"violation": found["id"], "requirement": "补正标识", "deadline": date.today().isoformat()},
    )
    assert past.status_code == 400 and "deadline" in past.json()
    order = (
        api(coop_a.admin)
        .post(
            orders,
            {
                "violation": found["id"],
                "requirement": "补正标识",
                "deadline": (date.today() + timedelta(days=10)).isoformat(),
            },
        )
        .json()
    )
    with unscoped():
        RectificationOrder.objects.filter(pk=order["id"]).update(
            deadline=date.today() - timedelta(days=1)
        )
    with scope({coop_a.cooperative.pk}):
        assert enforcement.remind_overdue(cooperative_id=coop_a.cooperative.pk) == 1
        assert enforcement.remind_overdue(cooperative_id=coop_a.cooperative.pk) == 0  # once a day
    assert mail.outbox[0].to == ["quality@example.com"] and "补正标识" in mail.outbox[0].body
    done = api(coop_a.admin).post(f"{orders}{order['id']}/done/").json()
    assert done["done_on"] == date.today().isoformat() and done["overdue"] is False
    again = api(coop_a.admin).post(f"{orders}{order['id']}/done/")
    assert again.status_code == 409


def test_two_failed_samplings_propose_an_exit_that_an_administrator_decides(coop_a, api):
    for days in (20, 40):
        failed_batch(coop_a, coop_a.member, date.today() - timedelta(days=days))
    proposals = "/api/v1/coops/coop-a/exit-proposals/"
    assert api(coop_a.admin).post(f"{proposals}run/").json() == {"proposed": 1}
    assert api(coop_a.admin).post(f"{proposals}run/").json() == {"proposed": 0}
    proposal = api(coop_a.admin).get(proposals).json()["results"][0]
    assert proposal["grounds"] == ["一年内抽检不合格 2 次"]
    assert (
        api(coop_a.supervisor)
        .post(f"{proposals}{proposal['id']}/decide/", {"accept": True, "reason": "x"})
        .status_code
        == 403
    )
    decided = api(coop_a.admin).post(
        f"{proposals}{proposal['id']}/decide/", {"accept": True, "reason": "连续抽检不合格"}
    )
    assert decided.json()["status"] == "accepted"
    with unscoped():
        member = Member.objects.get(pk=coop_a.member.pk)
        event = MEMBER.history(member).last()
    assert member.status == "exited" and event.step == "exit"
    assert event.details["exit_kind"] == "expulsion"
    assert api(coop_a.admin).post(f"{proposals}run/").json() == {"proposed": 0}  # exited
    with unscoped():
        assert ExitProposal.objects.count() == 1
