"""Every electronic input gives the same type and fields through `extract --json` and `import` (issue 18),
and the files no reader takes are quarantined with their reasons. A real SQLite archive, real files."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import select

from archive.extract import extract_files
from archive.intake import import_batch
from archive.models import Document, IntakeOutcome
from archive.pipeline import Pipeline
from archive.reading import Reader, ReadingSettings
from capture import SerialExecutor
from tests.capture.electronic_factories import (
    UpdSpec,
    write_docx,
    write_eml,
    write_odt,
    write_upd,
    write_xls,
    write_xlsx,
)


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    upd, _ = write_upd(folder)
    invoice, _ = write_upd(folder, UpdSpec(number="СФ-77", function="СЧФ", version="5.01"), encoding="utf-8")
    return [upd, invoice, write_xlsx(folder / "torg12.xlsx", sheets=2), write_xls(folder / "torg12.xls"),
            write_docx(folder / "contract.docx"), write_odt(folder / "contract.odt")]


def test_extract_and_import_give_electronic_documents_the_same_type_and_fields(sqlite_archive, tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in")
    reader = Reader(ReadingSettings.of(sqlite_archive.settings))
    extracted = {Path(line["file"]).name: line for line in extract_files(files, SerialExecutor(), reader=reader)}
    summary = Pipeline(sqlite_archive, SerialExecutor(), actor="tester").import_paths(files)
    assert summary.archived == len(files), summary.as_dict()
    with sqlite_archive.sessions() as s:
        documents = {d.filename: d for d in s.scalars(select(Document))}
        for name, line in extracted.items():
            doc = documents[name]
            assert (doc.doc_type, doc.field_values()) == (line["doc_type"], line["fields"]), name
            assert doc.page_count == line["pages"] and all(p.image and p.thumbnail for p in doc.pages)
            assert doc.searchable_pdf, name
            original = sqlite_archive.blobs.path(sqlite_archive.blobs.original_key(doc.sha256))
            assert original.read_bytes() == (tmp_path / "in" / name).read_bytes()  # kept untouched
    assert extracted[files[0].name]["doc_type"] == "upd"
    assert extracted[files[1].name]["doc_type"] == "vat_invoice"
    assert extracted["torg12.xlsx"]["pages"] == 2


def test_an_eml_import_keeps_the_message_and_takes_its_attachments(sqlite_archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    upd, truth = write_upd(folder)
    mail = write_eml(tmp_path / "letter.eml", [upd, write_xlsx(folder / "torg12.xlsx")])
    summary = import_batch(Pipeline(sqlite_archive, SerialExecutor(), actor="tester"), [mail])
    assert summary.archived == 3, summary.as_dict()
    with sqlite_archive.sessions() as s:
        documents = {d.filename: d for d in s.scalars(select(Document))}
        assert set(documents) == {"letter.eml", upd.name, "torg12.xlsx"}
        assert documents["letter.eml"].doc_type == "other"
        assert documents["letter.eml"].media_type == "message/rfc822"
        assert documents[upd.name].field_values() == truth
        assert documents[upd.name].source_ref == f"{mail.resolve()}!{upd.name}"


def test_unknown_xml_and_corrupt_xlsx_are_quarantined_with_their_reasons(sqlite_archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    unknown = folder / "prices.xml"
    unknown.write_text('<?xml version="1.0"?><Прайс/>', encoding="utf-8")
    good = write_xlsx(tmp_path / "good.xlsx")
    broken = folder / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename.startswith("xl/worksheets/") else data)
    summary = Pipeline(sqlite_archive, SerialExecutor(), actor="tester").import_paths([unknown, broken])
    reasons = {Path(p["file"]).name: p["reason"] for p in summary.as_dict()["problems"]}
    assert reasons == {"prices.xml": "unknown_xml", "broken.xlsx": "corrupt"}
    for outcome in summary.outcomes:
        assert outcome.outcome == IntakeOutcome.QUARANTINED and Path(outcome.quarantine_path or "").is_file()
    assert unknown.is_file() and broken.is_file()  # the user's files are left as they are


def test_an_uploaded_eml_gives_its_attachments_as_the_mailbox_does(sqlite_archive, tmp_path: Path) -> None:
    from web._uploads import Uploads

    upd, truth = write_upd(tmp_path)
    mail = write_eml(tmp_path / "letter.eml", [upd])
    uploads = Uploads(sqlite_archive, SerialExecutor)
    with mail.open("rb") as stream:
        ticket = uploads.accept("letter.eml", stream, outlet="SPB-01", actor="tester")
    uploads.drain(timeout=120)
    uploads.close()
    assert uploads.status(ticket.upload_id)["state"] == IntakeOutcome.ARCHIVED
    with sqlite_archive.sessions() as s:
        documents = {d.filename: (d.doc_type, d.field_values(), d.outlet.code if d.outlet else None)
                     for d in s.scalars(select(Document))}
    assert documents == {"letter.eml": ("other", {}, "SPB-01"), upd.name: ("upd", truth, "SPB-01")}


def test_the_watched_folder_and_a_maildir_take_electronic_documents(sqlite_archive, tmp_path: Path) -> None:
    import mailbox
    import time

    from archive.intake import FolderIntake, MailIntake, WatchOptions
    from capture.sources import MailAccount, MailRule

    inbox = tmp_path / "inbox"
    (inbox / "SPB-01").mkdir(parents=True)
    sheet = write_xlsx(inbox / "SPB-01" / "torg12.xlsx")
    time.sleep(0.4)  # older than stable_seconds
    options = WatchOptions.from_settings(sqlite_archive.settings, inboxes=[inbox], stable_seconds=0.3,
                                         poll_interval=0.1)
    watched = FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), options).run_once()
    assert watched.archived == 1 and not sheet.exists()  # moved to processed/ once committed

    upd, truth = write_upd(tmp_path)
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(write_eml(tmp_path / "letter.eml", [upd]).read_bytes())
    account = MailAccount(name="edo", kind="maildir", path=str(tmp_path / "Maildir"), search="ALL")
    rules = [MailRule(name="all", outlet="MSK-03", action="seen")]
    mailed = MailIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), accounts=[account], rules=rules,
                        work_dir=tmp_path / "work").run_once()
    assert mailed.handled == 1 and mailed.summary.archived == 1
    with sqlite_archive.sessions() as s:
        documents = {d.filename: (d.doc_type, d.field_values(), d.outlet.code if d.outlet else None)
                     for d in s.scalars(select(Document))}
    assert documents["torg12.xlsx"][0] == "waybill" and documents["torg12.xlsx"][2] == "SPB-01"
    assert documents[upd.name] == ("upd", truth, "MSK-03")


def test_an_outlook_msg_gives_its_attachment_through_extract_and_import(sqlite_archive, tmp_path: Path) -> None:
    from tests.capture.electronic_factories import write_msg

    upd, truth = write_upd(tmp_path)
    msg = write_msg(tmp_path / "УПД.msg", upd)
    reader = Reader(ReadingSettings.of(sqlite_archive.settings))
    (line,) = extract_files([msg], SerialExecutor(), reader=reader)
    assert line["doc_type"] == "other" and line["pages"] == 1
    assert [(a["file"], a["doc_type"], a["fields"]) for a in line["attachments"]] == [
        (f"{msg}!{upd.name}", "upd", truth)]
    summary = import_batch(Pipeline(sqlite_archive, SerialExecutor(), actor="tester"), [msg])
    assert summary.archived == 2, summary.as_dict()
    with sqlite_archive.sessions() as s:
        documents = {d.filename: (d.media_type, d.doc_type, d.field_values()) for d in s.scalars(select(Document))}
        text = s.scalars(select(Document).where(Document.filename == msg.name)).one().text
    assert documents == {msg.name: ("application/vnd.ms-outlook", "other", {}), upd.name: ("application/xml", "upd",
                                                                                           truth)}
    assert "Тема: УПД за апрель" in text and "edo@supplier.example.ru" in text
