"""iCalendar: one event, and the personal calendar feed of API.md."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from intranet.accounts.services import feed_token_reset
from intranet.events.selectors import FEED_PAST_DAYS, event_list_visible_to
from intranet.events.services import event_cancel, event_update, registration_create
from networks.models import Visibility
from networks.services import network_found
from tests.events.conftest import in_days

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def _feed(client, person, **params) -> icalendar.Calendar:
    return _parse(client.get(reverse("calendar_feed", args=[person.feed_token]), params))


def test_event_ics_is_valid_with_berlin_time_zone_and_stable_uid(client_for, member,
                                                                 make_event):
    # A summer date: the wall-clock time must survive the change to summer time.
    start = datetime.datetime(2031, 7, 3, 10, 0, tzinfo=BERLIN)
    event = make_event(start=start, end=start + datetime.timedelta(hours=2),
                       venue="Rathaus Bochum", address="Willy-Brandt-Platz 2",
                       online_url="https://konferenz.example.org/raum")
    calendar = _parse(client_for(member).get(reverse("event_ics", args=[event.pk])))
    [vevent] = calendar.walk("VEVENT")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime(2031, 7, 3, 10)
    assert vevent.decoded("DTSTART") == start
    assert str(vevent["UID"]).startswith(f"event-{event.pk}@")
    assert vevent["SEQUENCE"] == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert "Rathaus Bochum" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(event.get_absolute_url())


def test_updated_and_cancelled_events_keep_their_uid_with_a_higher_sequence(
        client_for, member, make_event):
    event = make_event()
    client = client_for(member)

    def current():
        [vevent] = _parse(client.get(reverse("event_ics", args=[event.pk]))).walk("VEVENT")
        return str(vevent["UID"]), int(vevent["SEQUENCE"]), str(vevent["STATUS"])

    uid, first, _ = current()
    event_update(event=event, actor=event.created_by, title="Neuer Titel")
    assert current()[:2] == (uid, first + 1)
    event_cancel(event=event, actor=event.created_by)
    assert current() == (uid, first + 2, "CANCELLED")


def test_the_feed_holds_exactly_the_events_its_owner_may_see(
        client, member, outsider, coordinator, make_event, city):
    everyone = make_event(title="Für alle")
    bochum = make_event(title="Für Bochum", audience="cities", cities=[city])
    secret = network_found(founder=coordinator, name="Vertraulich", mandate="M",
                           visibility=Visibility.CONFIDENTIAL)
    make_event(actor=coordinator, title="Vertrauliches Treffen", kind="network",
               network=secret, audience="network")
    cancelled = make_event(title="Abgesagt")
    event_cancel(event=cancelled, actor=cancelled.created_by)
    old = make_event(title="Lange her", start=in_days(-FEED_PAST_DAYS - 5))
    for person in (member, outsider, coordinator):
        calendar = _feed(client, person)
        titles = {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")}
        expected = set(event_list_visible_to(user=person).exclude(pk=old.pk).values_list(
            "title", flat=True))
        assert titles == expected, person
        assert len(calendar.walk("VTIMEZONE")) == 1
    assert {str(v["SUMMARY"]) for v in _feed(client, outsider).walk("VEVENT")} == {
        everyone.title, cancelled.title}
    assert bochum.title in {str(v["SUMMARY"]) for v in _feed(client, member).walk("VEVENT")}
    statuses = {str(v["SUMMARY"]): str(v["STATUS"]) for v in _feed(client, member).walk(
        "VEVENT")}
    assert statuses[cancelled.title] == "CANCELLED"


def test_the_feed_can_be_narrowed_to_my_events(client, member, make_event):
    mine = make_event(title="Angemeldet")
    make_event(title="Nicht angemeldet")
    registration_create(event=mine, user=member)
    titles = {str(v["SUMMARY"]) for v in _feed(client, member, mine="1").walk("VEVENT")}
    assert titles == {mine.title}


def test_an_empty_feed_still_parses_and_names_its_zone(client, member):
    calendar = _feed(client, member)
    assert calendar.walk("VEVENT") == []
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_renewed_or_unknown_token_gets_404(client, member, make_event):
    make_event()
    old = member.feed_token
    feed_token_reset(user=member)
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=["unbekannt"])).status_code == 404
    member.refresh_from_db()
    assert client.get(reverse("calendar_feed", args=[member.feed_token])).status_code == 200


def test_inactive_people_have_no_feed(client, member, make_event):
    make_event()
    member.is_active = False
    member.save()
    assert client.get(reverse("calendar_feed", args=[member.feed_token])).status_code == 404
