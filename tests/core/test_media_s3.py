"""Uploads in an S3-compatible bucket (issue 9): with ``S3_BUCKET`` set, network documents,
board attachments and forum photos are stored as objects in the bucket, their text is still
read for the search, and they still leave only through the checked views (streamed by
Django, never a bucket URL). Against a real S3 server on loopback: moto's, started here."""

import datetime
import io
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from board.services import attachment_text_extract, post_create
from intranet.core.backup import media_in_bucket
from intranet.core.pdf import simple_pdf
from intranet.events.services import forum_edition_create, forum_photo_add
from intranet.settings.base import media_storage
from networks.services import document_text_extract, document_upload
from tests.events.test_gallery import picture
from tests.trust import test_download_headers
from tests.trust.test_download_headers import body_of

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
CANARY = "Kanarienvogel-Eimer-5521"
confidential = test_download_headers.confidential  # the same fixture, used here too

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not MOTO_SERVER.exists(), reason="moto[server] is not installed"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server ended with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 (loopback only)
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"moto_server did not answer at {url}")


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    process = subprocess.Popen([str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        wait_until_answering(endpoint, process)
        yield endpoint
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh private bucket, and the platform's media in it (as S3_* would set it)."""
    import boto3

    name = f"klimawerk-{uuid.uuid4().hex[:12]}"
    for variable, value in {"S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": "eu-central-1",
                            "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=name,
                         CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(name)}
    settings.DOWNLOADS_ACCEL_PREFIX = "/_protected/"  # must not apply: not the file system
    assert media_in_bucket()
    return client, name


def objects_in(bucket) -> set[str]:
    client, name = bucket
    return {item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])}


def docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            f'main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'))
    return buffer.getvalue()


def assert_only_members_get_it(client_for, member, outsider, url, starts_with: bytes):
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert body_of(response).startswith(starts_with)
    assert response["Cache-Control"].startswith("private")
    assert client_for(outsider).get(url).status_code == 404


def test_a_network_document_is_an_object_read_for_search_and_downloaded_only_by_members(
        bucket, client_for, member, outsider, confidential, coordinator):
    upload = SimpleUploadedFile("protokoll.pdf", simple_pdf([CANARY]), "application/pdf")
    version = document_upload(network=confidential, actor=coordinator, upload=upload,
                              title="Protokoll")
    assert version.file.name in objects_in(bucket)
    document_text_extract(version_id=version.pk)  # what the worker runs after the commit
    version.refresh_from_db()
    assert CANARY in version.text
    url = reverse("networks:download", args=[confidential.slug, version.document_id, 1])
    assert_only_members_get_it(client_for, member, outsider, url, b"%PDF-")


def test_a_board_attachment_is_an_object_with_its_docx_text(
        bucket, client_for, member, outsider, confidential, coordinator):
    attachment_file = SimpleUploadedFile(
        "leitfaden.docx", docx(CANARY),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    post = post_create(author=coordinator, title="Leitfaden", body="x", category="offer",
                       audience="network", network=confidential, files=[attachment_file])
    attachment = post.attachments.get()
    assert attachment.file.name in objects_in(bucket)
    attachment_text_extract(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert CANARY in attachment.text
    url = reverse("board:attachment_download", args=[post.pk, attachment.pk])
    assert_only_members_get_it(client_for, member, outsider, url, b"PK")


def test_a_forum_photo_is_two_objects_shown_through_the_checked_view(
        bucket, client_for, member, service_staff, city):
    year = timezone.localdate().year - 1
    edition = forum_edition_create(actor=service_staff, year=year, host_organisation=city,
                                   theme="Starkregen", start_date=datetime.date(year, 9, 10),
                                   end_date=datetime.date(year, 9, 11))
    photo = forum_photo_add(edition=edition, actor=service_staff, caption="Plenum",
                            upload=SimpleUploadedFile("foto.jpg", picture(), "image/jpeg"))
    assert {photo.image.name, photo.thumbnail.name} <= objects_in(bucket)
    response = client_for(member).get(photo.get_absolute_url())
    assert response.status_code == 200 and body_of(response).startswith(b"\xff\xd8")
    assert client_for(None).get(photo.get_absolute_url()).status_code == 302
    page = client_for(member).get(edition.get_absolute_url()).content.decode()
    assert photo.thumbnail_url in page and "X-Amz-" not in page and "127.0.0.1:" not in page


def test_a_files_url_is_our_checked_address_never_a_signed_bucket_url(bucket):
    name = default_storage.save("original_images/karte.png", io.BytesIO(b"\x89PNG"))
    assert default_storage.url(name) == f"/media/{name}"


@pytest.mark.django_db(transaction=True)
def test_the_backup_leaves_the_bucket_to_the_providers_tools_and_says_so(bucket, tmp_path,
                                                                        coordinator):
    from django.core.management import call_command

    default_storage.save("private/probe.txt", io.BytesIO(b"im Eimer"))
    output = io.StringIO()
    call_command("backup", output=str(tmp_path), stdout=output)
    (backup,) = tmp_path.glob("klimawerk-backup-*")
    assert (backup / "media").is_dir() and not any((backup / "media").iterdir())
    assert "S3" in output.getvalue()  # the warning, in whichever language
