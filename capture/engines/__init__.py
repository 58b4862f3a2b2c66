"""OCR engines behind one small interface, so a page's route (capture/read.py) never names an engine.

Two kinds of engine:

- a :class:`PageEngine` reads a whole page image file: words with boxes and confidences, the one-page
  searchable PDF from the same run, and the page's orientation. :data:`PAGE_ENGINES` holds them by name;
  ``tesseract`` is the one every page is read by.
- a :class:`SecondLook` reads a page again when the page's properties call for it (its script, its unsure
  words) and says whether its words replace the first reading's. :data:`SECOND_LOOKS` is tried in order;
  the first that gives words wins, and one that fails leaves the reading to the next.
- a :class:`NumberLook` reads the numbers of a photographed form of small blurred print again (PP-OCR) and
  puts them into the page's words where the two readings differ; :data:`NUMBER_LOOKS`, the first wanted.

Adding an engine: write a class with these methods (see :mod:`capture.engines.tesseract` and
:mod:`capture.engines.ppocr`) and register it here; the steps of capture/read.py stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from capture.engines.ppocr import PpOcrLatin, PpOcrNumbers
from capture.engines.tesseract import Tesseract, UnsureWordsAgain
from capture.tesseract import OcrOutput, Orientation
from capture.types import OcrWord, PageJob


class PageEngine(Protocol):
    """Reads a whole page image file."""

    name: str

    def read(self, image_path: str, *, job: PageJob, dpi: int, pdf: bool, psm: int | None) -> OcrOutput: ...

    def orientation(self, image_path: str, *, job: PageJob) -> Orientation | None: ...


class SecondLook(Protocol):
    """Reads a page again when its properties call for it."""

    name: str

    def wanted(self, job: PageJob, words: Sequence[OcrWord]) -> bool: ...

    def look(self, words: tuple[OcrWord, ...], upright: np.ndarray, scale: int, *, job: PageJob, dpi: int,
             tmp: str, enlarged: float = 1.0) -> tuple[OcrWord, ...] | None:
        """The page's new words (in page pixels), or ``None`` to leave the reading to the next engine;
        ``enlarged``: how many times a photographed sheet was enlarged for its letters' height (1 for a scan)."""
        ...


class NumberLook(Protocol):
    """Reads the numbers of a page of small blurred print again and puts them into the page's words."""

    name: str

    def wanted(self, job: PageJob, words: Sequence[OcrWord]) -> bool: ...

    def look(self, words: tuple[OcrWord, ...], upright: np.ndarray, scale: int, enlarged: float
             ) -> tuple[OcrWord, ...]:
        """The page's words with the numbers put in; ``upright`` is ``scale`` times the words' page, which is
        ``enlarged`` times the size the sheet was photographed at."""
        ...


PAGE_ENGINES: dict[str, PageEngine] = {"tesseract": Tesseract()}
SECOND_LOOKS: list[SecondLook] = [PpOcrLatin(), UnsureWordsAgain()]
# Tried in order on a photographed form of small blurred print; the first wanted reads the numbers again.
NUMBER_LOOKS: list[NumberLook] = [PpOcrNumbers()]


def page_engine(name: str = "tesseract") -> PageEngine:
    return PAGE_ENGINES[name]


__all__ = ["NUMBER_LOOKS", "PAGE_ENGINES", "SECOND_LOOKS", "NumberLook", "PageEngine", "SecondLook", "page_engine"]
