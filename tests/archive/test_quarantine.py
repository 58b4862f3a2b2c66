"""The quarantine is idempotent: the same bad file quarantined again (an import run again, a watched folder
rescanned, two imports at once) is one entry and one ledger row; a different file of the same name gets an
entry of its own and never overwrites the first. Real files, real SQLite, the real pipeline."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

from archive.intake import FolderIntake, WatchOptions, import_batch, ledger_entries
from archive.pipeline import Pipeline
from archive.quarantine import REASON_SUFFIX, quarantine_file
from capture import SerialExecutor
from tests.factories import make_bad_files


def _entries(quarantine: Path) -> dict[str, tuple[str, str]]:
    """Each quarantined copy (by its path under the quarantine) with its bytes' SHA-256 and its reason."""
    out = {}
    for reason_file in quarantine.rglob("*" + REASON_SUFFIX):
        copy = reason_file.with_name(reason_file.name[: -len(REASON_SUFFIX)])
        info = json.loads(reason_file.read_text(encoding="utf-8"))
        out[copy.relative_to(quarantine).as_posix()] = (hashlib.sha256(copy.read_bytes()).hexdigest(), info["reason"])
    return out


def _files(quarantine: Path) -> list[Path]:
    return sorted(p for p in quarantine.rglob("*") if p.is_file())


def test_an_import_run_again_quarantines_each_bad_file_once(sqlite_archive, tmp_path: Path) -> None:
    """Before, every run copied every bad file again (corrupt.pdf, corrupt.1.pdf, …) with one more ledger
    row each: the quarantine and `stats` filled with copies of one problem."""
    batch = tmp_path / "batch"
    bad = make_bad_files(batch / "SPB-01")
    # a different file under the same name, elsewhere in the batch
    other = batch / "MSK-02" / "corrupt.pdf"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"%PDF-1.7\n%%EOF cut short, another scanner's" + b"\x01" * 64)

    def run():
        return import_batch(Pipeline(sqlite_archive, SerialExecutor()), [batch])

    first = run()
    quarantine = sqlite_archive.settings.quarantine_dir
    entries = _entries(quarantine)
    assert first.quarantined == len(bad) + 1 and len(entries) == len(bad) + 1
    files = {p: p.read_bytes() for p in _files(quarantine)}
    second = run()
    third = run()
    assert second.quarantined == third.quarantined == len(bad) + 1  # each run still says what is wrong
    assert _entries(quarantine) == entries  # ... and the quarantine holds each file once
    assert {p: p.read_bytes() for p in _files(quarantine)} == files
    # the two corrupt.pdf are two entries, each with its own bytes
    same_name = {h for path, (h, _) in entries.items() if Path(path).name.startswith("corrupt")}
    assert same_name == {hashlib.sha256(p.read_bytes()).hexdigest() for p in (bad["corrupt"], other)}
    rows = ledger_entries(sqlite_archive, outcome="quarantined")
    assert len(rows) == len(bad) + 1
    assert {r.quarantine_path for r in rows} == {str(quarantine / p) for p in entries}
    assert all(p.exists() for p in bad.values()) and other.exists()  # an import never touches the user's files


def test_a_bad_file_dropped_again_into_a_watched_folder_is_one_entry(sqlite_archive, tmp_path: Path) -> None:
    """A watched inbox: the bad file leaves for the quarantine; the same file dropped again (a scanner's
    retry, a colleague's copy) leaves the inbox too, and the quarantine keeps one copy of it. A different
    file of that name is a second entry; the first is never overwritten."""
    inbox = tmp_path / "inbox"
    source = tmp_path / "source"
    bad = make_bad_files(source)["corrupt"]
    options = WatchOptions.from_settings(sqlite_archive.settings, inboxes=[inbox], stable_seconds=0.3,
                                         poll_interval=0.1, decode_patience=1.0)

    def drop_and_run(data: bytes):
        (inbox / "SPB-01").mkdir(parents=True, exist_ok=True)
        (inbox / "SPB-01" / "corrupt.pdf").write_bytes(data)
        return FolderIntake(sqlite_archive, Pipeline(sqlite_archive, SerialExecutor()), options).run_once()

    quarantine = sqlite_archive.settings.quarantine_dir
    assert drop_and_run(bad.read_bytes()).quarantined == 1
    first = _entries(quarantine)
    assert drop_and_run(bad.read_bytes()).quarantined == 1
    assert _entries(quarantine) == first and not (inbox / "SPB-01" / "corrupt.pdf").exists()
    changed = bad.read_bytes() + b"\x00another copy"
    assert drop_and_run(changed).quarantined == 1
    entries = _entries(quarantine)
    assert len(entries) == 2 and set(first.items()) < set(entries.items())
    assert {h for h, _ in entries.values()} == {hashlib.sha256(d).hexdigest() for d in (bad.read_bytes(), changed)}
    assert len(ledger_entries(sqlite_archive, outcome="quarantined")) == 2


