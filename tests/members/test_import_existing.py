"""Bringing existing members in: the template, an import with status and history (people,
certificates, paper signatures), one ``import`` event each, idempotence, errors per cell, query
counts independent of the number of rows, isolation, and paper signatures with their scans."""

import io
from datetime import date, timedelta

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook
from PIL import Image

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from members.models import (
    Certification,
    Convention,
    ConventionSignature,
    Member,
    MemberImport,
    QualityPerson,
)
from members.services import imports
from tests.factories import MemberFactory, next_uscc


def real_pdf():
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def real_png():
    buffer = io.BytesIO()
    Image.new("L", (40, 60), 255).save(buffer, format="PNG")
    return buffer.getvalue()


# Scans that are what they say: the portal opens a scan to check it (coop.attachments).
PDF = real_pdf()
PNG = real_png()


def adopt(tenant, version=1):
    with unscoped():
        return Convention.objects.create(
            cooperative=tenant.cooperative,
            version=version,
            title=f"质量公约（第{version}版）",
            purpose="宗旨",
            principles="原则",
            duties="义务",
            member_conditions="条件",
            entry_exit_rules="入退规则",
        )


def template(api, tenant):
    response = api(tenant.admin).get(f"/api/v1/coops/{tenant.slug}/member-imports/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def filled(api, tenant, rows):
    """The template with ``rows`` (dicts by heading) in its first sheet, as bytes."""
    book = template(api, tenant)
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(heading, "") for heading in headings])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def upload(api, tenant, content, name="existing.xlsx", user=None):
    upload = SimpleUploadedFile(name, content)
    return api(user or tenant.admin).post(
        f"/api/v1/coops/{tenant.slug}/member-imports/", {"file": upload}, format="multipart"
    )


def confirm(api, tenant, report_id, user=None):
    return api(user or tenant.admin).post(
        f"/api/v1/coops/{tenant.slug}/member-imports/{report_id}/confirm/"
    )


def unit(tenant, name, **cells):
    row = {
        "名称": name,
        "类型": "企业",
        "统一社会信用代码": next_uscc(),
        "法定代表人": "张明",
        "区县": tenant.cooperative.district.name_zh,
        "镇（街道）": "三厂街道",
        "规模": "小型",
        "状态": "正常",
        "入社日期": "2016-03-01",
    }
    row.update(cells)
    return row


def history_rows(tenant):
    return [
        unit(
            tenant,
            "海门甲家纺有限公司",
            **{
                "首席质量官": "王强",
                "首席质量官职务": "副总经理",
                "首席质量官电话": "13812345678",
                "首席质量官任命日期": date(2018, 6, 1),  # a date cell
                "首席标准官": "李静",
                "首席标准官职务": "标准化办公室主任",
                "质量专员": "赵敏、孙丽",
                "认证证书编号": "00119Q31234R1M",
                "认证机构": "中国质量认证中心",
                "发证日期": "2022-05-20",
                "证书有效期至": "2025/5/19",
                "公约签署日期": "2016年3月1日",
                "公约版本": 1,
            },
        ),
        unit(tenant, "海门乙家纺有限公司", 状态="暂停", 入社日期="2017-04-01"),
        unit(tenant, "海门丙家纺有限公司", 状态="已退出", 退出日期="2023-12-31", 规模="微型"),
        unit(tenant, "海门丁家纺有限公司", 状态="active", 公约签署日期="2019-01-02", 签署人="李华"),
        {
            "名称": "海门某布艺经营部",
            "类型": "个体工商户",
            "登记注册号": "320684600123456",
            "区县": tenant.cooperative.district.name_zh,
            "状态": "在册",
            "入社日期": "2020-07-15",
        },
    ]


def counts(tenant):
    with unscoped():
        cooperative = tenant.cooperative
        return {
            "members": Member.objects.filter(cooperative=cooperative).count(),
            "people": QualityPerson.objects.filter(cooperative=cooperative).count(),
            "certifications": Certification.objects.filter(cooperative=cooperative).count(),
            "signatures": ConventionSignature.objects.filter(cooperative=cooperative).count(),
            "events": StepEvent.objects.filter(cooperative=cooperative).count(),
        }


