"""A form is sent once: its button is disabled while the post is on its way (static/js/
submit-once.js, under the Content-Security-Policy the visit fixture checks), and given back
when the person comes back to the page (pageshow)."""

from datetime import date, timedelta

BUTTON = "main form.stacked button[type=submit]"


def test_the_submit_button_waits_for_the_answer(coop_a, visit):
    tab = visit("submit-once", "enterprise")
    tab.log_in(coop_a.enterprise.username)
    page = tab.go("/c/coop-a/commitments/new/")
    today = date.today()
    page.locator("#id_products").fill("四件套")
    page.locator("#id_standards").fill("GB 18401-2010")
    page.locator("#id_guarantees").fill("七天无理由退货")
    page.locator("#id_valid_from").fill(today.isoformat())
    page.locator("#id_valid_until").fill((today + timedelta(days=365)).isoformat())
    # The post held in the page (a listener after the script's, on window, cancels it): what
    # the person sees while a slow answer is on its way.
    page.evaluate("() => window.addEventListener('submit', (e) => e.preventDefault())")
    button = page.locator(BUTTON)
    assert button.is_enabled() and button.inner_text() == "保存"
    button.click()
    page.wait_for_function(f"() => document.querySelector('{BUTTON}').disabled")
    assert button.inner_text() == "正在提交…"
    # Back to the page from the browser's cache: the button works again.
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pageshow'))")
    assert button.is_enabled() and button.inner_text() == "保存"


def test_a_search_form_is_never_disabled(coop_a, visit):
    tab = visit("submit-once", "admin")
    tab.log_in(coop_a.admin.username)
    page = tab.go("/c/coop-a/commitments/")
    page.evaluate("() => window.addEventListener('submit', (e) => e.preventDefault())")
    search = page.locator("main form.filters button[type=submit]").first
    search.click()
    page.wait_for_timeout(200)
    assert search.is_enabled()
