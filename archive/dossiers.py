"""Counterparty dossiers (досье контрагента): every document and order of a counterparty, the paper originals
still owed for them, and what its dossier lacks.

A counterparty is an INN: the seller's or the buyer's on a document, the customer's of an order, or one a
person filed a document under (:class:`~archive.models.CounterpartyDocument`: a card of bank details is an
``other`` scan and carries no INN). What a dossier must hold depends on the kind of counterparty — a supplier
a contract and a card of bank details, a customer a contract: the kinds and their items are data
(``archive/data/dossiers.toml``), replaced by the ``[[dossiers]]`` tables of finarchive.toml. The sweep raises
``dossier_incomplete`` once for each counterparty and set of missing items, so a ``[[routes]]`` rule on that
event turns missing items into tasks; they are done when the dossier is complete.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session, selectinload

from archive import audit
from archive.config import CONFIG_NAME, Settings
from archive.models import CounterpartyDocument, Document, Order, Original, OriginalState
from finarchive.errors import ConfigurationError, InvalidInputError, NotFoundError

__all__ = [
    "DossierItem",
    "DossierKind",
    "InvalidInnError",
    "check_inn",
    "counterparties",
    "counterparty_name",
    "dossier",
    "dossier_completeness",
    "dossier_states",
    "file_document",
    "first_seen",
    "incomplete_dossiers",
    "incomplete_page",
    "item_names",
    "load_dossier_kinds",
    "unfile_document",
]

ROLES = ("seller", "buyer", "any")
OWED = (OriginalState.EXPECTED, OriginalState.IN_TRANSIT)
PAGE_SIZE = 50  # documents a dossier lists at once, newest first; the rest by keyset paging (archive/paging.py)


class InvalidInnError(InvalidInputError):
    """Not an INN: 10 or 12 digits whose check digits hold."""

    http_status = 400


def check_inn(text: str) -> str:
    """``text`` as an INN (spaces dropped), or InvalidInnError."""
    from classify import valid_inn

    inn = re.sub(r"\s+", "", text or "")
    if not (inn.isdigit() and len(inn) in (10, 12) and valid_inn(inn)):
        raise InvalidInnError(f"«{text}»: не ИНН (10 или 12 цифр с верными контрольными) / not an INN "
                              "(10 or 12 digits with valid check digits)")
    return inn


# -- the kinds --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierItem:
    """What a dossier must hold: a doc type of the catalogue or a document filed by hand as this item."""

    name: str
    label: str
    label_en: str
    doc_types: frozenset[str]

    def held_by(self, doc_type: str | None, filed_as: str | None) -> bool:
        return filed_as == self.name or (filed_as is None and doc_type in self.doc_types)


@dataclass(frozen=True)
class DossierKind:
    name: str
    label: str
    label_en: str
    role: str
    requires: tuple[DossierItem, ...]
    inns: frozenset[str] = frozenset()  # only these counterparties (then the role does not matter)

    def applies(self, inn: str, roles: frozenset[str]) -> bool:
        if self.inns:
            return inn in self.inns
        return (self.role == "any" and bool(roles)) or self.role in roles


@functools.cache
def _data() -> dict[str, Any]:
    """The data file, read once (callers copy what they change: nothing here mutates it)."""
    return tomllib.loads(resources.files("archive").joinpath("data/dossiers.toml").read_text(encoding="utf-8"))


def _item(name: str, raw: dict[str, Any], where: str) -> DossierItem:
    from archive.routes import DOC_TYPES

    unknown = sorted(set(raw) - {"name", "label", "label_en", "doc_types"})
    if unknown:
        raise ConfigurationError(f"{where}: неизвестный ключ / unknown key {unknown[0]!r} "
                                 "(name, label, label_en, doc_types)")
    types = raw.get("doc_types", [])
    if not isinstance(types, list) or any(t not in DOC_TYPES for t in types):
        raise ConfigurationError(f"{where}: doc_types — список типов / a list of doc types ({', '.join(DOC_TYPES)})")
    label = str(raw.get("label") or name)
    return DossierItem(name, label, str(raw.get("label_en") or label), frozenset(types))


def _items(data: dict[str, Any]) -> dict[str, DossierItem]:
    """The data file's items, and every doc type of the catalogue as an item of its own."""
    from archive.routes import DOC_TYPES, TITLE_LABELS

    out = {t: DossierItem(t, TITLE_LABELS[t], t.replace("_", " "), frozenset({t})) for t in DOC_TYPES}
    for name, raw in (data.get("items") or {}).items():
        out[name] = _item(name, raw, f"dossiers.toml [items.{name}]")
    return out


