"""Keyboard-only journeys (issue 8, item 7): writing and publishing a notice-board post,
registering for an event and cancelling. No mouse: only Tab, Shift+Tab, Enter, Space and
typing. On every step the focused element must show a visible focus style, and Tab must
move forward through the page in reading order; at the end the database must show that
the action really happened.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from board.models import Post
from intranet.events.models import Registration
from intranet.events.services import event_create
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 60

# What the focused element looks like, and whether it comes after the one focused before
# (document order): a positive tabindex or a CSS reordering would break that.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const previous = window.__kwPreviousFocus;
  // A date field keeps the focus while Tab walks through its day, month and year.
  const forward = !previous || !previous.isConnected || previous === el ||
    Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__kwPreviousFocus = el;
  return {
    description: el.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
    visible: box.width > 0 && box.height > 0,
    forward,
  };
}"""


def press(page, key: str) -> dict | None:
    page.keyboard.press(key)
    return page.evaluate(FOCUSED)


def assert_focus_visible(focused: dict | None):
    assert focused is not None, "focus went to the page body"
    assert focused["visible"], f"the focused element has no size: {focused['description']}"
    assert focused["outline"] or focused["shadow"], (
        f"no visible focus style (outline or box-shadow) on {focused['description']}")


def tab_to(page, selector: str) -> dict:
    """Tab forward until ``selector`` has the focus, checking every stop on the way."""
    for _ in range(MAX_TABS):
        focused = press(page, "Tab")
        assert_focus_visible(focused)
        assert focused["forward"], f"Tab went backwards to {focused['description']}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return focused
    raise AssertionError(f"{MAX_TABS} Tabs did not reach {selector} on {page.url}")


def activate(page, key: str, *, url: str):
    """Press Enter or Space on the focused control and wait for the page it leads to."""
    with page.expect_navigation(url=url):
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def sign_in_by_keyboard(page, base: str, user):
    page.goto(f"{base}/konto/login/")
    # The sign-in form may put the focus into its first field itself (autofocus).
    if not page.evaluate("document.activeElement.name === 'login'"):
        tab_to(page, "input[name=login]")
    page.keyboard.type(user.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    activate(page, "Enter", url=f"{base}/")


def assert_skip_link_leads_to_the_content(page):
    """The first Tab shows the skip link; Enter on it puts the next Tab inside #main."""
    page.evaluate("window.__kwPreviousFocus = null")
    focused = press(page, "Tab")
    assert_focus_visible(focused)
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.evaluate("""() => { const box = document.activeElement.getBoundingClientRect();
        return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight; }"""), \
        "the focused skip link is not on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    focused = press(page, "Tab")
    assert_focus_visible(focused)
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)"), \
        f"after the skip link, Tab went to {focused['description']}"


def test_a_member_writes_and_publishes_a_post_with_the_keyboard_only(page, live_server, member):
    base = live_server.url
    sign_in_by_keyboard(page, base, member)
    assert_skip_link_leads_to_the_content(page)

    # From the top of the page, through the header, to the board in the main navigation.
    page.goto(f"{base}/")
    tab_to(page, ".site-nav a[href='/brett/']")
    activate(page, "Enter", url=f"{base}/brett/")
    tab_to(page, "#main a[href='/brett/neu/']")
    activate(page, "Enter", url=f"{base}/brett/neu/")

    tab_to(page, "input[name=title]")
    page.keyboard.type("Gründachkataster: Wer hat Erfahrungen?")
    tab_to(page, "textarea[name=body]")
    page.keyboard.type("Wir planen ein Gründachkataster und suchen Erfahrungen aus anderen "
                       "Städten.")
    # Shift+Tab goes back to the title, and Tab returns to the text: the order is stable.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == "title"
    page.evaluate("window.__kwPreviousFocus = document.activeElement")
    tab_to(page, "textarea[name=body]")
    tab_to(page, "#main form button[type=submit]")
    activate(page, "Enter", url=f"{base}/brett/*/")

    post = Post.objects.get(title="Gründachkataster: Wer hat Erfahrungen?")
    assert post.author == member
    assert "Gründachkataster" in post.body
    assert page.url == f"{base}/brett/{post.pk}/"
    expect(page.locator("#main h1")).to_contain_text("Gründachkataster")


@pytest.fixture
def meeting(coordinator):
    start = timezone.now() + datetime.timedelta(days=12)
    return event_create(actor=coordinator, kind="coordinators",
                        title="Austausch Hitzeaktionsplanung", start=start,
                        end=start + datetime.timedelta(hours=2), venue="Rathaus Bochum",
                        capacity=20)


def test_a_member_registers_for_an_event_and_cancels_with_the_keyboard_only(
        page, live_server, member, meeting):
    base = live_server.url
    event_url = f"{base}/termine/{meeting.pk}/"
    sign_in_by_keyboard(page, base, member)
    page.goto(f"{base}/termine/")
    assert_skip_link_leads_to_the_content(page)
    tab_to(page, f"#main a[href='/termine/{meeting.pk}/']")
    activate(page, "Enter", url=event_url)

    assert_skip_link_leads_to_the_content(page)
    tab_to(page, f"form[action='/termine/{meeting.pk}/anmelden/'] button")
    activate(page, "Enter", url=event_url)
    assert Registration.objects.get(event=meeting, user=member).status == "registered"

    # Cancelling with Space, the other key that presses a button.
    page.evaluate("window.__kwPreviousFocus = null")
    tab_to(page, f"form[action='/termine/{meeting.pk}/abmelden/'] button")
    activate(page, "Space", url=event_url)
    assert not Registration.objects.filter(event=meeting, user=member,
                                           status="registered").exists()
    expect(page.locator(f"form[action='/termine/{meeting.pk}/anmelden/']")).to_have_count(1)
