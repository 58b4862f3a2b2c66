"""The scaled backend: an Elasticsearch index with the same semantics as the SQLite FTS5 one.

Text fields (title, extracted fields, body) are analysed twice through multi-fields: ``.ru`` with
the Russian Snowball stemmer and ``.en`` with the English one — Elasticsearch's built-in ``russian``
and ``english`` analyzers rebuilt (``russian_text``, ``english_text``) as its documentation shows,
with ``ё`` → ``е`` added and stop words left in, so that phrases, exclusions and ``ё`` behave as in
the FTS5 backend. Filters are keyword,
date and scaled_float fields; facets are terms aggregations; snippets are highlights in ``<mark>``.
The parsed query is translated into a bool query; user text only ever goes into ``match``-family
queries, never into a query-string syntax.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from typing import Any

from search._records import fields_text, kopecks, optional_code_key, outlet_key, year
from search.base import FACETS, SearchBackend
from search.exceptions import BackendUnavailableError, SearchError
from search.query import Clause, Term, TextQuery, compile_query
from search.types import SearchHit, SearchQuery, SearchRecord, SearchResult

TEXT_FIELDS = {"title": 8, "fields_text": 4, "body": 1}  # field → boost, as the FTS5 bm25 weights
SNIPPET_CHARS = 220
FACET_SIZE = 100

_YO = {"type": "mapping", "mappings": ["ё => е", "Ё => Е"]}

SETTINGS: dict[str, Any] = {
    "analysis": {
        "char_filter": {"yo": _YO},
        "filter": {
            "russian_stemmer": {"type": "stemmer", "language": "russian"},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "english_possessive_stemmer": {"type": "stemmer", "language": "possessive_english"},
        },
        "analyzer": {
            "plain": {"type": "custom", "tokenizer": "standard", "char_filter": ["yo"], "filter": ["lowercase"]},
            "russian_text": {
                "type": "custom", "tokenizer": "standard", "char_filter": ["yo"],
                "filter": ["lowercase", "russian_stemmer"],
            },
            "english_text": {
                "type": "custom", "tokenizer": "standard", "char_filter": ["yo"],
                "filter": ["english_possessive_stemmer", "lowercase", "english_stemmer"],
            },
        },
    },
}

_ANALYSED = {
    "type": "text",
    "analyzer": "plain",
    "fields": {
        "ru": {"type": "text", "analyzer": "russian_text"},
        "en": {"type": "text", "analyzer": "english_text"},
    },
}
_KEYWORD = {"type": "keyword"}

MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "doc_id": {"type": "long"},
        "title": _ANALYSED,
        "fields_text": _ANALYSED,
        "body": _ANALYSED,
        "doc_type": _KEYWORD,
        "outlet": _KEYWORD,
        "outlet_key": _KEYWORD,
        "status": _KEYWORD,
        "date": {"type": "date", "format": "strict_date", "ignore_malformed": True},
        "year": _KEYWORD,
        "total": {"type": "scaled_float", "scaling_factor": 100, "ignore_malformed": True},
        "number": _KEYWORD,
        "number_key": _KEYWORD,
        "order_no": _KEYWORD,
        "order_key": _KEYWORD,
        "inns": _KEYWORD,
        "original_state": _KEYWORD,
        "created_at": {"type": "date", "ignore_malformed": True},
    },
}

_SEARCH_FIELDS = [f"{name}.{lang}^{boost}" for name, boost in TEXT_FIELDS.items() for lang in ("ru", "en")]


def _identity(value: str) -> Any:
    return value


def _amount(value: str) -> float:
    return (kopecks(value) or 0) / 100


# SearchQuery field → how it becomes an Elasticsearch filter
_FILTERS: tuple[tuple[str, Any], ...] = (
    ("doc_type", lambda v: {"term": {"doc_type": v}}),
    ("outlet", lambda v: {"term": {"outlet_key": outlet_key(v)}}),
    ("status", lambda v: {"term": {"status": v}}),
    ("date_from", lambda v: {"range": {"date": {"gte": v}}}),
    ("date_to", lambda v: {"range": {"date": {"lte": v}}}),
    ("amount_min", lambda v: {"range": {"total": {"gte": _amount(v)}}}),
    ("amount_max", lambda v: {"range": {"total": {"lte": _amount(v)}}}),
    ("inn", lambda v: {"term": {"inns": v}}),
    ("order_no", lambda v: {"term": {"order_key": optional_code_key(v)}}),
    ("number", lambda v: {"term": {"number_key": optional_code_key(v)}}),
    ("original_state", lambda v: {"term": {"original_state": v}}),
)


def _term_query(term: Term) -> dict[str, Any]:
    if term.prefix:
        kind = {"type": "phrase_prefix", "max_expansions": 200}
    elif term.is_phrase:
        kind = {"type": "phrase"}
    else:
        kind = {"type": "best_fields", "operator": "and"}
    return {"multi_match": {"query": term.text, "fields": _SEARCH_FIELDS, **kind}}


def _clause_query(clause: Clause) -> dict[str, Any]:
    queries = [_term_query(t) for t in clause.alternatives]
    return queries[0] if len(queries) == 1 else {"bool": {"should": queries, "minimum_should_match": 1}}


def filters(query: SearchQuery) -> list[dict[str, Any]]:
    """The bool filters of ``query``'s filter fields and outlet rights."""
    result = [make(getattr(query, field)) for field, make in _FILTERS if getattr(query, field) is not None]
    if query.outlets is not None:
        keys = sorted({key for key in map(outlet_key, query.outlets) if key is not None})
        result.append({"terms": {"outlet_key": keys}} if keys else {"match_none": {}})
    return result


