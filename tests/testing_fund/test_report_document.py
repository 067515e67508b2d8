"""The test report as GB/T 27025-2019 §7.8 asks: real PDFs issued through the steps, opened
and read page by page; the CMA mark per the lab's accreditation scope; the supervisory sample's
real product; the facts the steps record; the verification naming the company; and the
accreditation scope kept by the region's bureau only."""

import io
import os
from datetime import date, timedelta
from decimal import Decimal

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coop.models import Document
from coop.tenancy import scope, unscoped
from standards.models import (
    DeclaredStandard,
    Indicator,
    ProductCategory,
    ProductDeclaration,
    Standard,
)
from testing_fund.models import AccreditedMethod, Batch
from testing_fund.services import batches, rounds
from testing_fund.services.fund import adjust
from testing_fund.tasks import issue_test_report
from tests.factories import InstitutionFactory, MemberFactory, UserFactory

# GB/T 22796-2021 category B: thirteen indicators (its fibre content aside), enough for a
# report of more than one page.
MANY = {
    "formaldehyde": "30",
    "ph": "6.5",
    "fastness-water": "4",
    "fastness-acid-perspiration": "3-4",
    "fastness-alkaline-perspiration": "4",
    "fastness-dry-rubbing": "4",
    "odour": "无",
    "azo-amines": "未检出",
    "fastness-wet-rubbing": "3",
    "fastness-soaping": "4",
    "fastness-light": "4",
    "dimensional-change-washing": "-1.5",
    "pilling": "3-4",
}
SAFETY = {k: MANY[k] for k in list(MANY)[:8]}  # GB 18401-2010 category B
OUTSIDE = "odour"  # not in the lab's scope below
CMA_NUMBER = "CMA 201912345678"


@pytest.fixture
def lab(coop_a, priced):
    """Coop A's lab with an address, an accreditation number and a scope: every indicator by
    its catalogue method but odour. The fund gets enough for a round."""
    institution = coop_a.lab.institution
    institution.address = "江苏省南通市崇川区工农路 88 号"
    institution.accreditation = CMA_NUMBER
    institution.save()
    for indicator in Indicator.objects.exclude(method=None).exclude(code=OUTSIDE):
        AccreditedMethod.objects.create(
            institution=institution, indicator=indicator, method_id=indicator.method_id
        )
    with scope({coop_a.cooperative.pk}):
        adjust(fund=priced, actor=coop_a.admin, amount=Decimal(9000), reason="追加拨款")
    return institution


@pytest.fixture
def people(coop_a):
    """A second technician (the verifier) and named signatories."""
    coop_a.lab.first_name = "张检测"
    coop_a.lab.save()
    coop_a.admin.first_name = "刘批准"
    coop_a.admin.save()
    return UserFactory(
        role="lab_technician", institution=coop_a.lab.institution, first_name="陈审核"
    )


def standard(code):
    with unscoped():
        return Standard.objects.get(code=code)


def flat(text):
    return "".join(text.split())


def pages_of(document):
    """Each page's text, without white space (PDFium reads a hyphen it takes for a
    line-break hyphen as U+FFFE). With REPORT_PNG_DIR set, each page is also kept as a PNG
    there, to look at."""
    pdf = pypdfium2.PdfDocument(io.BytesIO(document.file.read()))
    texts = []
    for i, page in enumerate(pdf, start=1):
        if folder := os.environ.get("REPORT_PNG_DIR"):
            page.render(scale=1.3).to_pil().save(f"{folder}/{document.number}-p{i}.png")
        text = page.get_textpage().get_text_range()
        texts.append("".join(text.split()).replace("\ufffe", "-"))
    return texts


def issued(coop_a, people, batch, readings, **enter):
    """Receive, enter, verify and report the batch through the steps, then issue its PDF."""
    with scope({coop_a.cooperative.pk}):
        batches.receive(batch=batch, actor=coop_a.lab)
        batches.enter_results(batch=batch, actor=coop_a.lab, values=readings, **enter)
        batches.verify(batch=batch, actor=people)
        batches.report(batch=batch, actor=coop_a.admin)
        number = issue_test_report(coop_a.cooperative.pk, batch.pk)
        return Batch.objects.get(pk=batch.pk), Document.objects.get(number=number)