def test_the_same_file_quarantined_at_once_by_many_is_one_entry(tmp_path: Path) -> None:
    """Eight threads quarantine one file at once, eight others a different file of the same name: two
    entries, each complete, none overwriting the other (the name is taken under a lock)."""
    quarantine = tmp_path / "quarantine"
    one, two = tmp_path / "a" / "scan.pdf", tmp_path / "b" / "scan.pdf"
    for path, fill in ((one, b"1"), (two, b"2")):
        path.parent.mkdir()
        path.write_bytes(b"%PDF-1.4 " + fill * 200_000)
    results = []
    start = threading.Barrier(16)

    def put(path: Path) -> None:
        start.wait()
        results.append(quarantine_file(quarantine, path, reason="corrupt", message="damaged"))

    threads = [threading.Thread(target=put, args=(p,)) for p in (one, two) * 8]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = _entries(quarantine)
    expected = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (one, two))
    assert sorted(h for h, _ in entries.values()) == expected
    assert len({r.path for r in results}) == 2
    assert [p.name for p in _files(quarantine) if not p.name.endswith(REASON_SUFFIX)] == ["scan.1.pdf", "scan.pdf"]


def test_a_copy_without_its_reason_file_is_completed_not_copied_again(tmp_path: Path) -> None:
    """A kill between the copy and its reason file: the next quarantine of that file finds the copy (by
    its bytes), writes the reason file and makes no second copy."""
    quarantine = tmp_path / "quarantine"
    source = tmp_path / "cut.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0 cut short")
    first = quarantine_file(quarantine, source, reason="corrupt", message="truncated")
    Path(first.path + REASON_SUFFIX).unlink()
    again = quarantine_file(quarantine, source, reason="corrupt", message="truncated")
    assert again.path == first.path
    assert json.loads(Path(first.path + REASON_SUFFIX).read_text(encoding="utf-8"))["reason"] == "corrupt"
    assert len(_files(quarantine)) == 2
    moved = tmp_path / "inbox" / "cut.jpg"
    moved.parent.mkdir()
    shutil.copy(source, moved)
    assert quarantine_file(quarantine, moved, reason="corrupt", message="truncated", move=True).path == first.path
    assert not moved.exists() and len(_files(quarantine)) == 2  # its bytes were there already: removed, once


def test_every_quarantine_reason_is_given_in_russian_first(sqlite_archive, tmp_path: Path) -> None:
    """Before, only the JavaScript refusal spoke Russian: an empty, damaged, locked, mislabelled or
    decompression-bomb file was reported in the readers' English («is empty (0 bytes)», Pillow's «could be
    decompression bomb DOS attack»), in the summary, the ledger and the reason file alike."""
    from PIL import Image

    from tests.faults.badfiles import truncated_jpeg

    batch = tmp_path / "batch"
    bad = make_bad_files(batch)
    bad["corrupt_jpeg"] = truncated_jpeg(batch / "скан «накладная» 1.jpg")  # a Cyrillic name says nothing
    bad["oversized"] = batch / "bomb.png"
    Image.new("1", (20_000, 20_000), 1).save(bad["oversized"])  # 400 MP, a few dozen KB on disk
    before = {p: p.read_bytes() for p in bad.values()}

    summary = import_batch(Pipeline(sqlite_archive, SerialExecutor()), [batch])

    assert summary.quarantined == len(bad) and summary.archived == 0
    quarantine = sqlite_archive.settings.quarantine_dir
    reason_files = [json.loads(p.read_text(encoding="utf-8")) for p in quarantine.rglob("*" + REASON_SUFFIX)]
    messages = ([o.message for o in summary.outcomes] + [r["message"] for r in reason_files]
                + [r.message for r in ledger_entries(sqlite_archive, outcome="quarantined")])
    assert len(messages) == 3 * len(bad)
    names = sorted((p.name for p in bad.values()), key=len, reverse=True)
    for message in messages:
        said = message
        for name in names:  # a message may begin with the file's name
            said = said.replace(name, "")
        russian, bilingual, _ = said.partition(" / ")
        assert bilingual and any("а" <= ch.lower() <= "я" for ch in russian), message  # Russian, then English
    by_name = {Path(o.item.path).name: o for o in summary.outcomes}
    assert by_name["bomb.png"].reason == "oversized" and "слишком велик" in (by_name["bomb.png"].message or "")
    assert (by_name["locked.pdf"].message or "").startswith("файл защищён паролем")
    assert {p: p.read_bytes() for p in bad.values()} == before  # every original still there, untouched


def test_a_message_in_russian_already_is_kept_as_it_is(tmp_path: Path) -> None:
    from archive.quarantine import russian_first

    said = "PDF с JavaScript не принимается / carries JavaScript"
    assert russian_first("active_content", said, "x.pdf") == said
    # a Cyrillic file name is not Russian text
    english = "Счёт.pdf is empty (0 bytes)"
    assert russian_first("empty", english, "Счёт.pdf") == f"файл пуст / {english}"
    assert russian_first("no_such_reason", "odd") == "odd"
