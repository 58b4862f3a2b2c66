"""The kind of page a till prints: a slip of roll paper, whatever words it prints.

A till prints on a roll 57 or 80 mm wide: 32 to 48 characters a line, one narrow column of rows however long
the slip. A page of A4 or A5 paper holds 80 characters a line and more. Till slips print the lines of a
sale at the till, too: what was handed over, the change, the rounding, the cashier, a tax summary, thanks
(``tendered``, ``change``, ``rounding`` and ``till`` in ``data/labels.*.toml``). A slip that calls itself a
tax invoice («TAX INVOICE», «Invoice No: …» over its sale) is a receipt all the same: only the shift's report
a till prints (Z-report, sales report) is another type on roll paper.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from classify._labels import either
from classify._layout import Row

ROLL_CHARS = 60  # at most this many characters across: roll paper (57 mm: 32, 80 mm: 48; A4: 80 and more)
SLIP_ROWS = 6  # a slip of roll paper prints a sale in this many rows or more
SPAN = 0.02  # the print's width is taken between these quantiles of its words' edges (a speck is no print)
# a row a till prints of a sale: tendered, change, rounding, cashier, tax summary, thanks
_TILL_LINE = re.compile("|".join(f"(?:{either(group)})" for group in ("tendered", "change", "rounding", "till")))
SLIP_TYPES = frozenset({"receipt", "z_report", "sales_report"})  # what a till prints on roll paper


def characters_across(rows: Sequence[Row]) -> float | None:
    """How many characters wide the first page's print is (the span of its words' edges over their median
    character's width), or None with too few words to tell."""
    if not rows:
        return None
    words = [w for r in rows if r.page == rows[0].page for w in r.words if sum(ch.isalnum() for ch in w.text) >= 2]
    if len(words) < 2 * SLIP_ROWS:
        return None
    char = statistics.median((w.box[2] - w.box[0]) / len(w.text) for w in words)
    lefts, rights = sorted(w.box[0] for w in words), sorted(w.box[2] for w in words)
    cut = int(SPAN * len(words))
    width = rights[len(words) - 1 - cut] - lefts[cut]
    return width / char if char > 0 else None


def till_slip(rows: Sequence[Row]) -> bool:
    """Whether the document is a till's slip: its first page's print one column of roll paper's width, in
    :data:`SLIP_ROWS` rows or more, with a line of a sale at a till among them."""
    on_page = [r for r in rows if rows and r.page == rows[0].page]
    across = characters_across(on_page)
    if across is None or across > ROLL_CHARS or len(on_page) < SLIP_ROWS:
        return False
    return any(_TILL_LINE.search(r.folded) for r in on_page)
