"""PP-OCR as the second look at pages in Latin script that tesseract read unsurely (capture/ppocr.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capture import ppocr
from capture.types import OcrWord, PageJob


class PpOcrLatin:
    """Chosen by ``[ocr] latin_engine`` (auto, ppocr, tesseract) and the page: Latin script, read poorly."""

    name = "ppocr"

    def wanted(self, job: PageJob, words: Sequence[OcrWord]) -> bool:
        return ppocr.is_latin_page(words) and ppocr.reads_poorly(words) and ppocr.wanted(job.latin_engine)

    def look(self, words: tuple[OcrWord, ...], upright: np.ndarray, scale: int, *, job: PageJob, dpi: int,
             tmp: str) -> tuple[OcrWord, ...] | None:
        found = ppocr.read(upright, scale)
        return ppocr.fuse(found, words) if ppocr.better(found, words) else None
