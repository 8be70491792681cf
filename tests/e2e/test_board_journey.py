"""Journeys on the notice board (/brett/) and in the notification centre (/benachrichtigungen/).

1+2. A coordinator writes a post with an @-mention of a colleague and a file; the colleague
     hears of it in the notification centre, sees the post as unread on the board, reads and
     follows it, hears of the coordinator's comment, and filters the board (htmx).
3.   Markdown carrying an XSS corpus, in a post and a comment: nothing runs in the browser.
4.   The notification settings page and the one-click unsubscribe page of an e-mail.

Notifications come from the board's outbox: the post's transaction queues the fan-out task
on commit, and the test settings run Celery eagerly (``CELERY_TASK_ALWAYS_EAGER``), so in the
live server (real transactions: ``django_db(transaction=True)``) they exist once the response
is back. axe-core checks every page on the way. New strings may not be translated yet, so
new controls are found by URL, name, id or role, not by their German label.
"""

import re

import pytest
from playwright.sync_api import expect

from board import services as board_services
from board.models import Attachment, Category, Comment, Post, PostFollow
from intranet.notifications.models import Frequency, Kind, Notification, NotificationPreference
from intranet.notifications.services import unsubscribe_token
from tests.e2e.conftest import BrokenAssets, _new_context
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Wer hat Erfahrung mit Schwammstadt-Mulden?"
FUNDING_TITLE = "Förderaufruf Klimaanpassung 2031"
FILE_BYTES = b"Standorte der Mulden\nBochum-Mitte: 3\nWattenscheid: 1\n"
COMMENT = "Danke! Ich schicke die Pläne bis Freitag."


@pytest.fixture
def colleague_page(browser):
    """A second person in a browser of their own (a fresh context: their own session)."""
    context = _new_context(browser)
    assets = BrokenAssets()
    page = context.new_page()
    assets.watch(page)
    yield page
    context.close()
    assert not assets.failures, "assets that did not load:\n" + "\n".join(assets.failures)


def _message(page):
    return page.locator(".site-messages")


def _card(page, post):
    """The post's card on the board, found by the link to its page."""
    return page.locator("#board-results li.board-card").filter(
        has=page.locator(f"a[href='/brett/{post.pk}/']"))


def _notification(page, url):
    return page.locator("#main .notification-list li.notification").filter(
        has=page.locator(f"a[href='{url}']"))


# --- 1 + 2: write, mention, attach; read, follow, comment, filter -----------------------

