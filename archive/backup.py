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
before it commits its document, so every document in the snapshot finds its original. A backup never
changes an earlier one: the new backup is built beside the folder, its unchanged files hard links into
the earlier backup, verified, and then swapped in (one rename), so a backup that fails leaves the
earlier one whole; an original the archive lost or damaged is kept from the earlier backup. Every file
is listed in the manifest with its SHA-256; a key kept outside the backup may sign it. Restore takes
nothing the manifest does not list, follows no link, and checks each file as it writes it.
See docs/backup.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import errno
import fcntl
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from archive.blobs import CHUNK, BlobStore, sha256_file
from archive.config import CONFIG_NAME, Settings
from archive.counts import create_triggers, drop_triggers, recount
from archive.db import current_revision, make_engine
from finarchive import __version__
from finarchive.errors import ConfigurationError, ConflictError, DiskFullError, InvalidInputError

MANIFEST = "manifest.json"
FORMAT = "finarchive-backup"
FORMAT_VERSION = 2  # 2: every file (derived ones too) and every original listed; an optional signature
SIGNATURE_ALG = "hmac-sha256"
SQLITE_DUMP = "database.sqlite"
JSONL_DUMP = "database.jsonl"
BLOBS = "blobs"
MODELS = "models"
QUARANTINE = "quarantine"
BATCH = 500
SKIP_TABLES = frozenset({"alembic_version"})
COUNTS_TABLE = "archive_count"
_ORIGINAL_KEYS = BlobStore(".")  # only its key layout: originals/ab/cd/<sha256>


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
    bytes_copied: int
    signed: bool = False
    # originals the archive lost or damaged, each kept from an earlier backup: the backup is whole, the
    # archive is not (`finarchive check`)
    archive_problems: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["path"] = str(self.path)
        out["archive_problems"] = list(self.archive_problems)
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
    """Every regular file under ``root`` (none when it is missing), skipping half-written temp files.

    Symbolic links are never followed nor taken: the archive's own trees hold none.
    """
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".incoming-") and not path.is_symlink():
                yield path


def _copy_hashed(src: Path, dst: Path, expected: str | None = None) -> str:
    """Copy ``src`` to ``dst`` (through a temporary name, fsynced) and return the SHA-256 of what was copied.

    With ``expected``, bytes hashing otherwise are never put in place (:class:`_HashMismatch`). A link at
    ``src`` is refused, not followed. Mode and times are kept.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=dst.parent)
    try:
        digest = hashlib.sha256()
        src_fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(src_fd, "rb") as fin, os.fdopen(fd, "wb") as fout:
            for chunk in iter(lambda: fin.read(CHUNK), b""):
                digest.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
            st = os.fstat(fin.fileno())
        if expected is not None and digest.hexdigest() != expected:
            raise _HashMismatch(f"{src} does not match its SHA-256 {expected}")
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.chmod(tmp, st.st_mode & 0o777)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


class _HashMismatch(OSError):
    """A file's bytes are not those its hash names."""


def _same(src: Path, dst: Path) -> bool:
    if not dst.is_file() or dst.is_symlink():
        return False
    a, b = src.stat(), dst.stat()
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _unchanged(path: Path, other: Path, content_addressed: bool) -> bool:
    if content_addressed:  # the name is the hash: the same name and size is the same file
        return other.is_file() and not other.is_symlink() and other.stat().st_size == path.stat().st_size
    return _same(path, other)


def _link(source: Path, target: Path) -> bool:
    """Hard-link ``target`` to ``source`` (a file of an earlier backup); False when the file system refuses."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        return False
    return True


@dataclass
class _Tree:
    """What one tree of a new backup received: counts, and the SHA-256 of each file (by path in the backup)."""

    copied: int = 0
    linked: int = 0
    total: int = 0
    bytes: int = 0
    hashes: dict[str, str] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # copied in this run (the others are hard links)


@dataclass(frozen=True)
class _Earlier:
    """An earlier backup folder whose unchanged files a new backup hard-links: the folder itself being
    replaced, or ``--link-dest``. ``hashes``: its manifest's SHA-256 of each file."""

    root: Path
    hashes: dict[str, str]


