"""Watched inbox folders: which names to ignore, which outlet a file belongs to, when a file is complete."""

from __future__ import annotations

import fnmatch
import os
import stat
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")

# Names a scanner, a copy tool or an editor writes while a file is not yet complete, and names of
# housekeeping files; glob patterns, matched against the file name in lower case.
TEMPORARY_PATTERNS: tuple[str, ...] = (
    ".*",  # dot-files: .DS_Store, rsync's .name.random temporaries, our own .tmp files
    "~$*",  # Office lock files
    "*~",
    "*.part",
    "*.partial",
    "*.tmp",
    "*.temp",
    "*.crdownload",
    "*.download",
    "*.filepart",  # WinSCP
    "thumbs.db",
    "desktop.ini",
    "*.reason.txt",
)


def is_temporary_name(name: str) -> bool:
    """The file is still being written or is housekeeping, not a document."""
    lower = name.lower()
    return any(fnmatch.fnmatchcase(lower, pattern) for pattern in TEMPORARY_PATTERNS)


@dataclass(frozen=True)
class InboxFile:
    """A complete file waiting in an inbox: where it is and which outlet's sub-folder it lies in."""

    path: str
    root: str
    outlet_code: str | None  # the first folder under the inbox root; None for files lying in the root
    size: int
    mtime_ns: int

    @property
    def relative(self) -> str:
        return os.path.relpath(self.path, self.root)


