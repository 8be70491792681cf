"""The search's own scoring (``search_scoring``) finds what Whoosh finds, scored as Whoosh
scores it to the last bit, in Whoosh's order: on the project's schema and query parser,
over several segments (one with deleted documents), for the queries people type and for
the shapes it leaves to Whoosh's matchers (phrases, negations, prefixes)."""

import random
from datetime import datetime, timedelta

import pytest
from haystack import connections
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.filedb.filestore import FileStorage

from intranet.core import search_scoring
from intranet.core.search_backend import WRITER_OPTIONS, AllowedDocs

WORDS = ["Starkregen", "Schwammstadt", "Klima", "Klimaanpassung", "Hitze", "Baumrigolen",
         "Mulde", "Versickerung", "Regenwasser", "Tiny", "Forest", "Gehweg", "Dachbegrünung",
         "Fördermittel", "Entsiegelung", "Stadtgrün", "Artenvielfalt", "Zisterne", "Beratung",
         "Koordinatorinnen", "Protokoll", "Leitfaden"]
AUDIENCES = ("all", "all", "all", "network:1", "network:2", "user:7", "org:3")
SEGMENT_SIZES = (450, 300, 180)  # every common word spans several blocks of 128 postings
# Query strings as haystack sends them (auto_query, filters).
QUERIES = [
    "(klima)", "(starkregen)", "(tiny AND forest)", "(rigolen AND gehwegen)",
    "(regenwasser AND artenvielfalt AND zisterne)", "(klima OR hitze OR mulde OR gehweg)",
    "(klima AND NOT hitze)", '("tiny forest")', "(klima*)", "(mulde) AND (type:post)",
    "(koordinatorinnen)", "(nichtimindex)", "(klima AND nichtimindex)",
]


def _document(rng, number):
    words = rng.choices(WORDS, k=rng.randint(1, 40))
    if 300 <= number < SEGMENT_SIZES[0]:
        words.append("Nachzügler")  # only at the end of the first segment
    # Many on the same day (ties); a person's profile has no date.
    created = {} if number % 11 == 0 else {
        "created": datetime(2026, 1, 1) + timedelta(days=rng.randint(0, 40))}
    return {**created, "id": f"board.post.{number}", "django_ct": "board.post",
            "django_id": str(number), "type": rng.choice(("post", "result", "document")),
            "title": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
            "text": " ".join(words), "audience": rng.choice(AUDIENCES)}


@pytest.fixture(scope="module")
def backend():
    backend = connections["default"].get_backend()
    backend.setup()
    return backend


@pytest.fixture(scope="module")
def index(backend, tmp_path_factory):
    """Three segments written in three commits, then a fourth that replaces some
    documents of the first (deleting them there)."""
    rng = random.Random(20261122)
    index = FileStorage(str(tmp_path_factory.mktemp("scoring"))).create_index(backend.schema)
    number = 0
    for size in SEGMENT_SIZES:
        writer = index.writer(**WRITER_OPTIONS)
        for _ in range(size):
            writer.add_document(**_document(rng, number))
            number += 1
        writer.commit(merge=False)
    writer = index.writer(**WRITER_OPTIONS)
    for replaced in range(0, 120, 3):
        writer.update_document(**_document(rng, replaced))
    writer.commit(merge=False)
    return index


@pytest.fixture
def searcher(index):
    with index.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 4
        assert any(leaf.reader().has_deletions() for leaf, _ in searcher.leaf_searchers())
        yield searcher


@pytest.mark.parametrize("query_string", QUERIES)
def test_each_segment_is_scored_as_whooshs_matchers_score_it(backend, searcher,
                                                              query_string):
    query = backend.parser.parse(query_string)
    context = searcher.context()
    for leaf, _ in searcher.leaf_searchers():
        ours = search_scoring.segment_scores(query.matcher(leaf, context), leaf.reader())
        whooshs = search_scoring._stepped_scores(query.matcher(leaf, context))
        assert ours == whooshs  # the same documents, the same floats


def _whoosh_scoring_every_match(searcher, query, limit, allowed=None) -> list[int]:
    """Whoosh's own collector scoring every match: without skipping blocks by their
    quality (``usequality``) and without replacing matchers by what their maximum quality
    lets through (``replace``). With the replacing, searcher.search() returned for
    "(tiny AND forest)", limit 1, a hit scored 14.62 and left out one scored 15.64 (its
    own matchers' scores; this module's are the same)."""
    collector = TopCollector(limit=limit, usequality=False, replace=0)
    if allowed is not None:
        collector = FilterCollector(collector, allow=allowed)
    searcher.search_with_collector(query, collector)
    return [docnum for docnum, _ in collector.results().items()]


@pytest.mark.parametrize("query_string", QUERIES)
@pytest.mark.parametrize("limit", [1, 7, 300])
def test_the_best_are_whooshs_best_in_whooshs_order(backend, searcher, query_string, limit):
    query = backend.parser.parse(query_string)
    whooshs = _whoosh_scoring_every_match(searcher, query, limit)
    assert search_scoring.top_docnums(searcher, query, limit=limit) == whooshs