def test_the_template_has_both_sheets_and_round_trips(coop_a, api, client):
    book = template(api, coop_a)
    members_sheet, columns_sheet = book.worksheets
    headings = [cell.value for cell in members_sheet[1]]
    assert headings == [heading for _field, heading in imports.ALL_COLUMNS]
    assert members_sheet.max_row == 1  # only the headings: nothing to delete before filling in
    explained = list(columns_sheet.iter_rows(values_only=True))
    assert explained[0] == ("列名", "含义", "是否必填", "允许的值", "示例")
    assert [row[0] for row in explained[1:]] == headings
    assert all(all(row) for row in explained[1:]), "every column has meaning, values, example"
    status_row = next(row for row in explained if row[0] == "状态")
    assert "在册" in status_row[3] and "暂停" in status_row[3] and "已退出" in status_row[3]
    # The staff page gives the same file.
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/imports/")
    assert "/c/coop-a/imports/template.xlsx" in page.content.decode()
    same = load_workbook(io.BytesIO(client.get("/c/coop-a/imports/template.xlsx").content))
    assert same.sheetnames == book.sheetnames
    # Filled in, it imports; the export of what it brought in imports again as "already there".
    adopt(coop_a)
    report = upload(api, coop_a, filled(api, coop_a, history_rows(coop_a))).json()
    assert report["valid"] is True, report["errors"]
    assert confirm(api, coop_a, report["id"]).status_code == 200
    exported = load_workbook(io.BytesIO(client.get("/c/coop-a/members/export.xlsx").getvalue()))
    sheet = exported.active
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row[0] == coop_a.member.name:  # entered otherwise, not by this import
            sheet.delete_rows(index)
    content = io.BytesIO()
    exported.save(content)
    again = upload(api, coop_a, content.getvalue(), "export.xlsx").json()
    assert again["valid"] is True, again["errors"]
    assert len(again["rows"]) == 5 and all(row.get("existing") for row in again["rows"])


def test_existing_members_land_in_their_status_with_their_history(coop_a, api):
    convention = adopt(coop_a)
    before = counts(coop_a)
    report = upload(api, coop_a, filled(api, coop_a, history_rows(coop_a))).json()
    assert report["valid"] is True, report["errors"]
    assert counts(coop_a) == before  # the dry run saves nothing
    done = confirm(api, coop_a, report["id"])
    assert done.status_code == 200 and done.json()["status"] == "imported"
    with unscoped():
        imported = {m.name: m for m in Member.objects.filter(cooperative=coop_a.cooperative)}
        first = imported["海门甲家纺有限公司"]
        assert (first.status, first.joined_on, first.exited_on) == (
            "active",
            date(2016, 3, 1),
            None,
        )
        assert imported["海门乙家纺有限公司"].status == "suspended"
        exited = imported["海门丙家纺有限公司"]
        assert (exited.status, exited.exited_on, exited.scale) == (
            "exited",
            date(2023, 12, 31),
            "micro",
        )
        assert imported["海门丁家纺有限公司"].status == "active"
        household = imported["海门某布艺经营部"]
        assert household.kind == "individual_household" and household.status == "active"
        people = {(p.role, p.name): p for p in QualityPerson.objects.filter(member=first)}
        assert set(people) == {
            ("cqo", "王强"),
            ("cso", "李静"),
            ("specialist", "赵敏"),
            ("specialist", "孙丽"),
        }
        standards_officer = people["cso", "李静"]
        assert (standards_officer.position, standards_officer.appointed_on) == (
            "标准化办公室主任",
            date(2016, 3, 1),  # no date of appointment: the date joined
        )
        officer = people["cqo", "王强"]
        assert (officer.position, officer.phone, officer.appointed_on) == (
            "副总经理",
            "13812345678",
            date(2018, 6, 1),
        )
        assert people["specialist", "赵敏"].appointed_on == date(2016, 3, 1)  # the date joined
        certificate = Certification.objects.get(member=first)
        assert (certificate.scheme, certificate.number, certificate.expires_on) == (
            "iso9001",
            "00119Q31234R1M",
            date(2025, 5, 19),
        )
        signature = ConventionSignature.objects.get(member=first)
        assert signature.convention == convention and signature.on_paper
        assert signature.signed_by is None and signature.ip_address is None
        assert signature.recorded_by == coop_a.admin
        assert signature.signed_at.date() == date(2016, 3, 1)
        assert (signature.signer_name, signature.signer_position) == ("张明", "法定代表人")
        other = ConventionSignature.objects.get(member=imported["海门丁家纺有限公司"])
        assert other.signer_name == "李华"
        new = [m for name, m in imported.items() if m.pk != coop_a.member.pk]
        events = StepEvent.objects.filter(workflow="member", object_id__in=[m.pk for m in new])
        assert events.count() == len(new) == 5
        assert set(events.values_list("step", flat=True)) == {"import"}
        assert set(events.values_list("actor", flat=True)) == {coop_a.admin.pk}
        assert {e.object_id: e.to_status for e in events}[exited.pk] == "exited"
    # The member's page and the API tell the history.
    history = api(coop_a.admin).get(f"/api/v1/coops/coop-a/members/{first.pk}/events/").json()
    verbs = [event["verb"] for event in history.get("results", history)]
    assert verbs == ["import"]


