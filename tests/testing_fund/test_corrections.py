"""Corrections of an issued test report: withdrawn or amended with a reason, both editions kept
and verifiable; an upheld objection leads to a re-test of the kept backup sample, at no cost to
the member, ending in a corrected report or a confirmation the member sees."""

import io
from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
from django.core.exceptions import ValidationError

from coop.errors import Refused
from coop.models import Document, StepEvent
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch, LedgerEntry, Objection, Rectification
from testing_fund.reports import issue_test_report
from testing_fund.services import batches
from tests.factories import UserFactory
from tests.testing_fund.conftest import request, sample

GOOD = {"formaldehyde": "30", "ph": "6.5", "odour": "无"}
BAD = {"formaldehyde": "82", "ph": "6.5", "odour": "无"}
API = "/api/v1/coops/coop-a/batches/"


@pytest.fixture
def checker(coop_a):
    return UserFactory(role="lab_technician", institution=coop_a.lab.institution)


def through_the_lab(tenant, checker, batch, values):
    """Receive, enter and verify ``batch`` as its lab does (inside the scope)."""
    batches.receive(batch=batch, actor=tenant.lab)
    batches.enter_results(batch=batch, actor=tenant.lab, values=values)
    batches.verify(batch=batch, actor=checker)


def reported(tenant, checker, values, backup=True):
    """A batch reported, its report rendered as its task does."""
    batch = request(tenant)
    with scope({tenant.cooperative.pk}):
        sample(tenant, batch)
        if not backup:
            Batch.objects.filter(pk=batch.pk).update(backup_kept=False)
        through_the_lab(tenant, checker, batch, values)
        batches.report(batch=batch, actor=tenant.admin)
        issue_test_report(tenant.cooperative.pk, batch.pk)
        return row(Batch, pk=batch.pk)


def row(model, **given):
    with unscoped():
        return model.objects.get(**given)


def reports_of(batch):
    with unscoped():
        return list(
            Document.objects.filter(kind="test_report", source_id=batch.pk)
            .select_related("replaces")
            .order_by("edition")
        )


