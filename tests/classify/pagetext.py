"""Synthetic OCR pages: words with boxes laid out as a scan would give them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from capture.types import OcrWord, PageText

CHAR_W = 20
LINE_H = 40


def page(rows: Sequence[tuple[int, int, str]], *, number: int = 1, confidence: float = 0.95,
         block_per_column: bool = True) -> PageText:
    """``rows`` are ``(x, y, text)`` runs; each run is split into words 20 px a character, 40 px high.
    Runs starting at different x become different tesseract blocks, as two columns do."""
    words = []
    columns: dict[int, int] = {}
    for line, (x, y, text) in enumerate(rows):
        block = columns.setdefault(x, len(columns)) if block_per_column else 0
        cursor = x
        for word in text.split():
            width = len(word) * CHAR_W
            words.append(OcrWord(word, confidence, (cursor, y, cursor + width, y + LINE_H - 8), line, block))
            cursor += width + CHAR_W
    order = sorted(words, key=lambda w: (w.block, w.line, w.box[0]))
    return PageText(number=number, width=2480, height=3508, words=tuple(order))


def text_page(text: str, **kw: Any) -> PageText:
    return page([(100, 100 + n * LINE_H, line) for n, line in enumerate(text.splitlines()) if line.strip()],
                block_per_column=False, **kw)
