"""Real processes killed with SIGKILL at each stage of an import (FINARCHIVE_FAILPOINT, archive/_failpoints.py),
two imports of the same files at once, worker processes whose parent is killed, a `concurrent.py` in the
working directory. After each: run again, and nothing is lost, nothing is duplicated, search finds it all."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from archive.models import DocumentStatus
from tests.factories import WAYBILL_LINES, make_scan, make_text_pdf
from tests.faults.conftest import documents, finarchive, indexed_ids, ledger, spawn


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make_text_pdf(folder / f"waybill-{n}.pdf", [f"ТОВАРНАЯ НАКЛАДНАЯ № {n}", *WAYBILL_LINES[1:]])
            for n in range(1, 4)]


def _assert_whole(home: Path, files: list[Path]) -> None:
    """Every file is one document, processed, found by search; no half-written blob left."""
    import hashlib

    docs = documents(home)
    assert sorted(sha for _, _, sha in docs) == sorted(hashlib.sha256(f.read_bytes()).hexdigest() for f in files)
    assert all(status != DocumentStatus.RECEIVED for _, status, _ in docs), docs
    from archive.store import Archive

    with Archive.open(environ={"FINARCHIVE_HOME": str(home)}) as arc, arc.sessions() as s:
        from sqlalchemy import select

        from archive.models import Document

        ids = set(s.scalars(select(Document.id)))
    assert indexed_ids(home) == ids
    assert not list((home / "blobs").rglob(".incoming-*"))
    assert not list((home / "blobs").rglob("*.result.json"))


@pytest.mark.parametrize("stage", [
    pytest.param("storing", marks=pytest.mark.slow), pytest.param("received", marks=pytest.mark.slow),
    "page_read", pytest.param("committed", marks=pytest.mark.slow), pytest.param("indexed", marks=pytest.mark.slow),
])
def test_an_import_killed_at_any_stage_is_finished_by_the_next_run(tmp_path: Path, home: Path, stage: str) -> None:
    files = _inputs(tmp_path / "in")
    killed = finarchive(home, "import", "--json", "--workers", "1", str(tmp_path / "in"),
                        FINARCHIVE_FAILPOINT=f"{stage}:2")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    if stage == "storing":
        os.utime(next((home / "blobs" / ".incoming").iterdir()), (0, 0))  # left by the kill, long ago
    again = finarchive(home, "import", "--json", "--workers", "1", str(tmp_path / "in"))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Traceback" not in again.stderr
    _assert_whole(home, files)


def test_a_kill_between_commit_and_index_is_repaired_by_process(tmp_path: Path, home: Path) -> None:
    files = _inputs(tmp_path / "in")[:1]
    killed = finarchive(home, "import", "--json", "--workers", "1", str(files[0]), FINARCHIVE_FAILPOINT="committed")
    assert killed.returncode == -signal.SIGKILL
    assert indexed_ids(home) == set()  # committed, but search does not find it
    assert finarchive(home, "process", "--json").returncode == 0
    _assert_whole(home, files)


def test_two_identical_imports_started_together_both_finish_without_duplicates(tmp_path: Path, home: Path) -> None:
    files = _inputs(tmp_path / "in")
    first = spawn(home, "import", "--json", "--workers", "1", str(tmp_path / "in"))
    second = spawn(home, "import", "--json", "--workers", "1", str(tmp_path / "in"))
    results = [(*p.communicate(timeout=300), p.returncode) for p in (first, second)]
    for _, err, code in results:
        assert code == 0, err[-3000:]
        assert "IntegrityError" not in err and "Traceback" not in err
    _assert_whole(home, files)
    outcomes = sorted(outcome for _, outcome, _ in ledger(home))
    assert outcomes.count("archived") == len(files)
    assert outcomes.count("duplicate") == len(files)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(proc.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_ocr_workers_die_with_their_killed_parent_and_never_import_from_the_cwd(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        make_scan(folder / f"scan-{n}.png", WAYBILL_LINES, size=(1240, 1754))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    marker = tmp_path / "imported-from-cwd"
    (cwd / "concurrent.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\nraise SystemExit(9)\n")
    parent = spawn(home, "import", "--json", "--workers", "2", str(folder), cwd=cwd)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 3:  # the fork server and two workers
            workers = _descendants(parent.pid)
            time.sleep(0.2)
        assert len(workers) >= 3, "the OCR workers never started"
        time.sleep(1.0)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(workers - _tesseracts(workers)), "worker processes outlived their killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
    assert not marker.exists(), "a worker imported concurrent.py from the working directory"


def _tesseracts(pids: set[int]) -> set[int]:
    """tesseract runs a worker started are their own programs; they end with their page."""
    out = set()
    for pid in pids:
        try:
            if b"tesseract" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.add(pid)
        except OSError:
            continue
    return out
