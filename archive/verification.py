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

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

import classify
from archive import audit
from archive.models import Document, DocumentStatus, Field, FieldSource, Outlet, utcnow
from archive.paging import KeysetPage, SortKey, keyset_page
from archive.pipeline import refresh_key_fields
from archive.routes import document_event
from finarchive.errors import ConflictError, InvalidInputError

DOC_TYPES = ("z_report", "sales_report", "waybill", "upd", "vat_invoice", "invoice", "act", "contract",
             "receipt", "other")


class Refusal(InvalidInputError):
    """A value that reads but fails a check an accountant may override (``force``): the desk's and the
    CLI's ``--force``. A value that does not read at all (no date, no amount) is refused outright."""


def _date(value: str) -> tuple[str, str | None]:
    iso = None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            iso = dt.datetime.strptime(value, fmt).date().isoformat()
            break
        except ValueError:
            continue
    if iso is None:
        iso = classify.normalise_date(value)
    if iso is None:
        raise InvalidInputError(f"«{value}» — не дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ) / not a date "
                                "(YYYY-MM-DD or DD.MM.YYYY)")
    found = [p for p in classify.validate("other", {"date": iso}) if p.severity == "error"]
    return iso, (f"дата {iso} невозможна (позже сегодняшней или старше 30 лет) / {found[0].message}"
                 if found else None)


def _money(value: str) -> tuple[str, str | None]:
    cleaned = re.sub(r"[\s\u00a0]", "", value).replace(",", ".")
    try:
        amount = Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInputError(f"«{value}» — не сумма / not an amount") from None
    return f"{amount}", (f"сумма {amount} отрицательна / a negative amount" if amount < 0 else None)


def _inn(value: str) -> tuple[str, str | None]:
    digits = re.sub(r"\s", "", value)
    if not digits.isdigit() or len(digits) not in (10, 12):
        return digits, f"ИНН «{value}» должен состоять из 10 или 12 цифр / an INN is 10 or 12 digits"
    if not classify.valid_inn(digits):
        return digits, f"ИНН {digits}: не сходятся контрольные цифры / the INN's check digits do not match"
    return digits, None


def _kpp(value: str) -> tuple[str, str | None]:
    kpp = re.sub(r"\s", "", value).upper()
    if not classify.valid_kpp(kpp):
        return kpp, (f"КПП «{value}» не по формату (9 знаков: 4 цифры, 2 цифры или латинские буквы, 3 цифры) / "
                     "a KPP is 4 digits, 2 digits or capital Latin letters, 3 digits")
    return kpp, None


def _digits(*lengths: int) -> Callable[[str], tuple[str, str | None]]:
    def check(value: str) -> tuple[str, str | None]:
        digits = re.sub(r"\s", "", value)
        if not digits.isdigit() or len(digits) not in lengths:
            return digits, (f"«{value}» должно быть {' или '.join(map(str, lengths))} цифр / must be "
                            f"{' or '.join(map(str, lengths))} digits")
        return digits, None

    return check


def _currency(value: str) -> tuple[str, str | None]:
    code = classify.normalise_currency(value) or value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        return code, f"«{value}» — не код валюты ISO 4217 / not an ISO 4217 currency code"
    return code, None


def _number(value: str) -> tuple[str, str | None]:
    return classify.normalise_number(value.strip()), None


def _text(value: str) -> tuple[str, str | None]:
    return value.strip(), None


# How a corrected value is normalised and checked, by field name, as extraction does (DESIGN.md: "Field
# values are normalised"): each gives the normalised value and what is wrong with it (None: nothing).
NORMALISERS: dict[str, Callable[[str], tuple[str, str | None]]] = {
    "date": _date,
    "total": _money,
    "vat": _money,
    "cash_total": _money,
    "card_total": _money,
    "seller_inn": _inn,
    "buyer_inn": _inn,
    "seller_kpp": _kpp,
    "buyer_kpp": _kpp,
    "fn_no": _digits(16),
    "currency": _currency,
    "number": _number,
    "order_no": _number,
}

VERIFIABLE = {DocumentStatus.PROCESSED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.REJECTED}
REJECTABLE = {DocumentStatus.RECEIVED, DocumentStatus.PROCESSED, DocumentStatus.NEEDS_REVIEW,
              DocumentStatus.VERIFIED}


