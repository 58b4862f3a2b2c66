"""How a field's value reads in a stretch of text, its shape, and a page's printed words."""

from __future__ import annotations

import re
from collections.abc import Callable

from classify._layout import Row
from classify.extract import parse_date, parse_digits, parse_money, parse_number
from classify.normalise import fold_text, normalise_currency, valid_inn, valid_kpp

Parsed = tuple[str, int, int] | None

_INN = parse_digits((10, 12))
_KPP = parse_digits((9,))
MONEY_FIELDS = frozenset({"total", "vat", "cash_total", "card_total"})
TEXT_FIELDS = frozenset({"seller_name", "seller_address", "customer_name"})


def _inn(text: str) -> Parsed:
    got = _INN(text)
    return got if got and valid_inn(got[0]) else None


def _kpp(text: str) -> Parsed:
    got = _KPP(text)
    return got if got and valid_kpp(got[0]) else None


def _digits(*lengths: int) -> Callable[[str], Parsed]:
    return parse_digits(lengths)


def _currency(text: str) -> Parsed:
    code = normalise_currency(text)
    return (code, 0, len(text.rstrip())) if code else None


def _text(text: str) -> Parsed:
    clean = text.strip(" :;,")
    if not clean or not re.search(r"[^\W\d_]", clean):
        return None
    start = text.index(clean)
    return clean, start, start + len(clean)


PARSERS: dict[str, Callable[[str], Parsed]] = {
    "date": parse_date,
    **dict.fromkeys(MONEY_FIELDS, parse_money),
    "seller_inn": _inn,
    "buyer_inn": _inn,
    "seller_kpp": _kpp,
    "buyer_kpp": _kpp,
    "fn_no": _digits(16),
    "fd_no": _digits(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    "fp": _digits(8, 9, 10),
    "kkt_reg_no": _digits(16),
    "shift_no": _digits(1, 2, 3, 4, 5),
    "currency": _currency,
    **dict.fromkeys(TEXT_FIELDS, _text),
}


def parse_field(name: str, text: str) -> Parsed:
    """The value of field ``name`` first read in ``text``, with where it stands in it."""
    return PARSERS.get(name, parse_number)(text)


def same_value(name: str, a: str, b: str) -> bool:
    if name in TEXT_FIELDS or name not in PARSERS:
        return _plain(a) == _plain(b)
    return a == b


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", " ", fold_text(text)).strip()


def full_shape(raw: str) -> str:
    """A value's shape as printed, character by character: ``ДК-12345`` → ``AA-99999``."""
    out = re.sub(r"\d", "9", raw)
    out = re.sub(r"[^\W\d_]", "A", out)
    return re.sub(r"\s+", " ", out)


def shape(raw: str) -> str:
    """A value's shape as printed, runs collapsed: ``ДК-12345`` → ``A-9``, ``15.03.2025`` → ``9.9.9``."""
    return re.sub(r"9+", "9", re.sub(r"A+", "A", full_shape(raw)))


def label_token(word: str) -> str:
    """A printed word as labels are compared: folded, punctuation at its ends dropped (``Док.`` → ``док``)."""
    return fold_text(word).strip(".,:;()«»\"'*-–— ")


def printed_words(rows: list[Row]) -> frozenset[str]:
    """The layout's fingerprint: every word of letters only (three or more) the page prints."""
    out = set()
    for row in rows:
        for w in row.words:
            token = label_token(w.text)
            if len(token) >= 3 and re.fullmatch(r"[^\W\d_]+", token):
                out.add(token)
    return frozenset(out)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)