def test_the_member_page_shows_the_import_and_the_paper_signature(coop_a, api, client):
    adopt(coop_a)
    report = upload(api, coop_a, filled(api, coop_a, history_rows(coop_a)[:1])).json()
    confirm(api, coop_a, report["id"])
    with unscoped():
        member = Member.objects.get(name="海门甲家纺有限公司")
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/members/{member.pk}/").content.decode()
    assert "导入" in page and "在册" in page and "2016-03-01" in page
    assert "纸质" in page and "王强" in page and "00119Q31234R1M" in page
    assert "active" not in page.split("<main", 1)[-1].replace('class="status status-active"', "")


def test_the_page_of_an_imported_exited_unit_says_how_and_why_it_left(coop_a, api, client):
    rows = [unit(coop_a, "海门丙家纺有限公司", 状态="已退出", 退出日期="2023-12-31")]
    rows[0].update({"退出方式": "expulsion", "退出原因": "连续两年抽检不合格"})
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    confirm(api, coop_a, report["id"])
    with unscoped():
        member = Member.objects.get(name="海门丙家纺有限公司")
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/members/{member.pk}/").content.decode()
    assert "已退出 · 除名 — 连续两年抽检不合格" in page
    assert "expulsion" not in page


def test_importing_the_same_file_again_changes_nothing(coop_a, api, client):
    adopt(coop_a)
    content = filled(api, coop_a, history_rows(coop_a))
    first = upload(api, coop_a, content).json()
    assert confirm(api, coop_a, first["id"]).status_code == 200
    after_first = counts(coop_a)
    again = upload(api, coop_a, content).json()
    assert again["valid"] is True and all(row.get("existing") for row in again["rows"])
    assert confirm(api, coop_a, again["id"]).status_code == 200
    assert counts(coop_a) == after_first
    # The page says so, per row, and counts no unit as imported.
    client.force_login(coop_a.admin)
    third = upload(api, coop_a, content).json()
    page = client.get(f"/c/coop-a/imports/{third['id']}/").content.decode()
    assert page.count("已导入，保持原样") == 5
    done = client.post(f"/c/coop-a/imports/{third['id']}/", follow=True).content.decode()
    assert "已导入 0 个社员单位" in done
    assert counts(coop_a) == after_first


def test_a_unit_entered_otherwise_is_still_a_clash(coop_a, api):
    """Only units an import brought in are left as they are; another unit's code is an error."""
    row = unit(coop_a, "重复", 统一社会信用代码=coop_a.member.uscc)
    report = upload(api, coop_a, filled(api, coop_a, [row])).json()
    assert report["valid"] is False
    assert "本合作社已有使用该统一社会信用代码" in report["errors"][0][0]


