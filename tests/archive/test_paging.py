"""Keyset pages (archive/paging.py) on a real SQLite file and a real PostgreSQL: every row once, in order,
whatever is inserted between two page requests; back and forth; cursors of another sort refused."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import select

from archive.models import Document, DocumentStatus
from archive.paging import InvalidCursor, SortKey, keyset_page
from tests.archive import factories

BASE = dt.datetime(2026, 3, 1, 9, 0)
BY_CREATED = [SortKey(Document.created_at), SortKey(Document.id)]
NEWEST_FIRST = [SortKey(Document.created_at, descending=True), SortKey(Document.id, descending=True)]
# mixed directions on nullable columns: the general (expanded) seek condition
BY_DATE_THEN_TOTAL = [SortKey(Document.doc_date, descending=True), SortKey(Document.total), SortKey(Document.id)]
# a nullable column then the id, each way: the rows with a value and those without, each region its own query
BY_TOTAL = [SortKey(Document.total), SortKey(Document.id)]
DEAREST_FIRST = [SortKey(Document.total, descending=True), SortKey(Document.id, descending=True)]


def _fill(session, n: int, seed: int) -> None:
    """``n`` documents with ties in every key (many share a minute, a date, a total) and some NULLs."""
    rng = random.Random(seed)
    for _ in range(n):
        doc = factories.document(
            session, rng.choice(["waybill", "upd", "invoice"]),
            doc_date=None if rng.random() < 0.15 else dt.date(2026, 3, rng.randint(1, 9)),
            total=None if rng.random() < 0.15 else f"{rng.choice([100, 250, 999])}.00",
        )
        doc.created_at = BASE + dt.timedelta(minutes=rng.randint(0, 40))
        doc.status = rng.choice([DocumentStatus.NEEDS_REVIEW, DocumentStatus.PROCESSED])
    session.flush()


def _sort_value(key: SortKey, row: Document):
    value = key.of(row)
    missing = value is None  # NULLs last in either direction
    if value is None:
        return (True, 0)
    if isinstance(value, dt.date):
        value = value.toordinal() if not isinstance(value, dt.datetime) else value.timestamp()
    return (missing, -value if key.descending else value)


def _expected(session, stmt, keys) -> list[int]:
    rows = list(session.scalars(stmt))
    return [r.id for r in sorted(rows, key=lambda r: [_sort_value(k, r) for k in keys])]


def _walk(session, stmt, keys, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = keyset_page(session, stmt, keys, cursor=cursor, limit=limit)
        pages.append([d.id for d in page.items])
        if page.next is None:
            return pages
        cursor = page.next


@pytest.mark.parametrize("keys", [BY_CREATED, NEWEST_FIRST, BY_DATE_THEN_TOTAL, BY_TOTAL, DEAREST_FIRST],
                         ids=["oldest-first", "newest-first", "mixed-nullable", "nullable-up", "nullable-down"])
def test_pages_are_complete_ordered_and_disjoint(archive, keys) -> None:
    with archive.transaction() as session:
        _fill(session, 300, seed=16)
    with archive.sessions() as session:
        stmt = select(Document).where(Document.status == DocumentStatus.NEEDS_REVIEW)
        pages = _walk(session, stmt, keys, limit=23)
        seen = [i for p in pages for i in p]
        assert seen == _expected(session, stmt, keys)
        assert len(seen) == len(set(seen)) > 100
        assert all(len(p) == 23 for p in pages[:-1]) and 0 < len(pages[-1]) <= 23


def test_previous_cursor_returns_the_same_pages_backwards(archive) -> None:
    with archive.transaction() as session:
        _fill(session, 200, seed=7)
    with archive.sessions() as session:
        stmt = select(Document)
        for keys in (NEWEST_FIRST, BY_DATE_THEN_TOTAL, BY_TOTAL, DEAREST_FIRST):
            forward, cursor, last = [], None, None
            while True:
                last = keyset_page(session, stmt, keys, cursor=cursor, limit=30)
                forward.append([d.id for d in last.items])
                if last.next is None:
                    break
                cursor = last.next
            backward, page = [], last
            assert keyset_page(session, stmt, keys, limit=30).previous is None
            while page.previous is not None:
                page = keyset_page(session, stmt, keys, cursor=page.previous, limit=30)
                backward.append([d.id for d in page.items])
                assert page.next is not None
            assert backward[::-1] == forward[:-1]


def test_rows_inserted_between_pages_neither_repeat_nor_hide_what_was_there(archive) -> None:
    """Paging newest first while documents keep arriving: nothing present at the start is skipped or shown
    twice; the newcomers (newer than the first page) simply are not in this walk. OFFSET fails this."""
    with archive.transaction() as session:
        _fill(session, 150, seed=3)
        before = {d.id for d in session.scalars(select(Document))}
    seen: list[int] = []
    cursor = None
    step = 0
    while True:
        with archive.sessions() as session:
            page = keyset_page(session, select(Document), NEWEST_FIRST, cursor=cursor, limit=20)
            seen += [d.id for d in page.items]
        with archive.transaction() as session:  # more arrive, some of them at exactly an already-shown instant
            for k in range(5):
                doc = factories.document(session)
                doc.created_at = BASE + dt.timedelta(minutes=50 + step) if k else BASE + dt.timedelta(minutes=20)
            step += 1
        if page.next is None:
            break
        cursor = page.next
    assert len(seen) == len(set(seen))
    assert before <= set(seen)
    later_at_shown_instant = set(seen) - before
    with archive.sessions() as session:  # only rows sorting after the cursor may have joined the walk
        assert all(session.get(Document, i).created_at <= BASE + dt.timedelta(minutes=20)
                   for i in later_at_shown_instant)


def test_cursor_of_another_sort_or_damaged_is_refused(archive) -> None:
    with archive.transaction() as session:
        _fill(session, 30, seed=1)
    with archive.sessions() as session:
        page = keyset_page(session, select(Document), NEWEST_FIRST, limit=10)
        assert page.next and page.previous is None
        with pytest.raises(InvalidCursor) as exc:
            keyset_page(session, select(Document), BY_CREATED, cursor=page.next, limit=10)
        assert exc.value.http_status == 422
        for bad in ("x", page.next[:-3], "eyJ9"):
            with pytest.raises(InvalidCursor):
                keyset_page(session, select(Document), NEWEST_FIRST, cursor=bad, limit=10)
        with pytest.raises(ValueError, match="primary key"):
            keyset_page(session, select(Document), [SortKey(Document.created_at)], limit=10)


def test_cursor_carries_dates_money_and_nulls_exactly(archive) -> None:
    with archive.transaction() as session:
        for total in ("0.10", "0.20", None, "1000000.01"):
            factories.document(session, total=total, doc_date=None)
    with archive.sessions() as session:
        keys = [SortKey(Document.total, descending=True), SortKey(Document.id)]
        pages = _walk(session, select(Document), keys, limit=1)
        totals = [session.get(Document, p[0]).total for p in pages]
        assert totals == [Decimal("1000000.01"), Decimal("0.20"), Decimal("0.10"), None]


def test_review_queue_and_originals_owed_page_through_every_row(archive) -> None:
    """The desk's lists walk their whole filtered list by cursor; the counts beside them agree."""
    from archive.models import Original, OriginalState
    from archive.originals import owed_page, owed_summary
    from archive.verification import review_queue_page, review_queue_size

    today = dt.date(2026, 3, 20)
    with archive.transaction() as session:
        _fill(session, 120, seed=5)
        for k, doc in enumerate(session.scalars(select(Document).order_by(Document.id))):
            doc.outlet = factories.outlet(session, "MSK-01" if k % 3 else "SPB-02")
            if k % 2:
                session.add(Original(document=doc, barcode=f"OR{doc.id:07d}", outlet=doc.outlet,
                                     state=OriginalState.EXPECTED if k % 4 == 1 else OriginalState.IN_TRANSIT,
                                     due_date=today + dt.timedelta(days=k % 9 - 4)))
    with archive.sessions() as session:
        walked, cursor = [], None
        while True:
            page = review_queue_page(session, outlet="MSK-01", cursor=cursor, limit=7)
            walked += [d.id for d in page.items]
            if page.next is None:
                break
            cursor = page.next
        wanted = [d.id for d in session.scalars(
            select(Document).where(Document.status == DocumentStatus.NEEDS_REVIEW, Document.outlet.has(code="MSK-01"))
            .order_by(Document.created_at, Document.id))]
        assert walked == wanted and review_queue_size(session, outlet="MSK-01") == len(wanted) > 7

        summary = {row["outlet"]: row for row in owed_summary(session, today=today)}
        items, cursor = [], None
        while True:
            page_items, owed = owed_page(session, outlet="MSK-01", cursor=cursor, limit=9, today=today)
            items += page_items
            if owed.next is None:
                break
            cursor = owed.next
        msk = summary["MSK-01"]
        assert len(items) == len({i["barcode"] for i in items}) == msk["owed"] == msk["never_sent"] + msk["in_transit"]
        assert sum(i["overdue"] for i in items) == msk["overdue"] > 0
        assert [i["due_date"] for i in items] == sorted(i["due_date"] for i in items)  # longest overdue first
