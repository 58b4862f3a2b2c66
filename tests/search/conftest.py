"""Fixtures of the search tests: every backend behind the same fixture, and a small corpus.

The embedded backends always run (Tantivy and SQLite FTS5, real files in tmp_path). PostgreSQL full-text
runs against the real PostgreSQL the test session starts (tests/conftest.py), in one database whose
search table each test empties first. Elasticsearch runs only against a real server named by
FINARCHIVE_TEST_ES_URL (e.g. http://127.0.0.1:9200); each test gets an index of its own, deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import SearchBackend, make_backend
from search.elastic import ElasticsearchBackend
from tests.conftest import pg_database
from tests.search.search_factories import corpus

ES_URL_VARIABLE = "FINARCHIVE_TEST_ES_URL"


@pytest.fixture(scope="session")
def pg_search_url(pg_server_url: str) -> Iterator[str]:
    """A PostgreSQL database for the search backend tests, dropped at the end of the session."""
    with pg_database(pg_server_url, f"finarchive_search_{os.getpid()}") as url:
        yield url


@pytest.fixture(
    params=["sqlite", "tantivy", pytest.param("postgresql", marks=pytest.mark.postgres), "elasticsearch"]
)
def empty_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if request.param == "sqlite":
        backend = make_backend("sqlite", path=tmp_path / "search.db")
    elif request.param == "tantivy":
        backend = make_backend("tantivy", path=tmp_path / "search-index")
    elif request.param == "postgresql":
        backend = make_backend("postgresql", url=request.getfixturevalue("pg_search_url"))
        backend.clear()
    else:
        url = os.environ.get(ES_URL_VARIABLE)
        if not url:
            pytest.skip("set FINARCHIVE_TEST_ES_URL to test against a real Elasticsearch")
        backend = make_backend("elasticsearch", url=url, index=f"finarchive-test-{uuid.uuid4().hex[:12]}")
    try:
        yield backend
    finally:
        if isinstance(backend, ElasticsearchBackend):
            backend.drop()
        backend.close()


@pytest.fixture
def backend(empty_backend: SearchBackend) -> SearchBackend:
    empty_backend.index(corpus())
    return empty_backend
