"""Where page reading runs: in this process (tests, tiny jobs) or in a pool of worker processes.

Both executors have one method, :meth:`map_unordered`, yielding ``(item, result_or_exception)``
as items finish, so a pipeline can hand in all pages of many documents and keep every core busy.
A job that raises comes back as its exception; a job that kills its worker process comes back as a
:class:`WorkerCrashedError` and the pool is rebuilt; a job stuck where its alarm cannot reach it (native
code that never returns) is stopped with its worker and comes back as a :class:`JobTimeoutError`: nothing
hangs.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, Protocol, TypeVar

from capture.exceptions import CaptureError
from finarchive import forkserver
from finarchive.errors import FinarchiveError

T = TypeVar("T")
R = TypeVar("R")
_END: Any = object()


class WorkerCrashedError(FinarchiveError):
    """A worker process died while running a job (killed, out of memory, or a crash in native code)."""


class JobTimeoutError(CaptureError):
    """A job (the reading of one page, the inspection of one file) took longer than its time limit; its
    message begins «timeout after N s»."""

    reason = "page_timeout"


class FileTimeoutError(JobTimeoutError):
    """The inspection of a whole file (its type, its pages, opening a PDF) took longer than its time limit."""

    reason = "timeout"


STUCK_GRACE = 30.0  # how long past its own limit a job may run before its process is killed from outside


def stuck_seconds(seconds: float, grace: float = STUCK_GRACE) -> float:
    """When a job limited to ``seconds`` (its own alarm) is stuck where the alarm cannot reach it and its
    process is killed from outside: the limit and a grace, at most the limit again (1 s → 2 s, 600 s → 630 s)."""
    return seconds + min(seconds, grace)


def _stuck_error(fn: Callable[..., Any], seconds: float, waited: float) -> JobTimeoutError:
    return JobTimeoutError(f"timeout after {seconds:g} s ([intake] page_seconds): {getattr(fn, '__name__', 'job')} "
                           f"was still running after {waited:g} s (stuck in native code?) and its process was "
                           "killed")


_moving: list[float] = []  # the limit of the progressive job running in this process (progress() restarts it)
_entry: list[str] = []  # this worker's roster entry (_enrol), whose time progress() sets


def progress() -> None:
    """A long job made progress (one more page of a file split at its barcode sheets, one more member of a ZIP):
    when it runs as a progressive :class:`TimeLimited` its limit starts again, here (its alarm) and for the
    process watching it from outside (its roster entry's time). Nothing otherwise."""
    if not _moving:
        return
    if threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, _moving[-1])
    for path in _entry:
        with contextlib.suppress(OSError):
            os.utime(path)


class TimeLimited(Generic[T, R]):
    """``fn(item)`` interrupted after ``seconds`` by SIGALRM in the process running it (a worker's main
    thread, or this one's); picklable, so it travels to pool and Celery workers. Where no alarm can be
    set (another thread), ``fn`` runs unlimited. ``progressive``: ``seconds`` without :func:`progress`, not
    in all (a job of many steps, each limited as one page is)."""

    def __init__(self, fn: Callable[[T], R], seconds: float, *, progressive: bool = False) -> None:
        self.fn = fn
        self.seconds = seconds
        self.progressive = progressive
        self.__name__ = getattr(fn, "__name__", None) or getattr(getattr(fn, "func", None), "__name__", "job")

    def __call__(self, item: T) -> R:
        if self.seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return self.fn(item)

        def expire(signum: int, frame: object) -> None:
            raise JobTimeoutError(f"timeout after {self.seconds:g} s ([intake] page_seconds): {self.__name__} "
                                  "was interrupted")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        for path in _entry:  # the job starts now, not when it was sent (a worker may take a while to start)
            with contextlib.suppress(OSError):
                os.utime(path)
        if self.progressive:
            _moving.append(self.seconds)
        try:
            return self.fn(item)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if self.progressive:
                _moving.pop()


class Executor(Protocol):
    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[tuple[T, R | BaseException]]: ...

    def start(self) -> set[int]:
        """Start the page readers now rather than on the first page; the worker processes started (none when
        pages are read in this process or elsewhere)."""
        ...

    def close(self) -> None: ...


