"""A member's public page answers first (issue 16): the grade on the T/CAQ 20301-2023 scale
with what each grade means and until when it holds, the latest test result of each product
with its failed indicators by name and the report's verification, the commitments in force,
certifications, honours and trademark licences; then the factor table. The same in the public
API, with nothing staff-only in either."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coop.models import Document
from coop.tenancy import scope, unscoped
from credit.models import CreditGrade
from credit.services import commitments, grading
from members.models import Certification, Honour, Member, TrademarkLicence
from standards import catalogue
from standards.models import Indicator, Standard
from testing_fund.models import Batch, Fund, LabPrice
from testing_fund.services import batches
from testing_fund.services import fund as money
from testing_fund.tasks import issue_test_report
from tests.factories import UserFactory

PAGE = "/c/{slug}/directory/{pk}/"
API = "/api/v1/public/coops/{slug}/members/{pk}/"
SAFETY = {"formaldehyde": "96", "ph": "6.5", "odour": "无"}


def page(tenant, member=None):
    return PAGE.format(slug=tenant.slug, pk=(member or tenant.member).pk)


def api_path(tenant, member=None):
    return API.format(slug=tenant.slug, pk=(member or tenant.member).pk)


@pytest.fixture
def lab_ready(coop_a):
    """The catalogue, the lab's prices, a funded fund and a second technician to verify."""
    catalogue.load()
    for indicator in Indicator.objects.all():
        LabPrice.objects.create(
            institution=coop_a.lab.institution, indicator=indicator, price=Decimal("100.00")
        )
    with scope({coop_a.cooperative.pk}):
        fund = Fund.objects.create(cooperative=coop_a.cooperative, year=date.today().year)
        money.appropriate(
            fund=fund,
            actor=coop_a.admin,
            source="区财政局",
            amount=Decimal(10000),
            on=date.today(),
            document_number="财〔2026〕1号",
        )
    return UserFactory(role="lab_technician", institution=coop_a.lab.institution)


def reported(tenant, verifier, product, readings, **asked):
    """A free-testing request of GB 18401-2010 category B through every step to its report,
    and the report issued (its PDF and verification)."""
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    with scope({tenant.cooperative.pk}):
        batch = batches.request_batch(
            member=tenant.member,
            actor=tenant.enterprise,
            standard=standard,
            lab=tenant.lab.institution,
            product=product,
            safety_category="B",
            indicators=list(Indicator.objects.filter(code__in=readings)),
            **asked,
        )
        batches.approve(batch=batch, actor=tenant.admin)
        batches.sample(
            batch=batch,
            actor=tenant.admin,
            seal_number="FY-0001",
            samplers="王建华、李明",
            sampling_place="成品仓库",
            backup_kept=True,
        )
        batches.receive(batch=batch, actor=tenant.lab)
        batches.enter_results(batch=batch, actor=tenant.lab, values=readings)
        batches.verify(batch=batch, actor=verifier)
        batches.report(batch=batch, actor=tenant.admin)
        number = issue_test_report(tenant.cooperative.pk, batch.pk)
        return Batch.objects.get(pk=batch.pk), Document.objects.get(number=number)


def standing(tenant, member=None):
    """An ISO 9001 certificate in force and one expired, an honour, a trademark licence."""
    member = member or tenant.member
    today = timezone.localdate()
    with unscoped():
        for number, expires in (("00124Q31234R0M", today + timedelta(days=400)), ("OLD-1", today)):
            Certification.objects.create(
                cooperative=tenant.cooperative,
                member=member,
                scheme="iso9001",
                number=number,
                body="中国质量认证中心",
                issued_on=date(2020, 1, 1),
                expires_on=expires - timedelta(days=1) if number == "OLD-1" else expires,
            )
        Honour.objects.create(
            cooperative=tenant.cooperative,
            member=member,
            title="海门区质量诚信示范企业",
            awarded_by="海门区市场监督管理局",
            awarded_on=today - timedelta(days=100),
        )
        TrademarkLicence.objects.create(
            cooperative=tenant.cooperative,
            member=member,
            trademark="海门家纺",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=700),
        )


def committed(tenant, products="被芯"):
    with scope({tenant.cooperative.pk}):
        commitment = commitments.draft(
            member=tenant.member,
            actor=tenant.admin,
            products=products,
            standards="GB 18401-2010",
            guarantees="包退包换",
            valid_from=date.today() - timedelta(days=10),
            valid_until=date.today() + timedelta(days=355),
        )
        commitments.submit(commitment=commitment, actor=tenant.enterprise)
        commitments.publish(commitment=commitment, actor=tenant.admin)
    return commitment


