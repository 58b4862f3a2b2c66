"""search: the full-text index of archived documents behind one interface.

Backends: ``tantivy`` (embedded, the default), ``sqlite`` (embedded SQLite FTS5), ``postgresql``
(full text in PostgreSQL) and ``elasticsearch``; open one with :func:`make_backend`. Documents come
in as plain :class:`SearchRecord` s; queries use the syntax of :mod:`search.query` (words,
"phrases", -exclusion, OR, prefix*, and filters like ``type:waybill``).
"""

from search.base import BACKENDS, FACETS, SearchBackend, make_backend
from search.fts import SqliteFtsBackend
from search.exceptions import BackendUnavailableError, QuerySyntaxError, SearchError
from search.query import TextQuery, parse_query, parse_text
from search.stemming import stem, terms
from search.types import SearchHit, SearchQuery, SearchRecord, SearchResult

__all__ = [
    "BACKENDS",
    "FACETS",
    "BackendUnavailableError",
    "QuerySyntaxError",
    "SearchBackend",
    "SearchError",
    "SearchHit",
    "SearchQuery",
    "SearchRecord",
    "SearchResult",
    "SqliteFtsBackend",
    "TextQuery",
    "make_backend",
    "parse_query",
    "parse_text",
    "stem",
    "terms",
]