def _kind(raw: Any, where: str, items: dict[str, DossierItem]) -> DossierKind:
    from archive.routes import KEYS

    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: ожидалась таблица / expected a table")
    known = ("kind", "label", "label_en", "role", "requires", "counterparty_inn", "items")
    unknown = [k for k in raw if k not in known]
    if unknown:
        raise ConfigurationError(f"{where}: неизвестный ключ / unknown key {unknown[0]!r} (known: {', '.join(known)})")
    name = raw.get("kind")
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError(f"{where}: нет kind / a dossier needs its kind (e.g. \"supplier\")")
    own = dict(items)
    for extra in raw.get("items") or []:
        if not isinstance(extra, dict) or not isinstance(extra.get("name"), str):
            raise ConfigurationError(f"{where}: [[dossiers.items]] нужен name / an item needs a name")
        own[extra["name"]] = _item(extra["name"], extra, f"{where} [[dossiers.items]] {extra['name']!r}")
    role = raw.get("role", "any")
    if role not in ROLES:
        raise ConfigurationError(f"{where}: role = {role!r}: {', '.join(ROLES)}")
    requires = raw.get("requires")
    if not isinstance(requires, list) or not requires or not all(isinstance(r, str) for r in requires):
        raise ConfigurationError(f"{where}: requires — непустой список / a non-empty list of items")
    missing = [r for r in requires if r not in own]
    if missing:
        raise ConfigurationError(f"{where}: нет такого документа досье / no dossier item {missing[0]!r} "
                                 f"(doc types, [items] of dossiers.toml, or [[dossiers.items]]: {', '.join(own)})")
    try:
        inns = KEYS["counterparty_inn"][1](raw["counterparty_inn"], "counterparty_inn") \
            if "counterparty_inn" in raw else frozenset()
    except ValueError as exc:
        raise ConfigurationError(f"{where}: {exc}") from None
    label = str(raw.get("label") or name)
    return DossierKind(name.strip(), label, str(raw.get("label_en") or label), role,
                       tuple(own[r] for r in requires), inns)


def load_dossier_kinds(settings: Settings | None) -> list[DossierKind]:
    """The kinds of counterparty with what their dossier requires: finarchive.toml's ``[[dossiers]]`` if it
    has any, else those of ``archive/data/dossiers.toml``. Checked at start-up with the routes."""
    data = _data()
    items = _items(data)
    configured: Any = settings.values.get("dossiers") if settings is not None else None
    if configured:
        if not isinstance(configured, list):
            raise ConfigurationError(f"{CONFIG_NAME}: dossiers — это таблицы [[dossiers]] / must be [[dossiers]] "
                                     "tables")
        kinds = [_kind(raw, f"{CONFIG_NAME} [[dossiers]] #{n}", items) for n, raw in enumerate(configured, 1)]
    else:
        kinds = [_kind({"kind": name, **raw}, f"dossiers.toml [kinds.{name}]", items)
                 for name, raw in data["kinds"].items()]
    names = [k.name for k in kinds]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigurationError(f"{CONFIG_NAME}: [[dossiers]] kind {twice[0]!r} дважды / twice")
    return kinds


def own_inns(settings: Settings | None) -> frozenset[str]:
    """The company's own INNs (``[counterparties] own_inns``): the buyer of every supplier's waybill, never a
    counterparty."""
    return frozenset(settings.get("counterparties", "own_inns") or ()) if settings is not None else frozenset()


# -- one counterparty ---------------------------------------------------------------------------------------


