"""Tesseract as a page engine (capture/tesseract.py runs the program) and as the second look at a page's
unsure words (capture/_reread.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capture import tesseract
from capture._reread import reread_unsure
from capture.tesseract import OcrOutput, Orientation
from capture.types import OcrWord, PageJob


class Tesseract:
    """Every page's reading: words (TSV) and, from the same run, the searchable page PDF. Read in this process
    by an engine whose models stay loaded (tesserocr) where it is installed, else by the tesseract program."""

    name = "tesseract"

    def read(self, image_path: str, *, job: PageJob, dpi: int, pdf: bool, psm: int | None) -> OcrOutput:
        return tesseract.ocr(image_path, languages=job.languages, dpi=dpi, pdf=pdf, timeout=job.ocr_timeout,
                             psm=psm)

    def orientation(self, image_path: str, *, job: PageJob) -> Orientation | None:
        return tesseract.detect_orientation(image_path, timeout=job.ocr_timeout)


class UnsureWordsAgain:
    """Runs of unsure words cut out and read again (capture/_reread.py); any page may need it. An enlarged
    photo's are read sharpened, however many of its words are unsure."""

    name = "tesseract-unsure-words"

    def wanted(self, job: PageJob, words: Sequence[OcrWord]) -> bool:
        return bool(words)

    def look(self, words: tuple[OcrWord, ...], upright: np.ndarray, scale: int, *, job: PageJob, dpi: int,
             tmp: str, enlarged: float = 1.0) -> tuple[OcrWord, ...] | None:
        return reread_unsure(words, upright, scale, languages=job.languages, dpi=dpi, tmp=tmp,
                             timeout=job.ocr_timeout, blurred=enlarged > 1)