def search_body(query: SearchQuery, text: TextQuery) -> dict[str, Any]:
    """The keyword arguments of ``Elasticsearch.search`` for a compiled query."""
    positive = [_clause_query(c) for c in text.positive]
    negative = [_clause_query(c) for c in text.negative]
    body: dict[str, Any] = {
        "query": {"bool": {"must": positive or [{"match_all": {}}], "must_not": negative, "filter": filters(query)}},
        "from_": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "source": ["doc_id", "title", "body", "doc_type", "outlet", "status", "date", "total"],
    }
    if positive:
        body["sort"] = ["_score", {"doc_id": "asc"}]
        body["highlight"] = {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "number_of_fragments": 1,
            "fragment_size": SNIPPET_CHARS,
            "highlight_query": {"bool": {"should": positive}},
            "fields": {f"{name}.{lang}": {} for name in TEXT_FIELDS for lang in ("ru", "en")},
        }
    else:
        body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, {"doc_id": "desc"}]
    if query.facets:
        body["aggs"] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
    return body


def _document(record: SearchRecord) -> dict[str, Any]:
    return {
        "doc_id": record.doc_id,
        "title": record.title or "",
        "fields_text": fields_text(record),
        "body": record.text or "",
        "doc_type": record.doc_type,
        "outlet": record.outlet,
        "outlet_key": outlet_key(record.outlet),
        "status": record.status,
        "date": record.date,
        "year": year(record.date),
        "total": record.total,
        "number": record.number,
        "number_key": optional_code_key(record.number),
        "order_no": record.order_no,
        "order_key": optional_code_key(record.order_no),
        "inns": list(record.inns),
        "original_state": record.original_state,
        "created_at": record.created_at,
    }


def _plain_snippet(text: str) -> str:
    words = text.split()
    return html.escape(" ".join(words[:30])) + (" …" if len(words) > 30 else "")


def _snippet(hit: dict[str, Any]) -> str:
    """The highlight with the most marks, body first; the start of the body when nothing is marked."""
    highlights: dict[str, list[str]] = hit.get("highlight", {})
    best, best_marks = "", 0
    for name in TEXT_FIELDS:
        for lang in ("ru", "en"):
            for fragment in highlights.get(f"{name}.{lang}", []):
                marks = fragment.count("<mark>")
                if marks > best_marks:
                    best, best_marks = " ".join(fragment.split()), marks
        if best:
            return best
    return _plain_snippet(hit["_source"].get("body") or "")


