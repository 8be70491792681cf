"""Against real PostgreSQL, Redis and a real Celery worker (``make test-services``).

Deselected by the default ``-m`` of pyproject.toml; ``make test-services`` replaces that
``-m`` with ``"not e2e and not perf"``, which includes these tests.
"""

import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from intranet.accounts.models import Invitation, User

pytestmark = pytest.mark.realservices

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
ON_REDIS = settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
BROKER_IS_REDIS = str(settings.CELERY_BROKER_URL).startswith("redis://")

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL; run `make test-services`")
needs_redis = pytest.mark.skipif(
    not ON_REDIS, reason="REDIS_URL is not set; run `make test-services`")
needs_redis_broker = pytest.mark.skipif(
    not BROKER_IS_REDIS, reason="CELERY_BROKER_URL is not Redis; run `make test-services`")

WORKER_TIMEOUT = 30  # seconds for the worker to start, take the task and finish it


@needs_postgres
@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@needs_postgres
@pytest.mark.django_db
def test_email_addresses_are_unique_regardless_of_case_in_postgresql(city):
    User.objects.create(email="gross@bochum.example", name="Klein", organisation=city)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="GROSS@bochum.example", name="Groß", organisation=city)


@needs_redis
def test_the_cache_is_redis_and_round_trips():
    from django_redis import get_redis_connection

    key, value = f"kw-test-{uuid.uuid4().hex}", {"stadt": "Bochum", "zahl": 16}
    cache.set(key, value, timeout=30)
    try:
        assert cache.get(key) == value
        redis = get_redis_connection("default")
        assert redis.ping()
        assert redis.exists(cache.make_key(key)) == 1  # really in Redis, not in this process
        assert 0 < redis.ttl(cache.make_key(key)) <= 30
    finally:
        cache.delete(key)
    assert cache.get(key) is None


@needs_postgres
@needs_redis_broker
@pytest.mark.django_db
def test_ready_reports_every_service_up(client):
    response = client.get("/-/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "checks": {"database": True, "broker": True, "search": True}}


def _worker_database_url() -> str:
    """DATABASE_URL with the name of the test database that pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _start_worker(log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": _worker_database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "CELERY_BROKER_URL": str(settings.CELERY_BROKER_URL),
    }
    celery = Path(settings.BASE_DIR) / ".venv" / "bin" / "celery"
    with log_path.open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own worker with fixed arguments
            [str(celery), "-A", "intranet", "worker", "-Q", "default,email,search",
             "--concurrency", "1", "--pool", "solo", "-l", "INFO",
             "-n", f"kw-test-{uuid.uuid4().hex[:8]}@%h", "--without-mingle", "--without-gossip"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()  # warm shutdown
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


@needs_postgres
@needs_redis_broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_invitation_from_redis_and_sends_it(coordinator, city, tmp_path):
    from intranet.accounts.services import invitation_create
    from intranet.celery import app

    log_path = tmp_path / "worker.log"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # publish to Redis instead of running in this process
    worker = _start_worker(log_path)
    try:
        invitation = invitation_create(  # commits, then enqueues on Redis (on_commit)
            inviter=coordinator, email="neu@bochum.example", name="Nora Neu",
            organisation=city, roles=["member"])
        assert Invitation.objects.get(pk=invitation.pk).sent_at is None  # not sent here

        deadline = time.monotonic() + WORKER_TIMEOUT
        sent_at = None
        while sent_at is None and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.25)
            sent_at = Invitation.objects.values_list("sent_at", flat=True).get(pk=invitation.pk)
    finally:
        app.conf.task_always_eager = eager
        _stop(worker)

    log = log_path.read_text(errors="replace")
    assert sent_at is not None, f"the worker did not send the invitation; its log:\n{log[-4000:]}"
    assert "intranet.accounts.tasks.send_invitation_email" in log
    assert "succeeded" in log and ": True" in log


@needs_postgres
@needs_redis_broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fans_out_a_post_once_after_the_broker_returns(coordinator, member,
                                                                     outsider, tmp_path):
    """Posting while the broker is away; then Redis and a worker are back, the sweep runs
    (as beat would) and each recipient gets exactly one notification, however often the
    sweep runs."""
    from board.models import PostEvent
    from board.services import post_create
    from board.tasks import fan_out_post_events
    from intranet.celery import app
    from intranet.notifications.models import Notification
    from tests.helpers import celery_broker_unreachable

    with celery_broker_unreachable():
        started = time.monotonic()
        post = post_create(author=coordinator, title="Während der Störung", body="Text",
                           category="announcement")  # commits; queuing fails quietly
        assert time.monotonic() - started < 2
    assert PostEvent.objects.filter(post=post, fanned_out_at__isnull=True).exists()

    log_path = tmp_path / "worker.log"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # publish to Redis instead of running in this process
    worker = _start_worker(log_path)
    try:
        for _ in range(2):  # the beat sweep, twice
            fan_out_post_events.delay()
        deadline = time.monotonic() + WORKER_TIMEOUT
        while (PostEvent.objects.filter(fanned_out_at__isnull=True).exists()
               and time.monotonic() < deadline and worker.poll() is None):
            time.sleep(0.25)
        time.sleep(1)  # let the second sweep finish too
    finally:
        app.conf.task_always_eager = eager
        _stop(worker)
    log = log_path.read_text(errors="replace")
    for person in (member, outsider):
        assert Notification.objects.filter(post=post, recipient=person).count() == 1, log[-4000:]
    assert not Notification.objects.filter(post=post, recipient=coordinator).exists()