@pytest.mark.parametrize("audiences", [["all"], ["all", "network:1", "user:7"],
                                       ["network:2"], ["org:3", "network:1"], ["user:99"]])
def test_the_allowed_audiences_narrow_the_best_as_whooshs_filter(backend, searcher,
                                                                   audiences):
    allowed = AllowedDocs(searcher, audiences)
    for query_string in QUERIES:
        query = backend.parser.parse(query_string)
        whooshs = _whoosh_scoring_every_match(searcher, query, 50, allowed)
        assert search_scoring.top_docnums(searcher, query, limit=50,
                                          allowed=allowed) == whooshs


@pytest.mark.parametrize("reverse", [True, False])
@pytest.mark.parametrize("limit", [1, 7, 300])
def test_sorted_by_date_is_whooshs_sort(backend, searcher, reverse, limit):
    allowed = AllowedDocs(searcher, ["all", "network:1"])
    for query_string in QUERIES:
        query = backend.parser.parse(query_string)
        for narrowed in (None, allowed):
            whooshs = [docnum for docnum, _ in searcher.search(
                query, limit=limit, sortedby=["created"], reverse=reverse,
                filter=narrowed).items()]
            assert search_scoring.sorted_docnums(
                searcher, query, field="created", reverse=reverse, limit=limit,
                allowed=narrowed) == whooshs


def test_sorted_by_a_field_without_a_numeric_column_is_left_to_whoosh(backend, searcher):
    query = backend.parser.parse("(klima)")
    assert search_scoring.sorted_docnums(searcher, query, field="django_ct", reverse=False,
                                         limit=5) is None


def test_words_in_fields_are_scored_a_block_at_a_time(backend, searcher, monkeypatch):
    """A word in its fields and all the words together need no step through a matcher;
    a phrase does. (An OR of more than two terms, in a segment of up to 5,000 documents,
    Whoosh preloads by stepping through it; so does this.)"""
    stepped = []
    step = search_scoring._stepped_scores
    monkeypatch.setattr(search_scoring, "_stepped_scores",
                        lambda matcher: stepped.append(matcher) or step(matcher))
    for query_string in ("(klima)", "(tiny AND forest)", "(rigolen AND gehwegen)"):
        search_scoring.top_docnums(searcher, backend.parser.parse(query_string), limit=10)
    assert stepped == []
    search_scoring.top_docnums(searcher, backend.parser.parse('("tiny forest")'), limit=10)
    assert stepped


def test_a_term_first_read_inside_an_intersection_is_kept_whole(backend, searcher):
    """Whoosh moves an intersection's children to their first common document when it
    makes the matcher (here past the first blocks of "klima"); what is kept of the term is
    still all its postings."""
    search_scoring.forget_segments()
    for query_string in ("(klima AND nachzügler)", "(klima)"):
        query = backend.parser.parse(query_string)
        assert search_scoring.top_docnums(searcher, query, limit=300) == \
            _whoosh_scoring_every_match(searcher, query, 300)


def test_a_segments_lengths_are_read_once_and_kept(backend, searcher):
    search_scoring.forget_segments()
    reader = searcher.leaf_searchers()[0][0].reader()
    read = search_scoring._length_bytes_of("text")
    lengths = search_scoring.kept_for_segment(reader, ("lengths", "text"), read)
    assert len(lengths) == reader.doc_count_all()
    assert search_scoring.kept_for_segment(reader, ("lengths", "text"), read) is lengths
    assert [search_scoring.LENGTH_OF_BYTE[lengths[docnum]] for docnum in range(20)] == [
        reader.doc_field_length(docnum, "text") or 0 for docnum in range(20)]


def test_a_terms_decoded_postings_are_kept_within_a_bound(backend, searcher, monkeypatch):
    search_scoring.forget_segments()
    monkeypatch.setattr(search_scoring._POSTINGS, "bound", 2000)
    klima = backend.parser.parse("(klima)")
    best = search_scoring.top_docnums(searcher, klima, limit=300)
    kept = search_scoring._POSTINGS.items()
    assert kept and search_scoring._POSTINGS.held == sum(
        len(ids) for ids, _ in kept.values())
    assert all(len(ids) >= search_scoring.KEEP_FROM for ids, _ in kept.values())
    assert search_scoring.top_docnums(searcher, klima, limit=300) == best
    again = search_scoring._POSTINGS.items()
    assert all(again[key] is postings for key, postings in kept.items())  # not decoded again
    for words in ("(starkregen)", "(mulde)", "(hitze)", "(zisterne)", "(beratung)"):
        search_scoring.top_docnums(searcher, backend.parser.parse(words), limit=300)
        assert search_scoring._POSTINGS.held <= 2000
    assert set(kept) - set(search_scoring._POSTINGS.items())  # the least recently used went
    assert search_scoring.top_docnums(searcher, klima, limit=300) == best
