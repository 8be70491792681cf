"""The dashboard is built from aggregate queries: as many for 500 networks as for 5."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from board.models import Audience, Comment, Post
from intranet.steering.services import steering_figures_count
from networks.models import MemberRole, Membership, Network, Task, Visibility

pytestmark = pytest.mark.django_db


def _networks(count: int, lead, member) -> None:
    """``count`` networks with members, posts, comments and tasks, counted as beat would."""
    now = timezone.now()
    networks = Network.objects.bulk_create([
        Network(slug=f"netz-{n}", name=f"Netz {n}", mandate="M", founded_at=now
                - datetime.timedelta(days=n), last_activity_at=now - datetime.timedelta(days=n),
                visibility=Visibility.CONFIDENTIAL if n % 5 == 0 else Visibility.OPEN)
        for n in range(count)])
    Membership.objects.bulk_create(
        [Membership(network=n, user=lead, role=MemberRole.LEAD) for n in networks]
        + [Membership(network=n, user=member) for n in networks])
    posts = Post.objects.bulk_create([
        Post(title="P", body="B", body_html="B", category="request", author=member,
             author_organisation=member.organisation, audience=Audience.NETWORK, network=n)
        for n in networks])
    Comment.objects.bulk_create([Comment(post=p, author=lead, body="C", body_html="C")
                                 for p in posts])
    Task.objects.bulk_create([Task(network=n, title="T") for n in networks])
    steering_figures_count()


def _queries(client) -> int:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("steering:dashboard"))
    assert response.status_code == 200
    print(f"dashboard: {len(response.context['board'].networks)} networks, "
          f"{len(queries)} queries, {(time.perf_counter() - started) * 1000:.0f} ms")
    return len(queries)


# session, user, roles, the viewer's own confidential networks; the totals of the networks
# and of the cities; the first rows of the four attention lists and the overdue decisions of
# the department-heads meeting; stored daily figures per month; the page of the network
# table and of the city table; the heat map's networks, cities and cells; founded,
# dissolved and continued per year; the header's unread notifications; when the figures
# were counted (two aggregates: the page says so, and its cached sections are kept by it)
DASHBOARD_QUERIES = 23
# Within the minute the sections are cached: session, user, roles, when the figures were
# counted, the header's unread notifications.
DASHBOARD_QUERIES_CACHED = 6


@pytest.mark.parametrize("count", [1, 20])
def test_dashboard_query_count_is_pinned(client_for, steering, lead, member, count,
                                         django_assert_num_queries):
    _networks(count, lead, member)
    client = client_for(steering)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("steering:dashboard")).status_code == 200


def test_dashboard_query_count_is_flat_from_5_to_500_networks(client_for, steering, lead,
                                                              member):
    client = client_for(steering)
    _networks(5, lead, member)
    few = _queries(client)
    Network.objects.all().delete()
    _networks(500, lead, member)
    many = _queries(client)
    assert few == many == DASHBOARD_QUERIES


def test_a_second_visit_within_the_minute_reads_the_sections_from_the_cache(
        client_for, steering, lead, member, django_assert_num_queries):
    _networks(20, lead, member)
    client = client_for(steering)
    first = client.get(reverse("steering:dashboard")).content.decode()
    with django_assert_num_queries(DASHBOARD_QUERIES_CACHED):
        again = client.get(reverse("steering:dashboard")).content.decode()
    assert _sections(again) == _sections(first) and "Netz 19" in again
    # Another page of the table, other days: sections of their own.
    other = client.get(reverse("steering:dashboard"), {"quiet_days": "7"})
    assert 'value="7"' in other.content.decode()


def test_counting_again_shows_the_new_figures_at_once(client_for, steering, lead, member):
    _networks(2, lead, member)
    client = client_for(steering)
    client.get(reverse("steering:dashboard"))
    Network.objects.filter(slug="netz-1").update(name="Umbenannt")  # an open one
    assert "Umbenannt" not in client.get(reverse("steering:dashboard")).content.decode()
    steering_figures_count()
    assert "Umbenannt" in client.get(reverse("steering:dashboard")).content.decode()


def _sections(page: str) -> str:
    """The cached sections, from the first to the end of the main content (the page around
    them holds what differs between any two responses: the CSRF token, the CSP nonce)."""
    return page[page.index('<section class="steering-section"'):page.index("</main>")]


def test_csv_export_runs_the_same_queries_for_5_and_500_networks(client_for, steering, lead,
                                                                  member):
    client = client_for(steering)
    _networks(5, lead, member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("steering:export", args=["netzwerke"]))
    Network.objects.all().delete()
    _networks(500, lead, member)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("steering:export", args=["netzwerke"])).content.decode()
    assert len(few) == len(many)
    assert body.count("\n") == 501  # header and one line per network


def test_a_nation_of_networks_is_paged_capped_and_exported_whole(client_for, steering, lead,
                                                                  member):
    _networks(120, lead, member)
    long_ago = timezone.now() - datetime.timedelta(days=300)
    Network.objects.update(last_activity_at=long_ago)
    Post.objects.update(created_at=long_ago)
    Comment.objects.update(created_at=long_ago)
    steering_figures_count()
    client = client_for(steering)
    response = client.get(reverse("steering:dashboard"), {"networks_page": "3"})
    assert len(response.context["networks_page"]["page"]) == 20  # 50, 50, 20
    body = response.content.decode()
    assert "networks_page=2#networks-heading" in body
    assert body.count("/nachfragen/") == 25  # the quiet list shows 25 of 120
    matrix = response.context["board"].matrix
    assert (len(matrix.networks), matrix.total_networks, matrix.is_cut) == (30, 120, True)
    export = client.get(reverse("steering:export", args=["matrix"])).content.decode()
    assert export.count("\n") == 121  # header and one line per network × city pair
    export = client.get(reverse("steering:export", args=["aufmerksamkeit"])).content.decode()
    assert export.count("\n") == 121
    assert client.get(reverse("steering:dashboard"), {"networks_page": "x"}).status_code == 200


def test_counting_runs_the_same_queries_for_5_and_500_networks(lead, member):
    _networks(5, lead, member)
    with CaptureQueriesContext(connection) as few:
        assert steering_figures_count() >= 5
    Network.objects.all().delete()
    _networks(500, lead, member)
    with CaptureQueriesContext(connection) as many:
        assert steering_figures_count() >= 500
    # The counts are the same queries; only the batched writes grow with the rows (SQLite
    # takes at most 999 values per statement).
    assert _reads(few) == _reads(many)
    assert len(_reads(few)) == 16  # with the savepoint, its release and the stale cities


def _reads(captured) -> list[str]:
    return [query["sql"].split(" ")[0] for query in captured.captured_queries
            if not query["sql"].startswith("INSERT")]
