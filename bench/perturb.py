"""Robustness of a till slip's date and total to the kinds of error OCR makes, measured by perturbation.

The held half of SROIE shows misreadings the tuning half no longer does; its misses are never looked at. Instead
this harness takes the cached readings (``bench/out/ocr-cache``, as ``bench/accuracy.py --cached-only`` fills it)
of receipts that may be tuned on — SROIE's TUNING half and ``../shared/bench/sroie-train`` (training data) — and
puts into the rows that hold the date and the total (and the rows about them) one seeded corruption of a kind OCR
or a till's print makes, then extracts again through the product's path (``classify.analyse``, then
``archive.reading.settle``, as ``extract`` gives it).

Only a receipt whose clean reading gives the field right is corrupted for that field (the corruption, not an
earlier miss, is measured); each kind is scored per field as **correct**, **absent** (left out; a key field not
found is flagged for review) or **wrong**. The goal is no wrong: a kind is read, or left out.

Where the value is: the clean extraction's field names its row and the text it was read from (``raw``); the page
is rebuilt from its rows (:func:`classify._layout.page_rows`) one line a row, words keeping their boxes and
confidences; ``none`` is that rebuild alone (the control). An edit of a row's text re-splits the words it touches
at the spaces and shares out their box by characters; a row put in goes under another one line height lower, the
rows below moved down.

Kinds (date): ``lookalike`` (one digit read as a letter of its shape: 0/O/D, 1/l/I/|, 5/S, 8/B, 2/Z, 6/b),
``sep_dropped``, ``sep_doubled``, ``space_inside`` (a space read inside a part), ``year2`` (the year in two digits),
``glued_time`` (the date run into its time, «12/05/201815:30»), ``iso`` (YYYY-MM-DD), ``dmy_dash_yy`` (DD-MM-YY),
``named`` (DD MMM YYYY), ``month_misread`` (DD MMM YYYY, a letter of the month read as its look-alike: JAN → JAM),
``mdy_valid`` (MM/DD/YYYY where the day is over 12, so only one order is a date), ``nearby_noise`` (look-alikes in
the rows about the date, not in it).
Kinds (total): ``lookalike``, ``space_inside``, ``point_lost`` («1250»), ``comma_point`` («12,50»),
``label_digit`` (TOTAL → T0TAL, TOTA1, TOTAI), ``label_cut`` (its last letter lost: «Grand Tota»),
``label_words`` («Total Amt»), ``currency_glued`` («RM12.50»), ``split_below`` (the amount on a row of its own under
the label), ``far_right`` (the amount at the print's right edge, far from its label), ``rounding_adj`` (the total
printed a cent or two off, a «Rounding Adj» row under it), ``rounded_row`` (the same and a «Total Rounded» row with
the amount due), ``cash_change`` («Cash» and «Change» rows under the total), ``gst_summary`` (a tax summary under
the total: «GST Summary», «SR @ 6%», «Total» with the net and the tax), ``nearby_noise``.

    .venv/bin/python bench/perturb.py                 # every kind, both sets, one variant a receipt
    .venv/bin/python bench/perturb.py --variants 3 --kind total/lookalike -v   # list what went wrong
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import accuracy  # noqa: E402  (bench/accuracy.py: the sets, their halves and the OCR cache)

from capture.types import OcrWord, PageText  # noqa: E402

Box = tuple[int, int, int, int]
Word = list  # [text, confidence, box]
Rows = list[list[Word]]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# what OCR reads for a digit (the harness's own list of the kinds, not the product's table)
DIGIT_ALIKES = {"0": "OD", "1": "lI|", "5": "S", "8": "B", "2": "Z", "6": "b"}
LETTER_ALIKES = {"O": "0", "I": "1", "S": "5", "B": "8", "l": "1", "o": "0"}
MONTH_ALIKES = {"M": "N", "N": "M", "U": "V", "V": "U", "O": "0", "C": "G", "G": "C", "E": "F", "B": "8", "S": "5",
                "L": "I", "P": "F", "A": "4"}


# -- a page as editable rows -----------------------------------------------------------------------
def to_rows(page: PageText) -> Rows:
    from classify._layout import page_rows

    return [[[w.text, w.confidence, tuple(w.box)] for w in row.words] for row in page_rows(page)]


def to_page(page: PageText, rows: Rows) -> PageText:
    words = tuple(OcrWord(t, c, tuple(b), n, 0) for n, row in enumerate(rows) for t, c, b in row if t.strip())
    height = max([page.height] + [b[3] + 10 for row in rows for _, _, b in row])
    return PageText(page.number, page.width, height, words, source=page.source, codes=page.codes)


def text_of(row: list[Word]) -> str:
    return " ".join(w[0] for w in row)


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _spread(text: str, box: Box, conf: float) -> list[Word]:
    """``text``'s words with ``box`` shared out among them by characters."""
    out = []
    n = max(len(text), 1)
    width = box[2] - box[0]
    for m in re.finditer(r"\S+", text):
        x0 = box[0] + round(width * m.start() / n)
        x1 = box[0] + max(round(width * m.end() / n), 1 + round(width * m.start() / n))
        out.append([m.group(), conf, (x0, box[1], x1, box[3])])
    return out


