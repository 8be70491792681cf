"""Private files go out only through checked views, all in the same careful way."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def private_file_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """The stored file as a download: never shown inline, never sniffed, never cached.
    A file missing on disk is a 404 like a hidden one."""
    return _download(lambda: field_file.open("rb"), filename=filename,
                     content_type=content_type)


def private_storage_response(path: str, *, filename: str, content_type: str) -> FileResponse:
    """The same for a file kept in storage without a model field (data exports)."""
    return _download(lambda: default_storage.open(path, "rb"), filename=filename,
                     content_type=content_type)


def _download(open_file, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = open_file()
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
