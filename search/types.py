"""Plain records the search backends index and return. search/ knows no database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchRecord:
    """One document as the search index sees it."""

    doc_id: int
    title: str  # e.g. original filename
    text: str  # full text of all pages
    doc_type: str | None = None
    outlet: str | None = None  # outlet code
    status: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD, the document's own date
    total: str | None = None  # decimal string, e.g. "235730.00"
    number: str | None = None
    order_no: str | None = None
    inns: tuple[str, ...] = ()  # every INN on the document (seller, buyer)
    original_state: str | None = None
    created_at: str | None = None  # ISO datetime of archiving
    fields: dict[str, str] = field(default_factory=dict)  # all extracted fields (searchable text)


@dataclass(frozen=True)
class SearchQuery:
    """Full text plus filters. Empty ``text`` means: filters only."""

    text: str = ""
    doc_type: str | None = None
    outlet: str | None = None
    outlets: tuple[str, ...] | None = None  # restrict to these outlets (rights), None = all
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    amount_min: str | None = None
    amount_max: str | None = None
    inn: str | None = None
    order_no: str | None = None
    original_state: str | None = None
    number: str | None = None  # document number as printed (look-alike letters and case ignored)
    limit: int = 20
    offset: int = 0
    facets: bool = False


@dataclass(frozen=True)
class SearchHit:
    doc_id: int
    score: float
    title: str
    snippet: str  # matched words wrapped in <mark>…</mark>, other text HTML-escaped
    doc_type: str | None = None
    outlet: str | None = None
    status: str | None = None
    date: str | None = None
    total: str | None = None


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet → value → count
