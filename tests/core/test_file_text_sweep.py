"""Files uploaded while the broker was away: the task reading their text was never queued
(no outbox), so a periodic sweep reads every file whose text was never read, once, and the
search then finds its post or document by it (issue 5, DESIGN §4)."""

import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from board.models import Attachment
from board.services import attachment_add, post_create
from intranet.core.pdf import simple_pdf
from intranet.core.search import search_visible_to
from intranet.core.tasks import sweep_file_texts
from intranet.core.text_extraction import SWEEP_GRACE
from networks.models import DocumentVersion
from networks.services import document_upload, network_found
from tests.helpers import celery_broker_unreachable

pytestmark = pytest.mark.django_db


def _pdf(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(list(lines)), "application/pdf")


def _titles(user, q, **filters):
    return [hit.title for hit in search_visible_to(user=user, q=q, **filters)]


def _uploaded_before_the_grace(model):
    model.objects.update(uploaded_at=timezone.now() - SWEEP_GRACE - timedelta(minutes=1))


def _sweep(capture) -> int:
    """One run of the beat task; what it queues after commit (the index's drain) runs."""
    with capture(execute=True):
        return sweep_file_texts.delay().get()


@pytest.fixture
def post_with_unread_file(coordinator, django_capture_on_commit_callbacks):
    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=coordinator, title="Pflanzliste fürs Quartier",
                           body="Siehe Anhang.", category="offer")
        attachment_add(post=post, actor=coordinator,
                       upload=_pdf("liste.pdf", "Zwölf Säulenhainbuchen am Markt"))
    call_command("rebuild_index", interactive=False, verbosity=0)  # the post, not its file
    return post


def test_a_board_file_uploaded_with_the_broker_away_is_read_by_the_sweep_and_found(
        member, post_with_unread_file, django_capture_on_commit_callbacks):
    attachment = Attachment.objects.get(post=post_with_unread_file)
    assert (attachment.text, attachment.text_extracted_at) == ("", None)
    assert _titles(member, "Säulenhainbuche") == []
    _uploaded_before_the_grace(Attachment)

    assert _sweep(django_capture_on_commit_callbacks) == 1

    attachment.refresh_from_db()
    assert "Säulenhainbuchen" in attachment.text and attachment.text_extracted_at
    assert _titles(member, "Saeulenhainbuche") == ["Pflanzliste fürs Quartier"]


def test_a_second_sweep_reads_nothing_again(member, post_with_unread_file,
                                            django_capture_on_commit_callbacks, monkeypatch):
    _uploaded_before_the_grace(Attachment)
    assert _sweep(django_capture_on_commit_callbacks) == 1
    read_at = Attachment.objects.get().text_extracted_at
    monkeypatch.setattr("board.services.extract_text", pytest.fail)  # must not be called

    assert _sweep(django_capture_on_commit_callbacks) == 0

    assert Attachment.objects.get().text_extracted_at == read_at
    assert _titles(member, "Säulenhainbuche") == ["Pflanzliste fürs Quartier"]


def test_a_file_read_by_its_own_task_is_not_read_again(coordinator, member,
                                                      django_capture_on_commit_callbacks,
                                                      monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):  # the broker is there
        post = post_create(author=coordinator, title="Mit Anhang", body="Text",
                           category="offer")
        attachment_add(post=post, actor=coordinator, upload=_pdf("a.pdf", "Kopfweiden"))
    assert Attachment.objects.get().text_extracted_at is not None
    _uploaded_before_the_grace(Attachment)
    monkeypatch.setattr("board.services.extract_text", pytest.fail)

    assert _sweep(django_capture_on_commit_callbacks) == 0


def test_a_file_just_uploaded_is_left_to_its_own_task(post_with_unread_file,
                                                     django_capture_on_commit_callbacks):
    assert _sweep(django_capture_on_commit_callbacks) == 0
    assert Attachment.objects.get().text_extracted_at is None


def test_a_file_that_fails_is_tried_again_next_time_and_the_others_are_read(
        coordinator, member, post_with_unread_file, django_capture_on_commit_callbacks,
        monkeypatch, caplog):
    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        attachment_add(post=post_with_unread_file, actor=coordinator,
                       upload=_pdf("kaputt.pdf", "Kopfweiden"))
    _uploaded_before_the_grace(Attachment)
    import board.services

    real = board.services.extract_text

    def failing(field_file, filename):
        if filename == "kaputt.pdf":
            raise RuntimeError("database away")
        return real(field_file, filename)

    monkeypatch.setattr("board.services.extract_text", failing)
    with caplog.at_level(logging.ERROR, logger="intranet.core.text_extraction"):
        assert _sweep(django_capture_on_commit_callbacks) == 1
    assert "the next sweep tries again" in caplog.text
    unread = Attachment.objects.filter(text_extracted_at__isnull=True)
    assert [a.original_name for a in unread] == ["kaputt.pdf"]
    assert _titles(member, "Säulenhainbuche") == ["Pflanzliste fürs Quartier"]

    monkeypatch.setattr("board.services.extract_text", real)
    assert _sweep(django_capture_on_commit_callbacks) == 1
    assert _titles(member, "Kopfweiden") == ["Pflanzliste fürs Quartier"]


def test_a_workspace_file_uploaded_with_the_broker_away_is_read_by_the_sweep_and_found(
        coordinator, django_capture_on_commit_callbacks):
    network = network_found(founder=coordinator, name="Stadtbäume", mandate="Bäume")
    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        version = document_upload(network=network, actor=coordinator, title="Pflanzplan",
                                  upload=_pdf("plan.pdf", "Zwölf Säulenhainbuchen"))
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert _titles(coordinator, "Säulenhainbuche") == []
    _uploaded_before_the_grace(DocumentVersion)

    assert _sweep(django_capture_on_commit_callbacks) == 1

    version.refresh_from_db()
    assert "Säulenhainbuchen" in version.text and version.text_extracted_at
    assert _titles(coordinator, "Säulenhainbuche", type="document") == ["Pflanzplan"]
    assert _sweep(django_capture_on_commit_callbacks) == 0


def test_the_sweep_runs_every_few_minutes_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-file-texts"]
    assert entry["task"] == sweep_file_texts.name
    assert entry["schedule"] <= SWEEP_GRACE.total_seconds()
