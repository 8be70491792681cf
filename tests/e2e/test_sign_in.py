"""Journey 1: a person signs in, and a wrong password keeps them out with a clear message."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitor_is_sent_to_sign_in_and_lands_on_the_start_page(
        page, live_server, member):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/konto/login/(\?next=(/|%2F))?$"))
    assert_accessible(page)
    screenshot(page, "01-anmeldung")

    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    # The header has the language switch form too: the sign-in form is the one in #main.
    page.click("#main form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("#main h1")).to_contain_text("Max")
    expect(page.locator(".site-account summary")).to_contain_text("Max Mitglied")
    assert_accessible(page)
    screenshot(page, "02-start")


def test_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(page, live_server, member):
    page.goto(f"{live_server.url}/konto/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", "Falsches-Passwort-123")
    page.click("#main form button[type=submit]")

    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/konto/login/"))
    error = page.locator("#main [role=alert]")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator(".site-account")).to_have_count(0)
    expect(page.locator("input[name=login]")).to_have_value(member.email)
    assert_accessible(page)
    screenshot(page, "03-anmeldung-fehler")
