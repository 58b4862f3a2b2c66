"""Keyset pagination ("seek method"): every list of the archive pages by its sort key, never by OFFSET.

An OFFSET page makes the database read and throw away every row before it (page 5,000 of a million
documents reads 100,000 rows), and a row inserted meanwhile shifts every later page by one, so a row is
shown twice or never. A keyset page asks for the rows *after the last one shown*, in the sort order, which
an index on the sort columns answers by seeking, whatever the depth; rows inserted meanwhile land where
they belong without moving anything already shown.

Use::

    from archive.paging import SortKey, keyset_page

    keys = [SortKey(Document.created_at, descending=True), SortKey(Document.id, descending=True)]
    page = keyset_page(session, select(Document).where(...), keys, cursor=request_cursor, limit=50)
    page.items       # up to 50 rows (ORM objects when the select names one entity, else Rows)
    page.next        # cursor of the page after this one, None on the last page
    page.previous    # cursor of the page before this one, None on the first page

- ``keys`` is the sort order: the statement must not carry its own ORDER BY. The last key must be unique
  (the primary key) so the order is total; :func:`keyset_page` refuses keys that do not end with one.
- A cursor is an opaque URL-safe string (the sort key values of the row it starts after, the direction,
  and a fingerprint of the sort); pass it back as a query parameter. A cursor made for another sort, or a
  damaged one, is an :class:`InvalidCursor` (an InvalidInputError: HTTP 422, exit code 2), never a wrong page.
- NULLs sort last in both directions, on SQLite and PostgreSQL alike.
- ``SortKey.value`` reads a key's value from a result row when the column is not an attribute of it (a
  joined table's column: ``SortKey(Outlet.code, value=lambda d: d.outlet.code if d.outlet else None)``);
  by default the row's attribute named like the column is read. A column of an outer-joined table is NULL
  where nothing joined, whatever its table says: mark it ``null=True``.
- Each key should have an index that starts with the list's equality filters followed by the sort
  columns (archive/migrations adds those of the pages); that is what makes every page cost the same.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, false, or_, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from finarchive.errors import InvalidInputError

__all__ = ["InvalidCursor", "KeysetPage", "SortKey", "keyset_page"]

T = TypeVar("T")
MAX_LIMIT = 1000


class InvalidCursor(InvalidInputError):
    """A page cursor that is damaged or belongs to another list or sort."""


@dataclass(frozen=True)
class SortKey:
    """One column of a list's sort order."""

    column: Any  # an ORM attribute or a column expression
    descending: bool = False
    value: Callable[[Any], Any] | None = None  # reads the key from a result row; default: the attribute
    null: bool | None = None  # may the key be NULL? None: as the column says; True for an outer-joined table's

    @property
    def name(self) -> str:
        return str(getattr(self.column, "key", None) or getattr(self.column, "name", None) or self.column)

    def of(self, row: Any) -> Any:
        return self.value(row) if self.value is not None else getattr(row, self.name)

    @property
    def unique(self) -> bool:
        return bool(getattr(getattr(self.column, "expression", self.column), "primary_key", False))

    @property
    def nullable(self) -> bool:
        expr = getattr(self.column, "expression", self.column)
        null = getattr(expr, "nullable", True) if self.null is None else self.null
        return bool(null) and not self.unique


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page of a list: its rows in order, and the cursors of its neighbours (None at either end)."""

    items: list[T]
    next: str | None
    previous: str | None


def _fingerprint(keys: Sequence[SortKey]) -> str:
    sort = ",".join(f"{k.name}:{'d' if k.descending else 'a'}" for k in keys)
    return hashlib.sha256(sort.encode()).hexdigest()[:8]


_ENCODERS: list[tuple[type, str, Callable[[Any], Any]]] = [
    (bool, "b", bool), (int, "i", int), (float, "f", float), (Decimal, "n", str),
    (dt.datetime, "t", lambda v: v.isoformat()), (dt.date, "d", lambda v: v.isoformat()), (str, "s", str),
]
_DECODERS: dict[str, Callable[[Any], Any]] = {
    "b": bool, "i": int, "f": float, "n": Decimal, "t": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat, "s": str,
}


def _encode_value(value: Any) -> list[Any]:
    if value is None:
        return ["z", None]
    for kind, tag, encode in _ENCODERS:  # datetime before date: a datetime is a date too
        if isinstance(value, kind) and not (kind is dt.date and isinstance(value, dt.datetime)):
            return [tag, encode(value)]
    raise TypeError(f"a sort key of type {type(value).__name__} cannot go into a cursor")


def _encode(keys: Sequence[SortKey], row: Any, direction: str) -> str:
    payload = [_fingerprint(keys), direction, [_encode_value(k.of(row)) for k in keys]]
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(keys: Sequence[SortKey], cursor: str) -> tuple[str, list[Any]]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        fingerprint, direction, values = json.loads(raw)
        if fingerprint != _fingerprint(keys) or direction not in ("after", "before") or len(values) != len(keys):
            raise ValueError("another list's cursor")
        return direction, [None if tag == "z" else _DECODERS[tag](v) for tag, v in values]
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor("курсор страницы повреждён или относится к другому списку (the page cursor is "
                            "damaged or belongs to another list): start from the first page") from exc


def _beyond(key: SortKey, value: Any, forward: bool) -> ColumnElement[bool]:
    """Rows strictly past ``value`` in this key's list order (``forward``) or before it; NULLs are last."""
    column = key.column
    if value is None:  # nothing is past the NULLs; everything not NULL is before them
        return false() if forward else column.is_not(None)
    past = column > value if forward != key.descending else column < value
    return or_(past, column.is_(None)) if forward and key.nullable else past


