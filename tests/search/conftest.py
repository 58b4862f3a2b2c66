"""Fixtures of the search tests: every backend behind the same fixture, and a small corpus.

The SQLite FTS5 backend always runs (a real file in tmp_path). Elasticsearch runs only against a
real server named by FINARCHIVE_TEST_ES_URL (e.g. http://127.0.0.1:9200); each test gets an index of
its own, deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import SearchBackend, make_backend
from search.elastic import ElasticsearchBackend
from tests.search.search_factories import corpus

ES_URL_VARIABLE = "FINARCHIVE_TEST_ES_URL"


@pytest.fixture(params=["sqlite", "elasticsearch"])
def empty_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if request.param == "sqlite":
        backend = make_backend("sqlite", path=tmp_path / "search.db")
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
