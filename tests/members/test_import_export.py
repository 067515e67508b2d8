import io

from openpyxl import Workbook, load_workbook

from coop.tenancy import unscoped
from members.models import Member, MemberImport
from tests.factories import MemberFactory, next_uscc

HEADINGS = "名称,类型,统一社会信用代码,登记注册号,区县,镇（街道）,规模,产业链环节"
IMPORTS = "/api/v1/coops/coop-a/member-imports/"


def csv_file(tenant, *rows):
    district = tenant.cooperative.district.name_zh
    text = "\n".join([HEADINGS, *[row.replace("{district}", district) for row in rows]])
    return io.BytesIO(text.encode("utf-8")), "members.csv"


def upload(api, tenant, content, name):
    content.name = name
    return api(tenant.admin).post(
        f"/api/v1/coops/{tenant.slug}/member-imports/", {"file": content}, format="multipart"
    )


def test_a_dry_run_reports_every_rows_errors_and_saves_nothing(coop_a, api):
    good, twice = next_uscc(), next_uscc()
    content, name = csv_file(
        coop_a,
        f"南通甲家纺有限公司,企业,{good},,{{district}},三厂街道,小型,成品",
        "南通乙家纺有限公司,企业,91350100M000100Y44,,{district},三厂街道,微型,成品",
        f"南通丙家纺有限公司,企业,{twice},,{{district}},三厂街道,微型,成品",
        f"南通丁家纺有限公司,企业,{twice},,{{district}},三厂街道,微型,成品",
        f"南通戊家纺有限公司,企业,{coop_a.member.uscc},,{{district}},三厂街道,微型,成品",
        f"南通己家纺有限公司,企业,{next_uscc()},,火星区,三厂街道,微型,成品",
        f",企业,{next_uscc()},,{{district}},三厂街道,巨型,成品",
        ",个体工商户,,,{district},三厂街道,微型,成品",
    )
    report = upload(api, coop_a, content, name).json()
    errors = report["errors"]
    assert report["valid"] is False and errors[0] == []
    assert "校验码（第 18 位）应为“3”" in errors[1][0]
    assert errors[2] == [] and "与本文件第 4 行的代码重复" in errors[3][0]
    assert "本合作社已有使用该统一社会信用代码" in errors[4][0]
    assert "“火星区”不是合作社服务的区县" in errors[5][0]
    assert any("规模" in e and "巨型" in e for e in errors[6])
    assert any(e.startswith("名称") for e in errors[6])
    assert any("登记注册号" in e for e in errors[7])
    with unscoped():
        assert Member.objects.filter(cooperative=coop_a.cooperative).count() == 1
    confirm = api(coop_a.admin).post(f"{IMPORTS}{report['id']}/confirm/")
    assert confirm.status_code == 409 and "未导入任何数据" in confirm.json()["detail"]
    with unscoped():
        assert Member.objects.filter(cooperative=coop_a.cooperative).count() == 1


