"""What each search index writes as a document's text, built in Python from what its
queryset read (no template, no query per object): the words people search by."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from haystack import connections

from board.models import Post
from board.services import attachment_add, comment_create, comment_remove, post_create
from intranet.accounts.models import User
from intranet.core.pdf import simple_pdf
from networks.models import Document
from networks.services import document_upload, network_found
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def _texts(model, django_assert_num_queries, queries):
    """The text of every object of ``model``, prepared as a rebuild does, in ``queries``."""
    index = connections["default"].get_unified_index().get_index(model)
    with django_assert_num_queries(queries):
        objects = list(index.index_queryset())
        return {obj.pk: index.full_prepare(obj)["text"] for obj in objects}


@pytest.mark.parametrize("count", [1, 5])
def test_a_posts_text_has_its_words_author_topics_visible_comments_and_files(
        count, coordinator, member, django_assert_num_queries,
        django_capture_on_commit_callbacks):
    topic = TopicFactory(slug="stadtbaeume", name="Stadtbäume")
    for n in range(count):
        with django_capture_on_commit_callbacks(execute=True):
            post = post_create(author=coordinator, category="offer", title=f"Titel {n}",
                               body="Wir <teilen> Pläne & Listen.", topics=[topic])
            comment_create(post=post, author=member, body="Sichtbarer Kommentar")
            hidden = comment_create(post=post, author=member, body="Versteckter Kommentar")
            comment_remove(comment=hidden, actor=member)
            attachment_add(post=post, actor=coordinator, upload=SimpleUploadedFile(
                "liste.pdf", simple_pdf(["Säulenhainbuchen"]), "application/pdf"))

    # the posts with author, organisation and network; topics, cities, comments, files
    texts = _texts(Post, django_assert_num_queries, 5)

    text = texts[post.pk]
    for words in (f"Titel {count - 1}", "Angebot", "Wir <teilen> Pläne & Listen.",
                  coordinator.name, coordinator.organisation.name, "Stadtbäume",
                  "Sichtbarer Kommentar", "liste.pdf", "Säulenhainbuchen"):
        assert words in text
    assert "Versteckter" not in text and "&amp;" not in text


@pytest.mark.parametrize("count", [1, 5])
def test_a_workspace_documents_text_is_read_without_a_query_per_document(
        count, coordinator, django_assert_num_queries, django_capture_on_commit_callbacks):
    network = network_found(founder=coordinator, name="Stadtbäume", mandate="Bäume")
    for n in range(count):
        with django_capture_on_commit_callbacks(execute=True):
            document_upload(network=network, actor=coordinator, title=f"Plan {n}",
                            upload=SimpleUploadedFile(f"plan-{n}.pdf",
                                                      simple_pdf([f"Kopfweiden {n}"]),
                                                      "application/pdf"))

    # the documents with their networks; the networks' topics; each one's newest version
    texts = _texts(Document, django_assert_num_queries, 3)

    assert sorted(texts.values()) == [
        f"Plan {n}\nStadtbäume\nplan-{n}.pdf\nKopfweiden {n}" for n in range(count)]


def test_a_persons_text_has_name_position_organisation_topics_and_bio(
        city, django_assert_num_queries):
    person = UserFactory(name="Rita Regen", organisation=city, position="Tiefbauamt",
                         bio="Plant Mulden.", topics=[TopicFactory(slug="zisternen",
                                                                   name="Zisternen")])
    texts = _texts(User, django_assert_num_queries, 2)  # people with organisation; topics
    assert texts[person.pk] == f"Rita Regen\nTiefbauamt\n{city.name}\nZisternen\nPlant Mulden."
