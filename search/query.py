"""The query syntax people type into the search box, parsed into a :class:`TextQuery` and filters.

Syntax::

    накладная ромашка            both words (stems: накладной, накладную… match too)
    "товарная накладная"         the words next to each other, in this order
    -возврат   NOT возврат       without this word
    waybill OR накладная         either word (OR in capitals, or |)
    наклад*                      words starting so
    type:waybill outlet:MSK-01 status:needs_review original:expected
    date:2026-03-01..2026-03-31  date:2026-03  date:..2026-03-31  date:14.03.2026
    total:1000..5000  total:235730.00  total:1000..
    inn:7707083893  order:ЗК-000781  number:4521

The free text never fails to parse: stray quotes, brackets, ``*``, ``AND``/``OR`` without operands are
taken as the words they contain, or ignored. A filter with a bad value, or an unknown ``name:value``
filter, is a :class:`QuerySyntaxError` naming the problem. Backends never see the raw text: they get
the terms the index holds (see :mod:`search.stemming`) and quote each of them themselves.
"""

from __future__ import annotations

import dataclasses
import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from search.exceptions import QuerySyntaxError
from search.stemming import iter_tokens, prefix_term
from search.types import SearchQuery

#: Document types of the shared contract (DESIGN.md).
DOC_TYPES = frozenset(
    {"z_report", "sales_report", "waybill", "upd", "vat_invoice", "invoice", "act", "contract", "receipt", "other"}
)
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Term:
    """A word, a quoted phrase, or a prefix (``наклад*``) as typed, with the index terms it stands for."""

    text: str
    terms: tuple[str, ...]
    prefix: bool = False
    quoted: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.terms) > 1

    def render(self) -> str:
        shown = f'"{self.text}"' if self.quoted else self.text
        return f"{shown}*" if self.prefix else shown


@dataclass(frozen=True)
class Clause:
    """One or more alternatives (joined by OR); a negated clause excludes documents that match it."""

    alternatives: tuple[Term, ...]
    negated: bool = False

    def render(self) -> str:
        text = " OR ".join(term.render() for term in self.alternatives)
        return f"-{text}" if self.negated else text


