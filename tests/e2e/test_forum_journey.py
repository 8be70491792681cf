"""Journey through the Expertenforum (issue 6): a member proposes an open-space session,
another person marks interest, an organiser places it into a room and a time slot; then a
person registers for the forum's event, cancels, and the first on the waitlist moves up
and sees it. axe-core checks every page visited. New strings may not be translated yet,
so controls are found by URL or id.
"""

import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone
from playwright.sync_api import expect

from intranet.events.models import OpenSpaceInterest, OpenSpaceSession, Registration
from intranet.events.services import (
    event_create,
    forum_edition_create,
    open_space_room_create,
    open_space_slot_create,
)
from intranet.notifications.models import Notification
from tests.e2e.conftest import _new_context
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the personas' second factor (tests/conftest.py)


def sign_in_with_second_factor(page, live_server, user):
    """Service staff sign in with their password and then the TOTP code."""
    page.goto(f"{live_server.url}/konto/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", format_hotp_value(hotp_value(TOTP_SECRET,
                                                               int(time.time()) // 30)))
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def forum(service_staff, city):
    """Next year's forum with its registration event (one place), two rooms, one slot."""
    year = timezone.localdate().year + 1
    first = datetime.date(year, 9, 16)
    start = timezone.now() + datetime.timedelta(days=30)
    event = event_create(actor=service_staff, kind="forum", title=f"Expertenforum {year}",
                         start=start, end=start + datetime.timedelta(days=1, hours=8),
                         venue="Rathaus Bochum", capacity=1)
    edition = forum_edition_create(actor=service_staff, year=year, host_organisation=city,
                                   theme="Schwammstadt", start_date=first,
                                   end_date=first + datetime.timedelta(days=1),
                                   venue="Rathaus Bochum", event=event)
    open_space_room_create(actor=service_staff, edition=edition, name="Ratssaal")
    open_space_slot_create(
        actor=service_staff, edition=edition,
        starts_at=timezone.make_aware(datetime.datetime.combine(first, datetime.time(10))),
        ends_at=timezone.make_aware(datetime.datetime.combine(first, datetime.time(11, 30))))
    return edition


def test_propose_mark_interest_schedule_register_cancel_and_the_waitlist_moves(
        page, browser, live_server, member, coordinator, service_staff, forum):
    base = live_server.url
    year = forum.year
    event = forum.event

    # 1. A member proposes a session from the edition page.
    sign_in(page, live_server, member, PASSWORD, check=False)
    page.goto(f"{base}/termine/expertenforum/{year}/")
    assert_accessible(page)
    page.locator(f"#main a[href='/termine/expertenforum/{year}/open-space/']").first.click()
    page.wait_for_url(f"{base}/termine/expertenforum/{year}/open-space/")
    assert_accessible(page)
    page.locator(f"a[href='/termine/expertenforum/{year}/open-space/vorschlagen/']").first.click()
    assert_accessible(page)
    page.locator("#main form button[type=submit]").first.click()  # empty: told at the field
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_title_error")).to_have_count(1)
    assert_accessible(page)
    page.fill("#id_title", "Wie finanzieren wir Baumrigolen?")
    page.fill("#id_description", "Förderprogramme oder Gebührenhaushalt – was hat geklappt?")
    page.locator("#main form button[type=submit]").first.click()
    session = OpenSpaceSession.objects.get()
    page.wait_for_url(f"{base}/termine/expertenforum/{year}/open-space/#session-{session.pk}")
    assert session.host == member
    expect(page.locator(f"#session-{session.pk}")).to_contain_text("Baumrigolen")
    assert_accessible(page)
    screenshot(page, "70-open-space-vorschlaege")

    # 2. Another person marks interest.
    other = _new_context(browser).new_page()
    sign_in(other, live_server, coordinator, PASSWORD, check=False)
    other.goto(f"{base}/termine/expertenforum/{year}/open-space/")
    interest = other.locator(
        f"form[action='/termine/expertenforum/{year}/open-space/{session.pk}/interesse/'] button")
    expect(interest).to_have_attribute("aria-pressed", "false")
    assert_accessible(other)
    interest.click()
    other.wait_for_url(f"{base}/termine/expertenforum/{year}/open-space/#session-{session.pk}")
    expect(interest).to_have_attribute("aria-pressed", "true")
    expect(other.locator(f"#interest-{session.pk}")).to_contain_text("1")
    assert OpenSpaceInterest.objects.filter(session=session, user=coordinator).count() == 1
    assert_accessible(other)

    # 3. An organiser places it into a room and a slot.
    organiser = _new_context(browser).new_page()
    sign_in_with_second_factor(organiser, live_server, service_staff)
    organiser.goto(f"{base}/termine/expertenforum/{year}/programm/")
    assert_accessible(organiser)
    row = organiser.locator(f"#place-{session.pk}")
    row.locator(f"#room-{session.pk}").select_option(label="Ratssaal")
    row.locator(f"#slot-{session.pk}").select_option(index=1)
    row.locator("button[type=submit]").click()
    organiser.wait_for_url(f"{base}/termine/expertenforum/{year}/programm/")
    session.refresh_from_db()
    assert session.room.name == "Ratssaal" and session.slot is not None
    grid = organiser.locator("table.open-space-grid")
    expect(grid.locator(f"#placed-{session.pk}")).to_contain_text("Baumrigolen")
    expect(grid.locator("caption")).to_have_count(1)
    assert_accessible(organiser)
    screenshot(organiser, "71-open-space-programm")
    organiser.context.close()

    # Everyone sees the programme.
    page.goto(f"{base}/termine/expertenforum/{year}/programm/")
    expect(page.locator(f"table.open-space-grid #placed-{session.pk}")).to_have_count(1)
    assert_accessible(page)

    # 4. The other person takes the forum's only place from the edition page ...
    other.goto(f"{base}/termine/expertenforum/{year}/")
    other.locator(f"#main a[href='/termine/{event.pk}/']").first.click()
    other.wait_for_url(f"{base}/termine/{event.pk}/")
    assert_accessible(other)
    other.locator(f"form[action='/termine/{event.pk}/anmelden/'] button").click()
    other.wait_for_url(f"{base}/termine/{event.pk}/")
    assert Registration.objects.get(event=event, user=coordinator).status == "registered"
    assert_accessible(other)

    # ... the member joins the waitlist ...
    page.goto(f"{base}/termine/{event.pk}/")
    page.locator(f"form[action='/termine/{event.pk}/anmelden/'] button").click()
    page.wait_for_url(f"{base}/termine/{event.pk}/")
    assert Registration.objects.get(event=event, user=member).status == "waitlisted"
    expect(page.locator("#h-registration + p")).to_contain_text("1")
    assert_accessible(page)

    # ... the other person cancels, and the member moves up and sees it.
    other.locator(f"form[action='/termine/{event.pk}/abmelden/'] button").click()
    other.wait_for_url(f"{base}/termine/{event.pk}/")
    assert Registration.objects.get(event=event, user=coordinator).status == "cancelled"
    assert_accessible(other)
    other.context.close()
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == "registered" and registration.promoted_at is not None
    assert Notification.objects.filter(recipient=member, event=event).exists()
    page.reload()
    expect(page.locator(f"form[action='/termine/{event.pk}/abmelden/']")).to_have_count(1)
    expect(page.locator(f"form[action='/termine/{event.pk}/anmelden/']")).to_have_count(0)
    expect(page.locator("#h-registration + p .kern-icon--success")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "72-forum-nachgerueckt")
