"""The best hits of a query, scored a term at a time (DESIGN §4).

Whoosh scores a query one matching document at a time: each document is a few Python calls
in every node of its matcher tree, about 3 µs a match. At nation scale a common word matches
a third of the index ("Klima": 34,000 postings in text and title of 100,000 documents), which
made the index part of a search 50-300 ms. Here the matcher tree Whoosh builds for each
segment is evaluated bottom up instead:

- a term's postings are decoded once (Whoosh unpickles each block with every posting's
  positions) and kept as two arrays, then scored with Whoosh's BM25F formula in one loop;
- unions, intersections and boosts combine those scores as Whoosh's matchers add and
  multiply them;
- documents outside the allowed audiences are dropped before the best are chosen.

The scores are Whoosh's own, bit for bit, and the hits those Whoosh's collector keeps when
it scores every match, in its order (ties: the lower document number first);
``tests/core/test_search_scoring.py`` compares the two. (By default the collector also
replaces matchers by what their maximum quality lets through; on the tests' index that
left out a hit scored 15.64 and returned one scored 14.62 as the best.) A node this does
not know (a phrase, a negation, another scorer) is stepped through with the matcher's
public methods, exactly as Whoosh's collector would.

The postings blocks, the per-segment length column and the deleted documents are read
through attributes of the pinned Whoosh-Reloaded release that are not public; should a
release change them, the comparison tests fail.
"""

import heapq
import sys
import threading
from array import array
from collections import OrderedDict
from functools import reduce
from itertools import chain
from operator import or_

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching import FilterMatcher, IntersectionMatcher, UnionMatcher, WrappingMatcher
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

# Whoosh keeps a field's length per document as one byte (length_to_byte): its length.
LENGTH_OF_BYTE = (0, *(byte_to_length(byte) for byte in range(1, 256)))
SEGMENT_DATA_KEPT = 1024  # (segment, what) entries each process keeps, least recent out


# --- What each process keeps --------------------------------------------------------------

