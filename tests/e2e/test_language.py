"""Journey 4: German by default; the switch in the header turns the pages English and back."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _in(language, text):
    # What the server renders in that language. While the German catalogue is not compiled
    # yet this is the English source: then only the lang attribute tells the languages apart.
    with translation.override(language):
        return translation.gettext(text)


def _switch_to(page, language):
    page.locator(f"header form.site-language button[lang={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_language_switch_turns_the_pages_english_and_back_to_german(page, live_server, member):
    page.goto(f"{live_server.url}/konto/login/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#main h1")).to_have_text(_in("de", "Sign in to the intranet"))
    assert_accessible(page)

    _switch_to(page, "en")
    expect(page).to_have_url(f"{live_server.url}/konto/login/")
    expect(page.locator("#main h1")).to_have_text("Sign in to the intranet")
    expect(page.locator("header form.site-language button[lang=de]")).to_contain_text("Deutsch")
    assert_accessible(page)
    screenshot(page, "30-login-english")

    # The choice holds across the sign-in, over the profile's language (German).
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".kern-preline").first).to_have_text("My workspace")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("People")
    assert_accessible(page)

    _switch_to(page, "de")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".kern-preline").first).to_have_text(_in("de", "My workspace"))
    expect(page.locator("header form.site-language button[lang=en]")).to_contain_text("English")
    assert_accessible(page)
    screenshot(page, "31-start-deutsch")


def test_signed_in_person_sees_the_language_of_their_profile(page, live_server, member):
    member.language = "en"
    member.save(update_fields=["language"])
    sign_in(page, live_server, member, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".kern-preline").first).to_have_text("My workspace")
    assert_accessible(page)
