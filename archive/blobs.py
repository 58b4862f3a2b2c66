"""Content-addressed blob store.

``originals/ab/cd/<sha256>`` holds the bytes a user gave, exactly as given, never rewritten.
``derived/ab/cd/<sha256>/`` holds what we made from them: cleaned page images, thumbnails and the
searchable PDF. Paths stored in the database are relative to the store's root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from archive._failpoints import failpoint

CHUNK = 1024 * 1024
INCOMING = ".incoming"  # folder (in the store's root) of blobs being written; emptied at start-up
INCOMING_PREFIX = ".incoming-"


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileChangedError(OSError):
    """The file changed while it was being stored (still being written): taken whole by a later run."""

    reason = "changing"


def _age(path: Path, now: float) -> float:
    try:
        return now - path.lstat().st_mtime
    except OSError:
        return 0.0


class BlobStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _shard(self, sha256: str) -> Path:
        return Path(sha256[:2]) / sha256[2:4]

    def original_key(self, sha256: str) -> str:
        return str(Path("originals") / self._shard(sha256) / sha256)

    def derived_key(self, sha256: str) -> str:
        return str(Path("derived") / self._shard(sha256) / sha256)

    def path(self, key: str) -> Path:
        """Absolute path of a stored key; refuses keys that leave the store."""
        full = (self.root / key).resolve()
        if self.root.resolve() not in full.parents and full != self.root.resolve():
            raise ValueError(f"blob key outside the store: {key!r}")
        return full

    def key_of(self, path: str | os.PathLike[str]) -> str:
        return str(Path(path).resolve().relative_to(self.root.resolve()))

    def has(self, sha256: str) -> bool:
        return self.path(self.original_key(sha256)).exists()

    def put_file(self, source: str | os.PathLike[str], sha256: str | None = None) -> tuple[str, str]:
        """Copy ``source`` in untouched; returns ``(sha256, key)``. An existing blob is never rewritten.

        The copy is written to a temporary file, its hash checked, fsynced, then renamed into place,
        so a crash leaves either no blob or a whole one.
        """
        digest = sha256 or sha256_file(source)
        key = self.original_key(digest)
        target = self.path(key)
        if target.exists():
            return digest, key
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = self.root / INCOMING  # one folder to clean after a crash, on the same file system
        incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=INCOMING_PREFIX, dir=incoming)
        try:
            check = hashlib.sha256()
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    check.update(chunk)
                    dst.write(chunk)
                    dst.flush()
                    failpoint("storing")
                dst.flush()
                os.fsync(dst.fileno())
            if check.hexdigest() != digest:
                raise FileChangedError(f"{source} changed while it was being stored: still being written? "
                                       "It is taken whole by the next run")
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest, key

    def clean_incoming(self, *, older_than: float = 60.0) -> list[Path]:
        """Remove what a crash left half-written in ``.incoming/``: files no process holds open and not
        touched for ``older_than`` seconds (another import may be writing one right now). Returns what
        was removed. (One folder, so start-up never walks the shards.)"""
        from capture.sources import open_files

        incoming = self.root / INCOMING
        candidates = [p for p in incoming.iterdir() if p.name.startswith(INCOMING_PREFIX)] if incoming.is_dir() else []
        now = time.time()
        old = [p for p in candidates if _age(p, now) > older_than]
        held = open_files(old, writing=False)
        removed = []
        for path in old:
            if os.path.realpath(path) not in held:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    def derived_dir(self, sha256: str) -> Path:
        path = self.path(self.derived_key(sha256))
        path.mkdir(parents=True, exist_ok=True)
        return path

    def verify(self, sha256: str) -> bool:
        """True when the stored original still hashes to its name."""
        path = self.path(self.original_key(sha256))
        return path.exists() and sha256_file(path) == sha256

    def copy_out(self, key: str, destination: str | os.PathLike[str]) -> Path:
        dest = Path(destination)
        shutil.copyfile(self.path(key), dest)
        return dest
