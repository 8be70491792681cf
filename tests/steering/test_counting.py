"""The dashboard reads figures counted by the hourly task, and says when they were counted."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.models import OrganisationKind
from intranet.steering.models import CityFigures, NetworkFigures
from intranet.steering.services import steering_figures_count

from .conftest import post_in

pytestmark = pytest.mark.django_db


def _board(client):
    response = client.get(reverse("steering:dashboard"))
    assert response.status_code == 200
    return response, response.context["board"]


def _row(board, network):
    return next(row for row in board.networks if row.pk == network.pk)


def test_the_page_says_when_the_figures_were_counted(region, client_for, steering):
    moment = timezone.now() - datetime.timedelta(minutes=20)
    steering_figures_count(now=moment)
    response, _board_of_it = _board(client_for(steering))
    assert response.context["counted_at"] == moment
    assert "Stand der Zahlen" in response.content.decode()


def test_new_activity_shows_after_the_next_count_not_before(region, client_for, steering,
                                                            member):
    client = client_for(steering)
    post_in(region["rain"], member, days_ago=1)
    _response, board = _board(client)
    assert _row(board, region["rain"]).posts_30 == 1  # as counted in the fixture
    steering_figures_count()
    _response, board = _board(client)
    assert _row(board, region["rain"]).posts_30 == 2


def test_a_network_founded_after_the_count_has_a_row_without_figures(
        region, client_for, steering, make_network):
    fresh = make_network(name="Neu gegründet")
    response, board = _board(client_for(steering))
    row = _row(board, fresh)
    assert not row.counted and row.members == 0
    assert row not in board.attention.leaderless  # no figures: nothing to alert about
    assert "Noch nicht gezählt" in response.content.decode()
    export = client_for(steering).get(reverse("steering:export", args=["netzwerke"]))
    line = next(line for line in export.content.decode().splitlines()
                if line.startswith("Neu gegründet"))
    assert ";" * 13 in line  # empty cells, not zeros that look true
    steering_figures_count()
    _response, board = _board(client_for(steering))
    assert _row(board, fresh).counted and _row(board, fresh).members == 1


def test_steering_may_count_now(region, client_for, steering, member,
                                django_capture_on_commit_callbacks):
    client = client_for(steering)
    post_in(region["rain"], member, days_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("steering:recount"))
    assert response.status_code == 302
    _response, board = _board(client)
    assert _row(board, region["rain"]).posts_30 == 2
    assert "neu gezählt" in _response.content.decode()


def test_counting_now_is_a_post_for_steering_only(region, client_for, steering, member,
                                                  coordinator):
    assert client_for(steering).get(reverse("steering:recount")).status_code == 405
    for person in (member, coordinator):
        assert client_for(person).post(reverse("steering:recount")).status_code == 404


def test_the_first_visit_of_a_new_installation_starts_the_first_count(
        client_for, steering, make_network, django_capture_on_commit_callbacks):
    make_network()
    with django_capture_on_commit_callbacks(execute=True):
        response, _board_counted_after = _board(client_for(steering))
    assert response.context["counted_at"] is None
    assert "zum ersten Mal gezählt" in response.content.decode()
    assert NetworkFigures.objects.count() == 1 and CityFigures.objects.exists()


def test_counting_again_replaces_the_figures_and_drops_former_cities(region):
    first = NetworkFigures.objects.count(), CityFigures.objects.count()
    dortmund = region["dortmund"]
    type(dortmund).objects.filter(pk=dortmund.pk).update(kind=OrganisationKind.SERVICE)
    steering_figures_count()
    assert NetworkFigures.objects.count() == first[0] == 3
    assert CityFigures.objects.count() == first[1] - 1
    assert not CityFigures.objects.filter(city=dortmund).exists()


def test_beat_counts_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["steering-figures"]
    assert entry["task"] == "intranet.steering.tasks.count_steering_figures"
    assert entry["schedule"].minute == {40} and len(entry["schedule"].hour) == 24


def test_a_platform_without_networks_is_counted_once(client_for, steering,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as first:
        _board(client_for(steering))
    response, _board_of_it = _board(client_for(steering))
    assert len(first) == 1 and response.context["counted_at"] is not None  # the cities
    with django_capture_on_commit_callbacks() as second:
        _board(client_for(steering))
    assert second == []  # no new count on each visit
