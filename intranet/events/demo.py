"""Demo events for ``seed_demo``: the coming meetings of steering, the city coordinators and
the networks, with registrations, and one full meeting with a waitlist."""

import datetime

from django.db import transaction
from django.utils import timezone

from intranet.accounts.demo import DEMO_DOMAIN
from intranet.accounts.models import Organisation, User, UserRole
from networks.models import MemberState, Network, Status

from .demo_planning import seed_forum
from .demo_records import seed_meeting_records
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
    forum_count += seed_forum(service)  # the coming edition's plan, photos of past ones
    forum_count += seed_open_space(service, people)  # sessions, proposals, grid
    if Event.objects.exists():
        return forum_count + seed_meeting_records(service=service)
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

    return len(created) + forum_count + seed_meeting_records(service=service)


# --- Open space of the Expertenforum ----------------------------------------------------

# Sessions of past editions: (title, question, results in Markdown). Each edition gets
# three of them, in turn, so the history reads differently year by year.
OPEN_SPACE_HISTORY = [
    ("Starkregen: Wie warnen wir die Anwohner:innen rechtzeitig?",
     "Sirenen, Warn-Apps, Lautsprecherwagen – was erreicht die Menschen in der Nacht?",
     "## Ergebnisse\n\n- Warn-Apps allein reichen nicht: **Sirenen** bleiben nötig.\n"
     "- Gute Erfahrungen mit Hausbesuchen in Senken (Essen, Bochum).\n"
     "- Vorschlag: gemeinsame Textbausteine für Warnmeldungen im Netzwerk.\n"),
    ("Hitzeaktionsplan: Wer macht was, wenn es 35 Grad werden?",
     "Zuständigkeiten zwischen Gesundheitsamt, Ordnungsamt und Sozialdiensten.",
     "## Ergebnisse\n\n1. Eine federführende Stelle benennen (meist Gesundheitsamt).\n"
     "2. Liste der Einrichtungen mit vulnerablen Gruppen pflegen.\n"
     "3. Hitzewarnungen des DWD automatisch weiterleiten.\n"),
    ("Stadtbäume im Trockenstress: Gießen, Substrat, Artenwahl",
     "Welche Arten haben sich bewährt, und wer gießt in den ersten drei Jahren?",
     "## Ergebnisse\n\n- Zukunftsbäume: Silber-Linde, Zerr-Eiche, Amberbaum.\n"
     "- Gießpatenschaften funktionieren, wenn die Stadt Wassersäcke stellt.\n"
     "- Baumrigolen lohnen sich bei Neubau von Straßen.\n"),
    ("Schwammstadt im Bestand: Wo fangen wir an?",
     "Entsiegelung und Versickerung dort, wo schon alles gebaut ist.",
     "## Ergebnisse\n\n- Schulhöfe und Parkplätze zuerst: große Flächen, ein Eigentümer.\n"
     "- Förderung über das Landesprogramm kombinieren.\n"
     "- Beispiel: Mulden-Rigolen-System an der Gesamtschule in Bottrop.\n"),
    ("Gründächer fördern: Satzung oder Zuschuss?",
     "Erfahrungen mit Gründachsatzungen und kommunalen Förderprogrammen.",
     "## Ergebnisse\n\n- Satzung für Neubauten, **Zuschuss** für den Bestand.\n"
     "- Gebührensplitting beim Niederschlagswasser schafft Anreize.\n"),
    ("Starkregengefahrenkarten veröffentlichen – ja oder nein?",
     "Sorge um Grundstückswerte gegen Recht auf Information.",
     "## Ergebnisse\n\n- Alle Städte der Runde veröffentlichen oder wollen es.\n"
     "- Mit Beratungsangebot und Hinweisen zur Eigenvorsorge begleiten.\n"),
    ("Kühle Orte in der Stadt: Kirchen, Bibliotheken, Einkaufszentren",
     "Wie machen wir kühle Räume bekannt und zugänglich?",
     "## Ergebnisse\n\n- Gemeinsame Karte der kühlen Orte im Netzwerk.\n"
     "- Öffnungszeiten an Hitzetagen verlängern.\n"),
    ("Klimaanpassung in der Bauleitplanung verankern",
     "Welche Festsetzungen halten vor Gericht?",
     "## Ergebnisse\n\n- Dachbegrünung und Versickerung nach § 9 BauGB festsetzen.\n"
     "- Checkliste Klimaanpassung für jeden Bebauungsplan.\n"),
    ("Trinkbrunnen: Betrieb, Hygiene und Kosten",
     "Was kostet ein Trinkbrunnen im Jahr, und wer ist verantwortlich?",
     "## Ergebnisse\n\n- Betrieb durch die Stadtwerke hat sich bewährt.\n"
     "- Laufende Kosten etwa 2.000–4.000 € im Jahr.\n"),
]