def _take_tree(src: Path, stage: Path, rel_root: str, earlier: list[_Earlier], *,
               content_addressed: bool = False) -> _Tree:
    """Put every file of the live tree ``src`` into ``stage/rel_root``: hard-linked from an earlier backup
    when unchanged there, else copied with its hash taken on the way. A content-addressed file (an
    original) that does not hash to its name is not taken: it is listed in ``damaged``."""
    out = _Tree()
    for path in _files(src):
        rel = f"{rel_root}/{path.relative_to(src).as_posix()}"
        target = stage / rel
        known = path.name if content_addressed else None
        taken = False
        for other in earlier:
            digest = known or other.hashes.get(rel)
            if digest and _unchanged(path, other.root / rel, content_addressed) and _link(other.root / rel, target):
                out.linked += 1
                out.hashes[rel] = digest
                taken = True
                break
        if not taken:
            try:
                digest = _copy_hashed(path, target, expected=known)
            except _HashMismatch:
                out.damaged.append(rel)
                continue
            except FileNotFoundError:  # removed from the archive while we walked it
                continue
            out.copied += 1
            out.written.add(rel)
            out.bytes += target.stat().st_size
            out.hashes[rel] = digest
        out.total += 1
    return out


def _carry_original(rel: str, stage: Path, earlier: list[_Earlier]) -> bool:
    """Put an earlier backup's copy of the original ``rel`` into the new backup, if one still hashes to its
    name: what the archive lost or damaged is not lost from its backups."""
    sha = rel.rsplit("/", 1)[-1]
    for other in earlier:
        copy = other.root / rel
        if copy.is_file() and not copy.is_symlink() and sha256_file(copy) == sha:
            if not _link(copy, stage / rel):
                _copy_hashed(copy, stage / rel, expected=sha)
            return True
    return False


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


def _table_rows(conn, table) -> Iterator[dict[str, Any]]:
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


# --- the manifest's signature --------------------------------------------------------------------

def read_key(path: str | os.PathLike[str]) -> bytes:
    """The secret of a key file (any bytes, at least 16; e.g. ``head -c 32 /dev/urandom > backup.key``)."""
    try:
        key = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"the backup key {path} cannot be read ({exc.strerror or exc})") from exc
    if len(key.strip()) < 16:
        raise ConfigurationError(f"the backup key {path} is too short: at least 16 bytes of secret")
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"finarchive-backup-key-id\0" + key).hexdigest()[:16]


def _signed_bytes(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_manifest(manifest: dict[str, Any], key: bytes) -> dict[str, Any]:
    """``manifest`` with its HMAC-SHA256 under ``key``: whoever changes the backup and recomputes the hashes
    in its manifest cannot recompute this without the key, which is kept outside the backup."""
    mac = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    return {**manifest, "signature": {"alg": SIGNATURE_ALG, "key_id": _key_id(key), "hmac": mac}}


def signature_problems(manifest: dict[str, Any], key: bytes | None) -> list[str]:
    """Why the manifest's signature does not prove it unchanged under ``key`` (none when it does)."""
    sig = manifest.get("signature")
    if key is None:
        if sig:
            return [f"the manifest is signed (key id {sig.get('key_id')}): give its key (--key) to verify it"]
        return []
    if not isinstance(sig, dict) or sig.get("alg") != SIGNATURE_ALG:
        return ["the manifest is not signed, but a key was given: it may have been rewritten"]
    if sig.get("key_id") != _key_id(key):
        return [f"the manifest is signed with another key (key id {sig.get('key_id')}, this key {_key_id(key)})"]
    expected = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(sig.get("hmac", ""))):
        return ["the manifest's signature does not match: the backup was changed after it was made"]
    return []


# --- backup -------------------------------------------------------------------------------------

