"""The title a document gives itself («Счет на оплату № 12 от …», «Акт №», «Кассовый чек»), found at the head
of its first page and matched against the title table in ``data/titles.toml``.

A title line is a row of the first page's head; a row printed larger than the page's text, or carrying the
document's own number and date, is a sure title line, the other head rows less sure ones. The first rule of
the table that matches a line of the surest kind names the type; a rule with ``over`` (the УПД's name beside
its «Счёт-фактура №» line) overrides the types it lists when it matches anywhere at the head.
"""

from __future__ import annotations

import difflib
import functools
import re
import statistics
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classify._labels import any_hyphen
from classify._layout import Row
from classify._lookalikes import LATIN_TWINS, as_digits, letters_for, to_cyrillic
from classify.normalise import find_dates, fold_text

HEAD_ROWS = 15  # rows of the first page where a title stands (rows read as noise not counted)
NOISE = 0.5  # a row whose words are read with less confidence than this on average is noise (a photo's desk)
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
# a word whose Latin letters all have a Cyrillic twin («AKT», «KACCOBЫЙ»): on a Russian page, read in Cyrillic
_TWINS_ONLY = re.compile(rf"(?<![^\W\d_])(?:[{LATIN_TWINS}]|[а-яёА-ЯЁ])+(?![^\W\d_])")
_CYRILLIC = re.compile("[а-я]")
# a word in Latin letters, one of them no twin of a Cyrillic letter («TAX INVOICE»): the line is in Latin script
_LATIN_WORD = re.compile(rf"(?<![^\W\d_])(?=[A-Za-z]*[^\W\d_{LATIN_TWINS}А-яЁё])[A-Za-z]+(?![^\W\d_])")
# a number with letters read for its digits («ТОРГ-I2»: a digit in it, the rest digits' look-alikes)
_DIGITS_READ = re.compile(rf"(?<![^\W\d_])(?=[^\W_]*\d)[\d{re.escape(letters_for('0123456789'))}]+(?![^\W\d_])")


@dataclass(frozen=True)
class TitleRule:
    types: tuple[str, ...]
    pattern: re.Pattern[str]
    over: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # long words of the title that name it alone, matched as OCR misreads them

    @property
    def unspaced(self) -> re.Pattern[str]:
        """:attr:`pattern` over a line with its spaces taken out: a bold title read broken into pieces at
        other places than its words («ТОВАРН АЯН АКЛА ДН АЯ»)."""
        return _unspaced(self.pattern.pattern)

    def names(self, line: str) -> bool:
        """Whether ``line`` reads as this title (also with a mark read for its hyphen, or broken into pieces)."""
        return bool(self.pattern.search(line) or self.pattern.search(joined(line))
                    or self.unspaced.search(line.replace(" ", "")))

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


@functools.cache
def _unspaced(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(" ", " ?"))


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


@dataclass(frozen=True)
class FormRule:
    """A statutory form by its fixed words: ``need`` of ``words`` (each a tuple of folded word tokens)."""

    types: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]
    need: int


_TOKEN = re.compile(r"[^\W_]+")
LONG = 7  # a word of this many letters or more is still itself with one letter wrong, added or lost
# (a number, the form code, is read exactly: one digit off is another form's code)


def _load_forms() -> tuple[FormRule, ...]:
    table = tomllib.loads((Path(__file__).parent / "data" / "titles.toml").read_text(encoding="utf-8"))
    return tuple(FormRule(tuple(r["types"]), tuple(tuple(_TOKEN.findall(fold_text(w))) for w in r["words"]),
                          int(r["need"]))
                 for r in table.get("form", ()))


FORM_RULES = _load_forms()


