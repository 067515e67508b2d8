"""Issue 16's question on a phone (390 px): from the home page to "is this company's 被芯
trustworthy?" in two steps: the search box on the home page, then the unit's card, which
shows the grade and the failed 被芯 with its indicator and leads to the unit's public page.
No page scrolls sideways. Screenshots go to test-artifacts/journeys/public-search/."""

import pytest

from tests.supervision.test_public_search import commit, failed_quilt, grade

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.django_db(transaction=True)
def test_a_phone_reaches_the_company_and_its_failed_quilt_in_two_steps(visit, coop_a):
    member = coop_a.member
    commit(member)
    grade(member, "C")
    failed_quilt(coop_a, member)
    tab = visit("public-search", "public", width=390)
    page = tab.go("/")
    box = page.get_by_role("searchbox")
    assert box.is_visible() and box.bounding_box()["y"] < 300  # at the top, no scrolling
    assert page.evaluate(SIDEWAYS) <= 0
    tab.shot("home")

    box.fill("被芯")  # step one: the product, as a consumer would type it
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")
    card = page.locator(".search-card").filter(has_text=member.name)
    assert card.count() == 1
    text = card.inner_text()
    assert "C" in text and "信用较差" in text and "AAA › AA › A › B › C › D" in text
    assert "被芯" in text and "不合格" in text and "甲醛含量" in text
    assert page.evaluate(SIDEWAYS) <= 0
    tab.shot("results")

    card.get_by_role("link", name=member.name).click()  # step two: the unit's public page
    page.wait_for_url(f"**/c/coop-a/directory/{member.pk}/")
    assert member.name in page.locator("h1").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0
    tab.shot("member-page")

    tab.go("/search/?q=没有这个企业")
    assert "四件套" in page.locator(".search-empty").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0
    tab.shot("nothing-found")
