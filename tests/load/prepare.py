"""``make load``, step by step: the database, the region and what the load test's users need.

    python -m tests.load.prepare reset-db    # drop and create the database of DATABASE_URL
    python -m tests.load.prepare dataset OUT [--scale region|nation] [--search-index]
                                             # the data of ``make bench``, passwords, OUT.json

``dataset`` runs with the settings the server runs with (DJANGO_SETTINGS_MODULE, DATABASE_URL,
VAR_DIR) after ``migrate``. It writes the region (or the nation) through
``tests/perf/dataset.py``'s ``generate`` (the same data as ``make bench --scale …``), gives the
members of the measured workspace a password of this run, and writes to OUT what the users of
``locustfile.py`` read: their e-mail addresses and password, the workspace, its documents,
posts to read and comment on, a file to download and words to search for. For
``make throughput`` (tests/perf/throughput.py) it adds the bench's two personas signed in
(their session cookies, written into the session store as a sign-in would write them), the
values that fill the bench's page URLs (``Dataset.url_values``) and how long the generation
took, with ``--search-index`` the search index over the committed data included. The password and
the sessions are random per run and the database is the run's own; nothing leaves the machine.
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

LOAD_USERS = 45  # the workspace's active members: every one of them may read all it holds
SEARCH_WORDS = ["Starkregen", "Baumrigolen", "Schwammstadt", "Klima", "Fördermittel",
                "Hitzeschutz", "Entsiegelung", "Protokoll", "Leitfaden", "Regenwasser"]


def reset_database(url: str) -> None:
    """Drop and create the database named in ``url`` (PostgreSQL), so that each run starts
    from the same generated region."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in {"postgres", "postgresql"} or not name:
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    if name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to drop the database {name!r}")
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"database {name}: created afresh")


def _setup_django() -> None:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    django.setup()


def signed_in_session(user) -> str:
    """The session key of ``user`` signed in, written by Django's own sign-in into the
    configured session store, as the bench's ``force_login`` does (no password involved)."""
    from django.conf import settings
    from django.test import Client

    from tests.perf.test_bench import ALLAUTH_BACKEND

    # Fresh from the database: the session carries a hash of the password, which may have
    # changed since the object was loaded (the load users' password above).
    user.refresh_from_db()
    client = Client()
    client.force_login(user, backend=ALLAUTH_BACKEND)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_search_index(scale) -> tuple[int, float]:
    """The project's rebuild over the committed data (its documents may be prepared in
    another process, which sees only what is committed), as the page bench builds it;
    documents and seconds."""
    import time

    from tests.perf.dataset import build_search_index as rebuild

    started = time.perf_counter()
    documents = rebuild(scale)
    return documents, time.perf_counter() - started


def write_dataset(out: Path, scale_name: str = "region", *, search_index: bool = False) -> None:
    _setup_django()
    import time

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from board.models import Attachment, Audience, Post
    from intranet.accounts.models import User
    from networks.models import DocumentVersion, Membership, MemberState
    from tests.perf.dataset import SCALES, generate

    started = time.perf_counter()
    with transaction.atomic():
        dataset = generate(SCALES[scale_name])
        # On a running site the upload's task has read each file once. The generated files
        # share one placeholder that is no real PDF: left unread, beat's sweep would try all
        # of them during the run and log each failure with its traceback.
        now = timezone.now()
        DocumentVersion.objects.update(text_extracted_at=now)
        Attachment.objects.update(text_extracted_at=now)
    if search_index:
        dataset.counts["search documents"], dataset.timings["search index"] = \
            build_search_index(SCALES[scale_name])
    generation_seconds = time.perf_counter() - started
    workspace = dataset.network
    member_ids = list(Membership.objects.filter(
        network=workspace, state=MemberState.ACTIVE).order_by("pk").values_list(
        "user_id", flat=True)[:LOAD_USERS])
    password = secrets.token_urlsafe(18)
    # One hash for all: the same password, and argon2 costs a noticeable moment per hash.
    User.objects.filter(pk__in=member_ids).update(password=make_password(password))
    emails = list(User.objects.filter(pk__in=member_ids).order_by("pk").values_list(
        "email", flat=True))

    versions = list(DocumentVersion.objects.filter(document__network=workspace).order_by(
        "document_id", "number").values_list("document_id", "number"))
    posts = list(Post.objects.filter(
        audience=Audience.PLATFORM, hidden_at__isnull=True,
        is_pinned=False, expires_at__isnull=True).order_by("-created_at").values_list(
        "pk", flat=True)[:200])
    attachments = list(dataset.post.attachments.values_list("pk", flat=True))
    plan = {
        "password": password,
        "users": emails,
        "workspace": workspace.slug,
        "documents": [{"document": pk, "number": number} for pk, number in versions],
        "posts": posts,
        "measured_post": dataset.post.pk,
        "attachments": [{"post": dataset.post.pk, "attachment": pk} for pk in attachments],
        "search_words": SEARCH_WORDS,
        "counts": dataset.counts,
        "scale": scale_name,
        "generation_seconds": round(generation_seconds, 1),
        "generation_steps": {step: round(seconds, 1)
                             for step, seconds in dataset.timings.items()},
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": {"member": signed_in_session(dataset.member),
                     "steering": signed_in_session(dataset.steering)},
        "url_values": {name: str(value) for name, value in dataset.url_values().items()},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    os.chmod(out, 0o600)  # holds the run's password
    print(f"{scale_name}: {dataset.counts.get('people')} people, {dataset.counts.get('posts')} "
          f"posts, {dataset.counts.get('networks', '?')} networks, generated in "
          f"{generation_seconds:.1f} s; {len(emails)} load users in {workspace.slug}; "
          f"plan in {out}")


def main(argv: list[str]) -> int:
    if argv == ["reset-db"]:
        reset_database(os.environ.get("DATABASE_URL", ""))
        return 0
    if argv[:1] == ["dataset"]:
        parser = argparse.ArgumentParser(prog="python -m tests.load.prepare dataset")
        parser.add_argument("out", type=Path)
        parser.add_argument("--scale", choices=("region", "nation"), default="region")
        parser.add_argument("--search-index", action="store_true",
                            help="build the search index over the data, timed (make load "
                                 "runs rebuild_index itself)")
        args = parser.parse_args(argv[1:])
        write_dataset(args.out, args.scale, search_index=args.search_index)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
