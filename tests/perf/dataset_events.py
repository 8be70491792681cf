"""The events of the generated region or nation, over three years (two past, one to come).

Per year: the Expertenforum (for everyone), a process-steering meeting every month (roles
steering and service), the city coordinators every six weeks, the department heads every
quarter; the rest are network meetings (for the network's members; a tenth of the open
networks' meetings for everyone). About half the events have places and a registration
deadline; full ones have a waitlist; a few are cancelled. Registrations come from those
each meeting reaches; the member is registered for about half of the meetings they may
see. The measured event is a meeting of the workspace in ten days with 28 of 30 places
taken, the member among them.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from intranet.events.models import (
    Audience,
    AudienceRole,
    Event,
    Kind,
    Registration,
    RegistrationStatus,
)
from networks.models import Network, Status, Visibility

YEARLY = {Kind.FORUM: 1, Kind.STEERING: 12, Kind.COORDINATORS: 8, Kind.DEPARTMENT_HEADS: 4}
AUDIENCE_ROLES = {Kind.STEERING: ("steering", "service"), Kind.COORDINATORS: ("coordinator",),
                  Kind.DEPARTMENT_HEADS: ("department_head", "service")}
TITLES = {Kind.FORUM: "Expertenforum {year}", Kind.STEERING: "Sitzung der Prozesssteuerung",
          Kind.COORDINATORS: "Treffen der Stadtkoordinator:innen",
          Kind.DEPARTMENT_HEADS: "Dezernent:innen-Treffen",
          Kind.NETWORK: "Arbeitstreffen {network}"}
DESCRIPTION = ("Stand der Aufgaben, Entwürfe besprechen, nächste Schritte. Unterlagen folgen "
               "eine Woche vorher.")
VENUES = [("Emscherhaus, Besprechungsraum 2", "Kronprinzenstraße 24, 45128 Essen"),
          ("Rathaus Bochum, Raum 112", "Willy-Brandt-Platz 2–6, 44777 Bochum"),
          ("", "")]
CANCELLED_SHARE = 0.03
MEMBER_MEETINGS = 3  # of each of the member's networks besides the workspace
WORKSPACE_MEETINGS = 12
MEASURED_PLACES, MEASURED_TAKEN = 30, 28
BATCH = 2000


@dataclass
class Events:
    event: Event  # the measured one
    counts: dict[str, int]


def _schedule(total: int, rng: random.Random, now, networks: list[Network],
              member_networks: int) -> list[tuple[str, Network | None, object]]:
    """(kind, network, start) of every event but the measured one."""
    two_years, one_year = timedelta(days=730), timedelta(days=365)
    first = now - two_years

    def some_day():
        start = first + (two_years + one_year) * rng.random()
        return start.replace(minute=0, second=0, microsecond=0)

    planned = []
    for kind, per_year in YEARLY.items():
        planned += [(kind, None, some_day()) for _ in range(per_year * 3)]
    planned += [(Kind.NETWORK, networks[0], some_day()) for _ in range(WORKSPACE_MEETINGS)]
    for network in networks[1:member_networks + 1]:
        planned += [(Kind.NETWORK, network, some_day()) for _ in range(MEMBER_MEETINGS)]
    meeting = [n for n in networks if n.status != Status.DISSOLVED]
    while len(planned) < total - 1:
        planned.append((Kind.NETWORK, meeting[rng.randrange(len(meeting))], some_day()))
    planned.sort(key=lambda row: row[2])  # primary keys follow the dates
    return planned[:total - 1]


def _event(kind, network, start, rng, *, organiser_id: int, host_ids: list[int]) -> Event:
    audience = Audience.EVERYONE
    if kind == Kind.NETWORK:
        audience = (Audience.EVERYONE if network.visibility == Visibility.OPEN
                    and rng.random() < 0.1 else Audience.NETWORK)
    elif kind in AUDIENCE_ROLES:
        audience = Audience.ROLES
    hours = 8 if kind == Kind.FORUM else rng.choice((2, 3, 3, 4))
    venue, address = rng.choice(VENUES)
    event = Event(
        kind=kind, title=TITLES[kind].format(year=start.year,
                                             network=network.name if network else ""),
        description=DESCRIPTION, start=start, end=start + timedelta(hours=hours),
        venue=venue, address=address,
        online_url="" if venue else "https://konferenz.example.org/treffen",
        host_organisation_id=rng.choice(host_ids) if kind == Kind.FORUM else None,
        audience=audience, network_id=network.pk if network else None,
        created_by_id=organiser_id)
    if rng.random() < 0.5:
        event.capacity = rng.choice((20, 30, 40)) if kind != Kind.FORUM else 200
        event.registration_deadline = start - timedelta(days=3)
    if rng.random() < CANCELLED_SHARE:
        event.cancelled_at = start - timedelta(days=rng.randint(1, 20))
        event.sequence = 1
    return event


def _registrations(event: Event, people: list[int], rng: random.Random, *, now,
                   member_id: int | None, wanted: int | None = None) -> list[Registration]:
    """Those registered (and waiting, once full); the member first when given."""
    if wanted is None:
        wanted = rng.randint(3, 25) if event.kind != Kind.FORUM else rng.randint(60, 220)
    chosen = rng.sample(people, min(wanted, len(people)))
    if member_id is not None:
        chosen = [member_id, *(p for p in chosen if p != member_id)]
    rows, waiting = [], 0
    for n, user_id in enumerate(chosen):
        created_at = event.start - timedelta(days=rng.randint(4, 60), hours=n)
        if event.capacity is not None and n >= event.capacity:
            waiting += 1
            rows.append(Registration(event_id=event.pk, user_id=user_id, created_at=created_at,
                                     status=RegistrationStatus.WAITLISTED,
                                     waitlist_number=waiting))
        else:
            rows.append(Registration(event_id=event.pk, user_id=user_id, created_at=created_at,
                                     attended=event.end < now and rng.random() < 0.9))
    return rows


def generate_events(*, total: int, rng: random.Random, now, networks: list[Network],
                    member_networks: int, active_of: dict[int, list[int]],
                    person_ids: list[int], member_id: int, organiser_id: int,
                    host_ids: list[int]) -> Events:
    planned = _schedule(total, rng, now, networks, member_networks)
    member_sees = {n.pk for n in networks[:member_networks + 1]}
    events = [_event(kind, network, start, rng,
                     organiser_id=network.founded_by_id if network else organiser_id,
                     host_ids=host_ids)
              for kind, network, start in planned]
    start = (now + timedelta(days=10)).replace(hour=13, minute=0, second=0, microsecond=0)
    measured = Event(kind=Kind.NETWORK, title=TITLES[Kind.NETWORK].format(
        network=networks[0].name), description=DESCRIPTION, start=start,
        end=start + timedelta(hours=3), venue=VENUES[0][0], address=VENUES[0][1],
        audience=Audience.NETWORK, network_id=networks[0].pk, capacity=MEASURED_PLACES,
        registration_deadline=start - timedelta(days=3),
        created_by_id=networks[0].founded_by_id)
    events = Event.objects.bulk_create([*events, measured], batch_size=BATCH)

    roles, organisers, registrations = [], [], []
    through = Event.organisers.through
    for event in events:
        roles += [AudienceRole(event_id=event.pk, role=role)
                  for role in AUDIENCE_ROLES.get(event.kind, ()) if event.audience == "roles"]
        organisers.append(through(event_id=event.pk, user_id=event.created_by_id))
        reached = active_of[event.network_id] if event.network_id else person_ids
        mine = event.network_id in member_sees or event.audience == Audience.EVERYONE
        if event is measured:
            registrations += _registrations(
                event, [p for p in reached if p != member_id], rng, now=now,
                member_id=member_id, wanted=MEASURED_TAKEN - 1)
            continue
        registrations += _registrations(event, reached, rng, now=now, member_id=member_id
                                        if mine and rng.random() < 0.5 else None)
    AudienceRole.objects.bulk_create(roles, batch_size=BATCH)
    through.objects.bulk_create(organisers, batch_size=BATCH)
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    return Events(event=measured, counts={
        "events": len(events),
        "network meetings": sum(1 for e in events if e.kind == Kind.NETWORK),
        "registrations": len(registrations),
        "member registrations": sum(1 for r in registrations if r.user_id == member_id)})