def normalise_value(name: str, value: str, *, force: bool = False) -> str:
    """The value normalised as extraction gives it; a failed check raises :class:`Refusal` unless ``force``."""
    return check_value(name, value, force=force)[0]


def check_value(name: str, value: str, *, force: bool = False) -> tuple[str, str | None]:
    """``(normalised, what failed)``; what failed is None, or the check ``force`` let through."""
    value = (value or "").strip()
    if not value:
        raise InvalidInputError(f"{name}: пустое значение (удалите поле) / an empty value (delete the field instead)")
    normalised, failed = NORMALISERS.get(name, _text)(value)
    if failed and not force:
        raise Refusal(f"{name}: {failed} (--force сохранит значение как есть / --force keeps it as it is)")
    return normalised, failed


def correct_field(session: Session, document: Document, name: str, value: str, *, actor: str,
                  force: bool = False) -> Field | None:
    """Set a field to the accountant's value. ``name="doc_type"`` corrects the document's type.

    The value is normalised and checked as extraction checks it (INN check digits, KPP format, dates,
    amounts); a value failing a check is refused unless ``force``, and a forced value is audited as such.
    Returns the field (None for doc_type). Correcting to the same value changes nothing and records nothing.
    """
    if name == "doc_type":
        new_type = value.strip()
        if new_type not in DOC_TYPES:
            raise InvalidInputError(f"«{new_type}» — нет такого типа документа / not a document type "
                                    f"({', '.join(DOC_TYPES)})")
        if new_type != document.doc_type:
            audit.record(session, actor=actor, action="field.corrected", object_type="document",
                         object_id=document.id, document_id=document.id, field="doc_type",
                         old=document.doc_type, new=new_type)
            document.doc_type = new_type
            document.doc_type_source = FieldSource.CORRECTED
            document.problems = current_problems(document)
        return None
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name):
        raise InvalidInputError(f"«{name}» — не имя поля / not a field name")
    normalised, failed = check_value(name, value, force=force)
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
        field.note = None
        field.updated_by = actor
        field.updated_at = utcnow()
    refresh_key_fields(document, document.field_values())
    document.problems = current_problems(document)
    session.flush()
    _recheck_register(session, document, actor)
    forced = {"forced": True, "check_failed": failed} if failed else {}
    audit.record(session, actor=actor, action="field.corrected", object_type="field", object_id=field.id,
                 document_id=document.id, field=name, old=old, new=normalised, **forced)
    if document.status == DocumentStatus.VERIFIED:  # a verified document corrected: its lesson follows
        from archive.learning import learn_document

        learn_document(session, document)
    return field


# Problems found when the document was read that the fields' values settle once they are given.
READING_PROBLEMS = frozenset({"low_confidence", "low_confidence_type", "missing_field", "learned_layout_changed"})


def _validation(document: Document) -> list[dict[str, object]]:
    return [{"code": p.code, "message": p.message, "fields": list(p.fields), "severity": p.severity}
            for p in classify.validate(document.doc_type or "other", document.field_values())]


def current_problems(document: Document) -> list[dict[str, object]]:
    """The document's problems now: validation of its fields as they are, and what was found when it was
    read that still stands (an unreadable page; a field left out and not given since)."""
    present = set(document.field_values())
    fresh = _validation(document)
    recomputed = {str(p["code"]) for p in fresh} | _VALIDATION_CODES
    kept = []
    for p in document.problems or []:
        named = set(p.get("fields") or ())
        settled = bool(named) and named <= present
        if (p.get("code") in recomputed or p.get("code") in READING_PROBLEMS) and settled:
            continue
        kept.append(p)
    return kept + fresh


_VALIDATION_CODES = frozenset({"inn_checksum", "kpp_format", "ogrn_checksum", "money_format", "vat_arithmetic",
                               "z_report_sum", "date_format", "date_in_future", "date_too_old"})


def _recheck_register(session: Session, document: Document, actor: str) -> None:
    """A Z-report corrected or verified: its cash register's shifts are checked again (archive/zreports.py), so
    a doubtful shift number put right loses its problem, and the others of the register follow."""
    if document.doc_type == "z_report":
        from archive.zreports import flag_doubtful

        flag_doubtful(session, document, actor=actor)