def a_request(coop_a, readings=MANY, code="GB/T 22796-2021"):
    with scope({coop_a.cooperative.pk}):
        batch = batches.request_batch(
            member=coop_a.member,
            actor=coop_a.enterprise,
            standard=standard(code),
            lab=coop_a.lab.institution,
            product="全棉四件套",
            safety_category="B",
            lot_number="LOT-2026-11",
            quantity="2 套",
            indicators=list(Indicator.objects.filter(code__in=readings)),
        )
        batches.approve(batch=batch, actor=coop_a.admin)
        batches.sample(
            batch=batch,
            actor=coop_a.admin,
            seal_number="FY-0001",
            samplers="王建华、李明",
            sampling_place="成品仓库",
            backup_kept=True,
        )
        return batch


def declare(member, product, code="GB 18401-2010", category="B"):
    with unscoped():
        declaration = ProductDeclaration.objects.create(
            cooperative=member.cooperative,
            member=member,
            product=product,
            category=ProductCategory.objects.first(),
            safety_category=category,
        )
        DeclaredStandard.objects.create(
            cooperative=member.cooperative, declaration=declaration, standard=standard(code)
        )


def a_round(coop_a):
    with scope({coop_a.cooperative.pk}):
        planned = rounds.preview_round(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            name="2026年第四季度监督抽查",
            coverage=Decimal("1"),
            lab=coop_a.lab.institution,
            standard=standard("GB 18401-2010"),
            seed=7,
        )
        rounds.confirm_round(sampling_round=planned, actor=coop_a.admin)
        return Batch.objects.filter(sampling_round=planned).order_by("member__name")


def test_a_requests_report_holds_every_element_on_pages_numbered_x_of_y(coop_a, lab, people):
    batch = a_request(coop_a)
    received = timezone.localdate()
    batch, document = issued(coop_a, people, batch, MANY, tested_from=received)
    pages = pages_of(document)
    assert len(pages) >= 2
    for i, text in enumerate(pages, start=1):
        # The report's number and "page x of y" on every page, and the lab's name.
        assert f"报告编号：{document.number}" in text
        assert f"第{i}页共{len(pages)}页" in text
        assert "测试纤维检验所" in text
    whole = "".join(pages)
    assert "检测报告" in whole
    assert "地址：江苏省南通市崇川区工农路88号" in whole
    member = coop_a.member
    assert f"委托单位{flat(member.name)}" in whole and member.uscc in whole
    assert "全棉四件套" in whole and "LOT-2026-11" in whole and "2套" in whole
    assert "B类（直接接触皮肤）" in whole
    assert "样品完好，封样完整。" in whole  # the condition on receipt, said by default
    assert "样品来源委托方送样。" in whole and "FY-0001" not in whole  # sent by the client
    day = received.isoformat()
    assert f"收样日期{day}" in whole
    assert f"检测日期{day}—{day}" in whole
    assert "检验类别委托检验判定依据GB/T22796-2021" in whole
    # Each indicator: its method, its requirement with the category, its result and unit.
    assert "GB/T2912.1-2009" in whole and "≤75mg/kg（B类）" in whole and "30mg/kg" in whole
    assert "≥3级（B类）" in whole and "3-4级" in whole
    assert "4.0–8.5（B类）" in whole
    assert "经检验，所检项目符合GB/T22796-2021B类要求。" in whole
    # Tester, verifier and approver, each with the date they signed.
    assert f"检测人张检测{day}" in whole and f"审核人陈审核{day}" in whole
    assert f"批准人刘批准{day}" in whole
    assert "本报告检测结果仅对所检样品负责。" in whole
    assert document.code in whole  # the verification code, beside the QR code


def test_the_cma_mark_stands_for_results_within_the_labs_scope_only(coop_a, lab, people):
    batch, document = issued(coop_a, people, a_request(coop_a), MANY)
    whole = "".join(pages_of(document))
    assert "CMA" in whole and CMA_NUMBER.replace(" ", "") in whole
    # Odour, outside the scope, is marked; every other indicator is not.
    assert "异味*" in whole
    assert whole.count("*") == 2  # the one row, and the footnote
    assert "甲醛含量*" not in whole and "甲醛含量GB/T2912.1-2009" in whole
    assert "标*的项目不在本机构资质认定（CMA）范围内" in whole


