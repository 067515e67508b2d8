"""The three kinds of users doing their work in a real browser, from start to end."""

import re
from datetime import date, timedelta

import pytest

from coop.tenancy import scope, unscoped
from credit.models import Complaint
from credit.services import commitments, grading
from members.models import Member
from tests.catalogue_entries import declarable_standards
from tests.credit.test_complaints import PNG
from tests.factories import next_uscc
from tests.journeys.conftest import wait_for


def mailed_link(address, seconds=30):
    """The path of the link in the newest mail to ``address``, once a worker has sent it."""
    import time

    from django.core import mail

    deadline = time.monotonic() + seconds
    while not any(address in message.to for message in mail.outbox):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.2)
    body = [m for m in mail.outbox if address in m.to][-1].body
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def step(page, name):
    """Press the button of a step on a record's page."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.celery_worker
def test_an_enterprise_joins(coop_a, convention, visit, worker):
    public = visit("enterprise-joins", "public")
    page = public.go("/c/coop-a/")
    public.shot("cooperative")
    page.get_by_role("link", name="申请入社").click()
    page.locator("#id_name").fill("南通新锦家纺有限公司")
    page.locator("#id_uscc").fill(next_uscc())
    page.locator("#id_district").select_option(str(coop_a.cooperative.district_id))
    page.locator("#id_town").fill("三厂街道")
    page.locator("#id_main_products").fill("四件套")
    page.locator("#id_contact_email").fill("chen@xinjin.example.cn")
    public.shot("application")
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_role("heading", name="申请已收到").is_visible()
    public.shot("applied")
    # The worker mails the link that sets up the account; its login name is the address.
    link = mailed_link("chen@xinjin.example.cn")
    page = public.go(link)
    page.locator("#id_password").fill("xinjin-pass-2026")
    page.locator("#id_password_again").fill("xinjin-pass-2026")
    public.shot("account")
    page.get_by_role("button", name="设置账号").click()
    assert "/c/coop-a/profile/" in page.url

    admin = visit("enterprise-joins", "admin")
    admin.log_in(coop_a.admin.username)
    page = admin.go("/c/coop-a/members/?status=applied")
    page.get_by_role("link", name="南通新锦家纺有限公司").click()
    step(page, "开始审核")
    step(page, "批准")
    assert page.get_by_text("已批准", exact=True).first.is_visible()
    admin.shot("approved")

    enterprise = visit("enterprise-joins", "enterprise")
    enterprise.log_in("chen@xinjin.example.cn", "xinjin-pass-2026")
    page = enterprise.go("/c/coop-a/profile/")
    page.locator("#id_signer_name").fill("陈新")
    page.locator("#id_signer_position").fill("总经理")
    page.get_by_role("button", name="签署公约").click()
    wait_for(page, lambda p: p.locator("#documents li a").count() > 0)
    enterprise.shot("signed")
    with page.expect_download() as download:
        page.locator("#documents li a").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.get_by_role("link", name="公开验证").first.click()
    assert "有效" in page.locator(".verdict").inner_text()
    enterprise.shot("verified")
    with unscoped():
        assert Member.objects.get(name="南通新锦家纺有限公司").status == "active"


@pytest.mark.celery_worker
def test_a_free_test_and_its_free_reinspection(coop_a, priced, visit, worker):
    enterprise = visit("free-test", "enterprise")
    enterprise.log_in(coop_a.enterprise.username)
    page = enterprise.go("/c/coop-a/profile/")
    page.get_by_role("link", name="申请免费检测").click()
    standard = page.locator("#id_standard option", has_text="GB 18401-2010").get_attribute("value")
    page.locator("#id_standard").select_option(standard)
    page.get_by_role("button", name="下一步").click()
    page.locator("#id_product").fill("四件套")
    page.locator("#id_safety_category").select_option("B")
    page.locator("#id_lab").select_option(str(coop_a.lab.institution_id))
    for name in ("甲醛含量", "pH值", "异味"):
        page.get_by_label(name, exact=True).check()
    enterprise.shot("request")
    page.get_by_role("button", name="提交申请").click()
    batch_page = page.url
    assert "已申请" in page.locator("h1").inner_text()
    enterprise.shot("requested")

    admin = visit("free-test", "admin")
    admin.log_in(coop_a.admin.username)
    page = admin.go("/c/coop-a/tests/?status=requested")
    page.get_by_role("link", name="四件套").click()
    step(page, "批准")
    page.get_by_label("封样编号").fill("FY-2026-001")
    page.get_by_label("抽样人员").fill("王建华、李明")
    page.get_by_label("抽样地点").fill("成品仓库")
    step(page, "登记抽样")
    admin.shot("sampled")

    lab = visit("free-test", "lab")
    lab.log_in(coop_a.lab.username)
    page = lab.go("/lab/")
    lab.shot("worklist")
    page.get_by_role("link", name="四件套").click()
    step(page, "接收样品")
    page.get_by_label(re.compile("^甲醛含量")).fill("96")
    page.get_by_label(re.compile("^pH值")).fill("6.5")
    page.get_by_label(re.compile("^异味")).fill("none")
    step(page, "保存检测结果")
    lab.shot("results")

    page = admin.go(batch_page.replace(admin.base, ""))
    step(page, "审核结果")
    step(page, "出具报告")
    admin.shot("reported")

    page = enterprise.go(batch_page.replace(enterprise.base, ""))
    wait_for(page, lambda p: p.get_by_role("link", name=re.compile("下载检测报告")).count() > 0)
    assert "不合格" in page.locator("h1").inner_text()
    enterprise.shot("verdict")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载检测报告")).click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    page = admin.go(batch_page.replace(admin.base, ""))
    page.get_by_label("通知内容").fill("甲醛含量超标，请排查助剂并整改。")
    page.get_by_label("整改期限").fill((date.today() + timedelta(days=30)).isoformat())
    step(page, "发送整改通知")
    page = enterprise.go(batch_page.replace(enterprise.base, ""))
    page.get_by_label("整改情况").fill("已更换助剂供应商，库存产品下架。")
    step(page, "提交整改回复")
    enterprise.shot("rectified")
    page = admin.go(batch_page.replace(admin.base, ""))
    step(page, "安排复检")
    assert "复检" in page.locator("dl").inner_text() and "免费复检" in page.content()
    admin.shot("free-reinspection")


@pytest.mark.celery_worker
def test_the_public_looks_up_a_member_and_complains(coop_a, visit, worker):
    member = coop_a.member
    today = date.today()
    declarable_standards()  # the commitment's standards are the catalogue's
    with scope({coop_a.cooperative.pk}):
        commitment = commitments.draft(
            member=member,
            actor=coop_a.admin,
            products="四件套、被芯",
            standards="GB 18401-2010",
            guarantees="七天无理由退货；质量问题包换。",
            valid_from=today,
            valid_until=today + timedelta(days=365),
        )
        commitments.submit(commitment=commitment, actor=coop_a.enterprise)
        commitments.publish(commitment=commitment, actor=coop_a.admin)  # a worker issues it
        grading.grade_members(cooperative_id=coop_a.cooperative.pk)

    visitor = visit("public", "visitor")
    page = visitor.go("/")
    page.get_by_role("link", name="质量承诺公示").first.click()
    page.locator("main").get_by_label("搜索").fill("被芯")
    page.locator("main").get_by_role("button", name="搜索").click()
    wait_for(page, lambda p: p.get_by_role("link", name=re.compile(r"^TC\d+-")).count() > 0)
    visitor.shot("registry")
    page.get_by_role("link", name=member.name).click()
    assert page.locator(".grade").first.is_visible()
    assert page.get_by_role("cell", name="抽检合格率").is_visible()
    visitor.shot("member-page")
    page.get_by_role("link", name="投诉该成员的产品").click()
    page.locator("#id_product").fill("被芯")
    page.locator("#id_description").fill("新买的被芯有刺鼻气味。")
    page.locator("#id_evidence").set_input_files(
        files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("#id_contact").fill("13800001111")
    visitor.shot("complaint")
    page.get_by_role("button", name="提交投诉").click()
    code = page.locator("strong.code").inner_text()
    assert code.startswith("TS")
    visitor.shot("complaint-filed")
    # Filed, the browser is on the complaint's tracking page: a reload files nothing more.
    assert f"/complaints/track/?code={code}" in page.url
    assert "已收到，待甄别" in page.locator("dl").inner_text()
    page.reload()
    assert "已收到，待甄别" in page.locator("dl").inner_text()
    with unscoped():
        assert Complaint.objects.filter(member=member).count() == 1
    assert "13800001111" not in page.content()
    visitor.shot("tracking")


PHONE_PAGES = {
    "public": [
        "/",
        "/c/coop-a/",
        "/c/coop-a/directory/",
        "/commitments/",
        "/complaints/track/",
        "/c/coop-a/apply/",
        "/accounts/login/",
        "/standards/",
    ],
    "enterprise": ["/c/coop-a/profile/", "/c/coop-a/tests/", "/c/coop-a/commitments/"],
    "admin": ["/c/coop-a/members/", "/c/coop-a/tests/", "/dashboard/"],
}


def test_the_main_pages_fit_a_phone(coop_a, visit):
    """At a phone's width (390 px) no page scrolls sideways; wide tables scroll in their box."""
    member_page = f"/c/coop-a/directory/{coop_a.member.pk}/"
    for who, paths in PHONE_PAGES.items():
        tab = visit("phone", who, width=390)
        if who != "public":
            tab.log_in(coop_a.users()[who].username)
        for path in paths + ([member_page] if who == "public" else []):
            page = tab.go(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide for {who}"
        tab.shot(who)
