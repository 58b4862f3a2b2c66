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


def _doc(s, n: int, *, status: str = DocumentStatus.NEEDS_REVIEW, outlet: Outlet | None = None,
         doc_type: str = "waybill", created: dt.datetime | None = None) -> Document:
    d = Document(sha256=f"{n:064x}", filename=f"{n}.png", status=status, doc_type=doc_type, outlet=outlet,
                 created_at=created or dt.datetime(2026, 3, 1) + dt.timedelta(hours=n), total=Decimal("100.00"))
    d.fields.append(Field(name="total", value="100.00", confidence=0.4, page=1, box=[1, 2, 3, 4],
                          extracted_value="100.00"))
    s.add(d)
    s.flush()
    return d


def test_correct_keeps_extracted_value_and_audits(archive) -> None:
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


def test_verify_and_reject_transitions(archive) -> None:
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


def test_queue_oldest_first_filtered(sqlite_archive) -> None:
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


# -- validation as extraction validates, the override, and what a verified document teaches ----------
def test_a_value_failing_its_check_is_refused_unless_forced_and_the_force_is_audited(archive) -> None:
    from archive.verification import Refusal

    with archive.transaction() as s:
        doc_id = _doc(s, 1).id
    with archive.transaction() as s:
        d = s.get(Document, doc_id)
        with pytest.raises(Refusal, match="ИНН 7707083894: не сходятся контрольные цифры"):
            correct_field(s, d, "seller_inn", "7707083894", actor="anna")
        with pytest.raises(Refusal, match="КПП"):
            correct_field(s, d, "seller_kpp", "77360100", actor="anna")
        with pytest.raises(Refusal, match="невозможна"):
            correct_field(s, d, "date", "01.01.2099", actor="anna")
        with pytest.raises(InvalidInputError, match="не сумма"):
            correct_field(s, d, "total", "много", actor="anna", force=True)  # no amount at all: not even forced
        correct_field(s, d, "seller_inn", "7707083893", actor="anna")
        correct_field(s, d, "buyer_inn", "7707083894", actor="anna", force=True)
    with archive.transaction() as s:
        d = s.get(Document, doc_id)
        assert d.seller_inn == "7707083893" and d.buyer_inn == "7707083894"
        forced = [e for e in audit.history(s, doc_id) if e.details.get("forced")]
        assert [(e.field, e.new_value) for e in forced] == [("buyer_inn", "7707083894")]
        assert "контрольные цифры" in forced[0].details["check_failed"]
        assert [p["code"] for p in d.problems if p["severity"] == "error"] == ["inn_checksum"]


def test_verify_refuses_while_a_validation_error_remains_unless_forced(archive) -> None:
    from archive.verification import Refusal

    with archive.transaction() as s:
        d = _doc(s, 1, doc_type="invoice")
        d.problems = [{"code": "missing_field", "message": "number not found", "fields": ["number"],
                       "severity": "warning"}]
        correct_field(s, d, "vat", "50.00", actor="anna")  # 50 of 100 is no VAT rate
        doc_id = d.id
    with archive.transaction() as s:
        d = s.get(Document, doc_id)
        with pytest.raises(Refusal, match="VAT"):
            verify_document(s, d, actor="anna")
        correct_field(s, d, "vat", "16.67", actor="anna")
        verify_document(s, d, actor="anna")  # a field the document does not print (number) stays absent
        assert d.status == DocumentStatus.VERIFIED and "number" not in d.field_values()
    with archive.transaction() as s:
        d = _doc(s, 2, doc_type="invoice")
        correct_field(s, d, "vat", "50.00", actor="anna")
        verify_document(s, d, actor="anna", force=True)
        event = next(e for e in audit.history(s, d.id) if e.action == "document.verified")
        assert event.details["forced"] is True and "VAT" in event.details["errors"]


def _scanned(s, n: int, rows: list[tuple[int, int, str]], values: dict[str, str], *, doc_type: str = "invoice"):
    from archive.models import Page
    from archive.pipeline import _word_row
    from tests.classify.pagetext import page

    p = page(rows, block_per_column=False)
    d = Document(sha256=f"{n:064x}", filename=f"{n}.png", status=DocumentStatus.NEEDS_REVIEW, doc_type="other")
    d.pages.append(Page(number=1, width=p.width, height=p.height, text=p.text, words=[_word_row(w) for w in p.words]))
    s.add(d)
    s.flush()
    correct_field(s, d, "doc_type", doc_type, actor="anna")
    for name, value in values.items():
        correct_field(s, d, name, value, actor="anna")
    return d


def test_verifying_teaches_the_supplier_memory_at_once_and_rejecting_unteaches(archive) -> None:
    from archive.learning import load_memory
    from archive.models import SupplierLesson
    from classify.extract import make_doc
    from tests.classify.pagetext import page

    def rows(n: int) -> list[tuple[int, int, str]]:
        return [(500, 100, "ТРЕБОВАНИЕ ОПЛАТЫ"), (100, 300, f"Док. № ТР-{n}"),
                (100, 400, "Код налогоплательщика: 7707083893"), (100, 500, f"К зачислению: {n},00 руб.")]

    with archive.transaction() as s:
        d = _scanned(s, 1, rows(501), {"number": "ТР-501", "seller_inn": "7707083893", "total": "501.00"})
        verify_document(s, d, actor="anna")
        doc_id = d.id
    with archive.sessions() as s:
        lesson = s.scalars(select(SupplierLesson)).one()
        assert lesson.document_id == doc_id and lesson.supplier_key == "inn:7707083893"
        new = page(rows(777), block_per_column=False)
        recalled = load_memory(s).recall(make_doc([new]), [new])
        assert recalled is not None and recalled.doc_type == "invoice"
        assert {n: f.value for n, f in recalled.fields.items()} == {"number": "ТР-777", "seller_inn": "7707083893",
                                                                    "total": "777.00"}
    with archive.transaction() as s:
        reject_document(s, s.get(Document, doc_id), "не тот поставщик", actor="anna")
    with archive.sessions() as s:
        assert s.scalars(select(SupplierLesson)).all() == []