def test_a_report_of_results_all_outside_the_scope_bears_no_cma_mark(coop_a, lab, people):
    AccreditedMethod.objects.filter(institution=lab).delete()
    batch, document = issued(coop_a, people, a_request(coop_a, SAFETY, "GB 18401-2010"), SAFETY)
    whole = "".join(pages_of(document))
    assert "CMA" not in whole.replace("（CMA）", "")  # only the footnote names it
    assert "甲醛含量*" in whole and "标*的项目" in whole


def test_a_supervisory_samples_report_names_the_real_product_and_how_it_was_sampled(
    coop_a, lab, people
):
    declare(coop_a.member, "纯棉印花四件套")
    (batch,) = a_round(coop_a)
    assert batch.product == "纯棉印花四件套"  # booked as the member's main product
    with scope({coop_a.cooperative.pk}):
        batches.BATCH.take(
            "sample",
            batch,
            actor=coop_a.admin,
            seal_number="JD-2026-0042",
            samplers="王建华、李明",
            sampling_place="海门区三厂街道成品仓库",
            backup_kept=True,
        )
    with scope({coop_a.cooperative.pk}):
        batches.receive(batch=batch, actor=coop_a.lab, condition_on_receipt="包装完好，封条无破损")
        batches.enter_results(batch=batch, actor=coop_a.lab, values=SAFETY)
        batches.verify(batch=batch, actor=people)
        batches.report(batch=batch, actor=coop_a.admin)
        document = Document.objects.get(number=issue_test_report(coop_a.cooperative.pk, batch.pk))
    whole = "".join(pages_of(document))
    assert "纯棉印花四件套" in whole and "监督抽查样品" not in whole
    day = timezone.localdate().isoformat()
    assert f"{day}由王建华、李明于海门区三厂街道成品仓库抽样，封样编号JD-2026-0042。" in whole
    assert "备样已留存。" in whole and "委托方送样" not in whole
    assert "包装完好，封条无破损" in whole
    assert "检验类别监督抽查判定依据GB18401-2010" in whole
    assert document.public_details["product"] == "纯棉印花四件套"


def test_a_round_books_each_members_main_product(coop_a, lab):
    declared = coop_a.member
    declare(declared, "婴儿睡袋", category="A")  # another category: second choice
    declare(declared, "纯棉印花四件套")
    registered = MemberFactory(cooperative=coop_a.cooperative, main_products="毛巾、浴巾")
    silent = MemberFactory(cooperative=coop_a.cooperative, name="无产品家纺有限公司")
    booked = {b.member_id: b.product for b in a_round(coop_a)}
    assert booked == {declared.pk: "纯棉印花四件套", registered.pk: "毛巾", silent.pk: ""}
    # Nothing was booked for the silent one: the samplers must name what they take.
    with scope({coop_a.cooperative.pk}):
        batch = Batch.objects.get(member=silent)
        with pytest.raises(ValidationError) as unnamed:
            batches.sample(
                batch=batch,
                actor=coop_a.admin,
                seal_number="S-1",
                samplers="甲、乙",
                sampling_place="仓库",
                backup_kept=True,
            )
        assert set(unnamed.value.message_dict) == {"sampled_product"}


def test_the_steps_record_the_signatures_and_the_dates_of_testing(coop_a, lab, people):
    batch = a_request(coop_a, SAFETY, "GB 18401-2010")
    today = timezone.localdate()
    with scope({coop_a.cooperative.pk}):
        batches.receive(batch=batch, actor=coop_a.lab, condition_on_receipt="  外包装轻微破损  ")
        for dates, field in [
            ({"tested_from": today + timedelta(days=1)}, "tested_from"),
            ({"tested_until": today + timedelta(days=1)}, "tested_until"),
            ({"tested_from": today - timedelta(days=1)}, "tested_from"),  # before receipt
        ]:
            with pytest.raises(ValidationError) as refused:
                batches.enter_results(batch=batch, actor=coop_a.lab, values=SAFETY, **dates)
            assert set(refused.value.message_dict) == {field}
            assert Batch.objects.get(pk=batch.pk).status == "received"  # nothing written
        Batch.objects.filter(pk=batch.pk).update(received_on=today - timedelta(days=3))
        with pytest.raises(ValidationError) as backwards:
            batches.enter_results(
                batch=batch,
                actor=coop_a.lab,
                values=SAFETY,
                tested_from=today - timedelta(days=1),
                tested_until=today - timedelta(days=2),
            )
        assert set(backwards.value.message_dict) == {"tested_until"}
        batches.enter_results(batch=batch, actor=coop_a.lab, values=SAFETY)
        batches.verify(batch=batch, actor=people)
        batches.report(batch=batch, actor=coop_a.admin)
        batch = Batch.objects.get(pk=batch.pk)
    assert batch.condition_on_receipt == "外包装轻微破损"
    assert (batch.tested_from, batch.tested_until) == (today - timedelta(days=3), today)
    assert batch.entered_by == coop_a.lab and batch.entered_at is not None
    assert batch.verified_by == people and batch.verified_at >= batch.entered_at
    assert batch.reported_by == coop_a.admin


