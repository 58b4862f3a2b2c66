"""Backup and restore of whole archives: real SQLite and PostgreSQL, real blobs, real tesseract for one scan."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from archive.backup import BackupError, backup, read_key, read_manifest, restore, verify_backup
from archive.blobs import sha256_file
from archive.models import Document
from archive.pipeline import Pipeline
from archive.search_service import run_search
from archive.store import Archive
from archive.views import archive_stats, check_blobs
from capture import SerialExecutor
from finarchive.errors import ConflictError, InvalidInputError
from tests.conftest import pg_database
from tests.archive import factories
from tests.factories import WAYBILL_LINES, make_scan


def add_document(arc: Archive, tmp_path: Path, content: bytes, **kwargs: Any) -> int:
    """A factory document whose original really is in the blob store."""
    source = tmp_path / f"src-{len(list(tmp_path.glob('src-*')))}.bin"
    source.write_bytes(content)
    sha, _ = arc.blobs.put_file(source)
    with arc.transaction() as session:
        doc = factories.document(session, **kwargs)
        doc.sha256 = sha
        doc.size = len(content)
        session.flush()
        return doc.id


def snapshot(arc: Archive) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with arc.engine.connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            if table.name != "alembic_version":
                out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
    return out


def documents(arc: Archive) -> list[tuple[Any, ...]]:
    with arc.sessions() as s:
        return [(d.id, d.sha256, d.filename, d.doc_type, d.number, d.doc_date, d.total, d.buyer_inn,
                 d.outlet.code if d.outlet else None, sorted(d.field_values().items()))
                for d in s.scalars(select(Document).order_by(Document.id))]


def populate(arc: Archive, tmp_path: Path) -> None:
    add_document(arc, tmp_path, b"%PDF-1.4 first original", doc_type="invoice", number="118", total="12000.00")
    add_document(arc, tmp_path, b"second original \x00\xff", doc_type="upd", outlet_code="MSK-01")
    (arc.settings.models_dir / "classifier.joblib").write_bytes(b"model bytes")
    day = arc.settings.quarantine_dir / "2026-03-14"
    day.mkdir(parents=True)
    (day / "broken.pdf").write_bytes(b"not a pdf")
    (day / "broken.pdf.reason.txt").write_text("corrupt\n", encoding="utf-8")


@pytest.fixture
def scanned(sqlite_archive: Archive, tmp_path: Path) -> Archive:
    """A SQLite archive with one document through the real pipeline and two made by factories."""
    scans = tmp_path / "scans"
    scans.mkdir()
    make_scan(scans / "waybill.png", WAYBILL_LINES, size=(1240, 900))
    summary = Pipeline(sqlite_archive, SerialExecutor(), actor="tester").import_paths([scans], outlet_code="SPB-02")
    assert summary.archived == 1
    populate(sqlite_archive, tmp_path)
    return sqlite_archive


def test_round_trip_restores_documents_fields_blobs_and_search(scanned: Archive, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    summary = backup(scanned, dest)
    assert summary.database == "sqlite" and summary.documents == 3
    assert summary.originals == summary.originals_copied == 3
    assert summary.derived_files > 0 and summary.derived_copied == summary.derived_files
    manifest = read_manifest(dest)
    assert manifest["database"]["schema_revision"] == summary.schema_revision is not None
    assert manifest["database"]["tables"]["document"] == 3 and manifest["counts"]["quarantine_files"] == 2
    assert verify_backup(dest) == []
    # one self-contained file: nothing of the live WAL beside it
    assert not list(dest.glob("database.sqlite-*"))

    home = tmp_path / "restored"
    result = restore(dest, home, environ={})
    assert (result.documents, result.originals, result.indexed) == (3, 3, 3)
    with Archive.open(home, environ={}) as copy:
        assert documents(copy) == documents(scanned)
        assert snapshot(copy) == snapshot(scanned)
        with copy.sessions() as s:
            assert check_blobs(s, copy) == []
            scan = s.scalar(select(Document).where(Document.filename == "waybill.png"))
            assert scan is not None and scan.pages[0].thumbnail is not None
            assert copy.blobs.path(scan.pages[0].thumbnail).read_bytes() == \
                scanned.blobs.path(scan.pages[0].thumbnail).read_bytes()
        assert [h.title for h in run_search(copy, "накладной").hits] == ["waybill.png"]
        assert run_search(copy, "", doc_type="upd").total == 1
        assert (copy.settings.models_dir / "classifier.joblib").read_bytes() == b"model bytes"
        assert (copy.settings.quarantine_dir / "2026-03-14" / "broken.pdf").read_bytes() == b"not a pdf"
        assert (home / "finarchive.toml").read_text() == (scanned.settings.home / "finarchive.toml").read_text()


def test_second_backup_copies_no_blob_again_and_follows_the_archive(sqlite_archive: Archive,
                                                                     tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "backup"
    first = backup(sqlite_archive, dest)
    assert first.originals_copied == 2
    inode = next(p for p in (dest / "blobs" / "originals").rglob("*") if p.is_file()).stat().st_ino

    again = backup(sqlite_archive, dest)
    assert (again.originals, again.originals_copied, again.bytes_copied) == (2, 0, 0)
    # the same file, hard-linked from the backup it replaced
    assert next(p for p in (dest / "blobs" / "originals").rglob("*") if p.is_file()).stat().st_ino == inode

    add_document(sqlite_archive, tmp_path, b"a third original")
    (sqlite_archive.settings.quarantine_dir / "2026-03-14" / "broken.pdf").unlink()
    third = backup(sqlite_archive, dest)
    assert (third.documents, third.originals, third.originals_copied) == (3, 3, 1)
    assert not (dest / "quarantine" / "2026-03-14" / "broken.pdf").exists()
    assert verify_backup(dest) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")) == [".backup.lock"]


def test_backup_sees_only_committed_rows_while_a_writer_is_busy(sqlite_archive: Archive, tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    writer = sqlite3.connect(str(sqlite_archive.settings.home / "finarchive.db"))
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE document SET number = 'uncommitted'")
        summary = backup(sqlite_archive, tmp_path / "backup")  # the write lock is held all along
    finally:
        writer.rollback()
        writer.close()
    assert summary.documents == 2
    with sqlite3.connect(str(tmp_path / "backup" / "database.sqlite")) as conn:
        assert "uncommitted" not in {r[0] for r in conn.execute("SELECT number FROM document")}


def test_corrupted_original_in_the_backup_is_refused_before_anything_is_written(sqlite_archive: Archive,
                                                                                tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "backup"
    backup(sqlite_archive, dest)
    victim = next(p for p in (dest / "blobs" / "originals").rglob("*") if p.is_file())
    os.chmod(victim, 0o644)
    victim.write_bytes(victim.read_bytes() + b"!")

    problems = verify_backup(dest)
    assert problems == [f"original {victim.relative_to(dest)} does not match its hash"]
    home = tmp_path / "restored"
    with pytest.raises(BackupError, match=r"damaged: original .* does not match its hash; nothing was restored"):
        restore(dest, home, environ={})
    assert not home.exists()


def test_a_missing_original_or_a_changed_dump_is_refused(sqlite_archive: Archive, tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "backup"
    backup(sqlite_archive, dest)
    victim = next(p for p in (dest / "blobs" / "originals").rglob("*") if p.is_file())
    victim.unlink()
    assert verify_backup(dest) == [f"{victim.relative_to(dest)} is missing"]

    backup(sqlite_archive, dest)
    assert verify_backup(dest) == []
    with sqlite3.connect(str(dest / "database.sqlite")) as conn:
        conn.execute("UPDATE document SET number = 'forged'")
    conn.close()
    with pytest.raises(BackupError, match=r"database.sqlite does not match its SHA-256"):
        restore(dest, tmp_path / "restored", environ={})


def test_an_unfinished_backup_is_recognised(sqlite_archive: Archive, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    backup(sqlite_archive, dest)
    (dest / "manifest.json").unlink()  # as a backup interrupted before its last step leaves it
    with pytest.raises(BackupError, match=r"no manifest.json"):
        restore(dest, tmp_path / "restored", environ={})


def test_restore_refuses_a_non_empty_home_unless_forced(sqlite_archive: Archive, tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "backup"
    backup(sqlite_archive, dest)
    home = tmp_path / "restored"
    home.mkdir()
    (home / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ConflictError, match="not empty"):
        restore(dest, home, environ={})
    assert sorted(p.name for p in home.iterdir()) == ["notes.txt"]

    result = restore(dest, home, environ={}, force=True)
    assert result.documents == 2
    # a second forced restore over the restored archive replaces its database, it does not add to it
    restore(dest, home, environ={}, force=True)
    with Archive.open(home, environ={}) as copy:
        assert documents(copy) == documents(sqlite_archive)


def test_backup_folder_must_not_be_inside_the_home_or_a_foreign_folder(sqlite_archive: Archive,
                                                                       tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="outside the archive's home"):
        backup(sqlite_archive, sqlite_archive.settings.home / "bk")
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"x")
    with pytest.raises(ConflictError, match="holds no finarchive backup"):
        backup(sqlite_archive, other)


# --- every database ------------------------------------------------------------------------------

@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path,
                       request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, empty database on the same server as ``database_url``, for the restore."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    with pg_database(server, database_url.rsplit("/", 1)[1] + "_restored") as url:
        yield url


def test_round_trip_on_every_database(archive: Archive, archive_env: dict[str, str], empty_database_url: str,
                                      tmp_path: Path) -> None:
    populate(archive, tmp_path)
    dest = tmp_path / "backup"
    summary = backup(archive, dest)
    expected_kind = {"sqlite": "sqlite", "postgresql": "jsonl"}[archive.engine.dialect.name]
    assert summary.database == expected_kind and summary.documents == 2
    assert verify_backup(dest) == []

    env = {**archive_env, "FINARCHIVE_HOME": str(tmp_path / "restored"), "FINARCHIVE_DATABASE_URL": empty_database_url}
    # the archive's own database is not empty: restoring into it is refused, and nothing of it changes
    before = snapshot(archive)
    own = {**env, "FINARCHIVE_DATABASE_URL": archive_env["FINARCHIVE_DATABASE_URL"]}
    with pytest.raises(ConflictError, match=r"database .* (is not empty|exists)"):
        restore(dest, tmp_path / "wrong", environ=own)
    assert snapshot(archive) == before
    result = restore(dest, env["FINARCHIVE_HOME"], environ=env)
    assert result.indexed == 2
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as copy:
        assert documents(copy) == documents(archive)
        assert snapshot(copy) == snapshot(archive)
        assert run_search(copy, "", doc_type="invoice").total == 1
        # identities continue after the restored rows
        new_id = add_document(copy, tmp_path, b"after the restore")
        assert new_id > max(row[0] for row in documents(archive))
        # the counters came back with the rows, and the restored database's triggers count what comes after
        with copy.transaction() as session:
            assert archive_stats(session)["documents"] == len(documents(archive)) + 1


def test_postgres_backup_restores_into_sqlite(archive: Archive, tmp_path: Path) -> None:
    """The logical dump of PostgreSQL is portable: it moves an archive to SQLite (and it is checked here)."""
    if archive.engine.dialect.name != "postgresql":
        pytest.skip("the logical dump is PostgreSQL's")
    populate(archive, tmp_path)
    dest = tmp_path / "backup"
    backup(archive, dest)
    env = {"FINARCHIVE_DATABASE_URL": f"sqlite:///{tmp_path / 'moved.db'}"}
    restore(dest, tmp_path / "moved", environ=env)
    with Archive.open(tmp_path / "moved", environ=env) as copy:
        assert documents(copy) == documents(archive)
        assert run_search(copy, "", outlet="MSK-01").total == 1


def test_jsonl_values_round_trip() -> None:
    import datetime as dt
    from decimal import Decimal

    from archive.backup import decode_value, encode_value

    values = [None, 1, 2.5, True, "текст", Decimal("235730.00"), dt.date(2026, 3, 14),
              dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC), dt.datetime(2026, 3, 14, 9, 30), b"\x00\xff",
              {"a": [1, {"b": None}]}, [["4521", 1, 2, 3, 4]], {"$date": "not a tag inside JSON"}]
    assert [decode_value(json.loads(json.dumps(encode_value(v)))) for v in values] == values


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgres(sqlite_archive: Archive, pg_server_url: str, tmp_path: Path) -> None:
    """A SQLite backup loads, row by row, into an empty PostgreSQL database: the way to move to PostgreSQL."""
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "backup"
    backup(sqlite_archive, dest)
    with pg_database(pg_server_url, f"finarchive_moved_{os.getpid()}") as url:
        env = {"FINARCHIVE_DATABASE_URL": url}
        restore(dest, tmp_path / "moved", environ=env)
        with Archive.open(tmp_path / "moved", environ=env) as copy:
            assert copy.engine.dialect.name == "postgresql"
            assert documents(copy) == documents(sqlite_archive)
            assert run_search(copy, "", outlet="MSK-01").total == 1
            assert add_document(copy, tmp_path, b"after the move") == 3


def test_link_dest_hard_links_what_an_earlier_backup_holds(sqlite_archive: Archive, tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    monday = tmp_path / "2026-11-23"
    backup(sqlite_archive, monday)
    add_document(sqlite_archive, tmp_path, b"arrived on tuesday")
    tuesday = tmp_path / "2026-11-24"
    summary = backup(sqlite_archive, tuesday, link_dest=monday)
    # two originals, the model and two quarantine files are hard links into monday's backup
    assert (summary.originals, summary.originals_copied, summary.linked) == (3, 1, 5)
    for path in (monday / "blobs" / "originals").rglob("*"):
        if path.is_file():
            assert (tuesday / path.relative_to(monday)).stat().st_ino == path.stat().st_ino
    assert verify_backup(monday) == [] and verify_backup(tuesday) == []
    assert read_manifest(monday)["counts"]["documents"] == 2  # the earlier backup is left as it was

    result = restore(tuesday, tmp_path / "restored", environ={})
    assert result.documents == result.originals == 3
    with pytest.raises(InvalidInputError, match="not a finished finarchive backup"):
        backup(sqlite_archive, tmp_path / "wednesday", link_dest=tmp_path / "nowhere")


def test_tar_backup_round_trip_and_a_truncated_tar_is_refused(scanned: Archive, tmp_path: Path) -> None:
    import tarfile

    from archive.backup import backup_tar

    dest = tmp_path / "offsite" / "finarchive.tar"
    summary = backup_tar(scanned, dest)
    assert summary.path == dest and summary.documents == 3
    assert [p.name for p in dest.parent.iterdir()] == ["finarchive.tar"]  # the work folder is gone
    with tarfile.open(dest) as tar:
        names = tar.getnames()
    assert names[-1] == "manifest.json" and "database.sqlite" in names
    assert (dest.stat().st_mode & 0o077) == 0

    result = restore(dest, tmp_path / "restored", environ={})
    assert result.indexed == 3
    with Archive.open(tmp_path / "restored", environ={}) as copy:
        assert documents(copy) == documents(scanned)
        assert [h.title for h in run_search(copy, "накладной").hits] == ["waybill.png"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".finarchive-restore-")) == []

    cut = tmp_path / "cut.tar"
    cut.write_bytes(dest.read_bytes()[: dest.stat().st_size // 2])
    with pytest.raises(BackupError, match=r"(not a readable backup tar|no manifest.json)"):
        restore(cut, tmp_path / "from-cut", environ={})
    assert not (tmp_path / "from-cut").exists()


# --- a backup never destroys an earlier one; restore takes nothing it cannot verify ----------------

def _original(arc: Archive, doc_id: int) -> Path:
    with arc.sessions() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None
        return arc.blobs.path(arc.blobs.original_key(doc.sha256))


def _damage(path: Path, data: bytes | None) -> None:
    """Change a stored file as bit rot or a careless hand would: its folder and itself made writable."""
    os.chmod(path.parent, 0o755)
    if data is None:
        path.unlink()
    else:
        os.chmod(path, 0o644)
        path.write_bytes(data)


def test_after_an_original_went_missing_the_backup_still_restores_every_document(scanned: Archive,
                                                                                 tmp_path: Path) -> None:
    dest = tmp_path / "BK"
    backup(scanned, dest)
    with scanned.sessions() as s:
        lost_id = s.scalar(select(Document.id).where(Document.filename == "waybill.png"))
    assert lost_id is not None
    lost = _original(scanned, lost_id)
    _damage(lost, None)
    assert check_blobs(scanned.sessions(), scanned) != []

    again = backup(scanned, dest)  # used to delete BK's copy and its manifest, then fail with exit 6
    assert again.documents == 3 and len(again.archive_problems) == 1 and lost.name in again.archive_problems[0]
    assert verify_backup(dest) == []
    result = restore(dest, tmp_path / "restored", environ={})
    assert result.documents == result.originals == 3
    with Archive.open(tmp_path / "restored", environ={}) as copy, copy.sessions() as s:
        assert check_blobs(s, copy) == []
        assert copy.blobs.verify(lost.name)


def test_an_original_lost_everywhere_leaves_the_earlier_backup_as_it_was(sqlite_archive: Archive,
                                                                         tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "BK"
    backup(sqlite_archive, dest)
    before = {p.relative_to(dest): p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    new_id = add_document(sqlite_archive, tmp_path, b"arrived after the backup")
    _damage(_original(sqlite_archive, new_id), None)

    with pytest.raises(ConflictError, match="missing or damaged in the archive and in every earlier backup"):
        backup(sqlite_archive, dest)
    assert {p.relative_to(dest): p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before
    assert verify_backup(dest) == []
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name or ".old-" in p.name] == []


def test_a_damaged_original_is_not_copied_and_the_earlier_good_copy_stays(sqlite_archive: Archive,
                                                                          tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    first_id = add_document(sqlite_archive, tmp_path, b"a contract of many pages")
    dest = tmp_path / "BK"
    backup(sqlite_archive, dest)
    good = (dest / "blobs" / _original(sqlite_archive, first_id).relative_to(sqlite_archive.settings.blob_dir))
    good_bytes = good.read_bytes()

    _damage(_original(sqlite_archive, first_id), b"a contract of many pag")  # truncated: another size
    summary = backup(sqlite_archive, dest)
    assert [p for p in summary.archive_problems if "does not match its hash" in p]
    assert good.read_bytes() == good_bytes and verify_backup(dest) == []

    second_id = add_document(sqlite_archive, tmp_path, b"never backed up")
    _damage(_original(sqlite_archive, second_id), b"never backed up, and rotten")
    with pytest.raises(ConflictError, match="missing or damaged"):
        backup(sqlite_archive, dest)
    assert good.read_bytes() == good_bytes and verify_backup(dest) == []


def test_a_backup_killed_during_the_swap_is_put_back(sqlite_archive: Archive, tmp_path: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "BK"
    backup(sqlite_archive, dest)
    # what a kill leaves where folders cannot be exchanged in one step: the earlier backup moved aside,
    # and a new one half built
    dest.rename(tmp_path / ".BK.old-x1")
    (tmp_path / ".BK.new-x2" / "blobs").mkdir(parents=True)
    summary = backup(sqlite_archive, dest)
    assert summary.originals_copied == 0  # everything linked from the backup that was put back
    assert verify_backup(dest) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".BK")) == [".BK.lock"]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "backup.key"
    path.parent.mkdir()
    path.write_bytes(os.urandom(32))
    return path


def _derived_file(dest: Path) -> Path:
    return next(p for p in sorted((dest / "blobs" / "derived").rglob("*")) if p.is_file())


@pytest.mark.parametrize("tamper", ["symlink", "symlinked folder", "changed derived file", "extra file",
                                    "recomputed manifest"])
def test_tampered_backups_are_refused(scanned: Archive, tmp_path: Path, key_file: Path, tamper: str) -> None:
    dest = tmp_path / "BK"
    backup(scanned, dest, key_file=key_file)
    assert verify_backup(dest, read_key(key_file)) == []
    derived = _derived_file(dest)
    if tamper == "symlink":
        derived.unlink()
        derived.symlink_to("/etc/passwd")
    elif tamper == "symlinked folder":
        (dest / "quarantine" / "etc").symlink_to("/etc")
    elif tamper == "changed derived file":
        derived.write_bytes(derived.read_bytes()[:-1] + b"X")
    elif tamper == "extra file":
        (dest / "models" / "evil.py").write_text("import os\n", encoding="utf-8")
    else:  # a changed database, its hash recomputed in the manifest
        with sqlite3.connect(str(dest / "database.sqlite")) as conn:
            conn.execute("UPDATE document SET number = 'forged'")
        conn.close()
        manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
        manifest["database"]["sha256"] = sha256_file(dest / "database.sqlite")
        (dest / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    problems = verify_backup(dest, read_key(key_file))
    assert problems, tamper
    home = tmp_path / "restored"
    with pytest.raises(BackupError, match="damaged"):
        restore(dest, home, environ={}, key_file=key_file)
    assert not (home / "finarchive.db").exists()
    assert not (home / "blobs").exists()


def test_a_signed_manifest_needs_its_key(sqlite_archive: Archive, tmp_path: Path, key_file: Path) -> None:
    populate(sqlite_archive, tmp_path)
    dest = tmp_path / "BK"
    assert backup(sqlite_archive, dest, key_file=key_file).signed
    assert [p for p in verify_backup(dest) if "give its key" in p]
    other = tmp_path / "other.key"
    other.write_bytes(os.urandom(32))
    assert [p for p in verify_backup(dest, read_key(other)) if "another key" in p]
    unsigned = tmp_path / "unsigned"
    backup(sqlite_archive, unsigned)
    assert [p for p in verify_backup(unsigned, read_key(key_file)) if "not signed" in p]
    with pytest.raises(InvalidInputError, match="outside the backup"):
        backup(sqlite_archive, key_file.parent, key_file=key_file)

    result = restore(dest, tmp_path / "restored", environ={}, key_file=key_file)
    assert result.documents == 2


def test_a_backup_disk_filling_up_says_so_and_keeps_the_earlier_backup(sqlite_archive: Archive, tmp_path: Path,
                                                                       small_disk: Path) -> None:
    """The backup's disk fills up while the new backup is built (folder and --tar alike): DiskFullError
    (exit 12) saying the earlier backup is as it was, which it is, and nothing half-written is left.
    Before, an OSError traceback (exit 1, "a bug")."""
    from archive.backup import backup_tar
    from finarchive.errors import DiskFullError

    populate(sqlite_archive, tmp_path)
    dest = small_disk / "BK"
    backup(sqlite_archive, dest)
    before = {p.relative_to(dest): p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    add_document(sqlite_archive, tmp_path, os.urandom(3 * 1024 * 1024))  # more than the disk has left
    with pytest.raises(DiskFullError, match=f"{re.escape(str(dest))} is as it was"):
        backup(sqlite_archive, dest)
    assert {p.relative_to(dest): p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before
    assert verify_backup(dest) == []
    with pytest.raises(DiskFullError, match=r"BK\.tar is as it was"):
        backup_tar(sqlite_archive, small_disk / "BK.tar")
    assert sorted(p.name for p in small_disk.iterdir()) == [".BK.lock", "BK"]
