"""Reading hooks for the fault tests (capture/_hook.py: FINARCHIVE_READING_HOOK=tests.faults.hooks:NAME).

Neither a real file that makes a real library hang nor a decoder that spins is at hand, so these stand in for
one: a file carrying the marker of a stage is stuck there as native code that never returns would be — the
signals an alarm or Celery's soft limit would send are blocked, and the process sleeps."""

from __future__ import annotations

import signal
import time
from pathlib import Path

MARKER = b"finarchive-test-stuck-at-"  # + the stage: "inspect" or "page"


def mark_stuck(pdf: Path, stage: str) -> Path:
    """Mark a PDF to be stuck at ``stage``: a comment after its end, so it reads as before."""
    with pdf.open("ab") as fh:
        fh.write(b"\n%" + MARKER + stage.encode() + b"\n")
    return pdf


def stuck_in_native_code(stage: str, path: str) -> None:
    with open(path, "rb") as fh:
        stuck = MARKER + stage.encode() in fh.read()
    if stuck:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGUSR1, signal.SIGTERM, signal.SIGINT})
        time.sleep(3600)


def stuck_job(item: int) -> int:
    """A job stuck as native code would be when ``item`` is 0 (its signals blocked, asleep); else ``item * 2``."""
    if item == 0:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGUSR1, signal.SIGTERM, signal.SIGINT})
        time.sleep(3600)
    return item * 2
