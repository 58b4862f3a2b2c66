"""Frozen data passed between the capture steps and on to classify/ and archive/.

Coordinates: every box is ``(x0, y0, x1, y1)`` in the pixel space of the page image
the words were read from (``PageText.width`` x ``PageText.height``; 300 dpi for rendered
PDF pages, and PDF text-layer words are scaled into the same 300 dpi space).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Box = tuple[int, int, int, int]


class TextSource(StrEnum):
    OCR = "ocr"
    PDF_TEXT = "pdf_text"
    ELECTRONIC = "electronic"  # an electronic document's own text (ЭДО XML, office file, e-mail): exact


@dataclass(frozen=True)
class OcrWord:
    """One word as read: text, confidence in 0..1, box, and the line it belongs to."""

    text: str
    confidence: float
    box: Box
    line: int = 0  # index of the text line within the page (reading order)
    block: int = 0


@dataclass(frozen=True)
class PageText:
    """The text of one page with every word's box and confidence."""

    number: int  # 1-based page number within the document
    width: int
    height: int
    words: tuple[OcrWord, ...]
    source: TextSource = TextSource.OCR
    rotation: int = 0  # degrees the page was turned (clockwise) before reading
    skew: float = 0.0  # degrees of deskew applied
    error: str | None = None  # set when this page could not be read
    codes: tuple[str, ...] = ()  # the texts of the QR codes on the page, top to bottom (a receipt's fiscal QR)

    @property
    def text(self) -> str:
        """The page's text, one line per OCR line, words separated by spaces."""
        lines: list[str] = []
        current: list[str] = []
        last = None
        for word in self.words:
            key = (word.block, word.line)
            if last is not None and key != last:
                lines.append(" ".join(current))
                current = []
            current.append(word.text)
            last = key
        if current:
            lines.append(" ".join(current))
        return "\n".join(lines)

    @property
    def mean_confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.confidence for w in self.words) / len(self.words)


@dataclass(frozen=True)
class PageJob:
    """A picklable description of one page to read: the heavy work unit of the pipeline."""

    path: str  # the file the page comes from (the stored blob)
    kind: str  # "pdf", "image" (any Pillow-readable image, TIFF frames included)
    index: int  # 0-based page/frame index within the file
    languages: str = "rus+eng"
    dpi: int = 300
    derived_dir: str | None = None  # where to write the cleaned image, thumbnail, page PDF
    has_text_layer: bool = False
    max_pixels: int = 100_000_000  # refuse (or, for PDF pages, render smaller than) images above this
    ocr_timeout: float = 180.0  # seconds one tesseract run may take on this page
    latin_engine: str = "auto"  # pages in Latin script read again by PP-OCR: auto, ppocr or tesseract
    code_formats: tuple[str, ...] = ("QRCode",)  # the barcodes read on the page (zxing-cpp format names)


@dataclass(frozen=True)
class PageResult:
    """What reading one page produced: its text and the derived files written."""

    job: PageJob
    page: PageText
    cleaned_image: str | None = None  # path of the cleaned page image (PNG)
    thumbnail: str | None = None  # path of a small JPEG thumbnail
    page_pdf: str | None = None  # path of a one-page searchable PDF (image + OCR text layer)
    seconds: float = 0.0


@dataclass(frozen=True)
class Capture:
    """A file taken in by a source, before it is read."""

    path: str
    filename: str
    sha256: str
    size: int
    source: str = "import"  # import | watch | mail | upload | api
    outlet_code: str | None = None
    hints: dict[str, str] = field(default_factory=dict)  # e.g. doc_type, order_no from a cover sheet
