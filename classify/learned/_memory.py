"""The supplier memory: verified documents grouped by supplier and layout, read back onto a new page.

A document is recognised as a known supplier by a seller INN printed on it, or, for a supplier whose
documents print none, by its printed words. Its type and fields then come from the layout its verified
documents share; a document of a known INN that fits none of its layouts is a changed layout: it is read by
the generic rules and goes to review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from capture.types import PageText

from classify._layout import Row
from classify.extract import Doc, find_parties
from classify.learned._lesson import Anchor, Lesson, layout_key, line_of, page_lines
from classify.learned._values import MONEY_FIELDS, label_token, parse_field, printed_words, shape
from classify.normalise import valid_inn
from classify.types import FieldValue, Problem

LAYOUT_MATCH = 0.6  # share of a layout's printed words a page must print to be of that layout
STABLE_SHARE = 0.5  # a layout's printed words are those printed on at least this share of its documents
TYPE_CONFIDENCE = (0.0, 0.7, 0.85, 0.95)  # by verified documents agreeing: 1, 2, 3 or more
FIELD_CONFIDENCE = (0.0, 0.7, 0.85, 0.95)
LABEL_MATCH = 0.8  # how alike a printed label token must be to the learned one (OCR noise)
Y_TOLERANCE = 30.0  # how many lines down the page a label may have moved (more or fewer table rows)
KEEP_LESSONS = 20  # a layout remembers its latest verified documents


def _agree(table: tuple[float, ...], n: int) -> float:
    return table[min(n, len(table) - 1)]


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= LABEL_MATCH


@dataclass
class Layout:
    """The verified documents of one supplier printed alike."""

    lessons: list[Lesson] = field(default_factory=list)

    @property
    def words(self) -> frozenset[str]:
        counts = Counter(w for lesson in self.lessons for w in lesson.words)
        least = max(1, int(STABLE_SHARE * len(self.lessons) + 0.5))
        return frozenset(w for w, n in counts.items() if n >= least)

    def fit(self, words: frozenset[str]) -> float:
        """The share of this layout's printed words that ``words`` holds."""
        mine = self.words
        return len(mine & words) / len(mine) if mine else 0.0

    def doc_type(self) -> tuple[str, int]:
        (best, n), = Counter(lesson.doc_type for lesson in self.lessons).most_common(1)
        return best, n

    def anchors(self) -> dict[str, tuple[Anchor, int]]:
        """Each field's anchor most documents agree on, with how many do."""
        by_field: dict[str, Counter[tuple[tuple[str, ...], str]]] = {}
        latest: dict[tuple[str, tuple[str, ...], str], Anchor] = {}
        for lesson in self.lessons:
            for name, anchor in lesson.anchors.items():
                key = (anchor.label, anchor.direction)
                by_field.setdefault(name, Counter())[key] += 1
                latest[(name, *key)] = anchor
        return {name: (latest[(name, *counts.most_common(1)[0][0])], counts.most_common(1)[0][1])
                for name, counts in by_field.items()}


