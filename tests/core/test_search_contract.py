"""What our code relies on from the search engine, whichever ``SEARCH_URL`` chooses
(issue 9, item 4): a contract, run against the backend ``HAYSTACK_CONNECTIONS`` configures.

Here that is Whoosh: Solr and Elasticsearch cannot be installed on this machine, so the
suite has only run against Whoosh so far. It is written for any of them: it writes through
the services and the index's outbox (the writer drains it after commit), reads through
``search_visible_to`` and, where it looks at the index itself, through haystack's
``SearchQuerySet``; nothing here opens a Whoosh index. Against Solr or Elasticsearch run it
with ``SEARCH_URL=solr://…`` or ``SEARCH_URL=elasticsearch://…`` (the schema of
``build_solr_schema`` for Solr; German analysis configured in the engine).
"""

import pytest
from django.core.management import call_command
from haystack.query import SearchQuerySet

from board.services import post_create, post_delete, post_hide, post_update
from intranet.core.search import drain_updates, search_visible_to
from networks.models import Visibility
from networks.services import network_found
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogelrigole"

SPECIAL_QUERIES = [
    '"Zisternen', 'Zisternen"', '"Zisternen Quartier"', "titel:Zisternen", "type:post",
    "a:b:c", "Zister(nen", "(Zisternen", "[Zisternen]", "{Zisternen}", "Zisternen AND",
    "AND", "OR NOT", "NOT Zisternen", "Zisternen AND OR", "*", "Zister*", "***", "?",
    "Zisternen~", "~2", "^3", "Zisternen^", "\\", "/Zist.*/", "Zisternen -", "-", "+",
    "&&", "||", "!", "Zisternen!", "<b>Zisternen</b>", "Zisternen; DROP TABLE", "'",
    f'"{CANARY}" OR *', f"{CANARY}*",
]


@pytest.fixture
def writer(django_capture_on_commit_callbacks):
    """Runs the writes of its block, then lets the single writer drain the outbox, as
    the ``search`` worker does once their transaction has committed."""

    class Writer:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc_info):
            self.capture.__exit__(*exc_info)
            drain_updates()  # whatever the callbacks did not drain yet

    return Writer


@pytest.fixture
def empty_index(db):
    call_command("rebuild_index", interactive=False, verbosity=0)  # nothing of other tests


def _titles(user, q, **filters) -> list[str]:
    return [hit.title for hit in search_visible_to(user=user, q=q, **filters)]


def _indexed_posts(word) -> list[int]:
    """The posts the index itself holds for ``word``, duplicates kept, before any check
    against the database."""
    return sorted(int(result.pk) for result in SearchQuerySet().auto_query(word)
                  if result.model_name == "post")


def test_a_written_post_is_found_by_a_word_of_it(empty_index, writer, coordinator, member):
    with writer():
        post_create(author=coordinator, title="Regenwasser im Quartier",
                    body="Wir planen eine Zisterne am Rathaus.", category="offer")
    assert _titles(member, "Zisterne") == ["Regenwasser im Quartier"]
    assert _titles(member, "Rathaus") == ["Regenwasser im Quartier"]
    assert _titles(member, "Sandkasten") == []


@pytest.mark.parametrize("query", [
    "Starkregen",  # the first part of a compound
    "Vorsorge",  # and the last
    "Baumrigole",  # the singular finds the plural
    "Strassenbaeume",  # ss for ß, ae for ä
    "Straßenbäume",
])
def test_german_words_find_their_stems_compounds_and_spellings(empty_index, writer,
                                                               coordinator, member, query):
    with writer():
        post_create(author=coordinator, title="Starkregenvorsorge mit Baumrigolen",
                    body="Für die Straßenbäume an der Hauptstraße.", category="offer")
    assert _titles(member, query) == ["Starkregenvorsorge mit Baumrigolen"]


