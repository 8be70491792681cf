"""Journey 5 (issue 5): a network member publishes a result in the library.

1. A member of an active network starts a result from the network's page, fills it in in
   Wagtail's editor (title, summary, type, a paragraph, a PDF) and submits it for approval.
2. Someone from another network can neither open the draft nor find it.
3. The network's lead hears of the request, finds it on Wagtail's dashboard and approves it.
4. Everyone signed in finds it in the library, on its page with its download, and in the
   search; the network's other members hear of it, its author does not.
5. axe-core checks our own pages on the way (not Wagtail's admin).

Search updates go through the index outbox; the test settings run Celery eagerly
(``CELERY_TASK_ALWAYS_EAGER``), so with real transactions (``django_db(transaction=True)``)
the index has the page once the approving response is back. The index directory outlives a
test's database, so every word the test searches for is its own.
"""

import pytest
from django.conf import settings
from playwright.sync_api import expect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from intranet.core.pdf import simple_pdf
from knowledge.models import LibraryDocument, LibraryIndexPage, LibraryPage, ResultType
from networks.models import MemberRole, Membership, Visibility
from networks.permissions import forget_grants
from networks.services import (
    membership_invite,
    membership_join,
    membership_set_role,
    network_found,
)
from tests.e2e.conftest import BrokenAssets, _new_context
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NETWORK = "Hitzeinseln im Quartier"
TITLE = "Leitfaden Trinkbrunnen an Hitzetagen"
INITIAL_TITLE = "Trinkbrunnen"
SUMMARY = "Wo Trinkbrunnen am meisten helfen und wie Städte sie betreiben."
# Made-up words, so that the search finds this page and nothing a previous test left
# in the index.
BODY_WORD = "Wasserspenderkartierung"
BODY = f"Die {BODY_WORD} zeigt, wo Menschen an heißen Tagen Wasser fehlt."
PDF_WORD = "Brunnenpatenschaftsmodell"
DOCUMENT_TITLE = "Checkliste Trinkbrunnen"


@pytest.fixture
def open_page(browser):
    """``open_page()``: a page for one more person, in a browser context of their own."""
    contexts, assets = [], BrokenAssets()

    def open_one():
        context = _new_context(browser)
        contexts.append(context)
        page = context.new_page()
        assets.watch(page)
        return page

    yield open_one
    for context in contexts:
        context.close()
    assert not assets.failures, "assets that did not load:\n" + "\n".join(assets.failures)


@pytest.fixture
def library_root(db):
    """The library as the migrations leave it: Wagtail's root page and collection, the
    library as the site's root. A journey before this one with real transactions ends with
    a flush, which empties every table, migration data included."""
    existing = LibraryIndexPage.objects.first()
    if existing is not None:
        return existing
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(
        settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    library = root.add_child(instance=LibraryIndexPage(title="Bibliothek", slug="bibliothek"))
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "root_page": library, "site_name": "Klima.Werk"})
    return library


def _join(network, user, actor):
    membership_invite(network=network, user=user, actor=actor)
    membership_join(network=network, user=user)
    forget_grants(user)


@pytest.fixture
def heat_network(library_root, coordinator, lead, member, outsider):
    """An active network: ``lead`` leads it, ``member`` and ``coordinator`` (who founded it
    and handed the lead over) belong to it. ``outsider`` belongs to another network."""
    network = network_found(founder=coordinator, name=NETWORK, mandate="Kühle Orte für alle",
                            visibility=Visibility.ON_REQUEST)
    _join(network, lead, coordinator)
    _join(network, member, coordinator)
    membership_set_role(membership=Membership.objects.get(network=network, user=lead),
                        role=MemberRole.LEAD, actor=coordinator)
    membership_set_role(membership=Membership.objects.get(network=network, user=coordinator),
                        role=MemberRole.MEMBER, actor=lead)
    other_lead = UserFactory(name="Olga Offen", organisation=outsider.organisation,
                             roles=["coordinator"])
    other = network_found(founder=other_lead, name="Tiny Forest Essen", mandate="Kleine Wälder",
                          visibility=Visibility.OPEN)
    _join(other, outsider, other_lead)
    for person in (coordinator, lead, member, outsider):
        forget_grants(person)
    return network


