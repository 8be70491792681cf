"""The events' permission matrix: persona × audience × door (DESIGN §3, §8).

Every event carries its own canary in its title. For each door the test asks every
persona; the canary must show up exactly for the personas in ``SEES`` (or ``MANAGES`` for
the organisers' doors), written out by hand from the rules, not computed by the code
under test.
"""

import datetime

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from intranet.events.models import Registration
from intranet.events.permissions import can_view_event
from intranet.events.selectors import event_list_visible_to
from intranet.events.services import event_create, event_reminders_send
from intranet.notifications.delivery import send_due_notifications
from intranet.notifications.models import Frequency, Kind, Notification
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import membership_invite, membership_join, network_found
from tests.events.conftest import in_days

pytestmark = pytest.mark.django_db

PERSONAS = ["coordinator", "member", "lead", "outsider", "steering", "service_staff",
            "department_head", "admin"]
# coordinator: city coordinator of Bochum, leads both networks and organises their
# meetings; member: of Bochum, member of both networks; lead: of Bochum, in no network;
# outsider: of Essen; steering: coordinator and steering of Bochum; service_staff: the
# service organisation (organises the other events); department_head: of Essen; admin:
# platform administrator only.
SEES = {
    "everyone": set(PERSONAS),
    "roles_steering": {"steering", "service_staff"},
    "cities_bochum": {"coordinator", "member", "lead", "steering", "service_staff"},
    "open_network": {"coordinator", "member", "service_staff"},
    "confidential_network": {"coordinator", "member"},
    "named_people": {"department_head", "service_staff"},
}
MANAGES = {
    "everyone": {"service_staff"},
    "roles_steering": {"service_staff"},
    "cities_bochum": {"service_staff"},
    "open_network": {"coordinator", "service_staff"},
    "confidential_network": {"coordinator"},
    "named_people": {"service_staff"},
}
DOORS = ["calendar", "mine", "event_page", "ical", "feed", "api_list", "api_detail",
         "api_register", "in_app", "email", "reminder"]
MANAGER_DOORS = ["participants", "csv"]


def _canary(kind: str) -> str:
    return f"KANARIE-EVENT-{kind.upper()}-4b2d"


def _network(coordinator, member, visibility):
    network = network_found(founder=coordinator, name=f"Netz {visibility}", mandate="M",
                            visibility=visibility)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    forget_grants(member)
    return network


@pytest.fixture
def world(coordinator, member, lead, outsider, steering, service_staff, department_head,
          admin, city):
    people = {"coordinator": coordinator, "member": member, "lead": lead,
              "outsider": outsider, "steering": steering, "service_staff": service_staff,
              "department_head": department_head, "admin": admin}
    open_network = _network(coordinator, member, Visibility.OPEN)
    confidential = _network(coordinator, member, Visibility.CONFIDENTIAL)
    audiences = {
        "everyone": (service_staff, {}),
        "roles_steering": (service_staff, {"audience": "roles", "roles": ["steering"]}),
        "cities_bochum": (service_staff, {"audience": "cities", "cities": [city]}),
        "open_network": (coordinator, {"kind": "network", "audience": "network",
                                       "network": open_network}),
        "confidential_network": (coordinator, {"kind": "network", "audience": "network",
                                               "network": confidential}),
        "named_people": (service_staff, {"audience": "people",
                                         "people": [department_head]}),
    }
    start = in_days(0, 12)  # inside the reminders' "a day before" window
    events = {}
    for name, (organiser, fields) in audiences.items():
        fields.setdefault("kind", "coordinators")
        events[name] = event_create(actor=organiser, title=_canary(name), start=start,
                                    end=start + datetime.timedelta(hours=2), **fields)
    return people, events


def _shown(response, canary) -> bool:
    """200 shows the canary; anything else must be the plain 404 that never names it."""
    body = response.content.decode()
    if response.status_code in (200, 201):
        assert canary in body or response["Content-Type"].startswith("application/json")
        return True
    assert response.status_code == 404, response.status_code
    assert canary not in body
    return False


def _stale(person, event, canary, delivery=Frequency.IMMEDIATELY):
    """A notification as if written when the person could still see the event: the door
    must ask again when it shows or sends it."""
    Notification.objects.create(recipient=person, event=event, network=event.network,
                                text=f"Geändert: {canary}", url=event.get_absolute_url(),
                                kind=Kind.EVENT, delivery=delivery)


