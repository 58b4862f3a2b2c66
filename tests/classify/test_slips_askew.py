"""Till slips read askew and with their amounts misread: generated cases of each kind of OCR damage."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from capture.types import OcrWord, PageText
from classify import extract_fields
from classify._layout import page_rows

CHAR_W, LINE_H, PITCH = 14, 26, 28  # a till slip's small print: rows barely apart


def _slip(rows: list[tuple[str, str]], slope: float, *, middle: list[str] | None = None) -> PageText:
    """A slip of ``(label, amount)`` rows, each label at the left edge and its amount at the right, the
    whole page turned so that a row falls ``slope`` pixels per pixel of width, each line read as one box
    (as PP-OCR reads it) and every line its own block."""
    words: list[OcrWord] = []
    line = 0

    def put(x: int, y: int, text: str) -> None:
        nonlocal line
        dy = round(slope * (x + len(text) * CHAR_W / 2))
        cursor = x
        for word in text.split():
            width = len(word) * CHAR_W
            words.append(OcrWord(word, 0.95, (cursor, y + dy, cursor + width, y + dy + LINE_H), line, line))
            cursor += width + CHAR_W
        line += 1

    for n, (label, amount) in enumerate(rows):
        y = 40 + n * PITCH
        put(10, y, label)
        if middle and n < len(middle):
            put(260, y, middle[n])
        if amount:
            put(520 - len(amount) * CHAR_W, y, amount)
    return PageText(number=1, width=600, height=40 + len(rows) * PITCH + 60, words=tuple(words))


def _items(rng: random.Random, n: int) -> list[tuple[str, str]]:
    return [(f"ITEM {rng.randint(100, 999)}", f"{Decimal(rng.randint(100, 9999)) / 100:.2f}") for _ in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_a_slip_read_askew_pairs_each_label_with_its_own_amount(seed: int) -> None:
    """Amounts at the right edge half a row or more below (or above) their labels: the rows are grouped as
    the slip's slant runs, not by the band the amount happens to overlap most."""
    rng = random.Random(seed)
    items = _items(rng, rng.randint(4, 8))
    total = sum(Decimal(a) for _, a in items)
    cash = (total // 10 + 1) * 10
    tail = [("Sub Total", f"{total:.2f}"), ("Rounding Adj.", "0.00"), ("Total", f"{total:.2f}"),
            ("Payment Type", "CASH"), ("Cash", f"{cash:.2f}"), ("Change", f"{cash - total:.2f}")]
    slope = rng.choice((-1, 1)) * rng.uniform(0.022, 0.034)  # 14-20 px over the slip's 500 px: half a row
    p = _slip(items + tail, slope, middle=[f"*{rng.randint(1, 3)}" for _ in items])
    rows = {r.words[0].text: r.text for r in page_rows(p)}
    assert rows["Rounding"] == "Rounding Adj. 0.00"
    assert rows["Change"] == f"Change {cash - total:.2f}"
    assert extract_fields("receipt", [p])["total"].value == f"{total:.2f}"


def test_a_level_slip_and_a_lone_column_are_grouped_as_before() -> None:
    """No slant measured where no lines stand side by side, and none on a level slip."""
    rng = random.Random(7)
    items = _items(rng, 5)
    level = _slip(items, 0.0)
    assert [r.text for r in page_rows(level)] == [f"{label} {amount}" for label, amount in items]
    lone = _slip([(label, "") for label, _ in items], 0.03)
    assert [r.text for r in page_rows(lone)] == [label for label, _ in items]

