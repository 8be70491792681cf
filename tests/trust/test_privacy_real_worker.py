"""The data export and the retention job on a real Celery worker over Redis and
PostgreSQL (``make test-services``)."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from intranet.core.models import AuditEntry
from intranet.core.services import audit_record
from intranet.notifications.models import Notification
from tests.core.test_real_services import (
    WORKER_TIMEOUT,
    _start_worker,
    _stop,
    needs_postgres,
    needs_redis_broker,
)

pytestmark = [pytest.mark.realservices, needs_postgres, needs_redis_broker,
              pytest.mark.django_db(transaction=True)]


def _wait_for(condition, worker) -> bool:
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline and worker.poll() is None:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


@pytest.fixture
def real_worker(tmp_path):
    from intranet.celery import app

    log_path = tmp_path / "worker.log"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # publish to Redis instead of running here
    worker = _start_worker(log_path)
    yield worker, log_path
    app.conf.task_always_eager = eager
    _stop(worker)


def test_the_worker_builds_the_export_and_tells_the_person(client_for, member, real_worker):
    from django.urls import reverse

    worker, log_path = real_worker
    response = client_for(member).post(reverse("data_export_request"))
    assert response.status_code == 302
    told = _wait_for(lambda: Notification.objects.filter(
        recipient=member, event_key__startswith="data-export:").exists(), worker)
    # The task tells the person before it returns; the worker logs its result after.
    returned = _wait_for(lambda: _export_result_logged(log_path), worker)
    log = log_path.read_text(errors="replace")
    assert told, f"no notification; the worker's log:\n{log[-4000:]}"
    assert returned, f"the task's result is not in the worker's log:\n{log[-4000:]}"
    # The task returned the archive's storage path.
    returned_path = r"build_data_export\[[^]]+\] succeeded in [\d.]+s: '[^']*private/data-exports/"
    assert re.search(returned_path, log), log[-4000:]


def _export_result_logged(log_path) -> bool:
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    return re.search(r"build_data_export\[[^]]+\] succeeded", log) is not None


def test_the_worker_applies_the_retention_periods(member, real_worker):
    from intranet.accounts.tasks import apply_retention_periods

    worker, log_path = real_worker
    old = audit_record(actor=member, action="test.old")
    young = audit_record(actor=member, action="test.young")
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=5000))
    apply_retention_periods.delay()
    gone = _wait_for(lambda: not AuditEntry.objects.filter(pk=old.pk).exists(), worker)
    assert gone, log_path.read_text(errors="replace")[-4000:]
    assert AuditEntry.objects.filter(pk=young.pk).exists()
