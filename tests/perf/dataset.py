"""A generated region or nation for the benchmark, written with ``bulk_create``.

Deterministic (one seeded ``random.Random``), so two runs measure the same data. It writes
what the services would have written, without the per-row cost of calling them:

* organisations: one service organisation and cities whose sizes fall off like real ones
  (a few large cities, many small ones);
* people with a position, a short biography and 0–4 of the topics that the migration
  ``accounts.0002_topics`` seeds (through the M2M through table);
* roles: one coordinator per city (two in cities of more than 30 people), everyone else
  ``member``; the coordinators' guardian grant on their own city, as ``user_set_roles``
  writes it;
* audit entries: a few per person, spread over three years;
* expert networks (≈60 % open, 30 % on request, 10 % confidential; ≈80 % active, 10 %
  continued, 10 % dissolved) with 1–3 topics, 3–30 active members from across the cities
  (1–2 leads), a few requests and invitations, the guardian grants ``membership_*`` writes
  (``view_network`` for every active member, ``lead_network`` for leads), 0–40 tasks and
  documents with 1–3 versions (every version points at the same small file, written once);
* board posts over two years (at nation scale 1,000,000 on PostgreSQL, 100,000 on SQLite; a
  few thousand at region scale) in all categories: mostly for the whole platform, ≈10 % for
  one network (written by one of its members), ≈5 % for 1–5 cities; 0–2 topics, some pinned,
  ≈20 % with an expiry (most of them past: the archive), a few hidden; comments on ≈10 %
  (1–5 each); the member has read about half of the last 60 days' platform posts;
* the library (``dataset_library``): published results on the shelves of ≈40 % of the
  networks (100,000 at nation scale, a few hundred at region scale), a few drafts;
* events (``dataset_events``) over three years with registrations (a few thousand at
  nation scale, about a hundred at region scale);
* optionally the search index (``search_index=True``: the project's ``rebuild`` into the
  test settings' temporary Whoosh directory): over all of it at region scale, at nation
  scale over the 100,000 documents issue 9 names, each kind by its share, newest first.

Two personas are returned: ``member`` (a member of the largest city, with a complete
profile) and ``steering`` (a coordinator of the same city who also sits in process
steering and may read the audit log). ``member`` belongs to ten networks, among them the
*workspace*: a network of the same size at every scale with many members, tasks and
documents, whose pages are measured; one invitation and one request of theirs are pending.
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from board.demo import SUBJECTS
from board.models import Attachment, Audience, Category, Comment, Post, PostRead
from board.services import unpin_expired_pins
from intranet.accounts.demo import CITIES, FIRST_NAMES, LAST_NAMES, POSITIONS
from intranet.accounts.models import (
    Organisation,
    OrganisationKind,
    OrganisationUserObjectPermission,
    Role,
    Topic,
    User,
    UserRole,
)
from intranet.core import search_backend
from intranet.core.models import AuditEntry
from intranet.events.models import Event
from intranet.steering.services import steering_figures_count
from knowledge.models import ResultPage
from networks.models import (
    Document,
    DocumentVersion,
    MemberRole,
    Membership,
    MemberState,
    Network,
    NetworkUserObjectPermission,
    Status,
    Task,
    TaskState,
    Visibility,
)
from tests.perf.dataset_events import generate_events
from tests.perf.dataset_library import generate_library

UNUSABLE_PASSWORD = "!benchmark"  # starts with "!": nobody can sign in with a password
COMMON_WORD = "Klima"  # in some positions, biographies and a topic: about half the people
BIOS = [
    "Arbeitet bei {org} an der klimaresilienten Stadt.",
    "Plant Entwässerung und Regenrückhaltung bei {org}.",
    "Kümmert sich bei {org} um Grünflächen und Stadtbäume.",
    "Koordiniert Fördermittel und Projekte bei {org}.",
    "Zuständig für Hitzeschutz und Gesundheit bei {org}.",
]
AUDIT_ACTIONS = [
    "user.create", "user.roles", "user.profile_update", "invitation.create",
    "invitation.resend", "invitation.revoke", "organisation.update", "api_token.create",
]
BATCH = 2000

NETWORK_THEMES = [
    "Starkregenvorsorge", "Baumrigolen", "Tiny Forest", "Financial Engineering",
    "Hitzeaktionsplanung", "Umweltbildung", "Biodiversität", "Schwammstadt", "Entsiegelung",
    "Dach- und Fassadenbegrünung", "Regenwassernutzung", "Stadtbäume", "Fördermittel",
    "Klimaanpassung", "Beteiligung", "Grünflächenpflege", "Trinkbrunnen", "Hitzeschutz",
    "Gewässerentwicklung", "Überflutungsvorsorge",
]
NETWORK_ASPECTS = [
    "im Bestand", "in Neubaugebieten", "an Schulen", "in Kitas", "in Gewerbegebieten",
    "auf Schulhöfen", "in Quartieren", "an Straßen", "auf Parkplätzen", "im Ehrenamt",
    "in der Verwaltung", "mit Wohnungsunternehmen", "mit der Wasserwirtschaft",
    "für Pflegeheime", "in Innenstädten", "auf Friedhöfen", "an Bahnhöfen", "in Parks",
    "mit Sportvereinen", "im ländlichen Raum", "mit der Feuerwehr", "für Senioren",
    "mit Landwirten", "an Gewässern", "in Förderprogrammen",
]
MANDATES = [
    "Wie setzen wir {theme} {aspect} um, und was lernen die Städte voneinander?",
    "Welche Lösungen für {theme} {aspect} haben sich bewährt, welche nicht?",
    "Wie finanzieren und pflegen wir {theme} {aspect} dauerhaft?",
    "Was brauchen die Kommunen, um {theme} {aspect} schneller umzusetzen?",
]
GOALS = [
    "Ein gemeinsamer Leitfaden mit Beispielen aus den Städten.",
    "Musterausschreibungen und Regeldetails für alle Städte.",
    "Eine Übersicht der Förderprogramme und ein Musterantrag.",
    "",
]
TASK_TITLES = [
    "Bestandsaufnahme der Städte", "Entwurf abstimmen", "Ergebnisse aufbereiten",
    "Termin mit der Wasserwirtschaft", "Fördermittel recherchieren", "Protokoll verschicken",
    "Beispiele sammeln", "Kosten vergleichen", "Workshop vorbereiten", "Fragebogen auswerten",
]
DOCUMENT_TITLES = [
    "Protokoll", "Leitfaden (Entwurf)", "Kostenvergleich", "Maßnahmenkatalog",
    "Präsentation", "Umfrageergebnisse", "Musterausschreibung", "Fördermittelübersicht",
]
# Every document version points at this one small file (written once, never per row).
BENCH_FILE = "private/networks/benchmark/protokoll.pdf"
BENCH_FILE_CONTENT = b"%PDF-1.4\n% Klima.Werk benchmark\n%%EOF\n"
# The workspace the benchmark measures: the same size at every scale.
WORKSPACE = {"members": 45, "leads": 2, "requested": 3, "invited": 2, "tasks": 40,
             "documents": 30, "member_tasks": 6, "posts": 100}
WORKSPACE_TOPIC = "schwammstadt"  # also the topic of the filtered network list


@dataclass(frozen=True)
class Scale:
    name: str
    organisations: int
    people: int
    audit_per_person: int
    networks: int
    requests: int  # timed requests per page unless --bench-requests says otherwise
    posts: int = 3000  # board posts on PostgreSQL (and any server database)
    posts_sqlite: int = 3000  # board posts on SQLite
    results: int = 400  # library results
    events: int = 120
    search_documents: int | None = None  # in the search index; None: every document

    def post_count(self) -> int:
        return self.posts_sqlite if connection.vendor == "sqlite" else self.posts


SCALES = {
    "region": Scale("region", organisations=17, people=400, audit_per_person=4, networks=25,
                    requests=50, posts=3000, posts_sqlite=3000, results=400, events=120),
    "nation": Scale("nation", organisations=2000, people=50_000, audit_per_person=4,
                    networks=5000, requests=30, posts=1_000_000, posts_sqlite=100_000,
                    results=100_000, events=4000, search_documents=100_000),
}


@dataclass
class Dataset:
    scale: Scale
    member: User
    steering: User
    city: Organisation
    person: User  # a colleague whose profile page is measured
    network: Network  # the workspace: the member's largest network
    topic: str  # the slug of a topic for the filtered network list
    post: Post  # a platform post with POST_COMMENTS comments, whose page is measured
    result: ResultPage | None = None  # a published result of an open network of the member's
    event: Event | None = None  # a coming meeting of the workspace the member registered for
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def url_values(self) -> dict[str, object]:
        """What the benchmark's page addresses are formatted with."""
        return {"member": self.member.pk, "person": self.person.pk, "city": self.city.slug,
                "word": COMMON_WORD, "network": self.network.slug, "topic": self.topic,
                "post": self.post.pk,
                "result": self.result.url if self.result else "/wissen/",
                "result_id": self.result.pk if self.result else 0,
                "event": self.event.pk if self.event else 0}


