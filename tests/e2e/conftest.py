import os
import shutil

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

# Assertions on a page wait for it (a click that submits a form returns before the next page has
# loaded): `expect(...)`, never `assert locator.is_visible()`, which answers at once. Both suites
# share two cores in CI, so give slow pages the same time as every other wait.
expect.set_options(timeout=15_000)

# Playwright's sync API runs an event loop in this thread; the ORM calls made by test set-up here
# are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium headless shell: the same engine without the browser's user interface, which
# takes about a quarter less time over the browser tests than the full `chromium` (also usable,
# with CHROMIUM_PATH=/usr/bin/chromium).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: `make test` installs Debian's chromium-headless-shell.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-AU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class WcagAxe(Axe):
    """axe-core for WCAG 2.x A/AA, reporting violations only (axe's own advice for speed: it
    skips building the details of the rules that pass), and injected into a document once (a
    page checked at two widths is the same document)."""

    OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

    def run(self, page, context=None, options=None):
        # Our own copy, kept apart: the editor's user bar brings Wagtail's axe as window.axe, which
        # may be running its own checks ("Axe is already running"). Both scripts end in a small
        # value: Playwright sends back and checks whatever a script's last expression is, and the
        # axe object itself (what `window.lmsAxe = axe` evaluates to) came to megabytes a page.
        if not page.evaluate("typeof window.lmsAxe !== 'undefined'"):
            page.evaluate(f"{self.axe_script}\nwindow.lmsAxe = axe;\nnull;")
        arguments = self._format_script_args(context=context, options=options or self.OPTIONS)
        violations = page.evaluate(f"window.lmsAxe.run({arguments}).then(r => r.violations)")
        return AxeResults({"violations": violations})


@pytest.fixture(scope="session")
def axe():
    return WcagAxe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the current page; fail with its report on any WCAG 2.x A/AA violation."""
    checked = []

    def check(page):
        results = axe.run(page)
        checked.append(page.url)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    check.checked = checked
    return check
