"""Backup and restore of a whole archive: database, blob store, settings, trained model, quarantine.

A backup is a folder::

    manifest.json          written last: a folder without it is an unfinished backup
    database.sqlite        SQLite archives: a copy made with SQLite's online backup API
    database.jsonl         PostgreSQL archives: every table's rows, one JSON object a line
    blobs/originals/...    content-addressed originals, exactly as in the archive
    blobs/derived/...      page images, thumbnails, searchable PDFs (unless ``derived=False``)
    finarchive.toml        the settings (may hold passwords: keep backups private)
    models/ quarantine/    the trained classifier and the files that could not be read

The database is read first, in one snapshot, and the blobs after it: the pipeline stores a blob
before it commits its document, so every document in the snapshot finds its original. Backing up
into an existing backup folder is incremental: an original already there (its name is its
SHA-256) is not copied again; files the archive no longer has are removed, so the folder stays a
snapshot of the archive. See docs/backup.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, func, inspect, select, text

from archive.blobs import sha256_file
from archive.config import CONFIG_NAME, Settings
from archive.db import current_revision, make_engine
from finarchive import __version__
from finarchive.errors import ConflictError, InvalidInputError

MANIFEST = "manifest.json"
FORMAT = "finarchive-backup"
FORMAT_VERSION = 1
SQLITE_DUMP = "database.sqlite"
JSONL_DUMP = "database.jsonl"
BLOBS = "blobs"
MODELS = "models"
QUARANTINE = "quarantine"
BATCH = 500
SKIP_TABLES = frozenset({"alembic_version"})


class BackupError(InvalidInputError):
    """The backup is unfinished or damaged."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database: str  # "sqlite" or "jsonl"
    schema_revision: str | None
    documents: int
    originals: int
    originals_copied: int
    derived_files: int
    derived_copied: int
    linked: int
    removed: int
    bytes_copied: int

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["path"] = str(self.path)
        return out


@dataclass(frozen=True)
class RestoreSummary:
    home: Path
    database_url: str
    documents: int
    originals: int
    derived_files: int
    indexed: int
    schema_revision: str | None

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["home"] = str(self.home)
        return out


# --- values of a logical dump -----------------------------------------------------------------

def _tag_datetime(v: dt.datetime) -> dict[str, Any]:
    return {"$datetime": v.isoformat()}


ENCODERS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (dt.datetime, _tag_datetime),  # before date: a datetime is a date
    (dt.date, lambda v: {"$date": v.isoformat()}),
    (dt.time, lambda v: {"$time": v.isoformat()}),
    (Decimal, lambda v: {"$decimal": str(v)}),
    (bytes, lambda v: {"$bytes": v.hex()}),
    (memoryview, lambda v: {"$bytes": bytes(v).hex()}),
    (dict, lambda v: {"$json": v}),
    (list, lambda v: {"$json": v}),
)

DECODERS: dict[str, Callable[[Any], Any]] = {
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$decimal": Decimal,
    "$bytes": bytes.fromhex,
    "$json": lambda v: v,
}


def encode_value(value: Any) -> Any:
    for kind, encoder in ENCODERS:
        if isinstance(value, kind):
            return encoder(value)
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        decoder = DECODERS.get(tag)
        if decoder is not None:
            return decoder(inner)
    return value


# --- files --------------------------------------------------------------------------------------

def _files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (none when it is missing), skipping half-written temp files."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.startswith(".incoming-"):
                yield Path(dirpath) / name


