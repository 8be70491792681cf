"""German text analysis for the Whoosh index (DESIGN §4).

haystack's Whoosh backend stems every language with the English stemmer
(``maßnahmen → maßnahm``, ``bäume`` unchanged). Here each word is lower-cased, stripped
of German stop words and stemmed with Snowball's German stemmer; then spellings without
umlauts are folded onto the same stem (``Baeume`` and ``Bäume`` both become ``baum``; the
stemmer already turns ``ß`` into ``ss``). At indexing time a long word also yields its
leading and trailing parts, so a compound is found by its parts: ``Starkregen`` finds
``Starkregenvorsorge``, ``Vorsorge`` finds it too. Queries are not split: a search for
the compound itself stays precise.
"""

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

UMLAUT_LETTERS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})


def fold(stem: str) -> str:
    """One spelling for umlauts, whether written as ``ü`` or ``ue``."""
    return stem.translate(UMLAUT_LETTERS).replace("ae", "a").replace("oe", "o").replace(
        "ue", "u")


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
    return (RegexTokenizer() | LowercaseFilter() | StopFilter(lang="de")
            | StemFilter(lang="de") | GermanFoldFilter() | CompoundPartsFilter())