@dataclass(frozen=True)
class Recall:
    """What the memory says of a document: its supplier, and (when its layout is known) type and fields."""

    supplier_key: str
    supplier_name: str
    documents: int  # verified documents of the layout
    doc_type: str | None = None
    confidence: float = 0.0
    fields: dict[str, FieldValue] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    printed: frozenset[str] | None = None  # the fields its verified documents have; None: not known

    def keep(self, fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
        """The generic rules' ``fields`` with the memory's over them, less any this supplier's verified
        documents never had (accepted without it: the supplier does not print it)."""
        merged = {**fields, **self.fields}
        if self.printed is None:
            return merged
        return {name: f for name, f in merged.items() if name in self.printed}


class SupplierMemory:
    """Lessons grouped by supplier and, within a supplier, by layout."""

    def __init__(self, lessons: Iterable[Lesson] = ()) -> None:
        self.suppliers: dict[str, list[Layout]] = {}
        self.names: dict[str, str] = {}
        self.buyers: set[str] = set()  # INNs verified documents name as the buyer (the chain's own, mostly)
        for lesson in lessons:
            self.add(lesson)

    def __len__(self) -> int:
        return sum(len(layout.lessons) for layouts in self.suppliers.values() for layout in layouts)

    def add(self, lesson: Lesson) -> None:
        layouts = self.suppliers.setdefault(lesson.supplier_key, [])
        if lesson.values.get("buyer_inn"):
            self.buyers.add(lesson.values["buyer_inn"])
        if lesson.supplier_name:
            self.names[lesson.supplier_key] = lesson.supplier_name
        for layout in layouts:
            if layout.fit(lesson.words) >= LAYOUT_MATCH:
                layout.lessons.append(lesson)
                del layout.lessons[:-KEEP_LESSONS]
                return
        layouts.append(Layout([lesson]))

    def key_for_layout(self, words: frozenset[str]) -> str:
        """The key of a supplier with no INN whose layout ``words`` fits, or a new key for it."""
        best = self._best_layout(words)
        return best[0] if best else layout_key(words)

    def _best_layout(self, words: frozenset[str]) -> tuple[str, Layout] | None:
        scored = [(layout.fit(words), key, layout) for key, layouts in self.suppliers.items()
                  if key.startswith("layout:") for layout in layouts]
        scored = [s for s in scored if s[0] >= LAYOUT_MATCH]
        if not scored:
            return None
        _, key, layout = max(scored, key=lambda s: s[0])
        return key, layout

    # -- reading a new document ------------------------------------------------------------------
    def recall(self, doc: Doc, pages: Sequence[PageText] = ()) -> Recall | None:
        """The memory's reading of ``doc``; None when no known supplier printed it."""
        if not self.suppliers:
            return None
        words = printed_words(doc.rows)
        printed_inns = {m.group() for m in re.finditer(r"(?<!\d)\d{10}(?:\d{2})?(?!\d)",
                                                        " ".join(r.text for r in doc.rows)) if valid_inn(m.group())}
        matched = [(layout.fit(words), key, layout) for key, layouts in self.suppliers.items()
                   if key.startswith("inn:") and key[4:] in printed_inns for layout in layouts]
        fitting = [m for m in matched if m[0] >= LAYOUT_MATCH]
        if fitting:
            _, key, layout = max(fitting, key=lambda m: m[0])
            return self._read(doc, pages, key, layout)
        if matched:
            key = max(matched, key=lambda m: m[0])[1]
            best_type = max((lay.doc_type() for _, k, lay in matched if k == key), key=lambda t: t[1])[0]
            # An INN verified documents name as a buyer too (the chain's own, on its Z-reports and on every
            # supplier's bill) does not say who printed the page; nor does one the rules read as the buyer's.
            as_buyer = find_parties(doc, best_type).get("buyer_inn", FieldValue("", "", 0)).value == key[4:]
            if not as_buyer and key[4:] not in self.buyers:
                return self._changed(key, len([m for m in matched if m[1] == key]))
        by_layout = self._best_layout(words)
        if by_layout is not None:
            return self._read(doc, pages, *by_layout)
        return None

    def name_of(self, key: str) -> str:
        return self.names.get(key) or (f"ИНН {key[4:]}" if key.startswith("inn:") else "поставщик без ИНН")

    def _changed(self, key: str, layouts: int) -> Recall:
        name = self.name_of(key)
        message = (f"документ {name} не похож ни на один из {layouts} известных макетов этого поставщика: поля "
                   f"прочитаны общими правилами / the document of {name} fits none of the supplier's {layouts} "
                   "known layouts: its fields were read by the generic rules")
        return Recall(key, name, 0, problems=(Problem("learned_layout_changed", message),))

    def _read(self, doc: Doc, pages: Sequence[PageText], key: str, layout: Layout) -> Recall:
        name = self.name_of(key)
        n = len(layout.lessons)
        doc_type, agreeing = layout.doc_type()
        lines = page_lines(doc.rows)
        fields: dict[str, FieldValue] = {}
        for field_name, (anchor, count) in layout.anchors().items():
            found = _find(doc.rows, lines, field_name, anchor)
            if found is None:
                continue
            value, row, box, raw, conf = found
            note = (f"выучено по {count} подтверждённым документам {name} / learned from {count} verified "
                    f"documents of {name}")
            confidence = round(_agree(FIELD_CONFIDENCE, count) * (0.8 + 0.2 * conf), 3)
            fields[field_name] = FieldValue(field_name, value, confidence, row.page, box, raw, source="learned",
                                            note=note)
        printed = frozenset(name for lesson in layout.lessons for name in lesson.values)
        return Recall(key, name, n, doc_type, _agree(TYPE_CONFIDENCE, agreeing), fields, printed=printed)


def _label_at(row: Row, label: tuple[str, ...]) -> int | None:
    """The index of the word after ``label`` in ``row``, or None when the row does not print it."""
    tokens = [label_token(w.text) for w in row.words]
    size = len(label)
    for i in range(len(tokens) - size + 1):
        if all(_similar(a, b) for a, b in zip(tokens[i:i + size], label, strict=True)):
            return i + size
    return None


def _find(rows: Sequence[Row], lines: dict[int, tuple[int, float]], name: str, anchor: Anchor
          ) -> tuple[str, Row, tuple[int, int, int, int], str, float] | None:
    """The value of ``name`` at ``anchor`` on this document, nearest the learned place."""
    found = []
    for row in rows:
        after = _label_at(row, anchor.label)
        if after is None:
            continue
        label_word = row.words[after - 1]
        y = line_of(lines, row.page, label_word.box[1])
        if abs(y - anchor.y) > Y_TOLERANCE:
            continue
        if anchor.direction == "right":
            words = list(row.words[after:after + anchor.words + 4])
        else:
            words = _under(rows, row, after - len(anchor.label), int(anchor.gap), anchor.dx, lines[row.page][1])
        got = _read_value(name, words, anchor)
        if got is not None:
            found.append((abs(y - anchor.y), got, row))
    if not found:
        return None
    _, (value, used, raw), row = min(found, key=lambda f: f[0])
    box = (min(w.box[0] for w in used), min(w.box[1] for w in used), max(w.box[2] for w in used),
           max(w.box[3] for w in used))
    return value, row, box, raw, min(w.confidence for w in used)


def _under(rows: Sequence[Row], row: Row, first: int, down: int, dx: float, height: float
           ) -> list:
    """The words of the row ``down`` rows under the label, from where the value began under it."""
    n = row.index + max(1, down)
    if n >= len(rows) or rows[n].page != row.page:
        return []
    start = row.words[first].box[0] + (dx - 1.5) * height
    return [w for w in rows[n].words if w.box[0] >= start]


def _read_value(name: str, words: list, anchor: Anchor):
    """The value read from the first words in ``words``, with the words it took and as printed."""
    while words and not any(ch.isalnum() for ch in words[0].text):
        words = words[1:]  # a colon or a dash printed apart from its label
    if not words:
        return None
    best = None
    for size in range(1, len(words) + 1):
        text = " ".join(w.text for w in words[:size])
        got = parse_field(name, text)
        if got is None or got[1] >= len(words[0].text) or got[2] <= len(text) - len(words[size - 1].text):
            if best is not None:
                break  # the value ended a word before: an amount's groups, a name's words, are all taken
            continue
        raw = text[got[1]:got[2]]
        if size < anchor.words and name in _GROWING:
            continue  # a name or an address: as many words as learned at least
        value = got[0]
        if name not in _ANY_SHAPE:
            value, raw = _as_shaped(name, value, raw, anchor.shape)
            if shape(raw) != shape(anchor.shape):
                continue
        best = (value, words[:size], raw)
        if name not in _GROWING and name not in MONEY_FIELDS:
            break
    return best


_LETTER_AS_DIGIT = str.maketrans("OoОоЗзlI|", "000033111")
_DIGIT_AS_LETTER = str.maketrans("03", "ОЗ")


def _as_shaped(name: str, value: str, raw: str, learned: str) -> tuple[str, str]:
    """A number read with a letter for a digit where this supplier always prints a digit, or the other way
    round (``ТРО232`` where it prints ``ТР0232``), put right character by character."""
    if len(raw) != len(learned) or shape(raw) == shape(learned):
        return value, raw
    fixed = "".join(
        ch.translate(_LETTER_AS_DIGIT) if want == "9" else ch.translate(_DIGIT_AS_LETTER) if want == "A" else ch
        for ch, want in zip(raw, learned, strict=True))
    got = parse_field(name, fixed)
    return (got[0], fixed) if got else (value, raw)


_GROWING = frozenset({"seller_name", "seller_address", "customer_name"})
_ANY_SHAPE = frozenset({"total", "vat", "cash_total", "card_total", "date", "seller_name", "seller_address",
                        "customer_name", "currency"}) | {"seller_inn", "buyer_inn"}
