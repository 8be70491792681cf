"""The benchmark writes library pages table by table in bulk (tests/perf/dataset_library.py);
Wagtail must find the tree and the pages as if they had been added one by one."""

import random

import pytest
from django.utils import timezone
from wagtail.models import Page

from knowledge.models import LibraryPage, ResultPage, ShelfPage
from knowledge.services import shelf_for
from networks.models import Visibility
from networks.services import network_found
from tests.perf.dataset_library import generate_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def networks(coordinator):
    made = [network_found(founder=coordinator, name=name, mandate="Austausch",
                          visibility=visibility)
            for name, visibility in (("Offene Runde", Visibility.OPEN),
                                     ("Runde auf Anfrage", Visibility.ON_REQUEST),
                                     ("Verschwiegene Runde", Visibility.CONFIDENTIAL),
                                     ("Zweite offene Runde", Visibility.OPEN))]
    shelf_for(made[1])  # a shelf made the usual way: the bulk ones come after it
    return made


def _generate(networks, coordinator, city, topics, total=40):
    return generate_library(
        total=total, rng=random.Random(1), now=timezone.now(), networks=networks,
        member_networks=2, active_of={n.pk: [coordinator.pk] for n in networks},
        municipality_ids=[city.pk], topic_ids=[t.pk for t in topics],
        measured_topic_ids=[topics[0].pk], file_name="documents/bench.pdf", file_size=10)


def test_bulk_written_pages_form_a_sound_tree(networks, coordinator, city):
    from intranet.accounts.models import Topic

    library = _generate(networks, coordinator, city, list(Topic.objects.all()))

    assert all(problems == [] for problems in Page.find_problems())
    assert ResultPage.objects.count() == 40
    drafts = library.counts["library drafts"]
    assert LibraryPage.objects.live().count() == 40 - drafts
    shelves = ShelfPage.objects.filter(network__in=networks)
    assert shelves.count() == library.counts["library shelves"]
    for shelf in shelves:
        assert shelf.numchild == shelf.get_children().count()
        for child in shelf.get_children().specific():
            assert child.network_id == shelf.network_id


def test_bulk_written_result_is_served_by_wagtail(networks, coordinator, city, member,
                                                  client_for):
    from intranet.accounts.models import Topic

    library = _generate(networks, coordinator, city, list(Topic.objects.all()), total=10)
    result = ResultPage.objects.get(pk=library.result.pk)
    client = client_for(member)

    page = client.get(result.url)
    index = client.get("/wissen/")

    assert page.status_code == 200
    assert result.title in page.content.decode()
    assert index.status_code == 200
    assert result.title in index.content.decode()
