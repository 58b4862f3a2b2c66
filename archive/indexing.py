"""From committed rows to search records: the index can always be rebuilt from the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive.models import Document, DocumentStatus
from search.types import SearchRecord

BATCH = 200


def search_record(document: Document) -> SearchRecord:
    fields = document.field_values()
    inns = tuple(v for k, v in fields.items() if k.endswith("_inn") and v)
    return SearchRecord(
        doc_id=document.id,
        title=document.filename,
        text=document.text,
        doc_type=document.doc_type,
        outlet=document.outlet.code if document.outlet else None,
        status=document.status,
        date=document.doc_date.isoformat() if document.doc_date else None,
        total=f"{document.total:.2f}" if document.total is not None else None,
        number=document.number,
        order_no=document.order_no,
        inns=inns,
        original_state=document.original.state if document.original else None,
        created_at=document.created_at.isoformat(timespec="seconds") if document.created_at else None,
        fields=fields,
    )


def _load(session: Session, ids: list[int] | None = None, batch: int | None = None):
    stmt = (
        select(Document)
        .options(
            selectinload(Document.pages),
            selectinload(Document.fields),
            selectinload(Document.outlet),
            selectinload(Document.original),
        )
        .order_by(Document.id)
    )
    if ids is not None:
        stmt = stmt.where(Document.id.in_(ids))
    if batch:
        stmt = stmt.execution_options(yield_per=batch)  # a million documents are not loaded at once
    return session.scalars(stmt)


def records(session: Session, ids: list[int] | None = None, batch: int | None = None) -> Iterator[SearchRecord]:
    for document in _load(session, ids, batch):
        yield search_record(document)


def index_documents(archive, ids: list[int]) -> None:
    """(Re)index the given documents from the database."""
    with archive.sessions() as session:
        archive.search.index(list(records(session, ids)))


def index_documents_soon(archive, ids: list[int], committed: Callable[[], None]) -> None:
    """Index the given documents without a search commit of their own (an import's documents):
    searchable within a second, ``committed`` called once the index holds them durably."""
    with archive.sessions() as session:
        archive.search.index_soon(list(records(session, ids)), committed)


def index_missing(archive, also: Iterable[int] = ()) -> int:
    """Index the committed documents the search index does not hold (a process killed before its
    search commit, an index restored older than the database), and ``also`` these; returns how many."""
    with archive.sessions() as session:
        wanted = set(session.scalars(select(Document.id).where(Document.status != DocumentStatus.RECEIVED)))
    missing = sorted((wanted - archive.search.doc_ids()) | (wanted & set(also)))

    def stream() -> Iterator[SearchRecord]:
        with archive.sessions() as session:
            for start in range(0, len(missing), BATCH):
                yield from records(session, missing[start:start + BATCH])

    return archive.search.index(stream()) if missing else 0


def reindex(archive) -> int:
    """Drop the search index and rebuild it from every document in the database.

    The records stream to the backend in one call, read from the database in batches: the backend
    commits as suits it (FTS5 every few thousand records, Tantivy once at the end).
    """
    archive.search.clear()
    with archive.sessions() as session:
        count = archive.search.index(records(session, batch=BATCH))
    archive.search.optimize()
    return count
