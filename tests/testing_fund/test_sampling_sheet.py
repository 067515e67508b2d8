"""The sampling sheet (抽样单): issued after the sampling step through the document pipeline,
holding what was taken and both sides' names; downloaded by staff and the member only, and
verified by anyone holding it."""

import hashlib
import io

import pypdfium2
import pytest
import zxingcpp
from django.utils import timezone

from coop.models import Document, Role
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch
from testing_fund.sampling_sheets import issue_sampling_sheet
from testing_fund.services import batches
from tests.factories import MemberFactory, UserFactory
from tests.testing_fund.conftest import request


def read(document):
    with document.file.open("rb") as file:
        content = file.read()
    page = pypdfium2.PdfDocument(io.BytesIO(content))[0]
    text = "".join(page.get_textpage().get_text_range().split())
    return content, text.replace("\ufffe", "-"), page


@pytest.fixture
def sampled(coop_a, priced):
    """A batch sampled through the step, and the sheet's task it sends run as a worker would."""
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=batch, actor=coop_a.admin)
        batches.BATCH.take(
            "sample",
            batch,
            actor=coop_a.admin,
            sampled_product="纯棉印花四件套",
            lot_number="L2026-118",
            quantity="2套",
            seal_number="FY-0001",
            samplers="王建华、李明",
            sampling_place="成品仓库",
            backup_kept=True,
            member_signatory="张红",
        )
        issue_sampling_sheet(coop_a.cooperative.pk, batch.pk)
    with unscoped():
        return Batch.objects.select_related("member").get(pk=batch.pk)


def sheet_of(batch):
    with unscoped():
        return Document.objects.get(kind=Document.Kind.SAMPLING_SHEET, source_id=batch.pk)


def test_the_sheet_says_what_was_taken_and_both_sides_names(coop_a, sampled):
    document = sheet_of(sampled)
    content, text, page = read(document)
    assert "抽样单" in text and document.number in text and document.code in text
    member = coop_a.member
    assert member.name.replace(" ", "") in text and member.uscc in text
    for said in ["纯棉印花四件套", "L2026-118", "2套", "FY-0001", "成品仓库", "GB18401-2010"]:
        assert said in text, said
    assert "王建华" in text and "李明" in text and "张红" in text  # both sides
    day = timezone.localtime(sampled.sampled_at)
    assert f"{day.year}年{day.month}月{day.day}日" in text
    assert "抽样不向被抽样方收取任何费用" in text
    assert "抽样人员（签字）" in text and "被抽样单位（签字、盖章）" in text
    assert "申请检测：四件套" in text  # the product requested, beside the one taken
    [code] = zxingcpp.read_barcodes(page.render(scale=2).to_pil())
    assert code.text.endswith(f"/verify/{document.code}/")
    assert document.sha256 == hashlib.sha256(content).hexdigest()


def test_the_sheet_is_issued_once(coop_a, sampled):
    number = sheet_of(sampled).number
    with scope({coop_a.cooperative.pk}):
        assert issue_sampling_sheet(coop_a.cooperative.pk, sampled.pk) == number
    with unscoped():
        assert Document.objects.filter(kind="sampling_sheet").count() == 1


def test_staff_and_the_member_download_it_and_no_one_else(coop_a, coop_b, sampled, client):
    document = sheet_of(sampled)
    url = f"/c/coop-a/documents/{document.number}/"
    neighbour = UserFactory(
        username="a-neighbour",
        role=Role.ENTERPRISE,
        member=MemberFactory(cooperative=coop_a.cooperative, name="乙 家纺有限公司"),
    )
    for user in (coop_a.admin, coop_a.enterprise):
        client.force_login(user)
        page = client.get(f"/c/coop-a/tests/{sampled.pk}/").content.decode()
        assert url in page and "下载抽样单" in page and "张红" in page
        served = client.get(url)
        assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
        assert served["Content-Disposition"].startswith("attachment;")
    for user in (neighbour, coop_b.admin, coop_b.enterprise):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(f"/c/coop-b/documents/{document.number}/").status_code == 404, user


def test_anyone_holding_the_sheet_verifies_it(sampled, client):
    document = sheet_of(sampled)
    page = client.get(f"/verify/{document.code}/").content.decode()
    assert "抽样单" in page and "纯棉印花四件套" in page and "FY-0001" in page
    assert "张红" not in page and "王建华" not in page  # no names of people in public
    public = client.get(f"/api/v1/public/certificates/{document.code}/").json()
    assert public["kind"] == "sampling_sheet"
    assert public["details"] == {
        "product": "纯棉印花四件套",
        "sampled_on": timezone.localtime(sampled.sampled_at).date().isoformat(),
        "seal_number": "FY-0001",
    }


def test_the_sampling_form_asks_who_signed_for_the_member(coop_a, priced, client):
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        batches.approve(batch=batch, actor=coop_a.admin)
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/tests/{batch.pk}/").content.decode()
    assert "被抽样单位签字人" in page and "样品照片" in page and "封样照片" in page
    too_long = client.post(
        f"/c/coop-a/tests/{batch.pk}/sample/",
        {
            "seal_number": "FY-2",
            "samplers": "王建华、李明",
            "member_signatory": "张" * 101,
        },
        follow=True,
    )
    assert "最多 100 个字符" in too_long.content.decode()
    with unscoped():
        assert Batch.objects.get(pk=batch.pk).status == "approved"
