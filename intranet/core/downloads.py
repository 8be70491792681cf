"""Private files go out only through checked views, all in the same careful way.

Django decides who may have a file. Who carries the bytes depends on the installation: with
``DOWNLOADS_ACCEL_PREFIX`` set and media on the file system, the answer is an empty body with
``X-Accel-Redirect`` and nginx sends the file from an ``internal`` location, so no web worker
is tied up by a slow download. Otherwise (no nginx in front, or media in S3) Django streams it.
"""

import os
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from intranet.core.access import not_found

NEVER_CACHED = "private, no-store"
IMAGE_CACHE = "private, max-age=3600"


def private_file_response(field_file, *, filename: str, content_type: str) -> HttpResponse:
    """The stored file as a download: never shown inline, never sniffed, never cached.
    A file missing on disk is a 404 like a hidden one."""
    return _answer(field_file.storage, field_file.name, content_type=content_type,
                   disposition=content_disposition_header(True, filename), cache=NEVER_CACHED)


def private_storage_response(path: str, *, filename: str, content_type: str) -> HttpResponse:
    """The same for a file kept in storage without a model field (data exports)."""
    return _answer(default_storage, path, content_type=content_type,
                   disposition=content_disposition_header(True, filename), cache=NEVER_CACHED)


def private_image_response(storage, name: str, *, content_type: str) -> HttpResponse:
    """An image shown in our own pages (photos, logos, the library's images): inline, so an
    ``<img>`` can show it, and kept an hour by the browser of the person allowed to see it."""
    return _answer(storage, name, content_type=content_type, disposition=None,
                   cache=IMAGE_CACHE)


def is_handed_to_nginx(response) -> bool:
    """Whether nginx sends the file after this answer (its body is empty)."""
    return response.has_header("X-Accel-Redirect")


def sendfile(request, filename: str, mimetype: str = "application/octet-stream", **_options):
    """Wagtail's documents (``SENDFILE_BACKEND``): Wagtail has already checked access and
    hands over an absolute path below MEDIA_ROOT; the same choice as for our own files."""
    from wagtail.utils.sendfile_streaming_backend import sendfile as stream

    prefix = settings.DOWNLOADS_ACCEL_PREFIX
    relative = os.path.relpath(filename, settings.MEDIA_ROOT)
    if not prefix or relative.startswith(os.pardir):
        return stream(request, filename, mimetype=mimetype)
    response = HttpResponse(b"", content_type=mimetype)
    response["X-Accel-Redirect"] = _accel_location(prefix, relative)
    return response


def _answer(storage, name: str, *, content_type: str, disposition: str | None,
            cache: str) -> HttpResponse:
    if _nginx_sends(storage):
        response = _accel_response(storage, name, content_type=content_type)
    else:
        response = _streamed_response(storage, name, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response


def _nginx_sends(storage) -> bool:
    return bool(settings.DOWNLOADS_ACCEL_PREFIX) and isinstance(storage, FileSystemStorage)


def _streamed_response(storage, name: str, *, content_type: str) -> FileResponse:
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise not_found() from None
    return FileResponse(handle, content_type=content_type)


def _accel_response(storage, name: str, *, content_type: str) -> HttpResponse:
    if not name or not storage.exists(name):
        raise not_found()
    response = HttpResponse(b"", content_type=content_type)
    response["X-Accel-Redirect"] = _accel_location(settings.DOWNLOADS_ACCEL_PREFIX, name)
    return response


def _accel_location(prefix: str, name: str) -> str:
    """nginx decodes the header's path once, so every unusual character is quoted."""
    return prefix.rstrip("/") + "/" + quote(name.replace(os.sep, "/").lstrip("/"))
