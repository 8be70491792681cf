"""Journey through the events (/termine/): a member finds a full meeting in the calendar,
joins its waitlist and sees the place in it; the organiser creates a meeting (a mistake
first, told at its field), sees the participants and records attendance. axe-core checks
every page. New strings may not be translated yet, so controls are found by URL or id.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intranet.events.models import Event, Registration
from intranet.events.services import event_create, registration_create
from tests.e2e.conftest import _new_context
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def full_meeting(coordinator, city):
    start = timezone.now() + datetime.timedelta(days=9)
    event = event_create(actor=coordinator, kind="coordinators",
                         title="Treffen der Stadtkoordinator:innen", start=start,
                         end=start + datetime.timedelta(hours=3), venue="Rathaus Bochum",
                         capacity=1)
    registration_create(event=event, user=UserFactory(organisation=city))
    return event


def test_member_joins_the_waitlist_and_the_organiser_sees_the_participants(
        page, browser, live_server, member, coordinator, full_meeting):
    sign_in(page, live_server, member, PASSWORD, check=False)
    page.goto(f"{live_server.url}/termine/")
    card = page.locator("#event-results li.board-card").filter(
        has=page.locator(f"a[href='/termine/{full_meeting.pk}/']"))
    expect(card).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "60-termine")

    card.locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/termine/{full_meeting.pk}/")
    assert_accessible(page)
    page.locator(f"form[action='/termine/{full_meeting.pk}/anmelden/'] button").click()
    page.wait_for_url(f"{live_server.url}/termine/{full_meeting.pk}/")
    assert Registration.objects.get(event=full_meeting, user=member).status == "waitlisted"
    expect(page.locator(f"form[action='/termine/{full_meeting.pk}/abmelden/']")).to_have_count(1)
    expect(page.locator("#h-registration + p")).to_contain_text("1")
    assert_accessible(page)
    screenshot(page, "61-termin-warteliste")

    organiser = _new_context(browser).new_page()
    sign_in(organiser, live_server, coordinator, PASSWORD, check=False)
    organiser.goto(f"{live_server.url}/termine/{full_meeting.pk}/teilnehmende/")
    expect(organiser.locator("#h-waitlist")).to_have_count(1)
    assert_accessible(organiser)
    organiser.locator("input[name=attended]").first.check()
    organiser.locator("#main form button[type=submit]").click()
    organiser.wait_for_url(f"{live_server.url}/termine/{full_meeting.pk}/teilnehmende/")
    assert Registration.objects.filter(event=full_meeting, attended=True).count() == 1
    screenshot(organiser, "62-termin-teilnehmende")
    organiser.context.close()


def test_organiser_creates_a_meeting_after_a_mistake_told_at_its_field(
        page, live_server, coordinator):
    sign_in(page, live_server, coordinator, PASSWORD, check=False)
    page.goto(f"{live_server.url}/termine/neu/")
    assert_accessible(page)
    start = timezone.localtime() + datetime.timedelta(days=20)
    page.fill("#id_title", "Arbeitstreffen Starkregen")
    page.select_option("#id_kind", "coordinators")
    page.fill("#id_start", start.strftime("%Y-%m-%dT10:00"))
    page.fill("#id_end", start.strftime("%Y-%m-%dT09:00"))  # before the start
    page.fill("#id_capacity", "12")
    page.locator("#main form button[type=submit]").first.click()
    expect(page.locator("#id_end")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_end_error")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "63-termin-fehler")
    page.fill("#id_end", start.strftime("%Y-%m-%dT12:00"))
    page.locator("#main form button[type=submit]").first.click()
    event = Event.objects.get(title="Arbeitstreffen Starkregen")
    page.wait_for_url(f"{live_server.url}/termine/{event.pk}/")
    assert event.capacity == 12 and list(event.organisers.all()) == [coordinator]
    assert_accessible(page)
