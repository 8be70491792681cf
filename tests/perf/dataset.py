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
* audit entries: a few per person, spread over three years.

Two personas are returned: ``member`` (a member of the largest city, with a complete
profile) and ``steering`` (a coordinator of the same city who also sits in process
steering and may read the audit log).
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

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
from intranet.core.models import AuditEntry

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


@dataclass(frozen=True)
class Scale:
    name: str
    organisations: int
    people: int
    audit_per_person: int
    requests: int  # timed requests per page unless --bench-requests says otherwise


SCALES = {
    "region": Scale("region", organisations=17, people=400, audit_per_person=4, requests=50),
    "nation": Scale("nation", organisations=2000, people=50_000, audit_per_person=4,
                    requests=30),
}


@dataclass
class Dataset:
    scale: Scale
    member: User
    steering: User
    city: Organisation
    person: User  # a colleague whose profile page is measured
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _step(timings: dict[str, float], name: str):
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started


@contextmanager
def _settable_created_at():
    """Let ``bulk_create`` keep the given ``created_at`` instead of ``auto_now_add``."""
    created_at = AuditEntry._meta.get_field("created_at")
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


def generate(scale: Scale, *, seed: int = 2026) -> Dataset:
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

    if connection.vendor == "postgresql":
        # Production PostgreSQL has planner statistics (autovacuum analyses new tables);
        # rows written in this still-open transaction have none until ANALYZE.
        with _step(timings, "ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    counts = {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "topics": Topic.objects.count(),
        "topic links": User.topics.through.objects.count(),
        "roles": UserRole.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }
    return Dataset(scale=scale, member=member, steering=steering, city=city, person=person,
                   counts=counts, timings=timings)
