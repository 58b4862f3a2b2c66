"""Electronic documents: files whose text is known without OCR, read by the same page route as scans.

Each format registers here (:data:`FORMATS`) with the ``PageJob.kind`` it gives and a reader that turns
the file into parts of rows (:mod:`capture.formats._layout`); a part starts a new page. The pages carry
every word with a box and confidence 1.0, so classify's extractors read them as they read a scan, and each
page is drawn as the image the viewer shows and written as a one-page PDF with real text.

| kind       | files                                                      | reader                          |
| ---------- | ---------------------------------------------------------- | ------------------------------- |
| `edo_xml`  | УПД / счёт-фактура XML from ЭДО (ФНС 5.01–5.03, КНД 1115131) | :mod:`capture.formats.edo`      |
| `xlsx`     | Excel 2007+ (1C print forms)                               | :func:`office.read_xlsx`        |
| `xls`      | Excel 97–2003                                              | :func:`office.read_xls`         |
| `docx`     | Word 2007+                                                 | :func:`office.read_docx`        |
| `odt`      | OpenDocument text                                          | :func:`office.read_odt`         |
| `message`  | e-mail files (.eml, Outlook .msg): the message itself      | :mod:`capture.formats.message`  |

An ЭДО XML's fields are exact: :func:`edo_reading` gives them with the boxes of the rendered page, and
archive/reading.py uses them instead of classify's extractors. HEIC/HEIF and WebP photos are images
(``capture._files``), not formats of this package.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from time import perf_counter
from types import MappingProxyType

from capture.exceptions import CorruptFileError
from capture.formats import edo, message, office
from capture.formats._layout import LaidOut, Row, draw_page, lay_out, page_pdf, write_thumbnail
from capture.formats.edo import EdoDocument, InvalidXmlError, UnknownXmlError, edo_fields, read_edo
from capture.formats.message import Attachment, Message
from capture.types import Box, PageJob, PageResult, PageText

PNG_COMPRESSION = 1


@dataclass(frozen=True)
class Format:
    kind: str
    media_type: str
    what: str  # for messages: «a УПД XML», «an XLSX workbook»
    parts: Callable[[str], list[list[Row]]]


def _edo_parts(path: str) -> list[list[Row]]:
    return [edo.edo_rows(read_edo(path))]


def _message_parts(path: str) -> list[list[Row]]:
    return [message.message_rows(read_message(path))]


FORMATS: Mapping[str, Format] = MappingProxyType({f.kind: f for f in (
    Format("edo_xml", "application/xml", "ЭДО XML", _edo_parts),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", office.read_xlsx),
    Format("xls", "application/vnd.ms-excel", "XLS", office.read_xls),
    Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX",
           office.read_docx),
    Format("odt", "", "ODT", office.read_odt),  # its media type is the file's own `mimetype` member
    Format("message", "message/rfc822", "e-mail", _message_parts),
)})
MSG_MEDIA_TYPE = "application/vnd.ms-outlook"
KINDS: frozenset[str] = frozenset(FORMATS)
ODT_MIMETYPE_END = b".opendocument.text"  # the `mimetype` member of an OpenDocument text (ODF 1.2, 3.3)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_kind(path: str) -> tuple[str, str] | None:
    """``(media_type, kind)`` of a ZIP-based office file, by the members its format requires."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return FORMATS["docx"].media_type, "docx"
            if "xl/workbook.xml" in names:
                return FORMATS["xlsx"].media_type, "xlsx"
            if "mimetype" in names:
                declared = archive.read("mimetype")[:80].strip()
                if declared.startswith(b"application/vnd.") and declared.endswith(ODT_MIMETYPE_END):
                    return declared.decode("ascii", "replace"), "odt"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


OFFICE_FIRST_MEMBERS = (b"[Content_Types].xml", b"mimetype", b"_rels/", b"docProps/", b"word/", b"xl/")


def _office_member(head: bytes) -> bool:
    """The first member named in a ZIP's first local header is one an office file starts with."""
    size = int.from_bytes(head[26:28], "little")
    return head[30:30 + size].startswith(OFFICE_FIRST_MEMBERS)


