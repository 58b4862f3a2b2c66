"""Barcodes printed on forms (1C and other ERPs) that name the order or the 1C document a scan belongs to.

The mapping is configuration, one rule a barcode kind (``[[barcodes.links]]`` in finarchive.toml)::

    [[barcodes.links]]
    name = "1С: номер заказа (Code 128)"
    pattern = '^(?P<order_no>[А-ЯA-Z]{2}-\\d{6})$'

    [[barcodes.links]]
    name = "1С: штрихкод печатной формы (EAN-13)"
    pattern = '^(?P<code>2\\d{12})$'
    lookup = { code = "Штрихкод" }

A rule's ``pattern`` is a regular expression matched against the whole text of a barcode; its named groups
are looked up in the imported orders: a group named ``order_no`` (or mapped to ``order_no`` by ``lookup``)
is compared with the order number (normalised as the order import normalises it), any other with the
column of that name the order import kept (an order's ``extra``: the 1C document number, the barcode 1C
exported beside the order), by ``lookup`` (group → column) or under the group's own name. An order that
matches every group of a rule is the document's order: the link is exact (method ``barcode``, score 1.0).
The first rule that finds an order wins for a code; a code that finds more than one order links none.

The codes are those read from a document's pages (``Page.codes``; with link rules configured each page is
read for the print-form formats too, ``capture.barcodes.PRINT_FORM_FORMATS``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from archive.config import Settings
from archive.models import Document, Order, Page
from classify import normalise_number
from finarchive.errors import ConfigurationError

__all__ = ["CodeIndex", "LinkRule", "code_index", "documents_for_order", "link_rules", "orders_for_code",
           "orders_for_document"]

ORDER_NO = "order_no"


@dataclass(frozen=True)
class LinkRule:
    """One kind of barcode: the pattern of its text, and which order column each named group names."""

    name: str
    pattern: re.Pattern[str]
    lookup: Mapping[str, str] = field(default_factory=dict)  # group → order column (order_no or an extra column)

    def keys(self, code: str) -> dict[str, str] | None:
        """The order columns and the values this code gives them, or None when it is not this kind."""
        match = self.pattern.fullmatch(code.strip())
        if match is None:
            return None
        values = {self.lookup.get(group, group): value for group, value in match.groupdict().items() if value}
        return values or None


def _rule(index: int, raw: Any) -> LinkRule:
    where = f"[[barcodes.links]] #{index}"
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where}: expected a table with pattern (and name, lookup)")
    name = str(raw.get("name") or f"rule {index}")
    unknown = set(raw) - {"name", "pattern", "lookup"}
    if unknown:
        raise ConfigurationError(f"{where} ({name}): unknown key(s) {', '.join(sorted(unknown))} "
                                 "(known: name, pattern, lookup)")
    try:
        pattern = re.compile(str(raw.get("pattern") or ""))
    except re.error as exc:
        raise ConfigurationError(f"{where} ({name}): pattern is not a regular expression: {exc}") from exc
    if not pattern.groupindex:
        raise ConfigurationError(f"{where} ({name}): the pattern needs a named group, e.g. (?P<order_no>...)")
    lookup = raw.get("lookup") or {}
    if not isinstance(lookup, Mapping) or not all(isinstance(v, str) and v for v in lookup.values()):
        raise ConfigurationError(f"{where} ({name}): lookup maps group names to order columns, "
                                 "e.g. lookup = { code = \"Штрихкод\" }")
    strays = set(lookup) - set(pattern.groupindex)
    if strays:
        raise ConfigurationError(f"{where} ({name}): lookup names group(s) the pattern lacks: "
                                 f"{', '.join(sorted(strays))}")
    return LinkRule(name=name, pattern=pattern, lookup=dict(lookup))


def link_rules(settings: Settings | None) -> list[LinkRule]:
    """The configured rules, checked (a bad one is a ConfigurationError naming it)."""
    raw = settings.get("barcodes", "links") if settings is not None else None
    if not raw:
        return []
    if not isinstance(raw, list):
        raise ConfigurationError("[barcodes] links must be a list of tables ([[barcodes.links]])")
    return [_rule(i, r) for i, r in enumerate(raw, 1)]


def _same(column: str, wanted: str, order: Order) -> bool:
    if column == ORDER_NO:
        return order.order_no == normalise_number(wanted)
    have = (order.extra or {}).get(column)
    return have is not None and _plain(str(have)) == _plain(wanted)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def orders_for_code(session: Session, code: str, rules: Iterable[LinkRule]) -> list[Order]:
    """The one order a barcode's text names under the first rule that finds one (none when it names several)."""
    for rule in rules:
        keys = rule.keys(code)
        if keys is None:
            continue
        stmt = select(Order)
        for column, value in keys.items():  # narrowed in SQL, compared exactly below
            if column == ORDER_NO:
                stmt = stmt.where(Order.order_no == normalise_number(value))
            else:  # the value as the JSON text holds it (SQLite's JSON paths do not find Cyrillic keys)
                stmt = stmt.where(or_(*(cast(Order.extra, Text).contains(json.dumps(v)[1:-1])
                                        for v in sorted({value.strip(), _plain(value)}))))
        found = [o for o in session.scalars(stmt) if all(_same(c, v, o) for c, v in keys.items())]
        if len(found) == 1:
            return found
    return []


