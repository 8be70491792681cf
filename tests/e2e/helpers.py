"""What every journey does on every page: check it with axe-core, sign in, keep a screenshot."""

import json
import os
import tempfile
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
SHOTS = Path(os.environ.get("E2E_SHOTS") or Path(tempfile.gettempdir()) / "e2e-shots")


def assert_accessible(page):
    """Run axe-core (WCAG 2.1 A/AA) and fail on any serious or critical violation.

    It first checks that the KERN styles and fonts are there: contrast is only
    meaningful on the styled page.
    """
    page.wait_for_load_state("load")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Fira Sans" in font, f"the KERN styles did not load on {page.url}: {font!r}"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be refused by our CSP.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
             .then(r => r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               targets: v.nodes.map(n => n.target.join(' ')).slice(0, 10)})))""",
        AXE_TAGS,
    )
    blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → {json.dumps(v['targets'])}"
        for v in blocking)


def screenshot(page, name):
    """Keep a full-page screenshot for a human look (DESIGN §7); not an assertion."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, user, password, *, check=True):
    """Sign in through the form as a person would, checking the sign-in page on the way."""
    page.goto(f"{live_server.url}/konto/login/")
    if check:
        assert_accessible(page)
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    # The header holds the language switch form too: the sign-in form is the one in #main.
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
