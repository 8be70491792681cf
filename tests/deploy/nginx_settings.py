"""The production settings as the nginx test's gunicorn runs them: every production switch,
but plain static-file storage (the test collects no static files) and no TLS redirect (the
test's nginx listens on plain loopback HTTP)."""

from intranet.settings.production import *  # noqa: F403
from intranet.settings.production import STORAGES

STORAGES = {**STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