def pdf_text(document):
    with unscoped():
        content = Document.objects.get(pk=document.pk).file.read()
    pdf = pypdfium2.PdfDocument(io.BytesIO(content))
    text = "".join("".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    return text.replace("\ufffe", "-")


def events(batch):
    with unscoped():
        return list(
            StepEvent.objects.filter(workflow="batch", object_id=batch.pk).values_list(
                "step", flat=True
            )
        )


# Withdrawing and amending


def test_withdrawing_needs_a_reason_and_verification_says_withdrawn_and_why(
    coop_a, priced, checker, client
):
    batch = reported(coop_a, checker, BAD)
    (report,) = reports_of(batch)
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(ValidationError) as refused:
            batches.BATCH.take("withdraw", batch, actor=coop_a.admin, reason="  ")
        assert "reason" in refused.value.message_dict
        assert reports_of(batch)[0].revoked_at is None and "withdraw" not in events(batch)
        batches.BATCH.take("withdraw", batch, actor=coop_a.admin, reason="样品编号录入错误")
        with pytest.raises(Refused, match=f"报告 {report.number} 已撤销"):
            batches.BATCH.take("withdraw", batch, actor=coop_a.admin, reason="再次")
        assert row(Batch, pk=batch.pk).status == "reported"  # the batch stays reported
    page = client.get(f"/verify/{report.code}/").content.decode()
    assert "已撤销" in page and "样品编号录入错误" in page
    client.force_login(coop_a.enterprise)
    mine = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    assert "已撤销" in mine and "样品编号录入错误" in mine


def test_amending_issues_a_new_numbered_edition_naming_the_one_it_replaces(
    coop_a, priced, checker, client, api
):
    batch = reported(coop_a, checker, BAD)
    (old,) = reports_of(batch)
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(ValidationError):
            batches.BATCH.take("amend", batch, actor=coop_a.admin, reason="")
        assert len(reports_of(batch)) == 1
        batches.BATCH.take("amend", batch, actor=coop_a.admin, reason="产品名称笔误")
        # Numbered at once, rendered by the report's task (here, as a worker would).
        pending = reports_of(batch)[1]
        assert not pending.file and row(Batch, pk=batch.pk).report_mailed_at is None
        with pytest.raises(Refused, match="正在出具"):
            batches.BATCH.take("amend", batch, actor=coop_a.admin, reason="again")
        issue_test_report(coop_a.cooperative.pk, batch.pk)
    old, new = reports_of(batch)
    assert (new.edition, new.replaces_id, old.status, new.status) == (
        2,
        old.pk,
        "superseded",
        "valid",
    )
    assert new.number != old.number and old.superseded_reason == "产品名称笔误"
    text = pdf_text(new)
    assert f"本报告替代报告{old.number}" in text and "产品名称笔误" in text
    assert new.number in text and "替代" not in pdf_text(old)
    # Verification: the old one is replaced by the new number (not its code), with the reason;
    # the new one is valid and names the one it replaces.
    page = client.get(f"/verify/{old.code}/").content.decode()
    assert f"已被文书 {new.number} 替代" in page and "产品名称笔误" in page
    assert new.code not in page
    page = client.get(f"/verify/{new.code}/").content.decode()
    assert "有效" in page and f"替代文书 {old.number}" in page
    public = api().get(f"/api/v1/public/certificates/{old.code}/").json()
    assert (public["status"], public["replaced_by"], public["superseded_reason"]) == (
        "superseded",
        new.number,
        "产品名称笔误",
    )
    # Both stay in the archive: the member's documents and the batch's page and API.
    listed = api(coop_a.enterprise).get("/api/v1/coops/coop-a/documents/").json()["results"]
    assert {old.number, new.number} <= {row["number"] for row in listed}
    editions = api(coop_a.enterprise).get(f"{API}{batch.pk}/").json()["reports"]
    assert [(e["number"], e["status"], e["replaces"]) for e in editions] == [
        (old.number, "superseded", None),
        (new.number, "valid", old.number),
    ]
    client.force_login(coop_a.enterprise)
    mine = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    assert old.number in mine and new.number in mine and "产品名称笔误" in mine


def test_staff_correct_from_the_batch_page_and_a_refusal_shows_in_the_form(
    coop_a, priced, checker, client
):
    batch = reported(coop_a, checker, GOOD)
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    assert "撤销报告" in page and "更正报告" in page
    answer = client.post(
        f"/c/coop-a/tests/{batch.pk}/withdraw/", {"reason": "", "confirm": "on"}, follow=True
    )
    assert "请填写理由" in answer.content.decode()
    assert reports_of(batch)[0].revoked_at is None
    client.post(f"/c/coop-a/tests/{batch.pk}/withdraw/", {"reason": "盖章错误", "confirm": "on"})
    assert reports_of(batch)[0].revoked_reason == "盖章错误"
    # Withdrawn, it may still be amended: a new edition replaces the withdrawn one.
    client.post(f"/c/coop-a/tests/{batch.pk}/amend/", {"reason": "重新出具"})
    assert [d.edition for d in reports_of(batch)] == [1, 2]


def test_another_cooperatives_staff_cannot_withdraw_amend_or_see(
    coop_a, coop_b, priced, checker, client, api
):
    batch = reported(coop_a, checker, BAD)
    for user in (coop_b.admin, coop_b.enterprise, coop_a.enterprise, coop_a.lab):
        for verb in ("withdraw", "amend"):
            answer = api(user).post(f"{API}{batch.pk}/{verb}/", {"reason": "x"}, format="json")
            assert answer.status_code in (403, 404), (user, verb)
    assert api(coop_b.admin).get(f"{API}{batch.pk}/").status_code == 404
    client.force_login(coop_b.admin)
    assert client.get(f"/c/coop-a/tests/{batch.pk}/").status_code == 404
    client.post(f"/c/coop-a/tests/{batch.pk}/amend/", {"reason": "x"})
    (report,) = reports_of(batch)
    assert report.status == "valid" and report.superseded_reason == ""


# Objections and re-tests


def object_and_decide(tenant, batch, upheld):
    with scope({tenant.cooperative.pk}):
        batches.object_to(batch=batch, actor=tenant.enterprise, reason="备样复检应合格")
        return batches.decide_objection(
            batch=batch, actor=tenant.admin, upheld=upheld, reason="抽样记录有疑点"
        )


def the_retest(batch):
    with unscoped():
        return Batch.objects.filter(retest_of=batch).first()


def money_and_quota(tenant, fund):
    with scope({tenant.cooperative.pk}):
        return (
            fund.balance(),
            LedgerEntry.objects.count(),
            batches.free_batches_left(tenant.member, fund.year),
        )


def test_an_upheld_objection_re_tests_the_backup_and_a_different_verdict_corrects_the_report(
    coop_a, priced, checker, client, api
):
    original = reported(coop_a, checker, BAD)
    (first,) = reports_of(original)
    with scope({coop_a.cooperative.pk}):  # the failed report's notice, not yet answered
        batches.notify_rectification(
            batch=original,
            actor=coop_a.admin,
            notice="甲醛超标，请整改",
            due_on=original.reported_on + timedelta(days=30),
        )
    before = money_and_quota(coop_a, priced)
    object_and_decide(coop_a, original, upheld=True)
    retest = the_retest(original)
    assert (retest.kind, retest.status, retest.cost, retest.member_id) == (
        "retest",
        "sampled",
        Decimal("0.00"),
        original.member_id,
    )
    assert (retest.seal_number, retest.lab_id) == (original.seal_number, original.lab_id)
    assert money_and_quota(coop_a, priced) == before  # no reservation, no quota used
    assert "retest" in events(retest)
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(Refused, match="备样复检正在进行"):
            batches.close(batch=original, actor=coop_a.admin)
        through_the_lab(coop_a, checker, retest, GOOD)
        batches.report(batch=retest, actor=coop_a.admin)
        issue_test_report(coop_a.cooperative.pk, retest.pk)
        issue_test_report(coop_a.cooperative.pk, original.pk)
    assert money_and_quota(coop_a, priced) == before  # reported at no cost either
    original = row(Batch, pk=original.pk)
    objection = row(Objection, batch=original)
    assert (objection.outcome, original.passed) == ("corrected", True)
    # Nothing is left to rectify: the notice awaiting its answer is withdrawn.
    assert row(Rectification, batch=original).status == "withdrawn"
    assert "corrected" in events(original)
    old, corrected = reports_of(original)
    assert corrected.replaces_id == old.pk and old.status == "superseded"
    assert corrected.public_details["verdict"] == "合格"
    text = pdf_text(corrected)
    assert f"本报告替代报告{first.number}" in text and f"备样复检（检测{retest.pk}）" in text
    assert "30mg/kg" in text and "82mg/kg" not in text  # the re-test's results
    assert "备样复检结论为最终结论" in text and "可在15日内提出异议" not in text
    (retest_report,) = reports_of(retest)
    text = pdf_text(retest_report)
    assert f"报告{first.number}所检样品之备样的复检" in text and corrected.number in text
    # The member sees the decision and its outcome, on the page and in the API.
    body = api(coop_a.enterprise).get(f"{API}{original.pk}/").json()
    assert body["objection"]["decision"] == "upheld"
    assert (body["objection"]["outcome"], body["objection"]["retest"]) == ("corrected", retest.pk)
    assert body["passed"] is True and body["retests"] == [retest.pk]
    client.force_login(coop_a.enterprise)
    page = client.get(f"/c/coop-a/tests/{original.pk}/").content.decode()
    assert "报告已更正" in page and f"/c/coop-a/tests/{retest.pk}/" in page
    inbox = client.get("/staff/").content.decode()
    assert "检测报告异议的决定" in inbox and "异议成立 · 报告已更正" in inbox
    with scope({coop_a.cooperative.pk}):  # the re-test is final
        with pytest.raises(Refused, match="最终结论"):
            batches.object_to(batch=retest, actor=coop_a.enterprise, reason="再议")
        batches.close(batch=original, actor=coop_a.admin)


def test_the_same_verdict_confirms_the_report_which_stands(coop_a, priced, checker, api):
    original = reported(coop_a, checker, BAD)
    object_and_decide(coop_a, original, upheld=True)
    retest = the_retest(original)
    with scope({coop_a.cooperative.pk}):
        through_the_lab(coop_a, checker, retest, BAD)
        batches.report(batch=retest, actor=coop_a.admin)
        issue_test_report(coop_a.cooperative.pk, retest.pk)
    (first,) = reports_of(original)  # no new edition: the original stands
    assert first.status == "valid" and row(Batch, pk=original.pk).passed is False
    assert row(Objection, batch=original).outcome == "confirmed"
    (confirmation,) = reports_of(retest)
    text = pdf_text(confirmation)
    assert first.number in text and "复检结论与原报告一致：原报告维持有效" in text
    body = api(coop_a.enterprise).get(f"{API}{original.pk}/").json()
    assert body["objection"]["outcome"] == "confirmed"


def test_without_a_kept_backup_upholding_is_refused_and_writes_nothing(coop_a, priced, checker):
    original = reported(coop_a, checker, BAD, backup=False)
    with pytest.raises(Refused, match="未留存备样"):
        object_and_decide(coop_a, original, upheld=True)
    objection = row(Objection, batch=original)
    assert (objection.decision, objection.decision_reason) == ("pending", "")
    assert the_retest(original) is None


def test_a_dismissed_objection_creates_nothing(coop_a, priced, checker):
    original = reported(coop_a, checker, BAD)
    object_and_decide(coop_a, original, upheld=False)
    assert the_retest(original) is None
    assert row(Objection, batch=original).outcome == ""
    assert len(reports_of(original)) == 1


def test_another_lab_cannot_receive_or_enter_the_retest(coop_a, coop_b, priced, checker, api):
    original = reported(coop_a, checker, BAD)
    object_and_decide(coop_a, original, upheld=True)
    retest = the_retest(original)
    stranger = api(coop_b.lab)
    assert stranger.post(f"/api/v1/labs/batches/{retest.pk}/receive/").status_code == 404
    assert api(coop_b.admin).get(f"{API}{retest.pk}/").status_code == 404
    assert api(coop_a.lab).post(f"/api/v1/labs/batches/{retest.pk}/receive/").status_code == 200
    entered = stranger.post(
        f"/api/v1/labs/batches/{retest.pk}/enter/", {"values": GOOD}, format="json"
    )
    assert entered.status_code == 404
    assert row(Batch, pk=retest.pk).status == "received"
