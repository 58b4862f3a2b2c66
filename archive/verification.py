"""The verification desk's actions: correct a field, verify a document, reject it for a rescan.

Each action is an audit event with who, when, the old and the new value. A corrected field keeps
what the extractor said in ``Field.extracted_value`` and is marked ``source="corrected"``: those rows
are the training data for the extractors and the classifier.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive import audit
from archive.models import Document, DocumentStatus, Field, FieldSource, Outlet, utcnow
from archive.pipeline import refresh_key_fields
from finarchive.errors import ConflictError, InvalidInputError

DOC_TYPES = ("z_report", "sales_report", "waybill", "upd", "vat_invoice", "invoice", "act", "contract",
             "receipt", "other")


def _date(value: str) -> str:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise InvalidInputError(f"{value!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def _money(value: str) -> str:
    cleaned = re.sub(r"[\s\u00a0]", "", value).replace(",", ".")
    try:
        return f"{Decimal(cleaned).quantize(Decimal('0.01'))}"
    except InvalidOperation:
        raise InvalidInputError(f"{value!r} is not an amount") from None


def _digits(*lengths: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        digits = re.sub(r"\s", "", value)
        if not digits.isdigit() or len(digits) not in lengths:
            raise InvalidInputError(f"{value!r} must be {' or '.join(map(str, lengths))} digits")
        return digits

    return check


def _currency(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidInputError(f"{value!r} is not an ISO 4217 currency code")
    return code


def _text(value: str) -> str:
    return value.strip()


# How a corrected value is normalised, by field name (DESIGN.md: "Field values are normalised").
NORMALISERS: dict[str, Callable[[str], str]] = {
    "date": _date,
    "total": _money,
    "vat": _money,
    "cash_total": _money,
    "card_total": _money,
    "seller_inn": _digits(10, 12),
    "buyer_inn": _digits(10, 12),
    "seller_kpp": _digits(9),
    "currency": _currency,
}

VERIFIABLE = {DocumentStatus.PROCESSED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.REJECTED}
REJECTABLE = {DocumentStatus.RECEIVED, DocumentStatus.PROCESSED, DocumentStatus.NEEDS_REVIEW,
              DocumentStatus.VERIFIED}


def normalise_value(name: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInputError(f"{name}: an empty value (delete the field instead)")
    return NORMALISERS.get(name, _text)(value)


def correct_field(session: Session, document: Document, name: str, value: str, *, actor: str) -> Field | None:
    """Set a field to the accountant's value. ``name="doc_type"`` corrects the document's type.

    Returns the field (None for doc_type). Correcting to the same value changes nothing and records nothing.
    """
    if name == "doc_type":
        new_type = value.strip()
        if new_type not in DOC_TYPES:
            raise InvalidInputError(f"{new_type!r} is not a document type ({', '.join(DOC_TYPES)})")
        if new_type != document.doc_type:
            audit.record(session, actor=actor, action="field.corrected", object_type="document",
                         object_id=document.id, document_id=document.id, field="doc_type",
                         old=document.doc_type, new=new_type)
            document.doc_type = new_type
            document.doc_type_source = FieldSource.CORRECTED
        return None
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name):
        raise InvalidInputError(f"{name!r} is not a field name")
    normalised = normalise_value(name, value)
    field = next((f for f in document.fields if f.name == name), None)
    if field is not None and field.value == normalised:
        return field
    old = field.value if field is not None else None
    if field is None:
        field = Field(name=name, value=normalised, confidence=1.0, source=FieldSource.CORRECTED,
                      extracted_value=None, updated_by=actor)
        document.fields.append(field)
    else:
        if field.source != FieldSource.CORRECTED and field.extracted_value is None:
            field.extracted_value = field.value
        field.value = normalised
        field.source = FieldSource.CORRECTED
        field.confidence = 1.0
        field.updated_by = actor
        field.updated_at = utcnow()
    refresh_key_fields(document, document.field_values())
    session.flush()
    audit.record(session, actor=actor, action="field.corrected", object_type="field", object_id=field.id,
                 document_id=document.id, field=name, old=old, new=normalised)
    return field


def verify_document(session: Session, document: Document, *, actor: str) -> Document:
    """Accept the document: its fields are right."""
    if document.status not in VERIFIABLE:
        raise ConflictError(f"document {document.id} is {document.status} and cannot be verified")
    old = document.status
    document.status = DocumentStatus.VERIFIED
    document.verified_at = utcnow()
    document.verified_by = actor
    document.rejection_reason = None
    audit.record(session, actor=actor, action="document.verified", object_type="document", object_id=document.id,
                 document_id=document.id, field="status", old=old, new=DocumentStatus.VERIFIED)
    return document


def reject_document(session: Session, document: Document, reason: str, *, actor: str) -> Document:
    """Reject the document; the outlet sees ``reason`` as a request to rescan it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError("a rejection needs a reason (the outlet sees it)")
    if document.status not in REJECTABLE:
        raise ConflictError(f"document {document.id} is {document.status} and cannot be rejected")
    old = document.status
    document.status = DocumentStatus.REJECTED
    document.rejection_reason = reason
    document.verified_at = None
    document.verified_by = None
    audit.record(session, actor=actor, action="document.rejected", object_type="document", object_id=document.id,
                 document_id=document.id, field="status", old=old, new=DocumentStatus.REJECTED, reason=reason)
    return document


def review_queue(session: Session, *, outlet: str | None = None, doc_type: str | None = None,
                 outlets: tuple[str, ...] | None = None, limit: int = 100) -> list[Document]:
    """Documents that need review, oldest first, filterable by outlet and type."""
    stmt = (
        select(Document)
        .where(Document.status == DocumentStatus.NEEDS_REVIEW)
        .options(selectinload(Document.outlet))
        .order_by(Document.created_at, Document.id)
        .limit(limit)
    )
    if outlet or outlets is not None:
        stmt = stmt.join(Outlet, Document.outlet_id == Outlet.id)
        if outlet:
            stmt = stmt.where(Outlet.code == outlet)
        if outlets is not None:
            stmt = stmt.where(Outlet.code.in_(outlets))
    if doc_type:
        stmt = stmt.where(Document.doc_type == doc_type)
    return list(session.scalars(stmt))


def next_in_queue(session: Session, after: Document, *, outlet: str | None = None,
                  doc_type: str | None = None) -> Document | None:
    """The next document to review after ``after`` (oldest first), or None when the queue is done."""
    for candidate in review_queue(session, outlet=outlet, doc_type=doc_type, limit=2):
        if candidate.id != after.id:
            return candidate
    return None


def training_corrections(session: Session) -> list[tuple[int, str, str | None, str]]:
    """Every corrected field as ``(document_id, name, extracted, corrected)``: the training data."""
    rows = session.execute(
        select(Field.document_id, Field.name, Field.extracted_value, Field.value)
        .where(Field.source == FieldSource.CORRECTED).order_by(Field.document_id, Field.name)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]
