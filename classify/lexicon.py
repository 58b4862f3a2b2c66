"""A learned lexicon of the words letterheads print, which puts OCR's misreadings of them right.

A till slip's name and address are free text that no check digit confirms; OCR misreads their letters
by shape ("Harwlck", "TELLMORCiATE", "ORRIN8ANK"). The lexicon knows the words (and how often) the
letterheads of the training documents print, and a word it does not know is put right when it is one of
its words misread: of the same shape (classify/_lookalikes.py ``shape``: "rn" for "m", "Ci" for "G",
"1" for "l"), one letter put for another in a word it has seen often enough, or two of its words run together.
A word it knows, a short word, a word with digits of its own or in another script is left as read.

The lexicon is trained by ``scripts/train_letterhead.py`` on the SROIE training receipts' names and
addresses (and the locale data's address words) and stored under classify/models/ with a format version.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from classify._lookalikes import capitals_alike, shape

FORMAT = 1
MODEL_PATH = Path(__file__).resolve().parent / "models" / "lexicon.json"
MIN_LENGTH = 4  # shorter words are left as read: too many words of three letters lie one misreading apart
NEAR_LENGTH = 6  # a word one letter away from a known one is put right from this length on
NEAR_COUNT = 2  # ... when the known word was seen at least this often
SPLIT_LENGTH = 8  # a token this long may be two known words run together

_TOKEN = re.compile(r"[A-Za-z0-9|!$]+")  # a Latin word as OCR reads it, its look-alike digits and marks included
_WORD = re.compile(r"[A-Za-z]{3,}")


def words_of(text: str) -> list[str]:
    """The words a lexicon learns from a text: runs of three or more Latin letters, case folded."""
    return [w.casefold() for w in _WORD.findall(text)]


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def _inner_deletions(key: str) -> set[str]:
    """``key`` less one of its letters, neither its first nor its last."""
    return {key[:i] + key[i + 1:] for i in range(1, len(key) - 1)}


@dataclass(frozen=True)
class Lexicon:
    counts: dict[str, int]  # a known word, case folded -> how often the training letterheads print it
    trained_on: str = ""
    _by_shape: dict[str, str] = field(init=False, repr=False, compare=False)
    _near: dict[str, set[str]] = field(init=False, repr=False, compare=False)
    _by_length: dict[int, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_shape: dict[str, str] = {}
        near: dict[str, set[str]] = {}
        for word, count in sorted(self.counts.items(), key=lambda wc: (-wc[1], wc[0])):
            key = shape(word)
            by_shape.setdefault(key, word)  # the commoner of two words of one shape
            if count >= NEAR_COUNT and len(key) >= NEAR_LENGTH - 1:
                for d in _deletions(key):
                    near.setdefault(d, set()).add(word)
        object.__setattr__(self, "_by_shape", by_shape)
        object.__setattr__(self, "_near", near)
        by_length: dict[int, list[str]] = {}
        for word, count in self.counts.items():
            if count >= NEAR_COUNT and len(word) >= MIN_LENGTH:
                by_length.setdefault(len(word), []).append(word)
        object.__setattr__(self, "_by_length", by_length)

    def known(self, word: str) -> bool:
        return word.casefold() in self.counts

    def word_for(self, token: str) -> str | None:
        """The known word ``token`` is a misreading of (case folded), or None."""
        folded = token.casefold()
        if len(token) < MIN_LENGTH or folded in self.counts or not re.search(r"[A-Za-z]{2}", token):
            return None
        if re.search(r"\d", token) and not re.fullmatch(r"[A-Za-z]*[A-Za-z][0-9|!$][A-Za-z][A-Za-z]*", token):
            return None  # digits of its own ("U13", "7/118B"): only a look-alike digit inside a word is a letter
        key = shape(token)
        if key in self._by_shape:
            return self._by_shape[key]
        if token.isupper():  # a word of capitals, one of them read for another of its look ("NART")
            alike = {w for w in self._by_length.get(len(token), ()) if _one_capital_apart(token, w.upper())}
            if len(alike) == 1:
                return alike.pop()
        if len(token) >= NEAR_LENGTH:
            found = set().union(*(self._near.get(d, set()) for d in _deletions(key)))
            found = {w for w in found if _one_apart(shape(w), key)}
            if len(found) == 1:
                return found.pop()
            found = self._one_letter_more_or_less(key)
            if len(found) == 1:
                return found.pop()
        return None

    def _one_letter_more_or_less(self, key: str) -> set[str]:
        """The known words seen often enough that a word of shape ``key`` is with one letter lost ("Industral") or
        one more read inside it (a speck or a stroke read as a letter, a letter read twice: "Buildiing", "Strreet");
        never its first or last letter, whose loss or addition makes another word ("Enterprise", "Enterprises";
        "Lane", "Plane")."""
        lost = {w for w in self._near.get(key, set()) if key in _inner_deletions(shape(w))}
        more = {self._by_shape[d] for d in _inner_deletions(key)
                if d in self._by_shape and len(d) >= NEAR_LENGTH - 1}
        return {w for w in lost | more if self.counts.get(w, 0) >= NEAR_COUNT}

    def split(self, token: str) -> tuple[str, str] | None:
        """Two known words run together in ``token`` ("TELLMORGATE", "HARWICKDUNMOOR"), or None."""
        if len(token) < SPLIT_LENGTH or not re.fullmatch(r"[A-Za-z|!]+", token):
            return None
        best: tuple[int, tuple[str, str]] | None = None
        for i in range(3, len(token) - 2):
            left, right = token[:i], token[i:]
            a = left.casefold() if self.known(left) else self._by_shape.get(shape(left))
            b = right.casefold() if self.known(right) else self._by_shape.get(shape(right))
            if a and b:
                score = self.counts.get(a, 0) + self.counts.get(b, 0)
                if best is None or score > best[0]:
                    best = (score, (a, b))
        return best[1] if best else None

    def joined(self, text: str) -> str:
        """``text`` with a known word OCR split in two put back together ("L ot", "Se langor"): two runs of
        letters one space apart, neither a word the lexicon knows, that make one it has seen often enough."""
        parts = re.split(r"( )", text)  # words and the single spaces between them, in turn
        out: list[str] = []
        i = 0
        while i < len(parts):
            a = parts[i]
            b = parts[i + 2] if i + 2 < len(parts) else ""
            word = b.rstrip(",.;:")  # the second part's own punctuation after it stays
            whole = (a + word).casefold()
            if (a.isascii() and a.isalpha() and word.isascii() and word.isalpha() and not self.known(a)
                    and not self.known(word) and len(whole) >= 3 and self.counts.get(whole, 0) >= NEAR_COUNT):
                out.append(a + b)
                i += 3
                continue
            out.append(a)
            i += 1
        return "".join(out)

    def correct(self, text: str) -> str:
        """``text`` with each misread known word put right, in the case it was printed in (and each known
        word OCR split in two joined, :meth:`joined`)."""
        text = self.joined(text)

        def fix(m: re.Match[str]) -> str:
            token = m.group()
            if self.known(token):
                return token
            word = self.word_for(token)
            if word is not None:
                return _cased(word, token)
            pair = self.split(token)
            return " ".join(_cased(w, token) for w in pair) if pair else token
        return _TOKEN.sub(fix, text)


def _one_capital_apart(read: str, word: str) -> bool:
    """Whether ``read`` is ``word`` with one capital read for another as the look-alike table's
    ``[capitals]`` pairs have it ("NART" for "MART")."""
    return sum(a != b for a, b in zip(read, word, strict=True)) == 1 and capitals_alike(read, word)


def _one_apart(a: str, b: str) -> bool:
    """Whether two shapes differ by one letter put for another. A letter added or left out is not
    counted: a known word with one letter less is as often another real word."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _cased(word: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > len(letters) / 2:
        return word.upper()
    return word.capitalize() if like[:1].isupper() else word


