import io
from datetime import date

import pypdfium2
import pytest
from openpyxl import load_workbook

from coop.tenancy import scope, unscoped
from standards import services
from standards.models import ProductCategory, Standard
from tests.standards.conftest import standard


def test_the_catalogue_page_searches_in_chinese(loaded, client):
    page = client.get("/standards/", {"q": "床上用品"}).content.decode()
    assert "GB/T 22796-2021" in page and "GB 18401-2010" not in page


def test_a_standard_shows_its_limits_table(loaded, client):
    page = client.get(f"/standards/{standard('GB 18401-2010').pk}/").content.decode()
    assert "≤ 75" in page and "4.0–8.5" in page and "≥ 3-4" in page and "≤ 20" in page
    replaced = client.get(f"/standards/{standard('GB/T 22797-2009').pk}/").content.decode()
    assert "GB/T 22796-2021" in replaced


def test_the_collection_is_public_with_xlsx_and_a_pdf_booklet(loaded, coop_a, client):
    with scope({coop_a.cooperative.pk}):
        for position, code in enumerate(["GB 18401-2010", "GB/T 22796-2021"]):
            services.collect(
                cooperative=coop_a.cooperative,
                actor=coop_a.admin,
                standard=standard(code),
                section="床上用品",
                position=position,
            )
    page = client.get("/c/coop-a/").content.decode()
    assert "GB/T 22796-2021" in page and "标准汇编" in page
    sheet = load_workbook(io.BytesIO(client.get("/c/coop-a/collection.xlsx").content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "GB 18401-2010",
        "GB/T 22796-2021",
    ]
    booklet = client.get("/c/coop-a/collection.pdf")
    assert booklet["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(io.BytesIO(booklet.content))
    text = "".join(pdf[1].get_textpage().get_text_range().split())
    assert len(pdf) == 2 and "GB/T22796-2021" in text and "床上用品" in text


def test_an_enterprise_declares_on_its_page_and_sees_the_benchmark(loaded, coop_a, client):
    client.force_login(coop_a.enterprise)
    form = {
        "product": "四件套",
        "category": ProductCategory.objects.get(code="bedding").pk,
        "safety_category": "B",
        "standards": [standard("GB 18401-2010").pk],
    }
    page = client.post("/c/coop-a/declarations/", form, follow=True).content.decode()
    assert "四件套" in page and "✓" in page
    with unscoped():
        declaration = coop_a.member.declarations.get()
    table = client.get(f"/c/coop-a/declarations/{declaration.pk}/").content.decode()
    assert "甲醛含量" in table and "相同" in table


def test_a_replaced_standard_cannot_be_declared_on_the_page(loaded, coop_a, client):
    client.force_login(coop_a.enterprise)
    form = {
        "product": "被套",
        "category": ProductCategory.objects.get(code="bedding").pk,
        "safety_category": "B",
        "standards": [standard("GB/T 22797-2009").pk],
    }
    page = client.post("/c/coop-a/declarations/", form).content.decode()
    assert "不在可用的选项中" in page  # only standards in force are offered
    with unscoped():
        assert not coop_a.member.declarations.exists()


@pytest.mark.parametrize("role", ["admin", "enterprise", "supervisor"])
def test_another_cooperatives_declaration_pages_are_not_found(loaded, coop_a, coop_b, client, role):
    with scope({coop_b.cooperative.pk}):
        theirs = services.declare(
            member=coop_b.member,
            actor=coop_b.enterprise,
            product="x",
            category=ProductCategory.objects.get(code="bedding"),
            safety_category="B",
            standards=[standard("GB 18401-2010")],
        )
    client.force_login(coop_a.users()[role])
    assert client.get("/c/coop-b/declarations/").status_code == 404
    assert client.get(f"/c/coop-a/declarations/{theirs.pk}/").status_code == 404
    assert (
        "x" not in client.get("/c/coop-a/declarations/").content.decode().split("<tbody>")[1][:20]
    )


def test_an_unpublished_group_standard_of_another_cooperative_is_not_in_the_catalogue(
    loaded, coop_a, coop_b, client
):
    with unscoped():
        draft = Standard.objects.create(
            cooperative=coop_b.cooperative,
            code="T/NTJF 009-2024",
            level="group",
            title_zh="未公开",
            published=False,
            implemented_on=date(2024, 1, 1),
        )
    client.force_login(coop_a.admin)
    assert client.get(f"/standards/{draft.pk}/").status_code == 404
    assert "T/NTJF 009-2024" not in client.get("/standards/", {"q": "NTJF"}).content.decode()


def test_supervisors_keep_the_shared_catalogue_and_administrators_their_own(
    loaded, coop_a, coop_b, client
):
    with unscoped():
        own = Standard.objects.create(
            cooperative=coop_a.cooperative,
            code="T/NTJF 010-2024",
            level="group",
            title_zh="本社",
            implemented_on=date(2024, 1, 1),
        )
        theirs = Standard.objects.create(
            cooperative=coop_b.cooperative,
            code="T/NTJF 011-2024",
            level="group",
            title_zh="他社",
            published=False,
            implemented_on=date(2024, 1, 1),
        )
    national = standard("GB 18401-2010")
    client.force_login(coop_a.supervisor)
    page = client.get(f"/admin/standards/standard/{national.pk}/change/").content.decode()
    assert 'name="title_zh"' in page  # editable
    client.force_login(coop_a.admin)
    page = client.get(f"/admin/standards/standard/{national.pk}/change/").content.decode()
    assert 'name="title_zh"' not in page  # read only
    assert (
        'name="title_zh"'
        in client.get(f"/admin/standards/standard/{own.pk}/change/").content.decode()
    )
    assert client.get(f"/admin/standards/standard/{theirs.pk}/change/").status_code == 404


def test_a_standards_file_is_served_only_to_who_may_see_the_standard(
    loaded, coop_a, coop_b, client, settings, tmp_path
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    with unscoped():
        draft = Standard.objects.create(
            cooperative=coop_b.cooperative,
            code="T/NTJF 012-2024",
            level="group",
            title_zh="未公开",
            published=False,
            implemented_on=date(2024, 1, 1),
        )
        draft.file.save("t-ntjf-012.pdf", ContentFile(b"%PDF-1.4 text"))
    assert client.get(f"/standards/{draft.pk}/file/").status_code == 404
    client.force_login(coop_b.admin)
    assert b"".join(client.get(f"/standards/{draft.pk}/file/").streaming_content) == (
        b"%PDF-1.4 text"
    )
    assert client.get(f"/standards/{standard('GB 18401-2010').pk}/file/").status_code == 404
