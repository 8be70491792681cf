"""Who may see a hit narrows the index's query as a filter, not as a clause of it
(``search_backend.AllowedDocs``): the audiences are not matched and scored with every hit."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from haystack import connections

from board.services import post_create
from intranet.core import search_backend, search_scoring
from intranet.core.search import audiences_of, drain_updates, search_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def segments(coordinator, confidential_network):
    """Posts for everyone and for the confidential network, written in three commits:
    three segments."""
    call_command("rebuild_index", interactive=False, verbosity=0)
    for round_ in range(3):
        post_create(author=coordinator, title=f"Mulde {round_} für alle", body="Versickerung",
                    category="offer")
        post_create(author=coordinator, title=f"Mulde {round_} im Kreis", body="Versickerung",
                    category="offer", audience="network", network=confidential_network)
        drain_updates()


def _titles(user, q):
    return sorted(hit.title for hit in search_visible_to(user=user, q=q))


def test_the_audiences_filter_the_hits_and_are_not_in_the_query(segments, member, outsider):
    with override_settings(DEBUG=True):
        connections["default"].reset_queries()
        assert _titles(member, "Versickerung") == [
            f"Mulde {n} {where}" for n in range(3) for where in ("für alle", "im Kreis")]
        (query,) = connections["default"].queries
    assert "audience" not in query["query_string"]
    assert _titles(outsider, "Versickerung") == [f"Mulde {n} für alle" for n in range(3)]


def test_the_allowed_documents_are_those_with_one_of_the_audiences(segments, member,
                                                                   outsider, steering):
    backend = connections["default"].get_backend()
    with backend.live_lock():
        searcher = backend.live_searcher()
        assert len(searcher.leaf_searchers()) >= 3
        for person in (member, outsider, steering):
            audiences = audiences_of(person)
            allowed = search_backend.AllowedDocs(searcher, audiences)
            expected = {docnum for docnum in searcher.document_numbers()
                        if set(searcher.stored_fields(docnum)["audience"].split(","))
                        & set(audiences)}
            assert {docnum for docnum in searcher.document_numbers()
                    if docnum in allowed} == expected
            assert expected  # everyone sees the posts for all
            by_segment = {offset + docnum for leaf, offset in searcher.leaf_searchers()
                          for docnum in range(leaf.doc_count_all())
                          if docnum in allowed.of_segment(offset)}
            assert by_segment == expected  # each segment's set, as search_scoring reads it


def test_a_segments_documents_of_an_audience_are_read_once_and_kept(segments,
                                                                    confidential_network):
    backend = connections["default"].get_backend()
    with backend.live_lock():
        searcher = backend.live_searcher()
        reader = searcher.leaf_searchers()[-1][0].reader()
        everyone = search_backend._docs_with(reader, "all")
        assert search_backend._docs_with(reader, "all") is everyone  # kept, not read again
        assert isinstance(everyone, search_scoring.Bits)  # most documents: one bit each
        few = search_backend._docs_with(reader, f"network:{confidential_network.pk}")
        assert few and all(docnum in everyone or docnum in few
                           for docnum in range(reader.doc_count_all()))
        assert not search_backend._docs_with(reader, "network:0")  # no such audience


def test_a_rare_audience_is_kept_as_a_set_of_its_few_documents(coordinator,
                                                                confidential_network):
    call_command("rebuild_index", interactive=False, verbosity=0)
    for number in range(70):
        post_create(author=coordinator, title=f"Hinweis {number}", body="Text",
                    category="announcement")
    secret = post_create(author=coordinator, title="Nur im Kreis", body="Text",
                         category="offer", audience="network", network=confidential_network)
    drain_updates()  # one commit: one segment of 71
    backend = connections["default"].get_backend()
    with backend.live_lock():
        searcher = backend.live_searcher()
        reader = searcher.leaf_searchers()[-1][0].reader()
        few = search_backend._docs_with(reader, f"network:{confidential_network.pk}")
        assert isinstance(few, frozenset) and len(few) == 1
        (docnum,) = few
        assert int(reader.stored_fields(docnum)["django_id"]) == secret.pk


def test_an_index_without_documents_finds_nothing_and_does_not_fail(member):
    search_backend.rebuild(narrowed=lambda search_index, queryset: queryset.none())
    backend = connections["default"].get_backend()
    with backend.live_lock():
        assert backend.live_searcher().doc_count_all() == 0
    assert len(search_visible_to(user=member, q="Versickerung")) == 0  # not SearchUnavailable
