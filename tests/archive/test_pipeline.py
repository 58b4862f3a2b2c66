"""The import pipeline end to end: real tesseract, real SQLite and PostgreSQL, real FTS5."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.models import Document, DocumentStatus, IntakeRecord, Page
from archive.pipeline import Pipeline
from archive.search_service import run_search
from archive.views import archive_stats
from capture import SerialExecutor
from tests.factories import WAYBILL_LINES, make_bad_files, make_scan, make_text_pdf


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    make_scan(folder / "waybill.png", WAYBILL_LINES)
    make_text_pdf(folder / "sub" / "invoice.pdf", [
        "СЧЁТ НА ОПЛАТУ № 118 от 02.03.2026",
        "Поставщик: ООО «Ромашка», ИНН 7707083893, КПП 773601001",
        "Итого к оплате: 12 000,00 руб., в том числе НДС 20%: 2 000,00 руб.",
    ])
    return folder


def test_import_stores_untouched_original_pages_fields_and_index(archive, inbox: Path) -> None:
    before = {p: _sha(p) for p in inbox.rglob("*") if p.is_file()}
    summary = Pipeline(archive, SerialExecutor(), actor="tester").import_paths([inbox], outlet_code="MSK-01")

    assert (summary.files, summary.archived, summary.quarantined) == (2, 2, 0)
    assert {p: _sha(p) for p in inbox.rglob("*") if p.is_file()} == before  # the user's files untouched
    with archive.sessions() as s:
        docs = {d.filename: d for d in s.scalars(select(Document))}
        scan, pdf = docs["waybill.png"], docs["invoice.pdf"]
        # the stored original is byte for byte what the user gave
        assert archive.blobs.path(archive.blobs.original_key(scan.sha256)).read_bytes() == \
            (inbox / "waybill.png").read_bytes()
        assert scan.status in (DocumentStatus.PROCESSED, DocumentStatus.NEEDS_REVIEW)
        assert scan.outlet.code == "MSK-01"
        page = scan.pages[0]
        assert page.text_source == "ocr" and "4521" in page.text
        assert any(w[0] == "4521" for w in page.words)  # words kept with their boxes
        assert archive.blobs.path(page.thumbnail).exists() and archive.blobs.path(page.image).exists()
        assert scan.searchable_pdf and archive.blobs.path(scan.searchable_pdf).read_bytes()[:5] == b"%PDF-"
        assert pdf.pages[0].text_source == "pdf_text"
        assert scan.doc_type == "waybill" and pdf.doc_type == "invoice"
        assert scan.field_values().get("seller_inn") == "7707083893"
        assert s.scalar(select(func.count(IntakeRecord.id)).where(IntakeRecord.outcome == "archived")) == 2

    result = run_search(archive, "накладной")  # stem of накладная
    assert [h.title for h in result.hits] == ["waybill.png"]
    assert "<mark>" in result.hits[0].snippet
    assert run_search(archive, "", doc_type="invoice").total == 1
    assert run_search(archive, "Ромашка", outlet="NOPE").total == 0


def test_second_import_skips_duplicates_by_hash(sqlite_archive, inbox: Path) -> None:
    pipeline = Pipeline(sqlite_archive, SerialExecutor())
    pipeline.import_paths([inbox])
    again = pipeline.import_paths([inbox])
    assert (again.files, again.archived, again.duplicates) == (2, 0, 2)
    with sqlite_archive.sessions() as s:
        assert s.scalar(select(func.count(Document.id))) == 2


def test_bad_files_are_quarantined_with_reasons_and_the_batch_goes_on(archive, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    bad = make_bad_files(folder)
    make_scan(folder / "good.png", WAYBILL_LINES)
    before = {p: _sha(p) for p in folder.iterdir()}

    summary = Pipeline(archive, SerialExecutor()).import_paths([folder])

    assert summary.archived == 1
    assert summary.quarantined == len(bad)
    reasons = {Path(o.item.path).name: o.reason for o in summary.outcomes if o.reason}
    assert reasons == {"empty.pdf": "empty", "corrupt.pdf": "corrupt", "locked.pdf": "encrypted",
                       "notes.pdf": "unsupported", "letter.docx": "corrupt"}  # a DOCX whose XML is broken
    assert {p: _sha(p) for p in folder.iterdir()} == before  # nothing the user gave is lost or changed
    for outcome in summary.outcomes:
        if outcome.quarantine_path:
            kept = Path(outcome.quarantine_path)
            assert kept.read_bytes() == Path(outcome.item.path).read_bytes()
            info = json.loads(kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8"))
            assert info["reason"] == outcome.reason and info["message"]
    with archive.sessions() as s:
        stats = archive_stats(s)
    assert stats["quarantined_total"] == len(bad)
    assert {q["filename"] for q in stats["quarantined"]} == {p.name for p in bad.values()}
    assert summary.as_dict()["problems"] and all(p["reason"] for p in summary.as_dict()["problems"])


def test_image_above_the_pixel_limit_is_quarantined_not_decoded(tmp_path: Path) -> None:
    from archive.store import Archive

    env = {"FINARCHIVE_HOME": str(tmp_path / "home"), "FINARCHIVE_INTAKE_MAX_PIXELS": "100000"}
    arc = Archive.init(env["FINARCHIVE_HOME"], environ=env)
    big = make_scan(tmp_path / "huge.png", ["Большой лист"], size=(1000, 1000))
    summary = Pipeline(arc, SerialExecutor()).import_paths([big])
    assert (summary.quarantined, summary.outcomes[0].reason) == (1, "oversized")
    arc.close()


class InterruptedExecutor:
    """Fault injection: an executor that dies (like a killed process) after taking the first file in."""

    def map_unordered(self, fn, items):
        next(iter(items))
        raise KeyboardInterrupt

    def close(self) -> None:
        return None


def test_an_interrupted_import_is_finished_by_resume_without_duplicates(sqlite_archive, inbox: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        Pipeline(sqlite_archive, InterruptedExecutor()).import_paths([inbox / "waybill.png"])
    with sqlite_archive.sessions() as s:
        assert [d.status for d in s.scalars(select(Document))] == [DocumentStatus.RECEIVED]

    summary = Pipeline(sqlite_archive, SerialExecutor()).resume()
    assert summary.archived == 1
    again = Pipeline(sqlite_archive, SerialExecutor()).import_paths([inbox / "waybill.png"])
    assert again.duplicates == 1
    with sqlite_archive.sessions() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.status != DocumentStatus.RECEIVED and doc.filename == "waybill.png"
        assert s.scalar(select(func.count(Page.id))) == 1


def test_an_import_leaves_every_document_indexed_and_no_mark(sqlite_archive, tmp_path: Path) -> None:
    from archive.pipeline import INDEX_PENDING

    folder = tmp_path / "pdfs"
    folder.mkdir()
    for n in range(1, 4):
        make_text_pdf(folder / f"invoice-{n}.pdf", [f"СЧЁТ НА ОПЛАТУ № {n} от 02.03.2026", "Итого: 100,00 руб."])
    summary = Pipeline(sqlite_archive, SerialExecutor()).import_paths([folder])
    assert summary.archived == 3
    assert not list((Path(sqlite_archive.settings.home) / INDEX_PENDING).glob("*"))  # each search commit seen
    assert run_search(sqlite_archive, "счета").total == 3


def test_the_start_up_check_indexes_only_the_documents_missing_from_the_index(sqlite_archive, tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for n in range(1, 4):
        make_text_pdf(folder / f"invoice-{n}.pdf", [f"СЧЁТ НА ОПЛАТУ № {n} от 02.03.2026", "Итого: 100,00 руб."])
    pipeline = Pipeline(sqlite_archive, SerialExecutor())
    pipeline.import_paths([folder])
    with sqlite_archive.sessions() as s:
        lost = s.scalars(select(Document.id).where(Document.filename == "invoice-2.pdf")).one()
    sqlite_archive.search.delete([lost])  # as a process killed between its database and search commits
    assert run_search(sqlite_archive, "счета").total == 2

    assert pipeline.recover_index() == 1  # that one, not a rebuild of all three
    assert run_search(sqlite_archive, "счета").total == 3
