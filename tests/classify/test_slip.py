"""A till's slip of roll paper is a receipt whatever it calls itself (generated slips with made-up shops)."""

from __future__ import annotations

import random

import pytest

from classify import analyse
from classify._slip import ROLL_CHARS, characters_across, till_slip
from classify.extract import make_doc
from tests.classify.pagetext import CHAR_W, LINE_H, page

SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vek", "do", "ri", "pan", "zo", "lim")
# what a till prints at the head of a sale that names another type, as slips of shops print it
HEADINGS = ("TAX INVOICE", "INVOICE", "Invoice No: {n}", "INVOICE NO : {n}", "Cash Inv No.: {n}",
            "TAX INVOICE / ADJUSTMENT NOTE")
# the lines of a sale at a till (each slip prints a few of them)
TILL_LINES = ("Cashier: {name}", "CASH {paid}", "CHANGE {change}", "Rounding 0.00", "GST Summary",
              "Thank you, please come again", "Total Qty: {qty}")


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).upper()


def _slip_lines(rng: random.Random) -> list[tuple[str, str]]:
    """A sale at a till as (left, right) columns: letterhead, a heading naming an invoice, items, payments."""
    total = 0.0
    lines: list[tuple[str, str]] = [(f"{_name(rng)} {_name(rng)} SDN BHD", ""),
                                    (f"NO {rng.randint(2, 99)}, JALAN {_name(rng)}", ""),
                                    (f"{rng.randint(10000, 99999)} {_name(rng)}", ""),
                                    (rng.choice(HEADINGS).format(n=rng.randint(1000, 99999)), ""),
                                    (f"Date: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026", "")]
    for _ in range(rng.randint(2, 6)):
        price = rng.randint(100, 5000) / 100
        total += price
        lines.append((f"{_name(rng)} {rng.randint(1, 3)}x", f"{price:.2f}"))
    paid = float(int(total) + 10)
    lines.append(("TOTAL", f"{total:.2f}"))
    values = {"name": _name(rng).title(), "paid": f"{paid:.2f}", "change": f"{paid - total:.2f}",
              "qty": str(len(lines) - 6)}
    for line in rng.sample(TILL_LINES, 3):
        left, _, right = line.format(**values).rpartition(" ") if "{paid}" in line or "{change}" in line else (
            line.format(**values), "", "")
        lines.append((left, right))
    return lines


def _laid_out(lines: list[tuple[str, str]], width: int):
    """The lines printed ``width`` characters across: each amount flush right."""
    runs = []
    for n, (left, right) in enumerate(lines):
        y = 100 + n * LINE_H
        runs.append((40, y, left))
        if right:
            runs.append((40 + (width - len(right)) * CHAR_W, y, right))
    return page(runs, block_per_column=False)


@pytest.mark.parametrize("seed", range(20))
def test_a_slip_that_names_an_invoice_is_a_receipt(seed: int) -> None:
    rng = random.Random(seed)
    pages = [_laid_out(_slip_lines(rng), rng.choice((32, 42, 48)))]
    assert till_slip(make_doc(pages).rows)
    got = analyse(pages)
    assert got.doc_type == "receipt"
    assert got.confidence >= 0.55  # trusted, not sent to review for the word «invoice»


@pytest.mark.parametrize("seed", range(5))
def test_the_same_lines_across_a_sheet_are_no_slip(seed: int) -> None:
    rng = random.Random(seed)
    rows = make_doc([_laid_out(_slip_lines(rng), 100)]).rows  # an A4 page: 80 characters a line and more
    across = characters_across(rows)
    assert across is not None and across > ROLL_CHARS
    assert not till_slip(rows)


def test_a_narrow_page_with_no_line_of_a_sale_is_no_slip() -> None:
    rng = random.Random(7)
    lines = [(f"{_name(rng)} {_name(rng)} {_name(rng)}", "") for _ in range(12)]
    assert not till_slip(make_doc([_laid_out(lines, 40)]).rows)


def test_a_shift_report_on_roll_paper_stays_one() -> None:
    lines = [("ООО «ЛИМКА»", ""), ("ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ", ""), ("Смена № 12", ""), ("Кассир Петрова", ""),
             ("Чеков за смену", "41"), ("ПРИХОД", "12 400.00"), ("НАЛИЧНЫМИ", "5 200.00"),
             ("БЕЗНАЛИЧНЫМИ", "7 200.00"), ("ВЫРУЧКА", "12 400.00")]
    pages = [_laid_out(lines, 40)]
    assert till_slip(make_doc(pages).rows)
    assert analyse(pages).doc_type == "z_report"
