"""Every list page at a phone's width (390 px), as each demo user sees it: no page scrolls
sideways, no name stacks one character a line (the lists become cards, ``table.phone-cards`` in
portal.css), and the header keeps to one line (the brand and one menu). A cooperative's staff
find their grouped menu in the header of their pages, not under the public page. Screenshots
go to test-artifacts/journeys/phones/."""

import pytest
from django.core.management import call_command

from coop.tenancy import scope, unscoped
from credit.services import complaints
from members.models import Member
from supervision.demo import DEMO_PASSWORD

COOP = "/c/haimen-hometextile"
# Who opens which list (each with rows in the demo data).
PAGES = {
    "public": ["/", "/standards/", "/commitments/", f"{COOP}/directory/", f"{COOP}/credit/"],
    "haimen-admin": [
        f"{COOP}/members/",
        f"{COOP}/tests/?state=all",
        f"{COOP}/complaints/",
        f"{COOP}/grades/",
        f"{COOP}/commitments/",
        "/commitments/",
    ],
    # The region supervisor's home lists its cooperatives as cards.
    "bureau": ["/staff/", f"{COOP}/tests/?state=all", f"{COOP}/members/", "/standards/"],
    "lab": ["/lab/?state=all"],
    "enterprise": [f"{COOP}/tests/?state=all", f"{COOP}/directory/"],
}

# What a person notices without reading. Overflow: the page is wider than the window. Stacked:
# a text of four or more CJK characters in a box under two em wide and four lines or more high
# (the one-character-a-line columns the issue saw), or one with about a line for every other
# character (look.py's measure); measured on the elements holding the text.
MEASURE = """() => {
  const stacked = [...document.querySelectorAll('td, th, dd, dt, li, a, span, p, h1, h2, h3')]
    .filter(e => {
      if (!e.offsetParent) return false;
      const text = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
      if ((text.match(/[\\u4e00-\\u9fff]/g) || []).length < 4) return false;
      const style = getComputedStyle(e), box = e.getBoundingClientRect();
      const em = parseFloat(style.fontSize);
      const line = parseFloat(style.lineHeight) || em * 1.2;
      if (box.width < 2 * em && box.height >= 4 * line) return true;
      // Or, as /work/shared/tools/look.py counts it, about a line for every other character.
      const range = document.createRange();
      range.selectNodeContents(e);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
      return lines >= 3 && lines >= text.trim().length * 0.5;
    })
    .map(e => e.textContent.trim().slice(0, 20));
  const header = document.querySelector('.site-header');
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    stacked,
    header: header.getBoundingClientRect().height,
    cards: document.querySelectorAll('table.phone-cards td[data-label]').length,
  };
}"""


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo", members=8, stdout=open("/dev/null", "w"))
    # The demo has no complaint; the list of them wants one (filed as the public would).
    with unscoped():
        member = Member.objects.filter(
            cooperative__slug="haimen-hometextile", status=Member.Status.ACTIVE
        ).first()
        with scope({member.cooperative_id}):
            complaints.file_complaint(
                member=member, product="纯棉四件套", description="洗后严重褪色，与承诺不符。"
            )


def looks_right(page):
    found = page.evaluate(MEASURE)
    assert found["overflow"] <= 1, f"{page.url} scrolls sideways by {found['overflow']} px"
    assert not found["stacked"], f"{page.url}: one character a line: {found['stacked']}"
    assert found["header"] <= 64, f"{page.url}: the header is {found['header']} px high"
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", list(PAGES))
def test_every_list_fits_a_phone(demo, visit, who):
    tab = visit(f"phones/{who}", who, width=390)  # a folder each: a run clears its own
    if who != "public":
        tab.log_in(who, DEMO_PASSWORD)
    for path in PAGES[who]:
        page = tab.go(path)
        found = looks_right(page)
        if path != "/":  # the home page lists cooperatives as cards already
            assert found["cards"], f"{path}: no list with rows to see as cards"
        tab.shot(path.strip("/").replace("/", "-").split("?")[0] or "home")


@pytest.mark.django_db(transaction=True)
def test_the_staff_menu_is_in_the_header_of_staff_pages(demo, visit):
    phone = visit("phones/menu-phone", "haimen-admin", width=390)
    phone.log_in("haimen-admin", DEMO_PASSWORD)
    page = phone.go(f"{COOP}/complaints/")
    menu = page.locator(".phone-menu")
    assert not menu.get_by_role("link", name="信用等级").is_visible()  # closed: one line
    menu.locator("summary").click()
    for name in ("社员单位", "检测基金", "信用等级", "年度报告", "账号", "修改密码", "接口文档"):
        assert menu.get_by_role("link", name=name, exact=True).is_visible(), name
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    phone.shot("menu-open")

    desktop = visit("phones/menu-desktop", "haimen-admin", width=1280)
    desktop.log_in("haimen-admin", DEMO_PASSWORD)
    page = desktop.go(f"{COOP}/tests/")
    staff = page.locator("nav.staff-menu")
    assert staff.is_visible()
    assert staff.locator("summary.current").inner_text().startswith("检测")
    staff.locator("summary", has_text="信用").click()
    page.get_by_role("link", name="投诉", exact=True).click()
    assert page.url.endswith(f"{COOP}/complaints/")
    crumbs = page.locator("nav.breadcrumbs")
    assert crumbs.locator("li").all_inner_texts() == ["海门区家纺质量合作社", "信用", "投诉"]
    desktop.shot("staff-menu")
    # The public page keeps public content: no staff menu, one link to the staff's pages.
    page = desktop.go(f"{COOP}/")
    assert not page.locator("nav.staff-menu").count()
    assert page.locator("main").get_by_role("link", name="工作台：管理本合作社").count() == 1
    assert not page.locator("main").get_by_role("link", name="执法监管").count()
    # The API itself only for those holding a token; its documentation for everyone.
    account = page.locator(".account-menu")
    account.locator("summary").click()
    assert account.get_by_role("link", name="接口文档").is_visible()
    assert not account.get_by_role("link", name="接口", exact=True).count()
