"""Browser journeys: Debian's Chromium driven by Playwright against a live server on the test
database (PostgreSQL) with a real Celery worker. Screenshots of the key pages go under
test-artifacts/journeys/; axe-core (from npm, node_modules/) checks each of them. Every page a
journey opens must carry the Content-Security-Policy header and break none of its rules."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.testing_fund.conftest import priced  # noqa: F401  (the fund the free test draws on)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "journeys"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "test-pass-2026"  # tests/factories.py's UserFactory
# Run in every page before its own scripts (through the DevTools protocol, which the policy does
# not govern): each refusal of the Content-Security-Policy is written to the console, beside
# Chromium's own message about it, so none goes unnoticed.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  "CSP violation:", event.effectiveDirective, event.blockedURI || "inline",
  event.sourceFile + ":" + event.lineNumber, event.sample));
"""


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own database calls
    # are still synchronous ones, which Django otherwise refuses next to a loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One person's browser tab on the live server, which saves screenshots as it goes."""

    def __init__(self, browser, live_server, journey, who, width=1200):
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        self.base = live_server.url
        self.context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.csp_violations, self.pages_without_csp, self.pages = [], [], 0
        self.context.on("console", self.note_console)
        self.context.on("response", self.note_response)
        self.page = self.context.new_page()
        self.folder = ARTIFACTS / journey
        self.folder.mkdir(parents=True, exist_ok=True)
        self.who = who

    def go(self, path):
        self.page.goto(self.base + path)
        return self.page

    def log_in(self, username, password=PASSWORD):
        self.go("/accounts/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.locator("main").get_by_role("button", name="登录").click()
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"

    def shot(self, name):
        """A full-page screenshot, and the page's accessibility checked by axe-core."""
        number = len(list(self.folder.glob("*.png"))) + 1
        self.page.screenshot(
            path=self.folder / f"{number:02d}-{self.who}-{name}.png", full_page=True
        )
        check_accessibility(self.page)

    def note_console(self, message):
        if "Content Security Policy" in message.text or message.text.startswith("CSP violation"):
            where = message.page.url if message.page else "?"
            self.csp_violations.append(f"{where}: {message.text}")

    def note_response(self, response):
        """Every page of the portal that the tab opens carries the policy."""
        if response.request.resource_type == "document" and response.url.startswith(self.base):
            self.pages += 1
            if "content-security-policy" not in response.headers:
                self.pages_without_csp.append(response.url)

    def close(self):
        self.context.close()


def check_accessibility(page):
    """No critical violation that axe-core finds on the page as it stands."""
    # Evaluated through the DevTools protocol: a <script> tag with axe's text would be inline
    # script, which the Content-Security-Policy rightly refuses.
    page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations")
    critical = [f"{v['id']}: {v['help']}" for v in found if v["impact"] == "critical"]
    assert not critical, f"{page.url}: {critical}"


@pytest.fixture
def visit(browser, live_server):
    """``visit(journey, who)``: a tab for one person, closed at the end."""
    opened = []

    def open_tab(journey, who, width=1200):
        if not any(tab.folder.name == journey for tab in opened):
            for old in (ARTIFACTS / journey).glob("*.png"):  # the last run's screenshots
                old.unlink()
        tab = Visit(browser, live_server, journey, who, width)
        opened.append(tab)
        return tab

    yield open_tab
    for tab in opened:
        tab.close()
    assert all(tab.pages for tab in opened), "a tab opened no page of the portal"
    missing = [url for tab in opened for url in tab.pages_without_csp]
    assert not missing, f"pages without a Content-Security-Policy header: {missing}"
    violations = [violation for tab in opened for violation in tab.csp_violations]
    assert not violations, f"Content-Security-Policy violations: {violations}"


def wait_for(page, check, seconds=30):
    """Reload until ``check(page)`` holds (a worker's result appearing), or fail."""
    import time

    deadline = time.monotonic() + seconds
    while not check(page):
        assert time.monotonic() < deadline, f"still waiting on {page.url}"
        time.sleep(0.5)
        page.reload()


@pytest.fixture(scope="session", autouse=True)
def no_connection_left(django_db_setup, django_db_blocker):
    """The live server's request threads keep their database connections (CONN_MAX_AGE) until
    their browser socket closes; end any still open so the test database can be dropped."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
