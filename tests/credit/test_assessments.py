"""The assessment from the figures, through review, announcement and objection, to final."""

from datetime import date, timedelta

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from credit.models import Assessment, Complaint, Violation
from credit.services import assessments
from testing_fund.models import Batch, Fund
from tests.factories import MemberFactory

ASSESSMENTS = "/api/v1/coops/coop-a/assessments/"
START, END = date(2025, 1, 1), date(2025, 12, 31)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def failed_batch(tenant, member, on):
    from standards import catalogue
    from standards.models import Standard

    catalogue.load()
    with unscoped():
        fund, _ = Fund.objects.get_or_create(cooperative=tenant.cooperative, year=on.year)
        return Batch.objects.create(
            cooperative=tenant.cooperative,
            member=member,
            fund=fund,
            product="四件套",
            safety_category="B",
            standard=Standard.objects.get(code="GB 18401-2010"),
            lab=tenant.lab.institution,
            status="closed",
            passed=False,
            reported_on=on,
        )


def test_the_result_follows_from_samplings_complaints_and_violations(coop_a, api):
    clean, failed, serious = (
        coop_a.member,
        *(MemberFactory(cooperative=coop_a.cooperative) for _ in "xy"),
    )
    failed_batch(coop_a, failed, date(2025, 5, 1))
    failed_batch(coop_a, clean, date(2024, 5, 1))  # before the period: not counted
    with unscoped():
        Violation.objects.create(
            cooperative=coop_a.cooperative,
            member=serious,
            kind="虚假标注",
            severity="serious",
            legal_clause="《产品质量法》第五十四条",
            occurred_on=date(2025, 6, 1),
            outcome="penalty",
            outcome_reason="x",
        )
        Complaint.objects.create(
            cooperative=coop_a.cooperative,
            member=failed,
            product="x",
            description="x",
            tracking_code="TSX",
            triage="valid",
            received_at=date(2025, 7, 1).isoformat() + "T12:00Z",
        )
    made = api(coop_a.admin).post(f"{ASSESSMENTS}run/", PERIOD, format="json")
    assert made.json() == {"created": 3}
    assert api(coop_a.admin).post(f"{ASSESSMENTS}run/", PERIOD, format="json").json() == {
        "created": 0
    }  # once per member and period
    with unscoped():
        results = dict(Assessment.objects.values_list("member_id", "result"))
        basis = Assessment.objects.get(member=failed).basis
    assert results == {clean.pk: "fulfilled", failed.pk: "mostly", serious.pk: "not_fulfilled"}
    assert basis == {"sampled": 1, "failed": 1, "complaints": 1, "violations": 0, "serious": 0}


def test_review_announcement_objection_and_final(coop_a, api, client):
    api(coop_a.admin).post(f"{ASSESSMENTS}run/", PERIOD, format="json")
    with unscoped():
        assessment = Assessment.objects.get()
    path = f"{ASSESSMENTS}{assessment.pk}/"
    no_reason = api(coop_a.admin).post(f"{path}adjust/", {"result": "mostly"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    api(coop_a.admin).post(f"{path}adjust/", {"result": "mostly", "reason": "检查发现标识不规范"})
    with unscoped():
        adjusted = StepEvent.objects.get(workflow="assessment", step="adjust")
        assert (adjusted.object_id, adjusted.details, adjusted.reason) == (
            assessment.pk,
            {"result": "mostly"},
            "检查发现标识不规范",
        )
        assert Assessment.objects.get(pk=assessment.pk).computed == "fulfilled"
    early = api(coop_a.enterprise).post(f"{path}object/", {"reason": "不同意"})
    assert early.status_code == 409  # not announced yet
    announced = api(coop_a.admin).post(f"{ASSESSMENTS}announce/", {**PERIOD, "days": 7})
    assert announced.status_code == 201 and "1 家基本履行" in announced.json()["body"]
    again = api(coop_a.admin).post(f"{ASSESSMENTS}announce/", {**PERIOD, "days": 7})
    assert (again.status_code, again.json()["detail"]) == (409, "该期间没有待公示的评价。")
    public = api().get("/api/v1/public/coops/coop-a/announcements/").json()["results"]
    assert public[0]["title"].startswith("2025-01-01 至 2025-12-31")
    objected = api(coop_a.enterprise).post(f"{path}object/", {"reason": "标识已整改"})
    assert objected.status_code == 200
    objection = objected.json()["objections"][0]["id"]
    with scope({coop_a.cooperative.pk}):
        later = date.today() + timedelta(days=8)
        assert assessments.finalise_due(cooperative_id=coop_a.cooperative.pk, today=later) == 0
    decided = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/assessment-objections/{objection}/decide/",
        {"upheld": True, "reason": "整改属实", "result": "fulfilled"},
    )
    assert decided.json()["decision"] == "upheld"
    with scope({coop_a.cooperative.pk}):
        assert assessments.finalise_due(cooperative_id=coop_a.cooperative.pk) == 0  # window open
        assert assessments.finalise_due(cooperative_id=coop_a.cooperative.pk, today=later) == 1
        assessment.refresh_from_db()
    assert (assessment.status, assessment.result) == ("final", "fulfilled")
    page = api().get(f"/api/v1/public/coops/coop-a/members/{coop_a.member.pk}/").json()
    assert page["assessments"][0]["result"] == "fulfilled"
    assert page["assessments"][0]["status"] == "final"


def test_an_objection_after_the_window_is_refused(coop_a, api):
    api(coop_a.admin).post(f"{ASSESSMENTS}run/", PERIOD, format="json")
    api(coop_a.admin).post(f"{ASSESSMENTS}announce/", {**PERIOD, "days": 1})
    with unscoped():
        assessment = Assessment.objects.get()
        Assessment.objects.filter(pk=assessment.pk).update(
            objections_until=date.today() - timedelta(days=1)
        )
    late = api(coop_a.enterprise).post(f"{ASSESSMENTS}{assessment.pk}/object/", {"reason": "x"})
    assert late.status_code == 409 and "异议期已于" in late.json()["detail"]


def test_the_schedule_is_in_the_database_and_runs_the_assessment(coop_a):
    from django_celery_beat.models import PeriodicTask

    from credit import tasks

    tasks.schedule(coop_a.cooperative)
    tasks.schedule(coop_a.cooperative)
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"credit.tasks.assess", "credit.tasks.grade", "credit.tasks.daily"} <= names
    assert PeriodicTask.objects.filter(task="credit.tasks.assess").count() == 1
    assert tasks.assess(coop_a.cooperative.pk) == 1
    start, end = assessments.previous_period(date(2026, 3, 15))
    assert (start, end) == (date(2025, 3, 1), date(2026, 2, 28))
