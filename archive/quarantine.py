"""Quarantine: files we could not take in, kept with a reason file. Nothing is ever lost."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class QuarantinedFile:
    source: str  # where the file was (path or message reference)
    path: str  # where it is now, in the quarantine folder
    reason: str  # machine code: empty, corrupt, encrypted, oversized, unsupported, ocr_failed, ...
    message: str


def _free_name(folder: Path, name: str) -> Path:
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while candidate.exists() or candidate.with_name(candidate.name + ".reason.txt").exists():
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

    Beside it, ``<name>.reason.txt`` says why, as a short JSON document a person can read.
    """
    folder = quarantine_dir / dt.date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, filename or Path(source).name or "unnamed")
    if move:
        shutil.move(str(source), target)
    else:
        shutil.copy2(source, target)
    info = {
        "reason": reason,
        "message": message,
        "source": str(source),
        "quarantined_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    target.with_name(target.name + ".reason.txt").write_text(
        json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return QuarantinedFile(source=str(source), path=str(target), reason=reason, message=message)
