"""The document list: filters, a sort by any column and keyset paging, read straight from the database.

Full text is the search index's business (``archive.search_service``); the list takes the ids it matched,
at most :data:`FULLTEXT_LIMIT` of them, and sorts and pages those like any other filter. Paging is by
keyset (the sort value and the id of the last row shown), so page 5 000 costs what page 1 costs and a
document arriving meanwhile shifts nothing. NULLs sort last in either direction.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from archive.models import Document, Original, Outlet, Page
from finarchive.errors import InvalidInputError

# The columns the list sorts by: the key in the URL (``sort=total``, ``sort=-total`` descending) → column.
SORTS: dict[str, Any] = {
    "received": Document.created_at,
    "date": Document.doc_date,
    "type": Document.doc_type,
    "number": Document.number,
    "total": Document.total,
    "outlet": Outlet.code,
    "status": Document.status,
    "filename": Document.filename,
}
DEFAULT_SORT = "-received"
FULLTEXT_LIMIT = 1000  # the full-text matches the list sorts and pages (the best ones by relevance)
MAX_PAGE = 200


@dataclass(frozen=True)
class ListQuery:
    """What to list: filters (as the search's), an optional restriction to ids (full-text matches), the
    sort, the page size and the keyset cursor of the row before (``after``) or after (``before``) it."""

    filters: dict[str, str] = field(default_factory=dict)
    outlets: tuple[str, ...] | None = None  # the caller's rights: None is every outlet
    ids: tuple[int, ...] | None = None
    sort: str = DEFAULT_SORT
    limit: int = 50
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class ListPage:
    documents: tuple[Document, ...]
    total: int
    next_cursor: str | None  # the ``after`` of the next page; None on the last
    prev_cursor: str | None  # the ``before`` of the previous page; None on the first


def parse_sort(sort: str | None) -> tuple[str, bool]:
    """``"-total"`` → ``("total", True)``; an unknown column is bad input."""
    text = (sort or DEFAULT_SORT).strip()
    descending = text.startswith("-")
    key = text.lstrip("-")
    if key not in SORTS:
        raise InvalidInputError(f"sort «{key}»: one of {', '.join(SORTS)}")
    return key, descending


def _decimal(text: str, what: str) -> Decimal:
    try:
        return Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInputError(f"{what} «{text}»: a number") from exc


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInputError(f"{what} «{text}»: a date YYYY-MM-DD") from exc


def _conditions(filters: dict[str, str]) -> list[ColumnElement[bool]]:
    """The search's filters (``web._views.SEARCH_FILTERS``) as SQL conditions."""
    rules: dict[str, Any] = {
        "doc_type": lambda v: Document.doc_type == v,
        "outlet": lambda v: Outlet.code == v,
        "status": lambda v: Document.status == v,
        "date_from": lambda v: Document.doc_date >= _date(v, "date_from"),
        "date_to": lambda v: Document.doc_date <= _date(v, "date_to"),
        "amount_min": lambda v: Document.total >= _decimal(v, "amount_min"),
        "amount_max": lambda v: Document.total <= _decimal(v, "amount_max"),
        "inn": lambda v: or_(Document.seller_inn == v, Document.buyer_inn == v),
        "order_no": lambda v: Document.order_no == v,
        "original_state": lambda v: Document.original.has(Original.state == v),
    }
    return [rules[name](value) for name, value in filters.items() if name in rules and value]


def _encode(value: Any, doc_id: int) -> str:
    shown = value.isoformat() if isinstance(value, dt.date | dt.datetime) else (None if value is None else str(value))
    raw = json.dumps([shown, doc_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, key: str) -> tuple[Any, int]:
    try:
        shown, doc_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if shown is None:
            return None, int(doc_id)
        converters: dict[str, Any] = {"received": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
                                      "total": Decimal}
        return converters.get(key, str)(shown), int(doc_id)
    except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"cursor «{cursor}» is not one this list made") from exc


def _beyond(column: Any, value: Any, doc_id: int, descending: bool) -> ColumnElement[bool]:
    """Rows after (value, id) in the order ``column IS NULL, column, id`` (both ascending or descending)."""
    further = Document.id < doc_id if descending else Document.id > doc_id
    if value is None:
        return and_(column.is_(None), further)
    past = column < value if descending else column > value
    return or_(past, and_(column == value, further), column.is_(None))


def _before(column: Any, value: Any, doc_id: int, descending: bool) -> ColumnElement[bool]:
    """Rows before (value, id) in the same order."""
    earlier = Document.id > doc_id if descending else Document.id < doc_id
    if value is None:
        return or_(column.is_not(None), and_(column.is_(None), earlier))
    ahead = column > value if descending else column < value
    return and_(column.is_not(None), or_(ahead, and_(column == value, earlier)))


def _order(column: Any, descending: bool, *, reverse: bool = False) -> tuple[Any, ...]:
    """``column IS NULL, column, id``: NULLs last, values and ids both ascending or both descending;
    ``reverse`` turns all three round (the rows before a cursor, nearest first)."""
    down = descending != reverse
    nulls = column.is_(None)
    return (nulls.desc() if reverse else nulls.asc(), column.desc() if down else column.asc(),
            Document.id.desc() if down else Document.id.asc())


def list_documents(session: Session, query: ListQuery) -> ListPage:
    """One page of the list, in the query's order, with the cursors of the pages beside it."""
    key, descending = parse_sort(query.sort)
    column = SORTS[key]
    limit = max(1, min(query.limit, MAX_PAGE))
    where = _conditions(query.filters)
    if query.outlets is not None:
        where.append(Outlet.code.in_(query.outlets))
    if query.ids is not None:
        where.append(Document.id.in_(query.ids))
    base = select(Document).outerjoin(Outlet, Document.outlet_id == Outlet.id).where(*where)
    total = session.scalar(select(func.count()).select_from(base.with_only_columns(Document.id).subquery())) or 0

    stmt = base.options(selectinload(Document.outlet), selectinload(Document.original),
                        selectinload(Document.pages).load_only(Page.number, Page.image, Page.thumbnail))
    backwards = query.before is not None and query.after is None
    if query.after is not None:
        stmt = stmt.where(_beyond(column, *_decode(query.after, key), descending))
    elif query.before is not None:
        stmt = stmt.where(_before(column, *_decode(query.before, key), descending))
    stmt = stmt.order_by(*_order(column, descending, reverse=backwards))  # backwards: the nearest rows first
    rows = list(session.scalars(stmt.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    first_page = (query.after is None and query.before is None) or (backwards and not more)
    last_page = not more if not backwards else False
    value = _value_of(key)
    return ListPage(
        documents=tuple(rows), total=total,
        next_cursor=_encode(value(rows[-1]), rows[-1].id) if rows and not last_page else None,
        prev_cursor=_encode(value(rows[0]), rows[0].id) if rows and not first_page else None,
    )


def _value_of(key: str) -> Any:
    if key == "outlet":
        return lambda d: d.outlet.code if d.outlet else None
    attribute = SORTS[key].key
    return lambda d: getattr(d, attribute)
