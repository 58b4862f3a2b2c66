"""What one verified document teaches: the supplier, its type, and where each field's value sits.

A value is found among the page's OCR words (the shortest run of words that reads as the verified
value); its anchor is the printed words before it on its row (direction ``right``) or, with none there,
the words over it in the rows above (direction ``below``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from capture.types import PageText

from classify._layout import Row
from classify.extract import make_doc
from classify.learned._values import (
    TEXT_FIELDS,
    full_shape,
    has_digit,
    label_token,
    parse_field,
    printed_words,
    same_value,
)

LESSON_FORMAT = 1  # the JSON a lesson is stored as; a lesson of another format is not read (train rebuilds it)
MAX_SPAN = 12  # words a value may take (a seller's name, an address)
MAX_LABEL = 3  # printed words kept as a value's anchor
ROWS_ABOVE = 2  # how far up a value's column heading may stand


@dataclass(frozen=True)
class Anchor:
    """Where a field's value sits: after (``right``) or under (``below``) the printed ``label``."""

    label: tuple[str, ...]  # label tokens (see label_token)
    direction: str  # "right" | "below"
    y: float  # the label's place down its page, in lines from the page's first printed line
    gap: float  # from the label's end to the value's start, in the row's heights (right) or rows (below)
    shape: str  # the value's shape as printed, character by character (see full_shape)
    words: int  # how many words the value took
    dx: float = 0.0  # from the label's start to the value's start, in line heights (below)

    def as_json(self) -> dict[str, Any]:
        return {"label": list(self.label), "direction": self.direction, "y": self.y, "gap": self.gap,
                "shape": self.shape, "words": self.words, "dx": self.dx}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Anchor:
        return cls(tuple(data["label"]), data["direction"], float(data["y"]), float(data["gap"]), data["shape"],
                   int(data["words"]), float(data.get("dx", 0.0)))


