"""Intake from outlets end to end: watched folders, a real Dovecot IMAP server, batches with ZIPs and
manifests, barcode sheets; the pipeline, SQLite and PostgreSQL are real.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import imaplib
import json
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from archive.intake import (
    FolderIntake,
    MailIntake,
    WatchOptions,
    import_batch,
    ledger_entries,
    ledger_summary,
)
from archive.models import Document, DocumentStatus, IntakeRecord
from archive.pipeline import Pipeline
from capture import SerialExecutor
from capture.barcodes import CoverSheet, write_cover_sheet, write_separator_sheet
from capture.sources import MailAccount, MailRule
from tests.factories import make_bad_files, make_text_pdf

REPO = Path(__file__).resolve().parents[2]
DOVECOT = Path("/usr/sbin/dovecot")
DOVECOT_CONF = REPO / "tests" / "fixtures" / "dovecot-test.conf"  # from shared/recipes


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pdf(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_text_pdf(path, [text, "Итого к оплате: 1 000,00 руб."])


def _options(archive, inbox: Path, **kw) -> WatchOptions:
    values = {"inboxes": [inbox], "stable_seconds": 0.3, "poll_interval": 0.1, "decode_patience": 1.0, **kw}
    return WatchOptions.from_settings(archive.settings, **values)


def _documents(archive) -> list[Document]:
    with archive.sessions() as s:
        docs = list(s.scalars(select(Document).order_by(Document.id)))
        for d in docs:
            _ = d.outlet
            _ = d.fields
        return docs


def _code(doc: Document) -> str | None:
    return doc.outlet.code if doc.outlet else None


def _outlets(archive) -> dict[str, str | None]:
    with archive.sessions() as s:
        return {d.filename: (d.outlet.code if d.outlet else None) for d in s.scalars(select(Document))}


# -- watched folders -------------------------------------------------------------------------------------
def test_files_in_outlet_folders_are_archived_once_with_their_outlet_and_moved(archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    a = _pdf(inbox / "SPB-01" / "a.pdf", "Счёт № 1")
    b = _pdf(inbox / "MSK-03" / "2026" / "b.pdf", "Счёт № 2")
    root = _pdf(inbox / "c.pdf", "Счёт № 3")
    hashes = {p.name: _sha(p) for p in (a, b, root)}
    (inbox / "SPB-01" / "d.pdf.part").write_bytes(b"%PDF-1.4 half")  # still being copied
    (inbox / "SPB-01" / "~$lock.pdf").write_bytes(b"x")
    (inbox / "SPB-01" / ".hidden.pdf").write_bytes(b"x")

    intake = FolderIntake(archive, Pipeline(archive, SerialExecutor()), _options(archive, inbox))
    summary = intake.run_once()
    assert (summary.archived, summary.quarantined) == (3, 0)
    assert _outlets(archive) == {"a.pdf": "SPB-01", "b.pdf": "MSK-03", "c.pdf": None}
    assert {d.filename: d.sha256 for d in _documents(archive)} == hashes
    # the files moved to processed/<date>/<outlet>/…; temporary names stay untouched
    processed = archive.settings.path("watch", "processed")
    moved = {p.relative_to(processed).parts[1:] for p in processed.rglob("*.pdf")}
    assert moved == {("SPB-01", "a.pdf"), ("MSK-03", "2026", "b.pdf"), ("c.pdf",)}
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == [".hidden.pdf", "d.pdf.part", "~$lock.pdf"]

    # the same files dropped again are duplicates: nothing new, and they leave the inbox
    _pdf(inbox / "SPB-01" / "a-again.pdf", "Счёт № 1")
    shutil.copy(processed.rglob("a.pdf").__next__(), inbox / "SPB-01" / "a-copy.pdf")
    again = FolderIntake(archive, Pipeline(archive, SerialExecutor()), _options(archive, inbox)).run_once()
    assert again.duplicates == 1 and again.archived == 1  # a-again.pdf is a new render (new bytes)
    assert len(_documents(archive)) == 4
    with archive.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IntakeRecord).where(IntakeRecord.source == "watch")) == 5


def test_a_file_written_slowly_is_taken_once_complete(sqlite_archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "SPB-02").mkdir(parents=True)
    whole = _pdf(tmp_path / "src" / "slow.pdf", "Товарная накладная № 77").read_bytes()
    target = inbox / "SPB-02" / "slow.pdf"
    started = threading.Event()

    def write_slowly() -> None:
        with open(target, "wb") as fh:
            for i in range(0, len(whole), max(1, len(whole) // 12)):
                fh.write(whole[i:i + max(1, len(whole) // 12)])
                fh.flush()
                started.set()
                time.sleep(0.08)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    started.wait(5)
    intake = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                          _options(sqlite_archive, inbox, stable_seconds=0.6))
    summary = intake.run_once()
    writer.join()
    assert (summary.archived, summary.quarantined, summary.failed) == (1, 0, 0)
    (doc,) = _documents(sqlite_archive)
    assert doc.sha256 == hashlib.sha256(whole).hexdigest() and _code(doc) == "SPB-02"


def test_bad_files_go_to_quarantine_with_a_reason_and_leave_the_inbox(archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    bad = make_bad_files(inbox / "NSK-01")
    intake = FolderIntake(archive, Pipeline(archive, SerialExecutor()), _options(archive, inbox))
    summary = intake.run_once()
    assert summary.quarantined == len(bad) and summary.archived == 0
    assert not [p for p in inbox.rglob("*") if p.is_file()]
    kept = [p for p in archive.settings.quarantine_dir.rglob("*") if p.is_file() and not p.name.endswith(".txt")]
    assert sorted(p.name for p in kept) == sorted(p.name for p in bad.values())
    rows = ledger_entries(archive, outcome="quarantined", source="watch")
    assert {r.filename for r in rows} == {p.name for p in bad.values()}
    assert all(r.reason and r.outlet_code == "NSK-01" for r in rows)
    counts = {(c.source, c.outlet_code, c.outcome): c.files for c in ledger_summary(archive)}
    assert counts == {("watch", "NSK-01", "quarantined"): len(bad)}


def test_links_and_fifos_in_an_inbox_are_listed_once_and_left_as_they_are(sqlite_archive, tmp_path: Path) -> None:
    """A symlink (to /etc/passwd, to a good scan outside) and a FIFO in an outlet folder are never taken nor
    opened: each is listed `failed` with its reason, in the summary of every run and once in the ledger,
    and stays where it is; the good file beside them is archived. Before, they sat there without a word."""
    inbox = tmp_path / "inbox"
    good = _pdf(inbox / "SPB-01" / "good.pdf", "Счёт № 61")
    outside = _pdf(tmp_path / "elsewhere.pdf", "Счёт № 62")
    (inbox / "SPB-01" / "passwd.pdf").symlink_to("/etc/passwd")
    (inbox / "SPB-01" / "link.pdf").symlink_to(outside)
    os.mkfifo(inbox / "SPB-01" / "scanner.fifo")
    (inbox / "SPB-01" / "folder.pdf").mkdir()  # a folder named like a file: walked, nothing in it

    def run():
        return FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                            _options(sqlite_archive, inbox)).run_once()

    first = run()
    listed = {(Path(o.item.path).name, o.outcome, o.reason) for o in first.outcomes if o.outcome == "failed"}
    assert listed == {("passwd.pdf", "failed", "symlink"), ("link.pdf", "failed", "symlink"),
                      ("scanner.fifo", "failed", "not_a_file")}
    assert first.archived == 1 and not good.exists()
    assert all((inbox / "SPB-01" / name).is_symlink() for name in ("passwd.pdf", "link.pdf"))
    second = run()
    assert second.failed == 3 and second.archived == 0
    rows = ledger_entries(sqlite_archive, outcome="failed", source="watch")
    assert sorted(r.filename or "" for r in rows) == ["link.pdf", "passwd.pdf", "scanner.fifo"]
    assert not any("root:" in p.read_text(errors="replace") for p in sqlite_archive.settings.quarantine_dir.rglob("*")
                   if p.is_file())


def test_after_delete_removes_the_file_once_archived(sqlite_archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _pdf(inbox / "SPB-01" / "a.pdf", "Счёт № 5")
    intake = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                          _options(sqlite_archive, inbox, after="delete"))
    assert intake.run_once().archived == 1
    assert not list(inbox.rglob("*.pdf"))
    assert not sqlite_archive.settings.path("watch", "processed").exists()


def test_a_file_rewritten_while_it_was_read_is_taken_again_not_moved_away(sqlite_archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    path = _pdf(inbox / "SPB-01" / "a.pdf", "Счёт № 1")
    first = _sha(path)
    second = _pdf(tmp_path / "second.pdf", "Счёт № 2 (исправленный)").read_bytes()
    rewritten: list[str] = []

    def rewrite_once(event: str, info: dict) -> None:
        if event == "file" and not rewritten:  # after the commit, before the source settles the file
            rewritten.append(info["outcome"].item.path)
            path.write_bytes(second)

    pipeline = Pipeline(sqlite_archive, SerialExecutor(), progress=rewrite_once)
    summary = FolderIntake(sqlite_archive, pipeline, _options(sqlite_archive, inbox)).run_once()
    assert summary.archived == 2
    assert {d.sha256 for d in _documents(sqlite_archive)} == {first, hashlib.sha256(second).hexdigest()}
    (moved,) = sqlite_archive.settings.path("watch", "processed").rglob("a.pdf")
    assert moved.read_bytes() == second and not path.exists()


@pytest.mark.parametrize("mode", ["native", "poll"])
def test_the_service_takes_waiting_files_then_new_ones_and_stops_on_request(
        sqlite_archive, tmp_path: Path, mode: str) -> None:
    inbox = tmp_path / "inbox"
    _pdf(inbox / "SPB-01" / "waiting.pdf", "Счёт № 10")
    stop = threading.Event()
    intake = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                          _options(sqlite_archive, inbox, mode=mode), stop=stop)
    result: list = []
    service = threading.Thread(target=lambda: result.append(intake.serve()))
    service.start()
    try:
        _pdf(tmp_path / "src" / "new.pdf", "Счёт № 11")
        (inbox / "MSK-02").mkdir()
        shutil.move(tmp_path / "src" / "new.pdf", inbox / "MSK-02" / "new.pdf")
        deadline = time.monotonic() + 60
        while len(list(inbox.rglob("*.pdf"))) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        service.join(30)
    assert not service.is_alive()
    assert result[0].archived == 2
    assert _outlets(sqlite_archive) == {"waiting.pdf": "SPB-01", "new.pdf": "MSK-02"}


# -- barcode sheets -----------------------------------------------------------------------------------------
def _raster(pdf: Path, dpi: int = 150) -> Image.Image:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return doc[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        doc.close()


def test_a_scan_with_separator_and_cover_sheets_becomes_documents_with_the_cover_order(
        sqlite_archive, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    sheets = tmp_path / "sheets"
    sheets.mkdir()
    separator = tmp_path / "separator.pdf"
    image_pdf = sheets / "separator-scan.pdf"
    _raster(write_separator_sheet(separator)).convert("RGB").save(image_pdf, "PDF", resolution=150)
    cover_pdf = sheets / "cover-scan.pdf"
    cover = write_cover_sheet(tmp_path / "cover.pdf", CoverSheet(outlet="KZN-04", doc_type="waybill",
                                                                 order_no="ЗК-000781", key="K1"))
    _raster(cover).convert("RGB").save(cover_pdf, "PDF", resolution=150)
    text = _pdf(tmp_path / "text.pdf", "Документ")
    layout = ["sep"] + ["doc1"] * 2 + ["cover"] + ["doc2"] * 3 + ["sep"] + ["doc3"]
    writer = PdfWriter()
    for n, kind in enumerate(layout):
        if kind == "sep":
            writer.add_page(PdfReader(image_pdf).pages[0])
        elif kind == "cover":
            writer.add_page(PdfReader(cover_pdf).pages[0])
        else:
            make_text_pdf(tmp_path / f"p{n}.pdf", [f"{kind} страница {n}"])
            writer.add_page(PdfReader(tmp_path / f"p{n}.pdf").pages[0])
    inbox = tmp_path / "inbox"
    (inbox / "SPB-01").mkdir(parents=True)
    batch = inbox / "SPB-01" / "batch.pdf"
    with open(batch, "wb") as fh:
        writer.write(fh)
    original = batch.read_bytes()
    del text

    summary = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                           _options(sqlite_archive, inbox)).run_once()
    assert (summary.archived, summary.quarantined) == (3, 0)
    docs = _documents(sqlite_archive)
    assert [d.page_count for d in docs] == [2, 3, 1]
    assert [_code(d) for d in docs] == ["SPB-01", "KZN-04", "SPB-01"]
    assert docs[1].order_no == "ЗК-000781" and docs[1].doc_type == "waybill"
    assert {f.name: f.source for f in docs[1].fields}.get("order_no") == "hint"
    # the user's file moved untouched to processed/; the split parts are gone from the work folder
    (moved,) = sqlite_archive.settings.path("watch", "processed").rglob("batch.pdf")
    assert moved.read_bytes() == original
    assert not list(sqlite_archive.settings.path("watch", "work").rglob("*.pdf"))


# -- batches ---------------------------------------------------------------------------------------------------
def test_zip_batch_with_manifest_sets_outlet_type_and_order(archive, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    a, b = _pdf(docs / "a.pdf", "Счёт № 21"), _pdf(docs / "scans" / "b.pdf", "Накладная № 22")
    bundle = tmp_path / "batch.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(a, "a.pdf")
        zf.write(b, "scans/b.pdf")
        zf.writestr("manifest.csv", "file;outlet;doc_type;order_no\na.pdf;SPB-01;invoice;ZK-1\n"
                                    "scans/b.pdf;MSK-02;waybill;\n")
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escape.pdf", b"%PDF-1.4")

    summary = import_batch(Pipeline(archive, SerialExecutor()), [bundle, evil], outlet="DEFAULT")
    assert (summary.archived, summary.quarantined) == (2, 1)
    assert not (tmp_path.parent / "escape.pdf").exists()
    got = {d.filename: (_code(d), d.doc_type, d.order_no) for d in _documents(archive)}
    assert got == {"a.pdf": ("SPB-01", "invoice", "ZK-1"), "b.pdf": ("MSK-02", "waybill", None)}
    (rejected,) = ledger_entries(archive, outcome="quarantined")
    assert rejected.reason == "unsafe_archive" and rejected.filename == "evil!escape.pdf.zip"
    assert rejected.source_ref == f"{evil}!../../escape.pdf"
    assert bundle.exists() and evil.exists()  # a batch import never moves the user's files


def test_a_hostile_zip_gives_its_good_members_and_quarantines_each_hostile_one_alone(
        sqlite_archive, tmp_path: Path) -> None:
    """A ZIP holding a good scan beside a member named `../../escape.pdf` (a real PDF), a symbolic link to
    /etc/passwd and a bomb (64 MiB of zeros packed to 64 KiB): the good member is archived; each other one
    is quarantined alone, `unsafe_archive`, as a copy of the archive named for it; no byte of them is
    written anywhere (members are read as bytes into files the unpacker names, never to their own names).
    Before, the archive was refused whole: the good scan was not taken."""
    import stat

    good = _pdf(tmp_path / "src" / "good.pdf", "Счёт № 91")
    escape = _pdf(tmp_path / "src" / "escape.pdf", "Счёт № 92")
    bundle = tmp_path / "in" / "day.zip"
    bundle.parent.mkdir()
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(good, "good.pdf")
        zf.write(escape, "../../escape.pdf")
        link = zipfile.ZipInfo("passwd.pdf")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("bomb.pdf", b"%PDF-1.4 " + b"\0" * (64 << 20))
    summary = import_batch(Pipeline(sqlite_archive, SerialExecutor()), [bundle])
    got = {(o.item.source_ref or "").rpartition("!")[2]: (o.outcome, o.reason) for o in summary.outcomes}
    assert got == {"good.pdf": ("archived", None), "../../escape.pdf": ("quarantined", "unsafe_archive"),
                   "passwd.pdf": ("quarantined", "unsafe_archive"), "bomb.pdf": ("quarantined", "unsafe_archive")}
    assert [d.filename for d in _documents(sqlite_archive)] == ["good.pdf"]
    quarantine = sqlite_archive.settings.quarantine_dir
    copies = sorted(p.name for p in quarantine.rglob("*.zip"))
    assert copies == ["day!bomb.pdf.zip", "day!escape.pdf.zip", "day!passwd.pdf.zip"]
    assert all(p.read_bytes() == bundle.read_bytes() for p in quarantine.rglob("*.zip"))
    escaped = _sha(escape)
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p != escape and p.suffix != ".zip"
                and p.stat().st_size == escape.stat().st_size and _sha(p) == escaped]
    assert not [p for p in tmp_path.rglob("*") if p.is_symlink()]


def test_a_zip_dropped_in_an_outlet_folder_becomes_its_documents(sqlite_archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "SPB-01").mkdir(parents=True)
    bundle = inbox / "SPB-01" / "day.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(_pdf(tmp_path / "a.pdf", "Счёт № 41"), "a.pdf")
        zf.write(_pdf(tmp_path / "b.pdf", "Счёт № 42"), "b.pdf")
        zf.writestr("manifest.csv", "file,order_no\nb.pdf,ZK-42\n")
    summary = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                           _options(sqlite_archive, inbox)).run_once()
    assert summary.archived == 2
    got = {d.filename: (_code(d), d.order_no) for d in _documents(sqlite_archive)}
    assert got == {"a.pdf": ("SPB-01", None), "b.pdf": ("SPB-01", "ZK-42")}
    assert list(sqlite_archive.settings.path("watch", "processed").rglob("day.zip"))
    assert not list(sqlite_archive.settings.path("watch", "work").rglob("*.pdf"))


def _mixed_zip(folder: Path, good: Path) -> Path:
    """A real archive: a password-protected member (Info-ZIP), then a good PDF, a cut PDF, a note and a
    member whose bytes fail their CRC (zipfile, one byte flipped afterwards)."""
    (folder / "locked.pdf").write_bytes(b"%PDF-1.4 secret")
    subprocess.run(["zip", "-q", "-P", "secret", "day.zip", "locked.pdf"], cwd=folder, check=True)
    (folder / "locked.pdf").unlink()
    bundle = folder / "day.zip"
    with zipfile.ZipFile(bundle, "a") as zf:
        zf.write(good, "good.pdf")
        zf.writestr("cut.pdf", good.read_bytes()[:300])
        zf.writestr("notes.txt", "позвонить в бухгалтерию\n")
        zf.writestr(zipfile.ZipInfo("damaged.pdf"), b"%PDF-1.4 " + b"q" * 4000)
    data = bytearray(bundle.read_bytes())
    data[data.index(b"qqqq") + 50] ^= 0xFF
    bundle.write_bytes(bytes(data))
    return bundle


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP's zip writes the password-protected member")
def test_a_zip_with_bad_members_gives_its_good_ones_and_quarantines_each_bad_one_alone(
        sqlite_archive, tmp_path: Path) -> None:
    """Before, one member with a bad CRC or a password refused the whole archive (nothing taken), and one
    bad document inside sent the whole ZIP to the quarantine. Now the good member is a document that
    remembers its archive and member, each bad member has its own quarantine entry and reason naming
    both, and the ZIP leaves the inbox for processed/ once every member's outcome is committed."""
    inbox = tmp_path / "inbox"
    (inbox / "SPB-01").mkdir(parents=True)
    bundle = _mixed_zip(inbox / "SPB-01", _pdf(tmp_path / "good.pdf", "Счёт № 61"))
    summary = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()),
                           _options(sqlite_archive, inbox)).run_once()
    got = {(o.item.source_ref or "").rpartition("!")[2]: (o.outcome, o.reason) for o in summary.outcomes}
    assert got == {"good.pdf": ("archived", None), "cut.pdf": ("quarantined", "corrupt"),
                   "notes.txt": ("quarantined", "unsupported"), "damaged.pdf": ("quarantined", "corrupt"),
                   "locked.pdf": ("quarantined", "encrypted")}
    (doc,) = _documents(sqlite_archive)
    assert (doc.filename, doc.source_ref, _code(doc)) == ("good.pdf", f"{bundle}!good.pdf", "SPB-01")
    problems = {p["source"]: p for p in summary.as_dict()["problems"]}
    assert set(problems) == {f"{bundle}!{name}" for name in ("cut.pdf", "notes.txt", "damaged.pdf", "locked.pdf")}
    assert "day.zip!damaged.pdf" in problems[f"{bundle}!damaged.pdf"]["message"]
    assert "day.zip!locked.pdf" in problems[f"{bundle}!locked.pdf"]["message"]
    reasons = [json.loads(p.read_text(encoding="utf-8"))
               for p in sqlite_archive.settings.quarantine_dir.rglob("*.reason.txt")]
    assert sorted(r["source_ref"].rpartition("!")[2] for r in reasons) == [
        "cut.pdf", "damaged.pdf", "locked.pdf", "notes.txt"]  # one entry each, none for the whole archive
    locked = next(p for p in sqlite_archive.settings.quarantine_dir.rglob("day!locked.pdf.zip"))
    assert locked.read_bytes() == next(sqlite_archive.settings.path("watch", "processed").rglob("day.zip")).read_bytes()
    assert not bundle.exists()  # every member's outcome is committed: the archive went on to processed/
    rows = ledger_entries(sqlite_archive, source="watch")
    assert sorted((r.outcome, (r.source_ref or "").rpartition("!")[2]) for r in rows) == sorted(
        (o, name) for name, (o, _) in got.items())


