"""Turning text into the terms the index holds: Unicode words, whole numbers and codes, stems.

A token is a run of letters and digits. Runs joined by ``-``, ``.``, ``/`` (and ``,`` between digits)
stay one token when they contain a digit — ``ЗК-000781``, ``235730.00``, ``14.03.2026`` — and are
split into words otherwise (``товарно-транспортная`` is two words). Tokens are lower-cased with
``ё`` → ``е``; Cyrillic words go through the Russian Snowball stemmer, Latin ones through the English
one, and numbers and codes are kept as they are (only a decimal comma becomes a point).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# a run of word characters, glued by - . / (and , between two digits) to the next run
_TOKEN = re.compile(r"[^\W_]+(?:(?:[-./]|(?<=\d),(?=\d))[^\W_]+)*")
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")

#: The characters that may stay inside a token; the FTS5 tokenizer is told to keep them.
TOKEN_CHARS = "-./,"


@dataclass(frozen=True)
class Token:
    """One token of a text: where it is in the original and the term it is indexed as."""

    start: int
    end: int
    term: str


_local = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    """PyStemmer objects are not thread-safe: one per thread and language."""
    cache: dict[str, Stemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in cache:
        cache[language] = Stemmer.Stemmer(language)
    return cache[language]


def _stem_russian(word: str) -> str:
    return _stemmer("russian").stemWord(word)


def _stem_english(word: str) -> str:
    return _stemmer("english").stemWord(word)


def _keep(word: str) -> str:
    return word


# which stemmer a word gets, by the script it is written in: first match wins
_STEMMER_BY_SCRIPT: tuple[tuple[re.Pattern[str], Callable[[str], str]], ...] = (
    (_DIGIT, _keep),  # numbers and codes: never stemmed
    (_CYRILLIC, _stem_russian),
    (_LATIN, _stem_english),
)


def normalise(word: str) -> str:
    """Lower-case, ``ё`` → ``е``, NFC, decimal comma → point."""
    word = unicodedata.normalize("NFC", word).lower().replace("ё", "е")
    return _DECIMAL_COMMA.sub(".", word)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index term of one already-split word (normalised, then stemmed by its script)."""
    word = normalise(word)
    for pattern, stemmer in _STEMMER_BY_SCRIPT:
        if pattern.search(word):
            return stemmer(word)
    return word


@lru_cache(maxsize=500_000)
def piece_tokens(piece: str) -> tuple[tuple[int, int, str], ...]:
    """The tokens of one whitespace-free piece of text as (start, end, term), spans within the piece.

    No token spans whitespace, so a text is tokenised piece by piece; texts repeat their words and
    numbers, so caching per piece makes tokenising a document a ``str.split`` and dictionary look-ups
    (the regex and the stemmers run once per distinct piece).
    """
    if number := _NUMBER_PIECE.fullmatch(piece):  # most pieces a document does not repeat are numbers
        return ((0, number.end(1), number[1].replace(",", ".")),)
    out: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(piece):
        chunk = match.group()
        at = match.start()
        if _DIGIT.search(chunk) or not any(c in chunk for c in TOKEN_CHARS):
            out.append((at, match.end(), stem(chunk)))
            continue
        out.extend((at + w.start(), at + w.end(), stem(w.group())) for w in _WORD.finditer(chunk))
    return tuple(out)


class _PieceTerms(dict[str, str]):
    """Piece → its terms, space-separated, learnt on first sight: a plain dict look-up (the C slot, no
    Python call) per piece of a text, which is most of what indexing a document costs in Python. Holds at
    most ``LIMIT`` pieces and starts afresh past it (the numbers of a million documents do not pile up)."""

    LIMIT = 500_000

    def __missing__(self, piece: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        terms = self[piece] = " ".join(term for _, _, term in piece_tokens.__wrapped__(piece))
        return terms


_piece_terms = _PieceTerms()


_PIECE = re.compile(r"\S+")
# a number or numeric code of ASCII digits with trailing punctuation: one token, its commas decimal points
_NUMBER_PIECE = re.compile(r"([0-9]+(?:[-./,][0-9]+)*)[.,;:!?)»]*")


def iter_tokens(text: str) -> Iterator[Token]:
    """Every token of ``text`` with its span in ``text`` and its index term."""
    for match in _PIECE.finditer(text):
        at = match.start()
        for start, end, term in piece_tokens(match.group()):
            yield Token(at + start, at + end, term)


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order."""
    return stemmed_text(text).split()


def stemmed_text(text: str) -> str:
    """``text`` as the space-separated terms the full-text index is fed (a piece without a term leaves
    two spaces, which both engines' whitespace splitting ignores)."""
    return " ".join(map(_piece_terms.__getitem__, text.split()))


def prefix_term(prefix: str) -> str:
    """The term to search for a word typed as a prefix (``накладн*``, ``invoice*``).

    Stemming may cut a typed word shorter (``invoice`` → ``invoic``) or change its end
    (``company`` → ``compani``); the part it keeps in common with the typed word is the prefix.
    """
    word = normalise(prefix)
    stemmed = stem(prefix)
    common = 0
    for a, b in zip(word, stemmed, strict=False):  # the stem is shorter: stop at its end
        if a != b:
            break
        common += 1
    return word[:common] if common else word
