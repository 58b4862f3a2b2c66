"""PP-OCR as the second look at pages in Latin script that tesseract read unsurely, and at the numbers of
photographed forms of small blurred print (capture/ppocr.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from capture import ppocr
from capture.types import OcrWord, PageJob


class PpOcrLatin:
    """Chosen by ``[ocr] latin_engine`` (auto, ppocr, tesseract) and the page: Latin script, read poorly."""

    name = "ppocr"

    def wanted(self, job: PageJob, words: Sequence[OcrWord]) -> bool:
        return ppocr.is_latin_page(words) and ppocr.reads_poorly(words) and ppocr.wanted(job.latin_engine)

    def look(self, words: tuple[OcrWord, ...], upright: np.ndarray, scale: int, *, job: PageJob, dpi: int,
             tmp: str, enlarged: float = 1.0) -> tuple[OcrWord, ...] | None:
        found = ppocr.read(upright, scale)
        return ppocr.fuse(found, words) if ppocr.better(found, words) else None


class PpOcrNumbers:
    """The numbers of a photographed form of small blurred print read by PP-OCR too, and put into tesseract's
    reading where the two differ (capture/ppocr.py's :func:`~capture.ppocr.fuse_numbers`). Chosen by the same
    ``[ocr] latin_engine`` setting (``tesseract`` turns it off) and the page: not in Latin script (such a page
    had PP-OCR's whole reading already)."""

    name = "ppocr-numbers"

    def wanted(self, job: PageJob, words: Sequence[OcrWord]) -> bool:
        return bool(words) and ppocr.wanted(job.latin_engine) and not ppocr.is_latin_page(words)

    def look(self, words: tuple[OcrWord, ...], upright: np.ndarray, scale: int, enlarged: float
             ) -> tuple[OcrWord, ...]:
        """PP-OCR reads the sheet at the size the photo showed it at (``upright`` is ``scale`` times the words'
        page, which is ``enlarged`` times the photographed sheet): its detector and recogniser resize it anyway,
        and the enlarged copy only costs time."""
        small = upright
        if scale * enlarged > 1.0:
            size = (max(1, round(upright.shape[1] / (scale * enlarged))),
                    max(1, round(upright.shape[0] / (scale * enlarged))))
            small = cv2.resize(upright, size, interpolation=cv2.INTER_AREA)
        def to_page(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
            return (round(box[0] * enlarged), round(box[1] * enlarged), round(box[2] * enlarged),
                    round(box[3] * enlarged))

        # only the lines where a number could change the reading are recognised (ppocr.may_change_numbers)
        found = tuple(replace(w, box=to_page(w.box)) for w in
                      ppocr.read_lines_where(small, lambda box: ppocr.may_change_numbers(to_page(box), words)))
        return ppocr.fuse_numbers(found, words)