def _scoped(stmt: Any, column: Any, outlet_ids: tuple[int, ...] | None) -> Any:
    return stmt if outlet_ids is None else stmt.where(column.in_(outlet_ids))


def _roles(session: Session, inn: str) -> frozenset[str]:
    roles = set()
    if session.scalar(select(Document.id).where(Document.seller_inn == inn).limit(1)) is not None:
        roles.add("seller")
    if session.scalar(select(Document.id).where(Document.buyer_inn == inn).limit(1)) is not None or \
            session.scalar(select(Order.id).where(Order.customer_inn == inn).limit(1)) is not None:
        roles.add("buyer")
    return frozenset(roles)


def _held(session: Session, inn: str) -> list[tuple[int, str | None, str | None]]:
    """(document id, doc type, item filed as) of every document of the counterparty, rejected scans left out."""
    by_inn = select(Document.id, Document.doc_type).where(
        or_(Document.seller_inn == inn, Document.buyer_inn == inn), Document.status != "rejected")
    filed = select(CounterpartyDocument.document_id, Document.doc_type, CounterpartyDocument.item).join(
        Document, Document.id == CounterpartyDocument.document_id).where(
        CounterpartyDocument.inn == inn, Document.status != "rejected")
    out: dict[int, tuple[int, str | None, str | None]] = {i: (i, t, None) for i, t in session.execute(by_inn)}
    for doc_id, doc_type, item in session.execute(filed):
        out[doc_id] = (doc_id, doc_type, item)
    return list(out.values())


def dossier_completeness(session: Session, settings: Settings | None, inn: str,
                         roles: frozenset[str] | None = None,
                         all_kinds: list[DossierKind] | None = None) -> dict[str, Any]:
    """Which kinds apply to the counterparty, and for each the items it holds (with their documents) and
    lacks. ``complete`` when every kind that applies has every item (and some kind applies). ``all_kinds``:
    the kinds loaded once by a caller that asks for many counterparties (the sweep)."""
    roles = _roles(session, inn) if roles is None else roles
    held = _held(session, inn)
    kinds = [] if inn in own_inns(settings) else \
        [k for k in (all_kinds if all_kinds is not None else load_dossier_kinds(settings)) if k.applies(inn, roles)]
    out: list[dict[str, Any]] = []
    for kind in kinds:
        items: list[dict[str, Any]] = []
        for item in kind.requires:
            documents = sorted(i for i, t, f in held if item.held_by(t, f))
            items.append({"item": item.name, "label": item.label, "label_en": item.label_en,
                          "present": bool(documents), "documents": documents})
        out.append({"kind": kind.name, "label": kind.label, "label_en": kind.label_en, "items": items,
                    "missing": [i["item"] for i in items if not i["present"]],
                    "complete": all(i["present"] for i in items)})
    return {"kinds": out, "missing": sorted({m for k in out for m in k["missing"]}),
            "complete": bool(out) and all(k["complete"] for k in out)}


def counterparty_name(session: Session, inn: str) -> str | None:
    from archive.models import Field

    name = session.scalar(select(Order.customer_name).where(Order.customer_inn == inn,
                                                             Order.customer_name.is_not(None))
                          .order_by(Order.order_date.desc()).limit(1))
    if name:
        return name
    return session.scalar(select(Field.value).join(Document, Document.id == Field.document_id).where(
        Document.seller_inn == inn, Field.name == "seller_name").order_by(Document.id.desc()).limit(1))


def _document_row(document: Document, inn: str, filed: dict[int, str | None]) -> dict[str, Any]:
    role = "seller" if document.seller_inn == inn else "buyer" if document.buyer_inn == inn else "filed"
    o = document.original
    first = document.pages[0] if document.pages else None
    return {
        "id": document.id, "doc_type": document.doc_type, "number": document.number,
        "date": document.doc_date.isoformat() if document.doc_date else None,
        "total": str(document.total) if document.total is not None else None, "status": document.status,
        "filename": document.filename, "outlet": document.outlet.code if document.outlet else None,
        "role": role, "filed_as": filed.get(document.id), "filed": document.id in filed,
        "original": None if o is None else {"barcode": o.barcode, "state": o.state,
                                            "due_date": o.due_date.isoformat() if o.due_date else None},
        "url": f"/documents/{document.id}",
        "thumbnail_url": (f"/api/documents/{document.id}/pages/{first.number}/thumbnail"
                          if first is not None and (first.thumbnail or first.image) else None),
    }


