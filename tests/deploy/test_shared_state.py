"""Production settings keep nothing in one process or on one machine's disk that another
instance needs (issue 9, item 4), once ``REDIS_URL`` and a shared ``VAR_DIR`` (or
``SEARCH_URL``) are given. Read from the production settings module in a process of its
own, as an instance would; tests/deploy/test_two_instances.py shows it working."""

import json
import os
import subprocess
import sys

from django.conf import settings

REPORT = """
import json
import django
from django.conf import settings
django.setup()
from axes.conf import settings as axes_settings
print(json.dumps({
    "cache": settings.CACHES["default"],
    "session_engine": settings.SESSION_ENGINE,
    "axes_handler": axes_settings.AXES_HANDLER,
    "rate_limits": bool(settings.ACCOUNT_RATE_LIMITS),
    "media_root": str(settings.MEDIA_ROOT),
    "search": settings.HAYSTACK_CONNECTIONS["default"],
    "broker": settings.CELERY_BROKER_URL,
}))
"""


def _production_settings(tmp_path, **environment) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SEARCH_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "intranet.settings.production",
                "SECRET_KEY": "x" * 60, "VAR_DIR": str(tmp_path), **environment})
    finished = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", REPORT], cwd=settings.BASE_DIR, env=env, capture_output=True,
        text=True, timeout=60, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_with_redis_every_instance_shares_sessions_cache_limits_and_lockouts(tmp_path):
    redis_url = "redis://redis.intern:6379/3"
    found = _production_settings(
        tmp_path, REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url,
        DATABASE_URL="postgres://klimawerk@db.intern:5432/klimawerk",
        SEARCH_URL="whoosh:///srv/klimawerk-geteilt/whoosh")
    # The cache, and so allauth's sign-in limits, DRF's throttles and Wagtail's site
    # cache, lives in Redis, not in each process.
    assert found["cache"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert found["cache"]["LOCATION"] == redis_url
    assert found["rate_limits"]
    assert found["session_engine"] in {"django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"}
    assert found["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert found["broker"] == redis_url
    # Files on the shared volume; the index where SEARCH_URL says, written by one worker.
    assert found["media_root"] == str(tmp_path / "media")
    assert found["search"] == {"ENGINE": "intranet.core.search_backend.WhooshEngine",
                               "PATH": "/srv/klimawerk-geteilt/whoosh"}


def test_without_redis_the_cache_is_per_process_which_suits_one_machine_only(tmp_path):
    found = _production_settings(tmp_path)
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # Sessions and lockouts are in the database even then.
    assert found["session_engine"] == "django.contrib.sessions.backends.db"
    assert found["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert found["search"]["PATH"] == str(tmp_path / "whoosh")