def edit(row: list[Word], s: int, e: int, new: str) -> list[Word]:
    """The row with ``text[s:e]`` put as ``new``: the words it touches re-split, their box shared out."""
    starts, at = [], 0
    for w in row:
        starts.append(at)
        at += len(w[0]) + 1
    hit = [i for i, st in enumerate(starts) if st < max(e, s + 1) and st + len(row[i][0]) > s]
    if not hit:  # an insertion between words: into the word before
        hit = [max(i for i, st in enumerate(starts) if st <= s)]
    first, last = hit[0], hit[-1]
    head = row[first][0][:max(0, s - starts[first])]
    tail = row[last][0][max(0, e - starts[last]):]
    box = _union([row[i][2] for i in hit])
    conf = min(row[i][1] for i in hit)
    return row[:first] + _spread(head + new + tail, box, conf) + row[last + 1:]


def char_width(rows: Rows) -> float:
    widths = [(b[2] - b[0]) / len(t) for row in rows for t, _, b in row if len(t) >= 3]
    return statistics.median(widths) if widths else 20.0


def insert_row(rows: Rows, after: int, text: str, *, right: bool = False, x: int | None = None) -> int:
    """A new row of ``text`` under row ``after`` (left-aligned with it, or right-aligned with ``right``), the rows
    below moved down a line; the new row's index."""
    ref = _union([w[2] for w in rows[after]])
    h = ref[3] - ref[1]
    gap = max(h // 3, 2)
    shift = h + gap
    for row in rows[after + 1:]:
        for w in row:
            b = w[2]
            w[2] = (b[0], b[1] + shift, b[2], b[3] + shift)
    cw = char_width(rows)
    length = round(cw * len(text))
    x0 = x if x is not None else (ref[2] - length if right else ref[0])
    box = (x0, ref[3] + gap, x0 + length, ref[3] + gap + h)
    rows.insert(after + 1, _spread(text, box, 0.9))
    return after + 1


def print_right(rows: Rows) -> int:
    return max(b[2] for row in rows for _, _, b in row)


# -- where the value is ----------------------------------------------------------------------------
@dataclass
class Spot:
    row: int
    start: int
    end: int


def locate(rows: Rows, fv) -> Spot | None:
    """The row and characters the extraction read ``fv`` from (its ``raw`` inside a row its box overlaps)."""
    if fv is None or not fv.raw or fv.box is None:
        return None
    _, y0, _, y1 = fv.box
    for n, row in enumerate(rows):
        rb = _union([w[2] for w in row])
        if rb[1] > y1 or rb[3] < y0:
            continue
        text = text_of(row)
        for m in re.finditer(re.escape(fv.raw), text):
            return Spot(n, m.start(), m.end())
    return None


# -- the kinds -------------------------------------------------------------------------------------
Kind = Callable[[Rows, Spot, str, random.Random], bool]  # edits rows in place; False: not applicable


def _swap_one(text: str, rng: random.Random, table: dict[str, str]) -> str | None:
    spots = [i for i, ch in enumerate(text) if ch in table]
    if not spots:
        return None
    i = rng.choice(spots)
    return text[:i] + rng.choice(table[text[i]]) + text[i + 1:]


def _put(rows: Rows, spot: Spot, new: str) -> None:
    rows[spot.row] = edit(rows[spot.row], spot.start, spot.end, new)


def _noise_about(rows: Rows, spot: Spot, rng: random.Random) -> bool:
    """Look-alikes read in the rows about the value (two above, two below), not in the value's row."""
    done = False
    for n in range(max(0, spot.row - 2), min(len(rows), spot.row + 3)):
        if n == spot.row:
            continue
        for w in rows[n]:
            if rng.random() < 0.4 and (new := _swap_one(w[0], rng, LETTER_ALIKES | DIGIT_ALIKES)):
                w[0] = new
                done = True
    return done


def _date_parts(truth: str) -> tuple[int, int, int]:
    d = Date.fromisoformat(truth)
    return d.day, d.month, d.year


def _printed_sep(raw: str) -> str:
    m = re.search(r"\d([/.\-])\d", raw)
    return m.group(1) if m else "/"


def d_lookalike(rows, spot, truth, rng):
    raw = text_of(rows[spot.row])[spot.start:spot.end]
    new = _swap_one(raw, rng, DIGIT_ALIKES)
    if new is None:
        return False
    _put(rows, spot, new)
    return True


def _separator(rows: Rows, spot: Spot, rng: random.Random, *, doubled: bool) -> bool:
    raw = text_of(rows[spot.row])[spot.start:spot.end]
    seps = [m.start() for m in re.finditer(r"(?<=\d)[/.\-](?=\d)", raw)]
    if not seps:
        return False
    i = rng.choice(seps)
    _put(rows, spot, raw[:i] + (raw[i] + raw[i:] if doubled else raw[i + 1:]))
    return True


def d_sep_dropped(rows, spot, truth, rng):
    return _separator(rows, spot, rng, doubled=False)


def d_sep_doubled(rows, spot, truth, rng):
    return _separator(rows, spot, rng, doubled=True)


def _space_at(rows, spot, raw, places, rng):
    """A space put in ``raw`` at one of the places the pattern ``places`` matches (none: nothing done)."""
    inside = [m.start() for m in re.finditer(places, raw)]
    if not inside:
        return False
    i = rng.choice(inside)
    _put(rows, spot, raw[:i] + " " + raw[i:])
    return True


def d_space_inside(rows, spot, truth, rng):
    return _space_at(rows, spot, text_of(rows[spot.row])[spot.start:spot.end], r"(?<=\d)(?=\d)", rng)


def d_year2(rows, spot, truth, rng):
    d, m, y = _date_parts(truth)
    raw = text_of(rows[spot.row])[spot.start:spot.end]
    sep = _printed_sep(raw)
    _put(rows, spot, f"{d:02d}{sep}{m:02d}{sep}{y % 100:02d}")
    return True


_TIME = re.compile(r"\s+(\d{1,2}:\d{2}(?::\d{2})?)")


def d_glued_time(rows, spot, truth, rng):
    d, m, y = _date_parts(truth)
    text = text_of(rows[spot.row])
    sep = _printed_sep(text[spot.start:spot.end])
    after = _TIME.match(text, spot.end)
    if after:
        rows[spot.row] = edit(rows[spot.row], spot.start, after.end(), f"{d:02d}{sep}{m:02d}{sep}{y}{after.group(1)}")
    else:
        _put(rows, spot, f"{d:02d}{sep}{m:02d}{sep}{y}{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}")
    return True


def d_iso(rows, spot, truth, rng):
    _put(rows, spot, truth)
    return True


def d_dmy_dash_yy(rows, spot, truth, rng):
    d, m, y = _date_parts(truth)
    _put(rows, spot, f"{d:02d}-{m:02d}-{y % 100:02d}")
    return True


def d_named(rows, spot, truth, rng):
    d, m, y = _date_parts(truth)
    _put(rows, spot, f"{d:02d} {MONTHS[m - 1]} {y}")
    return True


def d_month_misread(rows, spot, truth, rng):
    d, m, y = _date_parts(truth)
    name = _swap_one(MONTHS[m - 1], rng, MONTH_ALIKES)
    if not name:
        return False
    _put(rows, spot, f"{d:02d} {name} {y}")
    return True


def d_mdy_valid(rows, spot, truth, rng):
    d, m, y = _date_parts(truth)
    if d <= 12:
        return False  # both orders are dates: which one a till meant is not in the print
    _put(rows, spot, f"{m:02d}/{d:02d}/{y}")
    return True


def d_nearby_noise(rows, spot, truth, rng):
    return _noise_about(rows, spot, rng)


def _amount(rows: Rows, spot: Spot) -> str:
    return text_of(rows[spot.row])[spot.start:spot.end]


def t_lookalike(rows, spot, truth, rng):
    new = _swap_one(_amount(rows, spot), rng, DIGIT_ALIKES)
    if new is None:
        return False
    _put(rows, spot, new)
    return True


def t_space_inside(rows, spot, truth, rng):
    return _space_at(rows, spot, _amount(rows, spot), r"(?<=\d)(?=\d)|(?<=\d)(?=[.,]\d)|(?<=[.,])(?=\d)", rng)


def t_point_lost(rows, spot, truth, rng):
    raw = _amount(rows, spot)
    m = re.search(r"[.,](?=\d{2}\b)", raw)
    if not m:
        return False
    _put(rows, spot, raw[:m.start()] + raw[m.end():])
    return True


def t_comma_point(rows, spot, truth, rng):
    raw = _amount(rows, spot)
    m = re.search(r"\.(?=\d{2}\b)", raw)
    if not m:
        return False
    _put(rows, spot, raw[:m.start()] + "," + raw[m.end():])
    return True


_TOTAL_WORD = re.compile(r"(?i)total")


def _label(rows: Rows, spot: Spot) -> re.Match[str] | None:
    text = text_of(rows[spot.row])
    found = list(_TOTAL_WORD.finditer(text[:spot.start]))
    return found[-1] if found else None


def t_label_digit(rows, spot, truth, rng):
    m = _label(rows, spot)
    if not m:
        return False
    word = m.group()
    spots = [i for i, ch in enumerate(word) if ch in "oOlL"]
    i = rng.choice(spots)
    ch = word[i]
    new = word[:i] + ("0" if ch in "oO" else rng.choice("1I")) + word[i + 1:]
    rows[spot.row] = edit(rows[spot.row], m.start(), m.end(), new)
    return True


def t_label_cut(rows, spot, truth, rng):
    m = _label(rows, spot)
    if not m:
        return False
    rows[spot.row] = edit(rows[spot.row], m.end() - 1, m.end(), "")
    return True


def t_label_words(rows, spot, truth, rng):
    text = text_of(rows[spot.row])
    m = re.match(r"\s*(\S.*?)\s*(?:\(?(?:RM|MYR)\)?\s*)?$", text[:spot.start], re.IGNORECASE)
    if not m or not _TOTAL_WORD.search(m.group(1)):
        return False
    label = "TOTAL AMT" if m.group(1).isupper() else "Total Amt"
    rows[spot.row] = edit(rows[spot.row], m.start(1), m.end(1), label + (" :" if ":" in m.group(1) else ""))
    return True


def t_currency_glued(rows, spot, truth, rng):
    text = text_of(rows[spot.row])
    m = re.search(r"(?i)(rm)\s+$", text[:spot.start])
    if re.search(r"(?i)rm$", text[:spot.start]):
        return False  # glued already
    if m:
        rows[spot.row] = edit(rows[spot.row], m.start(), spot.end, m.group(1) + _amount(rows, spot))
    else:
        _put(rows, spot, "RM" + _amount(rows, spot))
    return True


def _cut_out(rows: Rows, spot: Spot) -> tuple[list[Word], list[Word]] | None:
    """The row's words before the amount and the amount's words (the amount a word or more of its own)."""
    row = rows[spot.row]
    starts, at = [], 0
    for w in row:
        starts.append(at)
        at += len(w[0]) + 1
    if spot.start not in starts:
        return None
    i = starts.index(spot.start)
    j = max(k for k, st in enumerate(starts) if st < spot.end)
    while j + 1 < len(row) and re.fullmatch(r"[\d.,]{1,2}", row[j + 1][0]):
        j += 1  # a piece of the amount OCR read apart («62.6 0»)
    if i == 0:
        return None
    return row[:i], row[i:j + 1]


def t_split_below(rows, spot, truth, rng):
    cut = _cut_out(rows, spot)
    if cut is None:
        return False
    label, amount = cut
    rest = rows[spot.row][len(label) + len(amount):]
    rows[spot.row] = label + rest
    n = insert_row(rows, spot.row, " ".join(w[0] for w in amount), right=True)
    right = _union([w[2] for w in amount])[2]
    shift = right - _union([w[2] for w in rows[n]])[2]
    for w in rows[n]:
        b = w[2]
        w[2] = (b[0] + shift, b[1], b[2] + shift, b[3])
    return True


def t_far_right(rows, spot, truth, rng):
    cut = _cut_out(rows, spot)
    if cut is None:
        return False
    _, amount = cut
    edge = print_right(rows) + round(6 * char_width(rows))
    shift = edge - _union([w[2] for w in amount])[2]
    for w in amount:
        b = w[2]
        w[2] = (b[0] + shift, b[1], b[2] + shift, b[3])
    return True


def _money(v: Decimal) -> str:
    return f"{v:.2f}"


def _next_row_label(rows: Rows, spot: Spot) -> bool:
    return _cut_out(rows, spot) is not None


def _rounding(rows, spot, truth, rng, with_row: bool) -> bool:
    if not _next_row_label(rows, spot):
        return False
    t = Decimal(truth)
    delta = Decimal(rng.choice(("0.01", "0.02", "-0.01", "-0.02")))
    if t + delta <= 0:
        return False
    _put(rows, spot, _money(t + delta))
    n = insert_row(rows, spot.row, f"Rounding Adj {_money(-delta)}")
    if with_row:
        insert_row(rows, n, f"Total Rounded {_money(t)}")
    return True


def t_rounding_adj(rows, spot, truth, rng):
    return _rounding(rows, spot, truth, rng, False)


def t_rounded_row(rows, spot, truth, rng):
    return _rounding(rows, spot, truth, rng, True)


def t_cash_change(rows, spot, truth, rng):
    t = Decimal(truth)
    step = Decimal(rng.choice((10, 50, 100)))
    cash = (t // step + 1) * step
    n = insert_row(rows, spot.row, f"CASH {_money(cash)}")
    insert_row(rows, n, f"CHANGE {_money(cash - t)}")
    return True


def t_gst_summary(rows, spot, truth, rng):
    t = Decimal(truth)
    net = (t / Decimal("1.06")).quantize(Decimal("0.01"))
    tax = t - net
    at = spot.row  # under the rows of the sale's end that follow the total (rounding, cash, change)
    while at + 1 < len(rows) and at < spot.row + 4 and re.search(r"(?i)round|cash|change|paid|tender",
                                                                 text_of(rows[at + 1])):
        at += 1
    n = insert_row(rows, at, "GST Summary Amount(RM) Tax(RM)")
    n = insert_row(rows, n, f"SR @ 6% {_money(net)} {_money(tax)}")
    insert_row(rows, n, f"Total : {_money(net)} {_money(tax)}")
    return True


def t_nearby_noise(rows, spot, truth, rng):
    return _noise_about(rows, spot, rng)


KINDS: dict[str, Kind] = {
    "date/none": lambda rows, spot, truth, rng: True,
    "date/lookalike": d_lookalike, "date/sep_dropped": d_sep_dropped, "date/sep_doubled": d_sep_doubled,
    "date/space_inside": d_space_inside, "date/year2": d_year2, "date/glued_time": d_glued_time, "date/iso": d_iso,
    "date/dmy_dash_yy": d_dmy_dash_yy, "date/named": d_named, "date/month_misread": d_month_misread,
    "date/mdy_valid": d_mdy_valid, "date/nearby_noise": d_nearby_noise,
    "total/none": lambda rows, spot, truth, rng: True,
    "total/lookalike": t_lookalike, "total/space_inside": t_space_inside, "total/point_lost": t_point_lost,
    "total/comma_point": t_comma_point, "total/label_digit": t_label_digit, "total/label_cut": t_label_cut,
    "total/label_words": t_label_words, "total/currency_glued": t_currency_glued, "total/split_below": t_split_below,
    "total/far_right": t_far_right, "total/rounding_adj": t_rounding_adj, "total/rounded_row": t_rounded_row,
    "total/cash_change": t_cash_change, "total/gst_summary": t_gst_summary, "total/nearby_noise": t_nearby_noise,
}


# -- running ---------------------------------------------------------------------------------------
def _extract(pages: Sequence[PageText]):
    import classify
    from archive.reading import settle

    return settle(classify.analyse(pages, model=_model())).extraction


_MODEL: list = []


def _model():
    if not _MODEL:
        import classify

        _MODEL.append(classify.default_classifier())
    return _MODEL[0]


def base_cases() -> list[tuple[str, accuracy.Case]]:
    out = []
    for name, half in (("sroie", "tuning"), ("sroie-train", "all")):
        where, make, _ = accuracy.SETS[name]
        cases = make(where())
        halves = accuracy.half_of(cases)
        out += [(name, c) for c in accuracy.in_half(cases, half, halves)]
    return out


def _job(args: tuple[str, accuracy.Case, list[str], int]) -> list[tuple[str, str, str, str]]:
    """(kind, outcome, case, detail) for every kind on one case."""
    set_name, case, kinds, variants = args
    pages = accuracy.cached_pages(case)
    if not pages or len(pages) != 1 or pages[0].error:
        return []
    page = pages[0]
    clean = _extract(pages)
    out = []
    for kind in kinds:
        field = kind.split("/")[0]
        truth = case.fields.get(field)
        fv = clean.fields.get(field)
        if truth is None or fv is None or not accuracy._same_field(field, truth, fv.value):
            continue  # only a field read right before is corrupted
        base = to_rows(page)
        spot = locate(base, fv)
        if spot is None:
            continue
        for v in range(variants):
            seed = int(hashlib.sha256(f"{case.path.name}:{kind}:{v}".encode()).hexdigest()[:12], 16)
            rng = random.Random(seed)
            rows = [[list(w) for w in row] for row in base]
            if not KINDS[kind](rows, spot, truth, rng):
                break
            got = _extract([to_page(page, rows)]).fields.get(field)
            outcome = ("absent" if got is None else
                       "correct" if accuracy._same_field(field, truth, got.value) else "wrong")
            row_text = text_of(rows[min(spot.row, len(rows) - 1)])
            context = " / ".join(text_of(r) for r in rows[max(0, spot.row - 1):spot.row + 4])
            out.append((kind, outcome, f"{set_name}:{case.path.stem}",
                        f"want {truth} got {got.value if got else None} | {row_text} || {context}"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", action="append", help="kinds to run (default: every kind); a prefix, e.g. date/")
    parser.add_argument("--variants", type=int, default=1, help="seeded corruptions of each kind a receipt")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every wrong value (and absent with -vv)")
    parser.add_argument("--vv", action="store_true", help="list absent values too")
    args = parser.parse_args(argv)
    kinds = [k for k in KINDS if not args.kind or any(k.startswith(p) for p in args.kind)]
    cases = base_cases()
    jobs = [(name, c, kinds, args.variants) for name, c in cases]
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    listed: list[str] = []
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(_job, jobs, chunksize=4))
    else:
        results = [_job(j) for j in jobs]
    for result in results:
        for kind, outcome, case, detail in result:
            tally[kind][outcome] += 1
            if (outcome == "wrong" and args.verbose) or (outcome == "absent" and args.vv):
                listed.append(f"{kind:<22} {outcome:<6} {case}: {detail}")
    print(f"{len(cases)} receipts (SROIE tuning half and sroie-train), {args.variants} variant(s) a kind\n")
    print("| kind | correct | absent | wrong |\n| --- | ---: | ---: | ---: |")
    sums: dict[str, Counter[str]] = defaultdict(Counter)
    for kind in kinds:
        t = tally[kind]
        print(f"| {kind} | {t['correct']} | {t['absent']} | {t['wrong']} |")
        if not kind.endswith("/none"):
            sums[kind.split("/")[0]].update(t)
    for field, t in sums.items():
        print(f"| **{field}, all kinds** | {t['correct']} | {t['absent']} | {t['wrong']} |")
    for line in listed:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