def test_post_with_mention_and_file_reaches_the_colleague_who_follows_and_filters(
        page, colleague_page, live_server, coordinator, member, tmp_path):
    base = live_server.url
    colleague = colleague_page
    member.refresh_from_db()
    handle = member.handle
    assert handle, "every person gets a handle when saved"
    # An older post of another category, for the filters later on.
    funding = board_services.post_create(
        author=coordinator, title=FUNDING_TITLE, body="Frist: 30. Juni.",
        category=Category.FUNDING)

    # The coordinator writes a post with a mention and a file.
    sign_in(page, live_server, coordinator, PASSWORD)
    page.goto(f"{base}/brett/")
    assert_accessible(page)
    page.locator("#main a[href='/brett/neu/']").click()
    page.wait_for_url(f"{base}/brett/neu/")
    assert_accessible(page)
    attachment = tmp_path / "mulden-standorte.txt"
    attachment.write_bytes(FILE_BYTES)
    form = page.locator("#main form[method=post]")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=body]").fill(
        f"Wir planen **drei Mulden** im Bestand.\n\n@{handle}, du hast doch Pläne aus "
        "Essen?\n\n- Standorte\n- Kosten")
    form.locator("select[name=category]").select_option(Category.REQUEST.value)
    form.locator("input[name=audience][value=platform]").check()
    form.locator("input[type=file][name=files]").set_input_files(str(attachment))
    form.locator("button[type=submit]").click()
    post = Post.objects.get(title=TITLE)
    detail = f"{base}/brett/{post.pk}/"
    page.wait_for_url(detail)
    expect(page.locator("#main h1")).to_have_text(TITLE)
    body = page.locator("#main .board-post .rich-text")
    expect(body.locator("strong")).to_have_text("drei Mulden")
    mention = body.locator("a.mention")
    expect(mention).to_have_text(f"@{handle}")
    expect(mention).to_have_attribute("href", member.get_absolute_url())
    expect(mention).to_have_attribute("title", member.name)
    stored = Attachment.objects.get(post=post)
    download_url = f"/brett/{post.pk}/dateien/{stored.pk}/"
    file_link = page.locator(f"#main .board-attachment-list a[href='{download_url}']")
    expect(file_link).to_have_text("mulden-standorte.txt")
    assert_accessible(page)
    screenshot(page, "50-brett-beitrag")

    with page.expect_download() as download_info:
        file_link.click()
    download = download_info.value
    assert download.suggested_filename == "mulden-standorte.txt"
    with open(download.path(), "rb") as handle_file:
        assert handle_file.read() == FILE_BYTES

    # The mentioned colleague finds the mention in the notification centre: written by the
    # fan-out task after the post's transaction committed in the live server.
    sign_in(colleague, live_server, member, PASSWORD, check=False)
    colleague.goto(f"{base}/benachrichtigungen/")
    mentioned = _notification(colleague, f"/brett/{post.pk}/")
    expect(mentioned).to_have_count(1)
    expect(mentioned).to_contain_text(TITLE)
    expect(mentioned).to_contain_text(coordinator.name)
    expect(mentioned.locator(".notification__new")).to_be_visible()
    assert_accessible(colleague)
    screenshot(colleague, "51-benachrichtigung-erwaehnung")
    assert Notification.objects.get(recipient=member, post=post).kind == Kind.MENTION

    # On the board both posts are unread; reading one clears its mark.
    colleague.goto(f"{base}/brett/")
    expect(_card(colleague, post).locator(".board-card__unread")).to_be_visible()
    expect(_card(colleague, funding).locator(".board-card__unread")).to_be_visible()
    assert_accessible(colleague)
    _card(colleague, post).get_by_role("link", name=TITLE).click()
    colleague.wait_for_url(detail)
    expect(colleague.locator("#main h1")).to_have_text(TITLE)
    assert_accessible(colleague)
    colleague.goto(f"{base}/brett/")
    expect(_card(colleague, post)).to_have_count(1)
    expect(_card(colleague, post).locator(".board-card__unread")).to_have_count(0)
    expect(_card(colleague, funding).locator(".board-card__unread")).to_be_visible()
    _card(colleague, funding).locator(f"a[href='/brett/{funding.pk}/']").click()
    colleague.wait_for_url(f"{base}/brett/{funding.pk}/")
    assert_accessible(colleague)

    # The colleague follows the post.
    colleague.goto(detail)
    follow = colleague.locator(f"#main form[action='/brett/{post.pk}/folgen/']")
    expect(follow.locator("input[name=follow]")).to_have_value("1")
    follow.locator("button[type=submit]").click()
    colleague.wait_for_url(detail)
    expect(_message(colleague)).to_be_visible()
    expect(follow.locator("input[name=follow]")).to_have_value("0")
    assert_accessible(colleague)
    assert PostFollow.objects.filter(post=post, user=member).exists()

    # The coordinator comments; the colleague hears of it.
    page.goto(detail)
    comment_form = page.locator("#main .board-comments > form[method=post]")
    comment_form.locator("textarea[name=body]").fill(COMMENT)
    comment_form.locator("button[type=submit]").click()
    page.wait_for_url(detail)
    comment = Comment.objects.get(post=post)
    expect(page.locator(f"#kommentar-{comment.pk}")).to_contain_text(COMMENT)
    assert_accessible(page)

    colleague.goto(f"{base}/benachrichtigungen/")
    commented = _notification(colleague, f"/brett/{post.pk}/#kommentar-{comment.pk}")
    expect(commented).to_have_count(1)
    expect(commented).to_contain_text(TITLE)
    expect(commented).to_contain_text(coordinator.name)
    assert_accessible(colleague)
    assert Notification.objects.get(
        recipient=member, event_key=f"comment:{comment.pk}").kind == Kind.FOLLOWED_COMMENT
    commented.locator("a").click()
    colleague.wait_for_url(f"{detail}#kommentar-{comment.pk}")
    expect(colleague.locator(f"#kommentar-{comment.pk}")).to_contain_text(COMMENT)

    # A further comment makes the read post unread again; the funding post stays read.
    # Then the colleague filters with htmx (no reload: a marker on the window survives).
    board_services.comment_create(post=post, author=coordinator, body="Nachtrag: Kosten folgen.")
    colleague.goto(f"{base}/brett/")
    expect(_card(colleague, post).locator(".board-card__unread")).to_be_visible()
    expect(_card(colleague, funding).locator(".board-card__unread")).to_have_count(0)
    colleague.wait_for_function("() => window.htmx !== undefined")
    colleague.evaluate("window.__stayed = 1")
    filters = colleague.locator("#main form.filter-bar")
    filters.locator("input[name=unread]").check()
    expect(colleague).to_have_url(re.compile(r"/brett/\?(.*&)?unread=on(&|$)"))
    expect(_card(colleague, post)).to_have_count(1)
    expect(_card(colleague, funding)).to_have_count(0)
    expect(colleague.locator("#board-results li.board-card")).to_have_count(1)
    assert colleague.evaluate("window.__stayed") == 1, "the filter reloaded the whole page"
    assert_accessible(colleague)
    screenshot(colleague, "52-brett-ungelesen")

    filters.locator("input[name=unread]").uncheck()
    expect(_card(colleague, funding)).to_have_count(1)
    filters.locator("select[name=category]").select_option(Category.FUNDING.value)
    expect(colleague).to_have_url(re.compile(r"/brett/\?(.*&)?category=funding(&|$)"))
    expect(_card(colleague, funding)).to_have_count(1)
    expect(_card(colleague, post)).to_have_count(0)
    expect(colleague.locator("#board-results li.board-card")).to_have_count(1)
    assert colleague.evaluate("window.__stayed") == 1, "the filter reloaded the whole page"
    assert_accessible(colleague)

    # The pushed URL is a real page too: loaded afresh it shows the same filtered board.
    colleague.reload()
    expect(colleague.locator("#main select[name=category]")).to_have_value("funding")
    expect(colleague.locator("#board-results li.board-card")).to_have_count(1)
    expect(_card(colleague, funding)).to_have_count(1)
    assert_accessible(colleague)