def validation_errors(document: Document) -> list[str]:
    """What stands in the way of verifying the document as it is: validation errors in its fields."""
    return [str(p["message"]) for p in _validation(document) if p["severity"] == "error"]


def verify_document(session: Session, document: Document, *, actor: str, force: bool = False) -> Document:
    """Accept the document as it stands: its fields are right, fields it does not print stay absent.

    Refused while validation finds an error in its fields (a wrong check digit, VAT that does not add up)
    unless ``force``, which is audited. A verified document teaches the supplier memory at once.
    """
    if document.status not in VERIFIABLE:
        raise ConflictError(f"документ {document.id} в статусе {document.status}, его нельзя подтвердить / "
                            f"document {document.id} is {document.status} and cannot be verified")
    errors = validation_errors(document)
    if errors and not force:
        raise Refusal(f"документ {document.id} не подтверждён, остались ошибки / not verified, errors remain: "
                      + "; ".join(errors) + " (--force подтвердит как есть / --force verifies it as it is)")
    old = document.status
    document.status = DocumentStatus.VERIFIED
    document.verified_at = utcnow()
    document.verified_by = actor
    document.rejection_reason = None
    document.problems = current_problems(document)
    _recheck_register(session, document, actor)
    forced = {"forced": True, "errors": "; ".join(errors)} if errors else {}
    audit.record(session, actor=actor, action="document.verified", object_type="document", object_id=document.id,
                 document_id=document.id, field="status", old=old, new=DocumentStatus.VERIFIED, **forced)
    from archive.learning import learn_document

    learn_document(session, document)
    document_event(session, document, "verified", actor=actor)  # routes; closes the document's review tasks
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
    if old == DocumentStatus.VERIFIED:
        from archive.learning import forget_document

        forget_document(session, document)
    document.verified_at = None
    document.verified_by = None
    audit.record(session, actor=actor, action="document.rejected", object_type="document", object_id=document.id,
                 document_id=document.id, field="status", old=old, new=DocumentStatus.REJECTED, reason=reason)
    document_event(session, document, "rejected", actor=actor)  # routes; closes the document's review tasks
    return document


QUEUE_ORDER = [SortKey(Document.created_at), SortKey(Document.id)]  # oldest first (index ix_document_queue*)


def _queue(stmt: Select[Any], outlet: str | None, doc_type: str | None,
           outlets: tuple[str, ...] | None) -> Select[Any]:
    """The queue's filters; an outlet by its id (one index range in arrival order), not by a join."""
    stmt = stmt.where(Document.status == DocumentStatus.NEEDS_REVIEW)
    if outlet:
        stmt = stmt.where(Document.outlet_id == select(Outlet.id).where(Outlet.code == outlet).scalar_subquery())
    if outlets is not None:
        stmt = stmt.where(Document.outlet_id.in_(select(Outlet.id).where(Outlet.code.in_(outlets))))
    if doc_type:
        stmt = stmt.where(Document.doc_type == doc_type)
    return stmt


def review_queue_page(session: Session, *, outlet: str | None = None, doc_type: str | None = None,
                      outlets: tuple[str, ...] | None = None, cursor: str | None = None,
                      limit: int = 50) -> KeysetPage[Document]:
    """One page of the documents that need review, oldest first, filterable by outlet and type; ``cursor``
    is a previous page's ``next`` or ``previous`` (archive/paging.py)."""
    stmt = _queue(select(Document).options(selectinload(Document.outlet)), outlet, doc_type, outlets)
    return keyset_page(session, stmt, QUEUE_ORDER, cursor=cursor, limit=limit)


def review_queue(session: Session, *, outlet: str | None = None, doc_type: str | None = None,
                 outlets: tuple[str, ...] | None = None, limit: int = 100) -> list[Document]:
    """The first ``limit`` documents that need review, oldest first, filterable by outlet and type."""
    return review_queue_page(session, outlet=outlet, doc_type=doc_type, outlets=outlets, limit=limit).items


def review_queue_size(session: Session, *, outlet: str | None = None, doc_type: str | None = None,
                      outlets: tuple[str, ...] | None = None) -> int:
    """How many documents the (filtered) queue holds: counted in its index, none loaded."""
    return session.scalar(_queue(select(func.count(Document.id)), outlet, doc_type, outlets)) or 0


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
