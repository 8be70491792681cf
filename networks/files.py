"""Uploads are checked by their content, not their name: an allow-list of document types."""

import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from intranet.core.errors import FileTooLarge

OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body",
                 b"<iframe", b"<object", b"<embed", b"<meta")
UTF_BOM = b"\xef\xbb\xbf"

# The name a file keeps must fit what it is: a name whose ending does not, gets the
# ending of what the content turned out to be ("seite.html" of plain text: "seite.html.txt").
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "text/plain": ("txt", "csv", "tsv", "md"),
    OOXML["word/"]: ("docx",),
    OOXML["xl/"]: ("xlsx",),
    OOXML["ppt/"]: ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
}
MAX_NAME_CHARACTERS = 120
UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f-\x9f"<>:|?*\\/]')


def _zip_type(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in ODF_TYPES else None
            for prefix, content_type in OOXML.items():
                if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
                    return content_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _text_type(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return None
    return "text/plain"


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    if head.removeprefix(UTF_BOM).lstrip().lower().startswith(MARKUP_STARTS):
        return None  # markup could run in a browser: never accepted
    return _text_type(head)


def validate_upload(upload) -> str:
    """The content type of an acceptable upload, or a ValidationError saying why not."""
    limit = settings.NETWORK_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise FileTooLarge({"file": _("The file is larger than %(limit)s.") % {
            "limit": filesizeformat(limit)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError({"file": _(
            "This kind of file is not accepted. Allowed are PDF, Word, Excel, PowerPoint, "
            "OpenDocument, plain text, CSV and images (PNG, JPEG, GIF).")})
    upload.seek(0)
    return content_type


def safe_file_name(name: str, *, content_type: str) -> str:
    """The uploader's file name as it may be kept and offered for download: no folders,
    no control characters or newlines, not longer than a file system allows, and ending
    as what the content is."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = UNSAFE_CHARACTERS.sub("", name).strip(" .")
    stem, dot, ending = name.rpartition(".")
    allowed = EXTENSIONS.get(content_type, ("bin",))
    if not dot or ending.lower() not in allowed:
        stem, ending = name, allowed[0]
    stem = stem[:MAX_NAME_CHARACTERS].strip(" .") or _("file")
    return f"{stem}.{ending.lower()}"
