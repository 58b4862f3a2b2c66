"""A document's thumbnail for the list: its first page's, made once when the list first asks for it.

The pipeline writes a thumbnail for every page it renders. A document stored without one (an older
import, a page whose thumbnail was lost, a document read from its text layer only) gets one made on first
request from the page image or, failing that, from the original (an image, or a PDF's first page), kept
beside the other derived files as ``list-thumb.jpg`` and served from there ever after. A document with
nothing to picture (an ЭДО XML, a spreadsheet) is remembered as such (``list-thumb.none``), so it is not
tried again on every page of the list.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from archive.models import Document

WIDTH = 200  # as capture.read.THUMBNAIL_WIDTH
MAX_HEIGHT = 400
CACHED = "list-thumb.jpg"
NOTHING = "list-thumb.none"
PDF_SCALE = 0.5  # 36 dpi: plenty for 200 px


def _stored(arc, document: Document) -> Path | None:
    first = document.pages[0] if document.pages else None
    for key in (first.thumbnail, first.image) if first is not None else ():
        if key:
            path = arc.blobs.path(key)
            if path.exists():
                return path
    return None


def _open_source(arc, document: Document, page_image: Path | None) -> Image.Image | None:
    if page_image is not None:
        return Image.open(page_image)
    original = arc.blobs.path(arc.blobs.original_key(document.sha256))
    if not original.exists():
        return None
    if (document.media_type or "") == "application/pdf" or document.filename.lower().endswith(".pdf"):
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(original))
        try:
            if len(pdf) == 0:
                return None
            return pdf[0].render(scale=PDF_SCALE, grayscale=True).to_pil()
        finally:
            pdf.close()
    if (document.media_type or "").startswith("image/"):
        image = Image.open(original)
        image.seek(0)  # a TIFF's first frame
        return image
    return None


def _write(image: Image.Image, target: Path) -> None:
    small = image.convert("L")
    small.thumbnail((WIDTH, MAX_HEIGHT))
    fd, tmp = tempfile.mkstemp(prefix=".thumb-", suffix=".jpg", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            small.save(fh, format="JPEG", quality=80)
        os.replace(tmp, target)  # two requests at once: each writes a whole file, one wins
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def document_thumbnail(arc, document: Document) -> Path | None:
    """The file of ``document``'s thumbnail, made now if it has none yet; None when there is nothing to show."""
    first = document.pages[0] if document.pages else None
    if first is not None and first.thumbnail:
        stored = arc.blobs.path(first.thumbnail)
        if stored.exists():
            return stored
    folder = arc.blobs.path(arc.blobs.derived_key(document.sha256))
    cached, nothing = folder / CACHED, folder / NOTHING
    if cached.exists():
        return cached
    if nothing.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    try:
        image = _open_source(arc, document, _stored(arc, document))
    except (OSError, UnidentifiedImageError, ValueError, RuntimeError):  # pdfium's errors derive from these
        image = None
    if image is None:
        nothing.touch()
        return None
    with image:
        _write(image, cached)
    return cached
