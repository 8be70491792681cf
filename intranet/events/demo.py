"""Demo events for ``seed_demo``: the coming meetings of steering, the city coordinators and
the networks, with registrations, and one full meeting with a waitlist."""

import datetime

from django.db import transaction
from django.utils import timezone

from intranet.accounts.demo import DEMO_DOMAIN
from intranet.accounts.models import Organisation, User, UserRole
from networks.models import MemberState, Network, Status

from .models import Audience, Event, Kind
from .permissions import can_register_for_event
from .services import event_create, registration_create


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A time of day ``days`` from today (the Monday after, if that is a weekend)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _register(event: Event, people) -> int:
    count = 0
    for person in people:
        if can_register_for_event(person, event):
            registration_create(event=event, user=person)
            count += 1
    return count


@transaction.atomic
def seed_events() -> int:
    people = list(User.objects.filter(email__endswith=DEMO_DOMAIN).select_related(
        "organisation").order_by("pk"))
    if Event.objects.exists() or len(people) < 40:
        return 0
    by_email = {p.email: p for p in people}
    service = by_email.get("service@" + DEMO_DOMAIN)
    steering = by_email.get("steuerung@" + DEMO_DOMAIN)
    if service is None or steering is None:
        return 0
    roles_of: dict[int, set[str]] = {}
    for user_id, role in UserRole.objects.values_list("user_id", "role"):
        roles_of.setdefault(user_id, set()).add(role)
    coordinators = [p for p in people if "coordinator" in roles_of.get(p.pk, ())]
    steering_people = [p for p in people if "steering" in roles_of.get(p.pk, ())]
    cities = {o.slug: o for o in Organisation.objects.all()}
    created = []

    for weeks in (2, 8):
        event = event_create(
            actor=service, kind=Kind.STEERING, title="Sitzung der Prozesssteuerung",
            description="Wie geht es den Netzwerken? Aktivität der Netzwerke, Beteiligung der "
                        "Städte, Unterstützungsbedarf. Unterlagen folgen eine Woche vorher.",
            start=_at(weeks * 7, 10), end=_at(weeks * 7, 12, 30),
            venue="Emscherhaus, Besprechungsraum 2", address="Kronprinzenstraße 24, 45128 Essen",
            online_url="https://konferenz.example.org/prozesssteuerung",
            audience=Audience.ROLES, roles=["steering", "service"], organisers=[steering],
            registration_deadline=_at(weeks * 7 - 3, 12))
        _register(event, steering_people)
        created.append(event)

    coordinators_meeting = event_create(
        actor=service, kind=Kind.COORDINATORS,
        title="Treffen der Stadtkoordinator:innen",
        description="Austausch der Städte: neue Netzwerk-Ideen, Einladungen, Themen für das "
                    "Expertenforum. Mit Mittagsimbiss.",
        start=_at(17, 9, 30), end=_at(17, 15), venue="Rathaus Bochum, Raum 112",
        address="Willy-Brandt-Platz 2–6, 44777 Bochum", host_organisation=cities.get("bochum"),
        audience=Audience.ROLES, roles=["coordinator"], capacity=30,
        registration_deadline=_at(12, 18))
    _register(coordinators_meeting, coordinators[:14])
    created.append(coordinators_meeting)

    networks = list(Network.objects.filter(status=Status.ACTIVE).exclude(
        visibility="confidential").order_by("pk"))
    for index, network in enumerate(networks[:4]):
        lead = network.founded_by
        members = [m.user for m in network.memberships.filter(
            state=MemberState.ACTIVE).select_related("user")]
        full = index == 0  # the first one is full and has a waitlist
        event = event_create(
            actor=lead, kind=Kind.NETWORK, network=network, audience=Audience.NETWORK,
            title=f"Arbeitstreffen {network.name}",
            description="Stand der Aufgaben, Entwürfe besprechen, nächste Schritte.",
            start=_at(10 + index * 9, 13), end=_at(10 + index * 9, 16),
            venue="" if index % 2 else "Stadtwerkehaus, Seminarraum",
            address="" if index % 2 else "Rüttenscheider Straße 27, 45128 Essen",
            online_url="https://konferenz.example.org/" + network.slug if index % 2 else "",
            capacity=5 if full else 20)
        _register(event, members)
        created.append(event)

    return len(created)
