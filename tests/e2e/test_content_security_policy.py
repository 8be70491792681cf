"""The Content-Security-Policy in the real browser (issue 8): the watcher every browser test
uses does catch a violation, and the pages with the most moving parts (htmx filters, a
Markdown table, the API docs' Swagger UI) run without one. The Wagtail admin's policy is
exercised by the library journey."""

import pytest
from playwright.sync_api import expect

from board.services import post_create
from tests.e2e.conftest import CspViolations
from tests.e2e.helpers import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLE = "| Stadt | Rigolen |\n|:--|--:|\n| Bochum | 12 |\n"


def test_the_watcher_catches_an_inline_script_and_a_style_attribute(page, live_server, member):
    watcher = CspViolations()
    watcher.watch(page.context)
    sign_in(page, live_server, member, PASSWORD)
    page.goto(f"{live_server.url}/brett/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
        const box = document.createElement("div");
        box.setAttribute("style", "color: red");
        document.body.append(box);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran === undefined")  # the inline script did not run
    assert any("script-src" in v for v in watcher.violations), watcher.violations
    assert any("style-src" in v for v in watcher.violations), watcher.violations
    page.context.csp.violations.clear()  # caught on purpose: not a failure of this test


def test_htmx_filters_and_a_markdown_table_run_without_violations(page, live_server, member):
    post = post_create(author=member, title="Rigolen je Stadt", body=TABLE, category="offer")
    sign_in(page, live_server, member, PASSWORD)
    page.goto(f"{live_server.url}/brett/{post.pk}/")
    cell = page.locator("td.md-align-right")
    expect(cell).to_have_text("12")
    assert cell.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    page.goto(f"{live_server.url}/personen/")
    query = page.locator("#main form.filter-bar input[name=q]")
    query.fill("Max")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        query.press("Enter")
    expect(page.locator("#people-results")).to_be_visible()


def test_the_api_docs_render_without_inline_script(page, live_server, member):
    sign_in(page, live_server, member, PASSWORD)
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Klima.Werk API")