def _copy_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copy2(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same(src: Path, dst: Path) -> bool:
    if not dst.is_file():
        return False
    a, b = src.stat(), dst.stat()
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


@dataclass
class _Sync:
    copied: int = 0
    linked: int = 0
    total: int = 0
    removed: int = 0
    bytes: int = 0
    names: set[str] = field(default_factory=set)


def _unchanged(path: Path, other: Path, content_addressed: bool) -> bool:
    return _same(path, other) or (content_addressed and other.is_file() and other.stat().st_size == path.stat().st_size)


def _link(source: Path, target: Path) -> bool:
    """Hard-link ``target`` to ``source`` (a file of an earlier backup); False when the file system refuses."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def _sync_tree(src: Path, dst: Path, *, content_addressed: bool = False, link_from: Path | None = None) -> _Sync:
    """Mirror ``src`` into ``dst``: copy new and changed files, remove files ``src`` no longer has.

    A file of the same size and modification time is taken as unchanged. In a content-addressed tree a
    file's name is its hash, so one already present with the same size is never copied again. A file
    unchanged in ``link_from`` (the same tree of an earlier backup) is hard-linked from there, not copied.
    """
    out = _Sync()
    for path in _files(src):
        rel = path.relative_to(src)
        target = dst / rel
        out.total += 1
        out.names.add(str(rel))
        if _unchanged(path, target, content_addressed):
            continue
        earlier = link_from / rel if link_from is not None else None
        if earlier is not None and _unchanged(path, earlier, content_addressed) and _link(earlier, target):
            out.linked += 1
            continue
        try:
            _copy_file(path, target)
        except FileNotFoundError:  # removed from the archive while we walked it
            out.total -= 1
            out.names.discard(str(rel))
            continue
        out.copied += 1
        out.bytes += target.stat().st_size
    for path in list(_files(dst)):
        if str(path.relative_to(dst)) not in out.names:
            path.unlink()
            out.removed += 1
    return out


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- database dumps -----------------------------------------------------------------------------

def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInputError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _dump_sqlite(engine: Engine, target: Path) -> None:
    """Copy a live SQLite database page by page with SQLite's online backup API (WAL included)."""
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(_sqlite_path(engine)), timeout=30)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(tmp, target)


def _table_rows(conn, table) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    order = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(select(table).order_by(*order)).mappings():
        yield dict(row)


def _dump_jsonl(engine: Engine, target: Path) -> dict[str, int]:
    """Every table's rows in one read-only REPEATABLE READ snapshot, as JSON Lines."""
    tmp = target.with_name(target.name + ".part")
    counts: dict[str, int] = {}
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        conn.execute(text("SET TRANSACTION READ ONLY"))
        meta = MetaData()
        meta.reflect(conn)
        tables = [t for t in meta.sorted_tables if t.name not in SKIP_TABLES]
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"tables": [t.name for t in tables]}) + "\n")
            for table in tables:
                n = 0
                for row in _table_rows(conn, table):
                    line = {"t": table.name, "r": {k: encode_value(v) for k, v in row.items()}}
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                    n += 1
                counts[table.name] = n
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, target)
    return counts


def _jsonl_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        fh.readline()  # the header
        for line in fh:
            item = json.loads(line)
            yield item["t"], {k: decode_value(v) for k, v in item["r"].items()}


def _sqlite_file_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
                for n in names if n not in SKIP_TABLES and not n.startswith("sqlite_")}
    finally:
        conn.close()


