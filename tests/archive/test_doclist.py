"""The document list's sort and keyset pages (archive/doclist.py), on SQLite and PostgreSQL: walking the
pages forward and back gives exactly the fully sorted list, for every column and both directions, with
ties and NULLs; filters and the outlet scope narrow it; saved searches are the user's own."""

from __future__ import annotations

import datetime as dt

import pytest

from archive import doclist
from archive.doclist import ListQuery, list_documents
from archive.models import Document
from archive.saved_searches import delete_search, save_search, saved_searches
from archive.users import add_user
from finarchive.errors import InvalidInputError, NotFoundError
from tests.archive import factories


def _seed(arc) -> list[int]:
    """Eleven documents with ties and gaps in every sortable column."""
    specs = [  # type, outlet, date, total
        ("waybill", "MSK-01", dt.date(2026, 3, 1), "100.00"),
        ("waybill", "MSK-01", dt.date(2026, 3, 1), "100.00"),
        ("invoice", "SPB-02", None, None),
        ("upd", None, dt.date(2026, 2, 1), "5000.50"),
        ("act", "SPB-02", dt.date(2026, 4, 9), "99.99"),
        ("invoice", "MSK-01", None, "100.00"),
        ("waybill", None, dt.date(2025, 12, 31), None),
        ("contract", "KZN-03", dt.date(2026, 3, 1), "12.00"),
        ("waybill", "SPB-02", dt.date(2026, 1, 15), "100000.00"),
        ("receipt", "MSK-01", dt.date(2026, 3, 1), "7.50"),
        ("upd", "KZN-03", None, "100.00"),
    ]
    ids = []
    with arc.transaction() as s:
        for i, (doc_type, outlet, date, total) in enumerate(specs):
            d = factories.document(s, doc_type, outlet_code=outlet, doc_date=date, total=total)
            d.created_at = dt.datetime(2026, 3, 1, 9, 0) + dt.timedelta(hours=i % 4)  # ties in «received» too
            d.status = ("needs_review", "verified", "processed")[i % 3]
            ids.append(d.id)
    return ids


def _expected(arc, key: str, descending: bool) -> list[int]:
    """The list's order computed in Python: NULLs last, then the value, then the id, both one way."""
    with arc.sessions() as s:
        docs = list(s.query(Document))
        values = {d.id: (d.outlet.code if d.outlet else None) if key == "outlet"
                  else getattr(d, doclist.SORTS[key].key) for d in docs}
    present = sorted((i for i in values if values[i] is not None), key=lambda i: (values[i], i), reverse=descending)
    missing = sorted((i for i in values if values[i] is None), reverse=descending)
    return present + missing


def _walk(arc, query: ListQuery) -> tuple[list[int], list[list[int]]]:
    """Every page forward by its next cursor; then back from the last page by the previous ones."""
    forward, pages, cursor = [], [], None
    with arc.sessions() as s:
        while True:
            page = list_documents(s, ListQuery(**{**query.__dict__, "cursor": cursor}))
            pages.append([d.id for d in page.documents])
            forward += pages[-1]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        back = [pages[-1]]
        cursor = page.prev_cursor
        while cursor is not None:
            page = list_documents(s, ListQuery(**{**query.__dict__, "cursor": cursor}))
            back.append([d.id for d in page.documents])
            cursor = page.prev_cursor
    assert back[::-1] == pages, "walking back gives the same pages"
    return forward, pages


def test_keyset_pages_are_the_sorted_list_both_ways(archive) -> None:
    _seed(archive)
    for key in doclist.SORTS:
        for descending in (False, True):
            sort = ("-" if descending else "") + key
            forward, pages = _walk(archive, ListQuery(sort=sort, limit=3))
            assert forward == _expected(archive, key, descending), sort
            assert [len(p) for p in pages] == [3, 3, 3, 2]


def test_filters_scope_and_ids_narrow_the_list(archive) -> None:
    ids = _seed(archive)
    with archive.sessions() as s:
        def listed(**kw) -> set[int]:
            page = list_documents(s, ListQuery(limit=100, **kw))
            assert page.total == len(page.documents)
            return {d.id for d in page.documents}

        assert listed(filters={"doc_type": "waybill"}) == {ids[0], ids[1], ids[6], ids[8]}
        assert listed(filters={"outlet": "KZN-03"}) == {ids[7], ids[10]}
        assert listed(outlets=("MSK-01",), filters={"outlet": "SPB-02"}) == set()
        amounts = {"amount_min": "100", "amount_max": "5000,50"}
        assert listed(filters=amounts) == {ids[0], ids[1], ids[3], ids[5], ids[10]}
        assert listed(filters={"date_from": "2026-03-01", "date_to": "2026-03-31"}) == {ids[0], ids[1], ids[7], ids[9]}
        assert listed(ids=(ids[2], ids[4])) == {ids[2], ids[4]}
        assert listed(filters={"status": "verified"}) == {ids[i] for i in range(1, 11, 3)}
        with pytest.raises(InvalidInputError):
            list_documents(s, ListQuery(sort="sha256"))
        with pytest.raises(InvalidInputError):
            list_documents(s, ListQuery(cursor="not-a-cursor"))
        with pytest.raises(InvalidInputError):
            listed(filters={"amount_min": "много"})


def test_the_size_is_counted_up_to_the_cap(archive) -> None:
    ids = _seed(archive)
    with archive.sessions() as s:
        exact = list_documents(s, ListQuery(limit=2, count_cap=len(ids)))
        assert (exact.total, exact.total_capped) == (len(ids), False)
        capped = list_documents(s, ListQuery(limit=2, count_cap=4))
        assert (capped.total, capped.total_capped) == (4, True)
        assert [d.id for d in capped.documents] == [d.id for d in exact.documents]  # the page is the same
        waybills = list_documents(s, ListQuery(filters={"doc_type": "waybill"}, count_cap=4))
        assert (waybills.total, waybills.total_capped) == (4, False)  # exactly the cap is not past it


def test_saved_searches_belong_to_their_user(archive) -> None:
    with archive.transaction() as s:
        anna = add_user(s, "anna", None, "accountant").id
        boris = add_user(s, "boris", None, "manager").id
        first = save_search(s, anna, " На проверке  ", "status=needs_review&cursor=abc&sort=-total", actor="anna")
        save_search(s, anna, "На проверке", "status=needs_review&outlet=MSK-01", actor="anna")  # replaces it
        save_search(s, boris, "Все", "", actor="boris")
    with archive.transaction() as s:
        mine = saved_searches(s, anna)
        assert [(r.name, r.query) for r in mine] == [("На проверке", "outlet=MSK-01&status=needs_review")]
        assert mine[0].id == first.id
        with pytest.raises(NotFoundError):
            delete_search(s, boris, first.id, actor="boris")
        with pytest.raises(InvalidInputError):
            save_search(s, anna, "   ", "q=x", actor="anna")
        delete_search(s, anna, first.id, actor="anna")
    with archive.sessions() as s:
        assert saved_searches(s, anna) == [] and len(saved_searches(s, boris)) == 1
