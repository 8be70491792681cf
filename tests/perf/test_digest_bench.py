"""``make bench``: the daily digest for 10,000 people, timed, with its queries counted.

The world is the benchmark's generator at a digest size (DIGEST_SCALE: 10,000 people, their
cities, networks with members and grants, board posts; the same at ``--scale region`` and
``nation``), unless the database already holds 10,000 people, whom it then reuses. Every
person gets 3–5 waiting notifications of the daily digest (``delivery="daily"``, not yet
e-mailed): announcements and followed comments about platform posts, new posts in their own
networks, news of their networks, and now and then something they may not see (a hidden
post, a confidential network they are not in). One person in a hundred has only such
items and must get no e-mail. Half the people were last here two days ago, the rest never:
both before the notifications were written, so nothing is skipped as already seen.

``send_digests(frequency="daily")`` runs with the locmem e-mail backend; each call of
``_digest_batch`` is wrapped to count its queries and people. The bound per batch follows
from ``intranet/notifications/delivery.py``:

* per batch, DIGEST_CONSTANT_QUERIES: the batch's people, their roles (prefetch), the
  claim: SELECT … FOR UPDATE SKIP LOCKED and its UPDATE inside ``transaction.atomic`` (a
  SAVEPOINT and its RELEASE here, as the test runs in a transaction; BEGIN/COMMIT, which are
  not counted, in production), the cities of the batch's posts and the people's grants on
  the networks concerned (both prefetched for the visibility check);
* per person, DIGEST_PER_PERSON_QUERIES = 0: the check runs on what was prefetched;
* once per run: the list of recipients.
"""

import datetime
import math
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from board.models import Audience, Post
from intranet.accounts.models import User
from intranet.notifications import delivery
from intranet.notifications.models import Frequency, Kind, Notification
from networks.models import Membership, MemberState, Network, Visibility
from tests.perf.dataset import Scale, generate
from tests.perf.test_bench import _database, _load

pytestmark = [pytest.mark.perf, pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]

PEOPLE = 10_000
DIGEST_SCALE = Scale("digest", organisations=60, people=PEOPLE, audit_per_person=0,
                     networks=500, requests=0, posts=20_000, posts_sqlite=20_000)
HIDDEN_POSTS = 50  # platform posts hidden by moderation: never in anybody's digest
BLIND_SHARE = 0.01  # people whose items are all out of their sight: no e-mail
UNSEEN_SHARE = 0.1  # of the further items: one the person may not see
DIGEST_CONSTANT_QUERIES = 8  # people, roles, SAVEPOINT, SELECT FOR UPDATE, UPDATE, RELEASE,
#                              the posts' cities, the grants
DIGEST_PER_PERSON_QUERIES = 0  # the visibility check runs on what was prefetched
DIGEST_RUN_QUERIES = 1  # the recipients
TARGET_SECONDS = 60


@dataclass
class Batch:
    people: int
    queries: int


@dataclass
class World:
    people: int
    notifications: int
    expected: set[str]  # the e-mail addresses that must get a digest
    generated: str  # how the world came about, for the report
    setup_seconds: float


