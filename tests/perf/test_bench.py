"""``make bench``: server time and query count of the main pages at a chosen scale.

Run: ``make bench`` (region) or ``make bench SCALE=nation``; against PostgreSQL with
``DATABASE_URL=postgres://… make bench``. Options: ``--scale``, ``--bench-requests``.

Every page is measured next to two references in the same run, through the same
middleware (``tests/perf/bench_views.py``): a bare view returning "ok" (the framework's
floor) and the *reference page* (a signed-in 50-row list from 2 queries in the site's base
template). Page targets are ratios of a page's p95 to the reference page's p95.

How: ``django.test.Client`` in-process, signed in with ``force_login``. Three warm-up
requests per page, then N timed rounds; each round requests every page once, so that load
elsewhere on the machine falls on all pages alike; a garbage collection (not timed) before
each request, after freezing what the warm-up left alive, keeps one page's garbage from being
collected in the next one's time.
A page's query count is captured on one request before and one after the timed rounds; the
two must agree.
"""

import datetime
import gc
import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.perf import bench_views
from tests.perf.dataset import (
    MEMBER_NETWORKS,
    POST_COMMENTS,
    WORKSPACE,
    Dataset,
    generate,
)

pytestmark = [pytest.mark.perf, pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
WARM_UP = 3
FLOOR, REFERENCE = "floor: bare view", "reference page"
NO_INDEX = " (not built: --bench-without-search-index; the search pages find nothing)"


@dataclass(frozen=True)
class Page:
    label: str
    url: str  # formatted with Dataset.url_values(): {member}, {person}, {city}, {word},
    # {network}, {topic}, {post}, {result} (a result page's address), {result_id}, {event}
    persona: str = "member"  # or "steering"
    target: float | None = None  # soft target: p95 / reference p95, printed, never asserted


# The pages measured. Later issues append theirs here, with their target ratio.
PAGES = [
    Page(FLOOR, "/bench/ok/"),
    Page(REFERENCE, "/bench/reference/"),
    Page("start page", "/"),
    Page("people finder", "/personen/"),
    Page("people finder, search", "/personen/?q={word}"),
    Page("person profile", "/personen/{person}/"),
    Page("cities", "/staedte/"),
    Page("city page", "/staedte/{city}/"),
    Page("audit log (steering)", "/steuerung/protokoll/", persona="steering"),
    Page("API people", "/api/v1/people/"),
    Page("API me", "/api/v1/me/"),
    Page("API organisations", "/api/v1/organisations/"),
    # Expert networks (issue 3): the list and the workspace at most 3× the reference.
    Page("network list", "/netzwerke/", target=3.0),
    Page("network list, filtered", "/netzwerke/?status=active&topic={topic}", target=3.0),
    Page("network list, mine", "/netzwerke/?mine=on", target=3.0),
    Page("workspace", "/netzwerke/{network}/", target=3.0),
    Page("workspace tasks", "/netzwerke/{network}/aufgaben/"),
    Page("workspace documents", "/netzwerke/{network}/dokumente/"),
    Page("workspace members", "/netzwerke/{network}/mitglieder/"),
    Page("my tasks", "/netzwerke/aufgaben/"),
    Page("API networks", "/api/v1/networks/"),
    Page("API network tasks", "/api/v1/networks/{network}/tasks/"),
    # Notice board (issue 4): the board, its filters, a post and the archive at most 3× the
    # reference. A post's page marks it read (one upsert per request).
    Page("board", "/brett/", target=3.0),
    Page("board, filtered", "/brett/?category=request", target=3.0),
    Page("board, unread only", "/brett/?unread=on", target=3.0),
    Page("board of a network", "/brett/?network={network}", target=3.0),
    Page(f"post with {POST_COMMENTS} comments", "/brett/{post}/", target=3.0),
    Page("board archive", "/brett/archiv/", target=3.0),
    Page("API posts", "/api/v1/posts/", target=3.0),
    # Process steering (issue 7): the dashboard of every network and city at most 5× the
    # reference, its query count flat from region to nation.
    Page("steering dashboard", "/steuerung/", persona="steering", target=5.0),
    # Library, search and calendar (issue 9): at most 3× the reference.
    Page("library", "/wissen/", target=3.0),
    Page("library, filtered", "/wissen/?topic={topic}&type=guideline", target=3.0),
    Page("result page", "{result}", target=3.0),
    Page("search", "/suche/?q={word}", target=3.0),
    Page("calendar", "/termine/", target=3.0),
    Page("event page", "/termine/{event}/", target=3.0),
    Page("API results", "/api/v1/results/", target=3.0),
    Page("API events", "/api/v1/events/", target=3.0),
    Page("API search", "/api/v1/search/?q={word}", target=3.0),
]


@dataclass
class Result:
    page: Page
    url: str
    times: list[float]
    queries_before: int
    queries_after: int
    sql_before: list[str]
    sql_after: list[str]

    @property
    def p50(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)  # nearest rank
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend=ALLAUTH_BACKEND)
    return client


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        raise AssertionError(f"GET {url} answered {response.status_code} {location}".strip())
    return response


