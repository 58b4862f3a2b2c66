"""The other embedded backend: a SQLite file of its own with an FTS5 index over pre-stemmed text.

``docs`` holds each record's filter columns, ``doc_texts`` its original texts, ``fts`` (FTS5,
contentless: the stems are not stored a second time) the stems of its title, extracted fields and
body, with prefix indexes, ranked by bm25 with the title and fields weighted above the body. Filters
are SQL on ``docs``; facets are counted by SQLite (GROUP BY over the match set), pages are the top
rows by rank with LIMIT; snippets are cut from the original text in Python. A record is taken out of
the contentless index by giving FTS5 its terms again, stemmed from the stored original: the stemmer's
version is part of the schema version, so an index written by another stemmer is dropped and rebuilt.
The whole index can be dropped and rebuilt from the archive database at any time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import Stemmer

from search._facets import count_facets
from search._records import fields_text, kopecks, optional_code_key, outlet_key, year
from search._snippet import first_snippet
from search.base import SearchBackend
from search.exceptions import BackendUnavailableError, SearchError
from search.query import Clause, Term, TextQuery, compile_query
from search.stemming import stemmed_text
from search.types import SearchHit, SearchQuery, SearchRecord, SearchResult

SCHEMA_VERSION = f"3-pystemmer-{Stemmer.version()}"
#: records written in one transaction while indexing a long stream (a reindex)
BATCH = 2000
#: bm25 weights of the fts columns: title, fields, body
WEIGHTS = (8.0, 4.0, 1.0)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc_id INTEGER PRIMARY KEY,
    doc_type TEXT,
    outlet TEXT,
    outlet_key TEXT,
    status TEXT,
    date TEXT,
    year TEXT,
    total TEXT,
    total_kop INTEGER,
    number TEXT,
    number_key TEXT,
    order_no TEXT,
    order_key TEXT,
    original_state TEXT,
    created_at TEXT
);
CREATE TABLE IF NOT EXISTS doc_texts (
    doc_id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    fields_text TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_inns (
    inn TEXT NOT NULL,
    doc_id INTEGER NOT NULL,
    PRIMARY KEY (inn, doc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS docs_doc_type ON docs (doc_type);
CREATE INDEX IF NOT EXISTS docs_outlet_key ON docs (outlet_key);
CREATE INDEX IF NOT EXISTS docs_status ON docs (status);
CREATE INDEX IF NOT EXISTS docs_date ON docs (date);
CREATE INDEX IF NOT EXISTS docs_total_kop ON docs (total_kop);
CREATE INDEX IF NOT EXISTS docs_order_key ON docs (order_key);
CREATE INDEX IF NOT EXISTS docs_number_key ON docs (number_key);
CREATE INDEX IF NOT EXISTS doc_inns_doc ON doc_inns (doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    title, fields, body,
    content = '',
    prefix = '3 4 5',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '-./'"
);
"""
_TABLES = ("docs", "doc_texts", "doc_inns", "fts", "meta")

# docs is kept narrow (filters only) so that scanning thousands of matches never reads the texts
_DOC_COLUMNS = (
    "doc_id", "doc_type", "outlet", "outlet_key", "status", "date", "year",
    "total", "total_kop", "number", "number_key", "order_no", "order_key", "original_state", "created_at",
)
_HIT_COLUMNS = "t.title, t.body, t.fields_text, d.doc_type, d.outlet, d.status, d.date, d.total"
_FACET_COLUMNS = "d.doc_type, d.outlet, d.status, d.original_state, d.year"


def _identity(value: str) -> Any:
    return value


# SearchQuery field → SQL condition on docs (alias d) and how the value becomes its parameter
_FILTERS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("doc_type", "d.doc_type = ?", _identity),
    ("outlet", "d.outlet_key = ?", outlet_key),
    ("status", "d.status = ?", _identity),
    ("date_from", "d.date >= ?", _identity),
    ("date_to", "d.date <= ?", _identity),
    ("amount_min", "d.total_kop >= ?", kopecks),
    ("amount_max", "d.total_kop <= ?", kopecks),
    ("inn", "d.doc_id IN (SELECT doc_id FROM doc_inns WHERE inn = ?)", _identity),
    ("order_no", "d.order_key = ?", optional_code_key),
    ("number", "d.number_key = ?", optional_code_key),
    ("original_state", "d.original_state = ?", _identity),
)


