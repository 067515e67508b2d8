"""Words the portal writes on rows (a grade's factor reasons, a revoked document's reason, an
automatic withdrawal in a history) are kept as codes and read in the reader's language, not
in the language of whoever acted."""

from datetime import date, timedelta

from django.utils import timezone, translation

from coop import documents, reasons
from coop.models import Document, StepEvent
from coop.tenancy import unscoped
from credit import grading_words
from credit.models import Announcement, CreditGrade, Violation
from credit.tasks import issue_commitment_certificate
from tests.credit.test_commitments import published

GRADES = "/api/v1/coops/coop-a/credit-grades/"


def factor(rows, name):
    return next(row for row in rows if row["factor"] == name)


def test_factors_graded_in_chinese_read_in_english_and_back(coop_a, api, client):
    assert api(coop_a.admin).post(f"{GRADES}run/").json()["graded"] == 1
    with unscoped():
        grade = CreditGrade.objects.get()
    stored = factor(grade.factors, "pass_rate")["why"]
    assert stored == {"code": "pass_rate", "params": {"passed": 0, "total": 0}}
    with translation.override("en"):
        assert grading_words.why(factor(grade.factors, "certification")) == (
            "holds no valid ISO 9001 certificate"
        )
    with translation.override("zh-hans"):
        assert (
            grading_words.why(factor(grade.factors, "certification"))
            == "未持有有效的 ISO 9001 证书"
        )
    for language, passed in (
        ("en", "0 of 0 batches passed in two years"),
        ("zh-hans", "两年内 0 批次中 0 批次合格"),
    ):
        rows = api(coop_a.admin).get(GRADES, HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        assert factor(rows[0]["factors"], "pass_rate")["why"] == passed
    client.force_login(coop_a.admin)
    english = client.get(f"/c/coop-a/grades/{grade.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(f"/c/coop-a/grades/{grade.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "0 of 0 batches passed in two years" in english.content.decode()
    assert "0 of 0 batches" not in chinese.content.decode()
    assert "holds no valid ISO 9001 certificate" in english.content.decode()
    assert "未持有有效的 ISO 9001 证书" in chinese.content.decode()
    assert "否：持有效 ISO 9001 证书" not in chinese.content.decode()


def test_a_grade_stored_as_text_still_reads(coop_a):
    assert grading_words.why({"factor": "x", "why": "旧的说明"}) == "旧的说明"


def test_an_automatic_withdrawal_reads_in_both_languages(coop_a, api, client):
    first = published(api, coop_a)
    number = issue_commitment_certificate(coop_a.cooperative.pk, first)
    second = published(api, coop_a, replaces=[first])  # replaces the first, in Chinese
    with unscoped():
        document = Document.objects.get(number=number)
        event = StepEvent.objects.get(step="withdraw", object_id=first)
    code = f"commitment_replaced_by:{second}"
    assert (document.revoked_code, document.revoked_reason) == (code, "")
    assert (event.reason, event.details["reason_code"]) == ("", code)
    english = f"replaced by commitment no. {second}"
    chinese = f"已由第 {second} 号承诺替代"
    page = f"/verify/{document.code}/"
    assert english in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert chinese in client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.force_login(coop_a.admin)
    history = f"/c/coop-a/commitments/{first}/"
    assert english in client.get(history, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert chinese in client.get(history, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_a_reason_coded_before_references_still_reads(coop_a):
    with translation.override("zh-hans"):
        assert reasons.said("commitment_replaced") == "已由新的承诺替代"
        assert reasons.said("commitment_replaced_by:7") == "已由第 7 号承诺替代"
    assert reasons.said("", "停产") == "停产"


def test_a_member_leaving_revokes_with_a_coded_reason(coop_a, api, client):
    pk = published(api, coop_a)
    number = issue_commitment_certificate(coop_a.cooperative.pk, pk)
    with unscoped():
        documents.revoke(Document.objects.filter(number=number), reasons.Coded(reasons.MEMBER_LEFT))
        document = Document.objects.get(number=number)
    assert document.revoked_code == "member_left"
    page = f"/verify/{document.code}/"
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The member unit left the cooperative." in english
    chinese = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "该社员单位已退出合作社。" in chinese


def test_a_violation_outcome_and_exit_grounds_read_in_both_languages(coop_a, api):
    from tests.credit.test_assessments import failed_batch
    from tests.credit.test_enforcement import violation

    made = violation(api, coop_a, date(2025, 3, 1)).json()
    with unscoped():
        stored = Violation.objects.get(pk=made["id"])
    assert (stored.outcome_reason, stored.outcome_why["code"]) == ("", "first_minor")
    path = f"/api/v1/coops/coop-a/violations/{made['id']}/"
    english = api(coop_a.admin).get(path, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["outcome_reason"] == (
        "A first minor violation within 730 days: a warning without penalty."
    )
    chinese = api(coop_a.admin).get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["outcome_reason"] == "730 天内首次轻微违法：予以警告，不予处罚。"
    for days in (20, 40):
        failed_batch(coop_a, coop_a.member, date.today() - timedelta(days=days))
    proposals = "/api/v1/coops/coop-a/exit-proposals/"
    assert api(coop_a.admin).post(f"{proposals}run/").json() == {"proposed": 1}
    read = {
        language: api(coop_a.admin).get(proposals, HTTP_ACCEPT_LANGUAGE=language).json()
        for language in ("en", "zh-hans")
    }
    assert read["en"]["results"][0]["grounds"] == ["2 failed samplings in a year"]
    assert read["zh-hans"]["results"][0]["grounds"] == ["一年内抽检不合格 2 次"]


def test_an_assessment_notice_reads_in_both_languages(coop_a, api):
    from tests.credit.test_assessments import ASSESSMENTS, PERIOD

    api(coop_a.admin).post(f"{ASSESSMENTS}run/", PERIOD, format="json")
    assert api(coop_a.admin).post(f"{ASSESSMENTS}announce/", PERIOD).status_code == 201
    with unscoped():
        assert Announcement.objects.get().body == ""
    public = "/api/v1/public/coops/coop-a/announcements/"
    english = api().get(public, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    chinese = api().get(public, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    assert english["title"] == "Commitment fulfilment assessment 2025-01-01 to 2025-12-31"
    assert "member units fulfilled their quality commitments" in english["body"]
    assert chinese["title"].startswith("2025-01-01 至 2025-12-31")


def test_documents_revoked_before_codes_get_their_code(coop_a, api):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("coop.migrations.0012_document_revoked_code_from_text")
    pk = published(api, coop_a)
    number = issue_commitment_certificate(coop_a.cooperative.pk, pk)
    with unscoped():
        Document.objects.filter(number=number).update(
            revoked_at=timezone.now(), revoked_reason="该社员单位已退出合作社。"
        )
        migration.to_codes(apps, None)
        document = Document.objects.get(number=number)
    assert (document.revoked_code, document.revoked_reason) == ("member_left", "")
    with translation.override("en"):
        assert document.revocation == "The member unit left the cooperative."


def test_the_cooperative_page_names_a_coded_notice_and_links_it(coop_a, api, client):
    """A notice the portal wrote keeps its title as a code (title empty): the cooperative's
    public page must read it in words, as the list of notices does, not show the blank."""
    from tests.credit.test_assessments import ASSESSMENTS, PERIOD

    api(coop_a.admin).post(f"{ASSESSMENTS}run/", PERIOD, format="json")
    assert api(coop_a.admin).post(f"{ASSESSMENTS}announce/", PERIOD).status_code == 201
    with unscoped():
        notice = Announcement.objects.get()
    page = client.get("/c/coop-a/").content.decode()
    assert f'href="/c/coop-a/announcements/{notice.pk}/">2025-01-01 至 2025-12-31' in page
