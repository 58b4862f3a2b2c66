"""Watched inboxes: temporary names, the outlet of a sub-folder, files taken only once complete."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from capture.sources import StableFiles, is_temporary_name, outlet_of, scan_inbox


@pytest.mark.parametrize("name", [".DS_Store", ".scan.pdf.Xa81", "~$report.xlsx", "scan.pdf.part", "scan.PDF.TMP",
                                  "download.crdownload", "Thumbs.db", "a.pdf~", "x.pdf.filepart"])
def test_temporary_names_are_ignored(name: str) -> None:
    assert is_temporary_name(name)


@pytest.mark.parametrize("name", ["scan.pdf", "Накладная 12.PDF", "part.pdf", "tmp.png", "z-report.tif"])
def test_document_names_are_taken(name: str) -> None:
    assert not is_temporary_name(name)


def test_outlet_is_the_first_folder_under_the_inbox(tmp_path: Path) -> None:
    assert outlet_of(tmp_path / "SPB-01" / "2026" / "a.pdf", tmp_path) == "SPB-01"
    assert outlet_of(tmp_path / "a.pdf", tmp_path) is None


def test_scan_skips_temporary_files_and_dot_folders(tmp_path: Path) -> None:
    for rel in ("SPB-01/a.pdf", "SPB-01/a.pdf.part", ".trash/b.pdf", "MSK-02/.sync/c.pdf", "d.png"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in scan_inbox(tmp_path)] == ["d.png", "SPB-01/a.pdf"]


class Clock:
    """A clock the test moves by hand, so no test waits on real time."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_ready_only_after_its_size_and_mtime_settle(tmp_path: Path) -> None:
    clock = Clock()
    files = StableFiles([tmp_path], delay=2.0, clock=clock)
    (tmp_path / "SPB-01").mkdir()
    path = tmp_path / "SPB-01" / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 first half")
    files.rescan()
    assert files.ready() == []
    clock.now += 1.5
    with open(path, "ab") as fh:  # still growing
        fh.write(b" second half")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    files.observe(path)
    clock.now += 1.5
    assert files.ready() == []  # changed 1.5 s ago: not settled yet
    clock.now += 1.0
    (ready,) = files.ready()
    assert (ready.outlet_code, ready.size, Path(ready.path)) == ("SPB-01", path.stat().st_size, path)
    files.rescan()
    clock.now += 5
    assert files.ready() == []  # handed out once, until released
    files.release(ready.path)
    files.rescan()
    clock.now += 5
    assert [r.path for r in files.ready()] == [str(path)]


def test_files_outside_the_roots_or_temporary_are_never_ready(tmp_path: Path) -> None:
    clock = Clock()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = StableFiles([inbox], delay=0.0, clock=clock)
    (tmp_path / "elsewhere.pdf").write_bytes(b"x")
    (inbox / "copying.pdf.part").write_bytes(b"x")
    files.observe(tmp_path / "elsewhere.pdf")
    files.observe(inbox / "copying.pdf.part")
    clock.now += 1
    assert files.ready() == [] and files.waiting == 0


def test_a_file_held_open_for_writing_is_not_ready_however_long_it_is_stable(tmp_path: Path) -> None:
    """A scanner pausing mid-file keeps it open: /proc shows the writer, and the file waits."""
    import subprocess
    import sys
    import time

    from capture.sources import open_files, open_for_writing

    clock = Clock()
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 first part")
    writer = subprocess.Popen([sys.executable, "-c", f"import time; f = open({str(path)!r}, 'ab'); time.sleep(60)"])
    try:
        for _ in range(100):  # the writer process starts and opens the file
            if open_for_writing([path]):
                break
            time.sleep(0.1)
        assert open_for_writing([path]) == {str(path)}
        files = StableFiles([tmp_path], delay=2.0, clock=clock)
        files.rescan()
        clock.now += 1000
        assert files.ready() == []
    finally:
        writer.kill()
        writer.wait()
    assert open_files([path], writing=False) == set()
    assert [f.path for f in files.ready()] == [str(path)]


def test_a_stable_closed_file_that_does_not_decode_waits_for_patience_then_is_taken(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 a copy tool's first half")
    files = StableFiles([tmp_path], delay=2.0, clock=clock, complete=lambda p: False, patience=30.0)
    files.rescan()
    clock.now += 5
    assert files.ready() == []  # stable and closed, but not a whole PDF yet
    clock.now += 30
    assert [f.path for f in files.ready()] == [str(path)]  # given up waiting: the pipeline will judge it


def test_an_undecodable_file_left_untouched_longer_than_patience_is_taken_once_settled(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 cut short long ago")
    old = time.time() - 3600
    os.utime(path, (old, old))  # dropped an hour ago, while nothing watched the folder
    files = StableFiles([tmp_path], delay=2.0, clock=clock, complete=lambda p: False, patience=30.0)
    files.rescan()
    clock.now += 1
    assert files.ready() == []  # still the settling delay
    clock.now += 2
    assert [f.path for f in files.ready()] == [str(path)]  # its patience passed before we looked


def test_a_file_seen_growing_waits_the_full_patience_whatever_its_mtime_says(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 first")
    old = time.time() - 3600
    os.utime(path, (old, old))
    files = StableFiles([tmp_path], delay=2.0, clock=clock, complete=lambda p: False, patience=30.0)
    files.rescan()
    with path.open("ab") as f:  # a copy tool that keeps the source's mtime while it writes
        f.write(b" second half")
    os.utime(path, (old, old))
    files.rescan()
    clock.now += 5
    assert files.ready() == []
    clock.now += 30
    assert [f.path for f in files.ready()] == [str(path)]


def test_symlinks_and_fifos_in_an_inbox_are_never_taken(tmp_path: Path) -> None:
    clock = Clock()
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "passwd.pdf").symlink_to("/etc/passwd")
    files = StableFiles([tmp_path], delay=0.0, clock=clock)
    files.rescan()
    clock.now += 10
    assert files.ready() == []
