"""Barcode sheets in scans: separator sheets split a batch, cover sheets say what the document is.

A separator sheet carries the QR code ``FINARCHIVE:SEPARATOR``; a cover sheet carries
``finarchive:cover?outlet=…&type=…&order=…&key=…`` (URL-encoded, so Cyrillic order numbers travel
safely). Pages are rendered at a low resolution (~120 dpi) for zxing-cpp: QR codes of a printed sheet
read reliably there and a page costs a few tens of milliseconds.

:func:`split_at_sheets` turns one multi-page scan into per-document files in a work folder (PDF pages
via pypdf, TIFF frames via Pillow), dropping the sheets themselves; the original is never touched.
"""

from __future__ import annotations

import errno
import math
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qsl, urlencode

from PIL import Image

from capture._files import DEFAULT_MAX_PIXELS, check_pixels, frame_count, open_image, sniff
from capture.exceptions import CaptureError, CorruptFileError, OversizedFileError
from capture.executor import progress
from finarchive.errors import MissingDependencyError

SEPARATOR = "FINARCHIVE:SEPARATOR"
COVER_PREFIX = "finarchive:cover?"
SCAN_DPI = 120
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT = "DejaVuSans"

# cover-sheet payload key → CoverSheet attribute
_COVER_KEYS = MappingProxyType({"outlet": "outlet", "type": "doc_type", "order": "order_no", "key": "key"})


@dataclass(frozen=True)
class CoverSheet:
    """What a cover sheet says about the document that follows it."""

    outlet: str | None = None
    doc_type: str | None = None
    order_no: str | None = None
    key: str | None = None  # the document's own key, printed on the sheet (unique per sheet)

    def payload(self) -> str:
        values = {code: getattr(self, attr) for code, attr in _COVER_KEYS.items() if getattr(self, attr)}
        return COVER_PREFIX + urlencode(values)

    @classmethod
    def parse(cls, text: str) -> CoverSheet | None:
        """The sheet a QR text stands for, or None when it is not one of ours."""
        if not text.lower().startswith(COVER_PREFIX):
            return None
        pairs = dict(parse_qsl(text[len(COVER_PREFIX):], keep_blank_values=False))
        return cls(**{attr: pairs.get(code) or None for code, attr in _COVER_KEYS.items()})

    @property
    def hints(self) -> dict[str, str]:
        """Pipeline hints: they override the classifier's guesses."""
        return {k: v for k, v in {"doc_type": self.doc_type, "order_no": self.order_no}.items() if v}


@dataclass(frozen=True)
class PageCodes:
    """The barcodes found on one page (0-based index)."""

    index: int
    codes: tuple[str, ...] = ()

    @property
    def is_separator(self) -> bool:
        return SEPARATOR in self.codes

    @property
    def cover(self) -> CoverSheet | None:
        return next((c for c in map(CoverSheet.parse, self.codes) if c is not None), None)


@dataclass(frozen=True)
class DocumentPart:
    """One document cut out of a scan: its pages (0-based, of the original) and its cover sheet."""

    pages: tuple[int, ...]
    cover: CoverSheet | None = None
    path: str | None = None  # the part written to the work folder

    @property
    def hints(self) -> dict[str, str]:
        return self.cover.hints if self.cover else {}

    @property
    def label(self) -> str:
        first, last = self.pages[0] + 1, self.pages[-1] + 1
        return f"pages {first}-{last}" if last != first else f"page {first}"


@dataclass(frozen=True)
class SplitPlan:
    parts: tuple[DocumentPart, ...]
    sheets: tuple[int, ...] = field(default=())  # pages that were separator or cover sheets

    @property
    def needed(self) -> bool:
        return bool(self.sheets)


# The formats 1C and other ERPs print on their forms to name the document (EAN-13 with an in-house prefix,
# Code 128, Code 39, QR): read on every page when the archive has barcode link rules ([barcodes] links).
PRINT_FORM_FORMATS = ("QRCode", "EAN13", "EAN8", "Code128", "Code39")


