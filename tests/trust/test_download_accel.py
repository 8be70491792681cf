"""Checked downloads handed to nginx (issue 9): with ``DOWNLOADS_ACCEL_PREFIX`` set, every
file door still decides who may have the file, then answers with an empty body and
``X-Accel-Redirect`` to the file below MEDIA_ROOT, with the headers the file must keep.
Someone who may not see it, or a file gone from the disk, is still the one 404; without the
setting Django streams the bytes as before. (The real nginx in front: tests/deploy.)"""

import datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.data_export import data_export_build
from intranet.core.pdf import simple_pdf
from intranet.events.services import forum_edition_create, forum_photo_add
from networks.services import document_upload
from tests.events.test_gallery import picture
from tests.trust import test_download_headers
from tests.trust.test_download_headers import DOORS, body_of, png

pytestmark = pytest.mark.django_db

PREFIX = "/_protected/"
confidential = test_download_headers.confidential  # the same fixture, used here too


@pytest.fixture
def accel(settings):
    settings.DOWNLOADS_ACCEL_PREFIX = PREFIX
    return PREFIX


@pytest.fixture(params=DOORS.values(), ids=DOORS.keys())
def door(request, confidential, coordinator):
    return request.param(confidential, coordinator)


def file_nginx_would_send(response) -> Path:
    location = response["X-Accel-Redirect"]
    assert location.startswith(PREFIX)
    return Path(settings.MEDIA_ROOT) / unquote(location.removeprefix(PREFIX))


def assert_handed_to_nginx(response, *, starts_with: bytes):
    assert response.status_code == 200
    assert body_of(response) == b""
    assert file_nginx_would_send(response).read_bytes().startswith(starts_with)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_member_gets_the_file_through_nginx_with_the_files_headers(
        accel, client_for, member, door):
    url, _missing = door
    response = client_for(member).get(url)
    magic = b"\x89PNG" if "library_media" in url or "/media/" in url else b"%PDF-"
    assert_handed_to_nginx(response, starts_with=magic)
    assert response["Content-Type"] == ("image/png" if magic == b"\x89PNG"
                                        else "application/pdf")
    if magic == b"%PDF-":
        assert response["Content-Disposition"].startswith("attachment")
    if "/dokumente/" not in url:  # Wagtail's documents keep Wagtail's caching (ETag)
        assert response["Cache-Control"].startswith("private")


def test_someone_who_may_not_see_the_file_gets_the_404_and_no_redirect(
        accel, client_for, outsider, door):
    url, missing_url = door
    client = client_for(outsider)
    for address in (url, missing_url):
        response = client.get(address)
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response


def test_a_file_gone_from_the_disk_is_a_404_not_a_redirect_into_nothing(
        accel, client_for, member, door):
    url, _missing = door
    client = client_for(member)
    path = file_nginx_would_send(client.get(url))
    default_storage.delete(str(path.relative_to(settings.MEDIA_ROOT)))
    response = client.get(url)
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_without_the_setting_django_streams_the_bytes(client_for, member, door):
    url, _missing = door
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert body_of(response).startswith((b"%PDF-", b"\x89PNG"))


def test_names_with_spaces_and_umlauts_are_quoted_for_nginx(accel, client_for, member,
                                                             confidential, coordinator):
    upload = SimpleUploadedFile("Protokoll Übung #1.pdf", simple_pdf(["x"]), "application/pdf")
    version = document_upload(network=confidential, actor=coordinator, upload=upload,
                              title="Übung")
    url = reverse("networks:download", args=[confidential.slug, version.document_id, 1])
    response = client_for(member).get(url)
    location = response["X-Accel-Redirect"]
    assert " " not in location and "#" not in location and "Ü" not in location
    assert file_nginx_would_send(response) == Path(settings.MEDIA_ROOT) / version.file.name


@pytest.fixture
def forum_photo(service_staff, city):
    year = timezone.localdate().year - 1
    edition = forum_edition_create(actor=service_staff, year=year, host_organisation=city,
                                   theme="Starkregen", start_date=datetime.date(year, 9, 10),
                                   end_date=datetime.date(year, 9, 11))
    upload = SimpleUploadedFile("foto.jpg", picture(), content_type="image/jpeg")
    return forum_photo_add(edition=edition, actor=service_staff, caption="Plenum",
                           upload=upload)


def test_forum_photos_go_through_nginx_inline_for_the_gallery(accel, client_for, member,
                                                               forum_photo):
    response = client_for(member).get(forum_photo.get_absolute_url())
    assert_handed_to_nginx(response, starts_with=b"\xff\xd8")
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" not in response.get("Content-Disposition", "")
    other_year = reverse("events:forum_photo",
                         args=[forum_photo.edition.year - 1, forum_photo.pk, "gross"])
    assert client_for(member).get(other_year).status_code == 404


def test_organisation_logos_go_through_nginx(accel, client_for, member, city):
    city.logo.save("wappen.png", SimpleUploadedFile("wappen.png", png()), save=True)
    response = client_for(member).get(reverse("organisation_logo", args=[city.slug]))
    assert_handed_to_nginx(response, starts_with=b"\x89PNG")
    assert response["Content-Type"] == "image/png"
    assert client_for(None).get(reverse("organisation_logo",
                                        args=[city.slug])).status_code == 302


def test_data_exports_go_through_nginx_only_to_their_owner(accel, client_for, member,
                                                            outsider):
    name = data_export_build(user_id=member.pk).rsplit("/", 1)[1]
    url = reverse("data_export_download", args=[name])
    response = client_for(member).get(url)
    assert_handed_to_nginx(response, starts_with=b"PK")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    hidden = client_for(outsider).get(url)
    assert hidden.status_code == 404 and "X-Accel-Redirect" not in hidden