def graded(tenant):
    with scope({tenant.cooperative.pk}):
        grading.grade_members(cooperative_id=tenant.cooperative.pk)
    with unscoped():
        return CreditGrade.objects.filter(member=tenant.member).latest("pk")


@pytest.fixture
def answered(coop_a, lab_ready):
    """Coop A's member: a failed 被芯 (formaldehyde 96 against 75), a passed 四件套, a
    commitment, certificates, an honour, a licence, and its grade."""
    failed, failed_report = reported(coop_a, lab_ready, "被芯", SAFETY)
    passed, _ = reported(coop_a, lab_ready, "四件套", {**SAFETY, "formaldehyde": "20"})
    committed(coop_a)
    standing(coop_a)
    return {"failed": failed, "report": failed_report, "passed": passed, "grade": graded(coop_a)}


def test_the_page_answers_first_with_the_grade_explained_and_the_failed_test(
    coop_a, answered, client
):
    grade = answered["grade"]
    html = client.get(page(coop_a), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # The grade first, on its scale, with what each grade means and until when it holds.
    first = html.index("质量信用等级")
    assert first < html.index("各产品最近一次检验结果") < html.index("有效质量承诺")
    assert html.index("有效质量承诺") < html.index("认证、荣誉与集体商标许可")
    assert html.index("认证、荣誉与集体商标许可") < html.index("评级依据")
    assert f"有效期至 {grade.valid_until:%Y-%m-%d}" in html
    for meaning in grading.MEANINGS.values():
        assert str(meaning) in html  # the language active after the request is Chinese
    assert '<li class="held" aria-current="true">' + grade.grade in html
    assert "信用极好：严格执行标准，未发现问题。" in html
    # The failed 被芯 by its indicator, the reading and the requirement, and its verification.
    assert "被芯" in html and "不合格" in html and "四件套" in html and "合格" in html
    assert "甲醛含量：实测 96 mg/kg，要求 ≤ 75 mg/kg（B类）" in html
    assert f'href="/verify/{answered["report"].code}/"' in html
    assert answered["report"].number in html
    # Certifications in force with their expiry, honours, licences; not the expired one.
    assert "00124Q31234R0M" in html and "OLD-1" not in html
    cert_expiry = (timezone.localdate() + timedelta(days=400)).strftime("%Y-%m-%d")
    assert f"有效期至 {cert_expiry}" in html
    assert "海门区质量诚信示范企业" in html and "海门家纺" in html
    # A yes/no factor not held reads as a sentence of its own, not as "否：…".
    assert "三年内未参与制定标准" in html and "否：" not in html


def test_the_page_in_english_says_it_in_words(coop_a, answered, client):
    html = client.get(page(coop_a), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Latest test results by product" in html
    assert "Failed" in html and "Passed" in html
    assert "Formaldehyde" in html or "formaldehyde" in html
    assert "96 mg/kg, required ≤ 75 mg/kg" in html
    assert "What each grade means (T/CAQ 20301-2023)" in html
    assert "Excellent credit: quality kept to the standards with no fault found." in html
    assert "Valid until" in html
    assert "ISO 9001" in html and "expires" in html


def test_a_member_without_a_grade_or_tests_says_so(coop_a, client):
    html = client.get(page(coop_a), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not graded yet: the cooperative has given this member no credit grade." in html
    assert "No test reported yet." in html
    assert "No certification in force." in html
    assert 'class="held"' not in html
    body = client.get(api_path(coop_a)).json()
    assert body["grade"] is None and body["latest_results"] == []
    assert [step["grade"] for step in body["scale"]] == ["AAA", "AA", "A", "B", "C", "D"]
    assert not any(step["held"] for step in body["scale"])


# What the public API answers, and only that.

MEMBER_KEYS = {
    "id",
    "name",
    "identifier",
    "town",
    "main_products",
    "joined_on",
    "commitment",
    "commitments",
    "grade",
    "scale",
    "latest_results",
    "certifications",
    "honours",
    "trademark_licences",
    "assessments",
}
RESULT_KEYS = {
    "reported_on",
    "product",
    "passed",
    "verdict",
    "failed",
    "report_number",
    "verification_code",
    "verification_url",
}


def test_the_api_answers_the_same_with_an_allowlist_of_keys(coop_a, answered, api):
    body = api().get(api_path(coop_a), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert set(body) == MEMBER_KEYS
    assert [step["grade"] for step in body["scale"]] == grading.GRADES
    held = [step for step in body["scale"] if step["held"]]
    assert [step["grade"] for step in held] == [answered["grade"].grade]
    assert held[0]["meaning"] == str(grading.MEANINGS[answered["grade"].grade])
    assert body["grade"]["valid_until"] == answered["grade"].valid_until.isoformat()
    results = body["latest_results"]
    assert {result["product"] for result in results} == {"被芯", "四件套"}
    for result in results:
        assert set(result) == RESULT_KEYS
    bedding = next(result for result in results if result["product"] == "被芯")
    assert bedding["passed"] is False and bedding["verdict"] == "不合格"
    assert bedding["failed"] == [
        {"name": "甲醛含量", "reading": "96 mg/kg", "requirement": "≤ 75 mg/kg（B类）"}
    ]
    assert bedding["verification_code"] == answered["report"].code
    assert bedding["verification_url"].endswith(f"/verify/{answered['report'].code}/")
    # The same at the address that names no cooperative (a search result's, a shared link's).
    anywhere = api().get(
        f"/api/v1/public/members/{coop_a.member.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert anywhere.status_code == 200 and anywhere.json() == body
    assert [(c["scheme"], c["number"], c["expires_on"]) for c in body["certifications"]] == [
        (
            "iso9001",
            "00124Q31234R0M",
            (timezone.localdate() + timedelta(days=400)).isoformat(),
        )
    ]
    assert set(body["certifications"][0]) == {
        "scheme",
        "scheme_label",
        "number",
        "body",
        "issued_on",
        "expires_on",
    }
    assert [h["title"] for h in body["honours"]] == ["海门区质量诚信示范企业"]
    assert set(body["honours"][0]) == {"title", "awarded_by", "awarded_on"}
    assert [t["trademark"] for t in body["trademark_licences"]] == ["海门家纺"]
    assert set(body["trademark_licences"][0]) == {"trademark", "starts_on", "ends_on"}
    assert [c["products"] for c in body["commitments"]] == ["被芯"]
    # Nothing staff-only anywhere in the answer.
    text = str(body)
    for secret in ("price", "cost", "explanation", "entered_by", "verified_by", "rectification"):
        assert secret not in text
    assert coop_a.lab.username not in text


def test_the_page_and_api_read_in_a_fixed_number_of_queries(coop_a, answered, lab_ready, client):
    paths = [page(coop_a), api_path(coop_a)]

    def counts():
        found = []
        for path in paths:
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    one = counts()
    # Beyond the year's free tests, at the member's expense.
    reported(coop_a, lab_ready, "枕芯", SAFETY)
    reported(coop_a, lab_ready, "毛巾", {**SAFETY, "formaldehyde": "20"}, paid_by_member=True)
    reported(coop_a, lab_ready, "被芯", {**SAFETY, "formaldehyde": "120"}, paid_by_member=True)
    committed(coop_a, products="枕芯")
    standing(coop_a)
    # The licences' mark and licence numbers (brands, credit.public_page.LICENCE_DETAILS) are
    # joined into the licences' one query: no query more (tests/brands pins it with numbers).
    assert counts() == one
    results = client.get(api_path(coop_a)).json()["latest_results"]
    assert len(results) == 4  # newest per product: one 被芯 of two
    bedding = next(result for result in results if result["product"] == "被芯")
    assert bedding["failed"][0]["reading"] == "120 mg/kg"


def test_a_revoked_report_is_not_offered_for_verification(coop_a, answered, api):
    with unscoped():
        Document.objects.filter(pk=answered["report"].pk).update(revoked_at=timezone.now())
    body = api().get(api_path(coop_a)).json()
    bedding = next(r for r in body["latest_results"] if r["product"] == "被芯")
    assert bedding["verification_code"] is None and bedding["verification_url"] is None


def test_another_cooperatives_members_data_never_appears(coop_a, coop_b, answered, client, api):
    standing(coop_b)
    with unscoped():
        Honour.objects.filter(member=coop_b.member).update(title="B社荣誉")
        Certification.objects.filter(member=coop_b.member).update(number="B-CERT-9")
    html = client.get(page(coop_a)).content.decode()
    body = str(api().get(api_path(coop_a)).json())
    for said in (html, body):
        assert "B社荣誉" not in said and "B-CERT-9" not in said
    # Coop B's member is not found under coop A's address.
    assert client.get(page(coop_a, coop_b.member)).status_code == 404
    assert api().get(api_path(coop_a, coop_b.member)).status_code == 404


@pytest.mark.parametrize("status", [Member.Status.EXITED, Member.Status.APPLIED])
def test_a_member_not_active_has_no_public_page(coop_a, answered, client, api, status):
    with unscoped():
        Member.objects.filter(pk=coop_a.member.pk).update(status=status)
    assert client.get(page(coop_a)).status_code == 404
    assert api().get(api_path(coop_a)).status_code == 404
    assert api().get(f"/api/v1/public/members/{coop_a.member.pk}/").status_code == 404
