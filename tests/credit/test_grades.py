"""Credit grades: factors that explain and add up to the score, bands, overrides audited,
the model staff change, the public list and the lending export."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from credit.models import Complaint, CreditGrade
from credit.services import grading
from members.models import Certification
from tests.credit.test_assessments import failed_batch
from tests.factories import MemberFactory

GRADES = "/api/v1/coops/coop-a/credit-grades/"


def run(api, tenant):
    return api(tenant.admin).post(f"/api/v1/coops/{tenant.slug}/credit-grades/run/")


def test_every_grade_explains_itself_and_the_points_add_up(coop_a, convention, api):
    weak = MemberFactory(cooperative=coop_a.cooperative)
    today = date.today()
    failed_batch(coop_a, weak, today - timedelta(days=30))
    failed_batch(coop_a, weak, today - timedelta(days=60))
    with unscoped():
        Complaint.objects.create(
            cooperative=coop_a.cooperative,
            member=weak,
            product="x",
            description="x",
            tracking_code="TS1",
            triage="valid",
        )
        Certification.objects.create(
            cooperative=coop_a.cooperative,
            member=coop_a.member,
            scheme="iso9001",
            number="Q1",
            body="CQC",
            issued_on=today - timedelta(days=10),
            expires_on=today + timedelta(days=900),
        )
    assert run(api, coop_a).json() == {"graded": 2, "exit_proposals": 1}
    assert run(api, coop_a).json() == {"graded": 0, "exit_proposals": 0}  # once a day
    rows = {row["member"]: row for row in api(coop_a.admin).get(GRADES).json()["results"]}
    for row in rows.values():
        assert sum(Decimal(f["points"]) for f in row["factors"]) == Decimal(row["score"])
        assert {f["factor"] for f in row["factors"]} == set(grading.DEFAULT_WEIGHTS)
    good, bad = rows[coop_a.member.pk], rows[weak.pk]
    # No batch, no complaint, no violation, ISO 9001, no honour/standard/training, unsigned.
    assert (good["score"], good["grade"]) == ("80.0", "AA")
    iso = next(f for f in good["factors"] if f["factor"] == "certification")
    assert (iso["label"], iso["points"], iso["why"]) == (
        "ISO 9001 认证",
        "5.0",
        "持有效 ISO 9001 证书",
    )
    severity = next(f for f in bad["factors"] if f["factor"] == "severity")
    assert (severity["share"], severity["why"]) == ("0.00", "2 次不符合强制性国家标准")
    # Half the complaints' 15, all the enforcement's 15, nothing else.
    assert (bad["score"], bad["grade"]) == ("22.5", "D")


def test_an_override_needs_a_reason_is_audited_and_kept_in_the_history(coop_a, api):
    run(api, coop_a)
    grade = api(coop_a.admin).get(GRADES).json()["results"][0]
    path = f"{GRADES}{grade['id']}/override/"
    assert api(coop_a.admin).post(path, {"new_grade": "AAA"}).status_code == 400
    assert api(coop_a.supervisor).post(path, {"new_grade": "AAA", "reason": "x"}).status_code == 403
    done = api(coop_a.admin).post(path, {"new_grade": "AAA", "reason": "获省长质量奖"}).json()
    assert (done["grade"], done["computed_grade"], done["override_reason"]) == (
        "AAA",
        grade["grade"],
        "获省长质量奖",
    )
    with unscoped():
        record = StepEvent.objects.get(workflow="credit_grade", step="override")
        assert (record.from_status, record.to_status) == (grade["grade"], "AAA")
        assert (record.object_id, record.reason) == (done["id"], "获省长质量奖")
        assert record.actor == coop_a.admin
        assert CreditGrade.objects.filter(member=coop_a.member).count() == 2
    current = api(coop_a.admin).get(GRADES).json()["results"]
    assert [row["grade"] for row in current] == ["AAA"]
    history = api(coop_a.admin).get(GRADES, {"history": "1"}).json()
    assert history["count"] == 2


def test_staff_change_the_weights_and_bands_within_the_rules(coop_a):
    with scope({coop_a.cooperative.pk}):
        model = grading.scoring_model(coop_a.cooperative.pk)
        weights = dict(grading.DEFAULT_WEIGHTS, pass_rate=40)
        try:
            grading.change_model(
                model=model,
                actor=coop_a.admin,
                weights=weights,
                bands=model.bands,
                validity_days=365,
            )
        except Exception as error:  # noqa: BLE001 - the message is what is checked
            assert "权重合计为 110" in str(error)
        else:
            raise AssertionError("weights adding up to 110 were accepted")
        weights = dict(grading.DEFAULT_WEIGHTS, pass_rate=40, severity=5)
        bands = {"AAA": 95, "AA": 85, "A": 75, "B": 60, "C": 40, "D": 0}
        grading.change_model(
            model=model, actor=coop_a.admin, weights=weights, bands=bands, validity_days=180
        )
        grading.grade_members(cooperative_id=coop_a.cooperative.pk)
        grade = CreditGrade.objects.get()
    assert grade.valid_until == date.today() + timedelta(days=180)
    # The member: no batch (40 + 5), no complaint or violation (30), unsigned, nothing else.
    assert (grade.score, grade.grade) == (Decimal("75.0"), "A")


def test_the_public_list_and_the_lending_export(coop_a, api, client):
    consenting = MemberFactory(cooperative=coop_a.cooperative, lending_consent=True)
    run(api, coop_a)
    public = api().get("/api/v1/public/coops/coop-a/credit-grades/").json()
    assert public["count"] == 2 and "factors" in public["results"][0]
    lending = api(coop_a.admin).get("/api/v1/coops/coop-a/lending/").json()
    assert [row["member"] for row in lending["results"]] == [consenting.pk]
    assert api(coop_a.enterprise).get("/api/v1/coops/coop-a/lending/").status_code == 403
    client.force_login(coop_a.admin)
    sheet = load_workbook(BytesIO(client.get("/c/coop-a/grades/lending.xlsx").getvalue())).active
    rows = list(sheet.values)
    assert rows[0][0] == "成员单位" and [row[0] for row in rows[1:]] == [consenting.name]
    page = client.get("/c/coop-a/credit/")
    assert consenting.name in page.content.decode()


@pytest.mark.celery_worker
def test_the_scheduled_grading_runs_on_a_worker(coop_a, worker):
    from credit import tasks

    outcome = tasks.grade.delay(coop_a.cooperative.pk).get(timeout=30)
    assert outcome == {"graded": 1, "exit_proposals": 0}
    with unscoped():
        assert CreditGrade.objects.filter(member=coop_a.member).count() == 1
