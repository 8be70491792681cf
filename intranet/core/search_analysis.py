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
"""

import re
import unicodedata

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)

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
# Letter for letter, so a text keeps its length (``search.snippet`` relies on it).
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


class CompoundPartsFilter(Filter):
    """At indexing time, adds the leading and trailing parts of long words at the same
    position; at query time, passes words through unchanged."""

    def __call__(self, tokens):
        for token in tokens:
            word = token.text
            yield token
            if token.mode == "query" or len(word) < MIN_COMPOUND or not word.isalpha():
                continue
            for size in range(MIN_PART, len(word)):
                for part in (word[:size], word[-size:]):
                    token.text = part
                    yield token
            token.text = word


def german_analyzer():
    """The analyzer of every full-text field in the index."""
    return (RegexTokenizer() | LowercaseFilter() | StopFilter(lang="de") | AccentFilter()
            | FeminineFormFilter() | StemFilter(lang="de") | GermanFoldFilter()
            | CompoundPartsFilter())