def _count_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return [f"[{float(query['time']) * 1000:.1f} ms] {query['sql']}"
            for query in captured.captured_queries]


EXPLAIN_FROM_MS = 10.0  # pages over their target: the plan of every query at least this slow


def _milliseconds(line: str) -> float:
    return float(line[1:line.index(" ms]")])


def _explain(results: list[Result]) -> str:
    """The database's plan of the slow queries of the pages over their target (PostgreSQL:
    EXPLAIN ANALYZE, run once more; SQLite: EXPLAIN QUERY PLAN), for the queries file."""
    reference = next(r for r in results if r.page.label == REFERENCE)
    prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql"
              else "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else None)
    if prefix is None:
        return ""
    parts = []
    for result in results:
        if result.page.target is None or result.p95 / reference.p95 <= result.page.target:
            continue
        for n, line in enumerate(result.sql_after, start=1):
            if _milliseconds(line) < EXPLAIN_FROM_MS:
                continue
            with connection.cursor() as cursor:
                cursor.execute(prefix + line[line.index(" ms] ") + 5:])
                plan = [" ".join(str(column) for column in row) for row in cursor.fetchall()]
            parts.append(f"## {result.page.label} {result.url}: query {n} "
                         f"({_milliseconds(line):.1f} ms)\n" + "\n".join(plan) + "\n\n")
    return "# Plans of the slow queries of pages over their target\n\n" + "".join(parts) \
        if parts else ""


def _measure(data: Dataset, rounds: int) -> list[Result]:
    clients = {"member": _client(data.member), "steering": _client(data.steering)}
    values = data.url_values()
    urls = [page.url.format(**values) for page in PAGES]
    for page, url in zip(PAGES, urls, strict=True):
        for _ in range(WARM_UP):
            _get(clients[page.persona], url)
    before = [_count_queries(clients[page.persona], url) for page, url in zip(PAGES, urls,
                                                                               strict=True)]
    times: list[list[float]] = [[] for _ in PAGES]
    # What lives on after the warm-up (modules, templates, the dataset's personas) is frozen
    # out of the collector, as a preforking server does; each request then starts with an
    # empty young generation, so no page pays for the garbage of the page before it.
    gc.collect()
    gc.freeze()
    try:
        for _ in range(rounds):
            for index, (page, url) in enumerate(zip(PAGES, urls, strict=True)):
                client = clients[page.persona]
                gc.collect()  # not timed
                started = time.perf_counter()
                response = client.get(url)
                times[index].append(time.perf_counter() - started)
                assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    finally:
        gc.unfreeze()
    after = [_count_queries(clients[page.persona], url) for page, url in zip(PAGES, urls,
                                                                              strict=True)]
    return [Result(page, url, times[i], len(before[i]), len(after[i]), before[i], after[i])
            for i, (page, url) in enumerate(zip(PAGES, urls, strict=True))]


def _database() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        where = "in memory" if "memory" in str(db["NAME"]) else db["NAME"]
        return f"SQLite {sqlite3.sqlite_version} (test database {where}, no ANALYZE)"
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return (f"PostgreSQL {version // 10000}.{version % 10000} "
                f"(test database {db['NAME']} on {db.get('HOST') or 'local socket'}, "
                f"ANALYZE after generation)")
    return f"{connection.vendor} (test database {db['NAME']})"


