"""Browser fixtures for the journeys: the system Chromium, one fresh context per test.

The journeys run with ``make e2e``. They need no download: Playwright drives
``/usr/bin/chromium``, and axe-core is vendored in ``tests/e2e/vendor/``.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's async-safety check
    # would otherwise refuse the ORM calls the tests make between browser steps. Set only
    # while the browser runs, so that the rest of the suite keeps the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            _watch_every_context(browser)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Runs before any page script and is not itself subject to the page's CSP: every blocked
# script, style, image or frame is told on the console, where CspViolations reads it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


class CspViolations:
    """Collects every Content-Security-Policy violation of a browser context (issue 8):
    Chromium's own "Refused to …" console errors and the securitypolicyviolation events."""

    def __init__(self):
        self.violations = []

    def watch(self, context):
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message):
        text = message.text
        if message.type == "error" and ("Refused to" in text or "CSP violation" in text
                                        or "Content Security Policy" in text):
            self.violations.append(f"{message.page.url if message.page else ''}: {text}")

    def assert_none(self):
        assert not self.violations, "CSP violations:\n" + "\n".join(self.violations)


def _new_context(browser, **options):
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin",
        viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _watch_every_context(browser):
    """Also the contexts a test opens with ``browser.new_context`` itself are watched."""
    open_context = browser.new_context

    def watched(**options):
        context = open_context(**options)
        context.csp = CspViolations()
        context.csp.watch(context)
        _WATCHED.append(context.csp)
        return context

    browser.new_context = watched


_WATCHED: list[CspViolations] = []


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Every browser test fails on a CSP violation in any context it opened."""
    _WATCHED.clear()
    yield
    watched = list(_WATCHED)
    _WATCHED.clear()
    for violations in watched:
        violations.assert_none()


class BrokenAssets:
    """Collects every stylesheet, script, font or image that did not load."""

    def __init__(self):
        self.failures = []

    def watch(self, page):
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def _response(self, response):
        if response.request.resource_type in {"stylesheet", "script", "font", "image"} \
                and response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")

    def _failed(self, request):
        if request.resource_type in {"stylesheet", "script", "font", "image"}:
            self.failures.append(f"failed {request.url}: {request.failure}")


@pytest.fixture
def context(browser):
    context = _new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page in a fresh context; a test fails if any of its assets did not load."""
    assets = BrokenAssets()
    page = context.new_page()
    assets.watch(page)
    yield page
    assert not assets.failures, "assets that did not load:\n" + "\n".join(assets.failures)


@pytest.fixture
def no_js_page(browser):
    """A page with JavaScript switched off: the pages must work without htmx."""
    context = _new_context(browser, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()