def test_errors_are_named_per_row_and_cell_and_nothing_is_imported(coop_a, api):
    adopt(coop_a)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    rows = [
        unit(coop_a, "好的一行"),
        unit(coop_a, "状态错", 状态="休眠"),
        unit(coop_a, "缺入社日期", 入社日期=""),
        unit(coop_a, "退出无日期", 状态="已退出"),
        unit(coop_a, "日期错", 入社日期="2019-13-01"),
        unit(coop_a, "未来日期", 入社日期=tomorrow),
        unit(coop_a, "证书不全", 认证证书编号="Q123"),
        unit(coop_a, "版本错", 公约签署日期="2018-01-01", 公约版本="9"),
        unit(coop_a, "申请者签署", 状态="已申请", 入社日期="", 公约签署日期="2018-01-01"),
        unit(coop_a, "退出早于入社", 状态="已退出", 入社日期="2020-01-01", 退出日期="2019-01-01"),
        unit(coop_a, "专员无日期", 入社日期="", 状态="", 质量专员="赵敏"),
        unit(
            coop_a,
            "证书过期早于发证",
            认证证书编号="Q1",
            认证机构="CQC",
            发证日期="2022-01-01",
            证书有效期至="2021-01-01",
        ),
        unit(coop_a, "太早", 入社日期="1990-01-01"),
        unit(coop_a, "标准官无名", 首席标准官电话="13912345678"),
    ]
    before = counts(coop_a)
    report = upload(api, coop_a, filled(api, coop_a, rows)).json()
    errors = report["errors"]
    assert report["valid"] is False and errors[0] == []
    assert errors[1] == ["状态：“休眠”不是允许的取值：已申请、在册、暂停、已退出。"]
    assert errors[2][0].startswith("入社日期：")
    assert errors[3][0].startswith("退出日期：")
    assert errors[4] == ["入社日期：“2019-13-01”不是日期：请写成 2019-05-01 的格式。"]
    assert errors[5] == ["入社日期：日期不能晚于今天。"]
    assert {e.split("：")[0] for e in errors[6]} == {"认证机构", "发证日期", "证书有效期至"}
    assert errors[7] == ["公约版本：本合作社没有第 9 版公约；现有版本：1。"]
    assert any(e.startswith("公约签署日期：") for e in errors[8])
    assert errors[9] == ["退出日期：退出日期应在入社日期之后。"]
    assert errors[10] == ["质量专员任命日期：请填写任命日期，或填写入社日期。"]
    assert errors[11][0].startswith("证书有效期至：")
    assert errors[12][0].startswith("入社日期：") and "2000-01-01" in errors[12][0]
    assert errors[13] == ["首席标准官：请填写首席标准官姓名，或留空首席标准官的各列。"]
    assert confirm(api, coop_a, report["id"]).status_code == 409
    assert counts(coop_a) == before


def test_the_page_shows_errors_per_row_in_chinese(coop_a, api, client):
    client.force_login(coop_a.admin)
    content = filled(api, coop_a, [unit(coop_a, "状态错", 状态="休眠")])
    upload_file = SimpleUploadedFile("existing.xlsx", content)
    page = client.post("/c/coop-a/imports/", {"file": upload_file}, follow=True)
    text = page.content.decode()
    assert "状态：“休眠”不是允许的取值" in text and "1 行有错误" in text


def run_import(tenant, count):
    """Check and confirm ``count`` rows through the services, counting the queries of each."""
    district = tenant.cooperative.district.name_zh
    headings = [heading for _field, heading in imports.ALL_COLUMNS]
    book = Workbook()
    book.active.append(headings)
    for index in range(count):
        row = unit(tenant, f"批量{count}-{index}", 区县=district)
        row.update(
            {
                "首席质量官": f"官{index}",
                "产业链图谱环节": "成品",  # checked with the links read once, not per row
                "质量专员": f"甲{index}、乙{index}",
                "认证证书编号": f"Q{count}-{index}",
                "认证机构": "CQC",
                "发证日期": "2022-01-01",
                "证书有效期至": "2025-01-01",
                "公约签署日期": "2016-03-01",
            }
        )
        book.active.append([row.get(heading, "") for heading in headings])
    content = io.BytesIO()
    book.save(content)
    with scope({tenant.cooperative.pk}):
        with CaptureQueriesContext(connection) as checking:
            checked = imports.import_check(
                cooperative=tenant.cooperative,
                actor=tenant.admin,
                file_name="rows.xlsx",
                content=content.getvalue(),
            )
        assert checked.is_valid, checked.errors
        with CaptureQueriesContext(connection) as saving:
            imports.import_confirm(member_import=checked, actor=tenant.admin)
    return len(checking), len(saving)


