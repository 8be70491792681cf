"""Events' services: registration with capacity and waitlist, cancellation, changes,
attendance and reminders (on the default SQLite; the race itself is in test_concurrency)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from intranet.core.errors import ConflictError
from intranet.core.models import AuditEntry
from intranet.events.models import Registration, RegistrationStatus
from intranet.events.selectors import waitlist_position
from intranet.events.services import (
    attendance_record,
    event_cancel,
    event_reminders_send,
    event_update,
    registration_cancel,
    registration_create,
)
from intranet.notifications.models import Frequency, Kind, Notification
from intranet.notifications.services import preferences_update
from tests.events.conftest import in_days

pytestmark = pytest.mark.django_db


def _statuses(event):
    return list(Registration.objects.filter(event=event).exclude(
        status=RegistrationStatus.CANCELLED).order_by("pk").values_list("user__name", "status"))


def test_registrations_beyond_capacity_go_to_the_waitlist_in_order(make_event, make_people):
    event = make_event(capacity=2)
    people = make_people(4)
    results = [registration_create(event=event, user=person) for person in people]
    assert [r.status for r in results] == ["registered", "registered", "waitlisted",
                                           "waitlisted"]
    assert [waitlist_position(r) for r in results] == [None, None, 1, 2]


def test_registering_twice_changes_nothing(make_event, member):
    event = make_event(capacity=1)
    first = registration_create(event=event, user=member)
    again = registration_create(event=event, user=member)
    assert again.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_a_cancellation_moves_the_first_on_the_waitlist_up_and_tells_only_them(
        make_event, make_people, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    first, second, third = make_people(3)
    for person in (first, second, third):
        registration_create(event=event, user=person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(event=event, user=first)
    assert [r.user for r in promoted] == [second]
    assert dict(_statuses(event)) == {
        second.name: "registered", third.name: "waitlisted"}
    notes = Notification.objects.filter(kind=Kind.EVENT)
    assert [n.recipient for n in notes] == [second]
    assert event.title in notes.get().text
    assert [m.to for m in mail.outbox] == [[second.email]]
    third_registration = Registration.objects.get(event=event, user=third)
    assert waitlist_position(third_registration) == 1


def test_leaving_the_waitlist_promotes_nobody_and_keeps_the_order(make_event, make_people):
    event = make_event(capacity=1)
    people = make_people(4)
    for person in people:
        registration_create(event=event, user=person)
    assert registration_cancel(event=event, user=people[2]) == []
    registration_cancel(event=event, user=people[0])
    assert Registration.objects.get(event=event, user=people[1]).status == "registered"
    assert waitlist_position(Registration.objects.get(event=event, user=people[3])) == 1


def test_one_can_register_again_after_cancelling_and_joins_the_end_of_the_queue(
        make_event, make_people):
    event = make_event(capacity=1)
    a, b, c = make_people(3)
    for person in (a, b, c):
        registration_create(event=event, user=person)
    registration_cancel(event=event, user=c)
    again = registration_create(event=event, user=c)
    assert again.status == "waitlisted"
    registration_cancel(event=event, user=a)
    assert Registration.objects.get(event=event, user=b, status__in=["registered"])
    assert waitlist_position(again) == 1


def test_registration_closes_at_the_deadline_with_a_conflict(make_event, member):
    event = make_event(start=in_days(3), registration_deadline=in_days(1))
    type(event).objects.filter(pk=event.pk).update(
        registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    event.refresh_from_db()
    with pytest.raises(ConflictError, match="deadline|Anmeldeschluss"):
        registration_create(event=event, user=member)


def test_people_outside_the_audience_cannot_register(make_event, member, outsider, city):
    event = make_event(audience="cities", cities=[city])
    assert registration_create(event=event, user=member).status == "registered"
    with pytest.raises(PermissionDenied):
        registration_create(event=event, user=outsider)


def test_cancelling_the_event_tells_registered_and_waiting_people(make_event, make_people):
    event = make_event(capacity=1)
    people = make_people(2)
    for person in people:
        registration_create(event=event, user=person)
    event_cancel(event=event, actor=event.created_by, reason="Der Raum ist nicht verfügbar.")
    event.refresh_from_db()
    assert event.is_cancelled and event.sequence == 1
    told = set(Notification.objects.filter(event=event).values_list("recipient", flat=True))
    assert told == {p.pk for p in people}
    with pytest.raises(ConflictError):
        registration_create(event=event, user=make_people(1)[0])
    with pytest.raises(ConflictError):
        event_update(event=event, actor=event.created_by, title="Neu")


def test_updates_raise_the_sequence_and_more_places_move_people_up(make_event, make_people):
    event = make_event(capacity=1)
    people = make_people(3)
    for person in people:
        registration_create(event=event, user=person)
    event_update(event=event, actor=event.created_by, capacity=2)
    event.refresh_from_db()
    assert event.sequence == 1
    assert Registration.objects.get(event=event, user=people[1]).status == "registered"
    assert Registration.objects.get(event=event, user=people[2]).status == "waitlisted"
    moved = event.start + datetime.timedelta(days=1)
    event_update(event=event, actor=event.created_by, start=moved,
                 end=moved + datetime.timedelta(hours=2))
    event.refresh_from_db()
    assert event.sequence == 2
    changed = Notification.objects.filter(event=event, text__contains=event.title).exclude(
        event_key__startswith="event:")
    assert {n.recipient_id for n in changed} == {p.pk for p in people}


def test_only_organisers_and_service_staff_change_an_event(make_event, member, coordinator):
    event = make_event(organisers=[coordinator])
    with pytest.raises(PermissionDenied):
        event_update(event=event, actor=member, title="Übernommen")
    event_update(event=event, actor=coordinator, title="Geändert")
    assert AuditEntry.objects.filter(action="event.update", target_id=str(event.pk)).exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"end_offset": -1}, "end"),
    ({"deadline_offset": 1}, "registration_deadline"),
    ({"capacity": 0}, "capacity"),
])
def test_bad_input_is_refused_at_its_field(make_event, fields, field):
    start = in_days(5)
    values = {"start": start, "end": start + datetime.timedelta(
        hours=fields.get("end_offset", 2))}
    if "deadline_offset" in fields:
        values["registration_deadline"] = start + datetime.timedelta(hours=1)
    if "capacity" in fields:
        values["capacity"] = fields["capacity"]
    with pytest.raises(ValidationError) as error:
        make_event(**values)
    assert field in error.value.message_dict


def test_a_network_meeting_needs_the_lead_of_that_network(make_event, coordinator, member):
    from networks.services import network_found

    network = network_found(founder=coordinator, name="Baumrigolen", mandate="M")
    with pytest.raises(PermissionDenied):
        make_event(actor=member, kind="network", network=network, audience="network")
    event = make_event(actor=coordinator, kind="network", network=network, audience="network")
    assert set(event.organisers.all()) == {coordinator}


def test_attendance_marks_exactly_the_people_ticked(make_event, make_people):
    event = make_event()
    people = make_people(3)
    for person in people:
        registration_create(event=event, user=person)
    assert attendance_record(event=event, actor=event.created_by,
                             attended_user_ids=[people[0].pk, people[2].pk]) == 2
    attended = set(Registration.objects.filter(event=event, attended=True).values_list(
        "user", flat=True))
    assert attended == {people[0].pk, people[2].pk}


# --- Reminders --------------------------------------------------------------------------

def test_reminders_go_out_a_week_and_a_day_before_and_only_once(
        make_event, make_people, django_capture_on_commit_callbacks):
    in_a_week = make_event(start=in_days(6, 12), title="In einer Woche")
    tomorrow = make_event(start=in_days(0, 20), title="Morgen")
    later = make_event(start=in_days(20), title="Später")
    people = make_people(2)
    for event in (in_a_week, tomorrow, later):
        for person in people:
            registration_create(event=event, user=person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send() == 4
    assert event_reminders_send() == 0  # the next hour: nothing again
    reminded = Notification.objects.filter(event_key__startswith="event-reminder:")
    assert sorted({n.event_id for n in reminded}) == sorted([in_a_week.pk, tomorrow.pk])
    assert len(mail.outbox) == 4
    # A day before the meeting of next week, its second reminder follows.
    assert event_reminders_send(now=in_a_week.start - datetime.timedelta(hours=20)) == 2


def test_reminders_honour_the_persons_choice(make_event, make_people,
                                             django_capture_on_commit_callbacks):
    event = make_event(start=in_days(0, 10))
    off, digest, default = make_people(3)
    preferences_update(user=off, frequencies={Kind.EVENT: Frequency.OFF})
    preferences_update(user=digest, frequencies={Kind.EVENT: Frequency.DAILY})
    for person in (off, digest, default):
        registration_create(event=event, user=person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_reminders_send()
    rows = {n.recipient_id: n.delivery for n in Notification.objects.filter(event=event)}
    assert rows == {digest.pk: Frequency.DAILY, default.pk: Frequency.IMMEDIATELY}
    assert [m.to for m in mail.outbox] == [[default.email]]


def test_waiting_and_cancelled_people_and_cancelled_events_get_no_reminder(
        make_event, make_people):
    full = make_event(start=in_days(0, 10), capacity=1)
    cancelled = make_event(start=in_days(0, 11))
    registered, waiting, gone = make_people(3)
    registration_create(event=full, user=registered)
    registration_create(event=full, user=waiting)
    registration_create(event=cancelled, user=gone)
    registration_create(event=full, user=gone)
    registration_cancel(event=full, user=gone)
    event_cancel(event=cancelled, actor=cancelled.created_by)
    event_reminders_send()
    reminded = Notification.objects.filter(event_key__startswith="event-reminder:")
    assert [(n.recipient_id, n.event_id) for n in reminded] == [(registered.pk, full.pk)]


def test_narrowing_the_audience_ends_the_registrations_of_those_left_out(
        make_event, member, outsider, city, make_people):
    event = make_event(capacity=1)
    registration_create(event=event, user=outsider)
    registration_create(event=event, user=member)  # waiting
    event_update(event=event, actor=event.created_by, audience="cities", cities=[city])
    assert Registration.objects.get(event=event, user=outsider).status == "cancelled"
    assert Registration.objects.get(event=event, user=member).status == "registered"


def test_a_co_organiser_who_does_not_lead_the_network_edits_its_meeting(
        make_event, coordinator, member):
    from networks.services import network_found

    network = network_found(founder=coordinator, name="Baumrigolen", mandate="M")
    event = make_event(actor=coordinator, kind="network", network=network, audience="network",
                       organisers=[member])
    event_update(event=event, actor=member, kind="network", network=network, title="Neu")
    event.refresh_from_db()
    assert event.title == "Neu"
    other = network_found(founder=coordinator, name="Tiny Forest", mandate="M")
    with pytest.raises(PermissionDenied):
        event_update(event=event, actor=member, network=other)
