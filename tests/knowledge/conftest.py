"""A small library: networks with shelves, drafts, documents and published results."""

import pytest
from django.core.files.base import ContentFile

from intranet.core.pdf import simple_pdf
from knowledge.models import LibraryDocument, LibraryPageDocument
from knowledge.services import result_start, shelf_for
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import membership_approve, membership_invite, membership_join
from networks.services import network_found as found
from tests.factories import UserFactory

CANARY = "Kanarienvogelrigole"


@pytest.fixture
def join():
    def add(network, user, actor):
        membership_invite(network=network, user=user, actor=actor)
        membership = membership_join(network=network, user=user)
        if membership.state != "active":
            membership_approve(membership=membership, actor=actor)
        forget_grants(user)

    return add


@pytest.fixture
def two_networks(coordinator, member, outsider, join):
    """A confidential network (coordinator leads, member belongs) and an open one whose
    editor is the outsider: each has a shelf, a collection and editor groups."""
    secret = found(founder=coordinator, name="Verschwiegene Runde", mandate="Intern",
                   visibility=Visibility.CONFIDENTIAL)
    join(secret, member, coordinator)
    other_lead = UserFactory(name="Olga Offen", organisation=outsider.organisation,
                             roles=["coordinator"])
    open_network = found(founder=other_lead, name="Offene Runde", mandate="Für alle",
                         visibility=Visibility.OPEN)
    join(open_network, outsider, other_lead)
    shelf_for(secret), shelf_for(open_network)
    for person in (coordinator, member, outsider, other_lead):
        person.refresh_from_db()
    return secret, open_network


def add_document(page, *, title, lines, user):
    """A PDF in the page's collection, attached to the page (as the editor would)."""
    document = LibraryDocument(title=title, uploaded_by_user=user,
                               collection=page.get_parent().specific.collection)
    document.file.save(f"{title.lower().replace(' ', '-')}.pdf",
                       ContentFile(simple_pdf(lines)), save=False)
    document.save()
    LibraryPageDocument.objects.create(page=page, document=document)
    return document


def publish(page, user=None):
    """Publish the page as it is in memory (a new revision), as "Publish" in the editor."""
    revision = page.specific.save_revision(user=user)
    revision.publish(user=user)
    page.refresh_from_db()
    return page.specific


@pytest.fixture
def draft_factory():
    def make(network, actor, *, title, summary="", kind="guideline", topics=()):
        page = result_start(network=network, actor=actor, title=title, kind=kind).specific
        page.summary = summary or f"Zusammenfassung: {title}"
        page.save()
        page.topics.set(topics)
        page.save()
        page.save_revision(user=actor)
        return page

    return make


@pytest.fixture(autouse=True)
def empty_index(db):
    """Each test starts from an empty index: the Whoosh directory outlives a test's rollback."""
    from django.core.management import call_command

    call_command("rebuild_index", interactive=False, verbosity=0)