def test_the_queries_do_not_grow_with_the_rows(coop_a, django_assert_num_queries):
    adopt(coop_a)
    few = run_import(coop_a, 5)
    many = run_import(coop_a, 50)
    assert few == many, (few, many)
    # Pinned: the check reads districts, chain links, codes, earlier imports and versions,
    # then saves the report; saving adds one insert per table, the event and the audit record.
    assert few == (7, 14), few
    assert counts(coop_a)["members"] == 56


def test_another_cooperative_cannot_import_into_or_see_the_import(coop_a, coop_b, api, client):
    adopt(coop_a)
    content = filled(api, coop_a, history_rows(coop_a)[:1])
    # Into coop-a with coop-b's administrator: refused; the enterprise and supervisor too.
    assert upload(api, coop_a, content, user=coop_b.admin).status_code in (403, 404)
    assert upload(api, coop_a, content, user=coop_a.enterprise).status_code == 403
    assert api(coop_b.admin).get("/api/v1/coops/coop-a/member-imports/template/").status_code in (
        403,
        404,
    )
    assert (
        api(coop_a.enterprise).get("/api/v1/coops/coop-a/member-imports/template/").status_code
        == 403
    )
    report = upload(api, coop_a, content).json()
    # coop-b's administrator, in its own cooperative's address or coop-a's, finds nothing.
    assert (
        api(coop_b.admin).get(f"/api/v1/coops/coop-b/member-imports/{report['id']}/").status_code
        == 404
    )
    assert confirm(api, coop_b, report["id"], user=coop_b.admin).status_code == 404
    client.force_login(coop_b.admin)
    assert client.get(f"/c/coop-a/imports/{report['id']}/").status_code in (403, 404)
    assert client.get(f"/c/coop-b/imports/{report['id']}/").status_code == 404
    assert client.post(f"/c/coop-b/imports/{report['id']}/").status_code == 404
    assert client.get("/c/coop-a/imports/template.xlsx").status_code in (403, 404)
    with unscoped():
        assert MemberImport.objects.get(pk=report["id"]).status == "checked"
        assert Member.objects.filter(cooperative=coop_b.cooperative).count() == 1
    # Rows of coop-a's file land in coop-a only, even with coop-b's codes.
    row = unit(coop_a, "同码", 统一社会信用代码=coop_b.member.uscc)
    other = upload(api, coop_a, filled(api, coop_a, [row])).json()
    assert other["valid"] is True


# Paper signatures


def paper(api, tenant, member, content=PDF, name="scan.pdf", user=None, **fields):
    data = {
        "signed_on": "2017-05-04",
        "signer_name": "张明",
        "signer_position": "法定代表人",
        "scan": SimpleUploadedFile(name, content),
        **fields,
    }
    return api(user or tenant.admin).post(
        f"/api/v1/coops/{tenant.slug}/members/{member.pk}/paper-signatures/",
        data,
        format="multipart",
    )


def test_staff_record_a_paper_signature_with_its_scan(coop_a, api, client):
    adopt(coop_a)
    response = paper(api, coop_a, coop_a.member)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["on_paper"] is True and body["has_scan"] is True and body["version"] == 1
    with unscoped():
        signature = ConventionSignature.objects.get(member=coop_a.member)
        assert signature.signed_by is None and signature.recorded_by == coop_a.admin
        assert signature.signed_at.date() == date(2017, 5, 4)
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/members/{coop_a.member.pk}/").content.decode()
    scan_url = f"/c/coop-a/members/{coop_a.member.pk}/signatures/{signature.pk}/scan/"
    assert scan_url in page
    scan = client.get(scan_url)
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"
    assert b"".join(scan.streaming_content) == PDF
    # A second signature of the same version is refused; nothing else changes.
    again = paper(api, coop_a, coop_a.member, content=PNG, name="scan.png")
    assert again.status_code == 409


