import os

import pytest
from django.conf import settings
from django.core.management import call_command
from haystack import connections
from haystack.query import SearchQuerySet
from whoosh.index import open_dir

from board.services import post_create, post_hide, post_update
from intranet.core.models import SearchUpdate
from intranet.core.search import drain_updates, search_visible_to
from intranet.core.search_backend import MAX_SEGMENTS, hit_keys
from networks.services import network_found
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_haystack_comes_before_wagtail_search_so_its_rebuild_index_wins():
    apps = settings.INSTALLED_APPS
    assert apps.index("haystack") < apps.index("wagtail.search")


def test_rebuild_index_indexes_active_people(city):
    UserFactory(name="Ilse Index", organisation=city)
    UserFactory(name="Inge Inaktiv", organisation=city).__class__.objects.filter(
        name="Inge Inaktiv").update(is_active=False)
    call_command("rebuild_index", interactive=False, verbosity=0)
    hits = SearchQuerySet().filter(type="person")
    titles = {hit.title for hit in hits}
    assert "Ilse Index" in titles
    assert "Inge Inaktiv" not in titles


# --- The writer and the reader of the embedded Whoosh index (core.search_backend) ----------

def _live_index():
    return open_dir(os.path.realpath(connections["default"].get_backend().path))


def test_one_change_at_a_time_commits_without_merging_until_the_segments_add_up(
        coordinator, member):
    call_command("rebuild_index", interactive=False, verbosity=0)
    words = ["Kranich", "Eisvogel", "Feldlerche", "Uferweide", "Sumpfdotter", "Schilfinsel",
             "Wiesenknopf", "Erlenbruch", "Quellgraben", "Moorauge", "Bachforelle",
             "Libellenteich"]  # no two share a compound part
    assert len(words) >= MAX_SEGMENTS + 4
    segments, found = [], []
    for word in words:
        post = post_create(author=coordinator, title=f"Wiese {word}", body="Feucht.",
                           category="offer")
        assert drain_updates() == 1  # the search queue's worker, one row per drain
        with _live_index().reader() as reader:
            segments.append(len(reader.leaf_readers()))
        found.append([hit.obj for hit in search_visible_to(user=member, q=word)] == [post])
    # A segment per small commit, merged once there are MAX_SEGMENTS of them.
    assert segments[:MAX_SEGMENTS - 1] == list(range(2, MAX_SEGMENTS + 1))
    assert max(segments) <= MAX_SEGMENTS
    assert min(segments[MAX_SEGMENTS - 1:]) < MAX_SEGMENTS
    assert all(found)


def test_a_batch_of_changes_is_one_commit_and_removes_what_is_gone(coordinator, member,
                                                                   service_staff):
    kept = post_create(author=coordinator, title="Zisterne im Park", body="Regenwasser.",
                       category="offer")
    hidden = post_create(author=coordinator, title="Zisterne am Markt", body="Regenwasser.",
                         category="offer")
    call_command("rebuild_index", interactive=False, verbosity=0)
    generation = _live_index().latest_generation()

    post_update(post=kept, actor=coordinator, title="Zisterne im Stadtpark Nord")
    post_hide(post=hidden, actor=service_staff)
    network = network_found(founder=coordinator, name="Zisternen", mandate="Regenwasser")
    waiting = set(SearchUpdate.objects.values_list("label", "object_pk"))
    assert waiting == {("board.post", kept.pk), ("board.post", hidden.pk),
                       ("networks.network", network.pk)}

    rows = SearchUpdate.objects.count()  # a save may note its object more than once
    assert drain_updates() == rows
    assert _live_index().latest_generation() == generation + 1  # one commit
    hits = {(hit.type, hit.obj.pk) for hit in search_visible_to(user=member, q="Zisterne")}
    assert hits == {("post", kept.pk), ("network", network.pk)}
    assert [hit.obj for hit in search_visible_to(user=member, q="Stadtpark")] == [kept]


def test_hits_are_read_in_the_order_haystack_gives_them(coordinator):
    for n in range(6):
        post_create(author=coordinator, title=f"Baumscheibe {n}",
                    body="Baumscheibe " * (n + 1), category="offer")
    call_command("rebuild_index", interactive=False, verbosity=0)
    for query in (SearchQuerySet().auto_query("Baumscheibe").filter(type="post"),
                  SearchQuerySet().auto_query("Baumscheibe").order_by("-created")):
        by_haystack = [(hit.type, int(hit.pk)) for hit in query._clone()[:4]]
        assert len(by_haystack) == 4
        assert hit_keys(query._clone(), 4) == by_haystack


def test_the_index_keeps_no_copy_of_the_document_text(coordinator):
    post_create(author=coordinator, title="Gründach", body="Extensive Begrünung.",
                category="offer")
    call_command("rebuild_index", interactive=False, verbosity=0)
    with _live_index().searcher() as searcher:
        stored = [searcher.stored_fields(docnum) for docnum in searcher.document_numbers()]
    assert {fields["type"] for fields in stored} >= {"post", "person"}
    assert all("text" not in fields and "django_id" in fields for fields in stored)
