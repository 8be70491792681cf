"""Uploads in a private S3-compatible bucket (``S3_BUCKET``, see deploy/env.example)."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """django-storages' S3, but a file's URL is our own checked address below MEDIA_URL
    (``library_media`` for Wagtail's images), never a signed bucket URL: whoever holds a
    signed URL gets the file, whether or not they may see it (DESIGN §3)."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
