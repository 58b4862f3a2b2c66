"""Pages of an electronic document: its text laid out in rows and cells, with a box for every word.

An electronic document (an ЭДО XML, a spreadsheet, a text document, an e-mail message) has no page image;
its text is known exactly. :func:`lay_out` places it on A4-sized pages at 300 dpi, one row of the document
per line, each cell at its column (a spreadsheet's column widths, a table's columns), so the extractors read
it as they read a scan: a label and the value to its right share a row. :func:`draw_page` renders such a
page as the image the viewer shows (the same pixels the boxes point at), and :func:`page_pdf` as a one-page
PDF with real text, the document's searchable PDF.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from capture.types import Box, OcrWord, PageText, TextSource

DPI = 300
PAGE_WIDTH = 2480  # A4 at 300 dpi
PAGE_HEIGHT = 3508
MARGIN = 150
FONT_PX = 34  # about 8 pt at 300 dpi: a 1C print form's size
LINE_PX = 52
ROWS_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LINE_PX
CELL_GAP = 24  # the least space between a cell's last word and the next cell
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
THUMBNAIL_WIDTH = 200


@dataclass(frozen=True)
class Cell:
    """One piece of text in a row: where it starts (a share of the text width, 0..1) and, for a value the
    reader knows exactly, the field it is (its box is the field's box)."""

    text: str
    column: float = 0.0
    tag: str | None = None


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class LaidOut:
    """The pages of a document and the box of every tagged cell: ``tags[name] = (page, box)``."""

    pages: tuple[PageText, ...]
    tags: dict[str, tuple[int, Box]]


@functools.cache
def _font(size: int = FONT_PX) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _font_file() -> str | None:
    return next((p for p in FONT_FILES if os.path.exists(p)), None)


def _width(text: str) -> int:
    return max(1, round(_font().getlength(text)))


def lay_out(rows: Sequence[Row], *, rows_per_page: int = ROWS_PER_PAGE) -> LaidOut:
    """Place ``rows`` on pages; a cell that would run into the next one pushes it right (the page widens
    rather than interleave two cells' words). Empty rows keep their line (a gap in the form)."""
    pages: list[PageText] = []
    tags: dict[str, tuple[int, Box]] = {}
    text_width = PAGE_WIDTH - 2 * MARGIN
    chunks = [rows[i:i + rows_per_page] for i in range(0, len(rows), rows_per_page)] or [[]]
    space = _width(" ")
    for number, chunk in enumerate(chunks, 1):
        words: list[OcrWord] = []
        right = PAGE_WIDTH - MARGIN
        for line, row in enumerate(chunk):
            top = MARGIN + line * LINE_PX
            x = MARGIN
            for cell in row:
                text = " ".join(cell.text.split())
                if not text:
                    continue
                x = max(x, MARGIN + round(cell.column * text_width))
                first = len(words)
                for token in text.split(" "):
                    w = _width(token)
                    words.append(OcrWord(token, 1.0, (x, top, x + w, top + FONT_PX + 6), line=line, block=0))
                    x += w + space
                if cell.tag:
                    cell_words = words[first:]
                    tags[cell.tag] = (number, (cell_words[0].box[0], top, cell_words[-1].box[2],
                                               top + FONT_PX + 6))
                x += CELL_GAP
            right = max(right, x + MARGIN)
        pages.append(PageText(number=number, width=max(PAGE_WIDTH, right), height=PAGE_HEIGHT, words=tuple(words),
                              source=TextSource.ELECTRONIC))
    return LaidOut(tuple(pages), tags)


def draw_page(page: PageText) -> Image.Image:
    """The page as an 8-bit grey image: every word drawn in its box."""
    image = Image.new("L", (page.width, page.height), 255)
    draw = ImageDraw.Draw(image)
    font = _font()
    for word in page.words:
        draw.text((word.box[0], word.box[1]), word.text, fill=0, font=font)
    return image


def write_thumbnail(image: Image.Image, path: str) -> None:
    factor = THUMBNAIL_WIDTH / max(image.width, 1)
    small = image.resize((THUMBNAIL_WIDTH, max(1, round(image.height * factor))), Image.Resampling.LANCZOS)
    small.save(path, "JPEG", quality=80)


def page_pdf(page: PageText, path: str) -> str:
    """A one-page PDF of the page with real (selectable, searchable) text where the image has it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    scale = 72 / DPI
    font_name = "Helvetica"
    font_file = _font_file()
    if font_file:
        font_name = "FinarchiveSans"
        if font_name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(font_name, font_file))
    pdf = canvas.Canvas(path, pagesize=(page.width * scale, page.height * scale), invariant=True)
    pdf.setFont(font_name, FONT_PX * scale)
    for word in page.words:
        baseline = word.box[1] + FONT_PX * 0.8
        pdf.drawString(word.box[0] * scale, (page.height - baseline) * scale, word.text)
    pdf.showPage()
    pdf.save()
    return path


def columns_of(widths: Sequence[float]) -> list[float]:
    """Left edges (shares of the text width) of columns of the given widths."""
    total = sum(widths) or 1.0
    edges, at = [], 0.0
    for w in widths:
        edges.append(at / total)
        at += w
    return edges