def test_a_valid_xlsx_is_saved_whole_once_confirmed(coop_a, api):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS.split(","))
    district = coop_a.cooperative.district.name_zh
    for index in range(3):
        sheet.append(
            [
                f"南通{index}号家纺有限公司",
                "企业",
                next_uscc(),
                "",
                district,
                "常乐镇",
                "小型",
                "原料",
            ]
        )
    sheet.append(
        ["海门某布艺经营部", "个体工商户", "", "320684600123456", district, "常乐镇", "", ""]
    )
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    report = upload(api, coop_a, content, "members.xlsx").json()
    assert report["valid"] is True, report["errors"]
    confirmed = api(coop_a.admin).post(f"{IMPORTS}{report['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "imported"
    with unscoped():
        imported = Member.objects.filter(cooperative=coop_a.cooperative, town="常乐镇")
        assert imported.count() == 4
        assert set(imported.values_list("status", flat=True)) == {"applied"}
        assert imported.get(kind="individual_household").registration_number == "320684600123456"
    again = api(coop_a.admin).post(f"{IMPORTS}{report['id']}/confirm/")
    assert again.status_code == 409 and "已经导入" in again.json()["detail"]


def test_confirmation_checks_again_and_saves_nothing_if_a_row_went_bad(coop_a, api):
    clash = next_uscc()
    content, name = csv_file(
        coop_a,
        f"南通甲家纺有限公司,企业,{next_uscc()},,{{district}},三厂街道,小型,成品",
        f"南通乙家纺有限公司,企业,{clash},,{{district}},三厂街道,小型,成品",
    )
    report = upload(api, coop_a, content, name).json()
    assert report["valid"] is True
    MemberFactory(cooperative=coop_a.cooperative, uscc=clash)  # entered meanwhile
    assert api(coop_a.admin).post(f"{IMPORTS}{report['id']}/confirm/").status_code == 409
    with unscoped():
        assert Member.objects.filter(cooperative=coop_a.cooperative).count() == 2
        assert MemberImport.objects.get().errors[1]


def test_a_file_that_is_not_a_table_is_refused_by_name(coop_a, api):
    response = upload(api, coop_a, io.BytesIO(b"hello"), "members.pdf")
    assert response.status_code == 400 and "请上传 .xlsx 或 .csv 文件" in str(response.json())
    headless = upload(api, coop_a, io.BytesIO("名称\n甲".encode()), "m.csv")
    assert "文件缺少以下列：区县" in str(headless.json())


def test_only_an_administrator_imports_and_only_into_its_cooperative(coop_a, coop_b, api):
    content, name = csv_file(coop_a, f"南通甲,企业,{next_uscc()},,{{district}},三厂街道,小型,成品")
    content.name = name
    assert (
        api(coop_a.supervisor).post(IMPORTS, {"file": content}, format="multipart").status_code
        == 403
    )
    report = upload(
        api, coop_a, *csv_file(coop_a, f"南通甲,企业,{next_uscc()},,{{district}},x,,")
    ).json()
    assert (
        api(coop_b.admin)
        .post(f"/api/v1/coops/coop-b/member-imports/{report['id']}/confirm/")
        .status_code
        == 404
    )
    assert api(coop_b.admin).get(f"{IMPORTS}{report['id']}/").status_code == 404


def test_the_import_pages_show_the_report_and_import_on_confirmation(coop_a, client):
    client.force_login(coop_a.admin)
    content, _name = csv_file(
        coop_a, f"南通甲家纺有限公司,企业,{next_uscc()},,{{district}},三厂街道,小型,成品"
    )
    content.name = "members.csv"
    report = client.post("/c/coop-a/imports/", {"file": content}, follow=True)
    assert "全部 1 行均有效" in report.content.decode()
    done = client.post(report.redirect_chain[-1][0], follow=True).content.decode()
    assert "已导入 1 个社员单位" in done


def test_the_filtered_list_exports_to_xlsx_that_imports_again(coop_a, api, client):
    MemberFactory(cooperative=coop_a.cooperative, name="南通常乐家纺有限公司", town="常乐镇")
    MemberFactory(cooperative=coop_a.cooperative, status="suspended")
    client.force_login(coop_a.admin)
    content = client.get("/c/coop-a/members/export.xlsx?town=常乐镇").getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "类型", "统一社会信用代码")
    assert [row[0] for row in rows[1:]] == ["南通常乐家纺有限公司"]
    with unscoped():
        Member.objects.filter(name="南通常乐家纺有限公司").delete()
    exported = io.BytesIO(content)
    assert upload(api, coop_a, exported, "again.xlsx").json()["valid"] is True


def test_the_export_is_for_staff_of_the_cooperative(coop_a, coop_b, client):
    client.force_login(coop_a.enterprise)
    assert client.get("/c/coop-a/members/export.xlsx").status_code == 403
    client.force_login(coop_b.admin)
    assert client.get("/c/coop-a/members/export.xlsx").status_code == 404
