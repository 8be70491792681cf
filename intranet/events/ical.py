"""iCalendar (RFC 5545) of events: one event, or a person's calendar feed.

Times are written in Europe/Berlin with its VTIMEZONE, so calendars show the meeting at
the same wall-clock time across the change to and from summer time. The UID of an event
never changes; every change raises SEQUENCE, and a cancelled event stays in the feed with
STATUS:CANCELLED, so subscribed calendars update or remove it instead of keeping a copy.
"""

import datetime
import zoneinfo
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .models import Event

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
PRODID = "-//Klima.Werk//Termine//DE"
ZONE_FROM, ZONE_UNTIL = datetime.date(2015, 1, 1), datetime.date(2040, 1, 1)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def event_uid(event: Event) -> str:
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "klimawerk"
    return f"event-{event.pk}@{host}"


def _component(event: Event, stamp) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("dtstart", event.start.astimezone(BERLIN))
    component.add("dtend", event.end.astimezone(BERLIN))
    component.add("summary", event.title)
    description = event.description
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if description:
        component.add("description", description)
    location = event.location or event.online_url
    if location:
        component.add("location", location)
    component.add("url", _absolute(event.get_absolute_url()))
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("categories", [event.get_kind_display()])
    return component


def calendar_of(events, *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now()
    for event in events:
        calendar.add_component(_component(event, stamp))
    # The zone's rules from the first forum (2015) on: a shorter VTIMEZONE than 1970's.
    calendar.add_missing_timezones(first_date=ZONE_FROM, last_date=ZONE_UNTIL)
    if not calendar.timezones:  # an empty feed still names its zone
        calendar.add_component(icalendar.Timezone.from_tzid(
            "Europe/Berlin", first_date=ZONE_FROM, last_date=ZONE_UNTIL))
    return calendar.to_ical()


def ical_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
