"""The title a document gives itself («Счет на оплату № 12 от …», «Акт №», «Кассовый чек»), found at the head
of its first page and matched against the title table in ``data/titles.toml``.

A title line is a row of the first page's head; a row printed larger than the page's text, or carrying the
document's own number and date, is a sure title line, the other head rows less sure ones. The first rule of
the table that matches a line of the surest kind names the type; a rule with ``over`` (the УПД's name beside
its «Счёт-фактура №» line) overrides the types it lists when it matches anywhere at the head.
"""

from __future__ import annotations

import difflib
import re
import statistics
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classify._labels import any_hyphen
from classify._layout import Row
from classify.normalise import find_dates, fold_text

HEAD_ROWS = 15  # rows of the first page where a title stands
LARGE = 1.3  # a row this much taller than the page's median word is printed large
SURE = 1.0  # a title on a large or numbered row
HEAD = 0.8  # a title on another head row (or text without boxes)
# "№ 12 от 01.02.2026", "No. INV-5 dated 3 May 2026": the document's own number and its date
_NUMBER = re.compile(r"(?:№|(?<![a-zа-я])n[o°º]\.?(?=\s*\S*\d)|#)\s*[\w\-/.]*\d[\w\-/]*", re.IGNORECASE)


FUZZY = 0.8  # a head word this alike (difflib's ratio) to one of a rule's `words` is that word, as OCR read it
_WORD = re.compile(r"[^\W\d_]{6,}")
# a mark OCR reads for the hyphen of a compound title («Счет.договор», «Счет_оферта»)
_JOINT = re.compile(r"(?<=[^\W\d_])\s?[.,_~:;]\s?(?=[^\W\d_])")
# a title printed letter-spaced («А К Т», «С Ч Е Т - Ф А К Т У Р А»): three letters or more, one space apart
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_] ){2,}[^\W\d_](?![^\W\d_])")


@dataclass(frozen=True)
class TitleRule:
    types: tuple[str, ...]
    pattern: re.Pattern[str]
    over: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # long words of the title that name it alone, matched as OCR misreads them

    def names(self, line: str) -> bool:
        """Whether ``line`` reads as this title (also with a mark read for its hyphen)."""
        return bool(self.pattern.search(line) or self.pattern.search(joined(line)))

    def matches(self, line: str) -> bool:
        """:meth:`names`, or a word of :attr:`words` as OCR misread it."""
        return self.names(line) or bool(self.words and fuzzy_hit(line, self.words))


def fuzzy_hit(line: str, words: Sequence[str]) -> bool:
    """Whether ``line`` holds a word alike to one of ``words`` at :data:`FUZZY` or more: a side box's
    «Универсальный» read as «ниверсальным» or cut to «ерсальный». The side box stands left of the form, so its
    word begins its row: a word alike inside a row of prose («переданы» for «передаточный») is none."""
    first = re.match(r"\W*([^\W\d_]+)", line)
    for token in _WORD.findall(first.group(1) if first else ""):
        for word in words:
            if difflib.SequenceMatcher(None, token, word).ratio() >= FUZZY:
                return True
    return False


def joined(line: str) -> str:
    """``line`` with a mark read for a hyphen between two words put back as the hyphen, and a word printed
    letter-spaced written together (a hyphen printed spaced or as a dash the patterns take: :func:`any_hyphen`)."""
    return _JOINT.sub("-", _SPACED.sub(lambda m: m.group().replace(" ", ""), line))


@dataclass(frozen=True)
class Title:
    """The types a title names (one, or the few a title such as "Tax invoice" may mean), the line it was
    read on, and how sure that line is a title (:data:`SURE` or :data:`HEAD`)."""

    types: tuple[str, ...]
    line: str
    strength: float


def _load() -> tuple[TitleRule, ...]:
    table = tomllib.loads((Path(__file__).parent / "data" / "titles.toml").read_text(encoding="utf-8"))
    return tuple(TitleRule(tuple(r["types"]), re.compile(any_hyphen(r["pattern"])), tuple(r.get("over", ())),
                           tuple(r.get("words", ())))
                 for r in table["title"])


RULES = _load()


def _load_self() -> tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]:
    table = tomllib.loads((Path(__file__).parent / "data" / "titles.toml").read_text(encoding="utf-8"))
    return tuple((tuple(r["types"]), re.compile(any_hyphen(r["pattern"]))) for r in table.get("self", ()))


SELF_RULES = _load_self()


def self_reference(text: str) -> Title | None:
    """The types a document's body names itself as («Настоящий акт составлен …»; ``text`` folded), for a
    document whose title went unread: a head line's title, no surer; several let the model choose."""
    found: list[str] = []
    line = ""
    for types, pattern in SELF_RULES:
        m = pattern.search(text)
        if m:
            found += [t for t in types if t not in found]
            line = line or m.group()
    return Title(tuple(found), line, HEAD) if found else None


def numbered(text: str) -> bool:
    """Whether a line carries a number followed by a date: the document's own («№ 12 от 01.02.2026»)."""
    m = _NUMBER.search(text)
    return bool(m and find_dates(text[m.end():m.end() + 40]))


def _height(row: Row) -> float | None:
    heights = [w.box[3] - w.box[1] for w in row.words if sum(ch.isalpha() for ch in w.text) >= 2]
    return statistics.median(heights) if heights else None


def head_lines(rows: Sequence[Row]) -> list[tuple[str, float]]:
    """The first page's head rows as (folded text, strength): sure when printed large or numbered."""
    if not rows:
        return []
    page = rows[0].page
    on_page = [r for r in rows if r.page == page]
    heights = [h for h in (_height(r) for r in on_page) if h]
    median = statistics.median(heights) if heights else 0.0
    out = []
    for row in on_page[:HEAD_ROWS]:
        height = _height(row)
        large = bool(median and height and height >= LARGE * median)
        out.append((row.folded, SURE if large or numbered(row.text) else HEAD))
    return out


def text_lines(text: str) -> list[tuple[str, float]]:
    """The head lines of plain text (no boxes): sure only when numbered."""
    lines = [line for line in text.splitlines() if line.strip()][:HEAD_ROWS]
    return [(fold_text(line), SURE if numbered(line) else HEAD) for line in lines]


def find_title(lines: Sequence[tuple[str, float]]) -> Title | None:
    """The title among head ``lines`` (see the module's description), or None."""
    found: Title | None = None
    for strength in (SURE, HEAD):
        for rule in RULES:
            line = next((t for t, s in lines if s == strength and rule.names(t)), None)
            if line is not None:
                found = Title(rule.types, line, strength)
                break
        if found:
            break
    for rule in RULES:
        if rule.over and (found is None or set(found.types) & set(rule.over)):
            line = next((t for t, _ in lines if rule.matches(t)), None)
            if line is not None:  # alone, a word read alike is a head line's title, no surer
                return Title(rule.types, line, found.strength if found else HEAD)
    return found