class _Kept:
    """Values a process keeps by key, the least recently used dropped first once their
    total size (``size_of``, 1 each unless given) is over ``bound``. Values ``worth``
    nothing are built and returned, not kept."""

    def __init__(self, bound, *, size_of=lambda value: 1, worth=lambda value: True):
        self.bound = bound
        self.held = 0
        self._size_of, self._worth = size_of, worth
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key, build):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()
        size = self._size_of(value)
        if self._worth(value) and size <= self.bound:
            with self._lock:
                if key not in self._values:
                    self._values[key] = value
                    self.held += size
                while self.held > self.bound:
                    _, dropped = self._values.popitem(last=False)
                    self.held -= self._size_of(dropped)
        return value

    def items(self) -> dict:
        with self._lock:
            return dict(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.held = 0


_SEGMENT_DATA = _Kept(SEGMENT_DATA_KEPT)


def kept_for_segment(reader, what, build):
    """``build(reader)``, kept for the segment of ``reader`` under ``what``. A segment
    never changes its documents (deletions aside, which the matchers skip), so what was
    read of it holds as long as the segment lives."""
    segment = reader.segment()  # None for an empty index's reader: nothing to keep
    if segment is None:
        return build(reader)
    return _SEGMENT_DATA.get_or_build((segment.segment_id(), what), lambda: build(reader))


def forget_segments() -> None:
    """Empties what is kept (tests that count how often a segment is read)."""
    _SEGMENT_DATA.clear()
    _POSTINGS.clear()


class Bits:
    """A set of a segment's documents as one bit each: "all" holds most documents, and a
    set of a million numbers would take tens of megabytes."""

    __slots__ = ("bits",)

    def __init__(self, bits: bytes):
        self.bits = bits

    @classmethod
    def of(cls, docnums, size) -> "Bits":
        bits = bytearray(size // 8 + 1)
        for docnum in docnums:
            bits[docnum >> 3] |= 1 << (docnum & 7)
        return cls(bytes(bits))

    @classmethod
    def union(cls, docsets, size) -> "Bits":
        """The documents in any of ``docsets`` (``Bits`` or sets of document numbers)."""
        width = size // 8 + 1
        dense = [int.from_bytes(docs.bits, "little") for docs in docsets
                 if isinstance(docs, Bits)]
        bits = bytearray(reduce(or_, dense, 0).to_bytes(width, "little"))
        for docs in docsets:
            if not isinstance(docs, Bits):
                for docnum in docs:
                    bits[docnum >> 3] |= 1 << (docnum & 7)
        return cls(bytes(bits))

    def __contains__(self, docnum):
        return self.bits[docnum >> 3] >> (docnum & 7) & 1

    def __bool__(self):
        return any(self.bits)


# --- The best hits -----------------------------------------------------------------------

def top_docnums(searcher, query, *, limit, allowed=None) -> list[int]:
    """The searcher's document numbers of the ``limit`` best-scoring matches of ``query``,
    best first, among ``allowed`` (``allowed.of_segment(offset)`` gives a segment's allowed
    documents; None: all), as Whoosh's collector orders them scoring every match."""
    best = []  # (-score, document number): the smallest are the best, ties the lower number
    for offset, _, matches in _allowed_matches(searcher, query, allowed):
        ranked = ((-score, offset + docnum) for docnum, score in matches)
        best = heapq.nsmallest(limit, chain(best, ranked))
    return [docnum for _, docnum in best]


def sorted_docnums(searcher, query, *, field, reverse, limit,
                   allowed=None) -> list[int] | None:
    """The first ``limit`` matches of ``query`` among ``allowed`` by the value of ``field``
    (descending if ``reverse``), as ``searcher.search(query, sortedby=[field],
    reverse=reverse, limit=limit)`` orders them: by (value, document number). None when the
    field's values are not numbers kept in a column (Whoosh then sorts)."""
    first = []
    pick = heapq.nlargest if reverse else heapq.nsmallest
    for offset, reader, matches in _allowed_matches(searcher, query, allowed):
        values = kept_for_segment(reader, ("column", field), _numeric_column(field))
        if values is None:
            return None
        keyed = ((values[docnum], offset + docnum) for docnum, _ in matches)
        first = pick(limit, chain(first, keyed))
    return [docnum for _, docnum in first]


def _allowed_matches(searcher, query, allowed):
    """Each segment's offset, reader and (document number, score) of the allowed matches,
    the matcher tree built as Whoosh's collectors build it."""
    context = searcher.context()
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        scores = segment_scores(query.matcher(leaf, context), reader)
        keep = allowed.of_segment(offset) if allowed is not None else None
        yield offset, reader, (scores.items() if keep is None else
                               ((docnum, score) for docnum, score in scores.items()
                                if docnum in keep))


def segment_scores(matcher, reader) -> dict[int, float]:
    """Every document ``matcher`` matches in the segment of ``reader``, with the score
    Whoosh's matcher gives it."""
    kind = type(matcher)
    if kind is UnionMatcher:
        return _either(segment_scores(matcher.a, reader), segment_scores(matcher.b, reader))
    if kind is IntersectionMatcher:
        return _both(segment_scores(matcher.a, reader), segment_scores(matcher.b, reader))
    if kind is WrappingMatcher:  # a boost; its subclasses do more than multiply
        boost = matcher.boost
        return {docnum: score * boost
                for docnum, score in segment_scores(matcher.child, reader).items()}
    if kind is FilterMatcher:  # how a segment's reader leaves out its deleted documents
        return _filtered(segment_scores(matcher.child, reader), matcher._ids,
                         exclude=matcher._exclude)
    if kind is W3LeafMatcher and type(matcher.scorer) is BM25FScorer:
        return _bm25f_scores(matcher, reader)
    return _stepped_scores(matcher)


def _either(scores, other):
    """UnionMatcher: a document in both has the sum (a + b == b + a, exactly)."""
    if len(scores) < len(other):
        scores, other = other, scores
    for docnum, score in other.items():
        scores[docnum] = scores[docnum] + score if docnum in scores else score
    return scores


def _both(scores, other):
    """IntersectionMatcher: the documents in both, with the sum."""
    if len(scores) > len(other):
        scores, other = other, scores
    return {docnum: score + other[docnum] for docnum, score in scores.items()
            if docnum in other}


def _filtered(scores, docnums, *, exclude):
    if exclude:
        for docnum in docnums:
            scores.pop(docnum, None)
        return scores
    return {docnum: score for docnum, score in scores.items() if docnum in docnums}


def _stepped_scores(matcher) -> dict[int, float]:
    """Any matcher, one match at a time, as Whoosh's collector steps through it."""
    scores = {}
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        matcher.next()
    return scores


def _bm25f_scores(matcher, reader) -> dict[int, float]:
    """A term's postings in one segment scored as ``whoosh.scoring.bm25`` scores each:
    ``idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))``, with the
    part that depends on the field's length computed once per stored length byte."""
    fieldname = matcher.term()[0]
    lengths = kept_for_segment(reader, ("lengths", fieldname), _length_bytes_of(fieldname))
    if lengths is None:  # no lengths kept: Whoosh's own way
        return _stepped_scores(matcher)
    scorer = matcher.scorer
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    k1_plus_1 = K1 + 1
    length_part = [K1 * ((1 - B) + B * length / avgfl) for length in LENGTH_OF_BYTE]
    ids, weights = _postings(matcher, reader)
    return {docnum: idf * ((tf * k1_plus_1) / (tf + length_part[lengths[docnum]]))
            for docnum, tf in zip(ids, weights, strict=True)}


# --- Decoded postings, kept ---------------------------------------------------------------

# Postings (document number and weight, 8 bytes) each process keeps decoded, least recently
# used out first: Whoosh unpickles a block with every posting's positions (for phrases),
# three quarters of scoring a common word. Only terms of at least a block are kept.
POSTINGS_KEPT = 2_000_000
KEEP_FROM = 128

_POSTINGS = _Kept(POSTINGS_KEPT, size_of=lambda postings: len(postings[0]),
                  worth=lambda postings: len(postings[0]) >= KEEP_FROM)


def _postings(matcher, reader):
    """The document numbers and weights of all the term's postings in the segment, decoded
    once and kept."""
    segment = reader.segment()
    if segment is None:
        return _decoded(matcher)
    return _POSTINGS.get_or_build((segment.segment_id(), *matcher.term()),
                                  lambda: _decoded(matcher))


def _decoded(matcher):
    # From the first posting: Whoosh's matchers move their children on when they are made
    # (an intersection to the first document in both, a filter past deleted documents).
    matcher.reset()
    ids, weights = array("i"), array("f")
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    return ids, weights


def _length_bytes_of(fieldname):
    def read(reader) -> bytes | None:
        """The segment's stored length byte of ``fieldname`` for every document, in one
        read (``doc_field_length`` reads one at a time); documents past the column's end
        have none (0). None when the segment keeps no lengths of the field."""
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return None
        stored = column._dbfile.get(column._basepos, column._count)
        return stored + bytes(reader.doc_count_all() - len(stored))
    return read


def _numeric_column(fieldname):
    def read(reader) -> array | None:
        """The segment's values of ``fieldname`` for every document, in one read (a
        column reader reads one at a time): Whoosh's numeric column, big-endian, with its
        default for documents past its end. None for another kind of column."""
        if not reader.has_column(fieldname):
            return None
        column = reader.column_reader(fieldname, translate=False)
        if type(column) is not NumericColumn.Reader:
            return None
        values = array(column._typecode)
        if values.itemsize != column._fixedlen:
            return None
        values.frombytes(column._dbfile.get(column._basepos,
                                            column._count * column._fixedlen))
        if sys.byteorder == "little":
            values.byteswap()
        values.extend([column._default] * (reader.doc_count_all() - len(values)))
        return values
    return read
