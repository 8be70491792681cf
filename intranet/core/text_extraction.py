"""The text inside uploaded documents, for the search (DESIGN §4): PDF, DOCX, ODT and
plain text. Bounded everywhere, since the files come from people: at most ``MAX_PAGES``
PDF pages, ``MAX_XML_BYTES`` of a document's XML and ``MAX_CHARS`` of text in the end.
A file that cannot be read yields no text, not an error: it stays downloadable.

Each upload queues the reading of its file after commit, with no outbox: when the broker is
away then, the task is never queued. Each kind of file therefore notes when its text was
read (``text_extracted_at``), and a periodic sweep (``intranet.core.tasks.sweep_file_texts``)
reads those never read (``read_unread``)."""

import logging
import zipfile
from datetime import timedelta

from defusedxml import ElementTree
from pypdf import PdfReader

MAX_CHARS = 200_000
MAX_PAGES = 300
MAX_XML_BYTES = 20 * 1024 * 1024

# A file uploaded this recently is left to the task its upload queued.
SWEEP_GRACE = timedelta(minutes=5)
SWEEP_BATCH = 50  # files of one kind per sweep, oldest first

logger = logging.getLogger(__name__)

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODF_BLOCKS = {f"{ODF_TEXT}p", f"{ODF_TEXT}h"}


def _pdf(handle) -> str:
    reader = PdfReader(handle)
    parts, size = [], 0
    for page in reader.pages[:MAX_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


def _xml_paragraphs(handle, member: str, paragraph_tags: set[str], text_tags: set[str]) -> str:
    with zipfile.ZipFile(handle) as archive:
        if archive.getinfo(member).file_size > MAX_XML_BYTES:
            raise ValueError("document XML too large")
        with archive.open(member) as xml:
            paragraphs, current = [], []
            for _event, element in ElementTree.iterparse(xml, events=("end",)):
                if element.tag in text_tags and element.text:
                    current.append(element.text)
                if element.tag in paragraph_tags:
                    paragraphs.append("".join(current))
                    current = []
                    element.clear()
            return "\n".join(p for p in paragraphs if p.strip())


def _docx(handle) -> str:
    return _xml_paragraphs(handle, "word/document.xml", {f"{WORD}p"}, {f"{WORD}t"})


def _odt(handle) -> str:
    # ODF keeps runs of text in the paragraph's own text and in <text:span>.
    with zipfile.ZipFile(handle) as archive:
        if archive.getinfo("content.xml").file_size > MAX_XML_BYTES:
            raise ValueError("document XML too large")
        root = ElementTree.fromstring(archive.read("content.xml"))
    blocks = (element for element in root.iter() if element.tag in ODF_BLOCKS)
    return "\n".join("".join(block.itertext()) for block in blocks)


def _plain(handle) -> str:
    raw = handle.read(MAX_CHARS * 4)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


READERS = {"pdf": _pdf, "docx": _docx, "odt": _odt, "txt": _plain, "csv": _plain}


def extract_text(field_file, filename: str) -> str:
    """The document's text, or "" for a kind we do not read or a file we cannot."""
    reader = READERS.get(filename.rsplit(".", 1)[-1].lower() if "." in filename else "")
    if reader is None:
        return ""
    try:
        with field_file.open("rb") as handle:
            text = reader(handle)
    except Exception:  # a broken or hostile file: it stays downloadable, just not searched
        logger.warning("No text read from %s", filename, exc_info=True)
        return ""
    return " ".join(text.split())[:MAX_CHARS] if text else ""


def read_unread(queryset, *, uploaded_field: str, read) -> int:
    """Calls ``read(pk)`` for the files of ``queryset`` whose text was never read
    (``text_extracted_at`` empty) and that were uploaded more than ``SWEEP_GRACE`` ago, at
    most ``SWEEP_BATCH``, oldest first. ``read`` reads the text and sets the marker, so a
    second sweep finds nothing to do. A file that fails is logged and tried again next
    time; the others are read. Returns how many were read."""
    from django.utils import timezone

    pks = list(queryset.filter(**{"text_extracted_at__isnull": True,
                                  f"{uploaded_field}__lte": timezone.now() - SWEEP_GRACE})
               .order_by(uploaded_field, "pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    done = 0
    for pk in pks:
        try:
            read(pk)
        except Exception:
            logger.exception("Reading the text of %s %s failed; the next sweep tries again.",
                             queryset.model._meta.label, pk)
        else:
            done += 1
    return done