def read_codes(image: Image.Image, *, only_qr: bool = True, formats: Sequence[str] | None = None) -> tuple[str, ...]:
    """The texts of the QR codes (or of every barcode, or of the zxing-cpp ``formats`` named) on one image,
    top to bottom.

    Our sheets carry QR codes; looking for QR only is ~8x faster than for every format, and QR with the
    print-form formats (:data:`PRINT_FORM_FORMATS`) ~1.5x slower than QR only. A QR code's finder patterns
    are found at any angle and size, so for QR alone zxing's extra passes (the image turned a quarter,
    inverted, downscaled) are skipped: they cost a third of the read on every page and find nothing more on
    paper, where codes are printed dark on light. Barcodes of other formats get every pass.
    """
    try:
        import zxingcpp
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("zxing-cpp is missing (pip install zxing-cpp)") from exc
    if formats:
        wanted = zxingcpp.BarcodeFormats(tuple(getattr(zxingcpp.BarcodeFormat, name) for name in formats))
    else:
        wanted = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode if only_qr else zxingcpp.BarcodeFormat.All)
    qr_only = (tuple(formats) == ("QRCode",)) if formats else only_qr
    every_pass = not qr_only
    results = zxingcpp.read_barcodes(image.convert("L"), formats=wanted, try_rotate=every_pass,
                                     try_invert=every_pass, try_downscale=every_pass)
    ordered = sorted(results, key=lambda r: (r.position.top_left.y, r.position.top_left.x))
    return tuple(r.text for r in ordered if r.text)


