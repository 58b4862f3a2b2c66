"""`check_archive`: database, originals, derived files and search index against each other, and `--repair`,
on real SQLite archives built by importing samples through the real pipeline (real tesseract)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.integrity import Finding, check_archive
from archive.models import AuditEvent, Document
from archive.pipeline import Pipeline
from archive.search_service import run_search
from archive.store import Archive
from capture import SerialExecutor
from search.types import SearchRecord

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ("invoice_02.pdf", "receipt_03_en.jpg")  # a born-digital PDF, and a photo read by OCR


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The home of an archive the samples were imported into, built once for the module."""
    root = tmp_path_factory.mktemp("built")
    inbox = root / "inbox"
    inbox.mkdir()
    for name in SAMPLES:
        shutil.copy(REPO / "samples" / name, inbox / name)
    with Archive.init(root / "home", environ={}) as arc:
        summary = Pipeline(arc, SerialExecutor(), actor="tester").import_paths([inbox])
        assert summary.archived == len(SAMPLES), summary.as_dict()
    return root / "home"


@pytest.fixture
def arc(built: Path, tmp_path: Path) -> Iterator[Archive]:
    """A copy of the built archive of this test's own."""
    home = tmp_path / "home"
    shutil.copytree(built, home)
    with Archive.open(home, environ={}) as archive:
        yield archive


def _doc(arc: Archive, filename: str) -> Document:
    with arc.sessions() as s:
        doc = s.scalar(select(Document).where(Document.filename == filename))
        assert doc is not None
        doc.pages  # noqa: B018 - loaded before the session closes
        return doc


def _writable(path: Path) -> None:
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)


def test_a_sound_archive_has_nothing_to_report(arc: Archive) -> None:
    report = check_archive(arc)
    assert report.ok and report.problems == []
    assert (report.documents, report.originals_verified, report.indexed) == (2, 2, 2)
    assert report.derived_files >= 3  # the photo's image, thumbnail and searchable PDF, the PDF's image...


def test_repair_reindexes_rebuilds_derived_files_and_drops_index_orphans(arc: Archive) -> None:
    photo = _doc(arc, "receipt_03_en.jpg")
    pdf = _doc(arc, "invoice_02.pdf")
    assert photo.searchable_pdf and photo.pages[0].thumbnail and photo.pages[0].image
    searchable = arc.blobs.path(photo.searchable_pdf)
    thumbnail = arc.blobs.path(photo.pages[0].thumbnail)
    searchable.unlink()
    thumbnail.unlink()
    arc.search.delete([pdf.id])  # as a kill between commit and indexing leaves it
    arc.search.index([SearchRecord(doc_id=9999, title="gone.pdf", text="")])

    report = check_archive(arc)
    found = sorted((p.finding, p.document_id) for p in report.problems)
    assert found == sorted([(Finding.DERIVED_MISSING, photo.id), (Finding.NOT_INDEXED, pdf.id),
                            (Finding.INDEX_ORPHAN, 9999)])
    assert not report.ok and not any(p.repaired for p in report.problems)
    assert pdf.id not in {h.doc_id for h in run_search(arc, "").hits}

    repaired = check_archive(arc, repair=True, actor="admin")
    assert repaired.ok and all(p.repaired for p in repaired.problems), [p.as_dict() for p in repaired.problems]
    assert searchable.is_file() and thumbnail.is_file()
    assert searchable.read_bytes().startswith(b"%PDF")
    assert pdf.id in {h.doc_id for h in run_search(arc, "").hits}
    assert 9999 not in arc.search.doc_ids()
    with arc.sessions() as s:
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "document.derived_rebuilt")) == "admin"
    assert check_archive(arc).problems == []


def test_a_damaged_or_missing_original_is_reported_and_not_rebuilt(arc: Archive) -> None:
    photo = _doc(arc, "receipt_03_en.jpg")
    pdf = _doc(arc, "invoice_02.pdf")
    original = arc.blobs.path(arc.blobs.original_key(photo.sha256))
    _writable(original)
    original.write_bytes(original.read_bytes()[:-10])
    assert photo.pages[0].thumbnail
    arc.blobs.path(photo.pages[0].thumbnail).unlink()
    lost = arc.blobs.path(arc.blobs.original_key(pdf.sha256))
    _writable(lost)
    lost.unlink()

    report = check_archive(arc, repair=True)
    by_finding = {p.finding: p for p in report.problems}
    assert by_finding[Finding.ORIGINAL_DAMAGED].document_id == photo.id
    assert by_finding[Finding.ORIGINAL_MISSING].document_id == pdf.id
    derived = by_finding[Finding.DERIVED_MISSING]
    assert not derived.repaired and "original is missing or damaged" in (derived.repair_error or "")
    assert not report.ok and report.originals_verified == 0


def test_an_original_no_document_names_is_a_warning_and_is_kept(arc: Archive, tmp_path: Path) -> None:
    stray = tmp_path / "stray.bin"
    stray.write_bytes(b"stored, never committed")
    sha, key = arc.blobs.put_file(stray)
    report = check_archive(arc, repair=True)
    assert [(p.finding, p.subject) for p in report.problems] == [(Finding.ORPHAN_ORIGINAL, sha)]
    assert report.ok and arc.blobs.path(key).is_file()
