"""What the privacy tests share: their own file storage and reading an archive."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage


@pytest.fixture
def own_media(settings, tmp_path):
    """Each test its own storage: archives of an earlier test's person never show up."""
    settings.MEDIA_ROOT = str(tmp_path)


def open_archive(path) -> zipfile.ZipFile:
    with default_storage.open(path, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def archive_json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name).decode("utf-8"))


def archive_text(archive: zipfile.ZipFile) -> str:
    return b"".join(archive.read(name) for name in archive.namelist()).decode(
        "utf-8", "replace")
