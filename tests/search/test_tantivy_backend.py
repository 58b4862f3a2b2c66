"""What is particular to the Tantivy backend: a folder of its own, one writer across openings, freshness."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from search import SearchBackend, SearchQuery, make_backend
from search.tantivy_index import MARKER, TantivyBackend
from tests.search.search_factories import corpus, record


def found(backend: SearchBackend, text: str) -> set[int]:
    return {hit.doc_id for hit in backend.search(SearchQuery(text=text)).hits}


def test_the_index_survives_reopening(tmp_path: Path) -> None:
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index(corpus())
    with TantivyBackend(tmp_path / "index") as backend:
        assert backend.count() == 5
        assert found(backend, "накладной") == {1, 5}
        assert backend.doc_ids() == {1, 2, 3, 4, 5}


def test_an_index_of_another_schema_version_is_dropped(tmp_path: Path) -> None:
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index(corpus())
    (tmp_path / "index" / MARKER).write_text(json.dumps({"engine": "tantivy", "schema": "0"}), encoding="utf-8")
    with TantivyBackend(tmp_path / "index") as backend:
        assert backend.count() == 0


def test_a_document_committed_by_another_opening_is_found_by_the_next_search(tmp_path: Path) -> None:
    reader = make_backend("tantivy", path=tmp_path / "index")
    reader.index(corpus())
    assert reader.search(SearchQuery(text="свежая")).total == 0
    writer = make_backend("tantivy", path=tmp_path / "index")  # as the import process beside the web app
    writer.index([record(6, text="свежая товарная накладная")])
    assert reader.search(SearchQuery(text="свежая")).total == 1
    assert reader.count() == 6
    writer.delete([6])
    assert reader.search(SearchQuery(text="свежая")).total == 0
    writer.close()
    reader.close()


def test_two_openings_write_in_turns(tmp_path: Path) -> None:
    backends = [TantivyBackend(tmp_path / "index") for _ in range(2)]
    errors: list[BaseException] = []

    def work(backend: TantivyBackend, start: int) -> None:
        try:
            for i in range(start, start + 10):
                backend.index([record(i, text=f"акт сверки {i}")])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(b, n * 100)) for n, b in enumerate(backends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert backends[0].search(SearchQuery(text="акт")).total == 20


def test_a_stream_of_records_is_one_commit(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path / "index")
    assert backend.index(record(i, text=f"счёт на оплату {i}") for i in range(1, 1001)) == 1000
    assert backend.search(SearchQuery(text="счета", limit=5)).total == 1000
    assert backend.search(SearchQuery(text="1000")).hits[0].doc_id == 1000


def _eventually(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Polls ``condition`` (what a background commit does is awaited, never timed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_documents_given_to_index_soon_are_committed_together_by_flush(tmp_path: Path) -> None:
    importer = TantivyBackend(tmp_path / "index")
    web = TantivyBackend(tmp_path / "index")  # the web app's opening, beside the import
    committed: list[int] = []
    for i in range(1, 4):
        importer.index_soon([record(i, text=f"акт сверки {i}")], functools.partial(committed.append, i))
    importer.flush()
    assert committed == [1, 2, 3]
    assert found(web, "акта") == {1, 2, 3}
    importer.flush()  # nothing waits: nothing is called twice
    assert committed == [1, 2, 3]
    importer.close()
    web.close()


def test_a_document_given_to_index_soon_is_committed_without_a_flush(tmp_path: Path) -> None:
    importer = TantivyBackend(tmp_path / "index")
    web = TantivyBackend(tmp_path / "index")
    committed = threading.Event()
    importer.index_soon([record(1, text="свежая товарная накладная")], committed.set)
    assert committed.wait(30)  # the background commit, within COMMIT_DELAY_SECONDS when the machine is idle
    assert _eventually(lambda: found(web, "свежей") == {1})
    importer.close()
    web.close()


def test_index_writes_what_index_soon_holds_first_so_the_newer_record_wins(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path / "index")
    backend.index_soon([record(1, text="старый текст накладной")])
    backend.index([record(1, text="исправленный текст накладной")])
    backend.flush()
    assert found(backend, "исправленный") == {1}
    assert found(backend, "старый") == set()
    assert backend.count() == 1
    backend.close()


def test_close_commits_what_waits(tmp_path: Path) -> None:
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index_soon([record(7, text="счёт на оплату")])
    with TantivyBackend(tmp_path / "index") as again:
        assert found(again, "счета") == {7}


def test_a_reindex_into_an_empty_index_still_replaces_a_repeated_id(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path / "index")
    assert backend.index(iter([record(1, text="первый"), record(2, text="второй"), record(1, text="третий")])) == 3
    assert backend.count() == 2
    assert found(backend, "третий") == {1}
    assert found(backend, "первый") == set()
    backend.close()


def test_the_facets_pass_counts_the_same_total_as_a_search_without_facets(tmp_path: Path) -> None:
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index(corpus())
        for text in ("накладной", "outlet:MSK-01", "-накладной", "ромашка OR invoice", "type:z_report", "нет-такого"):
            plain = backend.search(SearchQuery(text=text))
            facetted = backend.search(SearchQuery(text=text, facets=True, limit=1))
            assert facetted.total == plain.total, text
            assert sum(facetted.facets["doc_type"].values()) == plain.total, text
            assert [h.doc_id for h in facetted.hits] == [h.doc_id for h in plain.hits][:1], text


def test_the_next_page_reuses_the_counts_until_a_commit_changes_them(tmp_path: Path) -> None:
    reader = TantivyBackend(tmp_path / "index")
    reader.index(corpus())
    first = reader.search(SearchQuery(text="ромашка", facets=True, limit=1))
    second = reader.search(SearchQuery(text="ромашка", facets=True, limit=1, offset=1))
    assert (first.total, first.facets) == (second.total, second.facets) == (2, first.facets)
    assert {first.hits[0].doc_id, second.hits[0].doc_id} == {1, 5}
    writer = TantivyBackend(tmp_path / "index")  # another process's commit
    writer.index([record(6, text="ООО «Ромашка» акт", doc_type="act", outlet="EKB-01")])
    third = reader.search(SearchQuery(text="ромашка", facets=True, limit=1, offset=2))
    assert third.total == 3
    assert third.facets["doc_type"]["act"] == 1
    assert third.facets["outlet"]["EKB-01"] == 1
    assert reader.search(SearchQuery(text="ромашка outlet:MSK-01", facets=True)).total == 1  # a filter: its own
    writer.close()
    reader.close()


def test_a_prefix_finds_file_name_titles_by_their_head_and_a_code_prefix_by_the_whole_name(tmp_path: Path) -> None:
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index([
            record(1, title="receipt-31.pdf"), record(2, title="receipt-402.pdf"), record(3, title="акт-9.pdf"),
            record(4, title="Receipts of March"), record(5, title="rec.pdf"),
        ])
        assert found(backend, "receip*") == {1, 2, 4}
        assert found(backend, "receipt-4*") == {2}
        assert found(backend, "rec*") == {1, 2, 4, 5}
        assert found(backend, "акт*") == {3}
        assert found(backend, "31*") == set()  # a later part of a name is no prefix of it, as before
        assert found(backend, "pdf*") == {5}  # a name without a number is words: rec, pdf
        scores = {hit.doc_id: hit.score for hit in backend.search(SearchQuery(text="receip*")).hits}
        assert scores[1] == scores[2] == scores[4] > 0  # a prefix's match scores the same, whichever term


def test_searches_from_many_threads_at_once_each_get_their_own_counts(tmp_path: Path) -> None:
    texts = ("накладной", "outlet:MSK-01", "ромашка OR invoice", "type:z_report", "нет-такого", "-накладной")
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index(corpus())
        alone = {text: backend.search(SearchQuery(text=text, facets=True)) for text in texts}
    results: dict[tuple[int, str], object] = {}
    with TantivyBackend(tmp_path / "index") as shared:  # no counts kept yet: each search counts its facets

        def work(n: int) -> None:
            for text in texts:
                results[(n, text)] = shared.search(SearchQuery(text=text, facets=True))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 4 * len(texts)
    for (_, text), result in results.items():
        assert result == alone[text], text


def test_phrases_of_words_find_the_words_side_by_side_and_in_order(tmp_path: Path) -> None:
    texts = {
        1: "Основание: договор поставки № 12",
        2: "поставки по договору",  # the words, not side by side in this order
        3: "договор на оказание услуг, условия поставки",
        4: "Договоры поставок и договор поставки товара",
        5: "договор поставки товара",
        6: "поставки товара договор поставки",  # every pair of «договор поставки товара», not the phrase
        7: "масса 12 кг 12 кг",
    }
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index([record(doc_id, text=text) for doc_id, text in texts.items()])
        assert found(backend, '"договор поставки"') == {1, 4, 5, 6}
        assert found(backend, '"поставки договор"') == set()
        assert found(backend, '"договор поставки товара"') == {4, 5}
        assert found(backend, '"12 кг"') == {7}  # a number's phrase by the positions, as before
        assert found(backend, '"договор" поставки') == {1, 2, 3, 4, 5, 6}
        hits = backend.search(SearchQuery(text='"договор поставки"')).hits
        assert all(hit.score > 0 and "<mark>" in hit.snippet for hit in hits)


def test_date_filters_by_days_and_by_range_find_the_same(tmp_path: Path) -> None:
    dates = {1: "2025-12-31", 2: "2026-01-01", 3: "2026-01-31", 4: "2026-02-01", 5: "2026-02-28", 6: None,
             7: "2019-06-15", 8: "2031-01-01"}
    with TantivyBackend(tmp_path / "index") as backend:
        backend.index([record(doc_id, text="акт сверки", date=day) for doc_id, day in dates.items()])
        for text, expected in [
            ("акт date:2026-01", {2, 3}),  # a month: its days' terms
            ("акт date:2025-12-31..2026-02-01", {1, 2, 3, 4}),  # over a year's end
            ("акт date:2026-02", {5, 4}),
            ("акт date:2019-01-01..2031-12-31", {1, 2, 3, 4, 5, 7, 8}),  # longer than DAY_TERMS: the range
            ("акт date:2026-01-15..", {3, 4, 5, 8}),  # open: the range
            ("акт date:..2020-01-01", {7}),  # undated documents are in no range
        ]:
            assert found(backend, text) == expected, text


def _indexed_terms(backend: TantivyBackend) -> dict[str, dict[str, int]]:
    """Every text field's terms with the number of documents holding each, as the index holds them."""
    searcher = backend._searcher()
    out: dict[str, dict[str, int]] = {}
    for field in ("title", "title_heads", "fields", "body", "body_pairs"):
        out[field] = dict(searcher.terms_with_prefix(field, ""))
    return out


def test_a_bulk_build_indexes_the_same_terms_as_one_document_at_a_time(tmp_path: Path) -> None:
    records = [
        *corpus(),
        record(6, title="Ёлки-палки.pdf", text="Счёт-фактура № 12/3 от 01.02.2026, ёлочные игрушки 1 234,50 руб.; "
                                               "payments delivered -- «Василёк» Z-ОТЧЁТ 1ая смена ЗК-000781"),
        record(7, text=""),
    ]
    bulk = TantivyBackend(tmp_path / "bulk")
    assert bulk.index(iter(records)) == len(records)  # a stream into an empty index: the reindex path
    single = TantivyBackend(tmp_path / "single")
    for one in records:
        single.index([one])
    soon = TantivyBackend(tmp_path / "soon")
    for one in records:
        soon.index_soon([one])
    soon.flush()
    expected = _indexed_terms(single)
    assert expected["body"]["накладн"] == 2 and expected["body_pairs"]["договор_поставк"] == 1
    assert _indexed_terms(bulk) == expected
    assert _indexed_terms(soon) == expected
    for backend in (bulk, single, soon):
        backend.close()
