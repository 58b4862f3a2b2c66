"""A scan and its ЭДО XML are linked as two copies of one document and their differences listed (issue 18,
item 2). Real SQLite archive; the scan is a born-digital PDF of the printed УПД (read from its text layer),
the XML is built to the ФНС schema (tests/capture/electronic_factories.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from archive.models import Document, DocumentCopy, DocumentStatus, Original
from archive.originals import outstanding_report, owed_page
from archive.pipeline import Pipeline
from archive.reconcile import number_key
from archive.views import document_view
from capture import SerialExecutor
from cli.app import app
from tests.capture.electronic_factories import UpdSpec, write_upd
from tests.factories import make_text_pdf


def _scan(path: Path, *, number: str = "УТ-1045", total: str = "5 220,00", vat: str = "870,00") -> Path:
    return make_text_pdf(path, [
        "Универсальный передаточный документ", f"Счёт-фактура № {number} от 17.04.2025",
        "Продавец: ООО «Северная звезда»", "ИНН/КПП продавца: 7707083893/770701001",
        "Покупатель: АО «Торговый дом Луч»", "ИНН/КПП покупателя: 7736207543/773601001",
        f"Всего к оплате: {total} руб.", f"в том числе НДС 20%: {vat} руб."])


def _import(archive, *paths: Path) -> None:
    summary = Pipeline(archive, SerialExecutor(), actor="tester").import_paths(list(paths))
    assert summary.archived == len(paths), summary.as_dict()


def _documents(session) -> dict[str, Document]:
    return {d.filename: d for d in session.scalars(select(Document))}


def test_a_scan_and_its_xml_are_linked_and_their_differences_go_to_review(sqlite_archive, tmp_path: Path) -> None:
    scan = _scan(tmp_path / "scan.pdf", total="5 200,00", vat="866,67")
    xml, _ = write_upd(tmp_path)
    _import(sqlite_archive, scan)
    _import(sqlite_archive, xml)  # the electronic copy arrives later: the scan is found and flagged then
    with sqlite_archive.sessions() as s:
        docs = _documents(s)
        paper, electronic = docs["scan.pdf"], docs[xml.name]
        (copy,) = s.scalars(select(DocumentCopy)).all()
        assert (copy.paper_id, copy.electronic_id) == (paper.id, electronic.id)
        assert copy.differences == [{"field": "total", "paper": "5200.00", "electronic": "5220.00"},
                                    {"field": "vat", "paper": "866.67", "electronic": "870.00"}]
        assert paper.status == DocumentStatus.NEEDS_REVIEW
        (problem,) = [p for p in paper.problems if p["code"] == "copy_differs"]
        assert problem["fields"] == ["total", "vat"] and "5200.00 ≠ 5220.00" in problem["message"]
        assert electronic.status == DocumentStatus.PROCESSED
        view = document_view(s, sqlite_archive, paper.id)
        assert view["copies"] == [{"document_id": electronic.id, "kind": "electronic",
                                   "differences": copy.differences}]
        assert view["original"]["electronic_copy"] == electronic.id
        assert document_view(s, sqlite_archive, electronic.id)["copies"][0]["kind"] == "paper"
        # the ЭДО document is its own original: no paper original is expected of it
        assert s.scalar(select(Original).where(Original.document_id == electronic.id)) is None
        owed = [i for r in outstanding_report(s) for i in r["items"]]
        assert [(i["document_id"], i["electronic_copy"]) for i in owed] == [(paper.id, electronic.id)]
        items, _ = owed_page(s)  # the desk's page reads the copies of its rows at once: the same answer
        assert [(i["document_id"], i["electronic_copy"]) for i in items] == [(paper.id, electronic.id)]
        paper_id, electronic_id = paper.id, electronic.id
    shown = CliRunner().invoke(app, ["show", str(paper_id)],
                               env={"FINARCHIVE_HOME": str(sqlite_archive.settings.home), "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert (f"electronic copy: document {electronic_id} — differs: total 5200.00 ≠ 5220.00, vat 866.67 ≠ 870.00"
            in " ".join(shown.output.split()))


def test_copies_that_agree_are_linked_without_a_problem(sqlite_archive, tmp_path: Path) -> None:
    xml, _ = write_upd(tmp_path, UpdSpec(number="УТ-001045"))
    scan = _scan(tmp_path / "scan.pdf")
    _import(sqlite_archive, xml)
    _import(sqlite_archive, scan)  # the scan arrives second; its number has no leading zeros
    with sqlite_archive.sessions() as s:
        docs = _documents(s)
        (copy,) = s.scalars(select(DocumentCopy)).all()
        assert (copy.paper_id, copy.electronic_id, copy.differences) == (docs["scan.pdf"].id, docs[xml.name].id, [])
        assert not [p for p in docs["scan.pdf"].problems if p["code"] == "copy_differs"]


def test_other_documents_of_the_same_seller_are_not_linked(sqlite_archive, tmp_path: Path) -> None:
    xml, _ = write_upd(tmp_path, UpdSpec(number="УТ-1046"))
    other_xml, _ = write_upd(tmp_path, UpdSpec(number="УТ-1045", function="ДОП"))
    _import(sqlite_archive, _scan(tmp_path / "scan.pdf"), xml)
    _import(sqlite_archive, other_xml)  # the same number and date, but two electronic documents are no pair
    with sqlite_archive.sessions() as s:
        links = [(c.paper_id, c.electronic_id) for c in s.scalars(select(DocumentCopy))]
        docs = _documents(s)
        assert links == [(docs["scan.pdf"].id, docs[other_xml.name].id)]


def test_numbers_compare_as_printed_without_case_spaces_or_leading_zeros() -> None:
    assert number_key("ут-001045") == number_key("УТ-1045") == number_key("УТ- 1045")
    assert number_key("УТ-1045") != number_key("УТ-10450")


def test_a_verified_edo_document_teaches_nothing_of_the_suppliers_scans(sqlite_archive, tmp_path: Path) -> None:
    from archive.models import SupplierLesson
    from archive.verification import verify_document

    xml, _ = write_upd(tmp_path)
    _import(sqlite_archive, xml)
    with sqlite_archive.transaction() as s:
        verify_document(s, s.scalars(select(Document)).one(), actor="anna")
    with sqlite_archive.sessions() as s:
        assert s.scalars(select(SupplierLesson)).all() == []  # its page is finarchive's layout, not the supplier's
    _import(sqlite_archive, _scan(tmp_path / "scan.pdf"))
    with sqlite_archive.sessions() as s:
        scan = _documents(s)["scan.pdf"]
        assert not [p for p in scan.problems if p["code"].startswith("learned")]
