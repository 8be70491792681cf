import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.files import validate_upload


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("bericht.pdf", b"%PDF-1.7\n...", "application/pdf"),
    ("karte.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
    ("foto.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
    ("leitfaden.docx", DOCX,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("protokoll.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("liste.csv", "Stadt;Maßnahme\nBochum;Rigole\n".encode(), "text/plain"),
])
def test_accepted_types_are_recognised_by_content(name, content, expected):
    assert validate_upload(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(("name", "content"), [
    ("harmlos.pdf", b"<html><script>alert(1)</script></html>"),
    ("bild.png", b"<svg onload=alert(1)></svg>"),
    ("programm.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50),
    ("archiv.docx", _zip({"evil.exe": b"MZ"})),
    ("leer.txt", b""),
])
def test_other_content_is_refused_whatever_the_name(name, content):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content))
    assert "file" in error.value.message_dict


def test_files_over_the_limit_are_refused(settings):
    settings.NETWORK_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("gross.pdf", b"%PDF-1.7" + b"0" * 20))
