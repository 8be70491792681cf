"""Editors of one network never see another network's drafts, documents or images in
Wagtail's admin: not in the explorer, choosers, previews, revisions, history or the admin
search (issue 5). Searches ask for an ordinary word of the hidden titles, so the canary in
a response can only come from the hidden things, never from the echoed query. Each door is
asked by both: the draft's own network member must see the canary there (so the door is
the right one), the other network's editor must not."""

import io

import pytest
from django.core.files.base import ContentFile
from wagtail.images import get_image_model

from knowledge.models import ShelfPage

from .conftest import CANARY, add_document

pytestmark = pytest.mark.django_db



def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def secret_draft(two_networks, member, draft_factory):
    secret, _ = two_networks
    page = draft_factory(secret, member, title=f"Entwurf {CANARY}",
                         summary=f"Vertraulich: {CANARY}")
    page.summary = f"Zweite Fassung {CANARY}"
    page.save_revision(user=member)
    document = add_document(page, title=f"Dokument {CANARY}", user=member, lines=[CANARY])
    image = get_image_model().objects.create(
        title=f"Bild {CANARY}", uploaded_by_user=member, width=8, height=8,
        collection=page.get_parent().specific.collection,
        file=ContentFile(png(), name="foto.png"))
    return page, document, image


def _doors(page, document, image):
    shelf = ShelfPage.objects.get(network=page.network)
    revision = page.latest_revision
    return [
        ("/cms/", False),
        ("/cms/pages/", False),
        (f"/cms/pages/{shelf.get_parent().pk}/", False),
        (f"/cms/pages/{shelf.pk}/", True),
        (f"/cms/pages/{page.pk}/edit/", True),
        (f"/cms/pages/{page.pk}/edit/preview/", False),
        (f"/cms/pages/{page.pk}/revisions/{revision.pk}/view/", True),
        (f"/cms/pages/{page.pk}/history/", False),
        ("/cms/pages/search/?q=Entwurf", True),
        ("/cms/choose-page/", False),
        (f"/cms/choose-page/{shelf.pk}/", True),
        ("/cms/choose-page/search/?q=Entwurf", True),
        ("/cms/documents/", True),
        ("/cms/documents/?q=Dokument", True),
        ("/cms/documents/chooser/?q=Dokument", True),
        (f"/cms/documents/edit/{document.pk}/", True),
        (document.url, False),
        ("/cms/images/", True),
        ("/cms/images/chooser/?q=Bild", True),
        (f"/cms/images/{image.pk}/", True),
        ("/cms/reports/site-history/", True),
        ("/cms/reports/aging-pages/", False),
        ("/cms/reports/locked/", False),
        ("/cms/api/main/pages/?search=Entwurf", False),
        (f"/cms/api/main/pages/{page.pk}/", False),
        (f"/cms/pages/{page.pk}/workflow_history/", False),
    ]


def test_another_networks_editor_sees_nothing_of_the_draft(client_for, member, outsider,
                                                          secret_draft):
    page, document, image = secret_draft
    assert outsider.has_perm("wagtailadmin.access_admin")  # an editor of the open network
    leaks, blind = [], []
    for path, member_sees in _doors(page, document, image):
        own = client_for(member).get(path)
        if member_sees and CANARY not in own.content.decode():
            blind.append(f"{path}: {own.status_code}")
        other = client_for(outsider).get(path)
        if CANARY in other.content.decode():
            leaks.append(f"{path}: {other.status_code}")
    assert (leaks, blind) == ([], [])  # the doors are real: the draft's own editor finds it there


def test_someone_without_a_shelf_has_no_admin(client_for, steering, secret_draft):
    response = client_for(steering).get("/cms/")
    assert response.status_code == 302


def test_the_draft_image_is_served_to_its_editors_only(client_for, member, outsider,
                                                       secret_draft):
    _, _, image = secret_draft
    url = image.file.url
    assert url.startswith("/media/original_images/")
    assert client_for(member).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    rendition = image.get_rendition("width-100")
    assert client_for(member).get(rendition.url).status_code == 200
    assert client_for(outsider).get(rendition.url).status_code == 404
