"""Characters of one shape that OCR puts for one another, read once from ``data/lookalikes.toml``.

Every parser takes its look-alikes from here: Latin and Cyrillic twins (``to_cyrillic``, ``to_latin``,
``one_script`` for a word), digits and the letters read for them (``letters_for``, ``as_digits``,
``letter_for``), marks read for other marks (``fix_symbols``) and a Latin word's shape (``shape``).
Which confusions a parser accepts in which context is the parser's choice; the table of what looks like
what is this one.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

_TABLE = tomllib.loads((Path(__file__).parent / "data" / "lookalikes.toml").read_text(encoding="utf-8"))

LATIN_TWINS: str = _TABLE["scripts"]["latin"]
"""Latin letters with a Cyrillic twin, pairwise with :data:`CYRILLIC_TWINS`."""
CYRILLIC_TWINS: str = _TABLE["scripts"]["cyrillic"]
LATIN_ONLY: str = _TABLE["scripts"]["latin_only"]
"""Latin letters (either case) no Cyrillic letter is read as."""
DIGIT_LETTERS: dict[str, str] = dict(_TABLE["digits"])
"""A digit and the letters and marks read for it: ``"0"`` → ``"OoОо"``."""
DATE_DIGITS: dict[str, str] = dict(_TABLE.get("date_digits", {}))
"""Letters read for a digit inside a run of digits only, as in a date (``"2"`` → ``"Z"``): weaker
confusions than :data:`DIGIT_LETTERS`, which no parser takes for digits elsewhere."""
CAPITALS: dict[str, str] = dict(_TABLE.get("capitals", {}))
"""A capital and the capitals and digits read for it in a short word of capitals, either way:
``"M"`` → ``"N"``."""
FADED: dict[str, str] = dict(_TABLE.get("faded", {}))
"""A capital and what is read for it when a faint print lost one of its strokes: ``"T"`` → ``"I"``."""
SYMBOLS: dict[str, str] = dict(_TABLE["symbols"])
"""A character and the marks read for it: ``"-"`` → the dashes."""
SHAPES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _TABLE.get("shapes", {}).items()}
"""A letter and the letter groups read for it inside a Latin word: ``"m"`` → ``("rn", "nn")``."""
if len(LATIN_TWINS) != len(CYRILLIC_TWINS):
    raise ValueError("lookalikes.toml: the Latin and Cyrillic twins must pair up")

_TO_CYRILLIC = str.maketrans(LATIN_TWINS, CYRILLIC_TWINS)
_TO_LATIN = str.maketrans(CYRILLIC_TWINS, LATIN_TWINS)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_CYRILLIC_TWIN_SET = frozenset(CYRILLIC_TWINS)
_LATIN_ONLY = re.compile(f"[{re.escape(LATIN_ONLY)}]", re.IGNORECASE)


def to_cyrillic(text: str) -> str:
    """``text`` with every Latin letter that has a Cyrillic twin turned Cyrillic."""
    return text.translate(_TO_CYRILLIC)


def to_latin(text: str) -> str:
    """``text`` with every Cyrillic letter that has a Latin twin turned Latin."""
    return text.translate(_TO_LATIN)


def one_script(word: str) -> str:
    """A word in one script: a Cyrillic word keeps Cyrillic letters, a Latin word Latin ones («СЧEТ» →
    «СЧЕТ», «ТОТАL» → «TOTAL»). A word with Cyrillic letters and no Latin-only ones is Cyrillic; one with
    Latin-only letters whose Cyrillic letters all have Latin twins is Latin; a word with letters only
    either script has takes the script most of its letters are in; a word of twins only is left."""
    cyrillic = _CYRILLIC.findall(word)
    if not cyrillic:
        return word
    if not _LATIN_ONLY.search(word):
        return to_cyrillic(word)
    if all(ch in _CYRILLIC_TWIN_SET for ch in cyrillic):
        return to_latin(word)
    return to_cyrillic(word) if len(cyrillic) * 2 > len(word) else to_latin(word)


def is_latin(ch: str) -> bool:
    return "A" <= ch <= "Z" or "a" <= ch <= "z"


def is_cyrillic(ch: str) -> bool:
    return "А" <= ch <= "я" or ch in "Ёё"


@cache
def letters_for(digits: str) -> str:
    """The letters and marks read for any of ``digits``: ``letters_for("0")`` → ``"OoОо"``."""
    return "".join(DIGIT_LETTERS.get(d, "") for d in digits)


@cache
def _to_digits(digits: str) -> dict[int, int]:
    pairs = [(ch, d) for d in digits for ch in DIGIT_LETTERS.get(d, "")]
    return str.maketrans("".join(ch for ch, _ in pairs), "".join(d for _, d in pairs))


def as_digits(text: str, digits: str = "".join(DIGIT_LETTERS)) -> str:
    """``text`` with the letters read for ``digits`` (by default every digit of the table) turned
    back into those digits: ``as_digits("78IЗ0O", "013")`` → ``"781300"``."""
    return text.translate(_to_digits(digits))


def letter_for(digit: str, *, cyrillic: bool, lower: bool) -> str | None:
    """The letter of the given script and case that ``digit`` is read for (``"0"``, Cyrillic, upper →
    ``"О"``), or ``None`` when the table has none (Cyrillic has no look-alike of 5)."""
    for ch in DIGIT_LETTERS.get(digit, ""):
        if ch.isalpha() and is_cyrillic(ch) == cyrillic and ch.islower() == lower:
            return ch
    return None


@cache
def _symbol_table(chars: str | None) -> dict[int, int]:
    pairs = [(mark, ch) for ch, marks in SYMBOLS.items() if chars is None or ch in chars for mark in marks]
    return str.maketrans("".join(mark for mark, _ in pairs), "".join(ch for _, ch in pairs))


def fix_symbols(text: str, chars: str | None = None) -> str:
    """``text`` with the marks read for other characters put right (``–`` → ``-``, ``¥`` → ``Y``);
    ``chars`` limits it to the marks read for those characters (``fix_symbols(text, "-")``: dashes)."""
    return text.translate(_symbol_table(chars))


_SHAPE_GROUPS = sorted(((group, letter) for letter, groups in SHAPES.items() for group in groups),
                       key=lambda pair: -len(pair[0]))  # "rn" before "n"
_SHAPE = re.compile("|".join(re.escape(group) for group, _ in _SHAPE_GROUPS)) if _SHAPE_GROUPS else None
_SHAPE_OF = dict(_SHAPE_GROUPS)


def shape(word: str) -> str:
    """A word's shape: case folded and every letter group of the table's ``[shapes]`` put for the letter
    OCR reads it for (``shape("HARWINCi")`` == ``shape("Harwing")``). Words of one shape differ only by
    misreadings of one look."""
    folded = word.casefold()
    return _SHAPE.sub(lambda m: _SHAPE_OF[m.group()], folded) if _SHAPE is not None else folded


@cache
def _capital_pairs() -> frozenset[tuple[str, str]]:
    pairs = {(a, b) for a, others in CAPITALS.items() for b in others}
    return frozenset(pairs | {(b, a) for a, b in pairs})


def capitals_alike(read: str, word: str) -> bool:
    """Whether ``read`` is ``word`` (both of capitals, the same length) with letters misread only as the
    table's ``[capitals]`` pairs: ``capitals_alike("N0V", "NOV")``."""
    pairs = _capital_pairs()
    return len(read) == len(word) and all(a == b or (a, b) in pairs for a, b in zip(read.upper(), word, strict=True))


def alike(word: str) -> str:
    """A pattern over folded (lower-case) text matching ``word`` with any of its letters read as one the table's
    ``[capitals]`` pairs it with: ``alike("total")`` matches «t0tai», «t0ta1», «7otal»."""
    pairs = _capital_pairs()
    out = []
    for ch in word:
        others = "".join(sorted({b.lower() for a, b in pairs if a == ch.upper()}))
        out.append(f"[{re.escape(ch)}{re.escape(others)}]" if others else re.escape(ch))
    return "".join(out)


def faded(word: str) -> str:
    """A pattern over folded (lower-case) text matching ``word`` with any of its letters read as what is left of
    it when a faint print lost a stroke (:data:`FADED`): ``faded("total")`` matches «iuial», «tutal»."""
    out = []
    for ch in word:
        alike = FADED.get(ch.upper(), "").lower()
        out.append(f"[{re.escape(ch)}{re.escape(alike)}]" if alike else re.escape(ch))
    return "".join(out)
