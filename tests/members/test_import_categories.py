"""Product categories and the exit's kind and reason in the member import: the categories are
set on the imported units (so sampling rounds find their standards), named per row and cell when
unknown, unchanged by a second import and kept by the export's round trip; an exited unit's kind
and reason of exit are recorded on its ``import`` event."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from members.models import Member, MemberProductCategory
from members.services import imports
from standards.models import ProductCategory
from tests.members.test_import_existing import adopt, confirm, counts, filled, unit, upload


def categories():
    ProductCategory.objects.get_or_create(code="bedding", defaults={"name_zh": "床上用品"})
    ProductCategory.objects.get_or_create(code="towels", defaults={"name_zh": "毛巾"})


def codes_of(tenant, name):
    with unscoped():
        member = Member.objects.get(cooperative=tenant.cooperative, name=name)
        return sorted(
            MemberProductCategory.objects.filter(member=member).values_list(
                "category__code", flat=True
            )
        )


def test_the_categories_are_set_by_label_or_code(coop_a, api):
    categories()
    rows = [
        unit(coop_a, "海门甲家纺有限公司", 产品类别="床上用品、毛巾"),
        unit(coop_a, "海门乙家纺有限公司", 产品类别="towels；床上用品"),
        unit(coop_a, "海门丙家纺有限公司"),
    ]
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    assert report["valid"] is True, report["errors"]
    assert confirm(api, coop_a, report["id"]).status_code == 200
    assert codes_of(coop_a, "海门甲家纺有限公司") == ["bedding", "towels"]
    assert codes_of(coop_a, "海门乙家纺有限公司") == ["bedding", "towels"]
    assert codes_of(coop_a, "海门丙家纺有限公司") == []


def test_an_unknown_category_is_named_by_row_and_cell_and_nothing_is_saved(coop_a, api):
    categories()
    rows = [
        unit(coop_a, "海门甲家纺有限公司"),
        unit(coop_a, "海门乙家纺有限公司", 产品类别="床品、毛巾"),
    ]
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    assert report["valid"] is False
    assert report["errors"][0] == []
    (error,) = report["errors"][1]
    assert error.startswith("产品类别：") and "床品" in error
    assert "床上用品" in error and "毛巾" in error  # the allowed ones
    before = counts(coop_a)
    assert confirm(api, coop_a, report["id"]).status_code == 409
    assert counts(coop_a) == before


def test_importing_the_same_file_again_changes_no_categories_or_events(coop_a, api):
    categories()
    content = filled(api, coop_a, [unit(coop_a, "海门甲家纺有限公司", 产品类别="床上用品")])
    first = upload(api, coop_a, content).json()
    assert confirm(api, coop_a, first["id"]).status_code == 200
    after = counts(coop_a)
    with unscoped():
        links = MemberProductCategory.objects.count()
    again = upload(api, coop_a, content).json()
    assert confirm(api, coop_a, again["id"]).status_code == 200
    assert counts(coop_a) == after
    with unscoped():
        assert MemberProductCategory.objects.count() == links == 1


def test_the_export_writes_the_labels_and_round_trips(coop_a, api, client):
    categories()
    content = filled(
        api,
        coop_a,
        [unit(coop_a, "海门甲家纺有限公司", 产品类别="毛巾、bedding", **{"镇（街道）": "常乐镇"})],
    )
    assert confirm(api, coop_a, upload(api, coop_a, content).json()["id"]).status_code == 200
    client.force_login(coop_a.admin)
    exported = client.get("/c/coop-a/members/export.xlsx?town=常乐镇").getvalue()
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("产品类别")
    (ours,) = [row for row in rows if row[0] == "海门甲家纺有限公司"]
    assert ours[column] == "床上用品、毛巾"
    with unscoped():
        Member.objects.filter(name="海门甲家纺有限公司").delete()
    report = upload(api, coop_a, exported, name="again.xlsx").json()
    assert report["valid"] is True, report["errors"]
    assert confirm(api, coop_a, report["id"]).status_code == 200
    assert codes_of(coop_a, "海门甲家纺有限公司") == ["bedding", "towels"]


def test_the_template_explains_the_categories(coop_a, api):
    categories()
    book = load_workbook(io.BytesIO(imports.template_xlsx(coop_a.cooperative)))
    explained = {row[0]: row for row in book.worksheets[1].iter_rows(values_only=True)}
    assert "床上用品、毛巾" in explained["产品类别"][3]
    assert "自愿退出" in explained["退出方式"][3] or "voluntary" in explained["退出方式"][3]


def test_the_exit_kind_and_reason_are_recorded_on_the_import_event(coop_a, api):
    adopt(coop_a)
    rows = [
        unit(
            coop_a,
            "海门丙家纺有限公司",
            状态="已退出",
            退出日期="2023-12-31",
            退出方式="expulsion",
            退出原因="抽检连续不合格",
        )
    ]
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    assert report["valid"] is True, report["errors"]
    assert confirm(api, coop_a, report["id"]).status_code == 200
    with unscoped():
        member = Member.objects.get(name="海门丙家纺有限公司")
        event = StepEvent.objects.get(object_id=member.pk, step="import")
    assert member.status == Member.Status.EXITED
    assert event.details["exit_kind"] == "expulsion"
    assert event.details["reason"] == "抽检连续不合格"


def test_an_exit_kind_is_refused_unless_exited_or_unknown(coop_a, api):
    rows = [
        unit(coop_a, "海门甲家纺有限公司", 退出方式="expulsion", 退出原因="不需要"),
        unit(coop_a, "海门乙家纺有限公司", 状态="已退出", 退出日期="2023-12-31", 退出方式="开除"),
    ]
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    assert report["valid"] is False
    assert any(e.startswith("退出方式：") for e in report["errors"][0]), report["errors"]
    assert any(e.startswith("退出原因：") for e in report["errors"][0]), report["errors"]
    (error,) = report["errors"][1]
    assert error.startswith("退出方式：") and "开除" in error


def categorised_import(tenant, count):
    """Check and confirm ``count`` rows naming categories; the queries of each."""
    headings = [heading for _field, heading in imports.ALL_COLUMNS]
    book = Workbook()
    book.active.append(headings)
    for index in range(count):
        row = unit(tenant, f"类别{count}-{index}", 产品类别="床上用品、毛巾")
        book.active.append([row.get(heading, "") for heading in headings])
    content = io.BytesIO()
    book.save(content)
    with scope({tenant.cooperative.pk}):
        with CaptureQueriesContext(connection) as checking:
            checked = imports.import_check(
                cooperative=tenant.cooperative,
                actor=tenant.admin,
                file_name="c.xlsx",
                content=content.getvalue(),
            )
        with CaptureQueriesContext(connection) as saving:
            imports.import_confirm(member_import=checked, actor=tenant.admin)
    return len(checking), len(saving)


def test_the_categories_add_no_query_per_row(coop_a):
    categories()
    few, many = categorised_import(coop_a, 5), categorised_import(coop_a, 40)
    assert few == many, (few, many)
    # Pinned: one read of the categories when checking; one of their ids and one insert of the
    # links when saving (these rows have no people, certificate or signature to insert).
    assert few == (7, 13), few
    with unscoped():
        assert (
            MemberProductCategory.objects.filter(member__name__startswith="类别40-").count() == 80
        )
