"""CPU time per stage of the work on a page or a document, for the throughput benchmark's profile.

Off unless ``FINARCHIVE_STAGE_LOG`` names a file: then every process (the importing one and each pool
worker) charges its CPU time to the stage it is in (``with stage("ocr"): ...``) and appends one JSON line
per page or document to that file (``O_APPEND``: lines of several processes never mix). A stage inside
another stops the outer one's clock, so each second is charged once. The clock is this thread's CPU time
plus that of the child processes waited for (the tesseract runs), read from ``getrusage``: two system
calls a stage, nothing like a profiler's cost. With the variable unset, :func:`stage` does nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import time
from collections.abc import Iterator

STAGE_LOG_ENV = "FINARCHIVE_STAGE_LOG"



class _Clock:
    """This process's stages: the stack of stages it is in and the seconds charged to each."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.spent: dict[str, float] = {}
        self.last = 0.0
        self.started_up = False

    def charge(self) -> None:
        now = cpu_now()
        if self.stack:
            self.spent[self.stack[-1]] = self.spent.get(self.stack[-1], 0.0) + now - self.last
        self.last = now


_clock = _Clock()


def enabled() -> bool:
    return bool(os.environ.get(STAGE_LOG_ENV))


def cpu_now() -> float:
    """This thread's CPU seconds plus those of the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time() + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Charge the CPU time spent inside to ``name`` (not to the stage around it)."""
    if not enabled():
        yield
        return
    _clock.charge()
    _clock.stack.append(name)
    try:
        yield
    finally:
        _clock.charge()
        _clock.stack.pop()


def add(name: str, seconds: float) -> None:
    """Charge CPU seconds measured otherwise."""
    if enabled():
        _clock.spent[name] = _clock.spent.get(name, 0.0) + seconds


def charge_start_up() -> None:
    """Charge this process's CPU time before the first call (interpreter, imports, the archive opened) to
    ``start-up``; later calls do nothing."""
    if not _clock.started_up:
        _clock.started_up = True
        add("start-up", cpu_now())


def flush(kind: str) -> None:
    """Append what was charged since the last flush as one line ``{"kind": …, "stages": {…}}``."""
    path = os.environ.get(STAGE_LOG_ENV)
    if not path or not _clock.spent:
        return
    charged = {k: round(v, 6) for k, v in _clock.spent.items()}
    _clock.spent.clear()
    line = json.dumps({"kind": kind, "pid": os.getpid(), "stages": charged})
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def read_log(path: str | os.PathLike[str]) -> dict[str, float]:
    """The CPU seconds of each stage summed over every line of a stage log."""
    total: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            for name, seconds in json.loads(line)["stages"].items():
                total[name] = total.get(name, 0.0) + seconds
    return total
