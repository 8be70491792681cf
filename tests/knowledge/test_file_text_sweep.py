"""A library document uploaded or replaced while the broker was away is read by the periodic
sweep (intranet.core.tasks.sweep_file_texts) and then found by its text."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from intranet.core.pdf import simple_pdf
from intranet.core.search import drain_updates, search_visible_to
from intranet.core.tasks import sweep_file_texts
from intranet.core.text_extraction import SWEEP_GRACE
from knowledge.models import LibraryDocument
from tests.helpers import celery_broker_unreachable

from .conftest import add_document, publish

pytestmark = pytest.mark.django_db


def _titles(user, q, **filters):
    drain_updates()
    return [hit.title for hit in search_visible_to(user=user, q=q, **filters)]


def _sweep(capture) -> int:
    """One run of the beat task, the documents uploaded before its grace period."""
    LibraryDocument.objects.update(
        created_at=timezone.now() - SWEEP_GRACE - timedelta(minutes=1))
    with capture(execute=True):
        return sweep_file_texts.delay().get()


def test_a_library_document_uploaded_with_the_broker_away_is_read_by_the_sweep(
        two_networks, member, outsider, draft_factory, django_capture_on_commit_callbacks):
    secret, _ = two_networks
    page = draft_factory(secret, member, title="Pflanzlisten")
    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        document = add_document(page, title="Liste", user=member,
                                lines=["Zwölf Säulenhainbuchen am Markt"])
    publish(page)
    document.refresh_from_db()
    assert (document.text, document.text_extracted_at) == ("", None)
    assert _titles(outsider, "Säulenhainbuche") == []

    assert _sweep(django_capture_on_commit_callbacks) == 1

    document.refresh_from_db()
    assert "Säulenhainbuchen" in document.text and document.text_extracted_at
    assert _titles(outsider, "Säulenhainbuche", type="document") == ["Liste"]
    assert _sweep(django_capture_on_commit_callbacks) == 0


def test_a_replaced_file_counts_as_unread_until_its_text_is_read(
        two_networks, member, outsider, draft_factory, django_capture_on_commit_callbacks):
    secret, _ = two_networks
    page = draft_factory(secret, member, title="Pflanzlisten")
    with django_capture_on_commit_callbacks(execute=True):
        document = add_document(page, title="Liste", user=member, lines=["Kopfweiden"])
    publish(page)
    assert LibraryDocument.objects.get().text_extracted_at is not None

    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        document.file.save("liste-2.pdf", ContentFile(simple_pdf(["Flatterulmen"])))
    assert LibraryDocument.objects.get().text_extracted_at is None

    assert _sweep(django_capture_on_commit_callbacks) == 1
    assert _titles(outsider, "Flatterulme", type="document") == ["Liste"]
    assert _titles(outsider, "Kopfweide", type="document") == []
