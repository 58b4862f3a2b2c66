"""The behaviour every search backend shares (SQLite FTS5 always; Elasticsearch with FINARCHIVE_TEST_ES_URL)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from search import QuerySyntaxError, SearchBackend, SearchQuery, SearchResult
from tests.search.search_factories import corpus, record


def ids(result: SearchResult) -> set[int]:
    return {hit.doc_id for hit in result.hits}


def find(backend: SearchBackend, text: str = "", **options: Any) -> SearchResult:
    return backend.search(SearchQuery(text=text, **options))


def test_count_after_indexing(backend: SearchBackend) -> None:
    assert backend.count() == len(corpus())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("накладной", {1, 5}),  # накладная, накладных, накладные
        ("НАКЛАДНАЯ", {1, 5}),
        ("поставщика", {1, 5}),
        ("invoices", {2}),
        ("invoice", {2}),
        ("василек", {1, 3}),  # written Василёк
        ("ромашка поставщик", {1, 5}),
        ("ЗК-000781", {1, 5}),
        ("235730.00", {1}),
        ("7707083893", {1, 4, 5}),
    ],
)
def test_words_find_their_forms(backend: SearchBackend, text: str, expected: set[int]) -> None:
    result = find(backend, text)
    assert ids(result) == expected
    assert result.total == len(expected)


def test_phrase_needs_the_words_in_order(backend: SearchBackend) -> None:
    assert ids(find(backend, '"товарная накладная"')) == {1, 5}  # ТОВАРНАЯ НАКЛАДНАЯ, Товарные накладные
    assert ids(find(backend, '"ромашка поставщик"')) == {5}
    assert ids(find(backend, "ромашка поставщик")) == {1, 5}
    assert ids(find(backend, '"иванова кассир"')) == set()


def test_exclusion(backend: SearchBackend) -> None:
    assert ids(find(backend, "ромашка -договор")) == {1}
    assert ids(find(backend, "-ромашка")) == {2, 3, 4}


def test_or(backend: SearchBackend) -> None:
    assert ids(find(backend, "лютик OR кассир")) == {3, 4}
    assert ids(find(backend, "василек лютик OR кассир")) == {3}


def test_prefix(backend: SearchBackend) -> None:
    assert ids(find(backend, "налич*")) == {4}
    assert ids(find(backend, "invoice*")) == {2}
    assert ids(find(backend, "ЗК-0007*")) == {1, 5}


def test_title_is_searched_and_ranked_first(backend: SearchBackend) -> None:
    hits = find(backend, "contract OR договор").hits
    assert hits[0].doc_id == 5


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"doc_type": "waybill"}, {1}),
        ({"outlet": "MSK-01"}, {1, 3}),
        ({"outlet": "msk-01"}, {1, 3}),
        ({"status": "needs_review"}, {2, 5}),
        ({"date_from": "2026-03-01", "date_to": "2026-03-31"}, {1, 3, 4}),
        ({"date_from": "2026-03-14"}, {1, 4}),
        ({"amount_min": "3200", "amount_max": "4800"}, {3, 4}),
        ({"amount_min": "100000"}, {1}),
        ({"inn": "5003052454"}, {3}),
        ({"inn": "7736207543"}, {1, 2, 3}),
        ({"order_no": "ЗК-000781"}, {1, 5}),
        ({"order_no": "3K-000781"}, {1, 5}),  # Latin look-alikes typed
        ({"number": "4521"}, {1}),
        ({"original_state": "not_required"}, {2, 4}),
    ],
)
def test_filters_without_text(backend: SearchBackend, options: dict[str, str], expected: set[int]) -> None:
    result = find(backend, **options)
    assert ids(result) == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type:waybill", {1}),
        ("outlet:MSK-01 василек", {1, 3}),
        ("status:needs_review ромашка", {5}),
        ("date:2026-03 ромашка", {1}),
        ("total:1000..5000", {2, 3, 4}),
        ("inn:7707083893 накладная", {1, 5}),
        ("order:ЗК-000781 type:contract", {5}),
        ("original:received", {3}),
        ("number:77", {2}),
    ],
)
def test_filters_written_in_the_query(backend: SearchBackend, text: str, expected: set[int]) -> None:
    assert ids(find(backend, text)) == expected


def test_empty_query_lists_everything_newest_first(backend: SearchBackend) -> None:
    result = find(backend)
    assert result.total == 5
    assert [h.doc_id for h in result.hits] == [4, 1, 3, 5, 2]


def test_outlets_restrict_hits_totals_and_facets(backend: SearchBackend) -> None:
    result = find(backend, "василек OR ромашка", outlets=("MSK-01",), facets=True)
    assert ids(result) == {1, 3}
    assert result.total == 2
    assert result.facets["outlet"] == {"MSK-01": 2}
    assert find(backend, "ромашка", outlets=()).total == 0
    assert find(backend, "outlet:SPB-02", outlets=("MSK-01", "MSK-02")).total == 0


def test_facets_count_the_filtered_match_set(backend: SearchBackend) -> None:
    result = find(backend, "7736207543 OR 7707083893", facets=True)
    assert result.total == 5
    assert result.facets["doc_type"] == {"contract": 1, "invoice": 1, "vat_invoice": 1, "waybill": 1, "z_report": 1}
    assert result.facets["outlet"] == {"MSK-01": 2, "SPB-02": 2, "MSK-02": 1}
    assert result.facets["status"] == {"archived": 3, "needs_review": 2}
    assert result.facets["year"] == {"2026": 4, "2025": 1}
    assert result.facets["original_state"]["not_required"] == 2
    narrowed = find(backend, "7707083893 date:2026-03", facets=True)
    assert narrowed.facets["doc_type"] == {"waybill": 1, "z_report": 1}
    assert find(backend, "7707083893").facets == {}


def test_snippet_marks_the_original_word_and_escapes_html(backend: SearchBackend) -> None:
    hit = next(h for h in find(backend, "накладной").hits if h.doc_id == 1)
    assert "<mark>НАКЛАДНАЯ</mark>" in hit.snippet
    milk = find(backend, "кефир").hits[0]
    assert "<mark>кефир</mark>" in milk.snippet
    assert "&lt;1 л&gt; &amp;" in milk.snippet
    without_marks = milk.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and not re.search(r"&(?!lt;|gt;|amp;|quot;|#x27;|#39;)", without_marks)


def test_snippet_marks_forms_and_prefixes(backend: SearchBackend) -> None:
    hit = find(backend, "накладные").hits
    contract = next(h for h in hit if h.doc_id == 5)
    assert "<mark>накладных</mark>" in contract.snippet
    assert "<mark>Наличными</mark>" in find(backend, "налич*").hits[0].snippet


def test_hits_carry_their_record_fields(backend: SearchBackend) -> None:
    hit = find(backend, "type:waybill").hits[0]
    assert (hit.title, hit.doc_type, hit.outlet, hit.status, hit.date, hit.total) == (
        "torg12-4521.pdf", "waybill", "MSK-01", "archived", "2026-03-14", "235730.00",
    )


def test_paging(empty_backend: SearchBackend) -> None:
    empty_backend.index(
        record(i, text=f"акт сверки номер {i}", date=f"2026-02-{i:02d}", doc_type="other") for i in range(1, 26)
    )
    seen: list[int] = []
    for offset in range(0, 25, 10):
        page = find(empty_backend, "акт", limit=10, offset=offset)
        assert page.total == 25
        seen.extend(h.doc_id for h in page.hits)
    assert sorted(seen) == list(range(1, 26))
    assert find(empty_backend, "акт", limit=10, offset=20).hits.__len__() == 5
    assert find(empty_backend, "акт", limit=10, offset=40).hits == ()
    assert [h.doc_id for h in find(empty_backend, limit=3).hits] == [25, 24, 23]


def test_upsert_replaces_the_record(backend: SearchBackend) -> None:
    first = corpus()[0]
    backend.index([replace(first, text="Акт выполненных работ", doc_type="other", inns=("5003052454",))])
    assert backend.count() == 5
    assert ids(find(backend, "накладная")) == {5}
    assert ids(find(backend, "работа")) == {1}
    assert ids(find(backend, "type:waybill")) == set()
    assert ids(find(backend, "inn:7736207543")) == {2, 3}
    assert ids(find(backend, "inn:5003052454")) == {1, 3}


def test_delete(backend: SearchBackend) -> None:
    backend.delete([1, 99])
    assert backend.count() == 4
    assert backend.doc_ids() == {r.doc_id for r in corpus()} - {1}
    assert ids(find(backend, "накладная")) == {5}
    assert ids(find(backend, "inn:7736207543")) == {2, 3}


def test_clear_and_reindex(backend: SearchBackend) -> None:
    backend.clear()
    assert backend.count() == 0
    assert find(backend, "накладная").total == 0
    backend.index(corpus())
    assert backend.count() == 5
    assert ids(find(backend, "накладная")) == {1, 5}


@pytest.mark.parametrize(
    "text",
    ['"', "(", ")", "AND OR", "OR", "*", "NEAR(", "NEAR(накладная ромашка)", ":", "-", '"накладная', "накладная*)",
     'ромашка" OR (', "^", "{title}:x", "title : накладная", "a AND NOT", "NOT"],
)
def test_hostile_queries_do_not_crash(backend: SearchBackend, text: str) -> None:
    result = find(backend, text)
    assert result.total >= 0


def test_hostile_query_still_finds_its_words(backend: SearchBackend) -> None:
    assert ids(find(backend, '(накладная) AND "ромашка')) == {1, 5}


def test_bad_filter_raises_query_syntax_error(backend: SearchBackend) -> None:
    with pytest.raises(QuerySyntaxError):
        find(backend, "накладная date:2026-02-30")
    with pytest.raises(QuerySyntaxError):
        find(backend, "type:nonsense")


def test_pages_are_the_same_with_and_without_facets(empty_backend: SearchBackend) -> None:
    empty_backend.index(
        record(i, text="акт сверки " + "акт " * (i % 4), date=None if i % 5 == 0 else f"2026-02-{i % 3 + 1:02d}")
        for i in range(1, 21)
    )
    for text in ("акт", "", "-сверки", "сверки date:2026-02-02.."):
        for offset in (0, 7):
            plain = find(empty_backend, text, limit=7, offset=offset)
            faceted = find(empty_backend, text, limit=7, offset=offset, facets=True)
            assert [h.doc_id for h in plain.hits] == [h.doc_id for h in faceted.hits]
            assert plain.total == faceted.total
    assert [h.doc_id for h in find(empty_backend, limit=20).hits][-4:] == [20, 15, 10, 5]  # undated last


def test_index_soon_makes_records_durable_by_flush_and_says_so(empty_backend: SearchBackend) -> None:
    committed: list[str] = []
    empty_backend.index_soon([record(1, text="акт сверки взаиморасчётов")], lambda: committed.append("first"))
    empty_backend.index_soon([record(1, text="акт сверки исправленный")], lambda: committed.append("second"))
    empty_backend.flush()
    assert committed == ["first", "second"]
    assert ids(find(empty_backend, "исправленный")) == {1}
    assert empty_backend.count() == 1


def test_a_limit_of_zero_counts_without_hits(backend: SearchBackend) -> None:
    for text in ("накладной", "", "-накладной"):
        for facets in (False, True):
            counted = find(backend, text, limit=0, facets=facets)
            assert counted.hits == ()
            assert counted.total == find(backend, text, facets=facets).total > 0, (text, facets)
