"""Tests: the embedded default unless DATABASE_URL / REDIS_URL point at real services."""

import os
import re
import tempfile


def _own_redis_database(url: str, worker: str) -> str:
    """The same Redis server, another database: with pytest-xdist every worker process
    gets its own cache and broker (a cache.clear() in one would empty the others')."""
    number = 2 + int(re.sub(r"\D", "", worker) or 0)  # gw0 → 2; make caps the workers at 6
    return re.sub(r"(/\d+)?$", f"/{number}", url.rstrip("/"), count=1)


if os.environ.get("PYTEST_XDIST_WORKER"):
    for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(_name, "").startswith("redis://"):
            # In the environment, so that the workers and servers the tests start share it.
            os.environ[_name] = _own_redis_database(os.environ[_name],
                                                    os.environ["PYTEST_XDIST_WORKER"])

from .base import *  # noqa: E402, F403
from .base import DATABASES, haystack_connections  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {}
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
CELERY_TASK_EAGER_PROPAGATES = True
HAYSTACK_CONNECTIONS = haystack_connections(os.environ.get("SEARCH_URL"))
if "PATH" in HAYSTACK_CONNECTIONS["default"]:
    HAYSTACK_CONNECTIONS["default"]["PATH"] = tempfile.mkdtemp(prefix="kw-whoosh-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="kw-media-")
AXES_ENABLED = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
ACCOUNT_RATE_LIMITS = False
