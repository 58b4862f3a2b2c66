"""Reading ZIP archives of scans safely: member bytes only, no paths, no links, no bombs.

A member's name is never a path: each member's bytes are read (a stream, counted) into a file the unpacker
names itself (``0003.pdf``: its number, a plain suffix) in ``dest``, and the name is kept beside it as what
the member is called (for the manifest, the ledger, the document's file name). So nothing an archive says
reaches the file system: no ``..``, no absolute or drive path, no link, no folder made. A member that is bad
is refused alone (:class:`RefusedMember`, with its reason) and the others are read as usual: its name
points outside the archive, it is a symbolic link, it unpacks to over ``max_ratio`` times its packed size
(declared, or counted while reading: a ZIP bomb), to more bytes than it declares (a forged header), or past
the archive's ``max_total_bytes``; its bytes fail their CRC, it needs a password, it is packed by a method
we lack. Refused whole: an archive that is no readable ZIP, has over ``max_members`` members, or over
``max_refused`` refused members (each refused member is a quarantine entry holding a copy of the archive).
Reading goes into ``dest.unpacking`` and is renamed into place when complete, so an interrupted unpack is
redone and a complete one is reused (same files, same hashes: no duplicates on resume).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from capture.executor import progress
from capture.sources._files import is_temporary_name
from capture.sources.exceptions import DamagedArchiveError, UnsafeArchiveError

CHUNK = 1 << 16


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int = 2 * 1024**3  # everything unpacked
    max_members: int = 10_000
    max_ratio: float = 200.0  # unpacked / packed per member; scans compress ~1-10x, bombs ~1000x
    ratio_floor_bytes: int = 1 << 20  # members smaller than this unpacked are never called bombs
    max_refused: int = 100  # more refused members than this: the archive is refused whole


@dataclass(frozen=True)
class RefusedMember:
    """A member the unpacker did not give (a name outside the archive, a link, a bomb, its CRC failed, a
    password, a packing method we lack): its name and why. Its bytes are not written: what a person needs
    is the archive itself, kept."""

    name: str
    reason: str  # unsafe_archive | oversized | corrupt | encrypted | unsupported, as the quarantine's reasons
    message: str


@dataclass(frozen=True)
class Member:
    """A member read: its name in the archive (``/``-separated, as given) and the file of ours holding its bytes."""

    name: str
    path: Path


@dataclass(frozen=True)
class Unpacked:
    """The members read, in archive order, and the members refused one by one."""

    members: list[Member]
    refused: list[RefusedMember] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [m.path for m in self.members]


MEMBERS_LIST = ".members.json"
REFUSED_LIST = ".refused.json"


def _name_problem(name: str) -> str | None:
    """Why a member's name is refused (it points outside the archive), or None."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if (not clean or clean.startswith("/") or path.is_absolute() or ".." in path.parts
            or (path.parts and ":" in path.parts[0])):
        return f"member {name!r} names a place outside the archive"
    return None


