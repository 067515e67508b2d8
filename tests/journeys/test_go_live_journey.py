"""A cooperative goes live, in Chromium, with its mail through a real SMTP server (aiosmtpd).

A region supervisor onboards the cooperative on /coops/new/ (a taken web name is refused beside
its field first), inviting its administrator. The administrator follows the mailed link, sets a
password and logs in; downloads the member import template, fills in 300 existing units with
their history (active, suspended and exited ones, as a bureau would in a spreadsheet), uploads
and confirms it, finds the units with their history and records a paper signature's scan. Then
the administrator invites an enterprise user for one of the imported units; that person follows
the mailed link, sets a password, logs in and sees the unit's page; the link works once, and a
forgotten password is reset from the login page through the same server.

The key pages are looked at 390 px (a phone) and 1280 px wide (screenshots under
test-artifacts/journeys/go-live/), none scrolls sideways as a whole, and each passes axe-core
and the Content-Security-Policy checks of tests/journeys/conftest.py."""

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from coop.models import Cooperative, StepEvent
from coop.tenancy import unscoped
from members.models import ConventionSignature, Member, QualityPerson
from tests.factories import DistrictFactory, InstitutionFactory, next_uscc
from tests.members.test_import_existing import PDF

JOURNEY = "go-live"
ROWS = 300
SLUG, CODE = "rudong-seafood", "RDHC"
ADMIN = "admin@rudong-seafood.example.cn"
ENTERPRISE = "Zhou@HaiXian.example.cn"  # the portal keeps addresses in lower case
UNIT = "如东历史社员000海产品有限公司"


def looks_right(tab, name):
    """Screenshots of the page at a phone's width and a desktop's, neither scrolling sideways."""
    for width in (390, 1280):
        tab.page.set_viewport_size({"width": width, "height": 900})
        too_wide = tab.page.evaluate(
            "[...document.querySelectorAll('main *')]"
            f".filter(e => e.getBoundingClientRect().right > {width + 1})"
            ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"
        )
        scrolls = tab.page.evaluate("document.documentElement.scrollWidth") > width + 1
        assert not scrolls, f"{tab.page.url} scrolls sideways at {width} px: {too_wide}"
        tab.shot(f"{name}-{width}")
    tab.page.set_viewport_size({"width": 1280, "height": 900})


def log_out(tab):
    account = tab.page.locator("header .account-menu")  # the account's dropdown
    account.locator("summary").click()
    account.get_by_role("button", name="退出登录").click()


def set_password(tab, path, password):
    """Follow a mailed invitation link and choose a password (which logs the person in)."""
    tab.go(path)
    tab.page.locator("#id_password").fill(password)
    tab.page.locator("#id_password_again").fill(password)
    tab.page.locator("main").get_by_role("button", name="设置账号").click()
    assert "/invitation/" not in tab.page.url, tab.page.locator("main").inner_text()


def fill_onboarding(page, district, lab, slug):
    page.fill('input[name="name_zh"]', "如东县海产品质量合作社")
    page.fill('input[name="name_en"]', "Rudong Seafood Quality Cooperative")
    page.fill('input[name="slug"]', slug)
    page.fill('input[name="code"]', CODE)
    page.fill('input[name="industry"]', "海产品加工")
    page.select_option('select[name="district"]', str(district.pk))
    page.fill('textarea[name="founding_units"]', "如东县市场监督管理局\n如东县海产品商会")
    page.check(f'input[name="labs"][value="{lab.pk}"]')
    page.fill('input[name="fund_amount"]', "200000.00")
    page.fill('input[name="fund_source"]', "如东县财政局")
    page.fill('textarea[name="administrators"]', ADMIN)


