"""Periods and dates a request gives credit's services lie in the portal's range (from 2000 to
ten years ahead, coop.periods): assessment periods (also never ending after today), commitment
validity, decision and found-on dates, order deadlines and a grade's validity in days. Outside
it the API answers 400 naming the field, a page shows the error beside it, and nothing is
written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from credit.models import (
    Announcement,
    Assessment,
    Commitment,
    RectificationOrder,
    ScoringModel,
    Violation,
)
from credit.services import enforcement, grading

ASSESSMENTS = "/api/v1/coops/coop-a/assessments/"
TODAY = timezone.localdate()
BAD_PERIODS = [
    ("0001-01-01", "0001-12-31", "start"),
    ("9999-01-01", "9999-12-31", "start"),
    ("1999-01-01", "1999-12-31", "start"),
    ("2025-01-01", "9999-12-31", "end"),
    ((TODAY + timedelta(days=1)).isoformat(), (TODAY + timedelta(days=90)).isoformat(), "end"),
    ("2025-01-01", (TODAY + timedelta(days=1)).isoformat(), "end"),
]


def nothing_assessed():
    with unscoped():
        return not (Assessment.objects.exists() or Announcement.objects.exists())


@pytest.mark.parametrize("action", ["run", "announce"])
def test_an_assessment_period_outside_the_range_is_a_400_and_assesses_no_one(coop_a, api, action):
    client = api(coop_a.admin)
    for start, end, field in BAD_PERIODS:
        response = client.post(
            f"{ASSESSMENTS}{action}/", {"start": start, "end": end}, format="json"
        )
        assert response.status_code == 400, (start, end, response.json())
        assert field in response.json(), (start, end, response.json())
    assert nothing_assessed()


def test_the_assessment_page_shows_why_a_period_is_refused(coop_a):
    client = Client()
    client.force_login(coop_a.admin)
    for start, end, field in BAD_PERIODS:
        period = {"start": start, "end": end}
        ran = client.post("/c/coop-a/assessments/", {**period, "action": "run"})
        assert ran.status_code == 200 and field in ran.context["form"].errors, period
        announced = client.post("/c/coop-a/assessments/", {**period, "action": "announce"})
        form, said = announced.context["form"], [str(m) for m in announced.context["messages"]]
        assert field in form.errors or said, period  # beside the field, or the step's message
    assert nothing_assessed()


def test_a_period_in_the_range_ending_today_is_assessed(coop_a, api):
    start = (TODAY - timedelta(days=60)).isoformat()
    made = api(coop_a.admin).post(
        f"{ASSESSMENTS}run/", {"start": start, "end": TODAY.isoformat()}, format="json"
    )
    assert made.status_code == 201 and made.json()["created"] == 1


def commitment(tenant, **overrides):
    return {
        "member": tenant.member.pk,
        "products": "四件套",
        "standards": "GB 18401-2010",
        "guarantees": "质量问题包换。",
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + timedelta(days=365)).isoformat(),
        **overrides,
    }


@pytest.mark.parametrize(
    "field, value",
    [
        ("valid_from", "0001-01-01"),
        ("valid_from", "1999-12-31"),
        ("valid_until", "9999-12-31"),
        ("valid_until", f"{TODAY.year + 11}-01-01"),
    ],
)
def test_a_commitment_valid_outside_the_range_is_refused_naming_the_field(
    coop_a, api, field, value
):
    response = api(coop_a.enterprise).post(
        "/api/v1/coops/coop-a/commitments/", commitment(coop_a, **{field: value}), format="json"
    )
    assert response.status_code == 400 and field in response.json()
    client = Client()
    client.force_login(coop_a.enterprise)
    form = {**commitment(coop_a, **{field: value})}
    page = client.post("/c/coop-a/commitments/new/", form)
    assert page.status_code == 200 and field in page.context["form"].errors
    with unscoped():
        assert not Commitment.objects.exists()


@pytest.mark.parametrize("decided", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_an_exit_decided_on_a_date_outside_the_range_is_refused_and_recorded_nowhere(
    coop_a, api, decided
):
    body = {"reason": "自愿退出", "exit_kind": "withdrawal", "decision_date": decided}
    response = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/exit/", body, format="json"
    )
    assert response.status_code == 400 and "decision_date" in response.json()
    client = Client()
    client.force_login(coop_a.admin)
    client.post(f"/c/coop-a/members/{coop_a.member.pk}/exit/", {**body, "confirm": "true"})
    with unscoped():
        coop_a.member.refresh_from_db()
        assert coop_a.member.status == "active" and coop_a.member.exited_on is None
        assert not StepEvent.objects.filter(step="exit").exists()


def test_the_workflow_refuses_a_date_outside_the_range_before_it_locks_anything(coop_a):
    from members.services.lifecycle import MEMBER

    with scope({coop_a.cooperative.pk}), pytest.raises(ValidationError) as refused:
        MEMBER.take(
            "exit",
            coop_a.member,
            actor=coop_a.admin,
            reason="x",
            exit_kind="withdrawal",
            decision_date=date(1, 1, 1),
        )
    assert list(refused.value.message_dict) == ["decision_date"]


@pytest.mark.parametrize("found", ["0001-01-01", "1999-06-30", "9999-12-31"])
def test_a_violation_found_on_a_date_outside_the_range_is_a_400_not_an_overflow(coop_a, api, found):
    body = {
        "member": coop_a.member.pk,
        "kind": "标识不规范",
        "severity": "minor",
        "legal_clause": "第二十七条",
        "occurred_on": found,
    }
    response = api(coop_a.admin).post("/api/v1/coops/coop-a/violations/", body, format="json")
    assert response.status_code == 400 and "occurred_on" in response.json()
    client = Client()
    client.force_login(coop_a.admin)
    page = client.post("/c/coop-a/enforcement/", {"form": "violation", **body})
    assert page.status_code == 200
    with unscoped():
        assert not Violation.objects.exists()


@pytest.mark.parametrize("deadline", ["9999-12-31", f"{TODAY.year + 11}-01-01", "0001-01-01"])
def test_a_rectification_deadline_outside_the_range_is_refused(coop_a, api, deadline):
    with scope({coop_a.cooperative.pk}):
        violation = enforcement.record_violation(
            member=coop_a.member,
            actor=coop_a.admin,
            kind="标识不规范",
            severity="serious",
            legal_clause="第二十七条",
            occurred_on=TODAY,
        )
    response = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/rectification-orders/",
        {"violation": violation.pk, "requirement": "补正标识", "deadline": deadline},
        format="json",
    )
    assert response.status_code == 400 and "deadline" in response.json()
    with unscoped():
        assert not RectificationOrder.objects.exists()


@pytest.mark.parametrize("days", [10**9, 3661, 29])
def test_a_grades_validity_in_days_stays_within_the_calendar(coop_a, days):
    client = Client()
    client.force_login(coop_a.admin)
    with scope({coop_a.cooperative.pk}):
        model = grading.scoring_model(coop_a.cooperative.pk)
    form = {f"weight_{k}": v for k, v in model.weights.items()}
    form |= {f"band_{k}": v for k, v in model.bands.items()}
    page = client.post("/c/coop-a/grades/", {**form, "validity_days": days})
    assert page.status_code == 200 and "validity_days" in page.context["form"].errors
    with scope({coop_a.cooperative.pk}), pytest.raises(ValidationError) as refused:
        grading.change_model(
            model=model,
            actor=coop_a.admin,
            weights=model.weights,
            bands=model.bands,
            validity_days=days,
        )
    assert "validity_days" in refused.value.message_dict
    with unscoped():
        assert ScoringModel.objects.get().validity_days == 365


@pytest.mark.parametrize("days", ["999999999", "3661", "-1"])
def test_a_first_offence_period_that_would_leave_the_calendar_is_refused_in_the_admin(coop_a, days):
    with scope({coop_a.cooperative.pk}):
        policy = enforcement.policy(coop_a.cooperative.pk)
    client = Client()
    client.force_login(coop_a.admin)
    page = client.post(
        f"/admin/credit/enforcementpolicy/{policy.pk}/change/",
        {
            "cooperative": coop_a.cooperative.pk,
            "leniency_days": days,
            "failed_samplings_for_exit": 2,
        },
    )
    assert page.status_code == 200 and "leniency_days" in page.context["adminform"].form.errors
    with scope({coop_a.cooperative.pk}):
        policy.refresh_from_db()
        assert policy.leniency_days == 730
        enforcement.record_violation(  # still counted back from a real date
            member=coop_a.member,
            actor=coop_a.admin,
            kind="标识不规范",
            severity="minor",
            legal_clause="第二十七条",
            occurred_on=TODAY,
        )
