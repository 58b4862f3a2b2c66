"""What is particular to the Tantivy backend: a folder of its own, one writer across openings, freshness."""

from __future__ import annotations

import json
import threading
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
