"""Failpoints for the fault tests (tests/faults): a real SIGKILL at a named stage of a real process.

``FINARCHIVE_FAILPOINT=stage`` (or ``stage:N``, the N-th time the stage is reached) makes the process
kill itself there with SIGKILL, as a power cut or the OOM killer would. Unset, a failpoint costs one
dictionary lookup. The stages are listed in docs/reliability.md.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "FINARCHIVE_FAILPOINT"
_hits: dict[str, int] = {}


def failpoint(stage: str) -> None:
    wanted = os.environ.get(VARIABLE)
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    if name != stage:
        return
    _hits[stage] = _hits.get(stage, 0) + 1
    if _hits[stage] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