def test_an_imported_zip_with_a_damaged_member_gives_the_rest_and_is_left_as_it_was(archive, tmp_path: Path) -> None:
    """`import` of a ZIP whose one member fails its CRC: the other members are documents, the damaged one is
    quarantined alone (named `<archive>!<member>` in the summary's problems), and the ZIP is not touched."""
    bundle = tmp_path / "batch.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(_pdf(tmp_path / "a.pdf", "Счёт № 81"), "a.pdf")
        zf.writestr(zipfile.ZipInfo("torn.pdf"), b"%PDF-1.4 " + b"w" * 3000)
    data = bytearray(bundle.read_bytes())
    data[data.index(b"wwww") + 30] ^= 0xFF
    bundle.write_bytes(bytes(data))
    before = bundle.read_bytes()
    summary = import_batch(Pipeline(archive, SerialExecutor()), [bundle])
    assert (summary.archived, summary.quarantined) == (1, 1)
    (problem,) = summary.as_dict()["problems"]
    assert (problem["source"], problem["reason"]) == (f"{bundle}!torn.pdf", "corrupt")
    assert "batch.zip!torn.pdf" in problem["message"]
    assert [d.source_ref for d in _documents(archive)] == [f"{bundle}!a.pdf"]
    assert bundle.read_bytes() == before  # a batch import never moves or changes the user's files


