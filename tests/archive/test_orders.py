"""Orders: import (CSV/JSON, upsert), linking by number, barcode, suggestion and by hand; completeness."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive import orders as ords
from archive import originals as orig
from archive.models import AuditEvent, FieldSource, LinkMethod, LinkState, Order, OrderLink
from finarchive.errors import InvalidInputError, NotFoundError
from tests.archive import factories as f

CSV = """order_no,date,customer_name,customer_inn,outlet,amount,manager
ЗК-000781,12.03.2026,ООО «Василёк»,7736207543,SPB-02,"235 730,00",Петров
ЗК-000782,2026-03-13,ИП Сидоров,500100732259,SPB-02,1200.50,Петров
,2026-03-13,no number,7736207543,SPB-02,1,x
ЗК-000783,2026-03-13,bad inn,123,SPB-02,1,x
"""


@pytest.mark.parametrize(("raw", "normal"), [
    ("3K-000781", "ЗК-000781"), ("зк-000781", "ЗК-000781"), ("ЗК-000781", "ЗК-000781"),
    ("  ЗК - 000781 ", "ЗК-000781"), ("№ЗК-000781", "ЗК-000781"), ("so-12345", "SO-12345"),
    ("ORD-2026/15", "ORD-2026/15"), ("4521", "4521"), ("ЗК-0007O1", "ЗК-000701"),
])
def test_order_numbers_normalise_like_the_extractor(raw: str, normal: str) -> None:
    assert ords.normalise_order_no(raw) == normal
    assert ords.normalise_order_no(normal) == normal  # idempotent


def test_read_orders_csv_default_header_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(CSV, encoding="utf-8")
    rows, errors = ords.read_orders(path)
    assert [r.order_no for r in rows] == ["ЗК-000781", "ЗК-000782"]
    first = rows[0]
    assert (first.order_date, first.amount, first.customer_inn, first.outlet, first.manager) == (
        dt.date(2026, 3, 12), Decimal("235730.00"), "7736207543", "SPB-02", "Петров")
    assert [(e.line, "order number" in e.message or "INN" in e.message) for e in errors] == [(4, True), (5, True)]


def test_read_orders_mapping_semicolons_cp1251_and_json(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes("Номер;Дата;ИНН;Сумма;Вид\nзк 000790;01.04.2026;7736207543;10,00;service\n".encode("cp1251"))
    rows, errors = ords.read_orders(path, mapping={"order_no": "Номер", "date": "Дата", "customer_inn": "ИНН",
                                                   "amount": "Сумма", "kind": "Вид"})
    assert not errors
    assert (rows[0].order_no, rows[0].order_date, rows[0].amount, rows[0].kind) == (
        "ЗК000790", dt.date(2026, 4, 1), Decimal("10.00"), "service")
    with pytest.raises(InvalidInputError, match="unknown field"):
        ords.read_orders(path, mapping={"colour": "x"})
    js = tmp_path / "orders.json"
    js.write_text(json.dumps({"orders": [{"order_no": "3K-1", "amount": 5, "region": "north"}]}), encoding="utf-8")
    (row,), _ = ords.read_orders(js)
    assert (row.order_no, row.amount, dict(row.extra)) == ("ЗК-1", Decimal("5.00"), {"region": "north"})
    with pytest.raises(InvalidInputError):
        ords.read_orders(tmp_path / "absent.csv")


def test_orders_imported_after_their_documents_link_up_and_show_what_is_missing(archive, tmp_path) -> None:
    with archive.transaction() as s:
        invoice = f.document(s, "invoice", order_no="3K-000781")  # OCR read the З as 3
        waybill = f.document(s, "waybill", order_no="ЗК-000781")
        for d in (invoice, waybill):
            orig.expect_original(s, d, archive.settings, actor="pipeline", today=dt.date(2026, 3, 16))
        assert ords.auto_link(s, invoice, actor="pipeline", settings=archive.settings) == []  # no order yet
        ids = invoice.id, waybill.id
    path = tmp_path / "orders.csv"
    path.write_text(CSV, encoding="utf-8")
    rows, errors = ords.read_orders(path)
    with archive.transaction() as s:
        result = ords.import_orders(s, rows, actor="crm-sync", settings=archive.settings, errors=errors)
    assert (result.created, result.updated, result.linked, len(result.errors)) == (2, 0, 2, 2)
    with archive.sessions() as s:
        view = ords.order_view(s, "зк-000781", archive.settings)
    assert [d["document_id"] for d in view["documents"]] == list(ids)
    assert {d["link"]["method"] for d in view["documents"]} == {LinkMethod.ORDER_NO}
    assert view["present"] == ["invoice", "waybill"]
    assert view["missing"] == ["vat_invoice"] and view["complete"] is False
    assert [d["original"]["state"] for d in view["documents"]] == ["expected", "expected"]
    assert len(view["originals_outstanding"]) == 2

    # Importing the same file again changes nothing; a changed amount is an audited update.
    with archive.transaction() as s:
        again = ords.import_orders(s, rows, actor="crm-sync", settings=archive.settings)
        assert (again.created, again.updated, again.unchanged, again.linked) == (0, 0, 2, 0)
        changed = ords.OrderRow(**{**rows[1].__dict__, "amount": Decimal("1300.00")})
        assert ords.import_orders(s, [changed], actor="crm-sync", settings=archive.settings).updated == 1
    with archive.sessions() as s:
        update = s.scalar(select(AuditEvent).where(AuditEvent.action == "order.updated"))
        assert (update.field, Decimal(update.old_value), update.new_value) == ("amount", Decimal("1200.50"),
                                                                               "1300.00")
        gaps = ords.incomplete_orders(s, archive.settings, outlet="SPB-02")
        assert [(g["order_no"], g["missing"]) for g in gaps] == [
            ("ЗК-000781", ["vat_invoice"]), ("ЗК-000782", ["invoice", "upd"])]
        assert ords.incomplete_orders(s, archive.settings, since=dt.date(2026, 3, 13))[0]["order_no"] == "ЗК-000782"

    with archive.transaction() as s:
        vat = f.document(s, "vat_invoice", order_no="ЗК-000781")
        (link,) = ords.auto_link(s, vat, actor="pipeline", settings=archive.settings)
        assert (link.method, link.state) == (LinkMethod.ORDER_NO, LinkState.CONFIRMED)
    with archive.sessions() as s:
        assert ords.order_view(s, "ЗК-000781", archive.settings)["complete"] is True
        assert [g["order_no"] for g in ords.incomplete_orders(s, archive.settings)] == ["ЗК-000782"]


def test_cover_sheet_barcode_links_as_barcode(sqlite_archive) -> None:
    with sqlite_archive.transaction() as s:
        f.order(s, "ЗК-000900")
        doc = f.document(s, "upd", order_no="ЗК-000900", order_no_source=FieldSource.HINT)
        (link,) = ords.auto_link(s, doc, actor="pipeline")
        assert (link.method, link.state) == (LinkMethod.BARCODE, LinkState.CONFIRMED)


def test_suggestions_by_inn_amount_and_date_need_a_person(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        f.order(s, "ЗК-1", amount="100000.00", date=dt.date(2026, 3, 10))
        f.order(s, "ЗК-2", amount="100000.00", date=dt.date(2026, 6, 10))  # outside the 30-day window
        f.order(s, "ЗК-3", amount="102000.00", date=dt.date(2026, 3, 10))  # 2% off
        f.order(s, "ЗК-4", amount="100000.00", date=dt.date(2026, 3, 10), inn="500100732259")  # other buyer
        doc = f.document(s, "waybill", total="100500.00", doc_date=dt.date(2026, 3, 14), order_no=None)
        links = ords.auto_link(s, doc, actor="pipeline", settings=arc.settings)
        assert [(link.order.order_no, link.method, link.state) for link in links] == [
            ("ЗК-1", LinkMethod.SUGGESTION, LinkState.SUGGESTED)]
        assert links[0].score is not None and 0.6 < links[0].score < 1.0
        doc_id = doc.id
    with arc.sessions() as s:
        view = ords.order_view(s, "ЗК-1", arc.settings)
        assert view["documents"] == [] and [d["document_id"] for d in view["suggestions"]] == [doc_id]
        assert view["missing"] == ["invoice", "upd"]  # a suggestion does not count
    with arc.transaction() as s:
        ords.confirm_link(s, "ЗК-1", doc_id, actor="manager")
    with arc.sessions() as s:
        assert ords.order_view(s, "ЗК-1", arc.settings)["present"] == ["waybill"]
    # Unlink: remembered as rejected, so the next automatic pass does not bring it back.
    with arc.transaction() as s:
        ords.unlink_document(s, "ЗК-1", doc_id, actor="manager")
        doc = s.get(type(doc), doc_id)
        assert ords.auto_link(s, doc, actor="pipeline", settings=arc.settings) == []
        assert ords.link_waiting_documents(s, ords.get_order(s, "ЗК-1"), actor="x", settings=arc.settings) == []
    with arc.sessions() as s:
        assert ords.order_view(s, "ЗК-1", arc.settings)["suggestions"] == []
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.document_id == doc_id)
                            .order_by(AuditEvent.id)).all()
        assert actions == ["order.suggested", "order.confirmed", "order.unlinked"]


def test_orders_arriving_later_get_suggestions_too(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        doc = f.document(s, "upd", total="5000.00", doc_date=dt.date(2026, 3, 14), order_no=None)
        row = ords.OrderRow(order_no="SO-77", order_date=dt.date(2026, 3, 14), customer_inn="7736207543",
                            amount=Decimal("5000.00"))
        result = ords.import_orders(s, [row], actor="crm", settings=arc.settings)
        assert (result.linked, result.suggested) == (0, 1)
        link = s.scalar(select(OrderLink).where(OrderLink.document_id == doc.id))
        assert link.score == 1.0


def test_manual_link_and_errors(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        f.order(s, "ЗК-5", kind="service")
        doc = f.document(s, "contract", buyer_inn=None, order_no=None)
        assert ords.order_view(s, "ЗК-5", arc.settings)["missing"] == ["contract"]
        link = ords.link_document(s, "зк-5", doc.id, actor="manager")
        assert (link.method, link.state, link.created_by) == (LinkMethod.MANUAL, LinkState.CONFIRMED, "manager")
        assert ords.order_view(s, "ЗК-5", arc.settings)["complete"] is True
        with pytest.raises(NotFoundError):
            ords.link_document(s, "ЗК-404", doc.id, actor="manager")
        with pytest.raises(NotFoundError):
            ords.link_document(s, "ЗК-5", 999999, actor="manager")
        with pytest.raises(NotFoundError):
            ords.confirm_link(s, "ЗК-5", f.document(s, "upd").id, actor="manager")
        bad = ords.import_orders(s, [ords.OrderRow(order_no="X-1", kind="barter")], actor="crm",
                                 settings=arc.settings)
        assert bad.created == 0 and "unknown kind" in bad.errors[0].message
        assert s.scalar(select(func.count()).select_from(Order)) == 1


def test_a_corrected_order_number_moves_the_link(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        f.order(s, "ЗК-10")
        f.order(s, "ЗК-11")
        doc = f.document(s, "invoice", order_no="ЗК-10")
        ords.auto_link(s, doc, actor="pipeline")
        manual = ords.link_document(s, "ЗК-11", doc.id, actor="manager")
        doc.order_no = "ЗК-11"  # corrected at the verification desk
        ords.auto_link(s, doc, actor="accountant")
        s.expire(doc, ["links"])
        assert [(link.order.order_no, link.method) for link in doc.links] == [("ЗК-11", LinkMethod.MANUAL)]
        assert manual.state == LinkState.CONFIRMED
        doc.order_no = "ЗК-10"
        ords.auto_link(s, doc, actor="accountant")
        s.expire(doc, ["links"])
        assert sorted((link.order.order_no, link.method) for link in doc.links) == [
            ("ЗК-10", LinkMethod.ORDER_NO), ("ЗК-11", LinkMethod.MANUAL)]