def _sqlite_file_revision(path: Path) -> str | None:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def _sqlite_file_shas(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT sha256 FROM document")}
    finally:
        conn.close()


def _jsonl_shas(path: Path) -> set[str]:
    return {row["sha256"] for table, row in _jsonl_rows(path) if table == "document"}


@dataclass(frozen=True)
class _DumpKind:
    filename: str
    document_shas: Callable[[Path], set[str]]


DUMPS: dict[str, _DumpKind] = {
    "sqlite": _DumpKind(SQLITE_DUMP, _sqlite_file_shas),
    "jsonl": _DumpKind(JSONL_DUMP, _jsonl_shas),
}


def _dump_database(engine: Engine, dest: Path) -> tuple[str, dict[str, int]]:
    if engine.dialect.name == "sqlite":
        _dump_sqlite(engine, dest / SQLITE_DUMP)
        (dest / JSONL_DUMP).unlink(missing_ok=True)
        return "sqlite", _sqlite_file_counts(dest / SQLITE_DUMP)
    counts = _dump_jsonl(engine, dest / JSONL_DUMP)
    (dest / SQLITE_DUMP).unlink(missing_ok=True)
    return "jsonl", counts


# --- backup -------------------------------------------------------------------------------------

def _check_dest(dest: Path, home: Path, earlier: Path | None) -> None:
    if earlier is not None and not (earlier / MANIFEST).is_file():
        raise InvalidInputError(f"--link-dest {earlier}: not a finished finarchive backup (no {MANIFEST})")
    if earlier == dest:
        raise InvalidInputError("--link-dest names the backup folder itself")
    if dest == home or home in dest.parents:
        raise InvalidInputError(f"the backup folder {dest} must lie outside the archive's home {home}")
    if dest.exists() and not dest.is_dir():
        raise InvalidInputError(f"{dest} is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MANIFEST).exists() and not (dest / BLOBS).exists():
        raise ConflictError(f"{dest} is not empty and holds no finarchive backup; choose an empty folder")


def backup(arc, dest: str | os.PathLike[str], *, derived: bool = True,  # type: ignore[no-untyped-def]
           link_dest: str | os.PathLike[str] | None = None) -> BackupSummary:
    """Back up the opened archive ``arc`` into the folder ``dest`` (created, or updated incrementally).

    ``link_dest``: an earlier backup folder; files unchanged since it are hard-linked from it, so a
    series of dated backups costs the space of what changed.
    """
    dest = Path(dest).resolve()
    home = arc.settings.home.resolve()
    earlier = Path(link_dest).resolve() if link_dest is not None else None
    _check_dest(dest, home, earlier)
    dest.mkdir(parents=True, exist_ok=True)
    os.chmod(dest, 0o700)  # the settings may hold passwords
    (dest / MANIFEST).unlink(missing_ok=True)  # from here on the folder is an unfinished backup

    revision = current_revision(arc.engine)
    kind, tables = _dump_database(arc.engine, dest)
    dump = dest / DUMPS[kind].filename
    shas = DUMPS[kind].document_shas(dump)

    blob_root = arc.settings.blob_dir
    earlier_blobs = earlier / BLOBS if earlier is not None else None
    originals = _sync_tree(blob_root / "originals", dest / BLOBS / "originals", content_addressed=True,
                           link_from=earlier_blobs / "originals" if earlier_blobs else None)
    missing = sorted(sha for sha in shas if not (dest / BLOBS / arc.blobs.original_key(sha)).is_file())
    if missing:
        raise ConflictError(
            f"{len(missing)} document original(s) are missing from the blob store, e.g. {missing[0]} "
            "(run `finarchive check`); the backup is unfinished"
        )
    if derived:
        derived_sync = _sync_tree(blob_root / "derived", dest / BLOBS / "derived",
                                  link_from=earlier_blobs / "derived" if earlier_blobs else None)
    else:
        shutil.rmtree(dest / BLOBS / "derived", ignore_errors=True)
        derived_sync = _Sync()
    models = _sync_tree(arc.settings.models_dir, dest / MODELS)
    quarantine = _sync_tree(arc.settings.quarantine_dir, dest / QUARANTINE)
    config = home / CONFIG_NAME
    if config.is_file():
        _copy_file(config, dest / CONFIG_NAME)

    files = {str(p.relative_to(dest)): sha256_file(p)
             for p in [*_files(dest / MODELS), *_files(dest / QUARANTINE), dest / CONFIG_NAME] if p.is_file()}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "finarchive_version": __version__,
        "source_home": str(home),
        "database": {
            "kind": kind,
            "dialect": arc.engine.dialect.name,
            "file": dump.name,
            "sha256": sha256_file(dump),
            "schema_revision": revision,
            "tables": tables,
        },
        "counts": {
            "documents": len(shas),
            "originals": originals.total,
            "derived_files": derived_sync.total,
            "model_files": models.total,
            "quarantine_files": quarantine.total,
        },
        "derived": derived,
        "files": files,
    }
    tmp = dest / (MANIFEST + ".part")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)
    return BackupSummary(
        path=dest, database=kind, schema_revision=revision, documents=len(shas),
        originals=originals.total, originals_copied=originals.copied,
        derived_files=derived_sync.total, derived_copied=derived_sync.copied,
        linked=originals.linked + derived_sync.linked,
        removed=originals.removed + derived_sync.removed + models.removed + quarantine.removed,
        bytes_copied=originals.bytes + derived_sync.bytes + models.bytes + quarantine.bytes,
    )


