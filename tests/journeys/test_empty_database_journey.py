"""A bureau starts from an empty database, without the demo data, in Chromium with its mail
through a real SMTP server (aiosmtpd) (issue 13).

The operator runs ``manage.py set_up_region`` (region, district, standards catalogue and the
supervisor's account); the supervisor follows the mailed one-time link, chooses a password,
adds a lab on the labs page (reached from the onboarding form's "lab not listed?") and onboards
a cooperative choosing that lab. The administrator invited follows the mailed link, sets a
password, imports an XLSX of existing members built here from the import's template columns,
and sees them active with their history. On the schedules page "run now" of the sampling round
preview is refused first, naming what is missing: the import has no product-category column,
so the imported units give the round no standard. Once a unit has its category (床上用品) the
round finds GB 18401 and "run now" previews a round.

Screenshots of the key pages at 390 and 1280 px go to test-artifacts/journeys/empty-database/."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from coop.models import Cooperative, Region, StepEvent, User
from coop.tenancy import scope, unscoped
from members.models import Member
from members.services.imports import ALL_COLUMNS
from supervision.models import Schedule
from testing_fund.models import SamplingRound
from testing_fund.models import TestingInstitution as Lab
from tests.factories import next_uscc
from tests.journeys.test_go_live_journey import log_out, looks_right, set_password

JOURNEY = "empty-database"
SUPERVISOR, SUPERVISOR_PASSWORD = "gu.ming@amr.rudong.example.cn", "Gu-Ming-2026!"
ADMIN, ADMIN_PASSWORD = "admin@rudong-seafood.example.cn", "Rudong-Admin-2026!"
SLUG, CODE = "rudong-hometextile", "RDJF"
LAB = "如东县产品质量检验所"
UNITS = ["如东锦绣家纺有限公司", "如东海韵床品有限公司", "如东东方毛巾厂"]


def members_xlsx():
    """The members to import, as a bureau types them into a sheet with the template's
    headings: active units with the date they joined and their chief quality officer."""
    book = Workbook()
    sheet = book.active
    headings = dict(ALL_COLUMNS)
    sheet.append(list(headings.values()))
    for index, name in enumerate(UNITS):
        row = {
            "name": name,
            "kind": "企业",
            "uscc": next_uscc(),
            "legal_representative": f"法人{index}",
            "district": "如东县",
            "town": "掘港街道",
            "scale": "小型",
            "main_products": "床上用品",
            "status": "在册",
            "joined_on": f"201{index + 5}-03-01",
            "cqo_name": f"质量官{index}",
        }
        sheet.append([row.get(field, "") for field in headings])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def round_card(page):
    with unscoped():
        row = Schedule.objects.get(cooperative__slug=SLUG, kind=Schedule.Kind.ROUND)
    return page.locator(f"#schedule-{row.pk}")


@pytest.mark.django_db(transaction=True)
def test_a_bureau_starts_from_an_empty_database(
    visit, live_server, settings, smtp_server, tmp_path, eager
):
    settings.PORTAL_BASE_URL = live_server.url
    with unscoped():
        assert not Region.objects.exists() and not Cooperative.objects.exists()
        assert not User.objects.exists() and not Lab.objects.exists()

    # 1. The operator sets up the region at the server's shell.
    out = io.StringIO()
    call_command(
        "set_up_region",
        "--slug=nantong",
        "--division-code=320600",
        "--name-zh=南通市",
        "--name-en=Nantong",
        "--district=320623:如东县:Rudong",
        f"--supervisor={SUPERVISOR}",
        stdout=out,
    )
    link = smtp_server.link_to(SUPERVISOR, seconds=20)
    assert link in out.getvalue() and "mailed" in out.getvalue()

    # 2. The supervisor follows the mailed link and chooses a password.
    supervisor = visit(JOURNEY, "supervisor", 1280)
    supervisor.go(link)
    assert SUPERVISOR in supervisor.page.content()
    looks_right(supervisor, "choose-password")
    supervisor.page.locator("#id_new_password1").fill(SUPERVISOR_PASSWORD)
    supervisor.page.locator("#id_new_password2").fill(SUPERVISOR_PASSWORD)
    supervisor.page.get_by_role("button", name="设置新密码").click()
    assert "新密码已生效" in supervisor.page.content()
    supervisor.go(link)
    assert "这个链接已失效" in supervisor.page.content()  # it worked once
    supervisor.log_in(SUPERVISOR, SUPERVISOR_PASSWORD)

    # 3. The lab is not listed on the onboarding form yet: the supervisor adds it.
    page = supervisor.go("/staff/")
    page.get_by_role("link", name="组建合作社").click()
    page.wait_for_selector("form.onboarding")
    assert "尚未登记任何检测机构" in page.locator("main").inner_text()
    page.get_by_role("link", name="检测机构不在列表中？添加").click()
    page.wait_for_url("**/labs/#add")
    page.fill('input[name="name_zh"]', LAB)
    page.fill('input[name="name_en"]', "Rudong Product Quality Inspection Institute")
    page.fill('input[name="accreditation"]', "CMA 2023-1234")
    page.fill('input[name="contact"]', "0513-84100000")
    page.get_by_role("button", name="添加该检测机构").click()
    page.wait_for_selector("ul.messages, .errors")
    assert f"已添加{LAB}" in page.locator("ul.messages").inner_text()
    assert "CMA 2023-1234" in page.locator("table").inner_text()
    looks_right(supervisor, "labs")
    lab = Lab.objects.get(name_zh=LAB)

    # 4. The supervisor onboards the cooperative, choosing that lab.
    page = supervisor.go("/coops/new/")
    page.fill('input[name="name_zh"]', "如东县家纺质量合作社")
    page.fill('input[name="slug"]', SLUG)
    page.fill('input[name="code"]', CODE)
    page.fill('input[name="industry"]', "家用纺织品")
    page.select_option('select[name="district"]', label="如东县")
    page.check(f'input[name="labs"][value="{lab.pk}"]')
    page.fill('input[name="fund_amount"]', "200000.00")
    page.fill('input[name="fund_source"]', "如东县财政局")
    page.fill('textarea[name="administrators"]', ADMIN)
    page.get_by_role("button", name="组建合作社").click()
    page.wait_for_url(f"**/c/{SLUG}/onboarded/")
    assert LAB in page.locator("main").inner_text()
    supervisor.go("/labs/")
    assert "如东县家纺质量合作社" in supervisor.page.locator("table").inner_text()
    supervisor.close()

    # 5. The administrator sets a password from the invitation and imports the members.
    admin = visit(JOURNEY, "admin", 1280)
    path = smtp_server.link_to(ADMIN, seconds=20)
    set_password(admin, path, ADMIN_PASSWORD)
    log_out(admin)
    admin.log_in(ADMIN, ADMIN_PASSWORD)
    page = admin.go(f"/c/{SLUG}/imports/")
    filled = tmp_path / "members.xlsx"
    filled.write_bytes(members_xlsx())
    page.set_input_files('input[name="file"]', str(filled))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_selector("main table, main .errors")
    assert f"全部 {len(UNITS)} 行均有效" in page.locator("main").inner_text(), page.locator(
        "main"
    ).inner_text()
    page.get_by_role("button", name="导入").click()
    page.wait_for_url(f"**/c/{SLUG}/members/")
    assert f"已导入 {len(UNITS)} 个社员单位" in page.locator("main").inner_text()
    with unscoped():
        imported = Member.objects.filter(cooperative__slug=SLUG)
        assert sorted(imported.values_list("name", "status")) == sorted(
            (name, "active") for name in UNITS
        )
        assert set(
            StepEvent.objects.filter(
                workflow="member", object_id__in=imported.values("pk")
            ).values_list("step", flat=True)
        ) == {"import"}
        unit = imported.get(name=UNITS[0])
    page = admin.go(f"/c/{SLUG}/members/{unit.pk}/")
    text = page.locator("main").inner_text()
    assert "在册" in text and "连同历史记录导入" in text and "质量官0" in text
    assert "2015-03-01" in text
    looks_right(admin, "member")

    # 6. The schedules: the round preview waits for a standard. The import has no product
    # category column, so no imported unit gives the round one, and "run now" says so.
    page = admin.go(f"/c/{SLUG}/schedules/")
    card = round_card(page)
    assert "等待检测机构和标准" in card.inner_text()
    card.get_by_role("button", name="立即运行").click()
    refusal = page.locator("main").inner_text()
    assert "标准" in refusal
    looks_right(admin, "schedules-waiting")
    with unscoped():
        assert not SamplingRound.objects.filter(cooperative__slug=SLUG).exists()

    # The unit's product category (bedding), on its page: GB 18401 covers it.
    page = admin.go(f"/c/{SLUG}/members/{unit.pk}/edit/")
    page.get_by_label("床上用品").check()
    page.locator("main form").get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/c/{SLUG}/members/{unit.pk}/")

    page = admin.go(f"/c/{SLUG}/schedules/")
    round_card(page).get_by_role("button", name="立即运行").click()
    page.wait_for_url(f"**/c/{SLUG}/schedules/**")
    card = round_card(page)
    assert "成功" in card.inner_text(), card.inner_text()
    looks_right(admin, "schedules-ran")
    with scope({Cooperative.objects.get(slug=SLUG).pk}):
        made = SamplingRound.objects.get()
    assert made.status == "preview"
    assert made.standard.code == "GB 18401-2010" and made.lab_id == lab.pk
    card.get_by_role("link").first.click()
    page.wait_for_url(f"**/c/{SLUG}/rounds/{made.pk}/**")
    admin.shot("round-1280")