def train(texts: Iterable[str], trained_on: str = "") -> Lexicon:
    """A lexicon of the words of ``texts`` (names and addresses as printed)."""
    counts = Counter(w for text in texts for w in words_of(text))
    return Lexicon(dict(counts), trained_on)


def write_model(path: Path, data: dict) -> None:
    """A JSON model file under classify/models/, written whole or not at all (the seller memory's too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
    tmp.replace(path)


def read_model(path: Path, fmt: int, what: str) -> dict:
    """A JSON model file of format ``fmt``; another format asks for retraining."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise ValueError(f"{path}: {what} of another format (want {fmt}); retrain it with "
                         "scripts/train_letterhead.py")
    return data


def save(lexicon: Lexicon, path: Path) -> None:
    write_model(path, {"format": FORMAT, "trained_on": lexicon.trained_on,
                       "counts": dict(sorted(lexicon.counts.items()))})


def load(path: Path) -> Lexicon:
    data = read_model(path, FORMAT, "lexicon")
    return Lexicon({str(k): int(v) for k, v in data["counts"].items()}, str(data.get("trained_on", "")))


@cache
def default_lexicon() -> Lexicon | None:
    """The bundled lexicon, loaded once; None when it is absent (words are then left as read)."""
    return load(MODEL_PATH) if MODEL_PATH.exists() else None
