"""Several processes writing at once; the index ends equal to the database (DESIGN §4).

Real parts only: PostgreSQL, Redis as the broker, the ``search`` queue's one worker (the
default pool, one process, as the Makefile runs it), writer processes that go through the
board's and the networks' services, a reader process searching the whole time, and one
``rebuild_index`` while the writers are at work. Runs in ``make test-services``.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from haystack import connections
from whoosh.index import open_dir
from whoosh.query import Term

from tests.core.search_concurrency_actors import word

pytestmark = [
    pytest.mark.realservices,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="DATABASE_URL is not PostgreSQL; run `make test-services`"),
    pytest.mark.skipif(
        not str(settings.CELERY_BROKER_URL).startswith("redis://"),
        reason="CELERY_BROKER_URL is not Redis; run `make test-services`"),
]

WRITERS = 3
ROUNDS = 12
START_TIMEOUT = 40  # seconds for the worker and the reader to be up (2 shared cores)
WRITE_TIMEOUT = 60  # for the writers to finish their rounds
SETTLE_TIMEOUT = 60  # for the worker to work through the outbox afterwards


@pytest.fixture
def index_path(tmp_path):
    """This test's own index: the test process, the worker, the writers and the reader
    all use it (the other tests keep the session's)."""
    from intranet.celery import app

    path = tmp_path / "whoosh"
    options = connections.connections_info["default"]
    saved_path, saved_eager = options["PATH"], app.conf.task_always_eager
    options["PATH"] = str(path)
    connections.reload("default")
    app.conf.task_always_eager = False  # nothing of this test runs in the test process
    try:
        yield path
    finally:
        options["PATH"] = saved_path
        connections.reload("default")
        app.conf.task_always_eager = saved_eager


@pytest.fixture
def cast(coordinator, member, service_staff, city):
    """Three authors (the first founds the shared network), the moderation, a reader;
    all of them in the network, so each can post and search there."""
    from networks.services import membership_join, network_found
    from tests.factories import UserFactory

    authors = [coordinator, *(UserFactory(name=f"Autorin {n}", organisation=city,
                                          roles=["coordinator"]) for n in range(1, WRITERS))]
    network = network_found(founder=coordinator, name=f"Runde {word(800, 0, 0)}",
                            mandate="Gemeinsam schreiben")
    for person in (*authors[1:], member):
        membership_join(network=network, user=person)
    return {"authors": authors, "moderator": service_staff, "reader": member,
            "network": network}


# --- The processes ----------------------------------------------------------------------------

def _environment() -> dict:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # The test database pytest-django created, not the one named in DATABASE_URL.
        "DATABASE_URL": urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"])),
        "CELERY_BROKER_URL": str(settings.CELERY_BROKER_URL),
        "PYTHONUNBUFFERED": "1",
    }


def _start(role: str, options: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - our own entry point with fixed arguments
            [sys.executable, "-m", "tests.core.search_concurrency_actors", role,
             json.dumps(options)],
            cwd=settings.BASE_DIR, env=_environment(), stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True)  # its own group: see _stop


def _stop(process: subprocess.Popen) -> None:
    """TERM (the worker's warm shutdown), then KILL, to the process's own group: the
    worker's pool process goes with it."""
    for sent, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


