"""Searching the archive: the user's query string and options become one SearchQuery."""

from __future__ import annotations

import dataclasses
from typing import Any

from search import parse_query
from search.types import SearchQuery, SearchResult


def run_search(arc, text: str = "", **options: Any) -> SearchResult:
    """Search ``arc``'s index: filters given as options are merged with those written in ``text``."""
    base = SearchQuery(**{k: v for k, v in options.items() if v is not None})
    query = parse_query(text, base)
    return arc.search.search(dataclasses.replace(query))