def backup_tar(arc, dest: str | os.PathLike[str], *, derived: bool = True,  # type: ignore[no-untyped-def]
               link_dest: str | os.PathLike[str] | None = None) -> BackupSummary:
    """Back up ``arc`` into one ``.tar`` file: the backup folder, ``manifest.json`` its last member.

    The folder is built beside ``dest`` first (with ``link_dest``, unchanged files are hard links into
    that earlier backup folder and cost no space), then packed, then renamed into place.
    """
    dest = Path(dest).resolve()
    if dest.exists() and not dest.is_file():
        raise InvalidInputError(f"{dest} exists and is not a file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    part = dest.with_name(dest.name + ".part")
    try:
        root = work / "backup"
        summary = backup(arc, root, derived=derived, link_dest=link_dest)
        with open(part, "wb") as fh:
            os.chmod(part, 0o600)  # the settings may hold passwords
            with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for path in sorted(root.rglob("*")):
                    if path.name != MANIFEST or path.parent != root:
                        tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
                tar.add(root / MANIFEST, arcname=MANIFEST)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return dataclasses.replace(summary, path=dest)


@contextlib.contextmanager
def opened(src: str | os.PathLike[str], scratch: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """The backup folder of ``src``: the folder itself, or a ``.tar`` unpacked into a temporary folder
    (in ``scratch``, default beside the tar) that is removed afterwards."""
    src = Path(src).resolve()
    if not src.is_file():
        yield src
        return
    where = Path(scratch) if scratch is not None else src.parent
    where.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".finarchive-restore-", dir=where))
    try:
        try:
            with tarfile.open(src, mode="r:") as tar:
                tar.extractall(work, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{src} is not a readable backup tar ({exc}); a truncated copy?") from exc
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- verification -------------------------------------------------------------------------------

def read_manifest(src: str | os.PathLike[str]) -> dict[str, Any]:
    src = Path(src)
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} has no {MANIFEST}: not a finarchive backup, or one that did not finish")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: unreadable manifest ({exc})") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: not a finarchive backup of format version {FORMAT_VERSION}")
    return manifest


def verify_backup(src: str | os.PathLike[str]) -> list[str]:
    """Problems of the backup folder ``src``: a damaged dump, file or original, or a missing original."""
    src = Path(src)
    manifest = read_manifest(src)
    db = manifest["database"]
    kind = DUMPS.get(db.get("kind", ""))
    if kind is None:
        return [f"unknown database dump kind {db.get('kind')!r}"]
    dump = src / kind.filename
    if not dump.is_file():
        return [f"the database dump {kind.filename} is missing"]
    problems: list[str] = []
    if sha256_file(dump) != db["sha256"]:
        return [f"the database dump {kind.filename} does not match its SHA-256 in the manifest"]
    for rel, digest in manifest.get("files", {}).items():
        path = src / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif sha256_file(path) != digest:
            problems.append(f"{rel} does not match its SHA-256 in the manifest")
    originals = src / BLOBS / "originals"
    present: set[str] = set()
    for path in _files(originals):
        present.add(path.name)
        if sha256_file(path) != path.name:
            problems.append(f"original {path.relative_to(src)} does not match its hash")
    for sha in sorted(kind.document_shas(dump) - present):
        problems.append(f"the original {sha} of a document is missing")
    return problems


# --- restore ------------------------------------------------------------------------------------

def _is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _check_target(settings: Settings, force: bool, *, home_too: bool = True) -> None:
    home = settings.home
    if home.exists() and not home.is_dir():
        raise ConflictError(f"{home} is not a folder")
    if not force:
        folders = (settings.blob_dir, settings.quarantine_dir, settings.models_dir)
        for folder in ((home, *folders) if home_too else folders):
            if not _is_empty_dir(folder):
                raise ConflictError(f"{folder} is not empty; restore into an empty home or pass --force")


def _database_is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def _restore_sqlite_file(dump: Path, engine: Engine, force: bool) -> None:
    target = _sqlite_path(engine)
    engine.dispose()
    if target.exists() and target.stat().st_size > 0 and not force:
        raise ConflictError(f"the database {target} exists; restore into an empty home or pass --force")
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _upgrade_to(engine: Engine, revision: str | None) -> None:
    from alembic import command

    from archive.db import alembic_config

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision or "head")