def _door_shows(door, client, person, event, canary) -> bool:
    if door == "calendar":
        return canary in client.get(reverse("events:calendar")).content.decode()
    if door == "mine":
        # Registered by hand, as if before losing sight of it: "mine" still asks the rule.
        Registration.objects.create(event=event, user=person)
        shown = canary in client.get(reverse("events:calendar"), {"mine": "on"}
                                     ).content.decode()
        Registration.objects.filter(event=event, user=person).delete()
        return shown
    if door == "event_page":
        return _shown(client.get(reverse("events:detail", args=[event.pk])), canary)
    if door == "ical":
        response = client.get(reverse("event_ics", args=[event.pk]))
        if response.status_code == 200:
            calendar = icalendar.Calendar.from_ical(response.content)
            return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [canary]
        return _shown(response, canary)
    if door == "feed":
        body = client.get(reverse("calendar_feed", args=[person.feed_token])).content
        titles = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
        return canary in titles
    if door == "api_list":
        return canary in client.get(reverse("api_events")).content.decode()
    if door == "api_detail":
        return _shown(client.get(reverse("api_event", args=[event.pk])), canary)
    if door == "api_register":
        response = client.post(reverse("api_event_registration", args=[event.pk]))
        if response.status_code in (201, 403, 409):
            return True  # it exists for them: registered, or told why not
        return _shown(response, canary)
    if door == "in_app":
        _stale(person, event, canary)
        return canary in client.get(reverse("notifications:list")).content.decode()
    if door == "email":
        _stale(person, event, canary)
        mail.outbox.clear()
        send_due_notifications(batch=50)
        return any(canary in m.subject + m.body for m in mail.outbox if m.to == [person.email])
    if door == "reminder":
        Registration.objects.create(event=event, user=person)
        event_reminders_send()
        return Notification.objects.filter(recipient=person, event=event,
                                           event_key__startswith="event-reminder:").exists()
    raise AssertionError(door)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("audience", list(SEES))
def test_each_persona_sees_the_event_through_each_door_exactly_when_allowed(
        world, client_for, audience, door):
    people, events = world
    event, canary = events[audience], _canary(audience)
    seen = {name for name in PERSONAS
            if _door_shows(door, client_for(people[name]), people[name], event, canary)}
    assert seen == SEES[audience], f"{door}: {sorted(seen)} instead of {sorted(SEES[audience])}"


@pytest.mark.parametrize("door", MANAGER_DOORS)
@pytest.mark.parametrize("audience", list(SEES))
def test_only_organisers_and_service_staff_open_the_participant_list(
        world, client_for, audience, door):
    people, events = world
    event, canary = events[audience], _canary(audience)
    url = reverse("events:participants" if door == "participants"
                  else "events:participants_csv", args=[event.pk])
    opened = set()
    for name in PERSONAS:
        response = client_for(people[name]).get(url)
        if response.status_code == 200:
            opened.add(name)
            continue
        # Who sees the event but does not organise it: 403; everyone else the plain 404.
        assert response.status_code == (403 if name in SEES[audience] else 404), name
        assert canary not in response.content.decode()
    assert opened == MANAGES[audience]


def test_the_selector_and_the_predicate_agree_for_every_persona_and_event(world):
    people, events = world
    for person in people.values():
        visible = set(event_list_visible_to(user=person).values_list("pk", flat=True))
        for event in events.values():
            assert (event.pk in visible) == can_view_event(person, event), (person, event)


@pytest.mark.parametrize("door", ["calendar", "event_page", "ical", "feed", "api_detail",
                                  "participants"])
def test_anonymous_visitors_get_nothing(world, client, door):
    _people, events = world
    event = events["everyone"]
    urls = {
        "calendar": reverse("events:calendar"),
        "event_page": reverse("events:detail", args=[event.pk]),
        "ical": reverse("event_ics", args=[event.pk]),
        "feed": reverse("calendar_feed", args=["kein-schluessel"]),
        "api_detail": reverse("api_event", args=[event.pk]),
        "participants": reverse("events:participants", args=[event.pk]),
    }
    response = client.get(urls[door])
    assert response.status_code in {302, 401, 403, 404}
    assert _canary("everyone") not in response.content.decode()
