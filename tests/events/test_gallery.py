"""The Expertenforum's photos ("Eindrücke"): uploads checked by their content and encoded
anew, served only through a view that checks who asks, shown as a gallery and on the list
of editions."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from intranet.core.models import AuditEntry
from intranet.events.models import ForumPhoto
from intranet.events.services import forum_edition_create, forum_photo_add, photo_process
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1
NOT_A_PHOTO = "This file is not a photo we accept. Allowed are JPEG, PNG and WebP images."
CANARY = "Kanarienvogel-Galerie-7731"


def picture(image_format="JPEG", size=(1200, 800), exif=None, color=(30, 120, 90)) -> bytes:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, image_format, **kwargs)
    return buffer.getvalue()


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with_secrets() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = CANARY  # Artist
    exif[0x010F] = "Kamerahersteller"  # Make
    return exif.tobytes()


@pytest.fixture
def edition(service_staff, city):
    return forum_edition_create(actor=service_staff, year=LAST_YEAR, host_organisation=city,
                                theme="Starkregen", start_date=datetime.date(LAST_YEAR, 9, 10),
                                end_date=datetime.date(LAST_YEAR, 9, 11))


def _add(edition, actor, data=None, caption="Plenum im Saal", **kwargs):
    return forum_photo_add(edition=edition, actor=actor, caption=caption,
                           upload=upload(data or picture(), **kwargs))


# --- Uploading ----------------------------------------------------------------------------

def test_service_staff_upload_a_photo_with_its_caption_and_it_is_audited(
        client_for, service_staff, edition):
    client = client_for(service_staff)
    url = reverse("events:forum_photo_add", args=[edition.year])
    assert url in client.get(edition.get_absolute_url()).content.decode()
    response = client.post(url, {"caption": "Exkursion zur Baumrigole",
                                 "image": upload(picture(size=(4000, 3000)))})
    assert response.status_code == 302
    photo = ForumPhoto.objects.get()
    assert (photo.caption, photo.content_type) == ("Exkursion zur Baumrigole", "image/jpeg")
    assert max(photo.width, photo.height) == 2400  # made smaller on the way in
    with default_storage.open(photo.thumbnail.name) as handle:
        assert max(Image.open(handle).size) == 480
    assert photo.image.name.startswith(f"private/forum/{edition.year}/")
    assert AuditEntry.objects.filter(action="forum_photo.add").count() == 1
    page = client.get(edition.get_absolute_url()).content.decode()
    assert f'src="{photo.thumbnail_url}" alt="Exkursion zur Baumrigole"' in page


def test_add_another_returns_to_the_upload_form(client_for, service_staff, edition):
    response = client_for(service_staff).post(
        reverse("events:forum_photo_add", args=[edition.year]),
        {"caption": "Pause", "image": upload(picture()), "another": "1"})
    assert response.url == reverse("events:forum_photo_add", args=[edition.year])


def test_exif_data_is_removed(service_staff, edition):
    original = picture(exif=exif_with_secrets())
    assert CANARY.encode() in original
    photo = _add(edition, service_staff, original)
    for field in (photo.image, photo.thumbnail):
        with default_storage.open(field.name) as handle:
            stored = handle.read()
        assert CANARY.encode() not in stored and b"Kamerahersteller" not in stored
        assert not dict(Image.open(io.BytesIO(stored)).getexif())


@pytest.mark.parametrize(("image_format", "name", "content_type"), [
    ("PNG", "karte.png", "image/png"), ("WEBP", "foto.webp", "image/webp")])
def test_png_and_webp_are_accepted(service_staff, edition, image_format, name, content_type):
    photo = _add(edition, service_staff, picture(image_format), name=name,
                 content_type=content_type)
    assert photo.content_type == content_type
    with default_storage.open(photo.image.name) as handle:
        assert Image.open(handle).format == image_format


def _refused(client, edition, data, name="foto.jpg", caption="Plenum"):
    with translation.override("de"):
        response = client.post(reverse("events:forum_photo_add", args=[edition.year]),
                               {"caption": caption, "image": upload(data, name=name)},
                               HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return response


def _stored_files() -> list[str]:
    try:
        _dirs, files = default_storage.listdir("private/forum")
    except FileNotFoundError:
        return []
    return files


def test_html_renamed_to_jpg_is_refused_in_german_at_the_field(client_for, service_staff,
                                                                edition):
    response = _refused(client_for(service_staff), edition,
                        b"<!doctype html><script>alert(1)</script>")
    with translation.override("de"):
        message = gettext(NOT_A_PHOTO)
    assert response.context["form"].errors["image"] == [message]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ForumPhoto.objects.exists() and not _stored_files()


def test_an_oversized_file_is_refused_in_german(client_for, service_staff, edition, settings):
    settings.FORUM_PHOTO_MAX_BYTES = 20_000
    data = picture("PNG", size=(400, 400))
    noisy = Image.effect_noise((400, 400), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    data = buffer.getvalue()
    assert len(data) > 20_000
    response = _refused(client_for(service_staff), edition, data, name="gross.png")
    with translation.override("de"):
        expected = gettext("The photo is larger than %(limit)s.") % {"limit": "19,5\xa0KB"}
    assert response.context["form"].errors["image"] == [expected]
    assert not ForumPhoto.objects.exists()


@pytest.mark.parametrize("kind", ["gif", "truncated", "empty", "svg"])
def test_other_files_are_refused(client_for, service_staff, edition, kind):
    data = {
        "gif": picture("GIF"),
        "truncated": picture()[:300],
        "empty": b"",
        "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    }[kind]
    response = _refused(client_for(service_staff), edition, data)
    assert "image" in response.context["form"].errors
    assert not ForumPhoto.objects.exists() and not _stored_files()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(service_staff, edition):
    from django.core.exceptions import ValidationError

    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, "PNG")  # small file, 60 megapixels
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(ValidationError) as refused:
        photo_process(upload(buffer.getvalue(), name="bombe.png"))
    assert "image" in refused.value.message_dict


def test_a_caption_is_required_for_those_who_cannot_see_the_photo(client_for, service_staff,
                                                                    edition):
    response = _refused(client_for(service_staff), edition, picture(), caption="  ")
    assert "caption" in response.context["form"].errors
    assert not ForumPhoto.objects.exists()


# --- Who may do what -------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["member", "coordinator", "steering", "department_head",
                                     "lead", "outsider"])
def test_members_see_the_gallery_and_photos_but_do_not_upload(client_for, request, persona,
                                                              service_staff, edition):
    photo = _add(edition, service_staff, caption=f"Gruppenfoto {CANARY}")
    client = client_for(request.getfixturevalue(persona))
    page = client.get(edition.get_absolute_url()).content.decode()
    assert photo.thumbnail_url in page and CANARY in page
    assert reverse("events:forum_photo_add", args=[edition.year]) not in page
    for size_url in (photo.get_absolute_url(), photo.thumbnail_url):
        response = client.get(size_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    add_url = reverse("events:forum_photo_add", args=[edition.year])
    assert client.get(add_url).status_code == 403
    assert client.post(add_url, {"caption": "x", "image": upload(picture())}).status_code == 403
    assert client.post(reverse("events:forum_photo_delete",
                               args=[edition.year, photo.pk])).status_code == 403
    assert ForumPhoto.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in_for_photos(client, service_staff, edition):
    photo = _add(edition, service_staff)
    for url in (photo.get_absolute_url(), photo.thumbnail_url,
                reverse("events:forum_photo_add", args=[edition.year])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_a_photo_under_another_year_or_size_is_404(client_for, member, service_staff,
                                                   edition, other_city):
    photo = _add(edition, service_staff)
    forum_edition_create(actor=service_staff, year=LAST_YEAR - 1, host_organisation=other_city)
    client = client_for(member)
    assert client.get(reverse("events:forum_photo", args=[LAST_YEAR - 1, photo.pk,
                                                          "gross"])).status_code == 404
    assert client.get(reverse("events:forum_photo", args=[edition.year, photo.pk,
                                                          "original"])).status_code == 404
    assert client.get(reverse("events:forum_photo", args=[edition.year, photo.pk + 99,
                                                          "klein"])).status_code == 404


def test_photos_are_not_under_a_public_media_address(client_for, member, service_staff,
                                                     edition):
    photo = _add(edition, service_staff)
    page = client_for(member).get(edition.get_absolute_url()).content.decode()
    assert photo.image.name not in page and photo.thumbnail.name not in page


def test_service_staff_remove_a_photo_and_its_files(client_for, service_staff, edition,
                                                    django_capture_on_commit_callbacks):
    photo = _add(edition, service_staff)
    names = [photo.image.name, photo.thumbnail.name]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(service_staff).post(
            reverse("events:forum_photo_delete", args=[edition.year, photo.pk]))
    assert response.status_code == 302
    assert not ForumPhoto.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    assert AuditEntry.objects.filter(action="forum_photo.delete").count() == 1


# --- The list of editions --------------------------------------------------------------------

def test_the_list_shows_each_editions_first_photo_as_a_thumbnail(client_for, member,
                                                                  service_staff, edition,
                                                                  other_city):
    first = _add(edition, service_staff, caption="Erstes Foto")
    _add(edition, service_staff, caption="Zweites Foto")
    forum_edition_create(actor=service_staff, year=LAST_YEAR - 1, host_organisation=other_city,
                         theme="Ohne Fotos")
    page = client_for(member).get(reverse("events:forum_list")).content.decode()
    assert f'src="{first.thumbnail_url}" alt="Erstes Foto"' in page
    assert "Zweites Foto" not in page
    assert page.count('class="forum-thumb"') == 1


# 1 session, 2 user, 3 roles, 4 the editions with host, event and each one's first photo
# (two subqueries in the same query), 5 the header's unread notifications.
FORUM_LIST_QUERIES = 5


@pytest.mark.parametrize("editions", [1, 20])
def test_forum_list_query_count_is_flat(client_for, member, service_staff, editions,
                                        django_assert_num_queries):
    for index in range(editions):
        host = OrganisationFactory(slug=f"gastgeber-{index}", name=f"Stadt {index:02d}")
        edition = forum_edition_create(actor=service_staff, year=2000 + index,
                                       host_organisation=host, theme=f"Thema {index}")
        ForumPhoto.objects.create(edition=edition, image=f"private/forum/{index}.jpg",
                                  thumbnail=f"private/forum/{index}-t.jpg",
                                  content_type="image/jpeg", width=10, height=10,
                                  caption=f"Foto {index}")
    client = client_for(member)
    client.get(reverse("events:forum_list"))  # warm caches
    with django_assert_num_queries(FORUM_LIST_QUERIES):
        response = client.get(reverse("events:forum_list"))
    assert response.content.decode().count('class="forum-thumb"') == editions


@pytest.mark.parametrize(("mode", "image_format"), [
    ("I;16", "PNG"), ("CMYK", "JPEG"), ("P", "PNG"), ("LA", "PNG"), ("RGBA", "WEBP"),
    ("L", "JPEG"), ("1", "PNG")])
def test_unusual_colour_modes_are_encoded_anew_not_refused(mode, image_format):
    buffer = io.BytesIO()
    Image.new(mode, (300, 200)).save(buffer, image_format)
    processed = photo_process(upload(buffer.getvalue(), name="bild"))
    stored = Image.open(io.BytesIO(processed["image"]))
    assert stored.format == image_format and stored.mode in ("RGB", "RGBA")
    assert (processed["width"], processed["height"]) == (300, 200)
