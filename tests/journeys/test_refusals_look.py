"""A refusal looks like one in Chromium (issue 14.3): red, beside the form of the step refused,
and a step that cannot be undone drawn apart from the everyday ones. At a phone's width (390 px)
and a desktop's (1280 px); screenshots to /tmp/refusals-look-<width>.png."""

import pytest

from coop.tenancy import unscoped
from members.models import Member

REFUSAL_RED = "rgb(251, 233, 231)"  # .step-refusal and .messages li.error in portal.css
SUCCESS_GREEN = "rgb(227, 243, 232)"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_a_refusal_is_red_and_beside_its_form(coop_a, visit, width):
    tab = visit("refusals-look", f"admin-{width}", width)
    tab.log_in(coop_a.admin.username)
    page = tab.go(f"/c/coop-a/members/{coop_a.member.pk}/")
    suspend = page.locator(f'form[action$="/members/{coop_a.member.pk}/suspend/"]')
    # Drawn as a step that cannot be undone: an outlined button, not the everyday filled red.
    assert suspend.locator("button").evaluate("b => getComputedStyle(b).backgroundColor") == (
        "rgb(255, 255, 255)"
    )
    suspend.locator('textarea[name="reason"]').fill("抽检不合格")
    # As a browser that ignores ``required`` would post it: the server still asks.
    suspend.locator('input[name="confirm"]').evaluate("box => box.removeAttribute('required')")
    suspend.get_by_role("button").click()
    page.wait_for_load_state()
    beside = page.locator(f'form[action$="/members/{coop_a.member.pk}/suspend/"] [role=alert]')
    assert beside.count() == 1 and "未通过：" in beside.inner_text()
    assert beside.evaluate("e => getComputedStyle(e).backgroundColor") == REFUSAL_RED
    top = page.locator(".messages li[role=alert]")
    assert top.evaluate("e => getComputedStyle(e).backgroundColor") == REFUSAL_RED
    page.screenshot(path=f"/tmp/refusals-look-{width}.png", full_page=True)
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).status == "active"
    suspend = page.locator(f'form[action$="/members/{coop_a.member.pk}/suspend/"]')
    suspend.locator('textarea[name="reason"]').fill("抽检不合格")
    suspend.locator('input[name="confirm"]').check()
    suspend.get_by_role("button").click()
    page.wait_for_load_state()
    done = page.locator(".messages li[role=status]")
    assert done.evaluate("e => getComputedStyle(e).backgroundColor") == SUCCESS_GREEN
    page.screenshot(path=f"/tmp/refusals-done-{width}.png", full_page=True)
    assert not tab.csp_violations
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).status == "suspended"