def outlet_of(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str | None:
    """``inbox/<outlet_code>/…/file`` → ``outlet_code``; a file directly in the inbox has none."""
    rel = Path(path).resolve().relative_to(Path(root).resolve())
    return rel.parts[0] if len(rel.parts) > 1 else None


def _hidden_part(rel: Path) -> bool:
    return any(is_temporary_name(part) for part in rel.parts)


def scan_inbox(root: str | os.PathLike[str]) -> Iterator[Path]:
    """Every candidate file under an inbox root, sorted; temporary names and dot-folders skipped."""
    base = Path(root)
    if not base.is_dir():
        return
    unlisted: list[OSError] = []  # folders we may not list: yielded, for the service to say so
    for dirpath, dirnames, filenames in os.walk(base, onerror=unlisted.append):
        yield from (Path(err.filename) for err in unlisted if err.filename)
        unlisted.clear()
        dirnames[:] = sorted(d for d in dirnames if not is_temporary_name(d))
        for name in sorted(filenames):
            if not is_temporary_name(name):
                yield Path(dirpath) / name
    yield from (Path(err.filename) for err in unlisted if err.filename)


def _write_mode(pid: str, fd: str) -> bool:
    """The descriptor was opened for writing (``flags`` in /proc/PID/fdinfo/FD, octal)."""
    try:
        for line in (PROC / pid / "fdinfo" / fd).read_text().splitlines():
            if line.startswith("flags:"):
                return int(line.split()[1], 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
    except (OSError, ValueError, IndexError):
        return True  # gone or unreadable between the two looks: count it as a writer, to be safe
    return True


def _our_worker(pid: str, me: str) -> bool:
    """Process ``pid`` is one of this process's own workers: forked by multiprocessing (its fork server's command
    line) and descending from this process (the child that inspects files, page readers). Any other process
    holding a file, our own subprocesses too, is someone else's."""
    try:
        if b"from multiprocessing." not in (PROC / pid / "cmdline").read_bytes():
            return False
    except OSError:
        return False
    return _descends_from(pid, me)


def _descends_from(pid: str, ancestor: str) -> bool:
    """Process ``pid`` is ``ancestor``'s child, grandchild… (/proc/PID/stat's parent, followed up)."""
    for _ in range(64):
        try:
            parent = (PROC / pid / "stat").read_bytes().rpartition(b")")[2].split()[1].decode()
        except (OSError, IndexError):
            return False
        if parent == ancestor:
            return True
        if parent in ("0", "1", pid):
            return False
        pid = parent
    return False


def open_files(paths: Collection[str | os.PathLike[str]], *, writing: bool = True) -> set[str]:
    """Which of ``paths`` some process holds open (for writing only, when ``writing``), as seen in
    Linux's /proc/*/fd. Processes whose descriptors we may not read are not seen (run the watch service
    as the user the scanners write as, or as root). Empty where there is no /proc. This process and its
    own workers (the child that inspects files, page readers: :func:`_our_worker`) are not someone else."""
    wanted = {os.path.realpath(os.fspath(p)) for p in paths}
    if not wanted or not PROC.is_dir():
        return set()
    me = str(os.getpid())
    found: set[str] = set()
    for proc in PROC.iterdir():
        if not proc.name.isdigit() or proc.name == me:
            continue
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if (target in wanted and target not in found and (not writing or _write_mode(proc.name, fd.name))
                    and not _our_worker(proc.name, me)):
                found.add(target)
        if found == wanted:
            break
    return found


def open_for_writing(paths: Collection[str | os.PathLike[str]]) -> set[str]:
    return open_files(paths, writing=True)


class StableFiles:
    """Decides when a file is complete: its size and mtime unchanged for ``delay`` seconds, *and* no
    process holding it open for writing (Linux: /proc/*/fd), *and*, when ``complete`` is given, the
    file decodes. A scanner that pauses longer than ``delay`` in the middle of a file still holds it
    open, so it is not taken half-written; a stable, closed file that never decodes is taken after
    ``patience`` seconds all the same (the pipeline quarantines it with its reason). A file never seen
    to change whose last modification is older than ``patience`` (left in the folder while the service
    was down, or waiting for a ``watch --once`` run) has had its patience already and is taken at once;
    one seen growing waits the full ``patience`` from its last change, since a copy tool may keep the
    source's older mtime on a file it is still writing.

    Call :meth:`observe` with every path seen (from a scan or a file-system event) and
    :meth:`ready` to collect the files that have settled. A file that changes starts its wait again.
    Thread-safe: a watchdog observer thread may call :meth:`observe` while the service loop calls
    :meth:`ready`.
    """

    def __init__(self, roots: Iterable[str | os.PathLike[str]], delay: float,
                 clock: Callable[[], float] = time.monotonic, *,
                 writers: Callable[[Collection[str]], set[str]] = open_for_writing,
                 complete: Callable[[str], bool] | None = None, patience: float | None = None,
                 wall: Callable[[], float] = time.time) -> None:
        self.roots = [Path(r).resolve() for r in roots]
        self.delay = delay
        self.clock = clock
        self.writers = writers
        self.complete = complete
        self.patience = patience if patience is not None else max(30.0, delay * 10)
        self.wall = wall  # the clock of file mtimes, for a file's age
        self._seen: dict[str, tuple[int, int, float]] = {}  # path -> (size, mtime_ns, settled since)
        self._changed: set[str] = set()  # seen to change while watched: its mtime says nothing of its age
        self._taken: set[str] = set()
        self._special: dict[str, None] = {}  # symlinks, FIFOs, sockets, devices seen, not yet handed out
        self._special_seen: set[str] = set()
        self._lock = threading.Lock()

    def root_of(self, path: Path) -> Path | None:
        for root in self.roots:
            if path == root or root in path.parents:
                return root
        return None

    def observe(self, path: str | os.PathLike[str]) -> None:
        p = Path(path).resolve() if not Path(path).is_absolute() else Path(path)
        root = self.root_of(p)
        if root is None or _hidden_part(p.relative_to(root)):
            return
        key = str(p)
        with self._lock:
            if key in self._taken:
                return
            try:
                st = p.lstat()
            except OSError:
                self._seen.pop(key, None)
                return
            if not stat.S_ISREG(st.st_mode):  # symlinks, FIFOs, sockets: never taken (see entry_problem)
                if (not stat.S_ISDIR(st.st_mode) or not os.access(p, os.R_OK | os.X_OK)) \
                        and key not in self._special_seen:  # a folder we may not list is said too
                    self._special_seen.add(key)
                    self._special[key] = None
                return
            old = self._seen.get(key)
            now = self.clock()
            if old is None or (old[0], old[1]) != (st.st_size, st.st_mtime_ns):
                self._seen[key] = (st.st_size, st.st_mtime_ns, now)
                if old is not None:
                    self._changed.add(key)

    def rescan(self) -> None:
        """Observe every file under the roots (what a polling observer or a start-up scan sees)."""
        for root in self.roots:
            for path in scan_inbox(root):
                self.observe(path)

    def take_special(self) -> list[str]:
        """The entries never to be taken (symlinks, FIFOs, sockets, devices, folders we may not list) seen
        since the last call, each once per run: for the service to list them, so a person sees why they
        stay in the inbox."""
        with self._lock:
            out, self._special = list(self._special), {}
        return out

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._seen)

    def ready(self) -> list[InboxFile]:
        """Files complete now, handed out (each once until :meth:`release`)."""
        now = self.clock()
        settled: list[tuple[str, Path, int, int, float]] = []
        with self._lock:
            for key, (size, mtime_ns, since) in sorted(self._seen.items()):
                p = Path(key)
                try:
                    st = p.stat()
                except OSError:
                    del self._seen[key]
                    self._changed.discard(key)
                    continue
                if (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
                    self._seen[key] = (st.st_size, st.st_mtime_ns, now)
                    self._changed.add(key)
                    continue
                if now - since < self.delay or (size == 0 and now - since < self.delay * 2):
                    continue
                settled.append((key, p, size, mtime_ns, since))
        if not settled:
            return []
        # outside the lock: looking through /proc and decoding take a while
        held = self.writers([key for key, *_ in settled])
        out: list[InboxFile] = []
        for key, p, size, mtime_ns, since in settled:
            if key in held:
                continue  # a scanner pausing mid-file still holds it open
            if self.complete is not None and self._waited(key, now - since, mtime_ns) < self.patience \
                    and not self.complete(key):
                continue  # not decodable yet: its writer may come back (and a copy tool closes and reopens)
            with self._lock:
                current = self._seen.get(key)
                if current is None or current[:2] != (size, mtime_ns):
                    continue  # changed meanwhile
                root = self.root_of(p)
                if root is None:
                    continue
                del self._seen[key]
                self._changed.discard(key)
                self._taken.add(key)
            out.append(InboxFile(path=key, root=str(root), outlet_code=outlet_of(p, root), size=size,
                                 mtime_ns=mtime_ns))
        return out

    def _waited(self, key: str, settled_for: float, mtime_ns: int) -> float:
        """How long the file has been left as it is: since it settled, or since its mtime if never seen changing."""
        with self._lock:
            changed = key in self._changed
        return settled_for if changed else max(settled_for, self.wall() - mtime_ns / 1e9)

    def release(self, path: str | os.PathLike[str]) -> None:
        """The file was handled (moved away) or abandoned: it may be taken again if it reappears."""
        with self._lock:
            self._taken.discard(str(path))
