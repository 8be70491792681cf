"""The production settings for ``make load``, with one difference: static files are stored
without the manifest.

``collectstatic`` with production's CompressedManifestStaticFilesStorage stops at the vendored
``vendor/leaflet/leaflet.js``, which names a source map (``leaflet.js.map``) that is not in the
repository. The load test requests no static file, so the storage does not change what it
measures.
"""

from intranet.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
