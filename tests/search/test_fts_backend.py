"""What is particular to the embedded SQLite FTS5 backend: its file, its schema, the registry."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from search import BACKENDS, SearchError, SearchQuery, make_backend
from search.fts import SqliteFtsBackend, match_expression
from search.query import parse_text
from tests.search.search_factories import corpus, record


def test_make_backend_opens_sqlite_and_refuses_unknown_kinds(tmp_path: Path) -> None:
    backend = make_backend("sqlite", path=tmp_path / "deep" / "search.db")
    assert isinstance(backend, SqliteFtsBackend)
    backend.close()
    assert {"sqlite", "elasticsearch"} <= set(BACKENDS)
    with pytest.raises(SearchError, match="unknown search backend 'solr'"):
        make_backend("solr")


def test_the_index_is_a_wal_file_that_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    with SqliteFtsBackend(path) as backend:
        backend.index(corpus())
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with SqliteFtsBackend(path) as backend:
        assert backend.count() == 5
        assert {h.doc_id for h in backend.search(SearchQuery(text="накладной")).hits} == {1, 5}


def test_an_index_of_another_schema_version_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    with SqliteFtsBackend(path) as backend:
        backend.index(corpus())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'old' WHERE key = 'schema'")
    with SqliteFtsBackend(path) as backend:
        assert backend.count() == 0


def test_match_expressions_quote_every_term() -> None:
    text, _ = parse_text('NEAR "a b" OR c* -d')
    assert match_expression(text.positive) == '"near" AND ("a b" OR "c" *)'


def test_threads_share_one_backend(tmp_path: Path) -> None:
    backend = SqliteFtsBackend(tmp_path / "search.db")
    errors: list[BaseException] = []

    def work(start: int) -> None:
        try:
            for i in range(start, start + 20):
                backend.index([record(i, text=f"накладная номер {i}")])
                backend.search(SearchQuery(text="накладная", facets=True))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n * 100,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert backend.search(SearchQuery(text="накладная")).total == 80
    backend.close()


def test_a_replaced_record_leaves_no_old_terms_in_the_contentless_index(tmp_path: Path) -> None:
    with SqliteFtsBackend(tmp_path / "search.db") as backend:
        backend.index([record(1, text="накладная ромашка")])
        backend.index([record(1, text="акт лютик")])
        assert backend.search(SearchQuery(text="ромашка")).total == 0
        assert backend.search(SearchQuery(text="лютик")).total == 1
        backend.delete([1])
        assert backend.search(SearchQuery(text="лютик")).total == 0
        with sqlite3.connect(tmp_path / "search.db") as db:
            db.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")