def _search(page, base, word):
    page.goto(f"{base}/suche/?q={word}")
    expect(page.locator("#main .result-count")).to_be_visible()


def _notification(page, text):
    return page.locator("#main .notification-list li.notification").filter(has_text=text)


def test_member_publishes_result_lead_approves_everyone_finds_it(
        page, open_page, live_server, heat_network, coordinator, lead, member, outsider,
        tmp_path):
    base = live_server.url
    network = heat_network

    # --- 1. The member starts a result from the network's page. ---------------------------
    sign_in(page, live_server, member, PASSWORD, check=False)
    page.goto(f"{base}/netzwerke/{network.slug}/")
    page.locator("#main").get_by_role("link", name="Ergebnis veröffentlichen").click()
    page.wait_for_url(f"{base}/bibliothek/netzwerk/{network.slug}/neu/")
    assert_accessible(page)
    start = page.locator("#main form")
    start.locator("input[name=title]").fill(INITIAL_TITLE)
    start.locator("select[name=kind]").select_option(ResultType.WORK_AID)
    start.get_by_role("button", name="Entwurf im Redaktionssystem öffnen").click()
    page.wait_for_url(f"{base}/cms/pages/*/edit/")
    draft = LibraryPage.objects.get(network=network)
    assert not draft.live
    expect(page.locator(".messages")).to_contain_text("Der Entwurf ist gespeichert")
    expect(page.locator("#id_result_type")).to_have_value(ResultType.WORK_AID)

    # The member fills the draft in, in Wagtail's editor.
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_result_type").select_option(ResultType.FACT_SHEET)
    page.locator("#id_summary").fill(SUMMARY)
    body_panel = page.locator("#panel-child-inhalt-body-content")
    body_panel.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Text", exact=True).click()
    paragraph = body_panel.locator(".public-DraftEditor-content")
    expect(paragraph).to_be_visible()
    paragraph.click()
    page.keyboard.type(BODY)
    expect(paragraph).to_contain_text(BODY_WORD)
    page.locator("#id_documents-ADD").click()
    chooser_row = page.locator("#inline_child_documents-0")
    chooser_row.get_by_role("button", name="Dokument auswählen").click()
    modal = page.locator(".modal[role=dialog]")
    modal.get_by_role("tab", name="Hochladen").click()
    pdf = tmp_path / "checkliste-trinkbrunnen.pdf"
    pdf.write_bytes(simple_pdf(["Checkliste Trinkbrunnen", f"Das {PDF_WORD} im Quartier"]))
    modal.locator("input[name=document-chooser-upload-title]").fill(DOCUMENT_TITLE)
    modal.locator("input[name=document-chooser-upload-file]").set_input_files(str(pdf))
    modal.get_by_role("button", name="Hochladen").click()
    expect(modal).to_be_hidden()
    expect(chooser_row).to_contain_text(DOCUMENT_TITLE)
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".messages")).to_contain_text(TITLE)
    # Members write drafts; publishing is the leads' (there is no "Veröffentlichen" here).
    page.locator("footer .w-dropdown__toggle").click()
    submit = page.get_by_role("button", name="In Netzwerk-Freigabe einreichen")
    expect(submit).to_be_visible()
    expect(page.locator("footer button[name=action-publish]")).to_have_count(0)
    submit.click()
    expect(page.locator(".messages")).to_contain_text("zur Moderation eingereicht")
    draft = LibraryPage.objects.get(pk=draft.pk).specific
    assert not draft.live and draft.workflow_in_progress
    draft_url = f"{base}{draft.get_url()}"
    document = LibraryDocument.objects.get(title=DOCUMENT_TITLE)
    assert PDF_WORD in document.text, "the document's text is read for the search"

    # --- 2. Someone of another network can neither open the draft nor find it. ------------
    outsider_page = open_page()
    sign_in(outsider_page, live_server, outsider, PASSWORD, check=False)
    assert outsider_page.goto(draft_url).status == 404
    assert outsider_page.request.get(f"{base}{document.url}").status == 404
    _search(outsider_page, base, BODY_WORD)
    expect(outsider_page.locator("#main .search-result")).to_have_count(0)
    expect(outsider_page.locator("#main .result-count")).to_contain_text("0 Treffer")
    outsider_page.goto(f"{base}/wissen/")
    expect(outsider_page.locator("#main")).not_to_contain_text(TITLE)

    # --- 3. The lead hears of it, finds it on the dashboard and approves it. --------------
    lead_page = open_page()
    sign_in(lead_page, live_server, lead, PASSWORD, check=False)
    # The bell says there is news (the invitation to the network is news too).
    expect(lead_page.locator(".site-notifications--unread")).to_be_visible()
    lead_page.locator(".site-notifications").click()
    request = _notification(lead_page, TITLE)
    expect(request).to_contain_text("Bitte prüfen Sie das Ergebnis")
    assert_accessible(lead_page)
    lead_page.goto(f"{base}/cms/")
    awaiting = lead_page.locator("#awaiting-review-section")
    expect(awaiting.locator("h2")).to_have_text("Ihre Überprüfung steht aus")
    expect(awaiting).to_contain_text(TITLE)
    lead_page.goto(f"{base}/benachrichtigungen/")
    request.get_by_role("link").click()
    lead_page.wait_for_url(f"{base}/cms/pages/{draft.pk}/edit/")
    lead_page.locator("footer .w-dropdown__toggle").click()
    approve = lead_page.locator(
        "footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    expect(approve).to_be_visible()
    # Wagtail adds its "… und Veröffentlichen" on the last step: the label says it once.
    assert approve.inner_text().lower().count("veröffentlichen") == 1, approve.inner_text()
    approve.click()
    lead_page.wait_for_url(f"{base}/cms/pages/{draft.get_parent().pk}/")  # the shelf
    expect(lead_page.locator(".messages")).to_contain_text(TITLE)
    published = LibraryPage.objects.get(pk=draft.pk)
    assert published.live and not published.specific.workflow_in_progress
    assert f"{base}{published.url}" == draft_url

    # --- 4. Everyone signed in finds it: library, its page with the download, search. ------
    outsider_page.goto(f"{base}/wissen/")
    card = outsider_page.locator("#main .library-card").filter(has_text=TITLE)
    expect(card).to_contain_text(NETWORK)
    expect(card).to_contain_text(SUMMARY)
    assert_accessible(outsider_page)
    screenshot(outsider_page, "50-bibliothek")
    card.get_by_role("link", name=TITLE).click()
    outsider_page.wait_for_url(draft_url)
    result = outsider_page.locator("#main article")
    expect(result.locator("h1")).to_have_text(TITLE)
    expect(result).to_contain_text(BODY)
    expect(result.locator(".library-meta")).to_contain_text(NETWORK)
    download = result.get_by_role("link", name=DOCUMENT_TITLE)
    assert_accessible(outsider_page)
    screenshot(outsider_page, "51-ergebnis")
    response = outsider_page.request.get(f"{base}{download.get_attribute('href')}")
    assert response.status == 200 and response.body() == pdf.read_bytes()

    _search(outsider_page, base, BODY_WORD)
    hit = outsider_page.locator("#main .search-result").filter(has_text=TITLE)
    expect(hit).to_have_count(1)
    expect(hit.get_by_role("link", name=TITLE)).to_have_attribute("href", draft_url[len(base):])
    assert_accessible(outsider_page)
    screenshot(outsider_page, "52-suche")
    _search(outsider_page, base, PDF_WORD)  # the word is only inside the PDF
    expect(outsider_page.locator("#main .search-result").filter(has_text=DOCUMENT_TITLE)
           ).to_have_count(1)

    # The network's other members hear of it; its author does not.
    colleague_page = open_page()
    sign_in(colleague_page, live_server, coordinator, PASSWORD, check=False)
    expect(colleague_page.locator(".site-notifications--unread")).to_be_visible()
    colleague_page.locator(".site-notifications").click()
    news = _notification(colleague_page, f"Neu in der Bibliothek: {TITLE}")
    expect(news).to_have_count(1)
    expect(news.get_by_role("link")).to_have_attribute("href", draft_url[len(base):])
    # Not a lead: the request for approval went to the lead only.
    expect(_notification(colleague_page, "Bitte prüfen Sie")).to_have_count(0)
    assert_accessible(colleague_page)
    page.goto(f"{base}/benachrichtigungen/")
    expect(page.locator("#main h1")).to_have_text("Benachrichtigungen")
    expect(_notification(page, TITLE)).to_have_count(0)

