"""Journey 3: a member finds a colleague by topic in the people finder and opens the profile."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, TopicFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def colleagues(lead, outsider):
    lead.topics.set([TopicFactory(slug="starkregenvorsorge", name="Starkregenvorsorge")])
    outsider.topics.set([TopicFactory(slug="hitzeaktionsplanung", name="Hitzeaktionsplanung")])
    return lead, outsider


def _filter_query(page):
    # The header has a search field named q too: the filter is the one in #main.
    return page.locator("#main form.filter-bar input[name=q]")


def test_member_finds_a_colleague_by_topic_with_htmx_and_opens_the_profile(
        page, live_server, member, colleagues):
    lead, outsider = colleagues
    sign_in(page, live_server, member, PASSWORD)
    page.goto(f"{live_server.url}/personen/")
    cards = page.locator("#people-results .person-card")
    expect(cards).to_have_count(3)
    assert_accessible(page)
    screenshot(page, "20-personen")

    # A mark on the window survives only if htmx swaps the results instead of a new page.
    page.evaluate("window.__stillTheSamePage = true")
    with page.expect_response(lambda r: "q=Starkregen" in r.url
                              and r.request.headers.get("hx-request") == "true") as answer:
        _filter_query(page).fill("Starkregen")
        _filter_query(page).press("Enter")
    assert answer.value.ok

    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(lead.name)
    expect(cards.first).to_contain_text("Starkregenvorsorge")
    expect(page.locator("#people-results")).not_to_contain_text(outsider.name)
    expect(page).to_have_url(re.compile(r"/personen/\?(.*&)?q=Starkregen(&|$)"))
    assert page.evaluate("window.__stillTheSamePage === true"), "the page was reloaded"
    expect(_filter_query(page)).to_have_value("Starkregen")
    assert_accessible(page)
    screenshot(page, "21-personen-gefiltert")

    cards.first.get_by_role("link", name=lead.name).click()
    page.wait_for_url(f"{live_server.url}/personen/{lead.pk}/")
    expect(page.locator("#main h1")).to_have_text(lead.name)
    expect(page.locator(f"#main a[href='mailto:{lead.email}']")).to_have_text(lead.email)
    assert_accessible(page)
    screenshot(page, "22-person")


def test_people_filter_works_without_javascript(
        no_js_page, page, live_server, member, colleagues):
    lead, outsider = colleagues
    sign_in(no_js_page, live_server, member, PASSWORD, check=False)
    no_js_page.goto(f"{live_server.url}/personen/")
    _filter_query(no_js_page).fill("Starkregen")
    _filter_query(no_js_page).press("Enter")

    no_js_page.wait_for_url(re.compile(r"/personen/\?(.*&)?q=Starkregen(&|$)"))
    cards = no_js_page.locator("#people-results .person-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(lead.name)
    expect(no_js_page.locator("#people-results")).not_to_contain_text(outsider.name)

    # axe-core needs JavaScript: check the very same address, signed in, in a page that has it.
    page.context.add_cookies(no_js_page.context.cookies())
    page.goto(no_js_page.url)
    expect(page.locator("#people-results .person-card")).to_have_count(1)
    assert_accessible(page)
