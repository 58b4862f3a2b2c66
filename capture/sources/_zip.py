"""Unpacking ZIP archives of scans safely: no path escapes, no links, no bombs.

Every member name is checked before anything is written (absolute paths, ``..``, drive letters,
symlinks are refused), and the bytes actually written are counted against a total limit and a
per-member compression-ratio limit rather than trusting the sizes the archive declares.
A hostile archive (a name escaping the folder, a link, a bomb, too many members) is refused whole;
a member that is merely bad — its bytes do not match their CRC, it is protected by a password, it is
packed by a method we lack — is refused alone (:class:`RefusedMember`, with its reason), and the
other members are unpacked as usual: one damaged scan does not hold back a day's batch.
Unpacking goes into ``dest/.unpacking`` and is renamed into place when complete, so an interrupted
unpack is redone and a complete one is reused (same files, same hashes: no duplicates on resume).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from capture.sources._files import is_temporary_name
from capture.sources.exceptions import DamagedArchiveError, UnsafeArchiveError

CHUNK = 1 << 16


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int = 2 * 1024**3  # everything unpacked
    max_members: int = 10_000
    max_ratio: float = 200.0  # unpacked / packed per member; scans compress ~1-10x, bombs ~1000x
    ratio_floor_bytes: int = 1 << 20  # members smaller than this unpacked are never called bombs


@dataclass(frozen=True)
class RefusedMember:
    """A member unpacking could not give whole (its CRC failed, a password, a packing method we lack): its
    name and why. Its bytes are not written: what a person needs is the archive itself, kept."""

    name: str
    reason: str  # corrupt | encrypted | unsupported, as the quarantine's reasons
    message: str


@dataclass(frozen=True)
class Unpacked:
    """The members written, in archive order, and the members refused one by one."""

    files: list[Path]
    refused: list[RefusedMember] = field(default_factory=list)


REFUSED_LIST = ".refused.json"


def _safe_name(name: str) -> PurePosixPath:
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if (not clean or clean.startswith("/") or path.is_absolute() or ".." in path.parts
            or (path.parts and ":" in path.parts[0])):
        raise UnsafeArchiveError(f"member {name!r} would be written outside the folder")
    return path


_UTF8_NAMES = 0x800  # general purpose flag bit 11: the names are UTF-8
_ENCRYPTED = 0x1


def _decode_name(info: zipfile.ZipInfo) -> None:
    """A name stored without the UTF-8 flag is bytes Python read as cp437; a ZIP made on Russian Windows
    (Explorer, old archivers) wrote cp866 there, a Mac UTF-8: read it again as what it is."""
    if info.flag_bits & _UTF8_NAMES:
        return
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return
    try:
        info.filename = raw.decode("utf-8")
    except UnicodeDecodeError:
        info.filename = raw.decode("cp866")


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def check_zip(path: str | os.PathLike[str], limits: ZipLimits = ZipLimits()) -> list[zipfile.ZipInfo]:
    """The members to unpack (files, not folders or temp names); raise for anything unsafe. A member with a
    password is listed all the same: :func:`unpack_zip` refuses it alone."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DamagedArchiveError(f"{Path(path).name}: not a readable ZIP archive ({exc})") from exc
    with zf:
        members = zf.infolist()
        if len(members) > limits.max_members:
            raise UnsafeArchiveError(f"{Path(path).name}: {len(members)} members, more than {limits.max_members}")
        declared = 0
        out = []
        for info in members:
            _decode_name(info)
            _safe_name(info.filename)
            if _is_link(info):
                raise UnsafeArchiveError(f"member {info.filename!r} is a symbolic link")
            if info.is_dir():
                continue
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise UnsafeArchiveError(f"{Path(path).name} unpacks to more than {limits.max_total_bytes} bytes")
            if any(is_temporary_name(part) or part == "__MACOSX" for part in PurePosixPath(info.filename).parts):
                continue
            out.append(info)
        return out


def _copy_limited(src: IO[bytes], dst: IO[bytes], info: zipfile.ZipInfo, budget: int, limits: ZipLimits) -> int:
    written = 0
    ceiling = max(limits.ratio_floor_bytes, int(max(info.compress_size, 1) * limits.max_ratio))
    while chunk := src.read(CHUNK):
        written += len(chunk)
        if written > budget:
            raise UnsafeArchiveError(f"member {info.filename!r}: the archive unpacks to more than allowed")
        if written > ceiling:
            raise UnsafeArchiveError(
                f"member {info.filename!r} unpacks to over {limits.max_ratio:.0f} times its packed size (a ZIP bomb?)"
            )
        dst.write(chunk)
    return written


def _refusal(archive: str, info: zipfile.ZipInfo, exc: BaseException | None) -> tuple[str, str]:
    where = f"{archive}!{info.filename}"
    if exc is None:
        return "encrypted", (f"{where}: файл в архиве защищён паролем / the archive member is protected by a "
                             f"password; send it without one (the other members were taken)")
    if isinstance(exc, NotImplementedError):
        return "unsupported", (f"{where}: packed by a method we cannot unpack ({exc}); repack the archive "
                               f"with Deflate (the other members were taken)")
    return "corrupt", f"{where}: the member is damaged in the archive ({exc}); the other members were taken"


def _load_refused(dest: Path) -> list[RefusedMember]:
    listed = dest / REFUSED_LIST
    if not listed.is_file():
        return []
    return [RefusedMember(name=r["name"], reason=r["reason"], message=r["message"])
            for r in json.loads(listed.read_text(encoding="utf-8"))]


def unpack_zip(path: str | os.PathLike[str], dest: str | os.PathLike[str],
               limits: ZipLimits = ZipLimits()) -> Unpacked:
    """Unpack into ``dest`` (reused if already complete): the files written, in archive order, and the
    members refused alone. Raises for an archive refused whole (unsafe, or not readable as a ZIP at all)."""
    dest = Path(dest)
    members = check_zip(path, limits)
    archive = Path(path).name
    files = [dest / _safe_name(m.filename) for m in members]
    if dest.is_dir() and (dest / ".complete").exists():
        return Unpacked([f for f in files if f.exists()], _load_refused(dest))
    work = dest.with_name(dest.name + ".unpacking")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    budget = limits.max_total_bytes
    written: list[Path] = []
    refused: list[RefusedMember] = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info in members:
                target = work / _safe_name(info.filename)
                if work.resolve() not in target.resolve().parents:
                    raise UnsafeArchiveError(f"member {info.filename!r} would be written outside the folder")
                if info.flag_bits & _ENCRYPTED:
                    reason, message = _refusal(archive, info, None)
                    refused.append(RefusedMember(info.filename, reason, message))
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with zf.open(info) as src, open(target, "wb") as dst:
                        budget -= _copy_limited(src, dst, info, budget, limits)
                except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
                    reason, message = _refusal(archive, info, exc)
                    target.unlink(missing_ok=True)  # what was written before the damage showed is no document
                    refused.append(RefusedMember(info.filename, reason, message))
                    continue
                written.append(dest / _safe_name(info.filename))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # the archive itself is damaged
        shutil.rmtree(work, ignore_errors=True)
        raise DamagedArchiveError(f"{archive}: cannot unpack ({exc})") from exc
    except UnsafeArchiveError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    (work / REFUSED_LIST).write_text(json.dumps(
        [dataclasses.asdict(r) for r in refused],
        ensure_ascii=False), encoding="utf-8")
    (work / ".complete").write_text("ok\n", encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    work.rename(dest)
    return Unpacked(written, _load_refused(dest))
