"""What one search loads: every re-checked hit counted and faceted from a few columns, the
shown page of hits whole; the index's query on this process's search thread."""

import os
import threading

import pytest
from django.core.management import call_command

from board.services import post_create, post_hide
from intranet.core import search, search_backend
from intranet.core.search import Found, search_visible_to
from networks.models import Visibility
from networks.services import network_found

pytestmark = pytest.mark.django_db

POSTS = 25


@pytest.fixture
def many_posts(coordinator):
    posts = [post_create(author=coordinator, title=f"Zisternenförderung Nummer {number}",
                         body="Zisterne im Hof " + "lang " * 2000, category="offer")
             for number in range(POSTS)]
    call_command("rebuild_index", interactive=False, verbosity=0)
    return posts


def test_every_hit_is_counted_but_only_the_slice_shown_is_loaded(member, many_posts,
                                                                 django_assert_num_queries):
    with django_assert_num_queries(3):  # roles, networks (audiences), the posts' few columns
        hits = search_visible_to(user=member, q="Zisterne")
    assert len(hits) == POSTS
    assert all(isinstance(hit, Found) and hit.kind == "post" for hit in hits.found)
    assert {hit.pk for hit in hits.found} == {post.pk for post in many_posts}
    # Whole, re-checked again: the posts (their networks as a subquery), their files' text.
    with django_assert_num_queries(2):
        shown = hits[:20]
    assert [hit.obj.pk for hit in shown] == [hit.pk for hit in hits.found[:20]]
    assert all("Zisterne im Hof" in hit.text for hit in shown)
    with django_assert_num_queries(2):
        assert len(hits[20:40]) == POSTS - 20


def test_a_hit_hidden_after_it_was_counted_is_not_shown(member, service_staff, many_posts):
    hits = search_visible_to(user=member, q="Zisterne")
    first = hits.found[0].pk
    post_hide(post=next(post for post in many_posts if post.pk == first), actor=service_staff)
    assert first not in [hit.obj.pk for hit in hits[:20]]
    with pytest.raises(IndexError):
        hits[0]  # noqa: B018 (indexing is what is tested)


def test_the_search_page_counts_all_and_shows_twenty(client_for, member, many_posts):
    response = client_for(member).get("/suche/", {"q": "Zisterne"})
    page = response.context["page"]
    assert page.paginator.count == POSTS and len(page.object_list) == 20
    facets = {field: values for field, _, values in response.context["facets"]}
    assert [value["count"] for value in facets["type"]] == [POSTS]
    second = client_for(member).get("/suche/", {"q": "Zisterne", "page": 2}).context["page"]
    assert len(second.object_list) == POSTS - 20


def test_the_index_is_asked_on_the_search_thread(member, many_posts, monkeypatch):
    asked_on = []
    first_keys = search_backend._first_keys

    def noting_the_thread(*args, **kwargs):
        asked_on.append(threading.current_thread().name)
        return first_keys(*args, **kwargs)

    monkeypatch.setattr(search_backend, "_first_keys", noting_the_thread)
    assert len(search_visible_to(user=member, q="Zisterne")) == POSTS
    assert asked_on and asked_on[0].startswith("search")
    assert asked_on[0] != threading.current_thread().name


def test_the_search_thread_passes_failures_on_and_is_new_after_a_fork(monkeypatch):
    def failing():
        raise ValueError("broken index")

    with pytest.raises(ValueError, match="broken index"):
        search_backend.on_search_thread(failing)
    assert search_backend.on_search_thread(threading.get_ident) != threading.get_ident()
    before = search_backend._SEARCH_THREAD[1]
    real_pid = os.getpid()
    monkeypatch.setattr(search_backend.os, "getpid", lambda: real_pid + 1)  # a forked child
    search_backend.on_search_thread(threading.get_ident)
    assert search_backend._SEARCH_THREAD[1] is not before


def test_hits_of_several_kinds_are_re_checked_in_one_query(coordinator, member,
                                                           django_assert_num_queries):
    post_create(author=coordinator, title="Kranichwiese im Hof", body="Mulde",
                category="offer")
    network_found(founder=coordinator, name="Kranichwiese", mandate="Mulden planen",
                  visibility=Visibility.OPEN)
    call_command("rebuild_index", interactive=False, verbosity=0)
    with django_assert_num_queries(3):  # roles, networks (audiences), both kinds' columns
        hits = search_visible_to(user=member, q="Kranichwiese")
    assert sorted(hit.kind for hit in hits.found) == ["network", "post"]


def test_the_re_check_of_every_kind_at_once_is_one_valid_query(member,
                                                                django_assert_num_queries):
    """Kinds without a city or network first, one with them last: PostgreSQL types a
    UNION's columns from its first parts (a bare NULL would be text, then not a number)."""
    found = [("network", 1), ("person", 2), ("result", 3), ("event", 4), ("document", 5),
             ("post", 6), ("network_document", 7)]
    assert search._recheck_light(member, found) == {}  # none of them exists
