"""Hostile uploads at every upload door (issue 8): markup (HTML, SVG with script, also
renamed to .pdf or .png), a "PDF" that is really HTML, oversized files, and names with
folders, control characters or far too many letters. Each is either refused with a German
message and nothing stored, or stored under a safe name and served inertly."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from board.models import Attachment
from board.services import post_create
from intranet.core.pdf import simple_pdf
from intranet.events.models import AgendaSlide, Kind
from intranet.events.services import agenda_item_create, event_create
from knowledge.models import LibraryDocument
from knowledge.services import shelf_for
from networks.files import safe_file_name
from networks.models import DocumentVersion, Visibility
from networks.services import network_found

pytestmark = pytest.mark.django_db

REFUSED_IN_GERMAN = "Diese Art von Datei wird nicht angenommen"
TOO_LARGE_IN_GERMAN = "Die Datei ist größer als"

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(2)</script></svg>")
HOSTILE_CONTENT = {
    "html": ("seite.html", HTML),
    "html-named-pdf": ("bericht.pdf", HTML),
    "html-after-blank-lines": ("bericht.pdf", b"\n\n   \t" + HTML),
    "svg": ("bild.svg", SVG),
    "svg-named-png": ("bild.png", SVG),
    "svg-with-byte-order-mark": ("bild.png", b"\xef\xbb\xbf" + SVG),
    "svg-with-xml-declaration": ("karte.pdf", b'<?xml version="1.0"?>' + SVG),
    "bare-script": ("notiz.txt", b"<script>alert(1)</script>"),
}
HOSTILE_NAMES = {
    "path-traversal": "../../etc/passwd.pdf",
    "windows-path": "..\\..\\Windows\\win.ini.pdf",
    "header-injection": "bericht\r\nX-Injected: 1.pdf",
    "nul-byte": "bericht\x00.exe.pdf",
    "markup": '"><img src=x onerror=alert(1)>.pdf',
    "very-long": "Ä" * 240 + ".pdf",
}


def pdf(name="Leitfaden.pdf"):
    return SimpleUploadedFile(name, simple_pdf(["Leitfaden Starkregen"]), "application/pdf")


def private_files() -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


class Door:
    """One place where files come in: how to send one, what it stored, where it goes out."""

    field = "file"

    def send(self, upload):
        raise NotImplementedError

    def stored(self):
        raise NotImplementedError

    def download_url(self, row) -> str:
        raise NotImplementedError


class BoardFormDoor(Door):
    field = "files"

    def __init__(self, client, person):
        self.client, self.person = client, person

    def send(self, upload):
        return self.client.post(reverse("board:create"), {
            "title": "Mit Anhang", "body": "Siehe Datei", "category": "offer",
            "audience": "platform", "files": [upload]})

    def stored(self):
        return list(Attachment.objects.all())

    def download_url(self, row):
        return reverse("board:attachment_download", args=[row.post_id, row.pk])


class BoardAttachmentDoor(BoardFormDoor):
    def __init__(self, client, person):
        super().__init__(client, person)
        self.post = post_create(author=person, title="Beitrag", body="Text", category="offer")

    def send(self, upload):
        return self.client.post(reverse("board:attachment_upload", args=[self.post.pk]),
                                {"file": upload}, follow=True)


class BoardApiDoor(BoardAttachmentDoor):
    def send(self, upload):
        return self.client.post(reverse("api_post_attachments", args=[self.post.pk]),
                                {"file": upload})


class NetworkDocumentDoor(Door):
    def __init__(self, client, person):
        self.client = client
        self.network = network_found(founder=person, name="Schwammstadt", mandate="M",
                                     visibility=Visibility.OPEN)

    def send(self, upload):
        return self.client.post(reverse("networks:documents", args=[self.network.slug]),
                                {"title": "", "file": upload}, follow=True)

    def stored(self):
        return list(DocumentVersion.objects.all())

    def download_url(self, row):
        return reverse("networks:download",
                       args=[self.network.slug, row.document_id, row.number])


class SlideDoor(Door):
    def __init__(self, client, person, event):
        self.client, self.event = client, event
        self.item = agenda_item_create(event=event, actor=person, title="Vortrag")

    def send(self, upload):
        return self.client.post(
            reverse("events:slide_upload", args=[self.event.pk, self.item.pk]),
            {"file": upload}, follow=True)

    def stored(self):
        return list(AgendaSlide.objects.all())

    def download_url(self, row):
        return reverse("events:slide_download", args=[self.event.pk, row.pk])


class WagtailDocumentDoor(Door):
    """The library's upload in the Wagtail admin, by an editor of the network's shelf."""

    def __init__(self, client, person):
        self.client = client
        network = network_found(founder=person, name="Bibliotheksrunde", mandate="M",
                                visibility=Visibility.OPEN)
        self.collection = shelf_for(network).collection

    def send(self, upload):
        return self.client.post("/cms/documents/add/", {
            "title": "Dokument", "file": upload, "collection": self.collection.pk},
            follow=True)

    def stored(self):
        return list(LibraryDocument.objects.all())

    def download_url(self, row):
        return row.url


DOORS = ["board-form", "board-attachment", "board-api", "network-document", "slide",
         "wagtail-document"]
NAMED_DOORS = ["board-form", "board-attachment", "board-api", "network-document", "slide"]


def an_event(organiser):
    start = timezone.now() + datetime.timedelta(days=10)
    return event_create(actor=organiser, kind=Kind.COORDINATORS, title="Treffen",
                        start=start, end=start + datetime.timedelta(hours=2), venue="Rathaus")


@pytest.fixture
def door(request, client_for, member, coordinator, service_staff):
    kind = request.param
    if kind == "slide":
        return SlideDoor(client_for(service_staff), service_staff, an_event(service_staff))
    if kind in ("network-document", "wagtail-document"):
        client = client_for(coordinator)
        door_class = NetworkDocumentDoor if kind == "network-document" else WagtailDocumentDoor
        return door_class(client, coordinator)
    door_class = {"board-form": BoardFormDoor, "board-attachment": BoardAttachmentDoor,
                  "board-api": BoardApiDoor}[kind]
    return door_class(client_for(member), member)


def answer_text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("door", DOORS, indirect=True)
@pytest.mark.parametrize("payload", HOSTILE_CONTENT.values(), ids=HOSTILE_CONTENT.keys())
def test_markup_is_refused_in_german_and_nothing_is_stored(door, payload):
    name, content = payload
    files_before = private_files()
    response = door.send(SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code in (200, 400)
    if isinstance(door, BoardApiDoor):
        assert REFUSED_IN_GERMAN in " ".join(response.json()["file"])
    else:
        assert REFUSED_IN_GERMAN in answer_text(response)
    assert door.stored() == []
    assert private_files() == files_before


@pytest.mark.parametrize("door", DOORS, indirect=True)
def test_an_oversized_file_is_refused_in_german_and_nothing_is_stored(door):
    files_before = private_files()
    with override_settings(NETWORK_DOCUMENT_MAX_BYTES=200):
        response = door.send(pdf())
    if isinstance(door, BoardApiDoor):
        assert response.status_code == 413
        assert TOO_LARGE_IN_GERMAN in response.json()["detail"]
    else:
        assert TOO_LARGE_IN_GERMAN in answer_text(response)
    assert door.stored() == []
    assert private_files() == files_before


@pytest.mark.parametrize("door", NAMED_DOORS, indirect=True)
@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_hostile_name_is_kept_only_in_a_safe_form(door, name):
    response = door.send(pdf(name))
    assert response.status_code in (200, 201, 302)
    [row] = door.stored()
    kept = row.original_name
    assert kept.endswith(".pdf")
    assert not any(character in kept for character in '/\\\r\n\x00<>"')
    assert ".." not in kept.replace("...", "")
    assert len(kept) <= 130
    stored = Path(row.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "private")
    assert stored.read_bytes().startswith(b"%PDF-")
    download = door.client.get(door.download_url(row))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition and "\r" not in disposition and "/" not in disposition


@pytest.mark.parametrize("door", NAMED_DOORS, indirect=True)
def test_plain_text_named_html_is_kept_as_text_and_served_inertly(door):
    door.send(SimpleUploadedFile("seite.html", "Maßnahmen <b>fett</b>\n".encode(),
                                 "text/html"))
    [row] = door.stored()
    assert row.original_name == "seite.html.txt"
    assert row.content_type == "text/plain"
    download = door.client.get(door.download_url(row))
    assert download["Content-Type"].startswith("text/plain")
    assert download["Content-Disposition"] == 'attachment; filename="seite.html.txt"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert "default-src 'none'" in download["Content-Security-Policy"]


@pytest.mark.parametrize("door", ["wagtail-document"], indirect=True)
def test_the_library_refuses_a_document_whose_content_is_not_its_name(door):
    response = door.send(SimpleUploadedFile("tabelle.pdf", b"Stadt;Rigolen\nBochum;3\n"))
    assert "passt nicht zur Endung" in answer_text(response) \
        or "does not match its name ending" in answer_text(response)
    assert door.stored() == []


@pytest.mark.parametrize("door", ["wagtail-document"], indirect=True)
def test_the_library_takes_a_real_pdf_and_offers_it_only_as_a_sandboxed_download(door):
    door.send(pdf("leitfaden.pdf"))
    [document] = door.stored()
    download = door.client.get(document.url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content_type", "kept"), [
    ("../../etc/passwd", "text/plain", "passwd.txt"),
    ("Bericht", "application/pdf", "Bericht.pdf"),
    ("bericht.PDF", "application/pdf", "bericht.pdf"),
    ("foto.jpeg", "image/jpeg", "foto.jpeg"),
    ("bild.svg", "image/png", "bild.svg.png"),
    ("tabelle.csv", "text/plain", "tabelle.csv"),
    ("a\tb\x7f\x85c.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "abc.docx"),
])
def test_safe_file_name_keeps_the_name_but_not_its_dangers(name, content_type, kept):
    assert safe_file_name(name, content_type=content_type) == kept


def test_a_name_of_only_dots_becomes_a_plain_file_name():
    kept = safe_file_name("..", content_type="application/pdf")
    assert kept.endswith(".pdf") and len(kept) > len(".pdf") and ".." not in kept


# --- Images: the photo gallery and the organisation logo ------------------------------------

def test_an_organisation_logo_that_is_svg_is_refused_and_not_stored(client_for, coordinator):
    from intranet.accounts.models import Organisation

    organisation = coordinator.organisation
    files_before = private_files()
    response = client_for(coordinator).post(
        reverse("organisation_edit", args=[organisation.slug]),
        {"name": organisation.name, "region": organisation.region or "",
         "website": "", "description": "",
         "logo": SimpleUploadedFile("wappen.png", SVG, "image/png")})
    assert response.status_code == 200
    body = answer_text(response)
    assert 'id="id_logo_error"' in body
    assert "Lade ein gültiges Bild hoch" not in body  # Django's informal German
    assert ("Diese Datei ist kein Bild, das wir annehmen" in body
            or "This file is not an image we accept" in body)
    assert not Organisation.objects.get(pk=organisation.pk).logo
    assert private_files() == files_before


def test_a_forum_photo_with_a_hostile_name_is_stored_under_our_own_name(
        client_for, service_staff, city):
    from intranet.events.models import ForumPhoto
    from intranet.events.services import forum_edition_create
    from tests.events.test_gallery import picture

    edition = forum_edition_create(actor=service_staff, year=2024,
                                   host_organisation=city, theme="Hitze")
    response = client_for(service_staff).post(
        reverse("events:forum_photo_add", args=[edition.year]),
        {"caption": "Plenum", "image": SimpleUploadedFile(
            "../../..\r\n\x00<script>.jpg", picture(), "image/jpeg")})
    assert response.status_code == 302
    photo = ForumPhoto.objects.get()
    assert Path(photo.image.name).name.removesuffix(".jpg").isalnum()
    served = client_for(service_staff).get(
        reverse("events:forum_photo", args=[edition.year, photo.pk, "gross"]))
    assert served["Content-Type"] == "image/jpeg"
    assert "sandbox" in served["Content-Security-Policy"]