def test_bad_scans_are_refused_by_name_and_write_nothing(coop_a, api):
    adopt(coop_a)
    cases = [
        (b"MZ\x90\x00 not a pdf", "scan.pdf", "不是其名称所示的 PDF"),
        # Its first bytes say PDF, but it does not open as one.
        (b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", "scan.pdf", "其内容都不是这类文件"),
        (PDF, "scan.exe", "请上传 PDF、JPG 或 PNG 格式的扫描件"),
        (PDF + b"0" * (5 * 1024 * 1024), "big.pdf", "扫描件大于 5 MB"),
        (PNG, "scan.jpg", "不是其名称所示的 JPG"),
    ]
    for content, name, message in cases:
        response = paper(api, coop_a, coop_a.member, content=content, name=name)
        assert response.status_code == 400, name
        assert message in str(response.json()["scan"]), response.json()
    future = paper(api, coop_a, coop_a.member, signed_on=(date.today() + timedelta(2)).isoformat())
    assert future.status_code == 400 and "signed_on" in future.json()
    unknown = paper(api, coop_a, coop_a.member, version=7)
    assert unknown.status_code == 400 and "version" in unknown.json()
    with unscoped():
        assert not ConventionSignature.objects.filter(member=coop_a.member).exists()


def test_a_scan_completes_an_imported_paper_signature(coop_a, api):
    adopt(coop_a)
    report = upload(api, coop_a, filled(api, coop_a, history_rows(coop_a)[:1])).json()
    confirm(api, coop_a, report["id"])
    with unscoped():
        member = Member.objects.get(name="海门甲家纺有限公司")
    response = paper(api, coop_a, member, content=PNG, name="scan.png", signed_on="2016-03-01")
    assert response.status_code == 201 and response.json()["has_scan"] is True
    with unscoped():
        assert ConventionSignature.objects.filter(member=member).count() == 1


def test_a_paper_signature_makes_an_approved_unit_active(coop_a, api):
    adopt(coop_a)
    approved = MemberFactory(cooperative=coop_a.cooperative, status="approved", joined_on=None)
    assert paper(api, coop_a, approved).status_code == 201
    with unscoped():
        approved.refresh_from_db()
        assert approved.status == "active"
        assert StepEvent.objects.filter(object_id=approved.pk, step="activate").count() == 1


def test_only_the_cooperatives_administrator_records_a_paper_signature(coop_a, coop_b, api, client):
    adopt(coop_a)
    assert paper(api, coop_a, coop_a.member, user=coop_a.enterprise).status_code == 403
    assert paper(api, coop_a, coop_a.member, user=coop_a.supervisor).status_code == 403
    assert paper(api, coop_a, coop_a.member, user=coop_b.admin).status_code in (403, 404)
    # coop-b's administrator at its own address with coop-a's member: no such member.
    assert paper(api, coop_b, coop_a.member, user=coop_b.admin).status_code == 404
    assert paper(api, coop_a, coop_a.member).status_code == 201
    with unscoped():
        signature = ConventionSignature.objects.get(member=coop_a.member)
    client.force_login(coop_b.admin)
    scan = f"members/{coop_a.member.pk}/signatures/{signature.pk}/scan/"
    assert client.get(f"/c/coop-b/{scan}").status_code == 404
    assert client.get(f"/c/coop-a/{scan}").status_code in (403, 404)
    assert client.get(f"/c/coop-b/members/{coop_a.member.pk}/paper-signature/").status_code == 404


def test_the_paper_signature_page_records_one_and_reports_a_bad_file(coop_a, client):
    adopt(coop_a)
    client.force_login(coop_a.admin)
    url = f"/c/coop-a/members/{coop_a.member.pk}/paper-signature/"
    form = client.get(url).content.decode()
    assert "扫描件" in form and "签署日期" in form
    bad = client.post(
        url,
        {
            "signed_on": "2017-05-04",
            "version": "1",
            "signer_name": "张明",
            "signer_position": "法定代表人",
            "scan": SimpleUploadedFile("scan.pdf", b"not a pdf"),
        },
    )
    assert bad.status_code == 200 and "不是其名称所示的 PDF" in bad.content.decode()
    good = client.post(
        url,
        {
            "signed_on": "2017-05-04",
            "version": "1",
            "signer_name": "张明",
            "signer_position": "法定代表人",
            "scan": SimpleUploadedFile("scan.png", PNG),
        },
        follow=True,
    )
    assert "纸质签署已记录" in good.content.decode()
    with unscoped():
        assert ConventionSignature.objects.get(member=coop_a.member).scan.name.endswith(".png")


@pytest.mark.parametrize("user", ["admin", "enterprise"])
def test_the_import_page_needs_an_administrator(coop_a, client, user):
    client.force_login(getattr(coop_a, user))
    status = client.get("/c/coop-a/imports/template.xlsx").status_code
    assert status == (200 if user == "admin" else 403)
