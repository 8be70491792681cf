"""File downloads with conditional and range headers (issue 8): someone who may not see a
file gets the same 404 as for a missing file whatever they send (If-None-Match with the
real ETag, If-Modified-Since, Range), never a 304 or a 206 that would confirm the file.
Signed-out people are sent to sign in. Those allowed get the file whole (our views do not
answer ranges) or, where Wagtail keeps an ETag, a 304 for the copy they already have."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from wagtail.images import get_image_model

from board.services import post_create
from intranet.core.pdf import simple_pdf
from intranet.events.models import Audience, Kind
from intranet.events.services import agenda_item_create, event_create, slide_add
from knowledge.models import LibraryDocument, LibraryPageDocument
from knowledge.services import result_start
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import document_upload, membership_invite, membership_join, network_found

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-download-7f3a"
LATER = http_date((timezone.now() + datetime.timedelta(days=365)).timestamp())


def pdf(name=f"{CANARY}.pdf"):
    return SimpleUploadedFile(name, simple_pdf([CANARY]), "application/pdf")


def png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def confidential(coordinator, member):
    network = network_found(founder=coordinator, name="Verschwiegen", mandate="M",
                            visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    forget_grants(member)
    member.refresh_from_db()
    return network


def board_attachment(network, author):
    post = post_create(author=author, title=CANARY, body="x", category="offer",
                       audience="network", network=network, files=[pdf()])
    attachment = post.attachments.get()
    return (reverse("board:attachment_download", args=[post.pk, attachment.pk]),
            reverse("board:attachment_download", args=[post.pk, attachment.pk + 999]))


def board_api_attachment(network, author):
    post = post_create(author=author, title=CANARY, body="x", category="offer",
                       audience="network", network=network, files=[pdf()])
    attachment = post.attachments.get()
    return (reverse("api_post_attachment", args=[post.pk, attachment.pk]),
            reverse("api_post_attachment", args=[post.pk, attachment.pk + 999]))


def network_document(network, author):
    version = document_upload(network=network, actor=author, upload=pdf(), title=CANARY)
    return (reverse("networks:download", args=[network.slug, version.document_id, 1]),
            reverse("networks:download", args=[network.slug, version.document_id + 999, 1]))


def event_slide(network, author):
    start = timezone.now() + datetime.timedelta(days=10)
    event = event_create(actor=author, kind=Kind.NETWORK, title=CANARY, start=start,
                         end=start + datetime.timedelta(hours=2), venue="Rathaus",
                         audience=Audience.NETWORK, network=network)
    item = agenda_item_create(event=event, actor=author, title="Vortrag")
    slide = slide_add(item=item, actor=author, upload=pdf())
    return (reverse("events:slide_download", args=[event.pk, slide.pk]),
            reverse("events:slide_download", args=[event.pk, slide.pk + 999]))


def library_document(network, author):
    page = result_start(network=network, actor=author, title=CANARY, kind="guideline").specific
    document = LibraryDocument(title=CANARY, uploaded_by_user=author,
                               collection=page.get_parent().specific.collection)
    document.file.save("entwurf.pdf", ContentFile(simple_pdf([CANARY])), save=False)
    document.save()
    LibraryPageDocument.objects.create(page=page, document=document)
    return document.url, reverse("wagtaildocs_serve", args=[document.pk + 999, "entwurf.pdf"])


def library_image(network, author):
    page = result_start(network=network, actor=author, title=CANARY, kind="guideline").specific
    image = get_image_model().objects.create(
        title=CANARY, uploaded_by_user=author, width=8, height=8,
        collection=page.get_parent().specific.collection,
        file=ContentFile(png(), name="entwurf.png"))
    return (reverse("library_media", args=[image.file.name]),
            reverse("library_media", args=["original_images/gibt-es-nicht.png"]))


DOORS = {"board": board_attachment, "board-api": board_api_attachment,
         "network-document": network_document, "slide": event_slide,
         "library-document": library_document, "library-image": library_image}


@pytest.fixture(params=DOORS.values(), ids=DOORS.keys())
def hidden_file(request, confidential, coordinator):
    """(url of a file only the confidential network's members see, url of a missing one)"""
    return request.param(confidential, coordinator)


def conditional_headers(etag: str) -> list[dict]:
    return [{"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_NONE_MATCH": "*"},
            {"HTTP_IF_MODIFIED_SINCE": LATER}, {"HTTP_RANGE": "bytes=0-10"},
            {"HTTP_IF_NONE_MATCH": etag, "HTTP_RANGE": "bytes=0-10",
             "HTTP_IF_MODIFIED_SINCE": LATER, "HTTP_IF_RANGE": etag}]


def body_of(response) -> bytes:
    """The whole body. Reading a file response to its end closes it the way the test client
    means to; calling close() directly would let request_finished close the test's
    database connection (on PostgreSQL, inside the test's transaction)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


MAIN = re.compile(rb"<main\b.*?</main>", re.DOTALL)


def what_the_404_says(response) -> bytes:
    """The 404's message (HTML: its <main>; the frame holds the address and a CSRF token)."""
    body = body_of(response)
    found = MAIN.search(body)
    return found.group(0) if found else body


def test_a_member_gets_the_whole_file_and_range_is_not_answered(client_for, member,
                                                                 hidden_file):
    url, _missing = hidden_file
    response = client_for(member).get(url, HTTP_RANGE="bytes=0-10")
    assert response.status_code == 200
    assert "Content-Range" not in response
    content = body_of(response)
    assert len(content) > 11
    assert content.startswith((b"%PDF-", b"\x89PNG"))


def test_someone_who_may_not_see_the_file_gets_the_missing_files_404_whatever_they_send(
        client_for, member, outsider, hidden_file):
    url, missing_url = hidden_file
    allowed = client_for(member).get(url)
    etag = allowed.get("ETag") or '"d41d8cd98f00b204e9800998ecf8427e"'
    body_of(allowed)  # read to the end, which closes it as a server would
    client = client_for(outsider)
    missing = client.get(missing_url)
    assert missing.status_code == 404
    for headers in conditional_headers(etag):
        response = client.get(url, **headers)
        assert response.status_code == 404, headers
        assert what_the_404_says(response) == what_the_404_says(missing), headers
        assert "ETag" not in response and "Last-Modified" not in response
        assert "Content-Range" not in response
        assert CANARY not in body_of(response).decode(errors="replace")


def test_signed_out_people_are_sent_to_sign_in_whatever_they_send(client, hidden_file):
    url, _missing = hidden_file
    for headers in conditional_headers('"x"'):
        response = client.get(url, **headers)
        assert response.status_code in (302, 401), headers
        assert "ETag" not in response and "Content-Range" not in response


def test_the_library_answers_304_only_to_a_member_with_the_documents_etag(
        client_for, member, outsider, confidential, coordinator):
    url, _missing = library_document(confidential, coordinator)
    first = client_for(member).get(url)
    etag = first["ETag"]
    body_of(first)
    assert client_for(member).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client_for(outsider).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_downloads_are_attachments_never_cached_sniffed_or_run(client_for, member,
                                                               hidden_file):
    url, _missing = hidden_file
    response = client_for(member).get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    if "library_media" not in url and "/media/" not in url:
        assert response["Content-Disposition"].startswith("attachment")
    body_of(response)