class SerialExecutor:
    """Runs every job one after another, in order: in this process, but a :class:`TimeLimited` job (the
    reading of a page) in one child process of its own, killed from outside when it is stuck past its limit
    where its alarm cannot reach it (native code that never returns): the job comes back as its
    :class:`JobTimeoutError` and this process goes on. (A job run here could only be waited for.)"""

    workers = 1

    def __init__(self, *, languages: str | None = None, stuck_grace: float = STUCK_GRACE) -> None:
        self.languages = languages
        self.stuck_grace = stuck_grace
        self._child: PoolExecutor | None = None

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[tuple[T, R | BaseException]]:
        if isinstance(fn, TimeLimited) and fn.seconds > 0:
            if self._child is None:
                self._child = PoolExecutor(1, prefetch=0, languages=self.languages, stuck_grace=self.stuck_grace)
            yield from self._child.map_unordered(fn, items)
            return
        for item in items:
            try:
                yield item, fn(item)
            except Exception as exc:  # handed back to the caller as data
                yield item, exc

    def call(self, fn: Callable[[T], R], item: T, seconds: float, *, progressive: bool = False) -> R:
        """``fn(item)`` under a limit of ``seconds`` (in the child, as a time-limited job, ``progressive`` or not);
        raises what it raised, or its :class:`JobTimeoutError`. ``seconds`` <= 0: run here, unlimited."""
        if seconds <= 0:
            return fn(item)
        ((_, result),) = self.map_unordered(TimeLimited(fn, seconds, progressive=progressive), [item])
        if isinstance(result, BaseException):
            raise result
        return result

    def start(self) -> set[int]:
        return set()

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _exit_when_gone(pid: int) -> None:
    """Block until process ``pid`` has exited (a pidfd where Linux has them, else a poll), then end this one."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                continue
    os._exit(1)


def die_with(pid: int) -> None:
    """This process ends when process ``pid`` ends, even by kill -9. (A pool worker's parent is the fork
    server, and every worker holds the fork server's "alive" pipe open, so neither would notice the
    importing process die: each would wait for work for ever.)"""
    threading.Thread(target=_exit_when_gone, args=(pid,), name="die-with-parent", daemon=True).start()


def _held_until_all_run(folder: str, workers: int, longest: float = 60.0) -> int:
    """A worker's process id, once ``workers`` such jobs are running (or ``longest`` seconds passed): each job
    keeps its worker until then, so every worker gets one (PoolExecutor.start)."""
    open(os.path.join(folder, str(os.getpid())), "w").close()
    deadline = time.monotonic() + longest
    while len(os.listdir(folder)) < workers and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid()


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, /proc/PID/stat's 22nd field), None when it is
    gone: with its pid it names one process, never a later one given the same pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
    except OSError:
        return None
    return fields[19].decode() if len(fields) > 19 else None


def _enrol(roster: str) -> None:
    """Write this worker into its pool's roster (a folder: a file named by the pid, holding its start)."""
    path = os.path.join(roster, str(os.getpid()))
    with contextlib.suppress(OSError), open(path, "w") as entry:
        entry.write(_started(os.getpid()) or "")
        _entry[:] = [path]


def kill_enrolled(roster: str) -> int:
    """SIGKILL the workers written into ``roster`` that are still those processes; how many were killed. Each
    entry goes: a pool whose workers are killed is rebuilt with new ones, which enrol themselves."""
    killed = 0
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir(roster):
            path = os.path.join(roster, name)
            with contextlib.suppress(OSError, ValueError):
                with open(path) as entry:
                    started = entry.read().strip()
                os.unlink(path)
                if started and _started(int(name)) == started:
                    os.kill(int(name), signal.SIGKILL)
                    killed += 1
    return killed


def _init_worker(owner: int | None = None, roster: str | None = None) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    # Ctrl-C is for the parent, which stops feeding work and lets pages in flight finish; a worker
    # interrupted by the terminal's signal would turn its page into an error.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if owner is not None:
        die_with(owner)
    if roster is not None:
        _enrol(roster)


