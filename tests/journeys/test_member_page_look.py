"""A member's public page as a consumer sees it on a phone (390 × 844): above the fold, the
grade with its meaning and the scale, and the failed 被芯 with its indicator; nothing scrolls
sideways; the report's verification opens from it. In Chinese and in English, at 390 px and
1280 px. Screenshots go to test-artifacts/journeys/member-page/."""

import pytest

from tests.credit import test_public_member_page as member_page
from tests.credit.test_public_member_page import SAFETY, committed, graded, reported, standing

lab_ready = member_page.lab_ready  # the fixture

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
FOLD = 844  # a phone's screen height


def above_the_fold(locator):
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= FOLD


@pytest.mark.django_db(transaction=True)
def test_a_phone_sees_the_grade_and_the_failed_quilt_first(visit, coop_a, lab_ready):
    _batch, report = reported(coop_a, lab_ready, "被芯", SAFETY)
    reported(coop_a, lab_ready, "四件套", {**SAFETY, "formaldehyde": "20"})
    committed(coop_a)
    standing(coop_a)
    grade = graded(coop_a)
    path = f"/c/coop-a/directory/{coop_a.member.pk}/"

    tab = visit("member-page", "public", width=390)
    page = tab.go(path)
    letter = page.locator(".grade-big")
    assert letter.inner_text() == grade.grade and above_the_fold(letter)
    assert above_the_fold(page.locator(".scale-strip li.held"))
    quilt = page.locator(".result").filter(has_text="被芯")
    assert "不合格" in quilt.inner_text()
    failed = quilt.locator(".failed li")
    assert failed.inner_text() == "甲醛含量：实测 96 mg/kg，要求 ≤ 75 mg/kg（B类）"
    assert above_the_fold(failed)
    assert page.evaluate(SIDEWAYS) <= 0
    tab.shot("phone-zh")
    page.get_by_text("各等级的含义").click()  # the meaning of every grade, one tap away
    assert page.locator(".scale li").count() == 6
    assert page.evaluate(SIDEWAYS) <= 0
    quilt.get_by_role("link", name=f"验证报告 {report.number}").click()
    page.wait_for_url(f"**/verify/{report.code}/")
    assert "不合格" in page.locator("main").inner_text()
    tab.shot("verification")

    english = visit("member-page", "public-en", width=390)
    page = english.go(path)
    # The language switch, in the phone's menu.
    page.get_by_text("菜单", exact=True).click()
    page.locator('button[name="language"][value="en"]:visible').click()
    page.wait_for_load_state()
    assert "Latest test results by product" in page.locator("main").inner_text()
    assert above_the_fold(page.locator(".result-fail .failed li"))
    assert page.evaluate(SIDEWAYS) <= 0
    english.shot("phone-en")

    wide = visit("member-page", "public-wide", width=1280)
    page = wide.go(path)
    assert page.evaluate(SIDEWAYS) <= 0
    assert above_the_fold(page.locator(".result-fail .failed li"))
    wide.shot("desktop-zh")