def test_the_lab_gives_the_condition_and_testing_dates_through_the_api(coop_a, lab, api):
    batch = a_request(coop_a, SAFETY, "GB 18401-2010")
    lab_api = api(coop_a.lab)
    received = lab_api.post(
        f"/api/v1/labs/batches/{batch.pk}/receive/",
        {"condition_on_receipt": "样品完好"},
        format="json",
    )
    assert received.status_code == 200, received.json()
    today = timezone.localdate().isoformat()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    refused = lab_api.post(
        f"/api/v1/labs/batches/{batch.pk}/enter/",
        {"values": SAFETY, "tested_from": today, "tested_until": future},
        format="json",
    )
    assert refused.status_code == 400 and "tested_until" in refused.json()
    entered = lab_api.post(
        f"/api/v1/labs/batches/{batch.pk}/enter/",
        {"values": SAFETY, "tested_from": today, "tested_until": today},
        format="json",
    )
    assert entered.status_code == 200, entered.json()
    with unscoped():
        batch = Batch.objects.get(pk=batch.pk)
    assert batch.condition_on_receipt == "样品完好"
    assert batch.tested_from == batch.tested_until == date.fromisoformat(today)


def test_the_verification_names_the_company_product_verdict_and_date(coop_a, lab, people, client):
    batch, document = issued(coop_a, people, a_request(coop_a, SAFETY, "GB 18401-2010"), SAFETY)
    page = client.get(f"/verify/{document.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    for fact in (coop_a.member.name, "全棉四件套", batch.reported_on.isoformat()):
        assert fact in body
    assert document.public_details["member"] == coop_a.member.name
    assert document.public_details["verdict"] in body


def test_a_report_issued_before_the_company_was_named_still_verifies(coop_a, lab, people, client):
    batch, document = issued(coop_a, people, a_request(coop_a, SAFETY, "GB 18401-2010"), SAFETY)
    with unscoped():
        Document.objects.filter(pk=document.pk).update(
            public_details={"product": "四件套", "verdict": "合格", "reported_on": "2025-01-02"}
        )
    page = client.get(f"/verify/{document.code}/")
    assert page.status_code == 200 and "2025-01-02" in page.content.decode()


# The accreditation scope, kept by the region's bureau


def scope_page(lab):
    return f"/labs/{lab.pk}/scope/"


def test_the_bureau_keeps_its_labs_scope_on_the_labs_page(coop_a, lab, client):
    AccreditedMethod.objects.filter(institution=lab).delete()
    client.force_login(coop_a.supervisor)
    formaldehyde = Indicator.objects.get(code="formaldehyde")
    added = client.post(
        scope_page(lab), {"action": "add", "indicator": formaldehyde.pk}, follow=True
    )
    assert added.status_code == 200
    line = AccreditedMethod.objects.get(institution=lab)
    assert (line.indicator, line.method_id) == (formaldehyde, formaldehyde.method_id)
    again = client.post(scope_page(lab), {"action": "add", "indicator": formaldehyde.pk})
    assert again.status_code == 200 and "已在认定范围内" in again.content.decode()
    assert AccreditedMethod.objects.filter(institution=lab).count() == 1
    labs = client.get("/labs/").content.decode()
    assert scope_page(lab) in labs
    client.post(scope_page(lab), {"action": "remove", "line": line.pk})
    assert not AccreditedMethod.objects.filter(institution=lab).exists()


def test_the_scope_page_reads_in_a_fixed_number_of_queries(
    coop_a, lab, client, django_assert_max_num_queries
):
    client.force_login(coop_a.supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(scope_page(lab))
    assert page.status_code == 200 and "甲醛含量" in page.content.decode()


@pytest.mark.parametrize("who", ["admin", "lab", "enterprise"])
def test_no_one_but_the_bureau_changes_a_labs_scope(coop_a, lab, client, who):
    before = AccreditedMethod.objects.filter(institution=lab).count()
    client.force_login(getattr(coop_a, who))
    odour = Indicator.objects.get(code="odour")
    assert client.get(scope_page(lab)).status_code == 403
    posted = client.post(scope_page(lab), {"action": "add", "indicator": odour.pk})
    assert posted.status_code == 403
    assert AccreditedMethod.objects.filter(institution=lab).count() == before


def test_another_regions_bureau_and_another_labs_user_cannot_touch_the_scope(
    coop_a, coop_b, lab, client
):
    before = AccreditedMethod.objects.filter(institution=lab).count()
    line = AccreditedMethod.objects.filter(institution=lab).first()
    odour = Indicator.objects.get(code="odour")
    client.force_login(coop_b.supervisor)
    assert client.get(scope_page(lab)).status_code == 404
    assert client.post(scope_page(lab), {"action": "add", "indicator": odour.pk}).status_code == 404
    assert client.post(scope_page(lab), {"action": "remove", "line": line.pk}).status_code == 404
    client.force_login(coop_b.lab)
    assert client.post(scope_page(lab), {"action": "remove", "line": line.pk}).status_code == 403
    assert AccreditedMethod.objects.filter(institution=lab).count() == before
    # A line of another lab is not removed through this lab's page.
    other = InstitutionFactory()
    other_line = AccreditedMethod.objects.create(
        institution=other, indicator=odour, method_id=line.method_id
    )
    client.force_login(coop_a.supervisor)
    assert (
        client.post(scope_page(lab), {"action": "remove", "line": other_line.pk}).status_code == 404
    )
    assert AccreditedMethod.objects.filter(pk=other_line.pk).exists()


def test_a_lab_is_added_with_its_address(coop_a, client):
    client.force_login(coop_a.supervisor)
    client.post(
        "/labs/",
        {
            "name_zh": "如东县检验检测中心",
            "address": "江苏省南通市如东县掘港镇人民路 1 号",
            "turnaround_days": 7,
        },
    )
    from testing_fund.models import TestingInstitution

    assert TestingInstitution.objects.get(name_zh="如东县检验检测中心").address.startswith("江苏")


def test_the_migration_fills_the_facts_of_batches_tested_before(coop_a, lab, people):
    """0019 reads the signatures' dates and the approver from the batch workflow's events,
    and names the product of supervisory samples booked as "监督抽查样品"."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    reported, _document = issued(coop_a, people, a_request(coop_a, SAFETY, "GB 18401-2010"), SAFETY)
    declare(coop_a.member, "纯棉印花四件套")
    (sampled,) = a_round(coop_a)
    with unscoped():
        Batch.objects.filter(pk=reported.pk).update(
            entered_at=None, verified_at=None, reported_by=None
        )
        Batch.objects.filter(pk=sampled.pk).update(product="监督抽查样品")
    executor = MigrationExecutor(connection)
    executor.migrate([("testing_fund", "0018_report_facts_scope_and_retests")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with unscoped():
        filled = Batch.objects.get(pk=reported.pk)
        named = Batch.objects.get(pk=sampled.pk)
    # The events were recorded a moment after the steps set the times.
    assert timedelta(0) <= filled.entered_at - reported.entered_at < timedelta(seconds=5)
    assert timedelta(0) <= filled.verified_at - reported.verified_at < timedelta(seconds=5)
    assert filled.reported_by_id == coop_a.admin.pk
    assert named.product == "纯棉印花四件套"


def test_the_labs_entry_form_takes_the_dates_of_testing(coop_a, lab, client):
    batch = a_request(coop_a, SAFETY, "GB 18401-2010")
    client.force_login(coop_a.lab)
    url = f"/c/coop-a/tests/{batch.pk}"
    client.post(f"{url}/receive/", {"condition_on_receipt": "样品完好，吊牌齐全"})
    today = timezone.localdate().isoformat()
    readings = {f"value-{code}": value for code, value in SAFETY.items()}
    client.post(f"{url}/enter/", {**readings, "tested_from": "", "tested_until": today})
    with unscoped():
        batch = Batch.objects.get(pk=batch.pk)
    assert batch.status == "entered" and batch.condition_on_receipt == "样品完好，吊牌齐全"
    assert batch.tested_from == batch.received_on and batch.tested_until.isoformat() == today