def test_an_interrupted_batch_resumes_without_duplicates(sqlite_archive, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    for n in range(5):
        _pdf(folder / f"doc{n}.pdf", f"Счёт № {100 + n}")

    class Interrupted(Exception):
        pass

    seen: list[str] = []

    def crash_after_two(event: str, info: dict) -> None:
        if event == "file":
            seen.append(info["outcome"].item.path)
            if len(seen) == 2:
                raise Interrupted

    with pytest.raises(Interrupted):
        import_batch(Pipeline(sqlite_archive, SerialExecutor(), progress=crash_after_two), [folder], outlet="SPB-01")
    before = len(_documents(sqlite_archive))
    assert 2 <= before < 5

    summary = import_batch(Pipeline(sqlite_archive, SerialExecutor()), [folder], outlet="SPB-01")
    docs = _documents(sqlite_archive)
    assert sorted(d.filename for d in docs) == [f"doc{n}.pdf" for n in range(5)]
    assert all(d.status != DocumentStatus.RECEIVED for d in docs)
    # what was in already is recognised by its hash and counted, never archived twice
    assert summary.archived == 5 - 2 and summary.duplicates == before


# -- mail: a real Dovecot on loopback ----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_certificates(folder: Path) -> Path:
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it (openssl, a dependency of
    Dovecot's package): cert.pem and key.pem for the server; the CA's certificate is returned."""
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, cwd=folder, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=finarchive test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "server.csr",
            "-subj", "/CN=localhost")
    (folder / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                       "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "cert.pem", "-days", "2", "-extfile", "server.ext")
    return folder / "ca.pem"


@pytest.fixture(scope="module")
def dovecot():
    """A Dovecot IMAP server on a free loopback port with one user, clerk/secret."""
    if not DOVECOT.exists():
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    if os.geteuid() != 0:
        pytest.skip("the Dovecot test server is started as root (it drops to the dovecot user)")
    # not under pytest's tmp folder: it is mode 700 and Dovecot's processes run as the dovecot user
    base = Path(tempfile.mkdtemp(prefix="finarchive-dovecot-"))
    run, mail = base / "run", base / "mail"
    run.mkdir(mode=0o755)
    mail.mkdir()
    os.chmod(base, 0o755)
    pw = pwd.getpwnam("dovecot")
    os.chown(mail, pw.pw_uid, pw.pw_gid)
    port, tls_port = _free_port(), _free_port()
    ca = _test_certificates(run)
    conf = base / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.read_text().replace("@RUN@", str(run)).replace("@MAIL@", str(mail))
                    .replace("@PORT@", str(port)).replace("@TLSPORT@", str(tls_port)))
    (run / "users").write_text("clerk:{PLAIN}secret\n")
    # the daemon keeps its inherited descriptors open: no pipes, or run() would wait for it
    subprocess.run([str(DOVECOT), "-c", str(conf)], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield {"port": port, "tls_port": tls_port, "ca_file": str(ca), "user": "clerk", "password": "secret"}
    finally:
        subprocess.run([str(DOVECOT), "-c", str(conf), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30, check=False)
        shutil.rmtree(base, ignore_errors=True)


def _message(sender: str, subject: str, attachments: list[tuple[str, bytes]], to: str = "scans@hq.example") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = f"<{hashlib.md5((sender + subject).encode()).hexdigest()}@test>"
    msg.set_content("Документы во вложении.")
    for name, data in attachments:
        maintype, subtype = ("application", "pdf") if name.endswith(".pdf") else ("application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def _imap(server: dict) -> imaplib.IMAP4:
    conn = imaplib.IMAP4("127.0.0.1", server["port"])
    conn.login(server["user"], server["password"])
    return conn


def _flags(server: dict, folder: str) -> list[str]:
    conn = _imap(server)
    try:
        conn.select(f'"{folder}"', readonly=True)
        _, data = conn.uid("SEARCH", "ALL")
        out = []
        for uid in data[0].split():
            _, meta = conn.uid("FETCH", uid.decode(), "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            head = meta[0][0].decode() if isinstance(meta[0], tuple) else str(meta[0])
            subject = str(email.message_from_bytes(meta[0][1], policy=email.policy.default)["subject"])
            out.append(f"{subject} {'seen' if 'Seen' in head else 'unseen'} {'flagged' if 'Flagged' in head else ''}"
                       .strip())
        return sorted(out)
    finally:
        conn.logout()


def _mark_unread(server: dict, folder: str) -> None:
    conn = _imap(server)
    try:
        conn.select(f'"{folder}"')
        conn.uid("STORE", "1:*", "-FLAGS", r"(\Seen)")
    finally:
        conn.logout()


def test_mail_attachments_are_archived_once_with_the_rule_outlet_and_messages_handled(
        archive, dovecot: dict, tmp_path: Path) -> None:
    a = _pdf(tmp_path / "a.pdf", "Счёт № 31").read_bytes()
    b = _pdf(tmp_path / "b.pdf", "Накладная № 32").read_bytes()
    c = _pdf(tmp_path / "c.pdf", "УПД № 33").read_bytes()
    folder = f"INBOX{tmp_path.name[-6:]}"  # one folder per test run (SQLite and PostgreSQL share the server)
    conn = _imap(dovecot)
    try:
        conn.create(f'"{folder}"')
        for raw in (
            _message("shop@spb01.example", "Сканы за день", [("a.pdf", a), ("notes.txt", b"just a note")]),
            _message("boss@msk.example", "[MSK-03] накладная", [("b.pdf", b), ("c.pdf", c)]),
            _message("friend@other.example", "привет", [("a.pdf", a)]),
            _message("shop@spb01.example", "Повтор", [("again.pdf", a)]),
        ):
            conn.append(f'"{folder}"', None, None, raw)
    finally:
        conn.logout()

    account = MailAccount(name="scans", host="127.0.0.1", port=dovecot["port"], tls=False, user=dovecot["user"],
                          password=dovecot["password"], folder=folder)
    rules = [
        MailRule(name="spb", sender=r"@spb01\.example$", outlet="SPB-01", action="seen"),
        MailRule(name="msk", subject=r"^\[MSK-03\]", outlet="MSK-03", doc_type="waybill", action="move",
                 folder=f"{folder}-done"),
    ]

    def run_mail():
        return MailIntake(archive, Pipeline(archive, SerialExecutor()), accounts=[account], rules=rules,
                          work_dir=tmp_path / "work").run_once()

    first = run_mail()
    assert (first.messages, first.matched, first.handled, first.unmatched) == (4, 3, 3, 1)
    assert (first.summary.archived, first.summary.duplicates, first.summary.quarantined) == (3, 1, 1)
    [note] = [o for o in first.summary.outcomes if o.outcome == "quarantined"]  # attached, of no kind we read
    assert (note.item.filename, note.reason) == ("notes.txt", "unsupported")
    got = {d.filename: (_code(d), d.doc_type) for d in _documents(archive)}
    assert got == {"a.pdf": ("SPB-01", "invoice"), "b.pdf": ("MSK-03", "waybill"), "c.pdf": ("MSK-03", "waybill")}
    assert _flags(dovecot, folder) == ["Повтор seen", "Сканы за день seen", "привет unseen"]
    assert _flags(dovecot, f"{folder}-done") == ["[MSK-03] накладная unseen"]

    second = run_mail()  # only the unmatched message is still unseen: nothing new
    assert (second.messages, second.summary.files) == (1, 0)

    _mark_unread(dovecot, folder)  # someone marks everything unread again: the ledger still knows them
    third = run_mail()
    assert third.summary.archived == 0 and third.skipped_attachments == 3
    assert len(_documents(archive)) == 3
    with archive.sessions() as s:
        refs = s.scalars(select(IntakeRecord.source_ref).where(IntakeRecord.source == "mail")).all()
    assert all(ref.startswith(f"scans/{folder};") for ref in refs) and len(refs) == 5


def _quarantined(archive, reason: str) -> list[tuple[Path, dict]]:
    out = []
    for reason_file in archive.settings.quarantine_dir.rglob("*.reason.txt"):
        info = json.loads(reason_file.read_text(encoding="utf-8"))
        if info["reason"] == reason:
            out.append((reason_file.with_name(reason_file.name.removesuffix(".reason.txt")), info))
    return out


def _imap_bytes(server: dict, folder: str, subject: str) -> bytes:
    conn = _imap(server)
    try:
        conn.select(f'"{folder}"', readonly=True)
        if subject.isascii():
            _, data = conn.uid("SEARCH", "SUBJECT", f'"{subject}"')
        else:  # a non-ASCII subject goes as a literal in the search's declared charset
            conn.literal = subject.encode()  # type: ignore[assignment]
            _, data = conn.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT")
        (uid,) = data[0].split()
        _, parts = conn.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
        return next(p[1] for p in parts if isinstance(p, tuple))
    finally:
        conn.logout()


def test_bad_attachments_are_quarantined_and_a_huge_message_is_quarantined_whole(
        sqlite_archive, dovecot: dict, tmp_path: Path) -> None:
    """A damaged PDF, a BMP and a PDF sent as `scan.dat` (octet-stream): the PDF under the odd name is
    archived (its bytes decide), the others quarantined with their reasons, and the message handled. A
    message over the account's max_message_mb is not parsed: it is streamed (in pieces, never whole in
    memory) into the quarantine as it is, reason `oversized`, and its rule's action applied; run again
    (and marked unread again) it is neither downloaded nor quarantined twice. Before, it was listed
    `failed` and left unseen: its header fetched again on every pass, forever, its bytes nowhere but the
    mailbox."""
    from PIL import Image

    good = _pdf(tmp_path / "g.pdf", "Счёт № 51").read_bytes()
    bmp = tmp_path / "photo.bmp"
    Image.new("L", (40, 30), 255).save(bmp)
    folder = f"BAD{tmp_path.name[-6:]}"
    conn = _imap(dovecot)
    try:
        conn.create(f'"{folder}"')
        conn.append(f'"{folder}"', None, None, _message("shop@spb01.example", "Сканы", [
            ("cut.pdf", good[: len(good) // 2]), ("photo.bmp", bmp.read_bytes()), ("scan.dat", good)]))
        conn.append(f'"{folder}"', None, None, _message("shop@spb01.example", "Huge message", [
            ("big.pdf", good + os.urandom(600_000))]))
    finally:
        conn.logout()
    whole = _imap_bytes(dovecot, folder, "Huge message")
    account = MailAccount(name="scans", host="127.0.0.1", port=dovecot["port"], tls=False, user=dovecot["user"],
                          password=dovecot["password"], folder=folder, max_message_mb=0.15)
    rules = [MailRule(name="spb", sender=r"@spb01\.example$", outlet="SPB-01", action="seen")]

    def run_mail():
        return MailIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), accounts=[account],
                          rules=rules, work_dir=tmp_path / "work").run_once()

    first = run_mail()
    got = {(o.item.filename, o.outcome, o.reason) for o in first.summary.outcomes}
    assert got == {("scan.dat", "archived", None), ("cut.pdf", "quarantined", "corrupt"),
                   ("photo.bmp", "quarantined", "unsupported"), ("Huge message.eml", "quarantined", "oversized")}
    assert first.handled == 2
    assert _flags(dovecot, folder) == ["Huge message seen", "Сканы seen"]
    ((copy, info),) = _quarantined(sqlite_archive, "oversized")
    assert copy.read_bytes() == whole  # the message as the server holds it, byte for byte
    assert "0.15 MB" in info["message"] and info["source_ref"].endswith(";oversized")
    assert not list((tmp_path / "work").rglob("*.eml"))  # nothing left behind in the work folder

    _mark_unread(dovecot, folder)  # someone marks everything unread again: the ledger knows the huge one
    second = run_mail()
    assert second.summary.files == 0 and second.skipped_attachments == 4 and second.handled == 2
    assert len(_quarantined(sqlite_archive, "oversized")) == 1
    with sqlite_archive.sessions() as s:
        huge = s.scalars(select(IntakeRecord).where(IntakeRecord.reason == "oversized")).all()
    assert [(r.outcome, r.quarantine_path) for r in huge] == [("quarantined", str(copy))]


def test_a_maildir_mailbox_quarantines_a_huge_message_whole_and_goes_on(sqlite_archive, tmp_path: Path) -> None:
    """A real Maildir (the mailbox module writes it): a message of 64 MB (sized by its file and never read
    whole: tests/capture/test_sources_mail.py measures that) is copied into the quarantine as it is,
    `oversized`, and marked seen; the message after it gives its PDF, its `.txt` note is quarantined
    `unsupported` with a message saying what it is, and that message is marked seen too."""
    import mailbox

    good = _pdf(tmp_path / "g.pdf", "Счёт № 71").read_bytes()
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    huge_key = box.add(_message("shop@spb01.example", "Огромное письмо", [("big.pdf", good)]))
    box.add(_message("shop@spb01.example", "Сканы", [("scan.pdf", good), ("notes.txt", b"just a note\n")]))
    (huge,) = [p for p in (tmp_path / "Maildir" / "new").iterdir() if p.name.startswith(huge_key)]
    os.truncate(huge, 64 * 1024 * 1024)
    digest = _sha(huge)
    account = MailAccount(name="local", kind="maildir", path=str(tmp_path / "Maildir"), max_message_mb=1)
    rules = [MailRule(name="spb", sender=r"@spb01\.example$", outlet="SPB-01", action="seen")]
    out = MailIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), accounts=[account], rules=rules,
                     work_dir=tmp_path / "work").run_once()
    got = {(o.item.filename, o.outcome, o.reason) for o in out.summary.outcomes}
    assert got == {("Огромное письмо.eml", "quarantined", "oversized"), ("scan.pdf", "archived", None),
                   ("notes.txt", "quarantined", "unsupported")}
    (note,) = [o for o in out.summary.outcomes if o.item.filename == "notes.txt"]
    assert "text" in (note.message or "")  # what the file is, not just a code
    assert (out.messages, out.handled) == (2, 2)
    ((copy, _),) = _quarantined(sqlite_archive, "oversized")
    assert _sha(copy) == digest
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=False)
    assert ["S" in box.get_message(k).get_flags() for k in box.iterkeys()] == [True, True]


def test_mail_over_tls_checks_the_servers_certificate(sqlite_archive, dovecot: dict, tmp_path: Path) -> None:
    from capture.sources._mail import ImapMailbox, MailboxError

    pdf = _pdf(tmp_path / "t.pdf", "Счёт № 41").read_bytes()
    folder = f"TLS{tmp_path.name[-6:]}"
    conn = _imap(dovecot)
    try:
        conn.create(f'"{folder}"')
        conn.append(f'"{folder}"', None, None, _message("shop@spb01.example", "По TLS", [("t.pdf", pdf)]))
    finally:
        conn.logout()
    login = {"user": dovecot["user"], "password": dovecot["password"], "folder": folder}
    # IMAP over TLS (imaps) with the company's CA: the attachment is archived
    account = MailAccount(name="tls", host="127.0.0.1", port=dovecot["tls_port"], tls=True,
                          ca_file=dovecot["ca_file"], **login)
    rules = [MailRule(name="spb", sender=r"@spb01\.example$", outlet="SPB-01", action="seen")]
    result = MailIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), accounts=[account],
                        rules=rules, work_dir=tmp_path / "work").run_once()
    assert (result.messages, result.summary.archived) == (1, 1)
    assert {d.filename: _code(d) for d in _documents(sqlite_archive)} == {"t.pdf": "SPB-01"}
    # STARTTLS on the plain port, the same check
    box = ImapMailbox(MailAccount(name="starttls", host="127.0.0.1", port=dovecot["port"], tls=False,
                                  starttls=True, ca_file=dovecot["ca_file"], **login))
    try:
        assert isinstance(box.conn.sock, ssl.SSLSocket)
        assert (box.conn.sock.version() or "").startswith("TLS")
    finally:
        box.close()
    # without the CA the self-signed server is refused, with the reason
    with pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
        ImapMailbox(MailAccount(name="untrusted", host="127.0.0.1", port=dovecot["tls_port"], tls=True, **login))


def test_a_full_disk_while_a_huge_message_is_saved_stops_mail_intake_and_leaves_the_message(
        sqlite_archive, tmp_path: Path, small_disk: Path) -> None:
    """The work folder on a 2 MB tmpfs, a 4 MB message over max_message_mb: saving it fills the disk. Mail
    intake stops with DiskFullError (exit 12, as a full disk stops any intake), nothing is quarantined, no
    half-written file is left, and the message stays unseen for the next pass. Before, the OSError came out
    of the mail pass raw: a traceback, exit 1 ("a bug")."""
    import mailbox

    from finarchive.errors import DiskFullError

    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    key = box.add(_message("shop@spb01.example", "Огромное письмо", [("big.pdf", os.urandom(4 << 20))]))
    account = MailAccount(name="local", kind="maildir", path=str(tmp_path / "Maildir"), max_message_mb=1)
    rules = [MailRule(name="spb", sender=r"@spb01\.example$", outlet="SPB-01", action="seen")]
    with pytest.raises(DiskFullError):
        MailIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), accounts=[account], rules=rules,
                   work_dir=small_disk / "work").run_once()
    assert not [p for p in small_disk.rglob("*") if p.is_file()]
    assert not list(sqlite_archive.settings.quarantine_dir.rglob("*.eml"))
    assert "S" not in mailbox.Maildir(str(tmp_path / "Maildir"), create=False).get_message(key).get_flags()