def _codes(document: Document) -> list[str]:
    seen: list[str] = []
    for page in document.pages:
        for code in page.codes or ():
            if code not in seen:
                seen.append(code)
    return seen


def orders_for_document(session: Session, document: Document, settings: Settings | None) -> list[Order]:
    """The orders the barcodes on a document's pages name exactly (usually none or one)."""
    rules = link_rules(settings)
    if not rules:
        return []
    found: dict[int, Order] = {}
    for code in _codes(document):
        for order in orders_for_code(session, code, rules):
            found.setdefault(order.id, order)
    return list(found.values())


def _key(column: str, value: str) -> tuple[str, str]:
    return (column, normalise_number(value) if column == ORDER_NO else _plain(value))


class CodeIndex:
    """The archive's barcodes that match a rule, by the order values they name: built once per order import,
    so linking the documents that waited for each order is a look-up, not a pass over every page."""

    def __init__(self, session: Session, rules: list[LinkRule]) -> None:
        self.session, self.rules = session, rules
        self._by_key: dict[tuple[str, str], list[tuple[int, str, dict[str, str]]]] = {}
        stmt = select(Page.document_id, Page.codes).where(Page.codes.is_not(None))
        for document_id, codes in session.execute(stmt) if rules else ():
            for code in codes or ():
                for rule in rules:
                    keys = rule.keys(code)
                    if keys is not None:
                        first = next(iter(sorted(keys.items())))
                        self._by_key.setdefault(_key(*first), []).append((document_id, code, keys))

    def documents(self, order: Order) -> list[Document]:
        """Documents whose barcodes name ``order`` (and no other order)."""
        wanted = [_key(ORDER_NO, order.order_no)] + [_key(str(c), str(v)) for c, v in (order.extra or {}).items()]
        ids: set[int] = set()
        for key in wanted:
            for document_id, code, keys in self._by_key.get(key, ()):
                if document_id in ids or not all(_same(c, v, order) for c, v in keys.items()):
                    continue
                if [o.id for o in orders_for_code(self.session, code, self.rules)] == [order.id]:
                    ids.add(document_id)
        return [d for d in (self.session.get(Document, i) for i in sorted(ids)) if d is not None]


def code_index(session: Session, settings: Settings | None) -> CodeIndex:
    return CodeIndex(session, link_rules(settings))


def documents_for_order(session: Session, order: Order, settings: Settings | None,
                        index: CodeIndex | None = None) -> list[Document]:
    """Documents committed before their order was imported whose barcodes name it."""
    return (index or code_index(session, settings)).documents(order)
