"""Shared fixtures: archives on a real SQLite file and on a real PostgreSQL started for the session.

PostgreSQL: if FINARCHIVE_TEST_PG_URL is set (a server URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
it is used; otherwise, when Debian's PostgreSQL binaries are installed, a throw-away cluster is
started in a temp dir on loopback for the test session. Without either, PostgreSQL variants are
skipped with that reason (CI installs PostgreSQL, so they run there).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
PG_BIN = Path("/usr/lib/postgresql/15/bin")

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as_postgres(cmd: list[str]) -> None:
    if os.geteuid() == 0:
        cmd = ["su", "postgres", "-c", " ".join(f"'{c}'" for c in cmd)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server URL (admin database) for this test session."""
    url = os.environ.get("FINARCHIVE_TEST_PG_URL")
    if url:
        yield url
        return
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql) and FINARCHIVE_TEST_PG_URL is unset")
    tmp = Path(tempfile.mkdtemp(prefix="finarchive-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    data = tmp / "db"
    _run_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    _run_as_postgres(
        [
            str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(tmp / "log"),
            "-o", f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
        ]
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(tmp, ignore_errors=True)


_db_counter = itertools.count(1)


@contextlib.contextmanager
def pg_database(server: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server``, dropped afterwards; yields its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    with pg_database(server, f"finarchive_test_{os.getpid()}_{next(_db_counter)}") as url:
        yield url


@pytest.fixture
def archive_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Environment for an archive in tmp_path on the parametrised database (SQLite and PostgreSQL)."""
    return {
        "FINARCHIVE_HOME": str(tmp_path / "home"),
        "FINARCHIVE_DATABASE_URL": database_url,
        "FINARCHIVE_OCR_WORKERS": "2",
        "OMP_THREAD_LIMIT": "1",
    }


@pytest.fixture
def archive(archive_env: dict[str, str]):
    """An initialised, empty archive (SQLite and PostgreSQL variants)."""
    from archive.store import Archive

    arc = Archive.init(archive_env["FINARCHIVE_HOME"], environ=archive_env)
    yield arc
    arc.close()


@pytest.fixture
def sqlite_archive(tmp_path: Path):
    """An initialised archive on SQLite only (for tests whose subject is not the database)."""
    from archive.store import Archive

    env = {"FINARCHIVE_HOME": str(tmp_path / "home"), "FINARCHIVE_OCR_WORKERS": "2"}
    arc = Archive.init(env["FINARCHIVE_HOME"], environ=env)
    yield arc
    arc.close()


@contextlib.contextmanager
def small_tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``2m``) mounted on ``mount`` (made), unmounted afterwards: a disk that fills up.
    Skips the test where that cannot be had (root and mount(8) only)."""
    mount.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow a tmpfs mount: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root and mount(8) only; skipped elsewhere), unmounted after the test."""
    with small_tmpfs(tmp_path / "small", "2m") as mount:
        yield mount
