"""Journey 2: an invited person accepts the link, chooses a password and is signed in."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from intranet.accounts import services
from tests.e2e.helpers import assert_accessible, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Gruendach-Zisterne-2026"


def test_invited_person_sets_a_password_lands_on_profile_and_the_link_then_expires(
        page, live_server, coordinator):
    invitation = services.invitation_create(
        inviter=coordinator, email="nina@bochum.example", name="Nina Neu",
        organisation=coordinator.organisation, roles=["member"])
    link = f"{live_server.url}/einladung/{services.invitation_token(invitation)}/"

    page.goto(link)
    expect(page.locator("#main h1")).to_be_visible()
    expect(page.locator("#id_email")).to_have_value("nina@bochum.example")
    expect(page.locator("input[name=name]")).to_have_value("Nina Neu")
    assert_accessible(page)
    screenshot(page, "10-einladung")

    page.fill("input[name=name]", "Nina Neumann")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.click("#main form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/profil/")
    expect(page.locator(".site-account summary")).to_contain_text("Nina Neumann")
    expect(page.locator(".site-messages")).to_contain_text("Nina Neumann")
    expect(page.locator("#main form input[name=name]")).to_have_value("Nina Neumann")
    assert_accessible(page)
    screenshot(page, "11-profil-bearbeiten")
    person = get_user_model().objects.get(email="nina@bochum.example")
    assert person.check_password(NEW_PASSWORD)
    assert person.organisation == coordinator.organisation

    response = page.goto(link)
    assert response.status == 404
    expect(page.locator("#main h1")).to_be_visible()
    expect(page.locator("#main form input[name=password1]")).to_have_count(0)
    expect(page.locator("#main a[href='/konto/login/']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "12-einladung-ungueltig")


def test_invitation_with_too_short_password_shows_the_error_at_the_field(
        page, live_server, coordinator):
    invitation = services.invitation_create(
        inviter=coordinator, email="nina@bochum.example", name="Nina Neu",
        organisation=coordinator.organisation, roles=["member"])
    page.goto(f"{live_server.url}/einladung/{services.invitation_token(invitation)}/")
    page.fill("input[name=password1]", "kurz")
    page.fill("input[name=password2]", "kurz")
    page.click("#main form button[type=submit]")

    password = page.locator("input[name=password1]")
    expect(password).to_have_attribute("aria-invalid", "true")
    error_id = password.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_be_visible()
    assert not get_user_model().objects.filter(email="nina@bochum.example").exists()
    assert_accessible(page)
    screenshot(page, "13-einladung-fehler")