def _fts_string(terms: Iterable[str]) -> str:
    """An FTS5 string literal: every term quoted, so no operator or syntax can come from the user."""
    return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'


def _fts_term(term: Term) -> str:
    return _fts_string(term.terms) + (" *" if term.prefix else "")


def _fts_clause(clause: Clause) -> str:
    parts = [_fts_term(t) for t in clause.alternatives]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def match_expression(clauses: Iterable[Clause]) -> str:
    """The FTS5 MATCH expression requiring every clause (AND)."""
    return " AND ".join(_fts_clause(c) for c in clauses)


def any_expression(clauses: Iterable[Clause]) -> str:
    """The FTS5 MATCH expression matching any of the clauses (OR)."""
    return " OR ".join(_fts_clause(c) for c in clauses)


class SqliteFtsBackend(SearchBackend):
    """Full-text search in a SQLite file (WAL) with FTS5; safe to share between threads."""

    kind = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._ensure_schema()
        except sqlite3.Error as exc:
            raise BackendUnavailableError(f"cannot open the search index {self.path}: {exc}") from exc
        self._lock = threading.RLock()

    # ------------------------------------------------------------ schema

    def _ensure_schema(self) -> None:
        version = None
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            version = row[0] if row else None
        except sqlite3.OperationalError:
            pass
        if version not in (None, SCHEMA_VERSION):
            # an index of another layout: it is derived data, so it is dropped and rebuilt on reindex
            for table in _TABLES:
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise SearchError(f"{doing} the search index {self.path} failed: {exc}") from exc

    # ------------------------------------------------------------ writing

    def index(self, records: Iterable[SearchRecord]) -> int:
        written = 0
        batch: list[SearchRecord] = []
        try:
            for record in records:
                batch.append(record)
                if len(batch) >= BATCH:
                    written += self._write(batch)
                    batch = []
            if batch or not written:
                written += self._write(batch)
        except sqlite3.Error as exc:
            raise SearchError(f"indexing failed: {exc}") from exc
        return written

    def _write(self, records: list[SearchRecord]) -> int:
        placeholders = ", ".join("?" for _ in _DOC_COLUMNS)
        insert_doc = f"INSERT OR REPLACE INTO docs ({', '.join(_DOC_COLUMNS)}) VALUES ({placeholders})"
        with self._transaction() as db:
            self._unindex(db, [r.doc_id for r in records])
            db.executemany(insert_doc, [(
                r.doc_id, r.doc_type, r.outlet, outlet_key(r.outlet), r.status, r.date, year(r.date),
                r.total, kopecks(r.total), r.number, optional_code_key(r.number),
                r.order_no, optional_code_key(r.order_no), r.original_state, r.created_at,
            ) for r in records])
            texts = [(r.doc_id, r.title or "", fields_text(r), r.text or "") for r in records]
            db.executemany("INSERT INTO doc_texts (doc_id, title, fields_text, body) VALUES (?, ?, ?, ?)", texts)
            db.executemany(
                "INSERT INTO fts (rowid, title, fields, body) VALUES (?, ?, ?, ?)",
                [(doc_id, *map(stemmed_text, parts)) for doc_id, *parts in texts],
            )
            db.executemany(
                "INSERT OR IGNORE INTO doc_inns (inn, doc_id) VALUES (?, ?)",
                [(inn, r.doc_id) for r in records for inn in r.inns if inn],
            )
        return len(records)

    @staticmethod
    def _unindex(db: sqlite3.Connection, doc_ids: list[int]) -> None:
        """Take these documents out of every table; the contentless FTS5 table is given their old terms."""
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            old = db.execute(
                f"SELECT doc_id, title, fields_text, body FROM doc_texts WHERE doc_id IN ({marks})", chunk
            ).fetchall()
            db.executemany(
                "INSERT INTO fts (fts, rowid, title, fields, body) VALUES ('delete', ?, ?, ?, ?)",
                [(doc_id, *map(stemmed_text, parts)) for doc_id, *parts in old],
            )
            for table in ("docs", "doc_texts", "doc_inns"):
                db.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks})", chunk)

    def delete(self, doc_ids: Iterable[int]) -> None:
        ids = [int(i) for i in doc_ids]
        with self._errors("deleting"), self._transaction() as db:
            self._unindex(db, ids)

    def clear(self) -> None:
        with self._errors("clearing"), self._transaction() as db:
            db.execute("DELETE FROM docs")
            db.execute("DELETE FROM doc_texts")
            db.execute("DELETE FROM doc_inns")
            db.execute("INSERT INTO fts (fts) VALUES ('delete-all')")

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def doc_ids(self) -> set[int]:
        with self._lock:
            return {int(row[0]) for row in self._db.execute("SELECT doc_id FROM docs")}

    def optimize(self) -> None:
        """Merge the FTS5 index segments (after a large reindex)."""
        with self._lock:
            self._db.execute("INSERT INTO fts (fts) VALUES ('optimize')")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------ searching

    @staticmethod
    def _where(query: SearchQuery, text: TextQuery) -> tuple[list[str], list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        for field, condition, convert in _FILTERS:
            value = getattr(query, field)
            if value is not None:
                conditions.append(condition)
                params.append(convert(value))
        if query.outlets is not None:
            keys = sorted({key for key in map(outlet_key, query.outlets) if key is not None})
            if keys:
                conditions.append(f"d.outlet_key IN ({', '.join('?' for _ in keys)})")
                params.extend(keys)
            else:
                conditions.append("0")
        if text.negative:
            conditions.append("d.doc_id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(any_expression(text.negative))
        return conditions, params

    def search(self, query: SearchQuery) -> SearchResult:
        query, text = compile_query(query)
        conditions, params = self._where(query, text)
        if text.positive:
            # CROSS JOIN keeps fts the outer loop: otherwise SQLite may walk a filter index and run the
            # full-text query once per row
            source = "fts CROSS JOIN docs d ON d.doc_id = fts.rowid"
            conditions.insert(0, "fts MATCH ?")
            params.insert(0, match_expression(text.positive))
            rank = f"bm25(fts, {', '.join(str(w) for w in WEIGHTS)})"
            order = "rank, d.doc_id"
        else:
            source = "docs d"
            rank = "0.0"
            order = "d.date IS NULL, d.date DESC, d.doc_id DESC"
        where = " AND ".join(conditions) or "1"
        try:
            with self._lock:
                facets: dict[str, dict[str, int]] = {}
                page = self._db.execute(
                    f"SELECT d.doc_id, {rank} AS rank FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, query.limit, query.offset],
                ).fetchall()
                if query.facets:
                    # SQLite counts the match set by its combinations of facet values; a few thousand rows
                    groups = self._db.execute(
                        f"SELECT {_FACET_COLUMNS}, count(*) FROM {source} WHERE {where} GROUP BY {_FACET_COLUMNS}",
                        params,
                    ).fetchall()
                    total, facets = count_facets(groups)
                else:
                    total = int(self._db.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0])
                details = self._details([doc_id for doc_id, _ in page])
        except sqlite3.Error as exc:
            raise SearchError(f"search failed: {exc}") from exc
        whole, prefixes = text.highlight_terms
        hits = tuple(_hit(doc_id, rank_value, details[doc_id], whole, prefixes) for doc_id, rank_value in page)
        return SearchResult(total=total, hits=hits, facets=facets)

    def _details(self, doc_ids: list[int]) -> dict[int, tuple[Any, ...]]:
        if not doc_ids:
            return {}
        marks = ", ".join("?" for _ in doc_ids)
        rows = self._db.execute(
            f"SELECT d.doc_id, {_HIT_COLUMNS} FROM docs d JOIN doc_texts t ON t.doc_id = d.doc_id "
            f"WHERE d.doc_id IN ({marks})",
            doc_ids,
        )
        return {row[0]: row[1:] for row in rows}


def _hit(
    doc_id: int, rank: float, row: tuple[Any, ...], whole: tuple[str, ...], prefixes: tuple[str, ...]
) -> SearchHit:
    title, body, extracted, doc_type, outlet, status, day, total = row
    snippet = first_snippet((body, extracted, title), whole, prefixes)
    return SearchHit(
        doc_id=doc_id, score=-float(rank), title=title, snippet=snippet, doc_type=doc_type, outlet=outlet,
        status=status, date=day, total=total,
    )
