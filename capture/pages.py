"""Looking at a file before reading it, and splitting it into page jobs.

:func:`inspect_file` decides by the file's bytes what it is (PDF, TIFF, JPEG, PNG, HEIC, WebP, or an
electronic document of capture.formats), how many pages it has (an electronic document's as laid out) and
which PDF pages carry a usable text layer, and raises a :class:`CaptureError` with a
``reason`` for every file that cannot be read. :func:`plan_pages` turns it into one picklable
:class:`PageJob` per PDF page, TIFF frame or image.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from PIL import Image

from capture._files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    active_content,
    check_pixels,
    frame_count,
    open_image,
    open_pdf,
    sniff,
)
from capture import formats
from capture._hook import reading_hook
from capture.exceptions import ActiveContentError, CaptureError, CorruptFileError, OversizedFileError
from capture.pdftext import pages_with_text_layer
from capture.types import PageJob

DEFAULT_MAX_PAGES = 50_000  # a PDF claiming more is refused before any page is read ([intake] max_pages)
MAX_PDF_PAGE_POINTS = 14_400  # 200 inches: the largest page the PDF specification allows (without UserUnit)


@dataclass(frozen=True)
class FileInfo:
    """What a file is, judged by its content."""

    path: str
    media_type: str  # application/pdf, image/png, image/jpeg, image/tiff, image/heic, image/webp, …
    kind: str  # "pdf", "image", or an electronic document's kind (capture.formats.KINDS) (PageJob.kind)
    page_count: int
    text_layer: tuple[bool, ...]  # per page: the PDF page's own text is good enough to skip OCR
    size: int

    @property
    def has_text_layer(self) -> bool:
        """Every page has a usable text layer (a born-digital PDF): no OCR at all."""
        return bool(self.text_layer) and all(self.text_layer)


def inspect_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> FileInfo:
    """Identify a file and count its pages; raise a :class:`CaptureError` when it can't be read.

    Limits are checked before any page is decoded: the file's size, its number of pages, each PDF
    page's size (at most :data:`MAX_PDF_PAGE_POINTS`, the PDF specification's own limit) and each
    image frame's pixels."""
    path = os.fspath(path)
    reading_hook("inspect", path)
    media_type, kind = sniff(path, max_bytes=max_bytes)
    size = os.path.getsize(path)
    if kind == "pdf":
        count = _pdf_page_count(path, max_pages)
        active = active_content(path)
        if active is not None:
            raise ActiveContentError(
                f"{os.path.basename(path)}: PDF с {'JavaScript' if active == 'JavaScript' else 'командой запуска'} "
                f"не принимается / carries {active}, which would run on the computer of whoever opens it; "
                "print it to a new PDF (or scan the paper) and send that", path=path)
        try:
            flags = pages_with_text_layer(path)
        except CaptureError:
            flags = [False] * count  # pdfium can render what pdfminer cannot parse
        if len(flags) != count:
            flags = (flags + [False] * count)[:count]
        return FileInfo(path, media_type, kind, count, tuple(flags), size)
    if kind in formats.KINDS:  # an electronic document: its text laid out on pages, no OCR
        count = formats.page_count(path, kind)
        if count > max_pages:
            raise _too_many_pages(path, count, max_pages)
        return FileInfo(path, media_type, kind, count, (False,) * count, size)
    count = _image_frame_count(path, media_type, max_pixels, max_pages)
    return FileInfo(path, media_type, kind, count, (False,) * count, size)


def _too_many_pages(path: str, count: int, max_pages: int) -> OversizedFileError:
    return OversizedFileError(
        f"{os.path.basename(path)} has {count} pages, over the limit of {max_pages} ([intake] max_pages)", path=path)


def _pdf_page_count(path: str, max_pages: int = DEFAULT_MAX_PAGES) -> int:
    pdf = open_pdf(path)
    try:
        count = len(pdf)
        if count > max_pages:
            raise _too_many_pages(path, count, max_pages)
        for index in range(count):
            width, height = pdf.get_page_size(index)
            if max(width, height) > MAX_PDF_PAGE_POINTS:
                raise OversizedFileError(
                    f"{os.path.basename(path)}: page {index + 1} is {width:.0f} x {height:.0f} pt "
                    f"({width / 72 * 0.0254:.1f} x {height / 72 * 0.0254:.1f} m), over the PDF limit of "
                    f"{MAX_PDF_PAGE_POINTS} pt", path=path)
    except OversizedFileError:
        raise
    except Exception as exc:  # pdfium's page tree may be broken anywhere
        raise CorruptFileError(f"{os.path.basename(path)}: its pages cannot be read: {exc}", path=path) from exc
    finally:
        pdf.close()
    if count == 0:
        raise CorruptFileError(f"{os.path.basename(path)} is a PDF without pages", path=path)
    return count


def _image_frame_count(path: str, media_type: str, max_pixels: int, max_pages: int = DEFAULT_MAX_PAGES) -> int:
    with open_image(path, media_type, max_pixels=max_pixels) as image:
        try:
            count = frame_count(image)
            if count > max_pages:
                raise _too_many_pages(path, count, max_pages)
            for index in range(1, count):  # frame 0 was checked on opening
                image.seek(index)
                check_pixels(image, path, max_pixels)
            if count == 1:
                # a single image is decoded once here: a truncated JPEG or PNG is a damaged file to
                # quarantine, not a page that reads as blank
                image.load()
        except OversizedFileError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise OversizedFileError(f"{os.path.basename(path)}: {exc}", path=path) from exc
        except (OSError, SyntaxError, ValueError, EOFError, TypeError, struct.error) as exc:
            raise CorruptFileError(
                f"{os.path.basename(path)} is a damaged {media_type} file: {exc}", path=path
            ) from exc
    if count == 0:
        raise CorruptFileError(f"{os.path.basename(path)} holds no image", path=path)
    return count


def plan_pages(
    path: str | os.PathLike[str],
    *,
    languages: str = "rus+eng",
    dpi: int = 300,
    derived_dir: str | os.PathLike[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    info: FileInfo | None = None,
) -> list[PageJob]:
    """One job per PDF page, TIFF frame or image, in page order."""
    info = info or inspect_file(path, max_bytes=max_bytes, max_pixels=max_pixels)
    derived = os.fspath(derived_dir) if derived_dir is not None else None
    return [
        PageJob(
            path=info.path,
            kind=info.kind,
            index=index,
            languages=languages,
            dpi=dpi,
            derived_dir=derived,
            has_text_layer=info.text_layer[index],
            max_pixels=max_pixels,
        )
        for index in range(info.page_count)
    ]
