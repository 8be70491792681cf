"""German text analysis for the Whoosh index (DESIGN §4).

haystack's Whoosh backend stems every language with the English stemmer
(``maßnahmen → maßnahm``, ``bäume`` unchanged). Here each word is lower-cased, stripped
of German stop words and stemmed with Snowball's German stemmer; then spellings without
umlauts are folded onto the same stem (``Baeume`` and ``Bäume`` both become ``baum``; the
stemmer already turns ``ß`` into ``ss``). At indexing time a long word also yields its
leading and trailing parts, so a compound is found by its parts: ``Starkregen`` finds
``Starkregenvorsorge``, ``Vorsorge`` finds it too. Queries are not split: a search for
the compound itself stays precise.

Two things people type differently from what is written, both folded on either side
before stemming: letters with other accents than the umlauts (colleagues' names:
``Yilmaz`` finds ``Yılmaz``, ``Cakir`` finds ``Çakır``), and gender-inclusive forms
(``Klimaanpassungsmanagerin`` finds ``Klimaanpassungsmanager:in``, ``Koordinatorinnen``
finds ``Koordinator*innen`` and ``Koordinator``).

Every index also has a ``title`` field (``title_field``: a person's name, a post's or a
result's title), analyzed alike and searched beside the text with a boost, so that the
words of a title weigh more than the same words in a text: "Sophie Neumann" finds her
profile before the posts she signed.
"""

import re
import unicodedata

from haystack import indexes
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)

# How much more a word of a hit's title weighs than the same word in its text (Whoosh
# scales the title's term weights by it when indexing; BM25F then scores them).
TITLE_BOOST = 2.0
# Parts shorter than this are too general to stand for a compound ("bau", "reg").
MIN_PART = 4
# Only words at least this long are split (stems of "Starkregen" have eight letters).
MIN_COMPOUND = 8


def _letters_without_accents() -> dict[str, str]:
    """Lower-case Latin letters with an accent, each onto the one plain letter under it
    (``é → e``, ``ş → s``), plus the few that Unicode does not decompose (``ı``, ``ł``)."""
    table = {"ı": "i", "ł": "l", "ø": "o", "đ": "d"}
    for code in range(0xC0, 0x250):
        letter = chr(code)
        plain = "".join(part for part in unicodedata.normalize("NFKD", letter)
                        if not unicodedata.combining(part))
        if letter.islower() and len(plain) == 1 and plain.isascii() and plain != letter:
            table[letter] = plain
    return table


ACCENTED_LETTERS = _letters_without_accents()
# Accented letters onto plain ones, letter for letter (``fold``).
UMLAUT_LETTERS = str.maketrans(ACCENTED_LETTERS)
# The umlauts are left to the stemmer, which knows them as vowels; the rest are folded
# before it, so that ``Yılmaz`` and ``Yilmaz`` are stemmed alike.
OTHER_ACCENTS = str.maketrans({letter: plain for letter, plain in ACCENTED_LETTERS.items()
                               if letter not in "äöü"})

# A feminine or gender-inclusive form of a person noun: the masculine stem and ``in`` or
# ``innen``, written on or after ``_`` or ``*`` (which the tokenizer keeps in a word; a
# ``:`` splits it, and the lone ``in`` is a stop word). Only after the endings of person
# nouns, so that ``Termin``, ``Benzin`` or ``beginnen`` stay whole.
FEMININE = re.compile(
    r"(?P<base>\w{2,}(?:er|or|ent|ant|ist|eur|ert|ekt|at|og|eg))[_*]?in(?:nen)?")


def fold(stem: str) -> str:
    """One spelling for umlauts, whether written as ``ü`` or ``ue``, and for other
    accented letters."""
    return stem.translate(UMLAUT_LETTERS).replace("ae", "a").replace("oe", "o").replace(
        "ue", "u")


class AccentFilter(Filter):
    """Folds accented letters other than the umlauts onto plain ones (before stemming)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = token.text.translate(OTHER_ACCENTS)
            yield token


class FeminineFormFilter(Filter):
    """Puts a feminine or gender-inclusive person noun into its masculine form (before
    stemming), on both sides: ``Managerin``, ``Managerinnen`` and ``Manager_innen`` are
    found as ``Manager`` and find it."""

    def __call__(self, tokens):
        for token in tokens:
            match = FEMININE.fullmatch(token.text)
            if match:
                token.text = match["base"]
            yield token


class GermanFoldFilter(Filter):
    """Folds umlauts and their two-letter spellings onto one form (after stemming)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


def is_compound(word: str) -> bool:
    """Whether an analyzed word is long enough to be found by its parts."""
    return len(word) >= MIN_COMPOUND and word.isalpha()


def finds(term: str, word: str) -> bool:
    """Whether the analyzed query word ``term`` finds the analyzed word ``word`` of a text
    in the index: the word itself, or one of the parts CompoundPartsFilter indexes."""
    return term == word or (is_compound(word) and MIN_PART <= len(term) < len(word)
                            and (word.startswith(term) or word.endswith(term)))


class CompoundPartsFilter(Filter):
    """At indexing time, adds the leading and trailing parts of long words at the same
    position; at query time, passes words through unchanged."""

    def __call__(self, tokens):
        for token in tokens:
            word = token.text
            yield token
            if token.mode == "query" or not is_compound(word):
                continue
            for size in range(MIN_PART, len(word)):
                for part in (word[:size], word[-size:]):
                    token.text = part
                    yield token
            token.text = word


def word_analyzer():
    """Each word of a text as the index knows it (lower-cased, stop words left out,
    accents, gender forms and umlauts folded, stemmed), without the compound parts."""
    return (RegexTokenizer() | LowercaseFilter() | StopFilter(lang="de") | AccentFilter()
            | FeminineFormFilter() | StemFilter(lang="de") | GermanFoldFilter())


def german_analyzer():
    """The analyzer of every full-text field in the index."""
    return word_analyzer() | CompoundPartsFilter()


_WORDS = word_analyzer()


def query_terms(q: str) -> set[str]:
    """The analyzed words of a query as typed (stop words left out)."""
    return {token.text for token in _WORDS(q, mode="query")}


def found_words(text: str, terms: set[str]):
    """``(start, end)`` in ``text`` of each word that one of the analyzed query ``terms``
    finds, in order: what a search for them matched, for highlighting (``Strassenbaeume``
    finds ``Straßenbäume``, ``Starkregen`` the whole ``Starkregenvorsorge``)."""
    if not terms:
        return
    for token in _WORDS(text, mode="index", chars=True):
        if any(finds(term, token.text) for term in terms):
            yield token.startchar, token.endchar


def text_of(*parts) -> str:
    """The document text of an index: its non-empty parts, one per line. Built in Python,
    not from a template: rendering a template for every object was the largest part of a
    rebuild's own work beside Whoosh's (make bench), and the text is plain, not HTML."""
    return "\n".join(str(part) for part in parts if part)


def title_field(**options) -> indexes.CharField:
    """The ``title`` field of every search index: analyzed like the text and boosted
    (``TITLE_BOOST``); queries search it beside the text (``search_backend``). All
    indexes declare it alike, as haystack builds one schema from the first it meets."""
    return indexes.CharField(analyzer=german_analyzer(), boost=TITLE_BOOST, **options)
