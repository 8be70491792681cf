"""The figures are right: the region of conftest.py with known counts, number by number."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.steering.selectors import confidential_label
from intranet.steering.services import daily_figures_catch_up, steering_figures_count

from .conftest import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(region, client_for, steering, member, lead):
    type(member).objects.filter(pk=member.pk).update(last_login=ago(10))
    type(lead).objects.filter(pk=lead.pk).update(last_login=ago(200), last_seen_at=None)
    client = client_for(steering)  # signs steering in: active now
    steering_figures_count()
    response = client.get(reverse("steering:dashboard"))
    assert response.status_code == 200
    return response.context["board"]


def _row(board, network):
    return next(row for row in board.networks if row.pk == network.pk)


def test_each_figure_of_an_open_network(board, region):
    row = _row(board, region["rain"])
    assert (row.label, row.members, row.cities, row.active_leads) == ("Starkregen", 4, 2, 1)
    assert (row.posts_30, row.posts_90, row.comments_30, row.comments_90) == (1, 2, 2, 2)
    assert (row.tasks_open, row.tasks_overdue, row.tasks_done) == (2, 1, 1)
    assert (row.meetings, row.results) == (1, 0)  # the cancelled and the coming one: no
    assert row.status == "active" and row.age_days == 0
    assert row.last_activity > ago(1)


def test_a_confidential_network_counts_under_its_number(board, region):
    secret = region["secret"]
    row = _row(board, secret)
    assert not row.named and row.url == ""
    assert row.label == confidential_label(secret.pk)
    assert (row.members, row.cities, row.posts_30, row.tasks_open) == (2, 1, 1, 1)
    assert board.networks[-1] is row  # numbered ones after the named


def test_quiet_network_is_old_and_on_the_attention_list(board, region):
    quiet = _row(board, region["quiet"])
    assert quiet.age_days == 400 and quiet.quiet_days == 100
    assert board.quiet_days == 60
    assert [row.pk for row in board.attention.quiet] == [region["quiet"].pk]
    assert board.attention.leaderless == []


def test_each_figure_per_city(board, region):
    cities = {city.name: city for city in board.cities}
    assert list(cities) == ["Stadt Bochum", "Stadt Dortmund", "Stadt Essen"]
    bochum, dortmund, essen = cities.values()
    # coordinator, lead, member, steering; signed in lately: member and steering (now)
    assert (bochum.people, bochum.active_people, bochum.coordinators) == (4, 2, 3)
    assert (bochum.networks, bochum.events_attended, bochum.posts) == (3, 1, 2)
    assert (essen.people, essen.coordinators, essen.networks, essen.events_attended,
            essen.posts) == (1, 0, 1, 1, 1)
    assert (dortmund.people, dortmund.coordinators, dortmund.networks) == (1, 1, 0)
    assert [c.name for c in board.attention.cities_without_coordinator] == ["Stadt Essen"]
    assert [c.name for c in board.attention.cities_without_network] == ["Stadt Dortmund"]


def test_participation_matrix_counts_members_per_city(board, region):
    matrix = board.matrix
    assert [c.name for c in matrix.cities] == ["Stadt Bochum", "Stadt Dortmund", "Stadt Essen"]
    assert [n.pk for n in matrix.networks] == [region["rain"].pk, region["quiet"].pk,
                                               region["secret"].pk]
    assert matrix.cells == [[3, 0, 1], [1, 0, 0], [2, 0, 0]] and matrix.maximum == 3


def test_lifecycle_counts_founded_dissolved_and_continued_per_year(board, region):
    this_year = timezone.localdate().year
    by_year = {row["year"]: row for row in board.lifecycle}
    assert by_year[this_year] == {"year": this_year, "founded": 2, "dissolved": 0,
                                  "continued": 0}
    assert by_year[timezone.localtime(ago(400)).year]["founded"] >= 1
    assert sum(row["founded"] for row in board.lifecycle) == 3


def test_lifecycle_counts_a_dissolution_and_a_continuation(region, coordinator, client_for,
                                                           steering):
    from networks.services import network_continue, network_dissolve

    network_dissolve(network=region["quiet"], actor=coordinator, summary="Fertig",
                     results="Bibliothek")
    network_continue(network=region["rain"], actor=coordinator, summary="Läuft weiter")
    steering_figures_count()
    board = client_for(steering).get(reverse("steering:dashboard")).context["board"]
    this_year = [row for row in board.lifecycle if row["year"] == timezone.localdate().year][0]
    assert (this_year["dissolved"], this_year["continued"]) == (1, 1)
    # A dissolved network is no longer at work: not in the matrix, not on the quiet list.
    assert region["quiet"].pk not in [n.pk for n in board.matrix.networks]
    assert board.attention.quiet == []


def test_quiet_days_come_from_the_page_and_bad_input_falls_back(region, client_for,
                                                                steering):
    client = client_for(steering)
    board = client.get(reverse("steering:dashboard"), {"quiet_days": "200"}).context["board"]
    assert board.quiet_days == 200 and board.attention.quiet == []
    response = client.get(reverse("steering:dashboard"), {"quiet_days": "viele"})
    assert response.status_code == 200 and response.context["board"].quiet_days == 60
    assert "quiet_days" in response.context["form"].errors


def test_quiet_days_default_comes_from_the_setting(region, client_for, steering, settings):
    settings.STEERING_QUIET_DAYS = 120
    board = client_for(steering).get(reverse("steering:dashboard")).context["board"]
    assert board.quiet_days == 120 and board.attention.quiet == []


def test_networks_whose_leads_have_all_left_are_listed(region, coordinator, client_for,
                                                       steering):
    type(coordinator).objects.filter(pk=coordinator.pk).update(is_active=False)
    steering_figures_count()
    board = client_for(steering).get(reverse("steering:dashboard")).context["board"]
    assert {row.pk for row in board.attention.leaderless} == {region["rain"].pk,
                                                             region["quiet"].pk}
    assert _row(board, region["rain"]).members == 3


def test_activity_per_month_comes_from_the_nightly_figures(region, client_for, steering):
    client = client_for(steering)
    board = client.get(reverse("steering:dashboard")).context["board"]
    assert board.activity_as_of is None and sum(row["total"] for row in board.activity) == 0
    assert "not counted yet" in client.get(reverse("steering:dashboard")).content.decode() \
        or board.activity_as_of is None
    daily_figures_catch_up()
    board = client.get(reverse("steering:dashboard")).context["board"]
    assert len(board.activity) == 24
    assert board.activity[-1]["month"] == timezone.localdate().replace(day=1)
    totals = {name: sum(row[name] for row in board.activity)
              for name in ("posts", "comments", "tasks", "meetings")}
    # Today is counted tomorrow: the tasks made today are not in yet.
    assert totals == {"posts": 3, "comments": 3, "tasks": 0, "meetings": 1}
    assert board.activity_as_of > ago(1)


def test_nightly_figures_recount_yesterday_and_fill_gaps_once(region):
    from intranet.steering.models import DailyFigure

    today = timezone.localdate()
    first = daily_figures_catch_up(today=today)
    assert first > 700 and DailyFigure.objects.count() == first
    assert daily_figures_catch_up(today=today) == 1  # only yesterday again
    assert daily_figures_catch_up(today=today + datetime.timedelta(days=1)) == 1
