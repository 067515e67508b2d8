import hashlib
import io
from datetime import date, timedelta
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from coop.errors import Refused
from coop.models import Document
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch, LedgerEntry, Objection, Rectification
from testing_fund.services import batches
from testing_fund.services.batches import BATCH, RECTIFICATION, REPORT_OBJECTION
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
        results = {r.indicator.code: (r.verdict, r.explained) for r in failed.results.all()}
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
    # PDFium reads a hyphen it takes for a line-break hyphen as U+FFFE; the codes hold "-".
    text = text.replace("\ufffe", "-")
    assert "检测报告" in text and "超过B类限量75mg/kg" in text
    assert number in text and document.code in text  # the number and the verification code
    assert [r.text for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())] == [
        f"http://127.0.0.1:8000/verify/{document.code}/"
    ]
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert mail.outbox[0].to == ["quality@example.com"] and number in mail.outbox[0].subject
    public = client.get(f"/api/v1/public/certificates/{document.code}/").json()
    assert public["details"] == {
        "member": coop_a.member.name,  # the company, under its public name
        "product": "四件套",
        "verdict": "不合格",
        "passed": False,
        "reported_on": str(date.today()),
    }
    # Verification words the verdict in the reader's language.
    page = client.get(f"/verify/{document.code}/", HTTP_ACCEPT_LANGUAGE="en")
    translation.activate("zh-hans")  # the request left English active in this thread
    assert "<dd>failed</dd>" in page.content.decode()


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
        with pytest.raises(Refused, match=f"批次 {free.pk}"):  # one under way at a time
            batches.reinspect(batch=failed, actor=coop_a.admin)
        Batch.objects.filter(pk=free.pk).update(status="closed")  # tested: the right is used
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


# The declared steps (services/batches.py): a refusal names the step, the status and the ones
# that allow it, on the page and in the API; the rows due for each role are one query; each
# step taken is one event.

PAGES = "/c/coop-a/tests/"
API = "/api/v1/coops/coop-a/batches/"
REFUSALS = {
    "report": "批次当前状态为“已申请”，不能出具报告：只有状态为“已复核”的批次可以。",
    "cancel": (
        "批次当前状态为“报告已出具”，不能取消：只有状态为“已批准或已申请或已抽样封样”的批次可以。"
    ),
    "answer": "整改通知当前状态为“已答复”，不能提交答复：只有状态为“待答复”的整改通知可以。",
    "decide": (
        "检测报告异议当前状态为“异议不成立”，不能决定：只有状态为“待决定”的检测报告异议可以。"
    ),
}


def reported(tenant, checker, values, member=None):
    batch = through(tenant, checker, values, member)
    with scope({tenant.cooperative.pk}):
        return batches.report(batch=batch, actor=tenant.admin)


def settled(tenant, checker):
    """A failed batch reported, its rectification notice answered and the member's objection
    dismissed."""
    batch = reported(tenant, checker, BAD)
    with scope({tenant.cooperative.pk}):
        batches.notify_rectification(
            batch=batch, actor=tenant.admin, notice="甲醛超标", due_on=date.today()
        )
        batches.answer_rectification(batch=batch, actor=tenant.enterprise, answer="已整改")
        batches.object_to(batch=batch, actor=tenant.enterprise, reason="备样合格")
        batches.decide_objection(batch=batch, actor=tenant.admin, upheld=False, reason="仍超标")
    return batch


@pytest.fixture
def funded(coop_a, priced):
    """Money and quota for a handful of batches of one member."""
    from testing_fund.models import Fund
    from testing_fund.services.fund import adjust

    with scope({coop_a.cooperative.pk}):
        adjust(fund=priced, actor=coop_a.admin, amount=Decimal(99000), reason="追加拨款")
        Fund.objects.filter(pk=priced.pk).update(free_quota=5)
    return priced


def test_a_step_in_the_wrong_status_is_refused_naming_it_on_the_page_and_in_the_api(
    coop_a, funded, second_technician, client, api
):
    requested, done = request(coop_a), settled(coop_a, second_technician)
    cases = [
        (requested, "report", coop_a.admin, {}),
        (done, "cancel", coop_a.admin, {"reason": "x"}),
        (done, "answer", coop_a.enterprise, {"answer": "再次整改"}),
        (done, "decide", coop_a.admin, {"upheld": "true", "reason": "复检合格"}),
    ]
    for batch, verb, user, data in cases:
        client.force_login(user)
        page = client.post(f"{PAGES}{batch.pk}/{verb}/", data, follow=True)
        assert [str(m) for m in page.context["messages"]] == [REFUSALS[verb]], verb
        answer = api(user).post(f"{API}{batch.pk}/{verb}/", data, format="json")
        assert (answer.status_code, answer.json()) == (409, {"detail": REFUSALS[verb]}), verb
    with unscoped():
        assert Batch.objects.get(pk=requested.pk).status == "requested"
        assert Batch.objects.get(pk=done.pk).status == "reported"
        assert done.rectification.answer == "已整改"
        assert done.objection.decision == "dismissed"