@dataclass(frozen=True)
class Lesson:
    document_id: int
    supplier_key: str  # "inn:<seller INN>" or "layout:<fingerprint>"
    supplier_name: str | None
    doc_type: str
    words: frozenset[str]  # the printed words (the layout's fingerprint)
    anchors: dict[str, Anchor] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # the verified values (kept for rebuilding)

    @property
    def inn(self) -> str | None:
        return self.supplier_key[4:] if self.supplier_key.startswith("inn:") else None

    def as_json(self) -> dict[str, Any]:
        return {"format": LESSON_FORMAT, "document_id": self.document_id, "supplier_key": self.supplier_key,
                "supplier_name": self.supplier_name, "doc_type": self.doc_type, "words": sorted(self.words),
                "anchors": {k: a.as_json() for k, a in self.anchors.items()}, "values": dict(self.values)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Lesson:
        if data.get("format") != LESSON_FORMAT:
            raise ValueError(f"a lesson of format {data.get('format')!r}; this version reads {LESSON_FORMAT}")
        return cls(int(data["document_id"]), data["supplier_key"], data.get("supplier_name"), data["doc_type"],
                   frozenset(data["words"]), {k: Anchor.from_json(a) for k, a in data["anchors"].items()},
                   dict(data.get("values") or {}))


def layout_key(words: frozenset[str]) -> str:
    digest = hashlib.sha1(" ".join(sorted(words)).encode("utf-8")).hexdigest()[:16]
    return f"layout:{digest}"


def page_lines(rows: Sequence[Row]) -> dict[int, tuple[int, float]]:
    """Per page: the top of its first printed line and its usual line height. A place down the page is
    counted in lines from there, which neither a cropped border nor a larger print changes."""
    out: dict[int, tuple[int, float]] = {}
    for page in {r.page for r in rows}:
        mine = [r for r in rows if r.page == page]
        heights = sorted(w.box[3] - w.box[1] for r in mine for w in r.words)
        out[page] = (min(r.box[1] for r in mine), float(max(1, heights[len(heights) // 2])))
    return out


def line_of(lines: Mapping[int, tuple[int, float]], page: int, y: int) -> float:
    top, height = lines[page]
    return round((y - top) / height, 2)


def _locate(rows: Sequence[Row], name: str, value: str) -> list[tuple[Row, int, int]]:
    """Every shortest run of words (row, first, past-last) that reads as ``value``."""
    found: list[tuple[Row, int, int]] = []
    numeric = name not in TEXT_FIELDS and name != "currency"
    for row in rows:
        words = row.words
        for i in range(len(words)):
            if numeric and not has_digit(words[i].text):
                continue  # a number, a date, an amount begins with a digit, or has one in its first word
            for j in range(i + 1, min(len(words), i + MAX_SPAN) + 1):
                text = " ".join(w.text for w in words[i:j])
                got = parse_field(name, text)
                if got is None or not same_value(name, got[0], value):
                    continue
                first_len = len(words[i].text)
                if got[1] < first_len and got[2] > len(text) - len(words[j - 1].text):
                    found.append((row, i, j))
                break
    return found


_RATE = re.compile(r"\(?\d{1,2}(?:[.,]\d)?\s?%\)?[:.]?")  # "Налог (20%):": a rate is part of its label


def _label_left(row: Row, first: int) -> tuple[str, ...]:
    tokens: list[str] = []
    height = max(1, row.box[3] - row.box[1])
    for k in range(first - 1, -1, -1):
        word = row.words[k]
        if has_digit(word.text) and not _RATE.fullmatch(word.text):
            break
        if k + 1 < len(row.words) and row.words[k + 1].box[0] - word.box[2] > 4 * height and tokens:
            break
        token = label_token(word.text)
        if token:
            tokens.insert(0, token)
        if len(tokens) >= MAX_LABEL:
            break
    return tuple(tokens)


def _anchor(rows: Sequence[Row], lines: Mapping[int, tuple[int, float]], row: Row, i: int, j: int
            ) -> Anchor | None:
    raw = " ".join(w.text for w in row.words[i:j])
    label = _label_left(row, i)
    if label:
        k = i - 1
        height = max(1, row.box[3] - row.box[1])
        gap = (row.words[i].box[0] - row.words[k].box[2]) / height
        y = line_of(lines, row.page, row.words[k].box[1])
        return Anchor(label, "right", y, round(gap, 2), full_shape(raw), j - i)
    x0, x1 = row.words[i].box[0], row.words[j - 1].box[2]
    for up in range(1, ROWS_ABOVE + 1):
        n = row.index - up
        if n < 0 or rows[n].page != row.page:
            break
        over = [w for w in rows[n].words if w.box[2] > x0 and w.box[0] < x1 and not has_digit(w.text)]
        tokens = tuple(t for t in (label_token(w.text) for w in over) if t)[:MAX_LABEL]
        if tokens:
            dx = round((x0 - over[0].box[0]) / lines[row.page][1], 2)
            return Anchor(tokens, "below", line_of(lines, row.page, over[0].box[1]), float(up), full_shape(raw), j - i,
                          dx)
    return None


def lesson_from(pages: Sequence[PageText], doc_type: str, values: Mapping[str, str], *, document_id: int,
                supplier_key: str | None = None) -> Lesson:
    """What a verified document teaches. ``supplier_key`` names a supplier with no INN printed (a key
    the memory already gave its layout); by default it is the seller INN, else the layout's own key."""
    doc = make_doc(pages)
    rows = doc.rows
    lines = page_lines(rows)
    words = printed_words(rows)
    anchors: dict[str, Anchor] = {}
    for name, value in values.items():
        if not value:
            continue
        candidates = [_anchor(rows, lines, row, i, j) for row, i, j in _locate(rows, name, value)]
        ranked = sorted((a for a in candidates if a is not None), key=lambda a: (a.direction != "right", a.y))
        if ranked:
            anchors[name] = ranked[0]
    inn = values.get("seller_inn")
    key = f"inn:{inn}" if inn else (supplier_key or layout_key(words))
    supplier = values.get("seller_name") or (f"ИНН {inn}" if inn else None)
    return Lesson(document_id, key, supplier, doc_type, words, anchors, dict(values))
