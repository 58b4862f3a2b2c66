"""Quarantine: files we could not take in, kept with a reason file. Nothing is ever lost."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from finarchive.names import printable


@dataclass(frozen=True)
class QuarantinedFile:
    source: str  # where the file was (path or message reference)
    path: str  # where it is now, in the quarantine folder
    reason: str  # machine code: empty, corrupt, encrypted, oversized, unsupported, ocr_failed, ...
    message: str


REASON_SUFFIX = ".reason.txt"
NAME_MAX = 255  # bytes in one file name (ext4, XFS, btrfs, tmpfs)
_ROOM = len(REASON_SUFFIX) + len(".999")  # the reason file's suffix, and a counter for a name taken twice


def _shorten(name: str, limit: int = NAME_MAX - _ROOM) -> str:
    """``name`` cut (in its stem, at a character boundary) to at most ``limit`` bytes of UTF-8."""
    if len(os.fsencode(name)) <= limit:
        return name
    stem, suffix = os.path.splitext(name)
    if len(os.fsencode(suffix)) > 16:
        stem, suffix = name, ""
    room = limit - len(os.fsencode(suffix)) - len("…".encode())
    cut = os.fsencode(stem)[:max(room, 1)].decode("utf-8", errors="ignore")
    return f"{cut}…{suffix}"


def _free_name(folder: Path, name: str) -> Path:
    name = _shorten(printable(name).replace("/", "_")) or "unnamed"  # the name the ledger shows is its real one
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while candidate.exists() or candidate.with_name(candidate.name + REASON_SUFFIX).exists():
        candidate = folder / f"{stem}.{n}{suffix}"
        n += 1
    return candidate


def quarantine_file(
    quarantine_dir: Path,
    source: str | os.PathLike[str],
    *,
    reason: str,
    message: str,
    move: bool = False,
    filename: str | None = None,
    extra: dict[str, str] | None = None,
) -> QuarantinedFile:
    """Put a copy of ``source`` (or the file itself when ``move``) into ``quarantine/<date>/``.

    Beside it, ``<name>.reason.txt`` says why, as a short JSON document a person can read. A name too
    long for the file system with that suffix is shortened (the reason file keeps the whole name).
    """
    folder = quarantine_dir / dt.date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    original_name = filename or Path(source).name or "unnamed"
    target = _free_name(folder, original_name)
    if move:
        shutil.move(str(source), target)
    else:
        shutil.copy2(source, target, follow_symlinks=False)
    info = {
        "reason": reason,
        "filename": printable(original_name),
        "message": printable(message),
        "source": printable(str(source)),
        "quarantined_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    target.with_name(target.name + REASON_SUFFIX).write_text(
        json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return QuarantinedFile(source=str(source), path=str(target), reason=reason, message=message)
