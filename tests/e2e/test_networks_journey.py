"""Journey 4 (issue 3): a coordinator founds an expert network, a colleague from another city
asks to join and is approved, they share a task and a document, and the network is dissolved
with a summary into a read-only archive. axe-core checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from networks.models import Membership, MemberState, Network, Status, Task
from tests.e2e.conftest import BrokenAssets, _new_context
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Baumrigolen im Bestand"
TASK = "Standorte aus allen Städten sammeln"
SUMMARY = "Ein Leitfaden für Baumrigolen liegt vor."


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


def test_found_join_approve_task_document_and_dissolve(
        page, colleague_page, live_server, coordinator, outsider, tmp_path):
    base = live_server.url
    colleague = colleague_page

    # The coordinator founds a network on request through the one short form.
    sign_in(page, live_server, coordinator, PASSWORD)
    assert_accessible(page)  # the start page
    page.goto(f"{base}/netzwerke/")
    assert_accessible(page)
    page.locator("#main").get_by_role("link", name="Netzwerk gründen").click()
    page.wait_for_url(f"{base}/netzwerke/gruenden/")
    assert_accessible(page)
    form = page.locator("#main form")
    form.locator("input[name=name]").fill(NAME)
    form.locator("textarea[name=mandate]").fill("Wie bauen wir Baumrigolen in alte Straßen?")
    form.locator("textarea[name=goals]").fill("Ein Leitfaden für alle Städte")
    form.locator("input[name=visibility][value=on_request]").check()
    form.get_by_role("button", name="Netzwerk gründen").click()
    network = Network.objects.get(name=NAME)
    detail = f"{base}/netzwerke/{network.slug}/"
    page.wait_for_url(detail)
    expect(_message(page)).to_contain_text(NAME)
    expect(page.locator("#main h1")).to_have_text(NAME)
    assert_accessible(page)
    screenshot(page, "40-netzwerk-gegruendet")

    # A colleague from another city finds it in the list and asks to join.
    sign_in(colleague, live_server, outsider, PASSWORD, check=False)
    assert_accessible(colleague)  # the start page
    colleague.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Netzwerke").click()
    colleague.wait_for_url(f"{base}/netzwerke/")
    assert_accessible(colleague)
    query = colleague.locator("#main form.filter-bar input[name=q]")
    query.fill("Baumrigolen")
    query.press("Enter")
    expect(colleague).to_have_url(re.compile(r"/netzwerke/\?(.*&)?q=Baumrigolen(&|$)"))
    results = colleague.locator("#network-results")
    expect(results).to_contain_text(NAME)
    assert_accessible(colleague)
    results.get_by_role("link", name=NAME).click()
    colleague.wait_for_url(detail)
    # On request: the mandate for everyone, the workspace for members only.
    expect(colleague.locator("#main")).to_contain_text("Wie bauen wir Baumrigolen")
    expect(colleague.locator("#main")).to_contain_text("sehen die Mitglieder")
    expect(colleague.locator(".network-tabs")).to_have_count(0)
    assert_accessible(colleague)
    colleague.get_by_role("button", name="Beitritt anfragen").click()
    colleague.wait_for_url(detail)
    expect(_message(colleague)).to_contain_text(NAME)
    expect(colleague.get_by_role("button", name="Meine Anfrage zurückziehen")).to_be_visible()
    assert_accessible(colleague)
    assert Membership.objects.get(network=network, user=outsider).state == MemberState.REQUESTED

    # The coordinator approves the request on the members page.
    page.goto(detail)
    assert_accessible(page)
    page.get_by_role("link", name="Auf der Mitgliederseite entscheiden").click()
    page.wait_for_url(f"{detail}mitglieder/")
    assert_accessible(page)
    page.get_by_role("button", name=f"Annehmen: {outsider.name}").click()
    page.wait_for_url(f"{detail}mitglieder/")
    expect(_message(page)).to_contain_text(outsider.name)
    expect(page.locator("#main")).to_contain_text("Stadt Essen")  # members grouped by city
    assert_accessible(page)
    screenshot(page, "41-mitglieder")
    assert Membership.objects.get(network=network, user=outsider).state == MemberState.ACTIVE

    # They create a task for the colleague.
    page.locator(".network-tabs").get_by_role("link", name="Aufgaben").click()
    page.wait_for_url(f"{detail}aufgaben/")
    assert_accessible(page)
    task_form = page.locator("#main form[method=post]")
    task_form.locator("input[name=title]").fill(TASK)
    task_form.locator("select[name=assignee]").select_option(str(outsider.pk))
    task_form.locator("input[name=due]").fill("2031-03-31")
    task_form.get_by_role("button", name="Aufgabe anlegen").click()
    page.wait_for_url(f"{detail}aufgaben/")
    expect(_message(page)).to_contain_text(TASK)
    expect(page.locator("#main table")).to_contain_text(outsider.name)
    assert_accessible(page)
    assert Task.objects.get(network=network).assignee == outsider

    # The colleague sees it under "Meine Aufgaben".
    colleague.locator(".site-account summary").click()
    colleague.locator(".site-account__menu").get_by_role("link", name="Meine Aufgaben").click()
    colleague.wait_for_url(f"{base}/netzwerke/aufgaben/")
    tasks = colleague.locator("#main table")
    expect(tasks).to_contain_text(TASK)
    expect(tasks).to_contain_text(NAME)
    assert_accessible(colleague)
    screenshot(colleague, "42-meine-aufgaben")

    # The colleague uploads a working document; the coordinator downloads it.
    pdf = tmp_path / "leitfaden-baumrigolen.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% Leitfaden Baumrigolen\n" + b"0" * 64 + b"\n%%EOF\n")
    colleague.goto(f"{detail}dokumente/")
    assert_accessible(colleague)
    upload = colleague.locator("#main form[method=post]")
    upload.locator("input[name=title]").fill("Leitfaden Entwurf")
    upload.locator("input[name=file]").set_input_files(str(pdf))
    upload.get_by_role("button", name="Hochladen").click()
    colleague.wait_for_url(f"{detail}dokumente/")
    expect(_message(colleague)).to_contain_text("Leitfaden Entwurf")
    assert_accessible(colleague)

    page.locator(".network-tabs").get_by_role("link", name="Dokumente").click()
    page.wait_for_url(f"{detail}dokumente/")
    expect(page.locator("#main table")).to_contain_text("Leitfaden Entwurf")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Version 1 herunterladen").click()
    download = download_info.value
    assert download.suggested_filename == "leitfaden-baumrigolen.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == pdf.read_bytes()

    # The coordinator dissolves the network with a summary, in two steps.
    page.goto(detail)
    assert_accessible(page)
    page.get_by_role("link", name="Netzwerk beenden").click()
    page.wait_for_url(f"{detail}beenden/")
    assert_accessible(page)
    end_form = page.locator("#main form")
    end_form.locator("input[name=outcome][value=dissolve]").check()
    end_form.locator("textarea[name=summary]").fill(SUMMARY)
    end_form.locator("textarea[name=results]").fill("https://wissen.example/baumrigolen")
    end_form.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.wait_for_url(f"{detail}beenden/")
    expect(page.locator("#main h1")).to_have_text("Netzwerk auflösen?")
    expect(page.locator("#main")).to_contain_text(SUMMARY)
    assert_accessible(page)
    screenshot(page, "43-aufloesen-bestaetigen")
    assert Network.objects.get(pk=network.pk).status == Status.ACTIVE  # not yet
    page.get_by_role("button", name="Ja, Netzwerk auflösen").click()
    page.wait_for_url(detail)
    assert Network.objects.get(pk=network.pk).status == Status.DISSOLVED

    # The page is now a read-only archive with the summary, and offers nothing to write.
    for viewer in (page, colleague):
        if viewer is colleague:
            viewer.goto(detail)
        archive = viewer.locator(".network-archive")
        expect(archive).to_contain_text("Schreibgeschütztes Archiv")
        expect(archive).to_contain_text(SUMMARY)
        expect(archive.get_by_role("link", name="https://wissen.example/baumrigolen")
               ).to_be_visible()
        actions = viewer.locator("#main .network-actions")
        expect(actions.locator("button, a")).to_have_count(0)
        expect(viewer.locator(f"#main form[action^='/netzwerke/{network.slug}/']")
               ).to_have_count(0)
        assert_accessible(viewer)
    screenshot(page, "44-archiv")
    page.locator(".network-tabs").get_by_role("link", name="Aufgaben").click()
    page.wait_for_url(f"{detail}aufgaben/")
    expect(page.locator(".network-archive-note")).to_be_visible()
    expect(page.locator("#main form[method=post]")).to_have_count(0)
    assert_accessible(page)