def _batches(rows: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    current: str | None = None
    batch: list[dict[str, Any]] = []
    for table, row in rows:
        if table != current or len(batch) >= BATCH:
            if batch and current is not None:
                yield current, batch
            current, batch = table, []
        batch.append(row)
    if batch and current is not None:
        yield current, batch


def _reset_sequences(conn, meta: MetaData) -> None:  # type: ignore[no-untyped-def]
    if conn.dialect.name != "postgresql":
        return
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": column.name}).scalar()
            if seq:
                top = conn.execute(select(func.max(column))).scalar()
                if top is not None:
                    conn.execute(text("SELECT setval(CAST(:s AS regclass), :v)"), {"s": seq, "v": top})


def _load_rows(engine: Engine, rows: Iterable[tuple[str, dict[str, Any]]], revision: str | None) -> None:
    if not _database_is_empty(engine):
        raise ConflictError(f"the database {engine.url.render_as_string()} is not empty; restore needs an empty one")
    _upgrade_to(engine, revision)
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for name, batch in _batches(rows):
            table = meta.tables.get(name)
            if table is None:
                raise BackupError(f"the dump has rows of table {name!r}, which schema {revision} does not have")
            conn.execute(table.insert(), batch)
        _reset_sequences(conn, meta)


def _sqlite_file_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            meta = MetaData()
            meta.reflect(conn)
            for table in meta.sorted_tables:
                if table.name not in SKIP_TABLES:
                    for row in _table_rows(conn, table):
                        yield table.name, row
    finally:
        engine.dispose()


def _restore_database(kind: str, dump: Path, engine: Engine, revision: str | None, force: bool) -> None:
    if kind == "sqlite" and engine.dialect.name == "sqlite":
        _restore_sqlite_file(dump, engine, force)
        return
    if engine.dialect.name == "sqlite" and force:
        path = _sqlite_path(engine)
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    rows = _sqlite_file_rows(dump) if kind == "sqlite" else _jsonl_rows(dump)
    _load_rows(engine, rows, revision)


def _copy_tree(src: Path, dst: Path, *, read_only: bool = False) -> int:
    n = 0
    for path in _files(src):
        target = dst / path.relative_to(src)
        _copy_file(path, target)
        if read_only:
            os.chmod(target, 0o444)
        n += 1
    return n


def restore(src: str | os.PathLike[str], home: str | os.PathLike[str] | None = None, *,
            environ: dict[str, str] | None = None, force: bool = False) -> RestoreSummary:
    """Restore the backup ``src`` (a folder or a ``.tar``) into ``home`` (default FINARCHIVE_HOME).

    Everything is verified before anything is written. The home must be empty (unless ``force``); the
    database named by the restored settings (or by FINARCHIVE_DATABASE_URL) must be empty; it is
    migrated to the newest schema and the search index is rebuilt from it.
    """
    env = dict(os.environ if environ is None else environ)
    settings = Settings.load(home, env)
    _check_target(settings, force)  # before a tar is unpacked
    with opened(src, settings.home.parent) as folder:
        return _restore_folder(folder, settings.home, env, force, label=Path(src).resolve())


def _restore_folder(src: Path, home: Path, env: dict[str, str], force: bool, *, label: Path) -> RestoreSummary:
    from archive.indexing import reindex
    from archive.store import Archive

    manifest = read_manifest(src)
    problems = verify_backup(src)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BackupError(f"the backup {label} is damaged: {problems[0]}{more}; nothing was restored")
    settings = Settings.load(home, env)  # where to, before the backup's settings are in place
    _check_target(settings, force)
    settings.home.mkdir(parents=True, exist_ok=True)
    if (src / CONFIG_NAME).is_file():
        _copy_file(src / CONFIG_NAME, settings.home / CONFIG_NAME)
    settings = Settings.load(settings.home, env)
    _check_target(settings, force, home_too=False)  # the restored settings may put blobs or models elsewhere

    db = manifest["database"]
    engine = make_engine(settings.database_url)
    try:
        _restore_database(db["kind"], src / DUMPS[db["kind"]].filename, engine, db.get("schema_revision"), force)
    finally:
        engine.dispose()
    originals = _copy_tree(src / BLOBS / "originals", settings.blob_dir / "originals", read_only=True)
    derived = _copy_tree(src / BLOBS / "derived", settings.blob_dir / "derived")
    _copy_tree(src / MODELS, settings.models_dir)
    _copy_tree(src / QUARANTINE, settings.quarantine_dir)
    with Archive.init(settings.home, env) as arc:  # makes missing folders, migrates to the newest schema
        indexed = reindex(arc)
        revision = current_revision(arc.engine)
        url = arc.engine.url.render_as_string()
    return RestoreSummary(home=settings.home, database_url=url, documents=int(manifest["counts"]["documents"]),
                          originals=originals, derived_files=derived, indexed=indexed, schema_revision=revision)
