"""``make load``, step by step: the database, the region and what the load test's users need.

    python -m tests.load.prepare reset-db    # drop and create the database of DATABASE_URL
    python -m tests.load.prepare dataset OUT # the region of ``make bench``, passwords, OUT.json

``dataset`` runs with the settings the server runs with (DJANGO_SETTINGS_MODULE, DATABASE_URL,
VAR_DIR) after ``migrate``. It writes the region through ``tests/perf/dataset.py``'s
``generate`` (the same data as ``make bench --scale region``), gives the members of the measured
workspace a password of this run, and writes to OUT what the users of ``locustfile.py`` read:
their e-mail addresses and password, the workspace, its documents, posts to read and comment on,
a file to download and words to search for. The password is random per run and the database
is the load test's own; nothing leaves the machine.
"""

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


def write_dataset(out: Path) -> None:
    _setup_django()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from board.models import Attachment, Audience, Post
    from intranet.accounts.models import User
    from networks.models import DocumentVersion, Membership, MemberState
    from tests.perf.dataset import SCALES, generate

    with transaction.atomic():
        dataset = generate(SCALES["region"])
        # On a running site the upload's task has read each file once. The generated files
        # share one placeholder that is no real PDF: left unread, beat's sweep would try all
        # of them during the run and log each failure with its traceback.
        now = timezone.now()
        DocumentVersion.objects.update(text_extracted_at=now)
        Attachment.objects.update(text_extracted_at=now)
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
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    os.chmod(out, 0o600)  # holds the run's password
    print(f"region: {dataset.counts.get('people')} people, {dataset.counts.get('posts')} "
          f"posts, {dataset.counts.get('networks', '?')} networks; {len(emails)} load users "
          f"in {workspace.slug}; plan in {out}")


def main(argv: list[str]) -> int:
    if argv == ["reset-db"]:
        reset_database(os.environ.get("DATABASE_URL", ""))
        return 0
    if argv[:1] == ["dataset"] and len(argv) == 2:
        write_dataset(Path(argv[1]))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