def dossier(session: Session, settings: Settings | None, inn_text: str, *,
            outlet_ids: tuple[int, ...] | None = None, cursor: str | None = None,
            limit: int = PAGE_SIZE) -> dict[str, Any]:
    """The counterparty's dossier: a page of its documents (newest first; ``cursor`` names the next or
    previous page, ``documents_next`` / ``documents_previous``), orders, originals owed and completeness.

    ``outlet_ids`` limits documents and orders to those outlets (an outlet user's own); a counterparty with
    nothing the caller may see is reported as unknown (NotFoundError), like a document of another outlet."""
    from archive.orders import completeness as order_completeness
    from archive.paging import SortKey, keyset_page

    inn = check_inn(inn_text)
    filed = dict(session.execute(select(CounterpartyDocument.document_id, CounterpartyDocument.item)
                                 .where(CounterpartyDocument.inn == inn)).all())
    mine = or_(Document.seller_inn == inn, Document.buyer_inn == inn, Document.id.in_(list(filed)))
    docs = _scoped(select(Document).where(mine), Document.outlet_id, outlet_ids)
    total = session.scalar(select(func.count()).select_from(docs.subquery())) or 0
    page = keyset_page(session, docs.options(selectinload(Document.pages), selectinload(Document.original),
                                             selectinload(Document.outlet)),
                       [SortKey(Document.doc_date, descending=True), SortKey(Document.id, descending=True)],
                       cursor=cursor, limit=limit)
    orders = list(session.scalars(_scoped(select(Order).where(Order.customer_inn == inn), Order.outlet_id,
                                          outlet_ids).order_by(Order.order_date.desc(), Order.order_no)))
    if not total and not orders:
        raise NotFoundError(f"нет контрагента с ИНН {inn} / no counterparty with INN {inn}")
    owed = list(session.scalars(_scoped(
        select(Original).join(Document, Document.id == Original.document_id)
        .where(mine, Original.state.in_(OWED)), Original.outlet_id, outlet_ids)
        .options(selectinload(Original.document), selectinload(Original.outlet))
        .order_by(Original.due_date, Original.id)))
    today = dt.date.today()
    order_rows = []
    for order in orders:
        done = order_completeness(order, settings)
        order_rows.append({"order_no": order.order_no, "date": order.order_date.isoformat() if order.order_date
                           else None, "amount": str(order.amount) if order.amount is not None else None,
                           "outlet": order.outlet.code if order.outlet else None, "manager": order.manager,
                           "complete": done.complete, "missing": list(done.missing),
                           "url": f"/orders/{order.order_no}"})
    roles = _roles(session, inn)
    return {
        "inn": inn, "name": counterparty_name(session, inn), "roles": sorted(roles),
        "documents": [_document_row(d, inn, filed) for d in page.items], "documents_total": total,
        "documents_next": page.next, "documents_previous": page.previous,
        "orders": order_rows,
        "originals_owed": [{"barcode": o.barcode, "document_id": o.document_id, "doc_type": o.document.doc_type,
                            "number": o.document.number, "state": o.state,
                            "outlet": o.outlet.code if o.outlet else None,
                            "due_date": o.due_date.isoformat() if o.due_date else None,
                            "overdue": bool(o.due_date and o.due_date < today)} for o in owed],
        "completeness": dossier_completeness(session, settings, inn, roles),
    }


