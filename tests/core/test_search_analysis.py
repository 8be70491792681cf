"""German analysis of the index (DESIGN §4, issue 5): stemming, compounds by their parts,
umlauts and ß in either spelling. Checked on a real Whoosh index in memory and through
haystack with the people of the platform."""

import pytest
from django.core.management import call_command
from haystack.query import SearchQuerySet
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from intranet.core.search_analysis import fold, german_analyzer
from tests.factories import UserFactory

DOCUMENTS = {
    "vorsorge": "Leitfaden zur Starkregenvorsorge in Bochum",
    "rigolen": "Baumrigolen unter Gehwegen",
    "baeume": "Neue Bäume für die Straße",
    "dach": "Maßnahmen der Dachbegrünung",
    "flut": "Überflutungsschutz im Quartier",
    "stelle": "Klimaanpassungsmanager:in gesucht",
    "team": "Unsere Koordinatorinnen und Fatma Yılmaz",
    "termin": "Termin für die Pflanzaktion",
}


@pytest.fixture(scope="module")
def searcher():
    analyzer = german_analyzer()
    schema = Schema(key=ID(stored=True), text=TEXT(analyzer=analyzer))
    index = RamStorage().create_index(schema)
    writer = index.writer()
    for key, text in DOCUMENTS.items():
        writer.add_document(key=key, text=text)
    writer.commit()
    with index.searcher() as searcher:
        yield lambda query: [hit["key"] for hit in searcher.search(
            QueryParser("text", schema).parse(query))]


@pytest.mark.parametrize(("query", "first"), [
    ("Starkregen", "vorsorge"),         # a compound by its first part
    ("Vorsorge", "vorsorge"),           # ... and by its last
    ("Baumrigole", "rigolen"),          # singular finds plural
    ("Baeume", "baeume"),               # ae for ä
    ("Bäume", "baeume"),
    ("Strasse", "baeume"),              # ss for ß
    ("Massnahmen", "dach"),
    ("Dachbegruenung", "dach"),         # ue for ü, inside a compound
    ("Begrünung", "dach"),
    ("Ueberflutung", "flut"),
    ("Klimaanpassungsmanagerin", "stelle"),  # the feminine form finds the inclusive one
    ("Klimaanpassungsmanager", "stelle"),
    ("Koordinator", "team"),            # ... and the masculine the feminine plural
    ("Koordinatorin", "team"),
    ("Yilmaz", "team"),                 # accents other than umlauts: ı, é, ç, ş …
    ("Termin", "termin"),
])
def test_german_queries_find_their_documents(searcher, query, first):
    assert searcher(query)[:1] == [first]


def test_unrelated_words_find_nothing(searcher):
    assert searcher("Förderprogramm") == []


def test_queries_are_not_split_into_parts():
    tokens = [token.text for token in german_analyzer()("Starkregenvorsorge", mode="query")]
    assert tokens == ["starkregenvorsorg"]


@pytest.mark.parametrize(("written", "typed"), [
    ("Managerin", "Manager"), ("Managerinnen", "Manager"), ("Manager*innen", "Manager"),
    ("Manager_innen", "Manager"), ("Dezernentin", "Dezernent"), ("Kollegin", "Kollege"),
    ("Biologin", "Biologe"), ("Ingenieurin", "Ingenieur"), ("Expertinnen", "Experten"),
    ("Çakır", "Cakir"), ("Café", "Cafe"), ("Łukasz", "Lukasz"), ("Müller", "Mueller"),
])
def test_two_spellings_of_a_word_give_one_term(written, typed):
    def terms(text):
        return [token.text for token in german_analyzer()(text, mode="query")]
    assert terms(written) == terms(typed)


@pytest.mark.parametrize(("word", "term"), [
    ("Termin", "termin"), ("Benzin", "benzin"), ("beginnen", "beginn"), ("Gewinn", "gewinn"),
    ("Berlin", "berlin"), ("Medizin", "medizin"),
])
def test_words_ending_in_in_that_are_no_feminine_form_stay_whole(word, term):
    assert [token.text for token in german_analyzer()(word, mode="query")] == [term]


def test_folding_gives_one_spelling():
    assert fold("bäum") == fold("baeum") == "baum"
    assert fold("überflut") == fold("ueberflut")
    assert fold("yılmaz") == fold("yilmaz") == "yilmaz"


@pytest.mark.django_db
def test_people_are_found_by_part_of_a_compound_in_their_position(city):
    UserFactory(name="Kai Lange", position="Klimaanpassungsmanagerin", organisation=city)
    UserFactory(name="Olga Other", position="Kämmerei", organisation=city)
    call_command("rebuild_index", interactive=False, verbosity=0)
    hits = SearchQuerySet().filter(type="person").auto_query("Klimaanpassung")
    assert [hit.title for hit in hits] == ["Kai Lange"]
