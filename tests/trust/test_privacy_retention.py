"""Retention periods: the nightly job deletes old login-log rows, audit entries, delivered
notifications and data-export archives; young rows stay; a second run deletes nothing."""

import datetime
import os

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from board.models import PostEvent
from board.services import post_create
from intranet.accounts import privacy
from intranet.accounts.data_export import data_export_build, data_exports_of
from intranet.accounts.tasks import apply_retention_periods
from intranet.core.models import AuditEntry
from intranet.core.services import audit_record
from intranet.notifications.models import Notification
from tests.trust.privacy_helpers import own_media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _login_rows(age_days: float, username: str) -> None:
    for log in (AccessAttempt, AccessLog, AccessFailureLog):
        row = log.objects.create(username=username, ip_address="10.0.0.1",
                                 user_agent="Firefox", **({"failures_since_start": 1}
                                                          if log is AccessAttempt else {}))
        # ``attempt_time`` is set on creation; age the row afterwards.
        log.objects.filter(pk=row.pk).update(attempt_time=days_ago(age_days))


@pytest.mark.parametrize("log", [AccessAttempt, AccessLog, AccessFailureLog])
def test_old_login_log_rows_go_and_young_ones_stay(log, settings):
    settings.LOGIN_LOG_RETENTION_DAYS = 90
    _login_rows(91, "alt@bochum.example")
    _login_rows(89, "jung@bochum.example")
    privacy.login_log_purge()
    assert list(log.objects.values_list("username", flat=True)) == ["jung@bochum.example"]


def test_old_audit_entries_go_and_young_ones_stay(member, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 730
    old = audit_record(actor=member, action="test.old")
    young = audit_record(actor=member, action="test.young")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=days_ago(731))
    AuditEntry.objects.filter(pk=young.pk).update(created_at=days_ago(729))
    privacy.audit_log_purge()
    assert set(AuditEntry.objects.filter(action__startswith="test.")
               .values_list("action", flat=True)) == {"test.young"}


def test_delivered_notifications_go_pending_and_young_ones_stay(member, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    rows = {label: Notification.objects.create(recipient=member, text=label)
            for label in ("old emailed", "old read", "old pending", "young emailed")}
    Notification.objects.filter(text__startswith="old").update(created_at=days_ago(181))
    Notification.objects.filter(pk=rows["old emailed"].pk).update(emailed_at=days_ago(181))
    Notification.objects.filter(pk=rows["old read"].pk).update(read_at=days_ago(180))
    Notification.objects.filter(pk=rows["young emailed"].pk).update(emailed_at=timezone.now())
    privacy.notifications_purge()
    assert set(Notification.objects.values_list("text", flat=True)) == {
        "old pending", "young emailed"}


def test_fanned_out_board_events_go_when_old(member, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    post_create(author=member, title="Alt", body="…", category="offer")
    post_create(author=member, title="Neu", body="…", category="offer")
    old, young = PostEvent.objects.order_by("pk")
    PostEvent.objects.filter(pk=old.pk).update(fanned_out_at=days_ago(200))
    PostEvent.objects.filter(pk=young.pk).update(fanned_out_at=timezone.now())
    privacy.notifications_purge()
    assert list(PostEvent.objects.values_list("pk", flat=True)) == [young.pk]


def test_old_data_exports_go_and_young_ones_stay(member, coordinator, settings):
    settings.DATA_EXPORT_RETENTION_DAYS = 7
    old_path = data_export_build(user_id=member.pk)
    young_path = data_export_build(user_id=coordinator.pk)
    stamp = days_ago(8).timestamp()
    os.utime(default_storage.path(old_path), (stamp, stamp))
    assert privacy.data_exports_purge() == 1
    assert not default_storage.exists(old_path)
    assert default_storage.exists(young_path)
    assert data_exports_of(user=member) == []
    assert len(data_exports_of(user=coordinator)) == 1


def test_the_job_is_idempotent_and_deletes_in_batches(member, settings, monkeypatch):
    settings.AUDIT_LOG_RETENTION_DAYS = 730
    monkeypatch.setattr(privacy, "DELETE_BATCH", 3)  # small batches to see them work
    entries = [audit_record(actor=member, action="test.old") for _ in range(8)]
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        created_at=days_ago(800))
    _login_rows(400, "alt@bochum.example")
    first = apply_retention_periods.apply().get()
    assert first["audit_log"] == 8
    assert first["login_log"] == 3
    second = apply_retention_periods.apply().get()
    assert second == {"login_log": 0, "audit_log": 0, "notifications": 0, "data_exports": 0}


def test_beat_runs_the_job_every_night():
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "intranet.accounts.tasks.apply_retention_periods"]
    assert len(entries) == 1
    assert apply_retention_periods.name == entries[0]["task"]


def test_the_periods_in_the_record_of_processing_match_the_settings():
    """docs/verarbeitungsverzeichnis.md names the same numbers as the settings."""
    text = (settings.BASE_DIR / "docs" / "verarbeitungsverzeichnis.md").read_text("utf-8")
    for name in ("LOGIN_LOG_RETENTION_DAYS", "AUDIT_LOG_RETENTION_DAYS",
                 "NOTIFICATION_RETENTION_DAYS", "DATA_EXPORT_RETENTION_DAYS"):
        assert f"`{name}`" in text, name
        assert f"{getattr(settings, name)} Tage" in text, name