@dataclass(frozen=True)
class TextQuery:
    """The full-text part of a query: every positive clause must match, no negated clause may."""

    clauses: tuple[Clause, ...] = ()

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    @property
    def highlight_terms(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(whole terms, prefixes) a snippet should mark: those of the positive clauses."""
        whole: list[str] = []
        prefixes: list[str] = []
        for clause in self.positive:
            for term in clause.alternatives:
                whole.extend(term.terms[:-1] if term.prefix else term.terms)
                if term.prefix:
                    prefixes.append(term.terms[-1])
        return tuple(dict.fromkeys(whole)), tuple(dict.fromkeys(prefixes))

    def render(self) -> str:
        return " ".join(clause.render() for clause in self.clauses)

    def __bool__(self) -> bool:
        return bool(self.clauses)


# ---------------------------------------------------------------- filter values


def _need(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise QuerySyntaxError(f"filter {name}: needs a value, e.g. {EXAMPLES[name]}")
    return value


def _parse_day(name: str, value: str, *, end: bool) -> str:
    """``2026-03-14``, ``14.03.2026``, ``2026-03`` or ``2026`` → an ISO day (first or last of the span)."""
    value = value.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(m[1]), int(m[2])
            return date(year, month, monthrange(year, month)[1] if end else 1).isoformat()
        if m := re.fullmatch(r"(\d{4})", value):
            return date(int(m[1]), 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError as exc:
        raise QuerySyntaxError(f"filter {name}: {value!r} is not a valid date ({exc})") from exc
    raise QuerySyntaxError(f"filter {name}: {value!r} is not a date; use YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY")


def _parse_amount(name: str, value: str) -> str:
    cleaned = "".join(value.split()).replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise QuerySyntaxError(f"filter {name}: {value!r} is not an amount; use e.g. 1000, 235730.00 or 1000..5000")
    return f"{amount:.2f}"


def _split_range(name: str, value: str) -> tuple[str, str]:
    value = _need(name, value)
    if ".." not in value:
        return value, value
    low, _, high = value.partition("..")
    if ".." in high or not (low.strip() or high.strip()):
        raise QuerySyntaxError(f"filter {name}: {value!r} is not a range; use FROM..TO, FROM.. or ..TO")
    return low, high


def _date_filter(name: str, value: str) -> dict[str, Any]:
    low, high = _split_range(name, value)
    date_from = _parse_day(name, low, end=False) if low.strip() else None
    date_to = _parse_day(name, high, end=True) if high.strip() else None
    if date_from and date_to and date_from > date_to:
        raise QuerySyntaxError(f"filter {name}: the range {value!r} ends before it starts")
    return {"date_from": date_from, "date_to": date_to}


def _amount_filter(name: str, value: str) -> dict[str, Any]:
    low, high = _split_range(name, value)
    amount_min = _parse_amount(name, low) if low.strip() else None
    amount_max = _parse_amount(name, high) if high.strip() else None
    if amount_min and amount_max and Decimal(amount_min) > Decimal(amount_max):
        raise QuerySyntaxError(f"filter {name}: the range {value!r} ends below where it starts")
    return {"amount_min": amount_min, "amount_max": amount_max}


def _doc_type_filter(name: str, value: str) -> dict[str, Any]:
    value = _need(name, value).lower()
    if value not in DOC_TYPES:
        raise QuerySyntaxError(f"filter {name}: unknown document type {value!r}; one of {', '.join(sorted(DOC_TYPES))}")
    return {"doc_type": value}


def _inn_filter(name: str, value: str) -> dict[str, Any]:
    value = _need(name, value)
    if not re.fullmatch(r"\d{10}|\d{12}", value):
        raise QuerySyntaxError(f"filter {name}: an INN is 10 or 12 digits, not {value!r}")
    return {"inn": value}


def _word_filter(field: str) -> Callable[[str, str], dict[str, Any]]:
    def parse(name: str, value: str) -> dict[str, Any]:
        value = _need(name, value).lower()
        if not re.fullmatch(r"[a-z_]+", value):
            raise QuerySyntaxError(f"filter {name}: {value!r} is not a {field} (letters and _ only)")
        return {field: value}

    return parse


def _code_filter(field: str) -> Callable[[str, str], dict[str, Any]]:
    def parse(name: str, value: str) -> dict[str, Any]:
        return {field: _need(name, value)}

    return parse


# filter name as typed → how its value becomes SearchQuery fields
FILTERS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "type": _doc_type_filter,
    "doc_type": _doc_type_filter,
    "тип": _doc_type_filter,
    "outlet": _code_filter("outlet"),
    "точка": _code_filter("outlet"),
    "status": _word_filter("status"),
    "статус": _word_filter("status"),
    "date": _date_filter,
    "дата": _date_filter,
    "total": _amount_filter,
    "amount": _amount_filter,
    "sum": _amount_filter,
    "сумма": _amount_filter,
    "inn": _inn_filter,
    "инн": _inn_filter,
    "order": _code_filter("order_no"),
    "order_no": _code_filter("order_no"),
    "заказ": _code_filter("order_no"),
    "number": _code_filter("number"),
    "номер": _code_filter("number"),
    "original": _word_filter("original_state"),
    "original_state": _word_filter("original_state"),
    "оригинал": _word_filter("original_state"),
}

EXAMPLES: dict[str, str] = {name: f"{name}:…" for name in FILTERS} | {
    "type": "type:waybill",
    "outlet": "outlet:MSK-01",
    "status": "status:needs_review",
    "date": "date:2026-03-01..2026-03-31",
    "total": "total:1000..5000",
    "inn": "inn:7707083893",
    "order": "order:ЗК-000781",
    "number": "number:4521",
    "original": "original:expected",
}

_FILTER_WORD = re.compile(r"([^\W\d]\w*):(.*)", re.DOTALL)
_ASCII_NAME = re.compile(r"[A-Za-z_]+")
_BRACKETS = frozenset("()[]{}")  # grouping is not supported: brackets separate words like spaces


# ---------------------------------------------------------------- lexing the text


@dataclass(frozen=True)
class _Item:
    kind: str  # "term", "or", "not"
    text: str = ""
    phrase: bool = False
    negated: bool = False


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """The text between the quote at ``i`` and the next quote (or the end), and where to go on."""
    end = text.find('"', i + 1)
    if end < 0:
        return text[i + 1 :], len(text)
    return text[i + 1 : end], end + 1


def _lex(text: str) -> tuple[list[_Item], dict[str, Any]]:
    items: list[_Item] = []
    filters: dict[str, Any] = {}
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace() or c in _BRACKETS:
            i += 1
            continue
        negated = False
        while i < n and text[i] == "-":
            negated = True
            i += 1
        if i >= n or text[i].isspace() or text[i] in _BRACKETS:
            continue
        if text[i] == '"':
            body, i = _read_quoted(text, i)
            prefix = i < n and text[i] == "*"
            while i < n and text[i] == "*":
                i += 1
            items.append(_Item("term", body + ("*" if prefix else ""), phrase=True, negated=negated))
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"' and text[i] not in _BRACKETS:
            i += 1
        word = text[start:i]
        match = _FILTER_WORD.fullmatch(word)
        if match and (match[1].lower() in FILTERS or (match[2] and _ASCII_NAME.fullmatch(match[1]))):
            name, value = match[1].lower(), match[2]
            if name not in FILTERS:
                raise QuerySyntaxError(
                    f"unknown filter {match[1]!r}; "
                    "known: type, outlet, status, date, total, inn, order, number, original"
                )
            if not value and i < n and text[i] == '"':
                value, i = _read_quoted(text, i)
            if negated:
                raise QuerySyntaxError(f"filter {name}: filters cannot be negated with '-'")
            values = FILTERS[name](name, value)
            if any(field in filters for field in values):
                raise QuerySyntaxError(f"filter {name}: given more than once")
            filters.update(values)
            continue
        if word in ("OR", "|", "||"):
            items.append(_Item("or"))
        elif word == "NOT":
            items.append(_Item("not"))
        elif word in ("AND", "&", "&&"):
            continue
        else:
            items.append(_Item("term", word, negated=negated))
    return items, filters


def _term(item: _Item) -> Term | None:
    raw = item.text
    prefix = raw.endswith("*")
    raw = raw.rstrip("*")
    tokens = [token.term for token in iter_tokens(raw)]
    if not tokens:
        return None
    last = list(iter_tokens(raw))[-1]
    # a ``*`` after a separator (``abc- *``) has no word to complete: the word is taken whole
    prefix = prefix and last.end == len(raw)
    if prefix:
        tokens[-1] = prefix_term(raw[last.start : last.end])
    shown = " ".join(raw.split()) if item.phrase else raw
    return Term(text=shown, terms=tuple(tokens), prefix=prefix, quoted=item.phrase or len(tokens) > 1)


def _clauses(items: list[_Item]) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    pending_or = False
    pending_not = False
    for item in items:
        if item.kind == "or":
            pending_or = bool(clauses) and not clauses[-1].negated
            continue
        if item.kind == "not":
            pending_not = True
            continue
        term = _term(item)
        negated = item.negated or pending_not
        if term is None:
            pending_or = pending_or and not negated
            pending_not = False
            continue
        if pending_or and not negated:
            last = clauses[-1]
            clauses[-1] = Clause((*last.alternatives, term), negated=False)
        else:
            clauses.append(Clause((term,), negated=negated))
        pending_or = pending_not = False
    return tuple(clauses)


def parse_text(text: str) -> tuple[TextQuery, dict[str, Any]]:
    """Split ``text`` into its full-text query and the SearchQuery fields its filters set."""
    items, filters = _lex(text)
    return TextQuery(_clauses(items)), filters


# ---------------------------------------------------------------- whole queries


def _check_base(query: SearchQuery) -> SearchQuery:
    """Validate and normalise the filters a caller set directly (CLI options, web form fields)."""
    changes: dict[str, Any] = {}
    if query.doc_type is not None:
        changes.update(_doc_type_filter("type", query.doc_type))
    for field in ("date_from", "date_to"):
        value = getattr(query, field)
        if value is not None:
            changes[field] = _parse_day(field, str(value), end=field == "date_to")
    for field in ("amount_min", "amount_max"):
        value = getattr(query, field)
        if value is not None:
            changes[field] = _parse_amount(field, str(value))
    if query.inn is not None:
        changes.update(_inn_filter("inn", query.inn))
    if not 0 <= query.limit <= MAX_LIMIT:
        raise QuerySyntaxError(f"limit must be between 0 and {MAX_LIMIT}, not {query.limit}")
    if query.offset < 0:
        raise QuerySyntaxError(f"offset must not be negative, not {query.offset}")
    return dataclasses.replace(query, **changes) if changes else query


def parse_query(text: str, base: SearchQuery | None = None) -> SearchQuery:
    """The SearchQuery for what the user typed: filters written in ``text`` override those of ``base``.

    The returned query's ``text`` holds only the full-text part, rewritten canonically, so parsing it
    again gives the same query. ``outlets`` (the user's rights) can only come from ``base``.
    """
    base = base or SearchQuery()
    text_query, filters = parse_text(text)
    query = dataclasses.replace(base, text=text_query.render(), **filters)
    return _check_base(query)


def compile_query(query: SearchQuery) -> tuple[SearchQuery, TextQuery]:
    """What a backend runs: the validated query with every filter in place, and its full-text part."""
    query = parse_query(query.text, query)
    return query, parse_text(query.text)[0]
