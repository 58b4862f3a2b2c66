"""Sales orders from the CRM/ERP, their links to documents, and what each order still lacks.

Links are made
* by the document's ``order_no`` (normalised like the extractor does) — ``order_no``, confirmed;
* by an order number a cover sheet's barcode gave (a hint field) — ``barcode``, confirmed;
* by a barcode 1C printed on the form, mapped to an order by ``[[barcodes.links]]`` rules
  (archive/barcode_links.py) — ``barcode``, confirmed, score 1.0;
* by a scored suggestion: buyer INN = customer INN, total within 1% of the amount, date within a window —
  ``suggestion``, state ``suggested`` until a person confirms or rejects it;
* by hand — ``manual``.
Unlinking marks the link ``rejected`` so automatic linking never brings it back. Every change is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from archive import audit, barcode_links
from classify import normalise_number
from archive.config import DEFAULTS, Settings
from archive.models import (
    Document,
    DocumentStatus,
    FieldSource,
    LinkMethod,
    LinkState,
    Order,
    OrderLink,
    Outlet,
)
from finarchive.errors import ConfigurationError, InvalidInputError, NotFoundError

__all__ = [
    "Completeness",
    "ImportResult",
    "OrderRow",
    "auto_link",
    "completeness",
    "confirm_link",
    "get_order",
    "import_orders",
    "incomplete_orders",
    "link_document",
    "link_waiting_documents",
    "normalise_order_no",
    "order_view",
    "read_orders",
    "reject_link",
    "unlink_document",
]

# -- order numbers -------------------------------------------------------------------------------------

def normalise_order_no(raw: str | None) -> str:
    """An order number exactly as the extractor normalises it (classify.normalise_number), so both agree.

    ``3K-000781`` and ``зк 000781`` both become ``ЗК-000781``; ``so-12345`` becomes ``SO-12345``.
    """
    if raw is None or not str(raw).strip():
        return ""
    return normalise_number(str(raw))


# -- reading orders from CSV / JSON --------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    """One order as the CRM/ERP gave it, typed and normalised."""

    order_no: str
    order_date: dt.date | None = None
    customer_name: str | None = None
    customer_inn: str | None = None
    outlet: str | None = None
    amount: Decimal | None = None
    manager: str | None = None
    kind: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


ORDER_FIELDS = tuple(f.name for f in fields(OrderRow) if f.name != "extra")
DEFAULT_HEADER = ("order_no", "date", "customer_name", "customer_inn", "outlet", "amount", "manager")
# Column name in the file (after mapping) → OrderRow field.
_COLUMN_ALIASES = {"date": "order_date", **{name: name for name in ORDER_FIELDS}}


def _parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text.strip()[:19], fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def _parse_amount(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0₽]|руб\.?|RUB", "", str(text), flags=re.I).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    return value.quantize(Decimal("0.01"))


def _parse_inn(text: str) -> str:
    digits = re.sub(r"\D", "", str(text))
    if len(digits) not in (10, 12):
        raise ValueError(f"an INN has 10 or 12 digits: {text!r}")
    return digits


_PARSERS = {"order_date": _parse_date, "amount": _parse_amount, "customer_inn": _parse_inn}


def _row_from(record: Mapping[str, Any], mapping: Mapping[str, str]) -> OrderRow:
    """Build an OrderRow from one record; ``mapping`` is our field name → the file's column name."""
    source_of = dict(mapping)
    values: dict[str, Any] = {}
    used: set[str] = set()
    for column, target in _COLUMN_ALIASES.items():
        name = source_of.get(column, source_of.get(target, column))
        if name in record:
            used.add(name)
            raw = record[name]
            text = "" if raw is None else str(raw).strip()
            if text:
                values[target] = _PARSERS.get(target, str)(text)
    if not values.get("order_no") or not normalise_order_no(values["order_no"]):
        raise ValueError("no order number")
    values["order_no"] = normalise_order_no(values["order_no"])
    extra = {str(k): str(v) for k, v in record.items() if k not in used and v not in (None, "")}
    return OrderRow(**values, extra=extra)


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


