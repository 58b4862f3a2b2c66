"""The server backend: PostgreSQL full-text search (tsvector, GIN) in the archive's own database or another.

One table, ``search_document``, holds each record's filter columns, its original texts and a
``tsvector`` of its terms: title weighted A, extracted fields B, body D, with positions (phrases). The
terms are the ones every backend indexes (:mod:`search.stemming`: the Russian and English Snowball
stemmers — the stemmers of PostgreSQL's ``russian`` and ``english`` configurations — chosen by each
word's script, numbers and codes such as ``ЗК-000781`` kept whole), written as a tsvector value rather
than parsed again by PostgreSQL, whose parser would cut a code into its parts and drop stop words from
phrases. The query syntax becomes a ``tsquery`` (``&``, ``|``, ``!``, ``<->`` for phrases, ``:*`` for
prefixes) the same way; snippets are ``ts_headline`` over the original text with the ``russian``
configuration (its Snowball stemmer for Cyrillic words, the English one for Latin words), HTML-escaped
here. Filters are indexed columns; facets are counted by PostgreSQL (GROUP BY over the match set).
The table is derived data: it is created on first use and rebuilt by ``finarchive reindex``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from search._facets import count_facets
from search._records import fields_text, kopecks, optional_code_key, outlet_key, year
from search._snippet import WINDOW
from search.base import SearchBackend
from search.exceptions import BackendUnavailableError, SearchError
from search.query import Clause, Term, TextQuery, compile_query
from search.stemming import terms
from search.types import SearchHit, SearchQuery, SearchRecord, SearchResult

SCHEMA_VERSION = "1"
TABLE = "search_document"
#: ts_rank weights {D, C, B, A}: body 1, fields 4, title 8, as the embedded backends' field weights
RANK_WEIGHTS = "{0.125, 0, 0.5, 1.0}"
HEADLINE_CONFIG = "russian"
MAX_POSITION = 16383  # PostgreSQL keeps positions up to this; later words count without one
BATCH = 500
_START, _STOP = "\x02", "\x03"  # ts_headline's marks, turned into <mark> after escaping the text
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, ShortWord=1, HighlightAll=false"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_meta (key text PRIMARY KEY, value text NOT NULL)",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        doc_id bigint PRIMARY KEY,
        title text NOT NULL,
        fields_text text NOT NULL,
        body text NOT NULL,
        doc_type text,
        outlet text,
        outlet_key text,
        status text,
        date text,
        year text,
        total text,
        total_kop bigint,
        number_key text,
        order_key text,
        inns text[] NOT NULL DEFAULT '{{}}',
        original_state text,
        created_at text,
        terms tsvector NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_terms ON {TABLE} USING gin (terms)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_inns ON {TABLE} USING gin (inns)",
    *(f"CREATE INDEX IF NOT EXISTS {TABLE}_{c} ON {TABLE} ({c})"
      for c in ("doc_type", "outlet_key", "status", "date", "total_kop", "number_key", "order_key", "original_state")),
)
_COLUMNS = ("doc_id", "title", "fields_text", "body", "doc_type", "outlet", "outlet_key", "status", "date", "year",
            "total", "total_kop", "number_key", "order_key", "inns", "original_state", "created_at")
_UPSERT = (
    f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}, terms) "
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}, CAST(:terms AS tsvector)) "
    f"ON CONFLICT (doc_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*_COLUMNS[1:], "terms"))
)
_FACET_COLUMNS = "doc_type, outlet, status, original_state, year"


def _identity(value: str) -> Any:
    return value


# SearchQuery field → SQL condition and how the value becomes its parameter
_FILTERS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("doc_type", "doc_type = :{p}", _identity),
    ("outlet", "outlet_key = :{p}", outlet_key),
    ("status", "status = :{p}", _identity),
    ("date_from", "date >= :{p}", _identity),
    ("date_to", "date <= :{p}", _identity),
    ("amount_min", "total_kop >= :{p}", kopecks),
    ("amount_max", "total_kop <= :{p}", kopecks),
    ("inn", "inns @> ARRAY[CAST(:{p} AS text)]", _identity),
    ("order_no", "order_key = :{p}", optional_code_key),
    ("number", "number_key = :{p}", optional_code_key),
    ("original_state", "original_state = :{p}", _identity),
)


def _lexeme(term: str) -> str:
    """A quoted tsvector/tsquery lexeme: no text of the user is ever parsed as an operator."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(parts: Iterable[tuple[str, str]]) -> str:
    """The tsvector of (text, weight) parts: their terms with positions, a gap between parts so a phrase
    never runs from one into the next."""
    positions: dict[str, list[str]] = {}
    at = 0
    for part, weight in parts:
        for term in terms(part):
            at += 1
            places = positions.setdefault(term, [])
            if at <= MAX_POSITION and len(places) < 256:
                places.append(f"{at}{weight}")
        at += 1
    return " ".join(f"{_lexeme(term)}:{','.join(places)}" if places else _lexeme(term)
                    for term, places in positions.items())