def test_a_step_of_another_role_is_refused_on_the_page_and_in_the_api(coop_a, priced, client, api):
    batch = request(coop_a)
    client.force_login(coop_a.lab)
    page = client.post(f"{PAGES}{batch.pk}/approve/", follow=True)
    assert [str(m) for m in page.context["messages"]] == ["您的角色不能执行此操作。"]
    assert api(coop_a.enterprise).post(f"{API}{batch.pk}/approve/").status_code == 403
    assert api(coop_a.admin).post(f"{API}{batch.pk}/no_such_step/").status_code == 404
    with scope({coop_a.cooperative.pk}), pytest.raises(Refused, match="合作社管理员"):
        batches.approve(batch=batch, actor=coop_a.supervisor)


def test_each_step_records_one_event(coop_a, funded, second_technician):
    batch = reported(coop_a, second_technician, BAD)
    with scope({coop_a.cooperative.pk}):
        batches.notify_rectification(
            batch=batch, actor=coop_a.admin, notice="甲醛超标", due_on=date.today()
        )
        batches.object_to(batch=batch, actor=coop_a.enterprise, reason="备样合格")
        batches.answer_rectification(batch=batch, actor=coop_a.enterprise, answer="已整改")
        batches.decide_objection(batch=batch, actor=coop_a.admin, upheld=True, reason="复检合格")
        # Upheld, the backup sample is re-tested; its report (the same verdict) confirms.
        retest = Batch.objects.get(retest_of=batch)
        batches.receive(batch=retest, actor=coop_a.lab)
        batches.enter_results(batch=retest, actor=coop_a.lab, values=BAD)
        batches.verify(batch=retest, actor=second_technician)
        batches.report(batch=retest, actor=coop_a.admin)
        batches.close(batch=batch, actor=coop_a.admin)
        again = batches.reinspect(batch=batch, actor=coop_a.admin)

        def events(workflow, row):
            return [
                (e.step, e.from_status, e.to_status, e.actor_id, e.reason)
                for e in workflow.history(row)
            ]

        admin, lab, member = coop_a.admin.pk, coop_a.lab.pk, coop_a.enterprise.pk
        assert events(BATCH, batch) == [
            ("request", "", "requested", member, ""),
            ("approve", "requested", "approved", admin, ""),
            ("sample", "approved", "sampled", admin, ""),
            ("receive", "sampled", "received", lab, ""),
            ("enter", "received", "entered", lab, ""),
            ("verify", "entered", "verified", second_technician.pk, ""),
            ("report", "verified", "reported", admin, ""),
            ("rectification", "reported", "reported", admin, ""),
            ("object", "reported", "reported", member, "备样合格"),
            ("confirmed", "reported", "reported", admin, ""),
            ("close", "reported", "closed", admin, ""),
            ("reinspect", "closed", "closed", admin, ""),
        ]
        assert [e[0] for e in events(BATCH, retest)] == [
            "retest",
            "receive",
            "enter",
            "verify",
            "report",
        ]
        rectification = Rectification.objects.get(batch=batch)
        assert rectification.status == "answered"
        assert events(RECTIFICATION, rectification) == [
            ("answer", "notified", "answered", member, "已整改")
        ]
        objection = Objection.objects.get(batch=batch)
        assert objection.open_until == batch.reported_on + timedelta(days=15)
        assert events(REPORT_OBJECTION, objection) == [
            ("decide", "pending", "upheld", admin, "复检合格")
        ]
        assert events(BATCH, again) == [("request", "", "requested", admin, "")]
        assert BATCH.history(again).get().details == {"reinspection_of": batch.pk}
        sampled = BATCH.history(batch).get(step="sample").details
        assert sampled == {
            "seal_number": "FY-0001",
            "samplers": "王建华、李明",
            "sampling_place": "成品仓库",
            "backup_kept": True,
        }