def _ole_kind(path: str) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            entries = ole.listdir()
    except (OSError, ValueError):
        return None
    tops = {e[0] for e in entries}
    if tops & {"Workbook", "Book"}:
        return "xls"
    if any(t.startswith("__substg1.0_") or t == "__properties_version1.0" for t in tops):
        return "msg"
    return None


def sniff(path: str, head: bytes) -> tuple[str, str] | None:
    """``(media_type, kind)`` of an electronic document judged by its bytes, or None."""
    if head.startswith(b"PK\x03\x04"):
        found = _zip_kind(path)
        if found is None and _office_member(head):  # an office file cut short (still being copied?) or damaged
            raise CorruptFileError(f"{os.path.basename(path)}: повреждённый или неполный файл Office / a damaged "
                                   "or incomplete office file (its ZIP directory cannot be read)", path=path)
        return found
    if head.startswith(OLE_MAGIC):
        kind = _ole_kind(path)
        if kind == "msg":
            return MSG_MEDIA_TYPE, "message"
        return (FORMATS[kind].media_type, kind) if kind else None
    if message.looks_like_eml(head):
        return "message/rfc822", "message"
    if edo.looks_like_xml(head):
        return "application/xml", "edo_xml"
    return None


def read_message(path: str) -> Message:
    """An .eml or .msg file's message, judged by its bytes."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    return message.read_msg(path) if head.startswith(OLE_MAGIC) else message.read_eml(path)


def lay_out_file(path: str, kind: str) -> LaidOut:
    """The file's pages (each part from a new page), with the boxes of an ЭДО XML's fields."""
    if kind == "edo_xml":
        return edo.lay_out_edo(read_edo(path))
    pages: list[PageText] = []
    for part in FORMATS[kind].parts(path) or [[]]:
        for page in lay_out(part).pages:
            pages.append(replace(page, number=len(pages) + 1))
    return LaidOut(tuple(pages), {})


def page_count(path: str, kind: str) -> int:
    """How many pages the file lays out to; raises the file's :class:`capture.CaptureError` if it cannot be read."""
    return len(lay_out_file(path, kind).pages)


def read_electronic_page(job: PageJob) -> PageResult:
    """One page of an electronic document: its words, and (with ``derived_dir``) the viewer's image, a
    thumbnail and the page's PDF."""
    start = perf_counter()
    laid = lay_out_file(job.path, job.kind)
    page = laid.pages[job.index]
    if not job.derived_dir:
        return PageResult(job=job, page=page, seconds=round(perf_counter() - start, 3))
    os.makedirs(job.derived_dir, exist_ok=True)
    number = job.index + 1
    png = os.path.join(job.derived_dir, f"page-{number}.png")
    thumb = os.path.join(job.derived_dir, f"page-{number}.thumb.jpg")
    pdf = os.path.join(job.derived_dir, f"page-{number}.pdf")
    image = draw_page(page)
    image.save(png, "PNG", compress_level=PNG_COMPRESSION)
    write_thumbnail(image, thumb)
    page_pdf(page, pdf)
    return PageResult(job=job, page=page, cleaned_image=png, thumbnail=thumb, page_pdf=pdf,
                      seconds=round(perf_counter() - start, 3))


@dataclass(frozen=True)
class EdoReading:
    """An ЭДО XML's document and, for each field, its value, its text as written and its box on the page."""

    document: EdoDocument
    fields: dict[str, tuple[str, str, int, Box | None]]


def edo_reading(path: str | os.PathLike[str]) -> EdoReading:
    path = os.fspath(path)
    doc = read_edo(path)
    tags = edo.lay_out_edo(doc).tags
    fields = {}
    for name, (value, raw) in edo_fields(doc).items():
        page, box = tags.get(name, (1, None))
        fields[name] = (value, raw, page, box)
    return EdoReading(doc, fields)


__all__ = [
    "FORMATS",
    "KINDS",
    "Attachment",
    "EdoDocument",
    "EdoReading",
    "Format",
    "InvalidXmlError",
    "LaidOut",
    "Message",
    "UnknownXmlError",
    "edo_reading",
    "lay_out_file",
    "page_count",
    "read_edo",
    "read_electronic_page",
    "read_message",
    "sniff",
]