def counterparties(session: Session, settings: Settings | None) -> list[str]:
    """Every INN that is a counterparty: on a document (seller or buyer), an order, or filed under; the
    company's own INNs left out."""
    inns: set[str] = set()
    for column in (Document.seller_inn, Document.buyer_inn):
        inns.update(v for v in session.scalars(select(column).where(column.is_not(None)).distinct()) if v)
    inns.update(v for v in session.scalars(select(Order.customer_inn).where(Order.customer_inn.is_not(None))
                                           .distinct()) if v)
    inns.update(session.scalars(select(CounterpartyDocument.inn).distinct()))
    return sorted(inns - own_inns(settings))


def dossier_states(session: Session, settings: Settings | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(INN, completeness) of every counterparty some dossier kind applies to, by INN."""
    kinds = load_dossier_kinds(settings)
    for inn in counterparties(session, settings):
        state = dossier_completeness(session, settings, inn, all_kinds=kinds)
        if state["kinds"]:
            yield inn, state


def first_seen(session: Session, inn: str) -> dt.datetime | None:
    """When the archive took in the counterparty's first document."""
    return session.scalar(select(func.min(Document.created_at)).where(
        or_(Document.seller_inn == inn, Document.buyer_inn == inn)))


def incomplete_dossiers(session: Session, settings: Settings | None) -> list[dict[str, Any]]:
    """The counterparties whose dossier lacks items, with what, oldest first seen first."""
    rows = [{"inn": inn, "name": counterparty_name(session, inn), "kinds": [k["kind"] for k in state["kinds"]],
             "missing": state["missing"], "first_seen": first_seen(session, inn)}
            for inn, state in dossier_states(session, settings) if not state["complete"]]
    rows.sort(key=lambda r: (r["first_seen"] is None, r["first_seen"] or dt.datetime.min, r["inn"]))
    for row in rows:
        row["first_seen"] = row["first_seen"].isoformat(timespec="seconds") if row["first_seen"] else None
    return rows


def _known_inns(settings: Settings | None, outlet_ids: tuple[int, ...] | None) -> tuple[Any, Any]:
    """A select of every counterparty's INN (a union, so each once), and its column: on a document, an order,
    or filed under, the company's own left out; with ``outlet_ids``, only those with a document or order of
    those outlets."""
    sources = [_scoped(select(column.label("inn")).where(column.is_not(None), column != ""), Document.outlet_id,
                       outlet_ids) for column in (Document.seller_inn, Document.buyer_inn)]
    sources.append(_scoped(select(Order.customer_inn.label("inn")).where(Order.customer_inn.is_not(None),
                                                                         Order.customer_inn != ""),
                           Order.outlet_id, outlet_ids))
    sources.append(_scoped(select(CounterpartyDocument.inn.label("inn")).join(
        Document, Document.id == CounterpartyDocument.document_id), Document.outlet_id, outlet_ids))
    known = union(*sources).subquery()
    own = own_inns(settings)
    stmt = select(known.c.inn)
    return stmt.where(known.c.inn.not_in(sorted(own))) if own else stmt, known.c.inn


def _page_cursor(direction: str, inn: str) -> str:
    import base64
    import json

    raw = json.dumps(["incomplete-dossiers", direction, inn], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_page_cursor(cursor: str) -> tuple[str, str]:
    import base64
    import binascii
    import json

    from archive.paging import InvalidCursor

    try:
        name, direction, inn = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if name != "incomplete-dossiers" or direction not in ("after", "before") or not isinstance(inn, str):
            raise ValueError("another list's cursor")
    except (ValueError, TypeError, binascii.Error) as exc:
        raise InvalidCursor("курсор страницы повреждён или относится к другому списку (the page cursor is "
                            "damaged or belongs to another list): start from the first page") from exc
    return direction, inn


def incomplete_page(session: Session, settings: Settings | None, *, cursor: str | None = None,
                    limit: int = PAGE_SIZE, outlet_ids: tuple[int, ...] | None = None) -> dict[str, Any]:
    """A page of the counterparties whose dossier lacks items (the web's list, ``finarchive counterparty
    incomplete``'s rows), by INN, keyset-paged on it: ``cursor`` is a page's ``next`` or ``previous``.

    Completeness is not a column: the INNs are read in order from the one after the cursor, a chunk at a time,
    and each is checked until the page is full, so a page costs its rows (and the complete ones between them),
    never the pages before it. ``outlet_ids``: only counterparties with a document or order of those outlets."""
    limit = max(1, min(int(limit), 500))
    forward, bound = True, None
    if cursor:
        direction, bound = _read_page_cursor(cursor)
        forward = direction == "after"
    stmt, inn_column = _known_inns(settings, outlet_ids)
    kinds = load_dossier_kinds(settings)
    rows: list[dict[str, Any]] = []
    more = False
    chunk = max(limit * 2, 50)
    while not more:
        query = stmt
        if bound is not None:
            query = query.where(inn_column > bound if forward else inn_column < bound)
        inns = list(session.scalars(query.order_by(inn_column if forward else inn_column.desc()).limit(chunk)))
        for inn in inns:
            bound = inn
            state = dossier_completeness(session, settings, inn, all_kinds=kinds)
            if not state["kinds"] or state["complete"]:
                continue
            if len(rows) == limit:
                more = True
                break
            rows.append(_incomplete_row(session, inn, state))
        if len(inns) < chunk:
            break
    if not forward:
        rows.reverse()
    has_next, has_previous = (more, cursor is not None) if forward else (True, more)
    return {"items": rows,
            "next": _page_cursor("after", rows[-1]["inn"]) if rows and has_next else None,
            "previous": _page_cursor("before", rows[0]["inn"]) if rows and has_previous else None}


def _incomplete_row(session: Session, inn: str, state: dict[str, Any]) -> dict[str, Any]:
    seen = first_seen(session, inn)
    return {"inn": inn, "name": counterparty_name(session, inn), "url": f"/counterparties/{inn}",
            "first_seen": seen.isoformat(timespec="seconds") if seen else None,
            "missing": state["missing"],
            "kinds": [{"kind": k["kind"], "label": k["label"], "label_en": k["label_en"],
                       "missing": [{"item": i["item"], "label": i["label"], "label_en": i["label_en"]}
                                   for i in k["items"] if not i["present"]]}
                      for k in state["kinds"] if not k["complete"]]}


# -- filing by hand -----------------------------------------------------------------------------------------


def item_names(settings: Settings | None) -> dict[str, DossierItem]:
    """Every item a document may be filed as: the data file's, the doc types, and the configured kinds'."""
    names = _items(_data())
    for kind in load_dossier_kinds(settings):
        names.update({i.name: i for i in kind.requires})
    return names


def file_document(session: Session, settings: Settings | None, inn_text: str, document: Document, *,
                  item: str | None, actor: str) -> CounterpartyDocument:
    """File ``document`` into the counterparty's dossier as ``item`` (None: as what its doc type is)."""
    inn = check_inn(inn_text)
    if item is not None and item not in item_names(settings):
        raise InvalidInputError(f"нет такого документа досье / no dossier item {item!r} "
                                f"(one of {', '.join(item_names(settings))})")
    row = session.scalar(select(CounterpartyDocument).where(CounterpartyDocument.inn == inn,
                                                            CounterpartyDocument.document_id == document.id))
    old = row.item if row is not None else None
    if row is None:
        row = CounterpartyDocument(inn=inn, document=document, created_by=actor)
        session.add(row)
    row.item = item
    session.flush()
    audit.record(session, actor=actor, action="dossier.filed", object_type="counterparty", object_id=row.id,
                 document_id=document.id, field="item", old=old, new=item or document.doc_type, inn=inn)
    return row


def unfile_document(session: Session, inn_text: str, document: Document, *, actor: str) -> None:
    inn = check_inn(inn_text)
    row = session.scalar(select(CounterpartyDocument).where(CounterpartyDocument.inn == inn,
                                                            CounterpartyDocument.document_id == document.id))
    if row is None:
        raise NotFoundError(f"документ {document.id} не подшит в досье {inn} / not filed under {inn}")
    audit.record(session, actor=actor, action="dossier.unfiled", object_type="counterparty", object_id=row.id,
                 document_id=document.id, field="item", old=row.item or document.doc_type, new=None, inn=inn)
    session.delete(row)
    session.flush()