def test_a_confidential_networks_post_is_found_by_its_members_only(
        empty_index, writer, coordinator, member, outsider, steering, confidential_network):
    with writer():
        post_create(author=coordinator, title=f"Geheim {CANARY}", body=f"Intern {CANARY}",
                    category="request", audience="network", network=confidential_network)
    assert _titles(member, CANARY) == [f"Geheim {CANARY}"]
    for stranger in (outsider, steering):
        assert _titles(stranger, CANARY) == []
        assert _titles(stranger, "Verschwiegene") == []  # not even the network's name
        for query in SPECIAL_QUERIES:
            assert all(CANARY not in title for title in _titles(stranger, query))


def test_removed_and_hidden_posts_leave_the_index(empty_index, writer, coordinator, member,
                                                  service_staff):
    with writer():
        hidden = post_create(author=coordinator, title="Versickerung A", body="Mulde",
                             category="offer")
        deleted = post_create(author=coordinator, title="Versickerung B", body="Mulde",
                              category="offer")
    assert _indexed_posts("Versickerung") == sorted([hidden.pk, deleted.pk])
    with writer():
        post_hide(post=hidden, actor=service_staff)
        post_delete(post=deleted, actor=coordinator)
    assert _indexed_posts("Versickerung") == []
    assert _titles(member, "Versickerung") == []


def test_an_update_replaces_the_document(empty_index, writer, coordinator, member):
    with writer():
        post = post_create(author=coordinator, title="Hitzeaktionsplan", body="Entwurf",
                           category="announcement")
    for round_ in range(3):
        with writer():
            post_update(post=post, actor=coordinator, title=f"Hitzeaktionsplan {round_}",
                        body=f"Fassung Trinkbrunnen {round_}")
    assert _indexed_posts("Hitzeaktionsplan") == [post.pk]  # one document, not four
    assert _indexed_posts("Entwurf") == []  # the old words are gone
    assert _titles(member, "Trinkbrunnen") == ["Hitzeaktionsplan 2"]


def test_kind_and_topic_filters_narrow_the_hits(empty_index, writer, coordinator, member):
    topic = TopicFactory(slug="starkregen", name="Starkregen")
    with writer():
        network_found(founder=coordinator, name="Gründach-Runde", mandate="Gründächer",
                      visibility=Visibility.OPEN)
        post_create(author=coordinator, title="Gründach am Rathaus", body="Gründächer",
                    category="offer", topics=[topic])
        post_create(author=coordinator, title="Gründach an der Schule", body="Gründächer",
                    category="offer")
    everything = search_visible_to(user=member, q="Gründach")
    assert {hit.kind for hit in everything} == {"network", "post"}
    assert _titles(member, "Gründach", type="network") == ["Gründach-Runde"]
    assert sorted(_titles(member, "Gründach", type="post")) == [
        "Gründach am Rathaus", "Gründach an der Schule"]
    assert _titles(member, "Gründach", topic="starkregen") == ["Gründach am Rathaus"]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(empty_index, writer,
                                                                   coordinator, member):
    with writer():
        post_create(author=coordinator, title="Bericht aus dem Umweltamt",
                    body="Es geht auch um Retentionsmulden.", category="announcement")
        post_create(author=coordinator, title="Retentionsmulden im Park",
                    body="Ein Bericht aus dem Grünflächenamt.", category="announcement")
    assert _titles(member, "Retentionsmulden") == ["Retentionsmulden im Park",
                                                   "Bericht aus dem Umweltamt"]


def test_a_query_with_special_characters_finds_something_or_nothing_but_never_fails(
        empty_index, writer, coordinator, member):
    with writer():
        post_create(author=coordinator, title="Zisternen im Quartier", body="Regenwasser",
                    category="offer")
    for query in SPECIAL_QUERIES:
        hits = search_visible_to(user=member, q=query)  # SearchUnavailable would fail here
        assert {hit.title for hit in hits} <= {"Zisternen im Quartier"}, query
    assert _titles(member, '"Zisternen"') == ["Zisternen im Quartier"]
