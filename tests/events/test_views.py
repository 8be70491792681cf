"""The events' pages: calendar, event page, form, participants and their export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation

from intranet.events.models import Event, Registration
from intranet.events.services import event_cancel, registration_create
from tests.events.conftest import in_days

pytestmark = pytest.mark.django_db


def test_the_navigation_leads_to_the_calendar(client_for, member):
    page = client_for(member).get(reverse("home")).content.decode()
    assert 'href="/termine/"' in page


def test_calendar_lists_upcoming_events_by_month_and_filters_by_kind_and_mine(
        client_for, member, make_event):
    steering = make_event(kind="steering", title="Steuerungsrunde", start=in_days(3))
    coordinators = make_event(kind="coordinators", title="Koordinationstreffen",
                              start=in_days(40))
    past = make_event(title="Vergangenes Treffen", start=in_days(-3))
    registration_create(event=coordinators, user=member)
    client = client_for(member)
    page = client.get(reverse("events:calendar")).content.decode()
    assert steering.title in page and coordinators.title in page
    assert past.title not in page
    months = {steering.start.astimezone(datetime.UTC).month,
              coordinators.start.astimezone(datetime.UTC).month}
    assert page.count('class="kern-heading-small" id="month-') == len(months)
    only_steering = client.get(reverse("events:calendar"), {"kind": "steering"})
    assert coordinators.title not in only_steering.content.decode()
    mine = client.get(reverse("events:calendar"), {"mine": "on"}).content.decode()
    assert coordinators.title in mine and steering.title not in mine
    archive = client.get(reverse("events:calendar"), {"past": "on"}).content.decode()
    assert past.title in archive and steering.title not in archive


def test_event_page_shows_places_and_lets_people_register_and_cancel(
        client_for, member, make_event, make_people):
    event = make_event(capacity=40)
    for person in make_people(12):
        registration_create(event=event, user=person)
    client = client_for(member)
    with translation.override("de"):
        page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "12" in page and "40" in page
    assert reverse("events:register", args=[event.pk]) in page
    response = client.post(reverse("events:register", args=[event.pk]))
    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=member).status == "registered"
    page = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:unregister", args=[event.pk]) in page
    assert reverse("event_ics", args=[event.pk]) in page
    client.post(reverse("events:unregister", args=[event.pk]))
    assert Registration.objects.get(event=event, user=member).status == "cancelled"


def test_a_full_event_offers_the_waitlist_and_shows_the_place_in_it(
        client_for, member, make_event, make_people):
    event = make_event(capacity=1)
    first, second = make_people(2)
    registration_create(event=event, user=first)
    registration_create(event=event, user=second)
    client = client_for(member)
    client.post(reverse("events:register", args=[event.pk]))
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == "waitlisted"
    response = client.get(event.get_absolute_url())
    assert response.context["event"].my_waitlist_position == 2


def test_registration_after_the_deadline_is_refused_with_a_message(
        client_for, member, make_event):
    event = make_event(start=in_days(2), registration_deadline=in_days(1))
    Event.objects.filter(pk=event.pk).update(registration_deadline=in_days(-1))
    client = client_for(member)
    page = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:register", args=[event.pk]) not in page
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert response.status_code == 200
    assert not Registration.objects.filter(event=event, user=member).exists()
    assert len(list(response.context["messages"])) == 1


def _form_data(**overrides):
    start = in_days(14).astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    data = {"kind": "coordinators", "title": "Koordinationstreffen", "description": "",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "venue": "Rathaus", "address": "", "online_url": "", "audience": "everyone",
            "capacity": "20", "registration_deadline": ""}
    data.update(overrides)
    return data


def test_coordinators_create_an_event_and_organise_it(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("events:create")).status_code == 200
    response = client.post(reverse("events:create"), _form_data())
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert list(event.organisers.all()) == [coordinator]
    assert event.capacity == 20


def test_members_without_a_network_to_lead_may_not_create_events(client_for, member):
    assert client_for(member).get(reverse("events:create")).status_code == 403


@pytest.mark.parametrize(("overrides", "field"), [
    ({"end": "2020-01-01T10:00"}, "end"),
    ({"capacity": "0"}, "capacity"),
    ({"registration_deadline": "2099-01-01T10:00"}, "registration_deadline"),
    ({"start": "kein Datum"}, "start"),
    ({"audience": "cities"}, "cities"),
    ({"audience": "people", "people": "niemand@nirgendwo.example"}, "people"),
])
def test_bad_input_gets_a_german_message_at_its_field(client_for, coordinator, overrides,
                                                       field):
    response = client_for(coordinator).post(reverse("events:create"), _form_data(**overrides),
                                            HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert not Event.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()
    if field == "start":
        assert "gültig" in errors[field][0]  # Django's own German
    if field == "capacity":
        assert "größer oder gleich 1" in errors[field][0]


def test_organisers_edit_the_event_and_its_sequence_rises(client_for, coordinator, make_event):
    event = make_event(actor=coordinator)
    client = client_for(coordinator)
    assert client.get(reverse("events:edit", args=[event.pk])).status_code == 200
    response = client.post(reverse("events:edit", args=[event.pk]),
                           _form_data(title="Verschoben", organisers=coordinator.email))
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title == "Verschoben" and event.sequence == 1


def test_organisers_cancel_the_event(client_for, coordinator, member, make_event):
    event = make_event(actor=coordinator)
    registration_create(event=event, user=member)
    client_for(member).post(reverse("events:cancel", args=[event.pk]))
    event.refresh_from_db()
    assert not event.is_cancelled  # a participant may not
    client_for(coordinator).post(reverse("events:cancel", args=[event.pk]),
                                 {"reason": "Krankheit"})
    event.refresh_from_db()
    assert event.is_cancelled
    page = client_for(member).get(event.get_absolute_url()).content.decode()
    assert reverse("events:unregister", args=[event.pk]) not in page


def test_participants_export_as_csv_and_attendance_is_recorded(
        client_for, coordinator, make_event, make_people):
    event = make_event(actor=coordinator, capacity=2)
    people = make_people(3)
    people[0].name = "=HYPERLINK(\"x\")"
    people[0].save()
    for person in people:
        registration_create(event=event, user=person)
    client = client_for(coordinator)
    page = client.get(reverse("events:participants", args=[event.pk])).content.decode()
    assert people[2].name in page  # on the waitlist
    client.post(reverse("events:participants", args=[event.pk]),
                {"attended": [str(people[1].pk)]})
    assert set(Registration.objects.filter(event=event, attended=True).values_list(
        "user", flat=True)) == {people[1].pk}
    response = client.get(reverse("events:participants_csv", args=[event.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4
    assert rows[1][0].startswith("'=")  # no formula in a spreadsheet
    assert [row[1] for row in rows[1:]] == [p.email for p in people]
    assert rows[3][4] == "1"  # first on the waitlist


def test_cancelled_event_stays_visible_as_cancelled(client_for, member, make_event):
    event = make_event()
    event_cancel(event=event, actor=event.created_by)
    response = client_for(member).get(event.get_absolute_url())
    assert response.status_code == 200
    assert response.context["event"].is_cancelled


# --- Query counts -----------------------------------------------------------------------

def _fill(make_event, make_people, count, member):
    people = make_people(3)
    events = [make_event(title=f"Treffen {index}", start=in_days(2 + index), capacity=2)
              for index in range(count)]
    for event in events:
        for person in people:
            registration_create(event=event, user=person)
    registration_create(event=events[0], user=member)
    return events


@pytest.mark.parametrize("count", [1, 20])
def test_calendar_query_count_is_flat(client_for, member, make_event, make_people, count,
                                      django_assert_num_queries):
    _fill(make_event, make_people, count, member)
    client = client_for(member)
    client.get(reverse("events:calendar"))
    # 1 session, 2 user, 3 roles of the user (navigation, "new event"), 4 the networks the
    # person leads ("new event"), 5 count of the visible upcoming events, 6 the page of
    # events with network, host city, counts and the person's own registration (subqueries),
    # 7 unread notifications in the header
    with django_assert_num_queries(CALENDAR_QUERIES):
        response = client.get(reverse("events:calendar"))
    assert len(response.context["page"].object_list) == count


CALENDAR_QUERIES = 7


@pytest.mark.parametrize("count", [1, 20])
def test_event_page_query_count_is_flat(client_for, member, make_event, make_people, count,
                                        django_assert_num_queries):
    event = make_event(capacity=count)
    for person in make_people(count + 2):
        registration_create(event=event, user=person)
    client = client_for(member)
    client.get(event.get_absolute_url())
    # 1 session, 2 user, 3 the event with network, host city, counts and own registration
    # (subqueries), 4 mark the person's notifications about it read, 5 roles of the person,
    # 6 organisers (may they manage?), 7 organisers with their cities (listed), 8 agenda
    # items, 9 the minutes, 10 the decisions (their details only when there are some:
    # tests/events/test_records.py), 11 unread notifications in the header
    with django_assert_num_queries(EVENT_PAGE_QUERIES):
        response = client.get(event.get_absolute_url())
    assert response.context["event"].waitlist_count == 2


EVENT_PAGE_QUERIES = 11


def test_opening_the_event_marks_its_notifications_read(client_for, make_event, make_people):
    from intranet.events.services import registration_cancel
    from intranet.notifications.models import Notification

    event = make_event(capacity=1)
    first, second = make_people(2)
    registration_create(event=event, user=first)
    registration_create(event=event, user=second)
    registration_cancel(event=event, user=first)
    note = Notification.objects.get(recipient=second, event=event)
    assert note.read_at is None
    client_for(second).get(event.get_absolute_url())
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("count", [1, 20])
def test_participant_list_query_count_is_flat(client_for, coordinator, make_event,
                                              make_people, count, django_assert_num_queries):
    event = make_event(actor=coordinator, capacity=count)
    for person in make_people(count + 2):
        registration_create(event=event, user=person)
    client = client_for(coordinator)
    url = reverse("events:participants", args=[event.pk])
    client.get(url)
    # 1 session, 2 user, 3 the event with network and host city, 4 roles of the person,
    # 5 organisers (may they manage?), 6 registrations with people and their cities,
    # 7 unread notifications in the header
    with django_assert_num_queries(PARTICIPANT_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["registered"]) == count
    assert len(response.context["waitlisted"]) == 2


PARTICIPANT_LIST_QUERIES = 7