class ElasticsearchBackend(SearchBackend):
    """Full-text search in an Elasticsearch index (created with its mapping when missing)."""

    kind = "elasticsearch"

    def __init__(self, url: str, index: str = "finarchive", *, request_timeout: float = 30.0) -> None:
        try:
            from elasticsearch import Elasticsearch
        except ImportError as exc:  # the client is an optional dependency
            raise BackendUnavailableError(
                "the Elasticsearch client is not installed: pip install 'finarchive[elasticsearch]'"
            ) from exc
        if not url:
            raise BackendUnavailableError("the Elasticsearch backend needs a URL (search.url)")
        self.url = url
        self.index_name = index
        self.client = Elasticsearch(url, request_timeout=request_timeout)
        with self._errors("cannot open"):
            if not self.client.indices.exists(index=index):
                self._create()

    def _create(self) -> None:
        from elasticsearch import BadRequestError

        try:
            self.client.indices.create(index=self.index_name, settings=SETTINGS, mappings=MAPPINGS)
        except BadRequestError as exc:
            if "resource_already_exists" not in str(exc):  # another process created it first
                raise

    def _errors(self, doing: str) -> Any:
        return _TranslatedErrors(f"{doing} the Elasticsearch index {self.index_name!r} at {self.url}")

    # ------------------------------------------------------------ writing

    def index(self, records: Iterable[SearchRecord]) -> int:
        from elasticsearch import helpers

        def actions() -> Iterator[dict[str, Any]]:
            for record in records:
                yield {"_op_type": "index", "_index": self.index_name, "_id": str(record.doc_id),
                       "_source": _document(record)}

        with self._errors("cannot write to"):
            written, _ = helpers.bulk(self.client, actions(), refresh="wait_for", chunk_size=500)
        return int(written)

    def delete(self, doc_ids: Iterable[int]) -> None:
        ids = [str(int(i)) for i in doc_ids]
        if not ids:
            return
        with self._errors("cannot delete from"):
            self.client.delete_by_query(
                index=self.index_name, query={"ids": {"values": ids}}, refresh=True, conflicts="proceed"
            )

    def clear(self) -> None:
        with self._errors("cannot clear"):
            self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
            self._create()

    def drop(self) -> None:
        """Delete the whole index (tests use it; ``clear`` recreates it empty)."""
        with self._errors("cannot delete"):
            self.client.indices.delete(index=self.index_name, ignore_unavailable=True)

    def count(self) -> int:
        with self._errors("cannot count"):
            self.client.indices.refresh(index=self.index_name)
            return int(self.client.count(index=self.index_name)["count"])

    def doc_ids(self) -> set[int]:
        from elasticsearch import helpers

        with self._errors("cannot list the documents of"):
            self.client.indices.refresh(index=self.index_name)
            hits = helpers.scan(self.client, index=self.index_name, query={"query": {"match_all": {}}},
                                _source=False)
            return {int(hit["_id"]) for hit in hits}

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResult:
        query, text = compile_query(query)
        with self._errors("cannot search"):
            response = self.client.search(index=self.index_name, **search_body(query, text))
        hits = tuple(
            SearchHit(
                doc_id=int(hit["_source"]["doc_id"]),
                score=float(hit.get("_score") or 0.0),
                title=hit["_source"].get("title") or "",
                snippet=_snippet(hit),
                doc_type=hit["_source"].get("doc_type"),
                outlet=hit["_source"].get("outlet"),
                status=hit["_source"].get("status"),
                date=hit["_source"].get("date"),
                total=hit["_source"].get("total"),
            )
            for hit in response["hits"]["hits"]
        )
        facets: dict[str, dict[str, int]] = {}
        if query.facets:
            aggregations = response.get("aggregations", {})
            facets = {
                name: {str(b["key"]): int(b["doc_count"]) for b in aggregations.get(name, {}).get("buckets", [])}
                for name in FACETS
            }
        return SearchResult(total=int(response["hits"]["total"]["value"]), hits=hits, facets=facets)


class _TranslatedErrors:
    """Turns the client's errors into BackendUnavailableError (no connection) or SearchError."""

    def __init__(self, context: str) -> None:
        self.context = context

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        from elastic_transport import ConnectionError as TransportConnectionError
        from elastic_transport import TransportError
        from elasticsearch import ApiError
        from elasticsearch.helpers import BulkIndexError

        if isinstance(exc, TransportConnectionError):
            raise BackendUnavailableError(f"{self.context}: {exc}") from exc
        if isinstance(exc, ApiError | TransportError | BulkIndexError):
            raise SearchError(f"{self.context}: {exc}") from exc
