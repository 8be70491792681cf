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
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_context(browser, **options):
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin",
        viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


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
