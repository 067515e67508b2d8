"""The Content-Security-Policy in the browser: the journeys' own check of it catches what it
should, and the pages that bring their own scripts (Swagger UI, DRF's browsable API) work
under it. (tests/journeys/conftest.py fails any journey whose pages lack the header or break
the policy.)"""

import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout


def poll(check, seconds=10):
    """Wait until ``check()`` holds (a browser event arriving), or fail."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the browser never reported it"
        time.sleep(0.1)


def test_an_inline_script_is_refused_and_the_refusal_is_caught(coop_a, visit):
    tab = visit("csp", "visitor")
    page = tab.go("/")
    assert tab.pages == 1 and not tab.pages_without_csp
    # What an injected <script> would be: refused by the browser, and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.head.append(s); }"
    )
    poll(lambda: tab.csp_violations)
    assert page.evaluate("window.injected") is None
    assert any("script-src" in violation for violation in tab.csp_violations)
    tab.csp_violations.clear()  # caught as it should be: not a failure of this journey


def test_swagger_ui_answers_a_call_under_the_policy(coop_a, visit):
    admin = visit("csp", "admin")
    admin.log_in(coop_a.admin.username)
    page = admin.go("/api/docs/")
    # Swagger UI draws its operations as they scroll into view, and may draw them all at
    # first and then again only those in view: an operation seen once can be gone a moment
    # later, so it is opened when seen, or looked for further down.
    operation = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/coops/"]'))
    deadline = time.monotonic() + 30
    while True:
        assert time.monotonic() < deadline, "Swagger UI never showed GET /api/v1/coops/"
        if operation.count():
            try:
                operation.locator(".opblock-summary").click(timeout=1000)
                break
            except PlaywrightTimeout:
                pass
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(100)
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table tr.response .response-col_status")
    answer.wait_for()
    assert answer.inner_text().strip() == "200"
    assert '"coop-a"' in operation.locator(".live-responses-table").first.inner_text()


def test_the_browsable_api_keeps_to_the_policy(coop_a, visit):
    admin = visit("csp", "admin")
    admin.log_in(coop_a.admin.username)
    # A list with filters: the page whose buttons DRF places with style attributes.
    page = admin.go("/api/v1/coops/coop-a/members/")
    filters = page.locator('button[data-target="#filtersModal"]')
    assert filters.is_visible()
    # Placed by static/css/api.css now that its style attribute is gone.
    assert filters.evaluate("button => getComputedStyle(button).cssFloat") == "right"
