"""Rows of words rebuilt from OCR boxes, so that a label finds the value to its right or below it.

Tesseract splits a page into blocks; a label in one column and its value in another come out as
separate lines. :func:`rows` joins the lines whose boxes share a band of the page into one row,
left to right, and keeps for each character of the row's text the word it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from capture.types import Box, OcrWord, PageText

from classify.normalise import fold_text


@dataclass(frozen=True)
class Row:
    page: int  # 1-based
    index: int  # row number within the document (all pages)
    words: tuple[OcrWord, ...]
    text: str
    folded: str  # fold_text(text): same length as text
    starts: tuple[int, ...]  # offset of each word in text

    @property
    def box(self) -> Box:
        return _union([w.box for w in self.words])

    def span(self, start: int, end: int) -> tuple[Box | None, float]:
        """The box and the lowest confidence of the words covering text[start:end]."""
        picked = [w for w, s in zip(self.words, self.starts, strict=True) if s < end and s + len(w.text) > start]
        if not picked:
            return None, 0.0
        return _union([w.box for w in picked]), min(w.confidence for w in picked)

    def words_in(self, x0: int, x1: int) -> str:
        """The text of this row's words that overlap the band x0..x1."""
        return " ".join(w.text for w in self.words if w.box[2] > x0 and w.box[0] < x1)


COLUMN_GAP = 2.0  # a gap wider than this many line heights between two words of a row parts two columns


def starts_column(row: Row, at: int) -> bool:
    """Whether the word at text offset ``at`` of ``row`` begins the row or a column of it: the row joins text
    of the same band across the page («документ   Продавец: …» beside a УПД's status box), and a gap wider
    than :data:`COLUMN_GAP` line heights before the word parts it from the column on its left."""
    index = max((n for n, s in enumerate(row.starts) if s <= at), default=0)
    if index == 0:
        return True
    word, before = row.words[index].box, row.words[index - 1].box
    height = max(word[3] - word[1], 1)
    return word[0] - before[2] > COLUMN_GAP * height


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _once(words: Sequence[OcrWord]) -> list[OcrWord]:
    """The page's words with a word given twice (the same text in the same box: one reading merged into the page's
    twice, once on no line of its own) kept once, on its line: two printed words never share one box."""
    placed = {(w.text, w.box) for w in words if w.line >= 0}
    seen: set[tuple[str, Box]] = set()
    out = []
    for w in words:
        key = (w.text, w.box)
        if key in seen or (w.line < 0 and key in placed):
            continue
        seen.add(key)
        out.append(w)
    return out


def _lines(page: PageText) -> list[list[OcrWord]]:
    lines: list[list[OcrWord]] = []
    last = None
    for word in _once(page.words):
        if not word.text.strip():
            continue
        key = (word.block, word.line)
        if key != last:
            lines.append([])
            last = key
        lines[-1].append(word)
    return lines


def _same_band(a: Box, b: Box) -> bool:
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    overlap = bottom - top
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _turn(page: PageText) -> Callable[[Box], Box]:
    """How to turn boxes upright when tesseract read the page's text running down or up the page
    (a scan turned 90° that was not turned back): lines of tall, narrow word boxes."""
    long = [w for w in page.words if len(w.text) >= 3]
    tall = [w for w in long if (w.box[3] - w.box[1]) > 1.5 * (w.box[2] - w.box[0])]
    if not long or len(tall) < 0.6 * len(long):
        return lambda b: b
    down = 0
    for line in _lines(page):
        if len(line) > 1:
            down += 1 if line[-1].box[1] > line[0].box[1] else -1
    width, height = page.width, page.height
    if down >= 0:  # reads top to bottom, lines follow leftwards
        return lambda b: (b[1], width - b[2], b[3], width - b[0])
    return lambda b: (height - b[3], b[0], height - b[1], b[2])  # reads bottom to top


MIN_SLANT_PAIRS = 3  # side-by-side lines needed to measure a page's slant


def _slant(boxes: Sequence[Box]) -> float:
    """How far a page's rows fall (or rise) per unit of width, from the lines that stand side by side on it:
    the median of their centres' slopes (a receipt photographed or fed askew: a label on the left and its
    amount on the right a third of a row lower). 0.0 when fewer than :data:`MIN_SLANT_PAIRS` pairs show it."""
    by_y = sorted((b for b in boxes if b[3] > b[1]), key=lambda b: b[1] + b[3])
    slopes = []
    for n, a in enumerate(by_y):
        ha = a[3] - a[1]
        for b in by_y[n + 1:]:  # a line to the right of a, at most one line height lower
            hb = b[3] - b[1]
            dy = (b[1] + b[3] - a[1] - a[3]) / 2
            if dy >= 0.75 * ha:
                break
            pair = (a, b) if a[2] <= b[0] else (b, a) if b[2] <= a[0] else None
            if pair is None or max(ha, hb) > 1.5 * min(ha, hb) or dy >= 0.75 * min(ha, hb):
                continue
            left, right = pair
            dx = (right[0] + right[2] - left[0] - left[2]) / 2
            if dx > 2 * min(ha, hb):
                slopes.append((right[1] + right[3] - left[1] - left[3]) / 2 / dx)
    if len(slopes) < MIN_SLANT_PAIRS:
        return 0.0
    slopes.sort()
    return slopes[len(slopes) // 2]


def page_rows(page: PageText, first_index: int = 0) -> list[Row]:
    """The page's rows, top to bottom; words of each row left to right (boxes stay as read; rows are
    grouped as if the page's lines ran level, :func:`_slant`)."""
    turn = _turn(page)
    geo: dict[int, Box] = {id(w): turn(w.box) for w in page.words}
    lines = _lines(page)
    slant = _slant([_union([geo[id(w)] for w in line]) for line in lines])
    if slant:
        for line in lines:
            box = _union([geo[id(w)] for w in line])
            for w in line:
                g = geo[id(w)]
                dy = round(slant * (box[0] + box[2]) / 2)
                geo[id(w)] = (g[0], g[1] - dy, g[2], g[3] - dy)
    bands: list[tuple[Box, list[OcrWord]]] = []
    for line in sorted(lines, key=lambda ws: _union([geo[id(w)] for w in ws])[1]):
        box = _union([geo[id(w)] for w in line])
        for n, (band, words) in enumerate(bands):
            clash = any(geo[id(w)][0] < box[2] and geo[id(w)][2] > box[0] for w in words)
            if _same_band(band, box) and not clash:
                bands[n] = (_union([band, box]), words + line)
                break
        else:
            bands.append((box, list(line)))
    bands.sort(key=lambda b: (b[0][1] + b[0][3]) / 2)
    rows = []
    for n, (_, words) in enumerate(bands):
        words.sort(key=lambda w: geo[id(w)][0])
        rows.append(make_row(Row(page.number, first_index + n, (), "", "", ()), words))
    return rows


def make_row(row: Row, words: Sequence[OcrWord]) -> Row:
    """``row`` with ``words`` for its words (their texts put right), its text and offsets made again."""
    starts, offset = [], 0
    for w in words:
        starts.append(offset)
        offset += len(w.text) + 1
    text = " ".join(w.text for w in words)
    return Row(row.page, row.index, tuple(words), text, fold_text(text), tuple(starts))


def document_rows(pages: Sequence[PageText]) -> list[Row]:
    out: list[Row] = []
    for page in pages:
        if page.error or not page.words:
            continue
        out.extend(page_rows(page, len(out)))
    return out
