"""The supplier memory kept in the database: one lesson per verified document (table supplier_lesson).

``learn_document`` runs in the transaction that verifies a document (the desk, the API, the CLI), so the
next document of that supplier is read from it at once; ``MemoryCache`` gives the pipeline the memory,
read again only when a lesson was added or removed; ``rebuild`` (``finarchive train``) writes every
verified document's lesson anew, which is also how lessons of an older format are replaced.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from archive.models import Document, DocumentStatus, SupplierLesson
from archive.pipeline import page_text_of
from classify.learned import LESSON_FORMAT, Lesson, SupplierMemory, lesson_from

log = logging.getLogger(__name__)


def load_memory(session: Session) -> SupplierMemory:
    """Every current-format lesson, oldest first; lessons of another format are skipped (and logged)."""
    lessons = []
    stale = 0
    for row in session.scalars(select(SupplierLesson).order_by(SupplierLesson.id)):
        try:
            lessons.append(Lesson.from_json(row.lesson))
        except (ValueError, KeyError, TypeError):
            stale += 1
    if stale:
        log.warning("%d supplier lesson(s) of another format than %d are not used; `finarchive train` rebuilds "
                    "them", stale, LESSON_FORMAT)
    return SupplierMemory(lessons)


def stale_lessons(session: Session) -> int:
    return session.scalar(select(func.count(SupplierLesson.id)).where(SupplierLesson.format != LESSON_FORMAT)) or 0


def learn_document(session: Session, document: Document, memory: SupplierMemory | None = None) -> Lesson | None:
    """Write (or replace) what the verified ``document`` teaches; None when it has no readable page."""
    forget_document(session, document)
    if any(p.text_source == "electronic" for p in document.pages):
        # an electronic document's page is laid out by finarchive, not printed by the supplier: it teaches
        # nothing about where the supplier's scans print their fields (and would make them a "changed layout")
        return None
    pages = [page_text_of(p) for p in document.pages if p.words]
    if not pages or not document.doc_type:
        return None
    values = document.field_values()
    memory = memory if memory is not None else load_memory(session)
    from classify._layout import document_rows
    from classify.learned._values import printed_words

    key = None
    if not values.get("seller_inn"):
        key = memory.key_for_layout(printed_words(document_rows(pages)))
    lesson = lesson_from(pages, document.doc_type, values, document_id=document.id, supplier_key=key)
    session.add(SupplierLesson(document_id=document.id, supplier_key=lesson.supplier_key,
                               supplier_name=lesson.supplier_name, format=LESSON_FORMAT, lesson=lesson.as_json()))
    session.flush()
    return lesson


def forget_document(session: Session, document: Document) -> None:
    """A document no longer verified (rejected) teaches nothing."""
    session.execute(delete(SupplierLesson).where(SupplierLesson.document_id == document.id))


def rebuild(session: Session) -> dict[str, Any]:
    """Every lesson written anew from every verified document, oldest first."""
    session.execute(delete(SupplierLesson))
    memory = SupplierMemory()
    ids = list(session.scalars(select(Document.id).where(Document.status == DocumentStatus.VERIFIED)
                               .order_by(Document.verified_at, Document.id)))
    learned = 0
    for doc_id in ids:
        document = session.scalars(select(Document).options(selectinload(Document.pages),
                                                            selectinload(Document.fields))
                                   .where(Document.id == doc_id)).one()
        lesson = learn_document(session, document, memory)
        if lesson is not None:
            memory.add(lesson)
            learned += 1
    return {"documents": learned, "suppliers": len(memory.suppliers),
            "layouts": sum(len(v) for v in memory.suppliers.values())}


class MemoryCache:
    """The memory for a long-running reader (the pipeline): read again when the lessons changed."""

    def __init__(self) -> None:
        self._state: tuple[int, int] | None = None
        self._memory = SupplierMemory()

    def get(self, session: Session) -> SupplierMemory:
        count, last = session.execute(select(func.count(SupplierLesson.id), func.max(SupplierLesson.id))).one()
        state = (int(count or 0), int(last or 0))
        if state != self._state:
            self._memory = load_memory(session)
            self._state = state
        return self._memory