def _world(rng: random.Random) -> World:
    started = time.perf_counter()
    existing = User.objects.filter(is_active=True).count()
    if existing >= PEOPLE:
        generated = f"reused {existing:,} people of the database"
    else:
        data = generate(DIGEST_SCALE)
        generation = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in
                               data.timings.items())
        generated = (f"generated ({sum(data.timings.values()):.1f} s: {generation}); "
                     + ", ".join(f"{n:,} {name}" for name, n in data.counts.items()))
    now = timezone.now()
    people = list(User.objects.filter(is_active=True).order_by("pk")
                  .values_list("pk", "email")[:PEOPLE])
    moderator = User.objects.order_by("pk").first()

    platform_posts = list(Post.objects.filter(audience=Audience.PLATFORM,
                                              hidden_at__isnull=True)
                          .order_by("pk").values_list("pk", "title"))
    hidden = platform_posts[:HIDDEN_POSTS]
    platform_posts = platform_posts[HIDDEN_POSTS:]
    Post.objects.filter(pk__in=[pk for pk, _ in hidden]).update(
        hidden_at=now - timedelta(days=1), hidden_by=moderator)
    hidden = [(pk, title, author_id) for (pk, title), author_id in zip(
        hidden, Post.objects.filter(pk__in=[pk for pk, _ in hidden]).order_by("pk")
        .values_list("author_id", flat=True), strict=True)]

    networks_of: dict[int, list[int]] = {}
    for user_id, network_id in Membership.objects.filter(state=MemberState.ACTIVE) \
            .values_list("user_id", "network_id"):
        networks_of.setdefault(user_id, []).append(network_id)
    names = dict(Network.objects.values_list("pk", "name"))
    confidential = list(Network.objects.filter(visibility=Visibility.CONFIDENTIAL)
                        .values_list("pk", flat=True))
    posts_in: dict[int, list[tuple[int, str]]] = {}
    for pk, network_id, title in Post.objects.filter(
            audience=Audience.NETWORK, hidden_at__isnull=True).values_list(
            "pk", "network_id", "title"):
        posts_in.setdefault(network_id, []).append((pk, title))

    # Before the notifications: half were here two days ago, the others never.
    ids = [pk for pk, _ in people]
    User.objects.filter(pk__in=ids[::2]).update(last_seen_at=now - timedelta(days=2))
    User.objects.filter(pk__in=ids[1::2]).update(last_seen_at=None)

    def daily(user_id, kind, text, **about):
        return Notification(recipient_id=user_id, kind=kind, delivery=Frequency.DAILY,
                            text=text[:500], url=about.pop("url", "/"), **about)

    def announcement(user_id, kind=Kind.ANNOUNCEMENT):
        pk, title = platform_posts[rng.randrange(len(platform_posts))]
        return daily(user_id, kind, f"Neuer Beitrag: {title}", url=f"/brett/{pk}/",
                     post_id=pk)

    def unseen(user_id):
        own = set(networks_of.get(user_id, []))
        foreign = [pk for pk in rng.sample(confidential, min(5, len(confidential)))
                   if pk not in own]
        if foreign and rng.random() < 0.5:
            pk = foreign[0]
            return daily(user_id, Kind.NETWORK, f"Neue Aufgabe in {names[pk]}",
                         url="/netzwerke/", network_id=pk)
        pk, title, author_id = hidden[rng.randrange(len(hidden))]
        if author_id == user_id:  # the author still sees their hidden post
            pk, title, author_id = next(h for h in hidden if h[2] != user_id)
        return daily(user_id, Kind.ANNOUNCEMENT, f"Neuer Beitrag: {title}",
                     url=f"/brett/{pk}/", post_id=pk)

    notifications, expected = [], set()
    for user_id, email in people:
        count = rng.randint(3, 5)
        if rng.random() < BLIND_SHARE:
            notifications.extend(unseen(user_id) for _ in range(count))
            continue
        expected.add(email)
        rows = [announcement(user_id)]
        own = networks_of.get(user_id, [])
        with_posts = [pk for pk in own if pk in posts_in]
        for _ in range(count - 1):
            roll = rng.random()
            if roll < UNSEEN_SHARE:
                rows.append(unseen(user_id))
            elif roll < 0.4 and with_posts:
                network_id = rng.choice(with_posts)
                pk, title = rng.choice(posts_in[network_id])
                rows.append(daily(user_id, Kind.NETWORK_POST,
                                  f"Neu in {names[network_id]}: {title}",
                                  url=f"/brett/{pk}/", post_id=pk))
            elif roll < 0.6 and own:
                network_id = rng.choice(own)
                rows.append(daily(user_id, Kind.NETWORK,
                                  f"Neues Mitglied in {names[network_id]}",
                                  url="/netzwerke/", network_id=network_id))
            elif roll < 0.8:
                rows.append(announcement(user_id, Kind.FOLLOWED_COMMENT))
            else:
                rows.append(announcement(user_id))
        notifications.extend(rows)
    Notification.objects.bulk_create(notifications, batch_size=5000)
    return World(people=len(people), notifications=len(notifications), expected=expected,
                 generated=generated, setup_seconds=time.perf_counter() - started)


def _output() -> Path:
    """``var/bench-digest.md`` (SQLite) or ``var/bench-digest-<vendor>.md``."""
    suffix = "" if connection.vendor == "sqlite" else f"-{connection.vendor}"
    return Path(settings.BASE_DIR) / "var" / f"bench-digest{suffix}.md"