def fill_template(path, district):
    """The downloaded template with ``ROWS`` units: active, suspended and exited ones, each
    with a chief quality officer, a specialist, an ISO 9001 certificate and a paper signature."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    states = ["在册", "暂停", "已退出"]
    for index in range(ROWS):
        status = states[index % 3]
        row = {
            "名称": f"如东历史社员{index:03d}海产品有限公司",
            "类型": "企业",
            "统一社会信用代码": next_uscc(),
            "法定代表人": f"法人{index}",
            "区县": district,
            "镇（街道）": "掘港街道",
            "规模": "小型",
            "状态": status,
            "入社日期": "2016-03-01",
            "退出日期": "2023-12-31" if status == "已退出" else "",
            "首席质量官": f"质量官{index}",
            "质量专员": f"专员{index}",
            "认证证书编号": f"00119Q3{index:04d}R1M",
            "认证机构": "中国质量认证中心",
            "发证日期": "2022-05-20",
            "证书有效期至": "2025-05-19",
            "公约签署日期": "2016-03-01",
        }
        sheet.append([row.get(heading, "") for heading in headings])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_cooperative_goes_live(coop_a, visit, live_server, settings, smtp_server, tmp_path):
    settings.PORTAL_BASE_URL = live_server.url
    district = DistrictFactory(region=coop_a.cooperative.region, name_zh="如东县")
    lab = InstitutionFactory(name_zh="南通市产品质量监督检验所")

    # 1. The region supervisor onboards the cooperative.
    supervisor = visit(JOURNEY, "supervisor", 1280)
    supervisor.log_in("a-supervisor")
    page = supervisor.go("/staff/")
    page.get_by_role("link", name="组建合作社").click()
    page.wait_for_selector("form.onboarding")
    looks_right(supervisor, "onboarding-form")
    fill_onboarding(page, district, lab, coop_a.slug)  # a taken web name: refused, nothing made
    page.get_by_role("button", name="组建合作社").click()
    page.wait_for_selector(".field.invalid")
    assert "已被其他合作社使用" in page.locator("#id_slug_errors").inner_text()
    looks_right(supervisor, "onboarding-refused")
    assert not Cooperative.objects.filter(code=CODE).exists()
    page.fill('input[name="slug"]', SLUG)
    page.get_by_role("button", name="组建合作社").click()
    page.wait_for_url(f"**/c/{SLUG}/onboarded/")
    text = page.locator("main").inner_text()
    assert "已邀请管理员" in text and ADMIN in text and "已安装定时任务" in text
    assert "已发送，尚未使用" in text  # the invitation's state, in Chinese
    looks_right(supervisor, "onboarded")
    supervisor.close()

    # 2. The administrator's invitation arrives; the link sets a password; the password works.
    admin = visit(JOURNEY, "admin", 1280)
    path = smtp_server.link_to(ADMIN, seconds=20)
    assert f"/c/{SLUG}/" in path
    admin.go(path)
    assert ADMIN in admin.page.content()
    looks_right(admin, "admin-invitation")
    set_password(admin, path, "Rudong-Admin-2026!")
    log_out(admin)
    admin.log_in(ADMIN, "Rudong-Admin-2026!")

    # 3. 300 existing units from the template, with their history.
    page = admin.go(f"/c/{SLUG}/imports/")
    looks_right(admin, "import-upload")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载导入模板（XLSX）").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert load_workbook(template).sheetnames[1] == "列说明"
    filled = tmp_path / "existing-members.xlsx"
    filled.write_bytes(fill_template(template, district.name_zh))
    page.set_input_files('input[name="file"]', str(filled))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_selector(f"text=全部 {ROWS} 行均有效")
    admin.shot("import-report-1280")
    page.get_by_role("button", name="导入").click()
    page.wait_for_url(f"**/c/{SLUG}/members/")
    assert f"已导入 {ROWS} 个社员单位" in page.locator("main").inner_text()
    looks_right(admin, "imported")
    with unscoped():
        imported = Member.objects.filter(cooperative__slug=SLUG)
        assert imported.count() == ROWS
        assert imported.filter(status="active").count() == ROWS // 3
        assert imported.filter(status="suspended").count() == ROWS // 3
        assert imported.filter(status="exited", exited_on__isnull=False).count() == ROWS // 3
        assert QualityPerson.objects.filter(member__in=imported).count() == 2 * ROWS
        assert ConventionSignature.objects.filter(member__in=imported, on_paper=True).count()
        events = StepEvent.objects.filter(object_id__in=imported.values("pk"), workflow="member")
        assert events.count() == ROWS
        assert set(events.values_list("step", flat=True)) == {"import"}
        unit = imported.get(name=UNIT)
    page = admin.go(f"/c/{SLUG}/members/{unit.pk}/")
    text = page.locator("main").inner_text()
    assert "在册" in text and "连同历史记录导入" in text and "质量官0" in text
    looks_right(admin, "member")
    # A scan for the imported paper signature, from the member's page.
    page.get_by_role("link", name="登记纸质签署").click()
    scan = Path(tmp_path / "signature.pdf")
    scan.write_bytes(PDF)
    page.fill('input[name="signed_on"]', "2016-03-01")
    page.fill('input[name="signer_name"]', "法人0")
    page.fill('input[name="signer_position"]', "法定代表人")
    page.set_input_files('input[name="scan"]', str(scan))
    page.get_by_role("button", name="登记签署").click()
    page.wait_for_url(f"**/c/{SLUG}/members/{unit.pk}/")
    assert page.get_by_role("link", name="扫描件").count() == 1

    # 4. An enterprise user for one of the imported units.
    page = admin.go(f"/c/{SLUG}/accounts/")
    page.locator("#id_email").fill(ENTERPRISE)
    page.locator("#id_role").select_option("enterprise")
    page.locator("#id_member").select_option(str(unit.pk))
    page.get_by_role("button", name="发送邀请").click()
    assert f"邀请将发往 {ENTERPRISE.lower()}" in page.content()
    looks_right(admin, "accounts")
    admin.close()

    enterprise = visit(JOURNEY, "enterprise", 390)
    path = smtp_server.link_to(ENTERPRISE, seconds=20)
    enterprise.go(path)
    assert ENTERPRISE.lower() in enterprise.page.content()
    looks_right(enterprise, "enterprise-invitation")
    set_password(enterprise, path, "Quality-2026!")
    log_out(enterprise)
    enterprise.log_in(ENTERPRISE.lower(), "Quality-2026!")
    enterprise.go(f"/c/{SLUG}/profile/")
    assert UNIT in enterprise.page.locator("main").inner_text()
    looks_right(enterprise, "unit")
    log_out(enterprise)

    # The link works once.
    enterprise.go(path)
    assert "这个链接已失效" in enterprise.page.content()
    enterprise.shot("used-link-390")

    # Forgot the password: reset it from the login page, through the same server.
    enterprise.go("/accounts/login/")
    # The reset form's count per address lives in the shared cache: start this address at zero,
    # whatever other tests asked from 127.0.0.1 before.
    cache.delete("throttle:password-reset:127.0.0.1")
    enterprise.page.get_by_role("link", name="忘记密码？").click()
    enterprise.page.locator("#id_email").fill(ENTERPRISE.lower())
    enterprise.page.get_by_role("button", name="发送链接").click()
    assert "请查看邮箱" in enterprise.page.content()
    reset = smtp_server.link_to(ENTERPRISE, seconds=20)
    assert "/accounts/password/reset/" in reset
    enterprise.go(reset)
    enterprise.shot("reset-form-390")
    enterprise.page.locator("#id_new_password1").fill("Another-2026!pass")
    enterprise.page.locator("#id_new_password2").fill("Another-2026!pass")
    enterprise.page.get_by_role("button", name="设置新密码").click()
    assert "新密码已生效" in enterprise.page.content()
    enterprise.log_in(ENTERPRISE.lower(), "Another-2026!pass")