# --- 3: an XSS corpus in Markdown -------------------------------------------------------

XSS_CORPUS = "\n\n".join([
    "Harmloser Anfang mit [einem echten Link](https://example.org/ok).",
    "<script>window.__xss = 1; alert(1)</script>",
    "<img src=x onerror=\"window.__xss = 1; alert(1)\">",
    "<a href=\"javascript:window.__xss=1;alert(1)\">html-js</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">html-data</a>",
    "<svg onload=\"window.__xss = 1; alert(1)\"><circle r=\"4\"/></svg>",
    "<svg><script>window.__xss = 1</script></svg>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=1;alert(1)>\"></noscript>",
    "<iframe src=\"javascript:window.top.__xss=1\"></iframe>",
    "<details open ontoggle=\"window.__xss = 1\">x</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1></style>",
    "[md-js](javascript:window.__xss=1;alert(1))",
    "[md-js-upper](JaVaScRiPt:window.__xss=1)",
    "[md-js-entity](javascript&#58;window.__xss=1)",
    "[md-js-encoded](java%0ascript:window.__xss=1)",
    "[md-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[md-vbs](vbscript:msgbox(1))",
    "[md-title](https://example.org \"x\\\" onmouseover=\\\"window.__xss=1\")",
    "![md-img](javascript:window.__xss=1)",
    "![md-img-data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:window.__xss=1>",
    "[md-ref][bad]\n\n[bad]: javascript:window.__xss=1",
    "[md-entity-start](&#106;avascript:window.__xss=1)",
    "[md-relative](/brett/) und [md-fragment](#h-comments) bleiben harmlos.",
    "`<script>window.__xss = 1</script>` im Code ist nur Text.",
])

_DANGEROUS = """(root) => {
  const found = [];
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}`);
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'srcdoc', 'data']
            .includes(name) && /^(javascript|data|vbscript):/.test(value))
        found.push(`${el.tagName} ${name}=${attr.value}`);
    }
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'STYLE', 'IMG', 'NOSCRIPT']
          .includes(el.tagName.toUpperCase())) found.push(el.tagName);
  }
  return found;
}"""