def _report(world: World, sent: int, outbox: int, seconds: float, total_queries: int,
            batches: list[Batch], started: str, load_before: str) -> str:
    per_batch = [b.queries for b in batches]
    full = [b for b in batches if b.people == delivery.DIGEST_BATCH]
    bound = DIGEST_PER_PERSON_QUERIES * delivery.DIGEST_BATCH + DIGEST_CONSTANT_QUERIES
    lines = [
        "# Benchmark: daily digest",
        "",
        f"- World: {world.generated}; notifications written in "
        f"{world.setup_seconds:.1f} s in all",
        f"- Database: {_database()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}; "
        f"load average {load_before} before, {_load()} after",
        f"- Date: {started}",
        f"- Measured: send_digests(frequency=\"daily\") once, locmem e-mail backend, "
        f"batches of {delivery.DIGEST_BATCH} people (DIGEST_BATCH); queries captured with "
        f"an execute wrapper, the first batch's SQL with CaptureQueriesContext in "
        f"{_output().stem}-queries.txt (in the test transaction: a SAVEPOINT and RELEASE per "
        f"batch instead of BEGIN/COMMIT).",
        f"- Bound per batch: {DIGEST_PER_PERSON_QUERIES} per person + "
        f"{DIGEST_CONSTANT_QUERIES} (= {bound} for a full batch); once per run "
        f"{DIGEST_RUN_QUERIES}.",
        "",
        "| people | notifications | e-mails sent | seconds | ms per e-mail | queries | "
        "batches | queries per full batch (max) | queries per batch (min–max) | "
        "queries per person |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {world.people:,} | {world.notifications:,} | {outbox:,} (returned {sent:,}) | "
        f"{seconds:.1f} | {seconds * 1000 / max(outbox, 1):.2f} | {total_queries:,} | "
        f"{len(batches)} | {max((b.queries for b in full), default=0)} | "
        f"{min(per_batch, default=0)}–{max(per_batch, default=0)} | "
        f"{total_queries / max(world.people, 1):.2f} |",
    ]
    return "\n".join(lines) + "\n"


def test_daily_digest_for_ten_thousand_people(monkeypatch):
    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    load_before = _load()
    world = _world(random.Random(2026))

    # Every statement is counted by an execute wrapper (the query log of
    # CaptureQueriesContext keeps only the last 9,000); the first batch's statements are
    # also captured, for reading.
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    batches: list[Batch] = []
    first_batch_sql: list[str] = []
    real_batch = delivery._digest_batch

    def counted_batch(*, waiting, recipient_ids, frequency):
        before = statements
        with CaptureQueriesContext(connection) as captured:
            messages = real_batch(waiting=waiting, recipient_ids=recipient_ids,
                                  frequency=frequency)
        if not batches:
            first_batch_sql.extend(query["sql"] for query in captured.captured_queries)
        batches.append(Batch(len(recipient_ids), statements - before))
        return messages

    monkeypatch.setattr(delivery, "_digest_batch", counted_batch)
    mail.outbox = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
            connection.execute_wrapper(count):
        began = time.perf_counter()
        sent = delivery.send_digests(frequency=Frequency.DAILY)
        seconds = time.perf_counter() - began
    outbox = list(mail.outbox)
    total_queries = statements

    report = _report(world, sent, len(outbox), seconds, total_queries, batches, started,
                     load_before)
    path = _output()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report, encoding="utf-8")
    path.with_name(f"{path.stem}-queries.txt").write_text(
        "".join(f"{n}. {sql}\n" for n, sql in enumerate(first_batch_sql, start=1)),
        encoding="utf-8")
    sys.stdout.write("\n\n" + report + f"\n(written to {path})\n")

    # One e-mail to each person with something visible, none to the others.
    recipients = [message.to[0] for message in outbox]
    assert sent == len(outbox)
    assert len(recipients) == len(set(recipients)), "someone got two digests"
    assert set(recipients) == world.expected
    assert not Notification.objects.filter(delivery=Frequency.DAILY,
                                           emailed_at__isnull=True).exists()
    assert seconds < TARGET_SECONDS, f"the digest took {seconds:.1f} s"

    # Queries: bounded per person and batch, whatever the number of people.
    assert len(batches) == math.ceil(world.people / delivery.DIGEST_BATCH)
    over = [(b.people, b.queries) for b in batches
            if b.queries > DIGEST_PER_PERSON_QUERIES * b.people + DIGEST_CONSTANT_QUERIES]
    assert over == [], f"batches over the bound (people, queries): {over}"
    assert total_queries <= sum(b.queries for b in batches) + DIGEST_RUN_QUERIES