def _low_res_pages(path: str, dpi: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[Image.Image]:
    """Every page at about ``dpi``, none above ``max_pixels`` (a huge page is rendered smaller; a frame
    above the limit is refused before Pillow decodes it)."""
    media_type, kind = sniff(path, max_bytes=1 << 40)
    if kind == "pdf":
        import pypdfium2

        try:
            pdf = pypdfium2.PdfDocument(path)
        except pypdfium2.PdfiumError as exc:
            raise CorruptFileError(f"{os.path.basename(path)}: {exc}", path=path) from exc
        try:
            for page in pdf:
                width, height = page.get_size()
                scale = dpi / 72
                if width * height * scale * scale > max_pixels:
                    scale = math.sqrt(max_pixels / max(width * height, 1.0))
                yield page.render(scale=scale, grayscale=True).to_pil()
                progress()  # a page rendered: its limit starts again (capture/executor.py)
        finally:
            pdf.close()
        return
    with open_image(path, media_type, max_pixels=max_pixels) as img:
        for frame in range(frame_count(img)):
            img.seek(frame)
            check_pixels(img, path, max_pixels)
            source_dpi = float((img.info.get("dpi") or (300, 300))[0]) or 300.0
            page = img.convert("L")
            if source_dpi > dpi * 1.2:
                scale = dpi / source_dpi
                page = page.resize((max(1, int(page.width * scale)), max(1, int(page.height * scale))),
                                   Image.Resampling.BILINEAR)
            yield page
            progress()


def page_codes(path: str | os.PathLike[str], *, dpi: int = SCAN_DPI,
               max_pixels: int = DEFAULT_MAX_PIXELS) -> list[PageCodes]:
    """The barcodes of every page of a PDF, TIFF or image, rendered at ``dpi`` (at most ``max_pixels``)."""
    return [PageCodes(index=i, codes=read_codes(img))
            for i, img in enumerate(_low_res_pages(os.fspath(path), dpi, max_pixels))]


def plan_split(pages: Sequence[PageCodes]) -> SplitPlan:
    """Cut at separator and cover sheets (the sheets themselves are dropped); empty parts vanish."""
    parts: list[DocumentPart] = []
    sheets: list[int] = []
    current: list[int] = []
    cover: CoverSheet | None = None

    def close() -> None:
        if current:
            parts.append(DocumentPart(pages=tuple(current), cover=cover))

    for page in pages:
        sheet_cover = page.cover
        if page.is_separator or sheet_cover is not None:
            sheets.append(page.index)
            close()
            current, cover = [], sheet_cover
            continue
        current.append(page.index)
    close()
    return SplitPlan(parts=tuple(parts), sheets=tuple(sheets))


def _write_pdf_part(source: str, pages: tuple[int, ...], target: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    writer = PdfWriter()
    for index in pages:
        writer.add_page(reader.pages[index])
    with open(target, "wb") as fh:
        writer.write(fh)


def _write_tiff_part(source: str, pages: tuple[int, ...], target: Path) -> None:
    with Image.open(source) as img:
        frames = []
        for index in pages:
            img.seek(index)
            frame = img.copy()
            frame.info = {"dpi": img.info.get("dpi", (300, 300))}
            frames.append(frame)
    compression = "group4" if frames[0].mode == "1" else "tiff_lzw"
    frames[0].save(target, format="TIFF", save_all=True, append_images=frames[1:], compression=compression,
                   dpi=frames[0].info["dpi"])


# media type of the original → (writer of a part, file suffix)
_PART_WRITERS = MappingProxyType({
    "application/pdf": (_write_pdf_part, ".pdf"),
    "image/tiff": (_write_tiff_part, ".tiff"),
})


def split_at_sheets(path: str | os.PathLike[str], work_dir: str | os.PathLike[str], *,
                    dpi: int = SCAN_DPI, max_pixels: int = DEFAULT_MAX_PIXELS) -> SplitPlan:
    """Plan the split of a scan and write its parts into ``work_dir`` (reused when already complete).

    A scan without sheets gives a plan with no sheets (``needed`` false) and writes nothing. Only
    multi-page PDFs and TIFFs are split; other files are never sheet batches.
    """
    source = os.fspath(path)
    media_type, _ = sniff(source, max_bytes=1 << 40)
    if media_type not in _PART_WRITERS:
        return SplitPlan(parts=())
    try:
        plan = plan_split(page_codes(source, dpi=dpi, max_pixels=max_pixels))
    except CaptureError:
        raise
    except MemoryError as exc:
        raise OversizedFileError(f"{os.path.basename(source)}: its pages are too large to render for barcodes",
                                 path=source) from exc
    except Exception as exc:  # Pillow and pdfium raise many kinds on damaged files
        raise CorruptFileError(f"{os.path.basename(source)}: cannot render pages for barcodes: "
                               f"{type(exc).__name__}: {exc}", path=source) from exc
    if not plan.needed:
        return plan
    writer, suffix = _PART_WRITERS[media_type]
    folder = Path(work_dir)
    stem = Path(source).stem
    named = tuple(
        DocumentPart(pages=p.pages, cover=p.cover, path=str(folder / f"{stem}.part{n:02d}{suffix}"))
        for n, p in enumerate(plan.parts, 1)
    )
    if not (folder / ".complete").exists():
        work = folder.with_name(folder.name + ".splitting")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            for part in named:
                writer(source, part.pages, work / Path(str(part.path)).name)
        except Exception as exc:  # pypdf and Pillow raise many kinds on damaged files
            shutil.rmtree(work, ignore_errors=True)
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise
            raise CaptureError(f"{os.path.basename(source)}: cannot write its parts: {exc}", path=source) from exc
        (work / ".complete").write_text("ok\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        work.rename(folder)
    return SplitPlan(parts=named, sheets=plan.sheets)


# -- printing sheets -------------------------------------------------------------------------------
def pdf_font() -> str:
    """The font every printed sheet uses (DejaVu Sans, Cyrillic included), registered with reportlab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        if not Path(FONT_PATH).exists():
            raise MissingDependencyError(f"font {FONT_PATH} is missing (apt-get install fonts-dejavu-core)")
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH))
    return FONT


def _draw_qr(c, value: str, x: float, y: float, size: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import qr
    from reportlab.graphics.shapes import Drawing

    widget = qr.QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def _sheet_pdf(path: Path, title: str, lines: Sequence[str], payload: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = pdf_font()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    width, height = A4
    c = canvas.Canvas(str(tmp), pagesize=A4)
    c.setTitle(title)
    c.setFont(font, 26)
    c.drawCentredString(width / 2, height - 40 * mm, title)
    size = 80 * mm
    _draw_qr(c, payload, (width - size) / 2, height - 45 * mm - size - 10 * mm, size)
    c.setFont(font, 16)
    y = height - 45 * mm - size - 30 * mm
    for line in lines:
        c.drawCentredString(width / 2, y, line)
        y -= 10 * mm
    c.setFont(font, 9)
    c.drawCentredString(width / 2, 15 * mm,
                        "finarchive — положите этот лист перед документом / place before the document")
    c.showPage()
    c.save()
    tmp.replace(path)
    return path


def new_document_key() -> str:
    return secrets.token_hex(6).upper()


def write_cover_sheet(path: str | os.PathLike[str], sheet: CoverSheet) -> Path:
    """A printable A4 cover sheet: its QR code carries outlet, type, order number and the document key."""
    lines = [
        f"Точка / outlet: {sheet.outlet or '—'}",
        f"Тип / type: {sheet.doc_type or '—'}",
        f"Заказ / order: {sheet.order_no or '—'}",
        f"Ключ / key: {sheet.key or '—'}",
    ]
    return _sheet_pdf(Path(path), "ТИТУЛЬНЫЙ ЛИСТ / COVER SHEET", lines, sheet.payload())


def write_separator_sheet(path: str | os.PathLike[str]) -> Path:
    """A printable separator sheet: put one between documents of a batch scan."""
    return _sheet_pdf(Path(path), "РАЗДЕЛИТЕЛЬ / SEPARATOR", ["Новый документ начинается после этого листа"],
                      SEPARATOR)