def _equal(key: SortKey, value: Any) -> ColumnElement[bool]:
    return key.column.is_(None) if value is None else key.column == value


def _seek(keys: Sequence[SortKey], values: list[Any], forward: bool) -> ColumnElement[bool]:
    """The rows after (``forward``) or before the row whose key values are ``values``, in the keys' order."""
    greater = forward != keys[0].descending
    if len({k.descending for k in keys}) == 1 and not any(k.nullable for k in keys) and None not in values:
        # a row-value comparison, which both databases answer with one index range scan
        columns, bound = tuple_(*(k.column for k in keys)), tuple_(*values)
        return columns > bound if greater else columns < bound
    condition = or_(*(
        and_(*(_equal(k, v) for k, v in zip(keys[:i], values[:i], strict=True)), _beyond(key, values[i], forward))
        for i, key in enumerate(keys)
    ))
    first, value = keys[0], values[0]
    if value is not None and not (forward and first.nullable):  # a leading range the index can seek to
        condition = and_(first.column >= value if greater else first.column <= value, condition)
    return condition


def _order(keys: Sequence[SortKey], forward: bool) -> list[Any]:
    """ORDER BY for the list's order (NULLs last), or its exact reverse when walking backward."""
    clauses = []
    for key in keys:
        clause = key.column.desc() if key.descending == forward else key.column.asc()
        if key.nullable:  # spelt out only where NULLs can be: it keeps PostgreSQL's index order usable
            clause = clause.nulls_last() if forward else clause.nulls_first()
        clauses.append(clause)
    return clauses


def _by_region(session: Session, stmt: Select[Any], keys: Sequence[SortKey], values: list[Any] | None,
               forward: bool, wanted: int, single: bool) -> list[Any]:
    """Up to ``wanted`` rows past ``values`` when the leading key may be NULL: the rows where it is not,
    in its order, then those where it is, in the other keys' order, each its own query.

    One ORDER BY with NULLS LAST is not an index order on PostgreSQL when descending (its indexes keep NULLs
    first that way), so it sorted the whole table for each page of ``sort=-total``; each region's order
    without NULLs is an index range, forward or backward, on both databases."""
    first, rest = keys[0], list(keys[1:])
    present = [replace(first, null=False), *rest]

    def fetch(where: ColumnElement[bool], region: Sequence[SortKey], bound: list[Any] | None, n: int) -> list[Any]:
        query = stmt.where(where)
        if bound is not None:
            query = query.where(_seek(region, bound, forward))
        query = query.order_by(*_order(region, forward)).limit(n)
        return list(session.scalars(query) if single else session.execute(query))

    not_null, null = first.column.is_not(None), first.column.is_(None)
    in_nulls = values is not None and values[0] is None
    if forward:  # the list's order: values, then NULLs
        rows = [] if in_nulls else fetch(not_null, present, values, wanted)
        if len(rows) < wanted:
            rows += fetch(null, rest, values[1:] if in_nulls and values is not None else None, wanted - len(rows))
        return rows
    # walking backward from the cursor: NULLs (when it is among them), then values
    rows = fetch(null, rest, values[1:] if values is not None else None, wanted) if in_nulls else []
    if len(rows) < wanted:
        rows += fetch(not_null, present, None if in_nulls else values, wanted - len(rows))
    return rows


def keyset_page(session: Session, stmt: Select[Any], keys: Sequence[SortKey], *, cursor: str | None = None,
                limit: int = 50) -> KeysetPage[Any]:
    """One page of ``stmt`` in the order of ``keys``, starting after (or, for a ``previous`` cursor, ending
    before) the row ``cursor`` names; the first page when ``cursor`` is None or empty."""
    if not keys or not keys[-1].unique:
        raise ValueError("the last sort key must be the primary key, so the order is total")
    limit = max(1, min(int(limit), MAX_LIMIT))
    forward, values = True, None
    if cursor:
        direction, values = _decode(keys, cursor)
        forward = direction == "after"
    single = len(stmt.column_descriptions) == 1
    if keys[0].nullable and not any(k.nullable for k in keys[1:]):
        rows = _by_region(session, stmt.order_by(None), keys, values, forward, limit + 1, single)
    else:
        query = stmt.order_by(None)
        if values is not None:
            query = query.where(_seek(keys, values, forward))
        query = query.order_by(*_order(keys, forward)).limit(limit + 1)
        rows = list(session.scalars(query) if single else session.execute(query))
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    if forward:
        has_next, has_previous = more, values is not None
    else:
        has_next, has_previous = True, more
    return KeysetPage(
        items=rows,
        next=_encode(keys, rows[-1], "after") if rows and has_next else None,
        previous=_encode(keys, rows[0], "before") if rows and has_previous else None,
    )
