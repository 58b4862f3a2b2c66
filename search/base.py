"""The interface every search backend implements, and the registry that opens one by name."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from typing import Any

from search.exceptions import SearchError
from search.types import SearchQuery, SearchRecord, SearchResult

#: Facets a backend counts when ``SearchQuery.facets`` is set.
FACETS = ("doc_type", "outlet", "status", "original_state", "year")


class SearchBackend(abc.ABC):
    """A full-text index of :class:`SearchRecord` s with filters, facets, snippets and paging.

    Every backend has the same semantics: ``index`` replaces a record with the same ``doc_id``;
    ``search`` runs the query syntax of :mod:`search.query` (filters may be written in
    ``query.text``); ``query.outlets`` restricts hits, the total and the facets alike.
    """

    kind: str = ""

    @abc.abstractmethod
    def index(self, records: Iterable[SearchRecord]) -> int:
        """Add or replace these records; returns how many were written."""

    def index_soon(self, records: Iterable[SearchRecord], committed: Callable[[], None] | None = None) -> None:
        """Add or replace these records without waiting for a commit of their own: they are searchable
        within a second, and ``committed`` is called once they are durable. An import gives each document
        here, so a batch costs the index one commit a second, not one a document; a process that dies
        first loses them from the index only (the caller keeps its mark until ``committed``).

        Engines whose commit is cheap (a SQL transaction) index at once."""
        self.index(records)
        if committed is not None:
            committed()

    def flush(self) -> None:  # noqa: B027  # a hook: engines that index at once have nothing to flush
        """Commit what :meth:`index_soon` holds, now (the end of an import, ``close``)."""

    @abc.abstractmethod
    def delete(self, doc_ids: Iterable[int]) -> None:
        """Remove these documents (unknown ids are ignored)."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; raises :class:`search.QuerySyntaxError` for a bad filter."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document (the index is rebuilt from the database afterwards)."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abc.abstractmethod
    def doc_ids(self) -> set[int]:
        """The ids of every document the index holds (`finarchive check` compares them with the database)."""

    def optimize(self) -> None:  # noqa: B027  # a hook: engines that merge by themselves need nothing here
        """Compact the index after a large reindex."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections; the backend is not used afterwards."""

    def __enter__(self) -> SearchBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sqlite(**options: Any) -> SearchBackend:
    from search.fts import SqliteFtsBackend

    return SqliteFtsBackend(**options)


def _tantivy(**options: Any) -> SearchBackend:
    from search.tantivy_index import TantivyBackend

    return TantivyBackend(**options)


def _postgresql(**options: Any) -> SearchBackend:
    from search.postgres import PostgresBackend

    return PostgresBackend(**options)


def _elasticsearch(**options: Any) -> SearchBackend:
    from search.elastic import ElasticsearchBackend

    return ElasticsearchBackend(**options)


#: backend name → factory taking the backend's options (imports are lazy: the ES client is optional)
BACKENDS: dict[str, Callable[..., SearchBackend]] = {
    "sqlite": _sqlite,
    "fts": _sqlite,
    "tantivy": _tantivy,
    "postgresql": _postgresql,
    "elasticsearch": _elasticsearch,
}


def make_backend(kind: str, **options: Any) -> SearchBackend:
    """Open the backend ``kind`` (``tantivy``, ``sqlite``: ``path=``; ``postgresql``: ``url=``;
    ``elasticsearch``: ``url=``, ``index=``)."""
    try:
        factory = BACKENDS[kind]
    except KeyError:
        raise SearchError(f"unknown search backend {kind!r}; one of {', '.join(sorted(BACKENDS))}") from None
    return factory(**options)
