import hashlib
import io
from datetime import date, timedelta
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.core.exceptions import ValidationError

from coop.models import Document
from coop.tenancy import scope, unscoped
from members.services.errors import Refused
from testing_fund.models import Batch, LedgerEntry
from testing_fund.services import batches
from testing_fund.tasks import issue_test_report
from tests.factories import UserFactory
from tests.testing_fund.conftest import request, sample

GOOD = {"formaldehyde": "30", "ph": "6.5", "odour": "无"}
BAD = {"formaldehyde": "82", "ph": "6.5", "odour": "无"}


@pytest.fixture
def second_technician(coop_a):
    return UserFactory(role="lab_technician", institution=coop_a.lab.institution)


def through(coop_a, second_technician, values, member=None):
    """A batch from request to verified results, step by step through the services."""
    batch = request(coop_a, member)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        batches.receive(batch=batch, actor=coop_a.lab)
        batches.enter_results(batch=batch, actor=coop_a.lab, values=values)
        batches.verify(batch=batch, actor=second_technician)
        return Batch.objects.get(pk=batch.pk)


def test_a_batch_goes_from_request_to_verified_with_verdicts_from_the_standard(
    coop_a,
    priced,
    second_technician,
):
    failed = through(coop_a, second_technician, BAD)
    with unscoped():
        results = {r.indicator.code: (r.verdict, r.explanation) for r in failed.results.all()}
    assert failed.passed is False and results["formaldehyde"][0] == "fail"
    assert "超过 B 类限量 75 mg/kg" in results["formaldehyde"][1]
    assert through(coop_a, second_technician, GOOD).passed is True


def test_the_one_who_entered_the_results_cannot_verify_them(coop_a, priced):
    with pytest.raises(Refused, match="第二人复核"):
        through(coop_a, coop_a.lab, GOOD)


def test_only_the_batchs_lab_receives_and_enters(coop_a, priced, second_technician):
    other_lab = UserFactory(
        role="lab_technician",
        institution=coop_a.lab.institution.__class__.objects.create(name_zh="别家"),
    )
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        with pytest.raises(Refused):
            batches.receive(batch=batch, actor=other_lab)


def test_steps_out_of_order_and_bad_readings_are_refused(coop_a, priced):
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(Refused, match="已申请"):
            batches.receive(batch=batch, actor=coop_a.lab)
        batches.approve(batch=batch, actor=coop_a.admin)
        with pytest.raises(ValidationError) as one_sampler:
            batches.sample(
                batch=batch,
                actor=coop_a.admin,
                seal_number="",
                samplers="王建华",
                sampling_place="",
                backup_kept=False,
            )
        assert set(one_sampler.value.message_dict) == {"samplers", "seal_number"}
        batches.sample(
            batch=batch,
            actor=coop_a.admin,
            seal_number="S",
            samplers="甲，乙",
            sampling_place="x",
            backup_kept=True,
        )
        batches.receive(batch=batch, actor=coop_a.lab)
        with pytest.raises(ValidationError) as unreadable:
            batches.enter_results(
                batch=batch, actor=coop_a.lab, values={"formaldehyde": "约80", "ph": "6.5"}
            )
        assert set(unreadable.value.message_dict) == {"formaldehyde", "odour"}
        assert Batch.objects.get(pk=batch.pk).status == "received"


def test_the_report_settles_the_fund_and_is_a_verifiable_pdf_mailed_to_the_member(
    coop_a,
    priced,
    second_technician,
    settings,
    client,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    batch = through(coop_a, second_technician, BAD)
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=batch, actor=coop_a.admin)
        number = issue_test_report(coop_a.cooperative.pk, batch.pk)
        assert issue_test_report(coop_a.cooperative.pk, batch.pk) == number  # idempotent
        ledger = list(LedgerEntry.objects.filter(batch=batch).values_list("kind", "amount"))
        assert ledger == [
            ("reservation", Decimal("-300.00")),
            ("release", Decimal("300.00")),
            ("settlement", Decimal("-300.00")),
        ]
        assert priced.balance() == Decimal("700.00")
    with unscoped():
        document = Document.objects.get(number=number)
    content = document.file.read()
    page = pypdfium2.PdfDocument(io.BytesIO(content))[0]
    text = "".join(page.get_textpage().get_text_range().split())
    assert "检测报告" in text and "超过B类限量75mg/kg" in text
    assert [r.text for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())] == [
        f"http://127.0.0.1:8000/verify/{number}/"
    ]
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert mail.outbox[0].to == ["quality@example.com"] and number in mail.outbox[0].subject
    public = client.get(f"/api/v1/public/certificates/{number}/").json()
    assert public["details"] == {
        "product": "四件套",
        "verdict": "不合格",
        "reported_on": str(date.today()),
    }


def test_a_failure_leads_to_rectification_and_a_free_first_reinspection(
    coop_a,
    priced,
    second_technician,
):
    failed = through(coop_a, second_technician, BAD)
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=failed, actor=coop_a.admin)
        unanswered = batches.reinspect(batch=failed, actor=coop_a.admin)
        assert (unanswered.free_reinspection, unanswered.paid_by_member) == (False, True)
        batches.reject(batch=unanswered, actor=coop_a.admin, reason="请先整改")
        batches.notify_rectification(
            batch=failed,
            actor=coop_a.admin,
            notice="甲醛超标，限期整改",
            due_on=date.today() + timedelta(days=30),
        )
        batches.answer_rectification(
            batch=failed, actor=coop_a.enterprise, answer="更换了助剂供应商，复测合格"
        )
        free = batches.reinspect(batch=failed, actor=coop_a.admin)
        assert (free.kind, free.free_reinspection, free.reinspection_of_id) == (
            "reinspection",
            True,
            failed.pk,
        )
        batches.approve(batch=free, actor=coop_a.admin)
        assert LedgerEntry.objects.filter(batch=free, kind="reservation").exists()
        second = batches.reinspect(batch=failed, actor=coop_a.admin)
        assert second.paid_by_member  # only the first re-inspection is free


def test_an_objection_within_15_days_is_decided_before_closing(
    coop_a,
    priced,
    second_technician,
):
    batch = through(coop_a, second_technician, BAD)
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=batch, actor=coop_a.admin)
        batches.object_to(batch=batch, actor=coop_a.enterprise, reason="备样复检结果合格")
        with pytest.raises(Refused, match="请先对社员的异议作出决定"):
            batches.close(batch=batch, actor=coop_a.admin)
        batches.decide_objection(
            batch=batch, actor=coop_a.admin, upheld=False, reason="备样复检仍超标"
        )
        batches.close(batch=batch, actor=coop_a.admin)
        late = through(coop_a, second_technician, BAD)
        batches.report(batch=late, actor=coop_a.admin)
        Batch.objects.filter(pk=late.pk).update(reported_on=date.today() - timedelta(days=16))
        with pytest.raises(Refused, match="15"):
            batches.object_to(batch=late, actor=coop_a.enterprise, reason="x")