def _load() -> str:
    if not hasattr(os, "getloadavg"):
        return "?"
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _report(data: Dataset, results: list[Result], rounds: int, started: str,
            load_before: str) -> str:
    reference = next(r for r in results if r.page.label == REFERENCE)
    counts = ", ".join(f"{n:,} {name}" for name, n in data.counts.items())
    generation = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in data.timings.items())
    lines = [
        f"# Benchmark: scale {data.scale.name}",
        "",
        f"- Data: {counts}",
        f"- Data generation: {sum(data.timings.values()):.1f} s ({generation})",
        f"- Database: {_database()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}",
        f"- Machine: {os.cpu_count()} CPUs, {platform.platform()}; load average "
        f"(1/5/15 min) {load_before} before, {_load()} after",
        f"- Date: {started}",
        f"- Measured: django.test.Client in-process (no network, no WSGI server), signed in; "
        f"per page {WARM_UP} warm-up requests, then {rounds} timed requests in interleaved "
        f"rounds; objects alive after the warm-up frozen out of the garbage collector "
        f"(gc.freeze) and a collection (not timed) before each request; p95 is the "
        f"nearest rank. Queries counted on one request before and one "
        f"after the timed rounds. Personas: a member of {data.city.name} "
        f"(the audit log: its coordinator with the steering role). The member belongs to "
        f"{len(MEMBER_NETWORKS) + 1} networks; the workspace is {data.network.name} "
        f"({WORKSPACE['members']} members, {WORKSPACE['tasks']} tasks, "
        f"{WORKSPACE['documents']} documents, {WORKSPACE['posts']} posts at every scale). "
        f"The board: {data.counts.get('posts', 0):,} posts over two years; the member "
        f"counts the last 60 days as unread unless read; the measured post has "
        f"{POST_COMMENTS} comments and 2 attachments. The library: "
        f"{data.counts.get('library results', 0):,} results on "
        f"{data.counts.get('library shelves', 0):,} network shelves (the measured one with "
        f"2 documents); the calendar: {data.counts.get('events', 0):,} events over three "
        f"years (the measured one a coming meeting of the workspace, 28 of 30 places taken, "
        f"the member among them); search over an index of "
        f"{data.counts.get('search documents', 0):,} documents built after generation"
        f"{_search_sample(data) if 'search documents' in data.counts else NO_INDEX}.",
        f"- Ratio: p95 (p50) of the page / p95 (p50) of the reference page "
        f"({bench_views.REFERENCE_ROWS} people with organisation and topics from "
        f"{bench_views.REFERENCE_VIEW_QUERIES} queries in base.html, which adds "
        f"{bench_views.BASE_TEMPLATE_QUERIES} of its own; the same cost at every scale).",
        "",
        "| page | p50 ms | p95 ms | queries | p95 ratio to reference | p50 ratio | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        ratio = result.p95 / reference.p95
        target = "–"
        if result.page.target is not None:
            verdict = "ok" if ratio <= result.page.target else "OVER"
            target = f"≤ {result.page.target:.1f} ({verdict})"
        queries = str(result.queries_before)
        if result.queries_after != result.queries_before:
            queries += f" → {result.queries_after}"
        lines.append(f"| {result.page.label} `{result.url}` | {result.p50:.1f} | "
                     f"{result.p95:.1f} | {queries} | {ratio:.2f} | "
                     f"{result.p50 / reference.p50:.2f} | {target} |")
    return "\n".join(lines) + "\n"


def _sql(results: list[Result]) -> str:
    """Every query of every page (from the request after the timed rounds), for reading."""
    parts = []
    for result in results:
        parts.append(f"## {result.page.label} {result.url}: {result.queries_after} queries\n")
        parts.extend(f"{n}. {sql}\n" for n, sql in enumerate(result.sql_after, start=1))
        parts.append("\n")
    return "".join(parts)


def _write(report: str, sql: str, scale: str) -> Path:
    """``var/bench-<scale>.md`` (SQLite) or ``var/bench-<scale>-<vendor>.md``, and its SQL."""
    suffix = "" if connection.vendor == "sqlite" else f"-{connection.vendor}"
    path = Path(settings.BASE_DIR) / "var" / f"bench-{scale}{suffix}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report, encoding="utf-8")
    path.with_name(f"{path.stem}-queries.txt").write_text(sql, encoding="utf-8")
    return path


def _search_sample(data) -> str:
    if not data.scale.search_documents:
        return ""
    return (" (a sample: each kind by its share, newest first, as issue 9 names for the "
            "benchmark; a site's index holds every document)")


def test_main_pages_next_to_the_references(bench_scale, bench_requests, bench_search_index):
    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    load_before = _load()
    data = generate(bench_scale, search_index=bench_search_index)
    results = _measure(data, bench_requests)
    report = _report(data, results, bench_requests, started, load_before)
    path = _write(report, _sql(results) + _explain(results), bench_scale.name)
    sys.stdout.write("\n\n" + report + f"\n(written to {path})\n")

    # The query count of a page does not change from one request to the next.
    unstable = {r.url: (r.queries_before, r.queries_after) for r in results
                if r.queries_before != r.queries_after}
    assert unstable == {}, f"query counts changed between requests: {unstable}"

    # The reference page is what it claims: the floor plus exactly its 2 queries and those
    # of the base template.
    by_label = {r.page.label: r for r in results}
    floor, reference = by_label[FLOOR], by_label[REFERENCE]
    own = bench_views.REFERENCE_VIEW_QUERIES + bench_views.BASE_TEMPLATE_QUERIES
    assert reference.queries_before == floor.queries_before + own, (
        "the reference page should add exactly its own and base.html's queries to the "
        "floor:\n" + "\n".join(reference.sql_before))
