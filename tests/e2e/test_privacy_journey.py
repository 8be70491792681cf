"""In the browser: a member exports their data, downloads the archive, then deletes their
account with their password; each page passes axe."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from intranet.accounts.privacy import former_user_name
from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.trust.privacy_helpers import own_media  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("own_media")]


def test_a_member_exports_their_data_and_then_deletes_the_account(
        page, live_server, member):
    sign_in(page, live_server, member, PASSWORD)
    page.goto(f"{live_server.url}/profil/einstellungen/")
    assert_accessible(page)

    page.locator("form[action='/profil/datenexport/'] button").click()
    page.wait_for_url(f"{live_server.url}/profil/einstellungen/")
    archive_link = page.locator("#main a[href^='/profil/datenexport/klimawerk-daten-']")
    expect(archive_link).to_have_count(1)
    assert_accessible(page)
    with page.expect_download() as download:
        archive_link.click()
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert "LIESMICH.txt" in archive.namelist()

    page.locator("#main a[href='/profil/konto-loeschen/']").click()
    page.wait_for_url(f"{live_server.url}/profil/konto-loeschen/")
    assert_accessible(page)
    page.locator("input[name=password]").fill("nicht-das-passwort")
    page.locator("input[name=confirm]").check()
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    member.refresh_from_db()
    assert member.is_active

    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=confirm]").check()
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/konto/login/**")
    member.refresh_from_db()
    assert (member.is_active, member.name) == (False, former_user_name())