_UTF8_NAMES = 0x800  # general purpose flag bit 11: the names are UTF-8
_ENCRYPTED = 0x1
_PLAIN_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


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
    """The members to read (files, not folders or temp names), names decoded; raise for an archive refused
    whole. A member that is bad (its name, a link, a password, its sizes) is listed: :func:`unpack_zip`
    refuses it alone."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DamagedArchiveError(f"{Path(path).name}: not a readable ZIP archive ({exc})") from exc
    with zf:
        members = zf.infolist()
        if len(members) > limits.max_members:
            raise UnsafeArchiveError(f"{Path(path).name}: {len(members)} members, more than {limits.max_members}")
        out = []
        for info in members:
            _decode_name(info)
            if info.is_dir() and not _is_link(info):
                continue
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if _name_problem(info.filename) is None and any(
                    is_temporary_name(part) or part == "__MACOSX" for part in parts):
                continue  # housekeeping; a name with `..` is not (refused, not skipped)
            out.append(info)
        return out


def _copy_limited(src: IO[bytes], dst: IO[bytes], info: zipfile.ZipInfo, budget: int, limits: ZipLimits) -> int:
    written = 0
    ceiling = max(limits.ratio_floor_bytes, int(max(info.compress_size, 1) * limits.max_ratio))
    while chunk := src.read(CHUNK):
        written += len(chunk)
        if written > info.file_size:
            raise UnsafeArchiveError(f"member {info.filename!r} unpacks to more bytes than it declares "
                                     f"({info.file_size}): a forged header")
        if written > budget:
            raise _OverBudget
        if written > ceiling:
            raise UnsafeArchiveError(
                f"member {info.filename!r} unpacks to over {limits.max_ratio:.0f} times its packed size (a ZIP bomb?)"
            )
        dst.write(chunk)
    return written


class _OverBudget(Exception):
    """The member would take the archive past its ``max_total_bytes``."""


def _before_reading(info: zipfile.ZipInfo, budget: int, limits: ZipLimits) -> tuple[str, str] | None:
    """Why a member is refused on what the archive says of it (name, kind, declared sizes), or None."""
    problem = _name_problem(info.filename)
    if problem is not None:
        return "unsafe_archive", problem
    if _is_link(info):
        return "unsafe_archive", f"member {info.filename!r} is a symbolic link"
    if info.file_size > budget:
        return "oversized", ""
    if (info.file_size > limits.ratio_floor_bytes
            and info.file_size > max(info.compress_size, 1) * limits.max_ratio):
        return "unsafe_archive", (f"member {info.filename!r} declares over {limits.max_ratio:.0f} times its packed "
                                  f"size (a ZIP bomb?)")
    if info.flag_bits & _ENCRYPTED:
        return "encrypted", ""
    return None


def _refusal(archive: str, info: zipfile.ZipInfo, reason: str, detail: str, limits: ZipLimits) -> RefusedMember:
    where = f"{archive}!{info.filename}"
    taken = "the other members were taken"
    if reason == "encrypted":
        message = (f"{where}: файл в архиве защищён паролем / the archive member is protected by a password; "
                   f"send it without one ({taken})")
    elif reason == "unsupported":
        message = f"{where}: packed by a method we cannot unpack ({detail}); repack the archive with Deflate ({taken})"
    elif reason == "oversized":
        message = (f"{where}: the archive unpacks to more than {limits.max_total_bytes} bytes; this member was not "
                   f"taken, send it in a smaller archive ({taken})")
    elif reason == "corrupt":
        message = f"{where}: the member is damaged in the archive ({detail}); {taken}"
    else:
        message = f"{where}: {detail}; its bytes were not taken ({taken})"
    return RefusedMember(info.filename, reason, message)


def _our_name(n: int, name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/")).suffix
    return f"{n:04d}{suffix.lower() if _PLAIN_SUFFIX.fullmatch(suffix) else ''}"


def _load(dest: Path) -> Unpacked:
    members = json.loads((dest / MEMBERS_LIST).read_text(encoding="utf-8"))
    refused = json.loads((dest / REFUSED_LIST).read_text(encoding="utf-8"))
    return Unpacked([Member(m["name"], dest / m["file"]) for m in members],
                    [RefusedMember(name=r["name"], reason=r["reason"], message=r["message"]) for r in refused])


def unpack_zip(path: str | os.PathLike[str], dest: str | os.PathLike[str],
               limits: ZipLimits = ZipLimits()) -> Unpacked:
    """Read the members' bytes into files of ours in ``dest`` (reused if already complete): the members
    read, in archive order, and the members refused alone. Raises for an archive refused whole (not
    readable as a ZIP at all, too many members, too many refused)."""
    dest = Path(dest)
    members = check_zip(path, limits)
    archive = Path(path).name
    if dest.is_dir() and (dest / ".complete").exists() and (dest / MEMBERS_LIST).exists():
        return _load(dest)
    work = dest.with_name(dest.name + ".unpacking")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    budget = limits.max_total_bytes
    written: list[dict[str, str]] = []
    refused: list[RefusedMember] = []
    try:
        with zipfile.ZipFile(path) as zf:
            for n, info in enumerate(members, 1):
                progress()  # one more member: its limit starts again (capture/executor.py)
                if len(refused) > limits.max_refused:
                    raise UnsafeArchiveError(f"{archive}: over {limits.max_refused} members cannot be taken "
                                             f"(the first: {refused[0].message})")
                before = _before_reading(info, budget, limits)
                if before is not None:
                    refused.append(_refusal(archive, info, *before, limits))
                    continue
                target = work / _our_name(n, info.filename)
                try:
                    with zf.open(info) as src, open(target, "wb") as dst:
                        budget -= _copy_limited(src, dst, info, budget, limits)
                except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, UnsafeArchiveError,
                        _OverBudget) as exc:
                    target.unlink(missing_ok=True)  # what was written before the damage showed is no document
                    reason = ("unsupported" if isinstance(exc, NotImplementedError) else
                              "oversized" if isinstance(exc, _OverBudget) else
                              "unsafe_archive" if isinstance(exc, UnsafeArchiveError) else "corrupt")
                    refused.append(_refusal(archive, info, reason, str(exc), limits))
                    continue
                written.append({"name": info.filename, "file": target.name})
            if len(refused) > limits.max_refused:
                raise UnsafeArchiveError(f"{archive}: over {limits.max_refused} members cannot be taken "
                                         f"(the first: {refused[0].message})")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # the archive itself is damaged
        shutil.rmtree(work, ignore_errors=True)
        raise DamagedArchiveError(f"{archive}: cannot unpack ({exc})") from exc
    except UnsafeArchiveError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    (work / MEMBERS_LIST).write_text(json.dumps(written, ensure_ascii=False), encoding="utf-8")
    (work / REFUSED_LIST).write_text(json.dumps([dataclasses.asdict(r) for r in refused], ensure_ascii=False),
                                     encoding="utf-8")
    (work / ".complete").write_text("ok\n", encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    work.rename(dest)
    return _load(dest)