class PoolExecutor:
    """A pool of ``workers`` processes (default: one per core), started by forkserver, whose workers start with
    tesseract's models for ``languages`` loaded (when this process starts the fork server).

    At most ``workers + prefetch`` jobs are in flight, so when a worker dies only those few are
    suspects: each is rerun alone in a fresh pool, and only the one that kills it again is
    reported as :class:`WorkerCrashedError`.

    A :class:`TimeLimited` job stops itself by an alarm, which native code that never returns to Python
    (pdfium, a decoder in a loop) never sees. So when no job has ended for :func:`stuck_seconds` (the
    job's limit and ``stuck_grace``, at most twice the limit) the pool's workers are killed (SIGKILL; each
    worker writes its pid into the pool's roster as it starts, :func:`kill_enrolled`) and the jobs in flight
    are suspects as above: the one stuck again alone is killed and comes back as a :class:`JobTimeoutError`,
    and the others are done. When only one job was in flight it is the stuck one, and comes back at once.
    """

    def __init__(self, workers: int | None = None, *, prefetch: int = 2, start_method: str = "forkserver",
                 languages: str | None = None, stuck_grace: float = STUCK_GRACE) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.stuck_grace = stuck_grace
        self.languages = languages
        self.prefetch = max(0, prefetch)
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(start_method if start_method in methods else "spawn")
        if self._context.get_start_method() == "forkserver":
            # Workers fork from a server that has already imported the reading code (OpenCV, numpy,
            # pdfium, pytesseract): a new or rebuilt worker starts in milliseconds, not a second.
            self._context.set_forkserver_preload(forkserver.PRELOAD)
        self._pool: ProcessPoolExecutor | None = None
        self._roster = tempfile.mkdtemp(prefix="finarchive-workers-")

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            if self._context.get_start_method() == "forkserver":
                forkserver.start(self.languages)
            os.makedirs(self._roster, exist_ok=True)  # again after close(): an executor may be used again
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=self._context, initializer=_init_worker,
                initargs=(os.getpid(), self._roster),
            )
        return self._pool

    def start(self) -> set[int]:
        """Start the fork server and fork every worker now, instead of on the first page: a service
        (``finarchive watch``) reads its first file the moment it arrives, not after a cold start. Returns
        the workers' process ids when they are up (the fork server's imports and models take a second or two).

        The pool forks a worker for a job only when none is idle, and any worker takes the next job, so each of
        these jobs holds its worker until all of them run: one quick worker would otherwise take them all."""
        pool = self._get_pool()
        with tempfile.TemporaryDirectory(prefix="finarchive-start-") as folder:
            held = [pool.submit(_held_until_all_run, folder, self.workers) for _ in range(self.workers)]
            return {job.result() for job in held}

    def _discard_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def stuck_seconds(self, fn: Callable[..., Any]) -> float | None:
        """How long without a job ending means a job is stuck past its own time limit; None: no limit."""
        seconds = fn.seconds if isinstance(fn, TimeLimited) else 0
        return stuck_seconds(seconds, self.stuck_grace) if seconds > 0 else None

    def _moving(self, fn: Callable[..., Any], in_flight: int, stuck: float) -> bool:
        """A lone job started, or said it moved (a progressive one, :func:`progress`), within the last ``stuck``
        seconds (its worker's roster entry's time): the time a worker took to start is not the job's."""
        if in_flight != 1:
            return False
        with contextlib.suppress(OSError):
            with os.scandir(self._roster) as entries:
                newest = max((e.stat().st_mtime for e in entries), default=0.0)
            return time.time() - newest < stuck
        return False

    def _stop_workers(self) -> None:
        """SIGKILL every worker of the pool: its jobs in flight come back as BrokenProcessPool."""
        kill_enrolled(self._roster)

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[tuple[T, R | BaseException]]:
        pending = iter(items)
        running: dict[Future[Any], T] = {}
        limit = self.workers + self.prefetch
        stuck = self.stuck_seconds(fn)
        while True:
            suspects: list[T] = []
            while len(running) < limit:
                item = next(pending, _END)
                if item is _END:
                    break
                try:
                    running[self._get_pool().submit(fn, item)] = item
                except BrokenProcessPool:
                    suspects.append(item)
                    break
            if not running and not suspects:
                return
            done, _ = wait(running, timeout=stuck, return_when=FIRST_COMPLETED) if running else (set(), set())
            if running and not done and stuck is not None and self._moving(fn, len(running), stuck):
                continue  # a lone job is stuck only when it has not started or moved for that long
            if running and not done:  # nothing ended for longer than any job may take: one is stuck
                self._stop_workers()
                if len(running) == 1 and stuck is not None:  # the one in flight is the stuck one
                    ((future, item),) = running.items()
                    running.clear()
                    with contextlib.suppress(Exception):
                        future.exception()  # the pool has seen its worker die
                    self._discard_pool()
                    yield item, _stuck_error(fn, getattr(fn, "seconds", stuck), stuck)
                continue
            for future in done:
                item = running.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    suspects.append(item)
                else:
                    yield item, (error if error is not None else future.result())
            if suspects:
                # the pool broke and took every job in flight with it: let the rest finish or fail,
                # then rerun each suspect alone to find the one that kills its worker
                for future in list(running):
                    item = running.pop(future)
                    error = future.exception()
                    if isinstance(error, BrokenProcessPool):
                        suspects.append(item)
                    else:
                        yield item, (error if error is not None else future.result())
                self._discard_pool()
                for item in suspects:
                    yield item, self._run_alone(fn, item)

    def _run_alone(self, fn: Callable[[T], R], item: T) -> R | BaseException:
        if self._context.get_start_method() == "forkserver":
            forkserver.start(self.languages)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=self._context, initializer=_init_worker,
                                   initargs=(os.getpid(), self._roster))
        stuck = self.stuck_seconds(fn)
        try:
            job = pool.submit(fn, item)
            while True:
                try:
                    return job.result(timeout=stuck)
                except FutureTimeout:
                    if stuck is None or not self._moving(fn, 1, stuck):
                        raise
        except FutureTimeout:
            kill_enrolled(self._roster)  # the main pool is gone: its one worker is all the roster holds
            return _stuck_error(fn, getattr(fn, "seconds", stuck or 0), stuck or 0)
        except BrokenProcessPool:
            return WorkerCrashedError(f"a worker process died while running {fn.__name__} on {item!r}")
        except Exception as exc:  # handed back to the caller as data
            return exc
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self._discard_pool()
        shutil.rmtree(self._roster, ignore_errors=True)

    def __enter__(self) -> PoolExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
