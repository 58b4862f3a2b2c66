"""Quarantine: files we could not take in, kept with a reason file. Nothing is ever lost."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from finarchive.names import printable


@dataclass(frozen=True)
class QuarantinedFile:
    source: str  # where the file was (path or message reference)
    path: str  # where it is now, in the quarantine folder
    reason: str  # machine code: empty, corrupt, encrypted, oversized, unsupported, ocr_failed, ...
    message: str
    again: bool = False  # the entry was there already: these bytes under this name were quarantined before


# What each reason code means, in Russian: the reason a person reads comes first in the interface's
# language (the project's rule: Russian first), and the reader's own detail (often English) follows it.
REASON_RU: dict[str, str] = {
    "empty": "файл пуст",
    "corrupt": "файл повреждён или недописан",
    "encrypted": "файл защищён паролем: сохраните его без защиты и пришлите снова",
    "active_content": "файл содержит активное содержимое (скрипт, команду запуска)",
    "oversized": "файл слишком велик для чтения (размер или число точек изображения)",
    "unsupported": "формат файла не поддерживается (решает содержимое файла, а не его имя)",
    "ocr_failed": "текст страниц не распознан",
    "ocr_timeout": "распознавание страницы не уложилось во время",
    "page_timeout": "чтение страницы не уложилось во время",
    "timeout": "чтение файла не уложилось во время",
    "unknown_xml": "XML неизвестного формата (не ЭДО УПД или счёт-фактура)",
    "invalid_xml": "XML повреждён или не соответствует формату",
    "unsafe_archive": "архив небезопасен (пути вне архива, слишком сильное сжатие)",
    "changing": "файл менялся во время чтения: пришлите его, когда он будет дописан",
    "unreadable": "файл не читается",
    "read_failed": "файл не удалось прочитать",
    "vanished": "файл исчез до того, как был принят",
}
_CYRILLIC = re.compile("[А-Яа-яЁё]")


def russian_first(reason: str, message: str, *names: str) -> str:
    """``message`` led by what ``reason`` means in Russian, unless it is Russian first already: its first word
    is, or it is «по-русски / in English» (the file's ``names``, which may be Cyrillic, do not count; a Russian
    word later on, «ЭДО» in a list of formats, does not make it Russian). A reason without a Russian text
    keeps its message."""
    said = message
    for name in names:
        if name:
            said = said.replace(name, "")
    ru = REASON_RU.get(reason)
    first = next((ch for ch in said if ch.isalpha()), "")
    before, bilingual, _ = said.partition(" / ")  # the project's «по-русски / in English»
    if ru is None or _CYRILLIC.fullmatch(first) or (bilingual and _CYRILLIC.search(before)):
        return message
    return f"{ru} / {message}" if message else ru


CHUNK = 1 << 20
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
    stem, suffix = os.path.splitext(name)
    candidate = folder / name
    n = 1
    while candidate.exists() or candidate.with_name(candidate.name + REASON_SUFFIX).exists():
        candidate = folder / f"{stem}.{n}{suffix}"
        n += 1
    return candidate


def _entry_name(name: str) -> str:
    return _shorten(printable(name).replace("/", "_")) or "unnamed"  # the name the ledger shows is its real one


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _same_entry(quarantine_dir: Path, name: str, sha256: str) -> Path | None:
    """The copy already in the quarantine (any day) of these bytes under this name: ``<day>/<name>`` or
    ``<day>/<stem>.N<suffix>``, its SHA-256 read from its reason file (or its bytes, when that is missing)."""
    stem, suffix = os.path.splitext(name)
    for day in sorted(quarantine_dir.iterdir()) if quarantine_dir.is_dir() else ():
        if not day.is_dir() or day.name.startswith("."):
            continue
        candidate, n = day / name, 1
        while candidate.is_file():
            known = ""
            with contextlib.suppress(OSError, ValueError, AttributeError):
                known = json.loads(candidate.with_name(candidate.name + REASON_SUFFIX)
                                   .read_text(encoding="utf-8")).get("sha256", "")
            with contextlib.suppress(OSError):
                if (known or _hash(candidate)) == sha256:
                    return candidate
            candidate = day / f"{stem}.{n}{suffix}"
            n += 1
    return None


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The quarantine to oneself: names are looked up and taken by one process (or thread) at a time."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _copy_into(source: Path, folder: Path) -> tuple[Path, str]:
    """``source`` copied (hashed on the way, fsynced) into a hidden temporary file in ``folder``."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        with contextlib.suppress(OSError):
            shutil.copystat(source, tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), digest.hexdigest()


def _write_reason(target: Path, info: dict[str, str]) -> None:
    reason_file = target.with_name(target.name + REASON_SUFFIX)
    tmp = reason_file.with_name(f".{reason_file.name}.tmp")
    tmp.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(reason_file)


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

    Idempotent: the same bytes under the same name quarantined again (a rerun, a rescanned inbox, two
    imports at once) are the entry made the first time (``again``), on whatever day that was; a moved
    source is then removed, its bytes being there. Another file of that name gets a name of its own
    (``<stem>.N<suffix>``): nothing in the quarantine is ever overwritten. The copy is complete and on
    disk before it has its name, and a moved source is removed only after that.
    """
    src = Path(source)
    message = russian_first(reason, message, filename or "", src.name)
    folder = quarantine_dir / dt.date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    original_name = filename or src.name or "unnamed"
    name = _entry_name(original_name)
    tmp: Path | None = None
    sha256: str | None = None
    try:
        if move:
            with contextlib.suppress(OSError):  # an unreadable file is moved all the same, not compared
                sha256 = _hash(src)
        else:
            tmp, sha256 = _copy_into(src, folder)
        with _locked(quarantine_dir):
            existing = _same_entry(quarantine_dir, name, sha256) if sha256 else None
            target = existing or _free_name(folder, name)
            if existing is None:
                if tmp is not None:
                    os.rename(tmp, target)
                    tmp = None
                else:
                    try:
                        os.rename(src, target)  # the same file system: the user's file itself, at once
                    except OSError as exc:
                        if exc.errno != errno.EXDEV:
                            raise
                        tmp, _ = _copy_into(src, folder)
                        os.rename(tmp, target)
                        tmp = None
                        src.unlink()
            elif move:
                src.unlink()  # its bytes are in the quarantine already
            info = {
                "reason": reason,
                "filename": printable(original_name),
                "message": printable(message),
                "source": printable(str(source)),
                "quarantined_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                **(extra or {}),
                **({"sha256": sha256} if sha256 else {}),
            }
            reason_file = target.with_name(target.name + REASON_SUFFIX)
            if existing is not None and reason_file.is_file():
                with contextlib.suppress(OSError, ValueError):
                    before = json.loads(reason_file.read_text(encoding="utf-8"))
                    info["quarantined_at"] = before.get("quarantined_at", info["quarantined_at"])
                    if all(before.get(k) == info[k] for k in ("reason", "message")):
                        info = {}  # the same entry, the same reason: nothing to write
            if info:
                _write_reason(target, info)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return QuarantinedFile(source=str(source), path=str(target), reason=reason, message=message,
                           again=existing is not None)
