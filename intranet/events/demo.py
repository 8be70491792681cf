"""Demo events for ``seed_demo``: the coming meetings of steering, the city coordinators and
the networks, with registrations, and one full meeting with a waitlist."""

import datetime

from django.db import transaction
from django.utils import timezone

from intranet.accounts.demo import DEMO_DOMAIN
from intranet.accounts.models import Organisation, User, UserRole
from networks.models import MemberState, Network, Status

from .models import Audience, Event, ForumEdition, Kind
from .permissions import can_register_for_event
from .services import event_create, forum_edition_create, registration_create

# The Expertenforum since 2015: (year, host city, theme, venue). Four demo cities have not
# hosted yet, so the host rotation has something to suggest.
FORUM_EDITIONS = [
    (2015, "essen", "Starkregen – Vorsorge in der Stadt", "Haus der Technik, Essen"),
    (2016, "dortmund", "Hitze in der Stadt: Hitzeaktionspläne für Kommunen",
     "Dietrich-Keuning-Haus, Dortmund"),
    (2017, "bochum", "Die Schwammstadt: Regenwasser zurückhalten, verdunsten, versickern",
     "Kulturzentrum Bahnhof Langendreer, Bochum"),
    (2018, "gelsenkirchen", "Baumrigolen und Straßenbäume im Klimawandel",
     "Wissenschaftspark, Gelsenkirchen"),
    (2019, "duisburg", "Entsiegelung: Schulhöfe, Parkplätze, Plätze",
     "Landschaftspark Duisburg-Nord"),
    (2020, "oberhausen", "Klimaanpassungskonzepte – vom Papier in die Umsetzung",
     "Online (wegen der Pandemie)"),
    (2021, "herne", "Dach- und Fassadenbegrünung fördern", "Kulturzentrum Herne"),
    (2022, "recklinghausen", "Starkregengefahrenkarten und Bürgerinformation",
     "Ruhrfestspielhaus, Recklinghausen"),
    (2023, "bottrop", "Kühle Orte und Hitzeschutz für vulnerable Gruppen",
     "Quadrat, Bottrop"),
    (2024, "gladbeck", "Wasser in der Stadt: offene Gräben, Mulden und Teiche",
     "Rathaus Gladbeck"),
    (2025, "luenen", "Klimaresiliente Gewerbegebiete", "Hansesaal, Lünen"),
    (2026, "dinslaken", "Förderung der Klimaanpassung: Anträge, Programme, Erfahrungen",
     "Kathrin-Türks-Halle, Dinslaken"),
]


def _forum_days(year: int) -> tuple[datetime.date, datetime.date]:
    """A Thursday and Friday in the middle of September."""
    day = datetime.date(year, 9, 10)
    day += datetime.timedelta(days=(3 - day.weekday()) % 7)
    return day, day + datetime.timedelta(days=1)


def seed_forum_editions(service) -> int:
    """The editions since 2015 (idempotent: only into an empty table)."""
    if ForumEdition.objects.exists():
        return 0
    cities = {o.slug: o for o in Organisation.objects.all()}
    created = 0
    for year, slug, theme, venue in FORUM_EDITIONS:
        if slug not in cities:
            continue
        start, end = _forum_days(year)
        forum_edition_create(
            actor=service, year=year, host_organisation=cities[slug], theme=theme,
            start_date=start, end_date=end, venue=venue,
            description=f"Zwei Tage Vorträge, Exkursionen und Werkstätten zum Thema "
                        f"„{theme}“. Die Ergebnisse und Präsentationen stehen in der "
                        f"Bibliothek.")
        created += 1
    return created


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
    if len(people) < 40:
        return 0
    by_email = {p.email: p for p in people}
    service = by_email.get("service@" + DEMO_DOMAIN)
    steering = by_email.get("steuerung@" + DEMO_DOMAIN)
    if service is None or steering is None:
        return 0
    forum_count = seed_forum_editions(service)  # also into a database seeded before
    if Event.objects.exists():
        return forum_count
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

    return len(created) + forum_count