def _term_tsquery(term: Term) -> str:
    words = [_lexeme(t) for t in term.terms]
    if term.prefix:
        words[-1] += ":*"
    return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"


def _clause_tsquery(clause: Clause) -> str:
    parts = [_term_tsquery(t) for t in clause.alternatives]
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def tsquery_all(clauses: Iterable[Clause]) -> str:
    """The tsquery requiring every clause."""
    return " & ".join(_clause_tsquery(c) for c in clauses)


def tsquery_any(clauses: Iterable[Clause]) -> str:
    """The tsquery matching any of the clauses."""
    return " | ".join(_clause_tsquery(c) for c in clauses)


def _engine(url: str) -> Engine:
    if not url.startswith(("postgresql:", "postgresql+")):
        raise BackendUnavailableError(
            f"the postgresql search backend needs a PostgreSQL URL ([search] url or [database] url), not {url!r}"
        )
    return create_engine(url, pool_pre_ping=True)


class PostgresBackend(SearchBackend):
    """Full-text search in PostgreSQL (tsvector with a GIN index); safe to share between threads."""

    kind = "postgresql"

    def __init__(self, url: str, **_: Any) -> None:
        self.url = url
        self._engine = _engine(url)
        try:
            with self._engine.begin() as db:
                self._ensure_schema(db)
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise BackendUnavailableError(f"cannot open the PostgreSQL search index: {exc}") from exc

    @staticmethod
    def _ensure_schema(db: Connection) -> None:
        db.execute(text("SELECT pg_advisory_xact_lock(hashtext('finarchive search schema'))"))
        db.execute(text(_SCHEMA[0]))
        version = db.execute(text("SELECT value FROM search_meta WHERE key = 'schema'")).scalar()
        if version not in (None, SCHEMA_VERSION):
            db.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))  # derived data of another layout: rebuilt by reindex
        for statement in _SCHEMA[1:]:
            db.execute(text(statement))
        db.execute(
            text("INSERT INTO search_meta (key, value) VALUES ('schema', :v) "
                 "ON CONFLICT (key) DO UPDATE SET value = :v"),
            {"v": SCHEMA_VERSION},
        )

    @contextmanager
    def _db(self, doing: str) -> Iterator[Connection]:
        try:
            with self._engine.begin() as db:
                yield db
        except SQLAlchemyError as exc:
            raise SearchError(f"{doing} the PostgreSQL search index failed: {exc}") from exc

    # ------------------------------------------------------------ writing

    @staticmethod
    def _row(record: SearchRecord) -> dict[str, Any]:
        extracted = fields_text(record)
        title, body = record.title or "", record.text or ""
        return {
            "doc_id": record.doc_id, "title": title, "fields_text": extracted, "body": body,
            "doc_type": record.doc_type, "outlet": record.outlet, "outlet_key": outlet_key(record.outlet),
            "status": record.status, "date": record.date, "year": year(record.date), "total": record.total,
            "total_kop": kopecks(record.total), "number_key": optional_code_key(record.number),
            "order_key": optional_code_key(record.order_no), "inns": sorted({i for i in record.inns if i}),
            "original_state": record.original_state, "created_at": record.created_at,
            "terms": tsvector_literal(((title, "A"), (extracted, "B"), (body, "D"))),
        }

    def index(self, records: Iterable[SearchRecord]) -> int:
        written = 0
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(self._row(record))
            if len(batch) >= BATCH:
                with self._db("indexing") as db:
                    db.execute(text(_UPSERT), batch)
                written += len(batch)
                batch = []
        if batch:
            with self._db("indexing") as db:
                db.execute(text(_UPSERT), batch)
            written += len(batch)
        return written

    def delete(self, doc_ids: Iterable[int]) -> None:
        ids = [int(i) for i in doc_ids]
        with self._db("deleting") as db:
            db.execute(text(f"DELETE FROM {TABLE} WHERE doc_id = ANY(:ids)"), {"ids": ids})

    def clear(self) -> None:
        with self._db("clearing") as db:
            db.execute(text(f"TRUNCATE {TABLE}"))

    def count(self) -> int:
        with self._db("counting") as db:
            return int(db.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar() or 0)

    def doc_ids(self) -> set[int]:
        with self._db("listing") as db:
            return {int(i) for i in db.execute(text(f"SELECT doc_id FROM {TABLE}")).scalars()}

    def optimize(self) -> None:
        with self._db("analysing") as db:
            db.execute(text(f"ANALYZE {TABLE}"))

    def close(self) -> None:
        self._engine.dispose()

    # ------------------------------------------------------------ searching

    @staticmethod
    def _where(query: SearchQuery, text_query: TextQuery) -> tuple[list[str], dict[str, Any]]:
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for n, (field, condition, convert) in enumerate(_FILTERS):
            value = getattr(query, field)
            if value is not None:
                conditions.append(condition.format(p=f"f{n}"))
                params[f"f{n}"] = convert(value)
        if query.outlets is not None:
            params["outlets"] = sorted({key for key in map(outlet_key, query.outlets) if key is not None})
            conditions.append("outlet_key = ANY(:outlets)")
        if text_query.positive:
            conditions.append("terms @@ CAST(:match AS tsquery)")
            params["match"] = tsquery_all(text_query.positive)
        if text_query.negative:
            conditions.append("NOT (terms @@ CAST(:exclude AS tsquery))")
            params["exclude"] = tsquery_any(text_query.negative)
        return conditions, params

    def search(self, query: SearchQuery) -> SearchResult:
        query, text_query = compile_query(query)
        conditions, params = self._where(query, text_query)
        where = " AND ".join(conditions) or "true"
        if text_query.positive:
            rank = f"ts_rank('{RANK_WEIGHTS}', terms, CAST(:match AS tsquery))"
            order = "rank DESC, doc_id"
        else:
            rank = "0.0"
            order = "date IS NULL, date DESC, doc_id DESC"
        with self._db("searching") as db:
            page = db.execute(
                text(f"SELECT doc_id, {rank} AS rank FROM {TABLE} WHERE {where} ORDER BY {order} "
                     "LIMIT :limit OFFSET :offset"),
                {**params, "limit": query.limit, "offset": query.offset},
            ).all()
            facets: dict[str, dict[str, int]] = {}
            if query.facets:
                groups = db.execute(
                    text(f"SELECT {_FACET_COLUMNS}, count(*) FROM {TABLE} WHERE {where} GROUP BY {_FACET_COLUMNS}"),
                    params,
                ).all()
                total, facets = count_facets(groups)
            else:
                total = int(db.execute(text(f"SELECT count(*) FROM {TABLE} WHERE {where}"), params).scalar() or 0)
            details = self._details(db, [row[0] for row in page], text_query)
        hits = tuple(_hit(int(doc_id), float(rank_value), details[doc_id]) for doc_id, rank_value in page)
        return SearchResult(total=total, hits=hits, facets=facets)

    @staticmethod
    def _details(db: Connection, doc_ids: list[int], text_query: TextQuery) -> dict[int, Any]:
        if not doc_ids:
            return {}
        words = {*text_query.highlight_terms[0], *text_query.highlight_terms[1]}
        if words:
            # the highlight query: every positive term, each on its own, so any of them is marked
            marked = " | ".join(
                _term_tsquery(Term(text=t, terms=(t,), prefix=t in text_query.highlight_terms[1])) for t in words
            )
            headline = (f"ts_headline('{HEADLINE_CONFIG}', {{column}}, CAST(:marked AS tsquery), "
                        f"'{_HEADLINE_OPTIONS}')")
            snippets = ", ".join(headline.format(column=c) for c in ("body", "fields_text", "title"))
        else:
            marked = ""
            snippets = "body, fields_text, title"
        rows = db.execute(
            text(f"SELECT doc_id, title, doc_type, outlet, status, date, total, {snippets} "
                 f"FROM {TABLE} WHERE doc_id = ANY(:ids)"),
            {"ids": doc_ids, "marked": marked},
        )
        return {row[0]: row[1:] for row in rows}


def _snippet(headline: str) -> str:
    """ts_headline's fragment (or the text's head) HTML-escaped, its marks made <mark>."""
    escaped = html.escape(" ".join(headline.split()[:WINDOW]))
    return escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")


def _hit(doc_id: int, rank: float, row: Any) -> SearchHit:
    title, doc_type, outlet, status, day, total, *texts = row
    snippet = ""
    for source in texts:
        if _START in source:
            snippet = _snippet(source)
            break
        snippet = snippet or _snippet(source)
    return SearchHit(
        doc_id=doc_id, score=rank, title=title, snippet=snippet, doc_type=doc_type, outlet=outlet,
        status=status, date=day, total=total,
    )
