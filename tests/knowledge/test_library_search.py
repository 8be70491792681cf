"""The library in the one search: published pages and their documents' text are found;
drafts, draft text and the documents of drafts never are (DESIGN §4)."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from intranet.core.search import drain_updates, search_visible_to
from intranet.core.text_extraction import extract_text
from knowledge.models import LibraryDocument

from .conftest import CANARY, add_document, publish

pytestmark = pytest.mark.django_db


def _titles(user, q, **filters):
    drain_updates()
    return [hit.title for hit in search_visible_to(user=user, q=q, **filters)]


@pytest.fixture
def published(two_networks, member, draft_factory, django_capture_on_commit_callbacks):
    secret, _ = two_networks
    page = draft_factory(secret, member, title="Starkregenvorsorge im Quartier",
                         summary="Wie Baumrigolen Wasser halten und Bäume versorgen.")
    with django_capture_on_commit_callbacks(execute=True):
        add_document(page, title="Leitfaden Notwasserwege", user=member,
                     lines=["Notwasserwege leiten Starkregen schadlos ab.",
                            "Überflutungsvorsorge mit Mulden."])
    return publish(page)


def test_a_published_result_is_found_by_a_part_of_a_compound(outsider, published):
    assert _titles(outsider, "Starkregen", type="result") == ["Starkregenvorsorge im Quartier"]
    assert _titles(outsider, "Baumrigole") == ["Starkregenvorsorge im Quartier"]


def test_the_text_inside_a_published_pdf_is_found(outsider, published):
    assert _titles(outsider, "Überflutungsvorsorge", type="document") == [
        "Leitfaden Notwasserwege"]
    document = LibraryDocument.objects.get(title="Leitfaden Notwasserwege")
    assert "Notwasserwege leiten Starkregen" in document.text


def test_drafts_and_their_documents_are_never_found(two_networks, member, outsider,
                                                    draft_factory,
                                                    django_capture_on_commit_callbacks):
    secret, _ = two_networks
    page = draft_factory(secret, member, title=f"Entwurf {CANARY}", summary=f"{CANARY} intern")
    with django_capture_on_commit_callbacks(execute=True):
        add_document(page, title="Interne Notiz", user=member, lines=[f"Geheim {CANARY}"])
    for person in (member, outsider):
        assert _titles(person, CANARY) == []


def test_a_draft_of_a_published_page_stays_out_of_the_index(member, outsider, published):
    """DESIGN §4 pitfall "drafts in search": only the live version is indexed."""
    draft = published.specific
    draft.summary = f"Noch nicht freigegeben: {CANARY}"
    draft.save_revision(user=member)
    assert _titles(outsider, CANARY) == []
    assert _titles(outsider, "Starkregen", type="result") == ["Starkregenvorsorge im Quartier"]


def test_unpublishing_takes_the_page_and_its_documents_out(outsider, published):
    assert _titles(outsider, "Notwasserwege")
    published.unpublish()
    assert _titles(outsider, "Notwasserwege") == []
    assert _titles(outsider, "Starkregen") == []


def test_the_search_page_shows_results_and_documents_with_snippets(client_for, outsider,
                                                                   published):
    drain_updates()
    response = client_for(outsider).get(reverse("search"), {"q": "Notwasserwege"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Leitfaden Notwasserwege" in body and "<mark>" in body


def test_more_like_this_on_a_result_page(client_for, outsider, two_networks, member,
                                         draft_factory, published):
    _, open_network = two_networks
    similar = publish(draft_factory(open_network, outsider, title="Baumrigolen im Bestand",
                                    summary="Baumrigolen halten Starkregen zurück und versorgen "
                                            "Bäume mit Wasser."))
    publish(draft_factory(open_network, outsider, title="Hitzeaktionsplan",
                          summary="Trinkbrunnen und kühle Orte für heiße Tage."))
    drain_updates()
    response = client_for(outsider).get(published.url)
    assert [page.pk for page in response.context["similar"]][:1] == [similar.pk]


def test_a_draft_document_is_not_downloadable_but_a_published_one_is(
        client_for, member, outsider, two_networks, draft_factory):
    secret, _ = two_networks
    page = draft_factory(secret, member, title="Mit Anhang")
    document = add_document(page, title="Anhang", user=member, lines=["Text"])
    assert client_for(outsider).get(document.url).status_code == 404
    assert client_for(member).get(document.url).status_code == 200
    publish(page)
    assert client_for(outsider).get(document.url).status_code == 200


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _file(content: bytes):
    return ContentFile(content, name="x")


@pytest.mark.parametrize(("filename", "content", "expected"), [
    ("a.docx", _zip({"word/document.xml":
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Gründach</w:t></w:r><w:r><w:t>förderung</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Zweiter Absatz</w:t></w:r></w:p></w:body></w:document>"}),
     "Gründachförderung Zweiter Absatz"),
    ("a.odt", _zip({"content.xml":
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        "<text:h>Entsiegelung</text:h><text:p>Schulhof <text:span>ohne</text:span> Asphalt"
        "</text:p></office:body></office:document-content>"}),
     "Entsiegelung Schulhof ohne Asphalt"),
    ("a.txt", "Zisterne für Regenwasser".encode("cp1252"), "Zisterne für Regenwasser"),
    ("a.pdf", b"%PDF-1.4 broken", ""),
    ("a.docx", b"not a zip", ""),
    ("a.odt", _zip({"content.xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>'}), ""),
    ("a.png", b"\x89PNG", ""),
])
def test_text_is_read_from_documents_and_bad_files_yield_none(filename, content, expected):
    assert extract_text(_file(content), filename) == expected
