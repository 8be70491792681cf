"""Event notifications in the daily digest: re-checked at send time, in a fixed number of
queries however many events and audiences the batch holds."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.events.models import Audience
from intranet.events.services import event_update
from intranet.notifications.delivery import send_digests
from intranet.notifications.models import Frequency
from intranet.notifications.models import Kind as NotificationKind
from intranet.notifications.services import notify, preferences_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _people_on_daily_digests(city, count):
    people = [UserFactory(organisation=city, roles=["member"]) for _ in range(count)]
    for person in people:
        preferences_update(user=person, frequencies={NotificationKind.EVENT: Frequency.DAILY})
    return people


def _events_told_to(people, make_event, count, *, service_staff, other_city):
    """``count`` events, each of another audience, every one told to every person."""
    audiences = [
        {"audience": Audience.EVERYONE},
        {"audience": Audience.ROLES, "roles": ["member"]},
        {"audience": Audience.CITIES, "cities": [people[0].organisation, other_city]},
        {"audience": Audience.PEOPLE, "people": people},
    ]
    events = []
    for number in range(count):
        event = make_event(title=f"Treffen {number}", **audiences[number % len(audiences)])
        event.organisers.add(service_staff)
        notify(recipients=people, text=f"Neu: Treffen {number}", event=event,
               kind=NotificationKind.EVENT)
        events.append(event)
    return events


def _digest_queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        send_digests(frequency=Frequency.DAILY, **kwargs)
    return len(queries)


def test_a_digest_of_many_events_costs_as_many_queries_as_one(
        city, other_city, service_staff, make_event):
    people = _people_on_daily_digests(city, 3)
    _events_told_to(people, make_event, 1, service_staff=service_staff, other_city=other_city)
    one = _digest_queries()
    assert len(mail.outbox) == 3
    mail.outbox.clear()
    _events_told_to(people, make_event, 8, service_staff=service_staff, other_city=other_city)
    assert _digest_queries() == one
    assert len(mail.outbox) == 3
    assert all(f"Treffen {number}" in mail.outbox[0].body for number in range(8))


def test_a_digest_leaves_out_a_meeting_the_person_may_no_longer_see(
        city, service_staff, make_event):
    stays, leaves = _people_on_daily_digests(city, 2)
    meeting = make_event(actor=service_staff, audience=Audience.PEOPLE, people=[stays, leaves],
                         title="Vertraulich-Kanarienvogel-Treffen")
    notify(recipients=[stays, leaves], text="Neu: Vertraulich-Kanarienvogel-Treffen",
           event=meeting, kind=NotificationKind.EVENT)
    event_update(event=meeting, actor=service_staff, people=[stays])
    send_digests(frequency=Frequency.DAILY)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Kanarienvogel" in bodies[stays.email]
    assert "Kanarienvogel" not in bodies.get(leaves.email, "")