def test_xss_corpus_in_post_and_comment_runs_nothing_in_the_browser(
        page, live_server, coordinator, member):
    post = board_services.post_create(
        author=coordinator, title="XSS-Prüfung", body=XSS_CORPUS, category=Category.REQUEST)
    board_services.comment_create(post=post, author=member, body=XSS_CORPUS)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    popups = []
    page.context.on("page", lambda new_page: popups.append(new_page.url))

    sign_in(page, live_server, coordinator, PASSWORD)
    page.evaluate("alert('Gegenprobe')")  # the dialog recorder itself works
    assert dialogs == ["Gegenprobe"]
    dialogs.clear()
    detail = f"{live_server.url}/brett/{post.pk}/"
    page.goto(detail)
    expect(page.locator("#main h1")).to_have_text("XSS-Prüfung")
    bodies = page.locator("#main .rich-text")
    expect(bodies).to_have_count(2)  # the post and the comment
    expect(bodies.first).to_contain_text("Harmloser Anfang")
    assert_accessible(page)
    screenshot(page, "53-brett-xss")

    for index in range(bodies.count()):
        body = bodies.nth(index)
        assert body.evaluate(_DANGEROUS) == [], f"rich text {index} keeps dangerous markup"
        # The only link that survives is the real one; the raw HTML shows as text.
        expect(body.locator("a[href='https://example.org/ok']")).to_have_count(1)
        expect(body).to_contain_text("<script>")

    # Click every link in a body that does not go to http(s): nothing may run.
    links = page.locator("#main .rich-text a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    others = [i for i, href in enumerate(hrefs)
              if not re.match(r"^https?://", href or "", re.IGNORECASE)]
    assert others, "the corpus leaves links without http(s) to click"
    for index in others:
        link = page.locator("#main .rich-text a").nth(index)
        if not link.is_visible():
            continue
        link.click()  # waits for a navigation the click starts
        page.wait_for_load_state("load")
        # Whatever page the link led to, nothing of the corpus ran there.
        assert page.evaluate("typeof window.__xss") == "undefined", hrefs[index]
        assert dialogs == [], f"dialogs opened by {hrefs[index]!r}: {dialogs}"
        if page.url.split("#")[0] != detail:
            page.goto(detail)
    page.wait_for_timeout(300)  # a late onerror or timer would have fired by now
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == [], f"dialogs opened: {dialogs}"
    assert popups == [], f"windows opened: {popups}"
    for index in range(bodies.count()):
        assert bodies.nth(index).evaluate(_DANGEROUS) == []


# --- 4: notification settings and unsubscribe ------------------------------------------

def test_notification_settings_keep_a_weekly_choice(page, live_server, member):
    base = live_server.url
    sign_in(page, live_server, member, PASSWORD)
    page.goto(f"{base}/benachrichtigungen/")
    assert_accessible(page)
    page.locator("#main a[href='/benachrichtigungen/einstellungen/']").click()
    page.wait_for_url(f"{base}/benachrichtigungen/einstellungen/")
    assert_accessible(page)
    form = page.locator("#main form.preferences-form")
    weekly = form.locator(f"input[name={Kind.ANNOUNCEMENT.value}][value=weekly]")
    expect(weekly).not_to_be_checked()
    expect(form.locator(f"input[name={Kind.ANNOUNCEMENT.value}][value=daily]")).to_be_checked()
    weekly.check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/benachrichtigungen/einstellungen/")
    expect(_message(page)).to_be_visible()
    assert_accessible(page)
    page.reload()
    expect(form.locator(f"input[name={Kind.ANNOUNCEMENT.value}][value=weekly]")).to_be_checked()
    expect(form.locator(f"input[name={Kind.MENTION.value}][value=immediately]")).to_be_checked()
    screenshot(page, "54-benachrichtigungen-einstellungen")
    assert NotificationPreference.objects.get(
        user=member, kind=Kind.ANNOUNCEMENT).frequency == Frequency.WEEKLY


def test_unsubscribe_link_switches_mentions_off_without_signing_in(page, live_server, member):
    token = unsubscribe_token(user=member, kinds=[Kind.MENTION])
    url = f"{live_server.url}/benachrichtigungen/abbestellen/{token}/"
    page.goto(url)
    expect(page.locator("#main h1")).to_be_visible()
    expect(page.locator("#main .kern-alert--success")).to_have_count(0)
    assert_accessible(page)
    assert not NotificationPreference.objects.filter(user=member).exists()  # GET asks only
    page.locator("#main form[method=post] button[type=submit]").click()
    page.wait_for_url(url)
    confirmation = page.locator("#main .kern-alert--success[role=status]")
    expect(confirmation).to_be_visible()
    expect(confirmation.locator("li")).to_have_count(1)
    expect(page.locator("#main form[method=post]")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "55-abbestellt")
    assert NotificationPreference.objects.get(
        user=member, kind=Kind.MENTION).frequency == Frequency.OFF


# --- 5: choosing whom to mention while typing -------------------------------------------

def test_typing_an_at_sign_offers_colleagues_and_writes_the_handle(page, live_server,
                                                                  coordinator, member):
    member.refresh_from_db()
    sign_in(page, live_server, coordinator, PASSWORD)
    page.goto(f"{live_server.url}/brett/neu/")
    body = page.locator("textarea[name=body]")
    body.click()
    body.press_sequentially("Frage an @" + member.name[:3])
    suggestion = page.locator(".mention-suggestions button").filter(
        has_text=f"@{member.handle}")
    expect(suggestion).to_be_visible(timeout=5000)
    assert_accessible(page)
    suggestion.click()
    expect(body).to_have_value(f"Frage an @{member.handle} ")
    expect(body).to_be_focused()
