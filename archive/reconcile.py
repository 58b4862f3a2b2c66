"""Paper and electronic copies of one document, reconciled.

A supplier sends a УПД through ЭДО and the outlet scans the printed one that came with the goods: two
documents in the archive, one document in fact. At commit (:func:`link_copies`, a commit hook) a document
that has a seller INN, a number and a date is matched against the committed documents of the other kind
(scan ↔ ЭДО XML) with the same three; each match is a :class:`DocumentCopy`. The fields both give but
differently (total, VAT, buyer, KPPs, type) are listed on the link, and as a ``copy_differs`` problem
(an error: to review) on the scan, naming both values: the ЭДО document states them exactly, so the scan
is the one to check. Numbers are compared as printed, ignoring case, spaces and leading zeros
(``УТ-001045`` is ``УТ-1045``).

An ЭДО document is the original itself (signed electronically): it needs no paper original, and the
originals view of the scan names the electronic copy (:func:`electronic_copy_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive import audit
from archive.models import Document, DocumentCopy, DocumentStatus, Page

if TYPE_CHECKING:
    from archive.pipeline import Pipeline

ELECTRONIC_MEDIA_TYPES = frozenset({"application/xml"})  # an ЭДО XML (capture.formats.edo)
COMPARED = ("doc_type", "total", "vat", "buyer_inn", "buyer_kpp", "seller_kpp")
PROBLEM = "copy_differs"


def is_electronic(document: Document) -> bool:
    """An ЭДО document: its fields are the XML's own."""
    return document.media_type in ELECTRONIC_MEDIA_TYPES


def is_paper(session: Session, document: Document) -> bool:
    """A scan or a PDF of a printed document: pages read by OCR or from a PDF's text."""
    sources = set(session.scalars(select(Page.text_source).where(Page.document_id == document.id)))
    return bool(sources) and sources <= {"ocr", "pdf_text"}


def number_key(number: str | None) -> str:
    """A document number as compared: upper case, no spaces, no leading zeros in its runs of digits."""
    text = re.sub(r"\s+", "", (number or "").upper())
    return re.sub(r"\d+", lambda m: m.group(0).lstrip("0") or "0", text)


def _values(document: Document) -> dict[str, str]:
    values = document.field_values()
    if document.doc_type:
        values["doc_type"] = document.doc_type
    return values


def differences(paper: Document, electronic: Document) -> list[dict[str, str]]:
    """The compared fields both documents give, with different values."""
    a, b = _values(paper), _values(electronic)
    return [{"field": name, "paper": a[name], "electronic": b[name]}
            for name in COMPARED if name in a and name in b and a[name] != b[name]]


def _problem(electronic_id: int, found: Iterable[dict[str, str]]) -> dict[str, Any]:
    listed = "; ".join(f"{d['field']}: {d['paper']} ≠ {d['electronic']}" for d in found)
    return {"code": PROBLEM, "severity": "error", "fields": [d["field"] for d in found if d["field"] != "doc_type"],
            "message": f"скан и электронный документ {electronic_id} расходятся / the scan and its electronic "
                       f"copy (document {electronic_id}) differ: {listed} (scan ≠ ЭДО)",
            "electronic_id": electronic_id}


def counterparts(session: Session, document: Document) -> list[Document]:
    """The committed documents of the other kind with the same seller INN, number and date."""
    if not (document.seller_inn and document.number and document.doc_date):
        return []
    electronic = is_electronic(document)
    if not electronic and not is_paper(session, document):
        return []
    rows = session.scalars(select(Document).where(
        Document.seller_inn == document.seller_inn, Document.doc_date == document.doc_date,
        Document.id != document.id, Document.status != DocumentStatus.RECEIVED))
    key = number_key(document.number)
    found = []
    for other in rows:
        if number_key(other.number) != key:
            continue
        if (is_paper(session, other) if electronic else is_electronic(other)):
            found.append(other)
    return found


def link(session: Session, paper: Document, electronic: Document, *, actor: str) -> DocumentCopy:
    """Link the two copies (once), list their differences, and put them to the scan as a review problem."""
    found = differences(paper, electronic)
    copy = session.scalar(select(DocumentCopy).where(DocumentCopy.paper_id == paper.id,
                                                     DocumentCopy.electronic_id == electronic.id))
    if copy is None:
        copy = DocumentCopy(paper_id=paper.id, electronic_id=electronic.id)
        session.add(copy)
    copy.differences = found
    problems = [p for p in (paper.problems or [])
                if not (p.get("code") == PROBLEM and p.get("electronic_id") == electronic.id)]
    if found:
        problems.append(_problem(electronic.id, found))
        if paper.status == DocumentStatus.PROCESSED:
            paper.status = DocumentStatus.NEEDS_REVIEW
    paper.problems = problems
    session.flush()
    audit.record(session, actor=actor, action="document.copy_linked", object_type="document", object_id=paper.id,
                 document_id=paper.id, electronic_id=electronic.id, differences=len(found))
    return copy


def link_copies(session: Session, document: Document, pipeline: Pipeline) -> None:
    """The commit hook: link a newly committed scan or ЭДО document to its other copies."""
    for other in counterparts(session, document):
        paper, electronic = (other, document) if is_electronic(document) else (document, other)
        link(session, paper, electronic, actor=pipeline.actor)


def copies_of(session: Session, document_id: int) -> list[dict[str, Any]]:
    """The document's other copies: ``{document_id, kind, differences}`` (kind of the other copy)."""
    rows = session.scalars(select(DocumentCopy).where(
        or_(DocumentCopy.paper_id == document_id, DocumentCopy.electronic_id == document_id)).order_by(DocumentCopy.id))
    out = []
    for row in rows:
        other, kind = ((row.electronic_id, "electronic") if row.paper_id == document_id else (row.paper_id, "paper"))
        out.append({"document_id": other, "kind": kind, "differences": list(row.differences or [])})
    return out


def electronic_copy_of(session: Session, document_id: int) -> int | None:
    """The id of the scan's electronic copy, if the archive has one."""
    return session.scalar(select(DocumentCopy.electronic_id).where(DocumentCopy.paper_id == document_id)
                          .order_by(DocumentCopy.id).limit(1))


def electronic_copies_of(session: Session, document_ids: Iterable[int]) -> dict[int, int]:
    """:func:`electronic_copy_of` for many scans in one query: scan id → its electronic copy's id (those that
    have one)."""
    ids = sorted(set(document_ids))
    copies: dict[int, int] = {}
    if ids:
        for paper, electronic in session.execute(select(DocumentCopy.paper_id, DocumentCopy.electronic_id)
                                                 .where(DocumentCopy.paper_id.in_(ids)).order_by(DocumentCopy.id)):
            copies.setdefault(paper, electronic)
    return copies
