"""The document list: filters, a sort by any column and keyset paging, read straight from the database.

Full text is the search index's business (``archive.search_service``); the list takes the ids it matched,
at most :data:`FULLTEXT_LIMIT` of them, and sorts and pages those like any other filter. Pages are keyset
pages (archive/paging.py: the sort value and the id of the row before), so page 5 000 costs what page 1
costs and a document arriving meanwhile shifts nothing. NULLs sort last in either direction. The list's size
is counted up to :data:`COUNT_CAP` (``LIMIT COUNT_CAP + 1`` in an index): past it the page says «more than
10 000», so counting costs what a page does, not what a million rows do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from archive.models import Document, Original, Outlet, Page
from archive.paging import SortKey, keyset_page
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
COUNT_CAP = 10_000  # the list's size is counted exactly up to here; beyond, it is «more than COUNT_CAP»


@dataclass(frozen=True)
class ListQuery:
    """What to list: filters (as the search's), an optional restriction to ids (full-text matches), the
    sort, the page size and the keyset cursor of the row before (``after``) or after (``before``) it."""

    filters: dict[str, str] = field(default_factory=dict)
    outlets: tuple[str, ...] | None = None  # the caller's rights: None is every outlet
    ids: tuple[int, ...] | None = None
    sort: str = DEFAULT_SORT
    limit: int = 50
    cursor: str | None = None  # archive.paging's: the page after or before a row of this sort
    count_cap: int = COUNT_CAP  # the size is counted exactly up to this many documents


@dataclass(frozen=True)
class ListPage:
    documents: tuple[Document, ...]
    total: int  # how many documents the list holds, at most the query's count_cap (then ``total_capped``)
    next_cursor: str | None  # the cursor of the next page; None on the last
    prev_cursor: str | None  # the cursor of the previous page; None on the first
    total_capped: bool = False  # the list holds more than ``total`` (the count_cap) documents


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


def _keys(key: str, descending: bool) -> list[SortKey]:
    column = SORTS[key]
    if key == "outlet":  # outer-joined: NULL for a document of no outlet
        first = SortKey(column, descending=descending, value=lambda d: d.outlet.code if d.outlet else None, null=True)
    else:
        first = SortKey(column, descending=descending)
    return [first, SortKey(Document.id, descending=descending)]


def list_documents(session: Session, query: ListQuery) -> ListPage:
    """One page of the list, in the query's order, with the cursors of the pages beside it."""
    key, descending = parse_sort(query.sort)
    where = _conditions(query.filters)
    if query.outlets is not None:
        where.append(Outlet.code.in_(query.outlets))
    if query.ids is not None:
        where.append(Document.id.in_(query.ids))
    base = select(Document).outerjoin(Outlet, Document.outlet_id == Outlet.id).where(*where)
    counted = base.with_only_columns(Document.id).limit(query.count_cap + 1).subquery()
    total = session.scalar(select(func.count()).select_from(counted)) or 0
    stmt = base.options(selectinload(Document.outlet), selectinload(Document.original),
                        selectinload(Document.pages).load_only(Page.number, Page.image, Page.thumbnail))
    page = keyset_page(session, stmt, _keys(key, descending), cursor=query.cursor,
                       limit=max(1, min(query.limit, MAX_PAGE)))
    return ListPage(documents=tuple(page.items), total=min(total, query.count_cap), next_cursor=page.next,
                    prev_cursor=page.previous, total_capped=total > query.count_cap)