@contextmanager
def _step(timings: dict[str, float], name: str):
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started


@contextmanager
def _settable_created_at(model=AuditEntry):
    """Let ``bulk_create`` keep the given ``created_at`` instead of ``auto_now_add``."""
    created_at = model._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        yield
    finally:
        created_at.auto_now_add = True


def _sizes(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split ``total`` people over ``parts`` organisations; the largest comes first."""
    weights = [1 / (rank + 1) ** 0.6 * rng.uniform(0.8, 1.2) for rank in range(parts)]
    scale = total / sum(weights)
    sizes = [max(3, round(w * scale)) for w in weights]
    sizes.sort(reverse=True)
    index = 0
    while sum(sizes) != total:  # rounding: add or take one person at a time
        step = 1 if sum(sizes) < total else -1
        if sizes[index % parts] + step >= 3:
            sizes[index % parts] += step
        index += 1
    sizes.sort(reverse=True)
    return sizes


def _organisations(scale: Scale) -> list[Organisation]:
    cities = list(CITIES)
    for n in range(len(cities), scale.organisations - 1):
        cities.append((f"kommune-{n:04d}", f"Kommune Nummer {n:04d}"))
    cities = cities[: scale.organisations - 1]
    organisations = [
        Organisation(slug=slug, name=name, kind=OrganisationKind.MUNICIPALITY,
                     region="Emscher-Lippe" if n < len(CITIES) else f"Region {n % 40:02d}")
        for n, (slug, name) in enumerate(cities)
    ]
    organisations.append(Organisation(
        slug="eglv", name="Emschergenossenschaft und Lippeverband (Serviceorganisation)",
        kind=OrganisationKind.SERVICE, region="Emscher-Lippe"))
    return organisations


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in choices], weights=[w for _, w in choices])[0]


VISIBILITY_MIX = [(Visibility.OPEN, 60), (Visibility.ON_REQUEST, 30),
                  (Visibility.CONFIDENTIAL, 10)]
STATUS_MIX = [(Status.ACTIVE, 80), (Status.CONTINUED, 10), (Status.DISSOLVED, 10)]
TASK_STATE_MIX = [(TaskState.OPEN, 50), (TaskState.DOING, 20), (TaskState.DONE, 30)]
# The member's own networks besides the workspace (networks 1–9): (visibility, status, role).
MEMBER_NETWORKS = [
    (Visibility.OPEN, Status.ACTIVE, MemberRole.LEAD),
    (Visibility.OPEN, Status.ACTIVE, MemberRole.MEMBER),
    (Visibility.OPEN, Status.ACTIVE, MemberRole.MEMBER),
    (Visibility.OPEN, Status.ACTIVE, MemberRole.MEMBER),
    (Visibility.ON_REQUEST, Status.ACTIVE, MemberRole.MEMBER),
    (Visibility.ON_REQUEST, Status.ACTIVE, MemberRole.MEMBER),
    (Visibility.CONFIDENTIAL, Status.ACTIVE, MemberRole.MEMBER),
    (Visibility.OPEN, Status.CONTINUED, MemberRole.MEMBER),
    (Visibility.OPEN, Status.DISSOLVED, MemberRole.MEMBER),
]
# Networks 10 and 11: the member is invited to a confidential one and asked to join one.
MEMBER_PENDING = [(Visibility.CONFIDENTIAL, MemberState.INVITED),
                  (Visibility.ON_REQUEST, MemberState.REQUESTED)]


def _bench_file() -> str:
    """The one file all document versions share (MEDIA_ROOT of the test settings)."""
    if default_storage.exists(BENCH_FILE):
        return BENCH_FILE
    return default_storage.save(BENCH_FILE, ContentFile(BENCH_FILE_CONTENT))


def _networks(scale: Scale, rng: random.Random, timings: dict[str, float], *, now,
              people: list[User], coordinators: list[User], member: User,
              topics: list[Topic]) -> tuple[list[Network], dict[int, list[int]],
                                             dict[str, int]]:
    """Networks with topics, memberships, grants, tasks and documents; network 0 is the
    workspace, networks 1–11 hold the member's memberships (see MEMBER_NETWORKS)."""
    two_years = 2 * 365 * 24 * 3600
    today = timezone.localdate()
    others = [p for p in people if p.pk != member.pk]  # the member joins only where told
    founders = [p for p in coordinators if p.pk != member.pk]
    topic_by_slug = {t.slug: t for t in topics}

    with _step(timings, "networks"):
        networks = []
        for n in range(scale.networks):
            if n == 0:
                theme, aspect = "Schwammstadt", "im Bestand"
                visibility, status = Visibility.ON_REQUEST, Status.ACTIVE
            else:
                theme = NETWORK_THEMES[rng.randrange(len(NETWORK_THEMES))]
                aspect = NETWORK_ASPECTS[rng.randrange(len(NETWORK_ASPECTS))]
                visibility, status = _weighted(rng, VISIBILITY_MIX), _weighted(rng, STATUS_MIX)
                if n <= len(MEMBER_NETWORKS):
                    visibility, status, _ = MEMBER_NETWORKS[n - 1]
                elif n <= len(MEMBER_NETWORKS) + len(MEMBER_PENDING):
                    visibility, status = MEMBER_PENDING[n - len(MEMBER_NETWORKS) - 1][0], \
                        Status.ACTIVE
            name = f"{theme} {aspect}"
            founded_at = now - timedelta(seconds=rng.randrange(two_years))
            network = Network(
                slug=slugify(name) if n == 0 else f"{slugify(name)[:70]}-{n}",
                name=name,
                mandate=rng.choice(MANDATES).format(theme=theme, aspect=aspect),
                goals=rng.choice(GOALS), visibility=visibility, status=status,
                founded_by=rng.choice(founders), founded_at=founded_at,
                last_activity_at=founded_at + (now - founded_at) * rng.random(),
            )
            if status == Status.DISSOLVED:
                network.ended_at = founded_at + (now - founded_at) * rng.uniform(0.5, 1)
                network.end_summary = f"Der Leitfaden „{name}“ ist fertig."
                network.end_results = "Veröffentlicht in der Bibliothek (Wissen)."
            elif status == Status.CONTINUED:
                network.end_summary = "Die Aufgabe bleibt; das Netzwerk besteht weiter."
            networks.append(network)
        networks = Network.objects.bulk_create(networks, batch_size=BATCH)
        workspace = networks[0]

        through = Network.topics.through
        links = [through(network_id=workspace.pk, topic_id=topic_by_slug[slug].pk)
                 for slug in (WORKSPACE_TOPIC, "regenwasserbewirtschaftung", "klimaanpassung")]
        for network in networks[1:]:
            for topic in rng.sample(topics, rng.choice([1, 1, 2, 2, 3])):
                links.append(through(network_id=network.pk, topic_id=topic.pk))
        through.objects.bulk_create(links, batch_size=BATCH)

    with _step(timings, "memberships and grants"):
        view = Permission.objects.get(content_type__app_label="networks",
                                      codename="view_network")
        lead = Permission.objects.get(content_type__app_label="networks",
                                      codename="lead_network")
        memberships, grants = [], []
        active_of: dict[int, list[int]] = {}  # network pk → its active members' pks

        def add(network, user_id, role=MemberRole.MEMBER, state=MemberState.ACTIVE):
            active = state == MemberState.ACTIVE
            memberships.append(Membership(
                network_id=network.pk, user_id=user_id, role=role, state=state,
                joined_at=network.founded_at if active else None,
                invited_by_id=network.founded_by_id if state == MemberState.INVITED else None))
            if active:
                active_of.setdefault(network.pk, []).append(user_id)
                grants.append(NetworkUserObjectPermission(
                    permission=view, user_id=user_id, content_object_id=network.pk))
                if role == MemberRole.LEAD:
                    grants.append(NetworkUserObjectPermission(
                        permission=lead, user_id=user_id, content_object_id=network.pk))

        for n, network in enumerate(networks):
            pending = network.status != Status.DISSOLVED
            if n == 0:
                size, second_lead = WORKSPACE["members"], True
                requested, invited = WORKSPACE["requested"], WORKSPACE["invited"]
            else:
                size, second_lead = 3 + int(27 * rng.random() ** 1.5), rng.random() < 0.5
                requested = (rng.choice([0, 0, 1, 2, 3])
                             if pending and network.visibility == Visibility.ON_REQUEST else 0)
                invited = rng.choice([0, 0, 0, 1, 2]) if pending else 0
            own_role = None
            if n == 0:
                own_role = MemberRole.MEMBER
            elif n <= len(MEMBER_NETWORKS):
                own_role = MEMBER_NETWORKS[n - 1][2]
            chosen = rng.sample(others, size + requested + invited)
            chosen = [p for p in chosen if p.pk != network.founded_by_id]
            add(network, network.founded_by_id, MemberRole.LEAD)
            members = size - 1
            if own_role is not None:
                add(network, member.pk, own_role)
                members -= 1
            for index, person in enumerate(chosen[:members]):
                add(network, person.pk, MemberRole.LEAD if index == 0 and second_lead
                    else MemberRole.MEMBER)
            rest = chosen[members:]
            for person in rest[:requested]:
                add(network, person.pk, state=MemberState.REQUESTED)
            for person in rest[requested:requested + invited]:
                add(network, person.pk, state=MemberState.INVITED)
            if len(MEMBER_NETWORKS) < n <= len(MEMBER_NETWORKS) + len(MEMBER_PENDING):
                add(network, member.pk, state=MEMBER_PENDING[n - len(MEMBER_NETWORKS) - 1][1])
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        NetworkUserObjectPermission.objects.bulk_create(grants, batch_size=BATCH)

    with _step(timings, "tasks"):
        tasks = []
        for n, network in enumerate(networks):
            active = active_of[network.pk]
            count = WORKSPACE["tasks"] if n == 0 else rng.randint(0, 40)
            for t in range(count):
                if n == 0 and t < WORKSPACE["member_tasks"]:
                    assignee = member.pk
                else:
                    assignee = rng.choice(active) if rng.random() < 0.85 else None
                state = (TaskState.DONE if network.status == Status.DISSOLVED
                         and rng.random() < 0.8 else _weighted(rng, TASK_STATE_MIX))
                due = (None if rng.random() < 0.3
                       else today + timedelta(days=rng.randint(-60, 90)))
                tasks.append(Task(
                    network_id=network.pk, title=rng.choice(TASK_TITLES),
                    description=("Bitte bis zum nächsten Treffen erledigen und im Protokoll "
                                 "festhalten." if rng.random() < 0.5 else ""),
                    assignee_id=assignee, due=due, state=state,
                    created_by_id=rng.choice(active)))
        Task.objects.bulk_create(tasks, batch_size=BATCH)

    with _step(timings, "documents"):
        file_name = _bench_file()
        documents, uploaders = [], []
        for n, network in enumerate(networks):
            active = active_of[network.pk]
            count = WORKSPACE["documents"] if n == 0 else rng.randint(0, 10)
            for _ in range(count):
                author = rng.choice(active)
                documents.append(Document(
                    network_id=network.pk, title=rng.choice(DOCUMENT_TITLES),
                    created_by_id=author,
                    updated_at=network.founded_at + (now - network.founded_at) * rng.random()))
                uploaders.append(active)
        documents = Document.objects.bulk_create(documents, batch_size=BATCH)
        versions = []
        for document, active in zip(documents, uploaders, strict=True):
            for number in range(1, rng.choice([1, 1, 2, 3]) + 1):
                versions.append(DocumentVersion(
                    document_id=document.pk, number=number, file=file_name,
                    original_name=f"{slugify(document.title)}-v{number}.pdf",
                    content_type="application/pdf", size=len(BENCH_FILE_CONTENT),
                    uploaded_by_id=rng.choice(active)))
        DocumentVersion.objects.bulk_create(versions, batch_size=BATCH)

    counts = {
        "networks": len(networks),
        "network topic links": len(links),
        "memberships": len(memberships),
        "network grants": len(grants),
        "tasks": len(tasks),
        "documents": len(documents),
        "document versions": len(versions),
    }
    return networks, active_of, counts


# --- The notice board -------------------------------------------------------------------

POST_BATCH = 10_000  # rows per INSERT (Django lowers it to SQLite's limit of parameters)
POST_COMMENTS = 50  # on the measured post
AUDIENCE_MIX = [(Audience.PLATFORM, 85), (Audience.NETWORK, 10), (Audience.CITIES, 5)]
MEMBER_NETWORK_POSTS = 10  # posts in each of the member's networks 1–9 (the workspace: more)
PINNED_NOW = 3  # recent platform posts pinned without an end; other pins have run out
POST_BODIES = [
    "Liebe Kolleg:innen, wir möchten unsere Erfahrungen teilen und freuen uns über "
    "Rückmeldungen aus anderen Städten.",
    "Wer hat das schon umgesetzt? Wir suchen Ansprechpartner:innen und Beispiele.",
    "Die Unterlagen liegen bei uns bereit; meldet euch gern, wenn ihr sie nutzen wollt.",
    "Anmeldung bis Ende des Monats, Teilnahme kostenlos, Ort und Programm folgen.",
]
COMMENT_BODIES = [
    "Danke, das hilft uns sehr – wir melden uns!",
    "Bei uns hat das gut funktioniert, ich schicke dir unsere Unterlagen.",
    "Gibt es dazu schon einen Termin?",
    "Wir sind dabei und bringen zwei Kolleg:innen mit.",
]


def _html(text: str) -> str:
    return f"<p>{text}</p>"


def _posts(scale: Scale, rng: random.Random, timings: dict[str, float], *, now,
           people: list[User], organisations: list[Organisation], networks: list[Network],
           active_of: dict[int, list[int]], member: User, moderator: User,
           topics: list[Topic]) -> tuple[Post, dict[str, int]]:
    """Board posts with topics, cities, comments and the member's reads, written in chunks
    of POST_BATCH (so that a million never sit in memory at once); then the measured post."""
    total = scale.post_count()
    two_years = 2 * 365 * 24 * 3600
    categories = list(Category)
    person_ids = [p.pk for p in people]
    org_of = {p.pk: p.organisation_id for p in people}
    municipalities = [o.pk for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    topic_ids = [t.pk for t in topics]
    member_networks = networks[1:len(MEMBER_NETWORKS) + 1]
    read_since = now - timedelta(days=60)
    topic_through, city_through = Post.topics.through, Post.cities.through
    counts = dict.fromkeys(("posts", "post topic links", "post city links", "comments",
                            "post reads"), 0)
    # Oldest first, so that primary keys follow the publishing date as they do in production.
    ages = sorted((rng.randrange(two_years) for _ in range(total)), reverse=True)
    pinned_now = {total - 1 - 40 * n for n in range(PINNED_NOW)}
    network_posts = 0

    def post_network() -> Network:
        nonlocal network_posts
        index, network_posts = network_posts, network_posts + 1
        if index < WORKSPACE["posts"]:
            return networks[0]
        index -= WORKSPACE["posts"]
        if index < MEMBER_NETWORK_POSTS * len(member_networks):
            return member_networks[index // MEMBER_NETWORK_POSTS]
        return networks[rng.randrange(len(networks))]

    with _step(timings, "board posts"):
        for start in range(0, total, POST_BATCH):
            posts, extras = [], []
            for index in range(start, min(start + POST_BATCH, total)):
                audience = _weighted(rng, AUDIENCE_MIX)
                if index in pinned_now:
                    audience = Audience.PLATFORM
                network_id = None
                if audience == Audience.NETWORK:
                    network = post_network()
                    network_id = network.pk
                    writers = active_of[network.pk]
                else:
                    writers = person_ids
                author_id = writers[rng.randrange(len(writers))]
                category = categories[rng.randrange(len(categories))]
                created_at = now - timedelta(seconds=ages[index])
                commented = []
                if rng.random() < 0.1:
                    commented = sorted(
                        min(now, created_at + timedelta(seconds=rng.randrange(1800, 864_000)))
                        for _ in range(rng.randint(1, 5)))
                post = Post(
                    title=rng.choice(SUBJECTS[category]), body=rng.choice(POST_BODIES),
                    category=category, author_id=author_id,
                    author_organisation_id=org_of[author_id], audience=audience,
                    network_id=network_id, created_at=created_at,
                    last_activity_at=commented[-1] if commented else created_at)
                post.body_html = _html(post.body)
                if index in pinned_now:
                    post.is_pinned = True
                elif rng.random() < 0.2:
                    post.expires_at = created_at + timedelta(days=rng.randint(7, 120))
                if index not in pinned_now and rng.random() < 0.002:  # pins that ended
                    post.is_pinned = True
                    post.pinned_until = created_at + timedelta(days=rng.randint(7, 60))
                if index not in pinned_now and rng.random() < 0.001:
                    post.hidden_at = created_at + timedelta(hours=rng.randint(1, 48))
                    post.hidden_by_id = moderator.pk
                cities = []
                if audience == Audience.CITIES:
                    cities = rng.sample(municipalities, min(len(municipalities),
                                                            rng.randint(1, 5)))
                    if member.organisation_id not in cities and rng.random() < 0.3:
                        cities.append(member.organisation_id)
                posts.append(post)
                extras.append((rng.sample(topic_ids, rng.choice((0, 0, 1, 1, 2))), cities,
                               commented, writers))
            posts = Post.objects.bulk_create(posts, batch_size=POST_BATCH)

            topic_links, city_links, comments, reads = [], [], [], []
            for post, (post_topics, cities, commented, writers) in zip(posts, extras,
                                                                        strict=True):
                topic_links.extend(topic_through(post_id=post.pk, topic_id=topic_id)
                                   for topic_id in post_topics)
                city_links.extend(city_through(post_id=post.pk, organisation_id=city_id)
                                  for city_id in cities)
                for created_at in commented:
                    body = rng.choice(COMMENT_BODIES)
                    comments.append(Comment(
                        post_id=post.pk, author_id=writers[rng.randrange(len(writers))],
                        body=body, body_html=_html(body), created_at=created_at))
                if (post.audience == Audience.PLATFORM and post.created_at > read_since
                        and rng.random() < 0.5):
                    reads.append(PostRead(user_id=member.pk, post_id=post.pk, read_at=min(
                        now, post.created_at + timedelta(hours=rng.uniform(1, 48)))))
            topic_through.objects.bulk_create(topic_links, batch_size=POST_BATCH)
            city_through.objects.bulk_create(city_links, batch_size=POST_BATCH)
            with _settable_created_at(Comment):
                Comment.objects.bulk_create(comments, batch_size=POST_BATCH)
            PostRead.objects.bulk_create(reads, batch_size=POST_BATCH)
            counts["posts"] += len(posts)
            counts["post topic links"] += len(topic_links)
            counts["post city links"] += len(city_links)
            counts["comments"] += len(comments)
            counts["post reads"] += len(reads)

    with _step(timings, "measured post"):
        author = people[len(people) // 3]
        created_at = now - timedelta(days=2)
        body = "Wir planen Baumrigolen unter Gehwegen und suchen Erfahrungen mit Substraten, " \
               "Kosten und Pflege. Wer hat schon welche gebaut?"
        times = sorted(created_at + timedelta(seconds=rng.randrange(1800, 172_000))
                       for _ in range(POST_COMMENTS))
        post = Post.objects.create(
            title="Wer hat Erfahrung mit Rigolen unter Gehwegen?", body=body,
            body_html=_html(body), category=Category.REQUEST, author=author,
            author_organisation_id=author.organisation_id, audience=Audience.PLATFORM,
            created_at=created_at, last_activity_at=times[-1])
        post.topics.set(topics[:2])
        top_level = POST_COMMENTS - POST_COMMENTS // 5  # the rest answer one of these
        comments = []
        for when in times[:top_level]:
            text = rng.choice(COMMENT_BODIES)
            comments.append(Comment(post=post, author_id=rng.choice(person_ids), body=text,
                                    body_html=_html(text), created_at=when))
        with _settable_created_at(Comment):
            comments = Comment.objects.bulk_create(comments)
            replies = []
            for when in times[top_level:]:
                text = rng.choice(COMMENT_BODIES)
                replies.append(Comment(post=post, parent=rng.choice(comments),
                                       author_id=rng.choice(person_ids), body=text,
                                       body_html=_html(text), created_at=when))
            Comment.objects.bulk_create(replies)
        file_name = _bench_file()
        Attachment.objects.bulk_create([
            Attachment(post=post, file=file_name, original_name=name,
                       content_type="application/pdf", size=len(BENCH_FILE_CONTENT),
                       uploaded_by=author)
            for name in ("Regeldetail.pdf", "Kostenvergleich.pdf")])
        counts["posts"] += 1
        counts["comments"] += POST_COMMENTS
        # Pins whose end has passed are cleared by beat every 15 minutes (board.tasks); a
        # running site never carries thousands of them.
        counts["ended pins cleared"] = unpin_expired_pins()
    return post, counts


def build_search_index(scale: Scale) -> int:
    """The project's rebuild over the generated data: every document, or the scale's
    ``search_documents``. A site's index holds everything; at nation scale that is
    1,190,813 documents, and a Whoosh rebuild of them takes most of an hour (README)."""
    if scale.search_documents is None:
        return search_backend.rebuild()
    return search_backend.rebuild(narrowed=newest_share(scale.search_documents))


def newest_share(documents: int):
    """``narrowed`` for the rebuild: of ``documents`` in all, each index writes its share of
    them (its part of all the indexes' objects), its newest by primary key."""
    from haystack import connections as search_connections

    indexes = search_connections["default"].get_unified_index().get_indexes().values()
    sizes = {index: index.build_queryset().count() for index in indexes}
    total = sum(sizes.values())

    def narrowed(search_index, queryset):
        share = sizes[search_index] * documents // total if total > documents else None
        if share is None:
            return queryset
        if share == 0:
            return queryset.none()
        oldest = queryset.order_by("-pk").values_list("pk", flat=True)[share - 1]
        return queryset.filter(pk__gte=oldest)

    return narrowed


def generate(scale: Scale, *, seed: int = 2026, library: bool = True, events: bool = True,
             search_index: bool = False) -> Dataset:
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    now = timezone.now()
    three_years = 3 * 365 * 24 * 3600
    topics = list(Topic.objects.order_by("pk"))
    assert topics, "the migration accounts.0002_topics seeds the topics"

    with _step(timings, "organisations"):
        organisations = Organisation.objects.bulk_create(_organisations(scale), batch_size=BATCH)

    with _step(timings, "people"):
        sizes = _sizes(scale.people, len(organisations), rng)
        people: list[User] = []
        for org_index, (organisation, size) in enumerate(zip(organisations, sizes, strict=True)):
            for n in range(size):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                people.append(User(
                    email=f"p{org_index}-{n}@{organisation.slug}.example",
                    name=f"{first} {last}",
                    organisation=organisation,
                    position=rng.choice(POSITIONS),
                    bio=rng.choice(BIOS).format(org=organisation.name),
                    password=UNUSABLE_PASSWORD,
                    date_joined=now - timedelta(seconds=rng.randrange(three_years)),
                ))
        people = User.objects.bulk_create(people, batch_size=BATCH)

    with _step(timings, "topics (M2M)"):
        through = User.topics.through
        links = []
        for person in people:
            for topic in rng.sample(topics, rng.choice([0, 1, 2, 2, 3, 3, 4])):
                links.append(through(user_id=person.pk, topic_id=topic.pk))
        through.objects.bulk_create(links, batch_size=BATCH)

    with _step(timings, "roles and grants"):
        roles, coordinators = [], []
        first_of = {}
        for person in people:
            seen = first_of.setdefault(person.organisation_id, [])
            seen.append(person)
        for org_index, organisation in enumerate(organisations):
            members = first_of[organisation.pk]
            lead_count = 2 if sizes[org_index] > 30 else 1
            coordinators.extend(members[:lead_count])
        coordinator_ids = {p.pk for p in coordinators}
        for person in people:
            role = Role.COORDINATOR if person.pk in coordinator_ids else Role.MEMBER
            roles.append(UserRole(user_id=person.pk, role=role))
        UserRole.objects.bulk_create(roles, batch_size=BATCH)
        change = Permission.objects.get(
            content_type__app_label="accounts", codename="change_organisation")
        OrganisationUserObjectPermission.objects.bulk_create(
            [OrganisationUserObjectPermission(permission=change, user_id=p.pk,
                                              content_object_id=p.organisation_id)
             for p in coordinators],
            batch_size=BATCH,
        )

    # The personas: the largest city, a member with a complete profile, and its coordinator
    # who also sits in process steering.
    city = organisations[0]
    city_people = first_of[city.pk]
    steering = city_people[0]
    UserRole.objects.create(user=steering, role=Role.STEERING)
    member = next(p for p in city_people if p.pk not in coordinator_ids
                  and through.objects.filter(user_id=p.pk).exists())
    person = city_people[len(city_people) // 2]

    with _step(timings, "audit entries"):
        entries = []
        for n in range(scale.people * scale.audit_per_person):
            actor = people[rng.randrange(len(people))]
            target = people[n % len(people)]
            entries.append(AuditEntry(
                created_at=now - timedelta(seconds=rng.randrange(three_years)),
                actor_id=actor.pk, actor_label=actor.name,
                actor_organisation_id=actor.organisation_id,
                action=AUDIT_ACTIONS[rng.randrange(len(AUDIT_ACTIONS))],
                target_type="accounts.user", target_id=str(target.pk),
                target_label=target.name, data={"benchmark": True},
            ))
        with _settable_created_at():
            AuditEntry.objects.bulk_create(entries, batch_size=BATCH)

    networks, active_of, network_counts = _networks(
        scale, rng, timings, now=now, people=people, coordinators=coordinators, member=member,
        topics=topics)
    workspace = networks[0]

    post, post_counts = _posts(scale, rng, timings, now=now, people=people,
                               organisations=organisations, networks=networks,
                               active_of=active_of, member=member, moderator=steering,
                               topics=topics)
    result = event = None
    library_counts, event_counts = {}, {}
    if library:
        with _step(timings, "library results"):
            municipalities = [o.pk for o in organisations
                              if o.kind == OrganisationKind.MUNICIPALITY]
            measured_topics = [t.pk for t in topics if t.slug in (WORKSPACE_TOPIC,
                                                                   "klimaanpassung")]
            generated = generate_library(
                total=scale.results, rng=rng, now=now, networks=networks,
                member_networks=len(MEMBER_NETWORKS), active_of=active_of,
                municipality_ids=municipalities, topic_ids=[t.pk for t in topics],
                measured_topic_ids=measured_topics, file_name=_bench_file(),
                file_size=len(BENCH_FILE_CONTENT))
            result, library_counts = generated.result, generated.counts
    if events:
        with _step(timings, "events"):
            generated = generate_events(
                total=scale.events, rng=rng, now=now, networks=networks,
                member_networks=len(MEMBER_NETWORKS), active_of=active_of,
                person_ids=[p.pk for p in people], member_id=member.pk,
                organiser_id=steering.pk, host_ids=[o.pk for o in organisations[:40]])
            event, event_counts = generated.event, generated.counts

    # The member was last here three days ago and counts the board's last 60 days as unread
    # unless read (PostRead above): the start page and "unread" have something to show.
    member.last_seen_at = member.previous_visit_at = now - timedelta(days=3)
    member.board_read_from = now - timedelta(days=60)
    member.save(update_fields=["last_seen_at", "previous_visit_at", "board_read_from"])

    if connection.vendor == "postgresql":
        # Production PostgreSQL has planner statistics (autovacuum analyses new tables);
        # rows written in this still-open transaction have none until ANALYZE.
        with _step(timings, "ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with _step(timings, "steering figures"):  # what beat counts every hour
        steering_figures_count(now=now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE steering_networkfigures, steering_cityfigures")

    counts = {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "topics": Topic.objects.count(),
        "topic links": User.topics.through.objects.count(),
        "roles": UserRole.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        **network_counts,
        **post_counts,
        **library_counts,
        **event_counts,
    }
    if search_index:
        # What the search page and the search API find.
        with _step(timings, "search index"):
            counts["search documents"] = build_search_index(scale)
    else:
        # An empty index: the search pages answer and find nothing, rather than saying that
        # search is unavailable (no index at all).
        search_backend.write_changes([], [])
    if result is not None:
        result = ResultPage.objects.get(pk=result.pk)  # as Wagtail reads it (its url)
    return Dataset(scale=scale, member=member, steering=steering, city=city, person=person,
                   network=workspace, topic=WORKSPACE_TOPIC, post=post, result=result,
                   event=event, counts=counts, timings=timings)