def _wait_for(condition, timeout: float, what: str, logs=()) -> float:
    """Polls ``condition`` until true; fails after ``timeout`` seconds with the logs."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            tails = "\n".join(f"--- {log.name}:\n{log.read_text(errors='replace')[-3000:]}"
                              for log in logs if log.exists())
            pytest.fail(f"{what}: not within {timeout} s\n{tails}")
        time.sleep(0.2)
    return time.monotonic() - started


def _worker_is_idle(name: str) -> bool:
    """Nothing waits in the ``search`` queue and the worker runs no task."""
    from intranet.celery import app

    with app.connection_for_write() as broker:
        try:
            waiting = broker.default_channel.queue_declare("search", passive=True).message_count
        except Exception:  # noqa: BLE001 - not declared: nothing waits
            waiting = 0
    if waiting:
        return False
    active = app.control.inspect(destination=[name], timeout=1).active()
    return active is not None and active.get(name) == []


# --- What the index holds ------------------------------------------------------------------

def _live_index(path: Path):
    return open_dir(str(path.resolve()))


def _documents(path: Path) -> dict:
    """(label, pk) → stored fields of every document in the index."""
    with _live_index(path).searcher() as searcher:
        return {(fields["django_ct"], int(fields["django_id"])): fields
                for fields in searcher.all_stored_fields()}


def _stored_fields(path: Path) -> list[str]:
    """What the index keeps of each document, besides its identity."""
    schema = _live_index(path).schema
    return [name for name in schema.names() if schema[name].stored
            and name not in ("id", "django_ct", "django_id")]


def _with_word(searcher, term: str) -> set:
    """(label, pk) of the documents whose text holds ``term``, asked of the index itself
    (the search page would also re-check each hit against the database)."""
    return {(hit["django_ct"], int(hit["django_id"]))
            for hit in searcher.search(Term("text", term), limit=None)}


def _what_the_database_says() -> dict:
    """(label, pk) → the document each registered index makes of the object now."""
    unified = connections["default"].get_unified_index()
    backend = connections["default"].get_backend()
    expected = {}
    for model, search_index in unified.get_indexes().items():
        for obj in search_index.index_queryset():
            prepared = search_index.full_prepare(obj)
            expected[(model._meta.label_lower, obj.pk)] = {
                key: backend._from_python(value) for key, value in prepared.items()}
    return expected


# --- The test -----------------------------------------------------------------------------------

REBUILD_WINDOW = 1.0  # seconds the rebuild's new index waits for its swap


def _count_writes_before_the_swap(monkeypatch) -> dict:
    """Makes the rebuild's new index wait ``REBUILD_WINDOW`` before its swap, as a big
    index's writing would (here it takes a fraction of a second), and counts the writes
    people made from the rebuild's read of the database to then: each must reach the
    new index through the outbox."""
    from intranet.core import search_backend
    from intranet.core.models import AuditEntry

    write_all, window = search_backend.write_all, {}

    def write_all_of_a_bigger_index(*args, **kwargs):
        before = AuditEntry.objects.count()
        count = write_all(*args, **kwargs)
        time.sleep(REBUILD_WINDOW)
        window["writes"] = AuditEntry.objects.count() - before
        return count

    monkeypatch.setattr(search_backend, "write_all", write_all_of_a_bigger_index)
    return window


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_a_reader_and_a_rebuild_leave_the_index_equal_to_the_database(
        cast, index_path, tmp_path, monkeypatch):
    from board.models import Post
    from intranet.core.models import SearchUpdate

    call_command("rebuild_index", interactive=False, verbosity=0)  # the initial data
    before_the_swap = _count_writes_before_the_swap(monkeypatch)
    worker_name = f"kw-concurrency-{uuid.uuid4().hex[:8]}@localhost"
    stop, ready = tmp_path / "stop-reading", tmp_path / "reader-ready"
    logs = {role: tmp_path / f"{role}.log" for role in
            ("worker", "reader", *(f"writer-{n}" for n in range(WRITERS)))}
    outputs = {role: tmp_path / f"{role}.json" for role in logs}
    common = {"index": str(index_path)}
    processes = {}
    started = time.monotonic()
    try:
        processes["worker"] = _start("worker", {**common, "name": worker_name},
                                     logs["worker"])
        processes["reader"] = _start("reader", {
            **common, "user": cast["reader"].pk, "writers": WRITERS, "rounds": ROUNDS,
            "seconds": START_TIMEOUT + WRITE_TIMEOUT + SETTLE_TIMEOUT, "stop": str(stop),
            "ready": str(ready), "out": str(outputs["reader"])}, logs["reader"])
        _wait_for(lambda: ready.exists() and "ready." in logs["worker"].read_text(
            errors="replace"), START_TIMEOUT, "worker and reader up", logs.values())
        up = time.monotonic() - started

        posts_before = Post.objects.count()
        for n in range(WRITERS):
            processes[f"writer-{n}"] = _start("writer", {
                **common, "writer": n, "rounds": ROUNDS, "author": cast["authors"][n].pk,
                "moderator": cast["moderator"].pk, "network": cast["network"].pk,
                "renames_network": n == 0, "pause": 0.05,
                "out": str(outputs[f"writer-{n}"])}, logs[f"writer-{n}"])
        writers = [processes[f"writer-{n}"] for n in range(WRITERS)]

        # The rebuild, once the writers are at work; it must overlap their writes.
        _wait_for(lambda: Post.objects.count() >= posts_before + WRITERS * 2, WRITE_TIMEOUT,
                  "the writers' first posts", logs.values())
        rebuild_started = time.monotonic()
        call_command("rebuild_index", interactive=False, verbosity=0)
        rebuild_seconds = time.monotonic() - rebuild_started
        writers_running_after_rebuild = sum(p.poll() is None for p in writers)

        _wait_for(lambda: all(p.poll() is not None for p in writers), WRITE_TIMEOUT,
                  "the writers' rounds", logs.values())
        writing = time.monotonic() - started - up
        settle = _wait_for(lambda: not SearchUpdate.objects.exists()
                           and _worker_is_idle(worker_name), SETTLE_TIMEOUT,
                           "the outbox worked through", logs.values())
        stop.touch()
        _wait_for(lambda: processes["reader"].poll() is not None, 15, "the reader stopping",
                  logs.values())
    finally:
        for process in processes.values():
            _stop(process)

    def tail(role):
        return logs[role].read_text(errors="replace")[-3000:]

    for n in range(WRITERS):
        assert processes[f"writer-{n}"].returncode == 0, tail(f"writer-{n}")
    assert processes["reader"].returncode == 0, tail("reader")
    written = [json.loads(outputs[f"writer-{n}"].read_text()) for n in range(WRITERS)]
    read = json.loads(outputs["reader"].read_text())
    print(f"\nup {up:.1f} s, writing {writing:.1f} s (rebuild {rebuild_seconds:.2f} s, "
          f"{before_the_swap['writes']} writes between its read and its swap, "
          f"{writers_running_after_rebuild} writers still running after it), settled "
          f"{settle:.1f} s; reader: {read['queries']} queries, {read['hits']} hits")

    # No error reached a person: not the writers, not the one searching.
    assert [error for result in written for error in result["errors"]] == []
    assert read["errors"] == [], read["errors"][:3]
    assert read["queries"] >= 20  # it really searched the whole time
    assert before_the_swap["writes"] > 0  # the rebuild really ran while people wrote

    _assert_the_index_holds_what_the_database_says(index_path)
    records = [record for result in written for record in result["posts"]]
    assert len(records) == WRITERS * ROUNDS
    with _live_index(index_path).searcher() as searcher:
        _assert_each_post_is_found_by_its_newest_words_only(searcher, cast["reader"], records)
        # The network: found by its new name only, and now for its members alone.
        renamed = written[0]["network_words"]
        network = ("networks.network", cast["network"].pk)
        assert len(renamed) == 1
        assert _with_word(searcher, renamed[0]) == {network}
        assert _with_word(searcher, word(800, 0, 0)) == set()
    assert _documents(index_path)[network]["audience"] == f"network:{cast['network'].pk}"


def _assert_the_index_holds_what_the_database_says(index_path: Path) -> None:
    """Document for document, and each stored field as the database would make it now."""
    expected, indexed = _what_the_database_says(), _documents(index_path)
    assert set(indexed) == set(expected)
    stored = _stored_fields(index_path)
    for key, document in expected.items():
        assert {name: indexed[key].get(name) for name in stored} == {
            name: document.get(name) for name in stored}, key


def _assert_each_post_is_found_by_its_newest_words_only(searcher, reader, records) -> None:
    """In the index and on the search page: a visible post by its newest words, by no
    word it had before; a hidden or deleted post by none of its words."""
    from intranet.core.search import search_visible_to

    states = {state: [r for r in records if r["state"] == state]
              for state in ("visible", "hidden", "deleted")}
    assert states["hidden"] and states["deleted"] and states["visible"]
    assert sum(len(r["words"]) > 1 for r in states["visible"]) >= WRITERS * (ROUNDS // 2)
    for record in states["visible"]:
        key, newest = ("board.post", record["pk"]), record["words"][-1]
        assert _with_word(searcher, newest) == {key}, record
        assert [hit.obj.pk for hit in search_visible_to(user=reader, q=newest)] == [
            record["pk"]], record
        for old in set(record["words"]) - {newest}:
            assert _with_word(searcher, old) == set(), record
            assert len(search_visible_to(user=reader, q=old)) == 0, record
    for record in states["hidden"] + states["deleted"]:
        for gone in record["words"]:
            assert _with_word(searcher, gone) == set(), record
            assert len(search_visible_to(user=reader, q=gone)) == 0, record