def one_edit(read: str, word: str) -> bool:
    """Whether ``read`` is ``word`` with one letter put for another, added or left out."""
    if abs(len(read) - len(word)) > 1 or read == word:
        return False
    if len(read) == len(word):
        return sum(a != b for a, b in zip(read, word, strict=True)) == 1
    short, long_ = sorted((read, word), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _phrase_in(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether ``phrase`` stands in ``tokens``, at most one of its long words misread by one letter."""
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        wrong = 0
        for read, word in zip(tokens[i:i + n], phrase, strict=True):
            if read != word:
                wrong += 1 if len(word) >= LONG and word.isalpha() and one_edit(read, word) else 2
        if wrong <= 1:
            return True
    return False


def form_reference(text: str) -> Title | None:
    """The types a statutory form's fixed words name (``text`` as OCR read it), for a form whose title went
    unread: a head line's title, no surer; several forms found let the model choose among their types."""
    letters = [ch for ch in text if ch.isalpha()]
    russian = sum("а" <= ch.lower() <= "я" or ch in "Ёё" for ch in letters) * 2 > len(letters)
    tokens = [t for line in text.splitlines() for t in _TOKEN.findall(title_text(line, russian=russian))]
    found: list[str] = []
    line = ""
    for rule in FORM_RULES:
        hits = [" ".join(w) for w in rule.words if _phrase_in(tokens, w)]
        if len(hits) >= rule.need:
            found += [t for t in rule.types if t not in found]
            line = line or ", ".join(hits)
    return Title(tuple(found), line, HEAD) if found else None


def numbered(text: str) -> bool:
    """Whether a line carries a number followed by a date: the document's own («№ 12 от 01.02.2026»)."""
    m = _NUMBER.search(text)
    return bool(m and find_dates(text[m.end():m.end() + 40]))


def _height(row: Row) -> float | None:
    heights = [w.box[3] - w.box[1] for w in row.words if sum(ch.isalpha() for ch in w.text) >= 2]
    return statistics.median(heights) if heights else None


def title_text(text: str, *, russian: bool) -> str:
    """``text`` folded for the title table, with OCR's look-alikes read through: a number's digits read as
    letters («ТОРГ-I2»), and on a Russian page or line a word whose Latin letters are all twins of Cyrillic ones
    («AKT», «KACCOBЫЙ», whose «B» one_script takes for a Latin-only «b») in Cyrillic, unless a word of the line is
    Latin for sure («TAX INVOICE» on a Russian page stays Latin)."""
    text = _DIGITS_READ.sub(lambda m: as_digits(m.group()), text)
    if (russian or _CYRILLIC.search(fold_text(text))) and not _LATIN_WORD.search(text):
        text = _TWINS_ONLY.sub(lambda m: to_cyrillic(m.group()), text)
    return fold_text(text)


def _noise(row: Row) -> bool:
    return statistics.mean(w.confidence for w in row.words) < NOISE if row.words else True


MOSTLY = 0.5  # a first page with more than this share of its rows read as noise is read mostly as noise


def mostly_noise(rows: Sequence[Row]) -> bool:
    """Whether most rows of the first page read as noise (a phone photo OCR could not read: its desk, a
    crumpled or blurred sheet)."""
    on_page = [r for r in rows if r.page == rows[0].page] if rows else []
    return bool(on_page) and sum(map(_noise, on_page)) > MOSTLY * len(on_page)


def head_lines(rows: Sequence[Row]) -> list[tuple[str, float]]:
    """The first page's head rows as (folded text, strength): sure when printed large or numbered. Rows read
    as noise (a photo's desk, a stamp, specks) do not count among the :data:`HEAD_ROWS`: on a page read mostly
    as noise the title is looked for further down."""
    if not rows:
        return []
    page = rows[0].page
    on_page = [r for r in rows if r.page == page]
    heights = [h for h in (_height(r) for r in on_page) if h]
    median = statistics.median(heights) if heights else 0.0
    letters = "".join(ch for r in on_page for w in r.words if w.confidence >= NOISE for ch in w.text if ch.isalpha())
    russian = sum("а" <= ch.lower() <= "я" or ch in "Ёё" for ch in letters) * 2 > len(letters)
    out = []
    counted = 0
    for row in on_page:
        if counted >= HEAD_ROWS:
            break
        counted += not _noise(row)
        height = _height(row)
        large = bool(median and height and height >= LARGE * median)
        out.append((title_text(row.text, russian=russian), SURE if large or numbered(row.text) else HEAD))
    return out


def text_lines(text: str) -> list[tuple[str, float]]:
    """The head lines of plain text (no boxes): sure only when numbered."""
    lines = [line for line in text.splitlines() if line.strip()][:HEAD_ROWS]
    letters = [ch for ch in text if ch.isalpha()]
    russian = sum("а" <= ch.lower() <= "я" or ch in "Ёё" for ch in letters) * 2 > len(letters)
    return [(title_text(line, russian=russian), SURE if numbered(line) else HEAD) for line in lines]


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