def _csv_records(text: str) -> Iterable[tuple[int, dict[str, Any]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    for record in reader:
        yield reader.line_num, {(k or "").strip(): v for k, v in record.items()}


def _json_records(text: str) -> Iterable[tuple[int, dict[str, Any]]]:
    stripped = text.strip()
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"not JSON or JSON Lines: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("orders", [data])
    if not isinstance(data, list):
        raise InvalidInputError("JSON orders must be a list of objects (or {\"orders\": [...]})")
    for index, record in enumerate(data, 1):
        yield index, record if isinstance(record, dict) else {}


_READERS = {"csv": _csv_records, "json": _json_records, "jsonl": _json_records}


def read_orders(
    path: str | Path, *, fmt: str | None = None, mapping: Mapping[str, str] | None = None
) -> tuple[list[OrderRow], list[RowError]]:
    """Read orders from a CSV (header ``order_no,date,customer_name,customer_inn,outlet,amount,manager``,
    comma or semicolon, UTF-8 or Windows-1251) or JSON file. Bad rows are reported, not fatal.

    ``mapping`` maps our field names to the file's column names, e.g. ``{"order_no": "Номер заказа"}``.
    """
    file = Path(path)
    if not file.is_file():
        raise InvalidInputError(f"no such file: {file}")
    kind = (fmt or file.suffix.lstrip(".") or "csv").lower()
    if kind not in _READERS:
        raise InvalidInputError(f"unknown orders format {kind!r} (use csv or json)")
    unknown = set(mapping or {}) - set(_COLUMN_ALIASES)
    if unknown:
        raise InvalidInputError(f"unknown field(s) in the column mapping: {', '.join(sorted(unknown))} "
                                f"(fields: {', '.join(DEFAULT_HEADER)}, kind)")
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    rows: list[OrderRow] = []
    errors: list[RowError] = []
    for line, record in _READERS[kind](text):
        try:
            rows.append(_row_from(record, mapping or {}))
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
    return rows, errors


# -- settings --------------------------------------------------------------------------------------------


def _opt(settings: Settings | None, key: str) -> Any:
    value = settings.get("orders", key) if settings is not None else None
    return DEFAULTS["orders"][key] if value is None else value


def _kinds(settings: Settings | None) -> dict[str, list[list[str]]]:
    kinds = _opt(settings, "kinds")
    if not isinstance(kinds, dict):
        raise ConfigurationError("[orders.kinds] must be a table: kind = [[doc types], ...]")
    return kinds


# -- links -----------------------------------------------------------------------------------------------


def get_order(session: Session, order_no: str) -> Order:
    order = session.scalar(select(Order).where(Order.order_no == normalise_order_no(order_no)))
    if order is None:
        raise NotFoundError(f"no order {order_no!r}")
    return order


def _link_of(session: Session, order: Order, document: Document) -> OrderLink | None:
    return session.scalar(select(OrderLink).where(OrderLink.order_id == order.id,
                                                  OrderLink.document_id == document.id))


def _audit_link(session: Session, link: OrderLink, action: str, actor: str, old: str | None = None) -> None:
    """Audit a link's change; one that became confirmed is also the route event ``document_linked`` (and
    ``order_complete`` when it completes the order): the CRM's webhooks."""
    from archive.routes import link_confirmed

    audit.record(session, actor=actor, action=action, object_type="order_link", object_id=link.id,
                 document_id=link.document_id, field="state", old=old, new=link.state,
                 order_no=link.order.order_no, method=link.method, score=link.score)
    if link.state == LinkState.CONFIRMED and old != LinkState.CONFIRMED:
        from archive.routes import settings_of

        was = completeness(link.order, settings_of(session), leave_out=link)
        link_confirmed(session, link, actor=actor, was_complete=was.complete and bool(was.alternatives))


def _add_link(session: Session, order: Order, document: Document, *, method: LinkMethod, state: LinkState,
              actor: str, score: float | None = None) -> OrderLink:
    link = OrderLink(order=order, document=document, method=method, state=state, score=score, created_by=actor)
    session.add(link)
    session.flush()
    _audit_link(session, link, "order.linked" if state == LinkState.CONFIRMED else "order.suggested", actor)
    return link


def _confirm_by_number(session: Session, order: Order, document: Document, method: LinkMethod,
                       actor: str, score: float | None = None) -> OrderLink | None:
    """Confirm the pair found by number; a suggestion becomes confirmed, a person's rejection stands."""
    link = _link_of(session, order, document)
    if link is None:
        return _add_link(session, order, document, method=method, state=LinkState.CONFIRMED, actor=actor,
                         score=score)
    if link.state == LinkState.SUGGESTED:
        old = link.state
        link.state, link.method, link.score = LinkState.CONFIRMED, method, score
        _audit_link(session, link, "order.linked", actor, old=old)
        return link
    return None


def _method_of(document: Document) -> LinkMethod:
    """A number from a cover-sheet barcode (a hint field) links by ``barcode``, else by ``order_no``."""
    for f in document.fields:
        if f.name == "order_no" and f.source == FieldSource.HINT:
            return LinkMethod.BARCODE
    return LinkMethod.ORDER_NO


def _score(order: Order, document: Document, settings: Settings | None) -> float | None:
    """Buyer INN must equal the customer's, the total lie within the tolerance and the date in the window."""
    if not (order.customer_inn and document.buyer_inn == order.customer_inn):
        return None
    if order.amount is None or document.total is None or order.amount == 0:
        return None
    tolerance = float(_opt(settings, "amount_tolerance"))
    window = int(_opt(settings, "suggest_days"))
    off = abs(float(document.total) - float(order.amount)) / abs(float(order.amount))
    if off > tolerance:
        return None
    if order.order_date is None or document.doc_date is None:
        days_part = 0.0
    else:
        days = abs((document.doc_date - order.order_date).days)
        if days > window:
            return None
        days_part = 1 - days / window if window else 1.0
    amount_part = 1 - off / tolerance if tolerance else 1.0
    return round(0.4 + 0.3 * amount_part + 0.3 * days_part, 3)


def _linkable(document: Document) -> bool:
    return document.status != DocumentStatus.REJECTED


def _suggest_for_document(session: Session, document: Document, *, actor: str,
                          settings: Settings | None) -> list[OrderLink]:
    if not document.buyer_inn or document.total is None:
        return []
    min_score = float(_opt(settings, "min_score"))
    out = []
    for order in session.scalars(select(Order).where(Order.customer_inn == document.buyer_inn)):
        score = _score(order, document, settings)
        if score is None or score < min_score or _link_of(session, order, document) is not None:
            continue
        out.append(_add_link(session, order, document, method=LinkMethod.SUGGESTION, state=LinkState.SUGGESTED,
                             actor=actor, score=score))
    return out


def _drop_stale_number_links(session: Session, document: Document, number: str, actor: str,
                             keep: Iterable[str] = ()) -> None:
    """A corrected order number: links made by the old number go (audited); other links stay, and so do
    those the print-form barcodes name (``keep``)."""
    stale = select(OrderLink).join(Order).where(
        OrderLink.document_id == document.id, OrderLink.state == LinkState.CONFIRMED,
        OrderLink.method.in_([LinkMethod.ORDER_NO, LinkMethod.BARCODE]), Order.order_no.not_in([number, *keep]))
    for link in session.scalars(stale):
        audit.record(session, actor=actor, action="order.unlinked", object_type="order_link", object_id=link.id,
                     document_id=document.id, field="state", old=link.state, new=None,
                     order_no=link.order.order_no, reason=f"order number is now {number or 'empty'}")
        session.delete(link)
    session.flush()


def auto_link(session: Session, document: Document, *, actor: str,
              settings: Settings | None = None) -> list[OrderLink]:
    """The commit hook: link a document to its order by number, else suggest orders by INN, amount and date.

    Returns the links made or changed. A document without a matching order now is linked later, when
    its order is imported (:func:`link_waiting_documents`).
    """
    if not _linkable(document):
        return []
    changed: list[OrderLink] = []
    number = normalise_order_no(document.order_no)
    named = barcode_links.orders_for_document(session, document, settings)  # 1C print-form barcodes: exact
    _drop_stale_number_links(session, document, number, actor, keep=[o.order_no for o in named])
    for named_order in named:
        link = _confirm_by_number(session, named_order, document, LinkMethod.BARCODE, actor, score=1.0)
        if link is not None:
            changed.append(link)
    if number:
        order = session.scalar(select(Order).where(Order.order_no == number))
        if order is not None:
            link = _confirm_by_number(session, order, document, _method_of(document), actor)
            if link is not None:
                changed.append(link)
    confirmed = session.scalar(select(OrderLink.id).where(OrderLink.document_id == document.id,
                                                          OrderLink.state == LinkState.CONFIRMED))
    if confirmed is None:
        changed += _suggest_for_document(session, document, actor=actor, settings=settings)
    return changed


def link_waiting_documents(session: Session, order: Order, *, actor: str, settings: Settings | None = None,
                           raw_numbers: Iterable[str] = (), codes: barcode_links.CodeIndex | None = None,
                           ) -> list[OrderLink]:
    """Link documents that arrived before their order: by their print-form barcodes, by number, then
    suggestions by INN, amount and date. ``codes`` is the archive's barcodes, indexed once per import."""
    changed: list[OrderLink] = []
    for document in barcode_links.documents_for_order(session, order, settings, codes):
        if _linkable(document):
            link = _confirm_by_number(session, order, document, LinkMethod.BARCODE, actor, score=1.0)
            if link is not None:
                changed.append(link)
    variants = {order.order_no, *(r for r in raw_numbers if r)}
    same_number: ColumnElement[bool] = Document.order_no.in_(sorted(variants))
    tail = re.search(r"\d{3,}$", order.order_no)
    if tail:  # documents holding the number as read, look-alikes unresolved: same digits at the end
        same_number = or_(same_number, Document.order_no.like(f"%{tail.group(0)}"))
    for document in session.scalars(select(Document).where(same_number)):
        if _linkable(document) and normalise_order_no(document.order_no) == order.order_no:
            link = _confirm_by_number(session, order, document, _method_of(document), actor)
            if link is not None:
                changed.append(link)
    if order.customer_inn and order.amount is not None:
        min_score = float(_opt(settings, "min_score"))
        candidates = select(Document).where(Document.buyer_inn == order.customer_inn, Document.total.is_not(None))
        for document in session.scalars(candidates):
            if not _linkable(document) or _link_of(session, order, document) is not None:
                continue
            has_order = session.scalar(select(OrderLink.id).where(OrderLink.document_id == document.id,
                                                                  OrderLink.state == LinkState.CONFIRMED))
            score = _score(order, document, settings)
            if has_order is None and score is not None and score >= min_score:
                changed.append(_add_link(session, order, document, method=LinkMethod.SUGGESTION,
                                         state=LinkState.SUGGESTED, actor=actor, score=score))
    return changed


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    return document


def link_document(session: Session, order_no: str, document_id: int, *, actor: str) -> OrderLink:
    """Link by hand (also re-links a pair that was unlinked or rejected)."""
    order, document = get_order(session, order_no), _document(session, document_id)
    link = _link_of(session, order, document)
    if link is None:
        return _add_link(session, order, document, method=LinkMethod.MANUAL, state=LinkState.CONFIRMED,
                         actor=actor)
    old = link.state
    link.state, link.method, link.created_by = LinkState.CONFIRMED, LinkMethod.MANUAL, actor
    _audit_link(session, link, "order.linked", actor, old=old)
    return link


def _existing(session: Session, order_no: str, document_id: int) -> OrderLink:
    order, document = get_order(session, order_no), _document(session, document_id)
    link = _link_of(session, order, document)
    if link is None:
        raise NotFoundError(f"document {document_id} is not linked to order {order.order_no}")
    return link


def confirm_link(session: Session, order_no: str, document_id: int, *, actor: str) -> OrderLink:
    """A person confirms a suggested link."""
    link = _existing(session, order_no, document_id)
    old = link.state
    link.state = LinkState.CONFIRMED
    _audit_link(session, link, "order.confirmed", actor, old=old)
    return link


def reject_link(session: Session, order_no: str, document_id: int, *, actor: str) -> OrderLink:
    """Unlink (or reject a suggestion): the link stays as ``rejected`` so it is never made again by itself."""
    link = _existing(session, order_no, document_id)
    old = link.state
    link.state = LinkState.REJECTED
    _audit_link(session, link, "order.unlinked", actor, old=old)
    return link


unlink_document = reject_link


# -- import ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # confirmed links made by number
    suggested: int = 0
    errors: tuple[RowError, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "linked": self.linked, "suggested": self.suggested,
                "errors": [{"line": e.line, "message": e.message} for e in self.errors]}


def _outlet(session: Session, code: str | None, actor: str) -> Outlet | None:
    if not code:
        return None
    outlet = session.scalar(select(Outlet).where(Outlet.code == code))
    if outlet is None:
        outlet = Outlet(code=code)
        session.add(outlet)
        session.flush()
        audit.record(session, actor=actor, action="outlet.created", object_type="outlet", object_id=outlet.id,
                     new=code)
    return outlet


def _upsert(session: Session, row: OrderRow, *, actor: str, default_kind: str) -> tuple[Order, str]:
    order = session.scalar(select(Order).where(Order.order_no == row.order_no))
    outlet = _outlet(session, row.outlet, actor)
    wanted: dict[str, Any] = {
        "order_date": row.order_date, "customer_name": row.customer_name, "customer_inn": row.customer_inn,
        "outlet_id": outlet.id if outlet is not None else None, "amount": row.amount, "manager": row.manager,
        "kind": row.kind or (order.kind if order is not None else None) or default_kind,
        "extra": dict(row.extra),
    }
    if order is None:
        order = Order(order_no=row.order_no, **wanted)
        session.add(order)
        session.flush()
        audit.record(session, actor=actor, action="order.created", object_type="order", object_id=order.id,
                     new=order.order_no, amount=row.amount, customer_inn=row.customer_inn)
        return order, "created"
    changes = {}
    for name, value in wanted.items():
        current = getattr(order, name)
        if name == "amount" and current is not None and value is not None:
            same = Decimal(current) == Decimal(value)
        else:
            same = current == value
        if not same:
            changes[name] = (current, value)
            setattr(order, name, value)
    for name, (old, new) in changes.items():
        audit.record(session, actor=actor, action="order.updated", object_type="order", object_id=order.id,
                     field=name, old=old, new=new, order_no=order.order_no)
    return order, "updated" if changes else "unchanged"


def import_orders(session: Session, rows: Sequence[OrderRow], *, actor: str, settings: Settings | None = None,
                  errors: Sequence[RowError] = ()) -> ImportResult:
    """Upsert orders by normalised number, then link the documents that were waiting for them."""
    kinds = _kinds(settings)
    default_kind = str(_opt(settings, "default_kind"))
    bad = list(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    linked = suggested = 0
    codes = barcode_links.code_index(session, settings)
    for index, row in enumerate(rows, 1):
        if row.kind and row.kind not in kinds:
            bad.append(RowError(index, f"order {row.order_no}: unknown kind {row.kind!r} "
                                       f"(configured: {', '.join(sorted(kinds))})"))
            continue
        order, outcome = _upsert(session, row, actor=actor, default_kind=default_kind)
        counts[outcome] += 1
        for link in link_waiting_documents(session, order, actor=actor, settings=settings, codes=codes):
            if link.state == LinkState.CONFIRMED:
                linked += 1
            else:
                suggested += 1
    return ImportResult(**counts, linked=linked, suggested=suggested, errors=tuple(bad))


# -- completeness and views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    kind: str | None
    present: tuple[str, ...]  # doc types of confirmed links
    missing: tuple[str, ...]  # of the alternative closest to done
    complete: bool
    alternatives: tuple[tuple[str, ...], ...]


def completeness(order: Order, settings: Settings | None = None, *, leave_out: OrderLink | None = None) -> Completeness:
    """Which doc types the order has (confirmed links only, less ``leave_out``: as it was before that link)
    and what the nearest complete set still lacks."""
    present = sorted({link.document.doc_type for link in order.links
                      if link.state == LinkState.CONFIRMED and link.document.doc_type and link is not leave_out})
    kind = order.kind or str(_opt(settings, "default_kind"))
    alternatives = tuple(tuple(alt) for alt in _kinds(settings).get(kind, []))
    if not alternatives:
        return Completeness(kind, tuple(present), (), True, ())
    gaps = [tuple(t for t in alt if t not in present) for alt in alternatives]
    # The alternative closest to done: fewest gaps, then the one the order has gone furthest along, then first.
    best = min(zip(alternatives, gaps, strict=True), key=lambda pair: (len(pair[1]), len(pair[1]) - len(pair[0])))[1]
    return Completeness(kind, tuple(present), best, not best, alternatives)


def _doc_row(link: OrderLink) -> dict[str, Any]:
    d = link.document
    o = d.original
    return {
        "document_id": d.id, "doc_type": d.doc_type, "number": d.number,
        "date": d.doc_date.isoformat() if d.doc_date else None, "total": str(d.total) if d.total is not None else None,
        "status": d.status, "filename": d.filename, "link": {"method": link.method, "state": link.state,
                                                             "score": link.score, "by": link.created_by},
        "original": None if o is None else {"barcode": o.barcode, "state": o.state,
                                            "due_date": o.due_date.isoformat() if o.due_date else None,
                                            "box": o.box.code if o.box else None},
    }


def _order_head(order: Order) -> dict[str, Any]:
    return {
        "order_no": order.order_no, "date": order.order_date.isoformat() if order.order_date else None,
        "customer_name": order.customer_name, "customer_inn": order.customer_inn,
        "outlet": order.outlet.code if order.outlet else None,
        "amount": str(order.amount) if order.amount is not None else None, "manager": order.manager,
        "kind": order.kind,
    }


def order_view(session: Session, order_no: str, settings: Settings | None = None) -> dict[str, Any]:
    """The order with its linked documents (and their originals), suggestions, and what is missing."""
    order = get_order(session, order_no)
    done = completeness(order, settings)
    links = sorted(order.links, key=lambda link: (link.document.doc_date or dt.date.min, link.document_id))
    confirmed = [_doc_row(link) for link in links if link.state == LinkState.CONFIRMED]
    view = _order_head(order)
    view.update({
        "documents": confirmed,
        "suggestions": [_doc_row(link) for link in links if link.state == LinkState.SUGGESTED],
        "present": list(done.present),
        "missing": list(done.missing),
        "complete": done.complete,
        "alternatives": [list(a) for a in done.alternatives],
        "originals_outstanding": [
            row["original"]["barcode"] for row in confirmed
            if row["original"] and row["original"]["state"] in ("expected", "in_transit")
        ],
    })
    return view


def incomplete_orders(session: Session, settings: Settings | None = None, *, outlet: str | None = None,
                      since: dt.date | None = None) -> list[dict[str, Any]]:
    """Orders whose documents are not yet complete, oldest first."""
    stmt = select(Order).order_by(Order.order_date, Order.order_no)
    if outlet:
        outlet_row = session.scalar(select(Outlet).where(Outlet.code == outlet))
        if outlet_row is None:
            raise NotFoundError(f"no outlet {outlet!r}")
        stmt = stmt.where(Order.outlet_id == outlet_row.id)
    if since:
        stmt = stmt.where(Order.order_date >= since)
    out = []
    for order in session.scalars(stmt):
        done = completeness(order, settings)
        if done.complete:
            continue
        row = _order_head(order)
        row.update({"present": list(done.present), "missing": list(done.missing),
                    "suggestions": sum(link.state == LinkState.SUGGESTED for link in order.links)})
        out.append(row)
    return out


def suggested_links(session: Session, *, cursor: str | None = None, limit: int = 50) -> tuple[list[dict[str, Any]],
                                                                                         str | None, str | None]:
    """Links suggested by score and waiting for a person, best first, a keyset page at a time: each the
    order's head beside the document's row, and the cursors of the next and previous pages."""
    from sqlalchemy.orm import selectinload

    from archive.paging import SortKey, keyset_page

    stmt = (select(OrderLink).where(OrderLink.state == LinkState.SUGGESTED)
            .options(selectinload(OrderLink.order), selectinload(OrderLink.document).selectinload(Document.original)))
    keys = [SortKey(OrderLink.score, descending=True), SortKey(OrderLink.id, descending=True)]
    page = keyset_page(session, stmt, keys, cursor=cursor, limit=limit)
    rows = [{"order": _order_head(link.order), **_doc_row(link)} for link in page.items]
    return rows, page.next, page.previous