def test_the_batch_page_offers_the_answer_and_the_decision_and_shows_every_event(
    coop_a, funded, second_technician, client
):
    batch = reported(coop_a, second_technician, BAD)
    with scope({coop_a.cooperative.pk}):
        batches.notify_rectification(
            batch=batch, actor=coop_a.admin, notice="甲醛超标", due_on=date.today()
        )
        batches.object_to(batch=batch, actor=coop_a.enterprise, reason="备样合格")

    def offered(user):
        client.force_login(user)
        page = client.get(f"{PAGES}{batch.pk}/")
        return [form["step"].name for form in page.context["step_forms"]], page

    member_steps, _page = offered(coop_a.enterprise)
    assert member_steps == ["answer"]  # the objection is filed: no second one
    admin_steps, page = offered(coop_a.admin)
    assert admin_steps == ["reinspect", "decide"]  # no closing while the objection waits
    html = page.content.decode()
    assert f'action="{PAGES}{batch.pk}/decide/"' in html and "异议成立" in html
    client.force_login(coop_a.enterprise)
    client.post(f"{PAGES}{batch.pk}/answer/", {"answer": "已更换助剂"})
    client.force_login(coop_a.admin)
    client.post(f"{PAGES}{batch.pk}/decide/", {"upheld": "false", "reason": "仍超标"})
    history = client.get(f"{PAGES}{batch.pk}/").context["history"]
    assert [event.said for event in history][-4:] == [
        "已发整改通知",
        "已提出异议",
        "已回复整改",
        "异议已处理",
    ]
    assert history[-1].reason == "仍超标" and history[-1].change == "待决定 → 异议不成立"


def states(tenant, checker, other_member):
    """Coop A's batches at the steps of its workflow: requested (another member's), sampled,
    entered, reported and passed (the member may object), reported and failed with a
    rectification notice and a pending objection, and one reported too long ago to object."""
    with scope({tenant.cooperative.pk}):
        requested = request(tenant, other_member)
        sampled = request(tenant, other_member)
        sample(tenant, sampled)
        entered = request(tenant, other_member)
        sample(tenant, entered)
        batches.receive(batch=entered, actor=tenant.lab)
        batches.enter_results(batch=entered, actor=tenant.lab, values=GOOD)
    passed = reported(tenant, checker, GOOD)
    late = reported(tenant, checker, GOOD)
    failed = reported(tenant, checker, BAD)
    with scope({tenant.cooperative.pk}):
        Batch.objects.filter(pk=late.pk).update(reported_on=date.today() - timedelta(days=16))
        batches.close(batch=late, actor=tenant.admin)
        batches.notify_rectification(
            batch=failed, actor=tenant.admin, notice="甲醛超标", due_on=date.today()
        )
        batches.object_to(batch=failed, actor=tenant.enterprise, reason="备样合格")
    return {
        "requested": requested.pk,
        "sampled": sampled.pk,
        "entered": entered.pk,
        "passed": passed.pk,
        "late": late.pk,
        "failed": failed.pk,
    }


def test_the_rows_due_for_each_role_are_one_query(
    coop_a, coop_b, funded, second_technician, django_assert_num_queries
):
    from tests.factories import InstitutionFactory, MemberFactory

    other_member = MemberFactory(cooperative=coop_a.cooperative)
    other_enterprise = UserFactory(role="enterprise", member=other_member)
    other_lab = InstitutionFactory()
    other_lab.cooperatives.add(coop_a.cooperative)
    other_technician = UserFactory(role="lab_technician", institution=other_lab)
    row = states(coop_a, second_technician, other_member)
    with scope({coop_a.cooperative.pk}):
        rectification = Rectification.objects.get(batch=row["failed"]).pk
        objection = Objection.objects.get(batch=row["failed"]).pk
    every = {"requested", "sampled", "entered", "passed", "failed"}
    # (role, its cooperative, user, then for batches, rectifications and objections: the rows
    # due and the queries that find them; none when the role takes no step of the workflow)
    expected = [
        ("administrator", coop_a, coop_a.admin, (every, 1), (set(), 0), ({objection}, 1)),
        ("supervisor", coop_a, coop_a.supervisor, (set(), 0), (set(), 0), (set(), 0)),
        (
            "the batch's lab",
            coop_a,
            coop_a.lab,
            ({"sampled", "entered"}, 1),
            (set(), 0),
            (set(), 0),
        ),
        ("another lab", coop_a, other_technician, (set(), 1), (set(), 0), (set(), 0)),
        (
            "the member",
            coop_a,
            coop_a.enterprise,
            ({"passed"}, 1),
            ({rectification}, 1),
            (set(), 0),
        ),
        ("another member", coop_a, other_enterprise, (set(), 1), (set(), 1), (set(), 0)),
        ("the other administrator", coop_b, coop_b.admin, (set(), 1), (set(), 0), (set(), 1)),
    ]
    names = {pk: name for name, pk in row.items()}
    for role, tenant, user, due_batches, due_rectifications, due_objections in expected:
        with scope({tenant.cooperative.pk}):
            for workflow, (due, queries), named in [
                (BATCH, due_batches, names.get),
                (RECTIFICATION, due_rectifications, lambda pk: pk),
                (REPORT_OBJECTION, due_objections, lambda pk: pk),
            ]:
                with django_assert_num_queries(queries):
                    found = {
                        named(pk) for pk in workflow.due_for(user).values_list("pk", flat=True)
                    }
                assert found == due, (role, workflow.name)