# Proposals for the coming edition: (title, question).
OPEN_SPACE_PROPOSALS = [
    ("Wie finanzieren wir Baumrigolen im Straßenbau?",
     "Förderprogramme, Gebührenhaushalt oder Straßenbaubudget – was hat bei Ihnen geklappt?"),
    ("Hitzeschutz in Kitas und Schulen",
     "Verschattung, Lüftung, Trinkpausen: Erfahrungen aus dem letzten Sommer."),
    ("Starkregen-Check für Hausbesitzer:innen",
     "Beratung vor Ort: Wer bietet sie an, und wie wird sie angenommen?"),
    ("Schwammstadt und Denkmalschutz",
     "Entsiegelung auf historischen Plätzen – wie einigen wir uns mit dem Denkmalamt?"),
    ("Klimaanpassung messbar machen",
     "Welche Kennzahlen nutzen Sie für Berichte an Rat und Fördermittelgeber?"),
    ("Gießwasser aus Zisternen statt Trinkwasser",
     "Technik, Kosten und Erfahrungen der Grünflächenämter."),
    ("Kommunikation: Klimaanpassung verständlich erklären",
     "Wie erreichen wir Menschen, die keine Fachsprache sprechen?"),
]

OPEN_SPACE_ROOMS = ("Plenum", "Werkstatt 1", "Werkstatt 2")


def _open_space_grid(service, edition, hours) -> tuple[list, list]:
    from .services import open_space_room_create, open_space_slot_create

    rooms = [open_space_room_create(actor=service, edition=edition, name=name,
                                    capacity=60 if name == "Plenum" else 20)
             for name in OPEN_SPACE_ROOMS]
    slots = []
    for day_offset, hour in hours:
        day = edition.start_date + datetime.timedelta(days=day_offset)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        slots.append(open_space_slot_create(actor=service, edition=edition, starts_at=start,
                                            ends_at=start + datetime.timedelta(minutes=90)))
    return rooms, slots


def _next_edition(service):
    """The coming edition (the first not over yet); without one, next year's is adopted
    from the host rotation's first suggestion, as the service organisation would."""
    from .models import forum_is_over
    from .selectors import forum_host_rotation_visible_to

    for edition in ForumEdition.objects.order_by("year"):
        if not forum_is_over(edition) and edition.start_date:
            return edition
    year = timezone.localdate().year + 1
    if ForumEdition.objects.filter(year=year).exists():
        return None
    suggestions = forum_host_rotation_visible_to(user=service, this_year=year).suggestions
    if not suggestions or suggestions[0][0] != year:
        return None
    start, end = _forum_days(year)
    return forum_edition_create(
        actor=service, year=year, host_organisation=suggestions[0][1].city,
        theme="Hitze und Starkregen zusammen denken", start_date=start, end_date=end,
        venue="Rathaus, Ratssaal und Sitzungsräume",
        description="Zwei Tage Open Space: Sie bringen Ihre Fragen mit, die anderen ihre "
                    "Erfahrungen.")


def seed_open_space(service, people) -> int:
    """Past editions' sessions with results, and the coming edition's proposals with
    interest and a partly filled grid (idempotent: only while there is no session)."""
    from .models import OpenSpaceSession, forum_has_begun
    from .services import (
        open_space_interest_toggle,
        open_space_session_propose,
        open_space_session_results,
        open_space_session_schedule,
    )

    people = [person for person in people if person.pk != service.pk]
    if OpenSpaceSession.objects.exists() or len(people) < 6:
        return 0
    created = 0
    past = [edition for edition in ForumEdition.objects.order_by("year")
            if edition.start_date and forum_has_begun(edition)]
    for index, edition in enumerate(past):
        rooms, slots = _open_space_grid(service, edition, [(0, 14), (1, 10)])
        for number in range(3):
            title, question, results = OPEN_SPACE_HISTORY[
                (index * 3 + number) % len(OPEN_SPACE_HISTORY)]
            host = people[(index * 3 + number) % len(people)]
            session = OpenSpaceSession.objects.create(
                edition=edition, title=title, description=question, host=host,
                proposed_by=host, room=rooms[number], slot=slots[number % 2])
            open_space_session_results(actor=service, session=session, results=results)
            created += 1
    edition = _next_edition(service)
    if edition is None:
        return created
    rooms, slots = _open_space_grid(service, edition, [(0, 11), (0, 14), (1, 10)])
    sessions = []
    for index, (title, question) in enumerate(OPEN_SPACE_PROPOSALS):
        proposer = people[index % len(people)]
        session = open_space_session_propose(actor=proposer, edition=edition, title=title,
                                             description=question)
        session.edition = edition
        # Interest falls off down the list: the first proposal interests the most people.
        for person in people[index + 1:index + 1 + max(len(OPEN_SPACE_PROPOSALS) - index, 1)]:
            open_space_interest_toggle(actor=person, session=session)
        sessions.append(session)
        created += 1
    # The organisers have placed the three most wanted so far.
    for number, session in enumerate(sessions[:3]):
        open_space_session_schedule(actor=service, session=session, room=rooms[number],
                                    slot=slots[number % len(slots)])
    return created
