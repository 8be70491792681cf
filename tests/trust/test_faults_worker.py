"""A worker killed in the middle of a task (issue 8, item 4): the task runs again and has
no duplicate effect. A real worker on Redis and PostgreSQL (``make test-services``).

The task is held in its middle without changing any code: this test writes, in a
transaction it keeps open, one of the notifications the fan-out is about to write; the
worker's insert waits for that row's lock inside its own transaction. Then the worker's
pool process is killed with SIGKILL, the test's transaction is rolled back, and the
message, acknowledged only after a task ends (``CELERY_TASK_ACKS_LATE``) and handed back
when its process is lost (``CELERY_TASK_REJECT_ON_WORKER_LOST``), runs again in the new
pool process. No beat runs here: the rerun can only come from the redelivered message.
"""

import os
import re
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from tests.core.test_real_services import (
    _stop,
    _worker_database_url,
    needs_postgres,
    needs_redis_broker,
)

pytestmark = [pytest.mark.realservices, needs_postgres, needs_redis_broker]

# Seconds for each step (the worker starting, the task reaching its writes, the rerun):
# a prefork pool starts slower than the solo pool, more so on a busy machine.
WORKER_TIMEOUT = 90


def _start_prefork_worker(log_path: Path) -> subprocess.Popen:
    """One pool process under a parent that survives its death (the solo pool of the
    other real-worker tests would die with it)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": _worker_database_url(),
        "CELERY_BROKER_URL": str(settings.CELERY_BROKER_URL),
    }
    celery = Path(settings.BASE_DIR) / ".venv" / "bin" / "celery"
    with log_path.open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own worker with fixed arguments
            [str(celery), "-A", "intranet", "worker", "-Q", "default,email,search",
             "--concurrency", "1", "--pool", "prefork", "-l", "INFO",
             "-n", f"kw-kill-{uuid.uuid4().hex[:8]}@%h", "--without-mingle",
             "--without-gossip"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def _pool_processes(worker: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _wait_until(condition, worker, what: str, log_path: Path):
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline and worker.poll() is None:
        if result := condition():
            return result
        time.sleep(0.2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, wait_event_type, wait_event, left(query, 120) FROM "
                       "pg_stat_activity WHERE datname = current_database()")
        sessions = cursor.fetchall()
    pool = [(pid, Path(f"/proc/{pid}/wchan").read_text(),
             Path(f"/proc/{pid}/stat").read_text().split()[2]) for pid in
            _pool_processes(worker)]
    raise AssertionError(f"{what} within {WORKER_TIMEOUT} s; sessions: {sessions}; "
                         f"pool: {pool}; "
                         "the worker's log:\n" + log_path.read_text(errors="replace")[-4000:])


def _purge_queues(app) -> None:
    """Messages earlier tests of the same run left on the broker (their rows are gone)
    would be taken by this worker too and blur which message ran twice."""
    with app.connection_for_write() as connection:
        for queue in ("default", "email", "search"):
            connection.default_channel.queue_purge(queue)


@pytest.mark.django_db(transaction=True)
def test_a_fan_out_killed_in_its_middle_runs_again_and_notifies_each_person_once(
        coordinator, member, outsider, steering, tmp_path):
    from board.models import PostEvent
    from board.services import post_create
    from intranet.celery import app
    from intranet.notifications.models import Frequency, Kind, Notification
    from intranet.notifications.services import preferences_update

    recipients = [member, outsider, steering]
    for person in recipients:  # e-mailed at once, not in a digest
        preferences_update(user=person, frequencies={Kind.ANNOUNCEMENT: Frequency.IMMEDIATELY})
    log_path = tmp_path / "worker.log"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = None
    try:
        _purge_queues(app)
        # Committed; its fan-out is queued on Redis, where it waits for the worker.
        post = post_create(author=coordinator, title="Hitzeschutz im Rathaus", body="Text",
                           category="announcement")
        with transaction.atomic():
            # One of the rows the fan-out writes, held by this open transaction: any
            # fan-out of the post waits for it.
            Notification.objects.create(recipient=outsider, kind=Kind.ANNOUNCEMENT,
                                        text="Platzhalter", event_key=f"post:{post.pk}",
                                        post=post)
            worker = _start_prefork_worker(log_path)
            _wait_until(lambda: " ready." in log_path.read_text(errors="replace"), worker,
                        "the worker did not start", log_path)
            _wait_until(_backends_waiting_for_a_lock, worker,
                        "the fan-out did not reach its writes", log_path)
            os.kill(_pool_processes(worker)[0], signal.SIGKILL)  # dies mid-task
            transaction.set_rollback(True)
        _wait_until(lambda: not PostEvent.objects.filter(
            post=post, fanned_out_at__isnull=True).exists(), worker,
            "the killed task did not run again", log_path)
        # The fan-out queues the e-mails: one per person, however often it ran.
        _wait_until(lambda: not Notification.objects.filter(
            post=post, emailed_at__isnull=True).exists(), worker,
            "the notifications were not e-mailed", log_path)
        time.sleep(1)  # anything still running would write now
    finally:
        app.conf.task_always_eager = eager
        if worker is not None:
            _stop(worker)

    log = log_path.read_text(errors="replace")
    assert "WorkerLostError" in log or "SIGKILL" in log, log[-4000:]
    # One message, taken twice: the rerun is the killed task's own, handed back.
    fan_outs = re.findall(r"fan_out_post_events\[([^]]+)\] received", log)
    assert len(fan_outs) == 2 and len(set(fan_outs)) == 1, log[-4000:]
    assert _pool_processes(worker) == []
    for person in recipients:
        notifications = Notification.objects.filter(post=post, recipient=person)
        assert notifications.count() == 1, log[-4000:]
        assert notifications.get().text != "Platzhalter"
    assert not Notification.objects.filter(post=post, recipient=coordinator).exists()
    assert PostEvent.objects.filter(post=post).count() == 1
    sent = re.findall(r"dispatch_notifications\[[^]]+\] succeeded in [\d.]+s: (\d+)", log)
    assert sum(map(int, sent)) == len(recipients), log[-4000:]
