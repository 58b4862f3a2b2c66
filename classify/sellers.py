"""A learned memory of sellers: the names and addresses the training documents print, which a till slip's
name and address as OCR read them are matched against.

OCR loses what no word-level correction gets back: a faint final full stop, a comma, a space, two letters of
a word. A till slip's seller prints the same name and address on every slip; where the letterhead the
labeller read is very close to one the memory holds (the same words and the same numbers, a few letters
or marks apart), the value is given as the memory holds it and with more confidence. A value close to
none, or close to two that differ, is left as read. The memory is trained by ``scripts/train_letterhead.py``
on the SROIE training receipts' keys (and, in an archive, can be taught by verified documents as the
supplier memory is) and stored under classify/models/ with a format version.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from classify._lookalikes import shape
from classify.lexicon import read_model, write_model

FORMAT = 1
MODEL_PATH = Path(__file__).resolve().parent / "models" / "sellers.json"
MATCH = 0.9  # how alike (letters and digits, case folded) a read value must be to a known one to be taken as it
LOST_NUMBER_MATCH = 0.95  # ... and how alike when the reading lost one of its numbers ("NO. 2, JALAN" read "No Jalan")
MIN_CHARS = 8  # shorter values are left as read: too many short names lie a few letters apart
KNOWN_CONFIDENCE = 0.8  # the least confidence of a value the memory holds

_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"[^\W_]+")
# a digit OCR reads for a letter of one shape ("C0." for "CO.", "5dn", "L0T"): alone among a word's letters
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])[0158]|[0158](?=[^\W\d_])")


def _key(text: str) -> str:
    """What two readings of one print share: its letters and digits, case folded, each of a letter's
    look-alikes put for the letter (classify/_lookalikes.py ``shape``: "0" for o, "rn" for m)."""
    return shape(re.sub(r"[\W_]+", "", text))


def _numbers(text: str) -> list[str]:
    """The numbers ``text`` prints: its runs of digits, less a look-alike digit that is the only digit of
    a word of letters ("C0", "5dn")."""
    out = []
    for token in _TOKEN.findall(text):
        digits = _DIGITS.findall(token)
        if len(digits) == 1 and len(digits[0]) == 1 and _LETTER_DIGIT.search(token):
            continue
        out += digits
    return out


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def _spaced(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


@dataclass(frozen=True)
class SellerMemory:
    names: dict[str, int]  # a name as printed -> how many training documents print it
    addresses: dict[str, int]
    trained_on: str = ""
    _index: dict[str, dict[str, list[str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, dict[str, list[str]]] = {}
        for kind, values in (("name", self.names), ("address", self.addresses)):
            by_key: dict[str, list[str]] = {}
            for value in sorted(values, key=lambda v: (-values[v], v)):
                by_key.setdefault(_key(value), []).append(value)
            index[kind] = by_key
        object.__setattr__(self, "_index", index)

    def known(self, kind: str, text: str) -> str | None:
        """The value of ``kind`` ("name" or "address") the memory holds that ``text`` is a reading of, or
        None: the one known value whose letters and digits are at least :data:`MATCH` alike to the read
        ones with the same numbers (or one number lost and :data:`LOST_NUMBER_MATCH` alike); of the
        printed forms of that value, the commonest (the one spaced as read when they tie)."""
        read = _key(text)
        if len(read) < MIN_CHARS:
            return None
        numbers = _numbers(text)
        matches: list[tuple[float, str]] = []
        for key, forms in self._index[kind].items():
            if abs(len(key) - len(read)) > (1 - MATCH) * len(read) * 2:
                continue
            theirs = _numbers(forms[0])
            lost = len(theirs) == len(numbers) + 1 and any(theirs[:i] + theirs[i + 1:] == numbers
                                                           for i in range(len(theirs)))
            if theirs != numbers and not lost:
                continue  # another number is another shop (the same street's next house)
            ratio = 1.0 if key == read else SequenceMatcher(None, read, key, autojunk=False).ratio()
            if ratio >= (LOST_NUMBER_MATCH if lost else MATCH):
                matches.append((ratio, key))
        if not matches:
            return None
        matches.sort(reverse=True)
        if len(matches) > 1 and matches[1][0] >= matches[0][0] - (1 - MATCH) / 2:
            return None  # two known values about as close: which one is not told by the reading
        forms = self._index[kind][matches[0][1]]
        counts = self.names if kind == "name" else self.addresses
        top = [f for f in forms if counts[f] == counts[forms[0]]]
        spaced = _spaced(text)
        return next((f for f in top if _spaced(f) == spaced), top[0])


    def find(self, kind: str, lines: Sequence[str], most: int) -> tuple[str, int, int] | None:
        """A known value of ``kind`` printed whole on ``lines`` (a page's top rows): ``(value, first, last)``
        for the first run of at most ``most`` consecutive lines whose letters and digits are those of a
        known value, or, for one line, begin with those of a known name (its registration number after
        it, "SHOP SDN BHD(123456-X)"); None when no run is."""
        index = self._index[kind]
        for first in range(len(lines)):
            key = ""
            for last in range(first, min(first + most, len(lines))):
                key += _key(lines[last])
                if len(key) < MIN_CHARS:
                    continue
                known = index.get(key)
                if known is None and kind == "name" and last == first:
                    raw = _letters(lines[first])
                    known = next((forms for forms in index.values() for f in forms[:1] if len(_letters(f)) >= MIN_CHARS
                                  and raw.startswith(_letters(f)) and not raw[len(_letters(f)):][:1].isalpha()), None)
                if known is not None:
                    return known[0], first, last
        return None


def train(pairs: Iterable[tuple[str, str]], trained_on: str = "") -> SellerMemory:
    """A memory of the (name, address) pairs the training documents print (either may be empty)."""
    names: Counter[str] = Counter()
    addresses: Counter[str] = Counter()
    for name, address in pairs:
        if name.strip():
            names[re.sub(r"\s+", " ", name.strip())] += 1
        if address.strip():
            addresses[re.sub(r"\s+", " ", address.strip())] += 1
    return SellerMemory(dict(names), dict(addresses), trained_on)


def save(memory: SellerMemory, path: Path) -> None:
    write_model(path, {"format": FORMAT, "trained_on": memory.trained_on,
                       "names": dict(sorted(memory.names.items())),
                       "addresses": dict(sorted(memory.addresses.items()))})


def load(path: Path) -> SellerMemory:
    data = read_model(path, FORMAT, "seller memory")
    return SellerMemory({str(k): int(v) for k, v in data["names"].items()},
                        {str(k): int(v) for k, v in data["addresses"].items()}, str(data.get("trained_on", "")))


@cache
def default_memory() -> SellerMemory | None:
    """The bundled memory, loaded once; None when it is absent (values are then left as read)."""
    return load(MODEL_PATH) if MODEL_PATH.exists() else None
