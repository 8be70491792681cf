"""Ranking by title and the highlighted snippet (issue 5): a person's name finds their
profile before the posts that name them; a snippet marks the words the index matched, folded
as the index folds them, and a person found by an expertise topic shows that topic."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from haystack import connections
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from board.services import post_create
from intranet.core.search import search_visible_to, snippet
from intranet.core.search_analysis import TITLE_BOOST, german_analyzer
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return list(response.context["page"]), response.content.decode()


# --- Ranking ------------------------------------------------------------------------------

def test_the_title_field_is_searched_and_weighs_more_than_the_text():
    backend = connections["default"].get_backend()
    backend.setup()
    assert TITLE_BOOST > 1
    assert backend.schema["title"].format.field_boost == TITLE_BOOST
    # Each word is looked for in the text and in the title.
    assert {term.fieldname for term in backend.parser.parse("Neumann").leaves()} == {
        "text", "title"}


def test_a_persons_name_finds_their_profile_before_posts_that_name_them(member, city):
    sophie = UserFactory(name="Sophie Neumann", organisation=city, position="Umweltamt",
                         bio="Arbeitet an Grünflächen.")
    for n in range(3):  # each post names her in its author line and twice in its text
        post_create(author=sophie, category="offer", title=f"Pflanzaktion {n}",
                    body="Fragen an Sophie Neumann, Umweltamt.\n\nViele Grüße\nSophie Neumann")
    call_command("rebuild_index", interactive=False, verbosity=0)

    hits = search_visible_to(user=member, q="Sophie Neumann")

    assert [hit.type for hit in hits] == ["person", "post", "post", "post"]
    assert hits[0].obj == sophie


# --- Snippets -----------------------------------------------------------------------------

def test_a_person_found_by_an_expertise_topic_shows_the_topic_in_the_snippet(
        client_for, member, city):
    topic = TopicFactory(slug="regenwasserzisternen", name="Regenwasserzisternen")
    expert = UserFactory(name="Rita Regen", organisation=city, position="Tiefbauamt",
                         bio="Plant Straßen und Plätze. " * 20, topics=[topic])
    call_command("rebuild_index", interactive=False, verbosity=0)

    hits, body = _page(client_for(member), "Regenwasserzisterne")

    assert [hit.obj for hit in hits] == [expert]
    assert "Fachgebiete: <mark>Regenwasserzisternen</mark>" in str(hits[0].snippet)
    assert "<mark>Regenwasserzisternen</mark>" in body
    api = client_for(member).get(reverse("api_search"), {"q": "Regenwasserzisterne"}).json()
    assert "<mark>Regenwasserzisternen</mark>" in api["results"][0]["snippet"]


def test_strassenbaeume_highlights_strassenbaeume_with_sharp_s_and_umlaut(
        client_for, coordinator, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=coordinator, category="offer", title="Pflanzaktion am Markt",
                    body="Wir pflanzen zwölf neue Straßenbäume am Markt.")

    hits, body = _page(client_for(member), "Strassenbaeume")

    assert [hit.title for hit in hits] == ["Pflanzaktion am Markt"]
    assert "<mark>Straßenbäume</mark>" in body


@pytest.mark.parametrize(("q", "text", "marked"), [
    ("Strassenbaeume", "Neue Straßenbäume am Markt", "Straßenbäume"),
    ("Massnahmen", "Die Maßnahmen greifen", "Maßnahmen"),
    ("Gruendach", "Ein Gründach auf der Schule", "Gründach"),
    ("Yilmaz", "Fatma Yılmaz aus Bochum", "Yılmaz"),
    ("Klimaanpassungsmanagerin", "Klimaanpassungsmanager:in gesucht", "Klimaanpassungsmanager"),
    ("Baumrigole", "Drei Baumrigolen gebaut", "Baumrigolen"),  # singular finds plural
    ("Vorsorge", "Leitfaden Starkregenvorsorge", "Starkregenvorsorge"),  # the whole compound
])
def test_the_snippet_marks_the_word_as_the_analyzer_folds_it(q, text, marked):
    assert f"<mark>{marked}</mark>" in snippet(text, q)


def test_every_word_found_in_the_excerpt_is_marked_and_stop_words_are_not():
    assert snippet("Baumrigolen unter Gehwegen bauen", "Rigolen unter Gehwegen") == (
        "<mark>Baumrigolen</mark> unter <mark>Gehwegen</mark> bauen")


def test_the_snippet_escapes_the_text_around_the_marks():
    html = snippet("a < b & Starkregen <script>x</script>", "Starkregen")
    assert html == "a &lt; b &amp; <mark>Starkregen</mark> x"


def test_a_long_text_is_cut_around_the_first_word_found():
    html = snippet("Anfang " * 40 + "Dachbegrünung " + "Ende " * 40, "Dachbegruenung")
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Dachbegrünung</mark>" in html and len(html) < 240


# Each query and text of the analysis test's index: a snippet marks a word exactly when the
# index finds the text.
TEXTS = ["Leitfaden zur Starkregenvorsorge in Bochum", "Baumrigolen unter Gehwegen",
         "Neue Bäume für die Straße", "Maßnahmen der Dachbegrünung",
         "Überflutungsschutz im Quartier", "Klimaanpassungsmanager:in gesucht",
         "Unsere Koordinatorinnen und Fatma Yılmaz", "Termin für die Pflanzaktion",
         "Regenrückhaltung im Park"]
QUERIES = ["Starkregen", "Vorsorge", "Baumrigole", "Baeume", "Strasse", "Massnahmen",
           "Dachbegruenung", "Begrünung", "Ueberflutung", "Klimaanpassungsmanagerin",
           "Koordinator", "Yilmaz", "Termin", "Terminal", "Regen", "Park", "Bau", "Baum"]


@pytest.fixture(scope="module")
def index_finds():
    schema = Schema(key=ID(stored=True), text=TEXT(analyzer=german_analyzer()))
    index = RamStorage().create_index(schema)
    writer = index.writer()
    for key, text in enumerate(TEXTS):
        writer.add_document(key=str(key), text=text)
    writer.commit()
    with index.searcher() as searcher:
        yield lambda q: {TEXTS[int(hit["key"])] for hit in searcher.search(
            QueryParser("text", schema).parse(q), limit=None)}


@pytest.mark.parametrize("q", QUERIES)
def test_the_snippet_marks_a_word_exactly_where_the_index_finds_the_text(index_finds, q):
    marked = {text for text in TEXTS if "<mark>" in snippet(text, q)}
    assert marked == index_finds(q)