def _check_dest(dest: Path, home: Path, earlier: Path | None, key_file: Path | None) -> None:
    if earlier is not None and not (earlier / MANIFEST).is_file():
        raise InvalidInputError(f"--link-dest {earlier}: not a finished finarchive backup (no {MANIFEST})")
    if earlier == dest:
        raise InvalidInputError("--link-dest names the backup folder itself")
    if dest == home or home in dest.parents:
        raise InvalidInputError(f"the backup folder {dest} must lie outside the archive's home {home}")
    if key_file is not None and (key_file == dest or dest in key_file.parents):
        raise InvalidInputError(f"the backup key {key_file} must be kept outside the backup folder")
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise InvalidInputError(f"{dest} is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MANIFEST).exists() and not (dest / BLOBS).exists():
        raise ConflictError(f"{dest} is not empty and holds no finarchive backup; choose an empty folder")


@contextlib.contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """One backup into ``dest`` at a time (a lock file beside it)."""
    lock = dest.parent / f".{dest.name}.lock"
    with open(lock, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConflictError(f"another backup into {dest} is running") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _recover(dest: Path) -> None:
    """Undo what a killed backup left beside ``dest``: an unfinished new backup is removed; a previous backup
    moved aside for the swap (where the file system cannot exchange two folders) is moved back."""
    for stale in dest.parent.glob(f".{dest.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in sorted(dest.parent.glob(f".{dest.name}.old-*")):
        if not dest.exists() and (old / MANIFEST).is_file():
            os.rename(old, dest)
        else:
            shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _swap_in(stage: Path, dest: Path) -> None:
    """Put the finished, verified backup ``stage`` at ``dest``; the previous backup ends up at ``stage``."""
    if not dest.exists():
        os.rename(stage, dest)
        return
    if _exchange(stage, dest):
        return
    aside = dest.with_name(f".{dest.name}.old-{stage.name.rsplit('-', 1)[-1]}")
    os.rename(dest, aside)  # a kill here leaves both backups whole; the next run moves this one back
    os.rename(stage, dest)
    os.rename(aside, stage)


def _earlier(folder: Path | None) -> _Earlier | None:
    """An earlier backup to link from, with its manifest's hashes (none for a folder without a manifest)."""
    if folder is None or not folder.is_dir():
        return None
    try:
        manifest = read_manifest(folder)
    except BackupError:
        return _Earlier(folder, {})  # unfinished: only its originals (named by their hash) are linked
    return _Earlier(folder, dict(manifest.get("files", {})))


@contextlib.contextmanager
def _disk_full_said(what: str) -> Iterator[None]:
    """A full disk (or quota) while backing up or restoring, said as :class:`DiskFullError` (exit 12):
    ``what`` tells what was left as it was."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        raise DiskFullError(f"Диск заполнен / no space left on the device{where}: {what}") from exc


def backup(arc, dest: str | os.PathLike[str], *, derived: bool = True,
           link_dest: str | os.PathLike[str] | None = None, key_file: str | os.PathLike[str] | None = None,
           ) -> BackupSummary:
    """Back up the opened archive ``arc`` into the folder ``dest``, replacing an earlier backup there.

    The new backup is built beside ``dest`` (files unchanged since the earlier backup, or since
    ``link_dest``, are hard links into it), verified, and only then swapped in: until that moment
    nothing of the earlier backup is changed. An original that is missing from the archive or no longer
    matches its hash is taken from the earlier backup when that has a good copy (the backup is complete;
    ``archive_problems`` lists it); when no backup has it, nothing is swapped in and ConflictError says so.
    ``key_file``: the manifest is signed with this key (kept outside the backup).
    """
    dest = Path(dest).absolute()
    home = arc.settings.home.resolve()
    earlier_dest = Path(link_dest).resolve() if link_dest is not None else None
    key_path = Path(key_file).resolve() if key_file is not None else None
    _check_dest(dest, home, earlier_dest, key_path)
    key = read_key(key_path) if key_path is not None else None
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest):
        _recover(dest)
        earlier = [e for e in (_earlier(dest), _earlier(earlier_dest)) if e is not None]
        stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))  # mode 700: passwords
        try:
            with _disk_full_said(f"the new backup was not finished and is removed; {dest} is as it was"):
                summary, written = _build(arc, stage, home, earlier, derived=derived, key=key)
            problems = verify_backup(stage, key, fresh=written)
            if problems:
                raise ConflictError(f"the new backup did not verify ({problems[0]}); {dest} was left as it was")
            _swap_in(stage, dest)
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # the unfinished new backup, or the replaced one
    return dataclasses.replace(summary, path=dest)


def _build(arc, stage: Path, home: Path, earlier: list[_Earlier], *,
           derived: bool, key: bytes | None) -> tuple[BackupSummary, set[str]]:
    """The new backup in ``stage``; its summary, and the files copied (not linked) into it."""
    revision = current_revision(arc.engine)
    kind, tables = _dump_database(arc.engine, stage)
    dump = stage / DUMPS[kind].filename
    shas = DUMPS[kind].document_shas(dump)

    blob_root = arc.settings.blob_dir
    originals = _take_tree(blob_root / "originals", stage, f"{BLOBS}/originals", earlier, content_addressed=True)
    archive_problems = [f"the original {rel.rsplit('/', 1)[-1]} in the archive does not match its hash"
                        for rel in originals.damaged]
    carried, lost = [], []
    for sha in sorted(shas):
        rel = f"{BLOBS}/{_ORIGINAL_KEYS.original_key(sha)}"
        if rel in originals.hashes:
            continue
        if _carry_original(rel, stage, earlier):
            carried.append(sha)
            originals.hashes[rel] = sha
            originals.written.add(rel)
            originals.total += 1
        else:
            lost.append(sha)
    archive_problems += [f"the original {sha} of a document is missing from the archive or damaged there; "
                         "the earlier backup's good copy was kept" for sha in carried]
    if lost:
        raise ConflictError(
            f"{len(lost)} document original(s) are missing or damaged in the archive and in every earlier "
            f"backup, e.g. {lost[0]} (run `finarchive check`); the earlier backup was left as it was"
        )
    trees = [_take_tree(blob_root / "derived", stage, f"{BLOBS}/derived", earlier)] if derived else []
    models = _take_tree(arc.settings.models_dir, stage, MODELS, earlier)
    quarantine = _take_tree(arc.settings.quarantine_dir, stage, QUARANTINE, earlier)
    files = {**models.hashes, **quarantine.hashes}
    for tree in trees:
        files.update(tree.hashes)
    config = home / CONFIG_NAME
    if config.is_file():
        files[CONFIG_NAME] = _copy_hashed(config, stage / CONFIG_NAME)
    derived_tree = trees[0] if trees else _Tree()
    manifest: dict[str, Any] = {
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
            "derived_files": derived_tree.total,
            "model_files": models.total,
            "quarantine_files": quarantine.total,
        },
        "derived": derived,
        "originals": sorted(rel.rsplit("/", 1)[-1] for rel in originals.hashes),
        "files": dict(sorted(files.items())),
    }
    if key is not None:
        manifest = sign_manifest(manifest, key)
    tmp = stage / (MANIFEST + ".part")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, stage / MANIFEST)
    summary = BackupSummary(
        path=stage, database=kind, schema_revision=revision, documents=len(shas),
        originals=originals.total, originals_copied=originals.copied,
        derived_files=derived_tree.total, derived_copied=derived_tree.copied,
        linked=originals.linked + derived_tree.linked + models.linked + quarantine.linked,
        bytes_copied=originals.bytes + derived_tree.bytes + models.bytes + quarantine.bytes,
        signed=key is not None, archive_problems=tuple(archive_problems),
    )
    written = {CONFIG_NAME, *originals.written, *models.written, *quarantine.written}
    for tree in trees:
        written |= tree.written
    return summary, written


def backup_tar(arc, dest: str | os.PathLike[str], *, derived: bool = True,
               link_dest: str | os.PathLike[str] | None = None,
               key_file: str | os.PathLike[str] | None = None) -> BackupSummary:
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
        unfinished = f"the new backup was not finished and is removed; {dest} is as it was"
        try:
            summary = backup(arc, root, derived=derived, link_dest=link_dest, key_file=key_file)
        except DiskFullError as exc:  # said of the folder it is built in: say it of the tar
            raise DiskFullError(f"Диск заполнен / no space left on the device: {unfinished}") from exc.__cause__
        with _disk_full_said(unfinished), open(part, "wb") as fh:
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
    if path.is_symlink() or not path.is_file():
        raise BackupError(f"{src} has no {MANIFEST}: not a finarchive backup, or one that did not finish")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: unreadable manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not a finarchive backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: a backup of format version {manifest.get('format_version')}, this finarchive "
                          f"reads version {FORMAT_VERSION} (an older backup lists no hash of its derived files: "
                          "make a new backup with this version)")
    return manifest


def _expected_paths(manifest: dict[str, Any], dump_name: str) -> dict[str, str | None]:
    """Every file the backup must hold, by path, with its SHA-256 (None for the dump, checked apart)."""
    out: dict[str, str | None] = {MANIFEST: None, dump_name: None}
    for sha in manifest.get("originals", []):
        out[f"{BLOBS}/{_ORIGINAL_KEYS.original_key(str(sha))}"] = str(sha)
    out.update({str(rel): str(digest) for rel, digest in manifest.get("files", {}).items()})
    return out


def _unexpected_entries(src: Path, expected: dict[str, str | None]) -> list[str]:
    """Links, devices, FIFOs and files the manifest does not list: a restore takes none of them."""
    problems = []
    for dirpath, dirnames, filenames in os.walk(src):
        base = Path(dirpath)
        for name in sorted(dirnames):
            if (base / name).is_symlink():
                problems.append(f"{(base / name).relative_to(src).as_posix()} is a symbolic link")
        for name in sorted(filenames):
            path = base / name
            rel = path.relative_to(src).as_posix()
            if path.is_symlink():
                problems.append(f"{rel} is a symbolic link")
            elif not path.is_file():
                problems.append(f"{rel} is not a regular file")
            elif rel not in expected:
                problems.append(f"{rel} is not in the manifest")
    return problems


def verify_backup(src: str | os.PathLike[str], key: bytes | None = None, *,
                  fresh: set[str] | None = None) -> list[str]:
    """Problems of the backup folder ``src``; none when it is whole and unchanged.

    Checks the manifest's signature (with ``key``; a signed manifest needs it), the database dump and
    every listed file against their SHA-256, every original against its name, that every document has
    its original, and that the folder holds nothing else (no link, no unlisted file). ``fresh``: check
    the hashes of only these files (the backup command: the others are hard links to the files of the
    earlier backup, and an original is linked only under its own name); the dump's is always checked.
    """
    src = Path(src)
    manifest = read_manifest(src)
    problems = signature_problems(manifest, key)
    db = manifest["database"]
    kind = DUMPS.get(db.get("kind", ""))
    if kind is None:
        return [*problems, f"unknown database dump kind {db.get('kind')!r}"]
    dump = src / kind.filename
    if dump.is_symlink() or not dump.is_file():
        return [*problems, f"the database dump {kind.filename} is missing"]
    if sha256_file(dump) != db["sha256"]:
        return [*problems, f"the database dump {kind.filename} does not match its SHA-256 in the manifest"]
    expected = _expected_paths(manifest, kind.filename)
    problems += _unexpected_entries(src, expected)
    originals = {str(sha) for sha in manifest.get("originals", [])}
    for rel, digest in expected.items():
        if digest is None:
            continue
        path = src / rel
        if path.is_symlink() or not path.is_file():
            problems.append(f"{rel} is missing")
        elif (fresh is None or rel in fresh) and sha256_file(path) != digest:
            what = f"original {rel}" if rel.startswith(f"{BLOBS}/originals/") else rel
            problems.append(f"{what} does not match its " + ("hash" if digest in originals else
                                                              "SHA-256 in the manifest"))
    for sha in sorted(kind.document_shas(dump) - originals):
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


def _reset_sequences(conn, meta: MetaData) -> None:
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
        # schema 0014 on: the counts kept by triggers are rows of the dump like any other (taken in the dump's
        # one snapshot), so the triggers are off while the rows go in, or they would count every row again
        # (the migration's own count of the empty database is replaced by the dump's)
        counted = COUNTS_TABLE in meta.tables
        if counted:
            drop_triggers(conn)
            conn.execute(meta.tables[COUNTS_TABLE].delete())
        dumped_counts = False
        for name, batch in _batches(rows):
            table = meta.tables.get(name)
            if table is None:
                raise BackupError(f"the dump has rows of table {name!r}, which schema {revision} does not have")
            conn.execute(table.insert(), batch)
            dumped_counts = dumped_counts or name == COUNTS_TABLE
        if counted:
            if not dumped_counts:  # a dump without them: counted from the restored rows
                recount(Session(bind=conn))
            create_triggers(conn)
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


def _restore_files(src: Path, manifest: dict[str, Any], prefix: str, dst: Path, *, read_only: bool = False) -> int:
    """Copy the files the manifest lists under ``prefix`` into ``dst``, each checked against its SHA-256 as
    it is written (a file changed since the verification is never put in place)."""
    n = 0
    for rel, digest in _expected_paths(manifest, "").items():
        if digest is None or not rel.startswith(prefix + "/"):
            continue
        target = dst / rel[len(prefix) + 1:]
        try:
            _copy_hashed(src / rel, target, expected=digest)
        except (_HashMismatch, FileNotFoundError) as exc:
            raise BackupError(f"{rel} changed while it was restored ({exc}); the restore into {dst} is "
                              "incomplete: remove it and restore again") from exc
        if read_only:
            os.chmod(target, 0o444)
        n += 1
    return n


def restore(src: str | os.PathLike[str], home: str | os.PathLike[str] | None = None, *,
            environ: dict[str, str] | None = None, force: bool = False,
            key_file: str | os.PathLike[str] | None = None) -> RestoreSummary:
    """Restore the backup ``src`` (a folder or a ``.tar``) into ``home`` (default FINARCHIVE_HOME).

    Everything is verified before anything is written, and every file again as it is written; links and
    files the manifest does not list are refused. ``key_file``: the key the manifest was signed with.
    The home must be empty (unless ``force``); the
    database named by the restored settings (or by FINARCHIVE_DATABASE_URL) must be empty; it is
    migrated to the newest schema and the search index is rebuilt from it.
    """
    env = dict(os.environ if environ is None else environ)
    settings = Settings.load(home, env)
    key = read_key(key_file) if key_file is not None else None
    _check_target(settings, force)  # before a tar is unpacked
    with _disk_full_said(f"the restore into {settings.home} is not complete: free some space and restore "
                         "again (with --force)"), opened(src, settings.home.parent) as folder:
        return _restore_folder(folder, settings.home, env, force, key, label=Path(src).resolve())


def _restore_folder(src: Path, home: Path, env: dict[str, str], force: bool, key: bytes | None, *,
                    label: Path) -> RestoreSummary:
    from archive.indexing import reindex
    from archive.store import Archive

    manifest = read_manifest(src)
    problems = verify_backup(src, key)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BackupError(f"the backup {label} is damaged: {problems[0]}{more}; nothing was restored")
    settings = Settings.load(home, env)  # where to, before the backup's settings are in place
    _check_target(settings, force)
    settings.home.mkdir(parents=True, exist_ok=True)
    if CONFIG_NAME in manifest["files"]:
        _copy_hashed(src / CONFIG_NAME, settings.home / CONFIG_NAME, expected=manifest["files"][CONFIG_NAME])
    settings = Settings.load(settings.home, env)
    _check_target(settings, force, home_too=False)  # the restored settings may put blobs or models elsewhere

    db = manifest["database"]
    engine = make_engine(settings.database_url)
    # the dump is read from a copy checked against its hash as it was made: not from the backup, which
    # might have changed since it was verified
    fd, name = tempfile.mkstemp(prefix=".restore-dump-", dir=settings.home)
    os.close(fd)
    dump = Path(name)
    try:
        try:
            _copy_hashed(src / DUMPS[db["kind"]].filename, dump, expected=db["sha256"])
        except _HashMismatch as exc:
            raise BackupError(f"the database dump changed while it was restored ({exc}); nothing was restored") \
                from exc
        _restore_database(db["kind"], dump, engine, db.get("schema_revision"), force)
    finally:
        engine.dispose()
        dump.unlink(missing_ok=True)
    originals = _restore_files(src, manifest, f"{BLOBS}/originals", settings.blob_dir / "originals", read_only=True)
    derived = _restore_files(src, manifest, f"{BLOBS}/derived", settings.blob_dir / "derived")
    _restore_files(src, manifest, MODELS, settings.models_dir)
    _restore_files(src, manifest, QUARANTINE, settings.quarantine_dir)
    with Archive.init(settings.home, env) as arc:  # makes missing folders, migrates to the newest schema
        indexed = reindex(arc)
        revision = current_revision(arc.engine)
        url = arc.engine.url.render_as_string()
    return RestoreSummary(home=settings.home, database_url=url, documents=int(manifest["counts"]["documents"]),
                          originals=originals, derived_files=derived, indexed=indexed, schema_revision=revision)
