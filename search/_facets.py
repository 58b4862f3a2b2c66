"""Facet counts from rows of (facet values…, count), as the SQL backends' GROUP BY gives them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from search.base import FACETS


def count_facets(groups: Iterable[Any]) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and each facet's counts (largest first, then by value) from (values of FACETS…, count) rows."""
    counters: list[Counter[str]] = [Counter() for _ in FACETS]
    total = 0
    for *values, n in groups:
        total += n
        for counter, value in zip(counters, values, strict=True):
            if value is not None:
                counter[value] += n
    facets = {
        name: dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
        for name, counter in zip(FACETS, counters, strict=True)
    }
    return total, facets
