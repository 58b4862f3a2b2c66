"""Fault tests run the real ``finarchive`` command in its own process, as an administrator would, and
look at what it left: the database, the blob store, the quarantine, the search index."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.models import Document, IntakeRecord
from archive.store import Archive

# The installed command, as an administrator runs it (its sys.path is the package's, not the working
# directory's, unlike `python -m`); the module where no script is installed.
_SCRIPT = Path(sys.executable).with_name("finarchive")
FINARCHIVE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cli.app"]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """An initialised archive (SQLite) whose home folder is returned."""
    path = tmp_path / "home"
    Archive.init(str(path), environ={"FINARCHIVE_HOME": str(path)}).close()
    yield path


def environment(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "FINARCHIVE_HOME": str(home), "OMP_THREAD_LIMIT": "1", "COLUMNS": "200", **extra}


def finarchive(home: Path, *args: str, timeout: float = 300, cwd: Path | None = None,
               **env: str) -> subprocess.CompletedProcess[str]:
    """``finarchive ARGS`` in a process of its own; its exit code, stdout and stderr."""
    return subprocess.run([*FINARCHIVE, *args], env=environment(home, **env), capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, check=False)


def spawn(home: Path, *args: str, cwd: Path | None = None, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*FINARCHIVE, *args], env=environment(home, **env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd, start_new_session=True)


def documents(home: Path) -> list[tuple[str, str, str]]:
    """(filename, status, sha256) of every document, by id."""
    with Archive.open(environ={"FINARCHIVE_HOME": str(home)}) as arc, arc.sessions() as s:
        return [(d.filename, d.status, d.sha256) for d in s.scalars(select(Document).order_by(Document.id))]


def ledger(home: Path) -> list[tuple[str | None, str, str | None]]:
    with Archive.open(environ={"FINARCHIVE_HOME": str(home)}) as arc, arc.sessions() as s:
        return [(r.filename, r.outcome, r.reason) for r in s.scalars(select(IntakeRecord).order_by(IntakeRecord.id))]


def indexed_ids(home: Path) -> set[int]:
    """The documents the search index finds (every one: filters only, no text)."""
    from search.types import SearchQuery

    with Archive.open(environ={"FINARCHIVE_HOME": str(home)}) as arc:
        return {hit.doc_id for hit in arc.search.search(SearchQuery(limit=1000)).hits}
