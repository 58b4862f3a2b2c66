"""Correct, verify, reject: audit events, training data kept, key columns following the fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from archive import audit
from archive.models import Document, DocumentStatus, Field, FieldSource, Outlet
from archive.verification import (
    correct_field,
    next_in_queue,
    reject_document,
    review_queue,
    training_corrections,
    verify_document,
)
from finarchive.errors import ConflictError, InvalidInputError


def _doc(s, n: int, *, status: str = DocumentStatus.NEEDS_REVIEW, outlet: Outlet | None = None,  # type: ignore[no-untyped-def]
         doc_type: str = "waybill", created: dt.datetime | None = None) -> Document:
    d = Document(sha256=f"{n:064x}", filename=f"{n}.png", status=status, doc_type=doc_type, outlet=outlet,
                 created_at=created or dt.datetime(2026, 3, 1) + dt.timedelta(hours=n), total=Decimal("100.00"))
    d.fields.append(Field(name="total", value="100.00", confidence=0.4, page=1, box=[1, 2, 3, 4],
                          extracted_value="100.00"))
    s.add(d)
    s.flush()
    return d


def test_correct_keeps_extracted_value_and_audits(archive) -> None:  # type: ignore[no-untyped-def]
    with archive.transaction() as s:
        doc_id = _doc(s, 1).id
    with archive.transaction() as s:
        d = s.get(Document, doc_id)
        f = correct_field(s, d, "total", "1 234,5", actor="anna")
        assert f is not None and f.value == "1234.50" and f.source == FieldSource.CORRECTED
        correct_field(s, d, "total", "1234.50", actor="anna")  # same value: nothing recorded
        correct_field(s, d, "total", "99", actor="boris")
        correct_field(s, d, "date", "14.03.2026", actor="anna")
        correct_field(s, d, "doc_type", "upd", actor="anna")
        with pytest.raises(InvalidInputError):
            correct_field(s, d, "seller_inn", "12345", actor="anna")
        with pytest.raises(InvalidInputError):
            correct_field(s, d, "doc_type", "novel", actor="anna")
        with pytest.raises(InvalidInputError):
            correct_field(s, d, "date", "yesterday", actor="anna")
    with archive.transaction() as s:
        d = s.get(Document, doc_id)
        assert d.total == Decimal("99.00") and d.doc_date == dt.date(2026, 3, 14) and d.doc_type == "upd"
        total = next(f for f in d.fields if f.name == "total")
        assert total.extracted_value == "100.00" and total.value == "99.00" and total.updated_by == "boris"
        events = [(e.actor, e.field, e.old_value, e.new_value) for e in audit.history(s, doc_id)]
        assert events == [("anna", "total", "100.00", "1234.50"), ("boris", "total", "1234.50", "99.00"),
                          ("anna", "date", None, "2026-03-14"), ("anna", "doc_type", "waybill", "upd")]
        assert (doc_id, "total", "100.00", "99.00") in training_corrections(s)
        assert (doc_id, "date", None, "2026-03-14") in training_corrections(s)


def test_verify_and_reject_transitions(archive) -> None:  # type: ignore[no-untyped-def]
    with archive.transaction() as s:
        doc_id = _doc(s, 1).id
    with archive.transaction() as s:
        d = s.get(Document, doc_id)
        with pytest.raises(InvalidInputError):
            reject_document(s, d, "  ", actor="anna")
        reject_document(s, d, "page 2 is cut off, rescan", actor="anna")
        assert d.status == DocumentStatus.REJECTED and d.rejection_reason == "page 2 is cut off, rescan"
        verify_document(s, d, actor="anna")
        assert d.status == DocumentStatus.VERIFIED and d.verified_by == "anna" and d.rejection_reason is None
        with pytest.raises(ConflictError):
            verify_document(s, d, actor="anna")
    with archive.transaction() as s:
        actions = [(e.action, e.old_value, e.new_value) for e in audit.history(s, doc_id)]
        assert actions == [("document.rejected", "needs_review", "rejected"),
                           ("document.verified", "rejected", "verified")]


def test_queue_oldest_first_filtered(sqlite_archive) -> None:  # type: ignore[no-untyped-def]
    with sqlite_archive.transaction() as s:
        msk, spb = Outlet(code="MSK-01"), Outlet(code="SPB-02")
        s.add_all([msk, spb])
        late = _doc(s, 5, outlet=msk)
        early = _doc(s, 2, outlet=spb, doc_type="upd")
        _doc(s, 1, outlet=msk, status=DocumentStatus.VERIFIED)
        assert [d.id for d in review_queue(s)] == [early.id, late.id]
        assert [d.id for d in review_queue(s, outlet="MSK-01")] == [late.id]
        assert [d.id for d in review_queue(s, doc_type="upd")] == [early.id]
        assert [d.id for d in review_queue(s, outlets=("SPB-02",))] == [early.id]
        assert next_in_queue(s, early) == late
        assert next_in_queue(s, late) == early
        verify_document(s, early, actor="a")
        s.flush()
        assert next_in_queue(s, late) is None
        assert s.scalar(select(Document.status).where(Document.id == early.id)) == "verified"
