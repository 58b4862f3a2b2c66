"""A reading hook for the fault tests: what a file stuck in native code does, at a named stage of a real reading.

``FINARCHIVE_READING_HOOK=module:function`` makes the process that inspects a file (``stage`` "inspect") or reads
one of its pages ("page") call ``function(stage, path)`` first; tests/faults/hooks.py has one that blocks its
signals and sleeps, as pdfium or a decoder looping on a malicious file would. Unset, a hook costs one dictionary
lookup. The variable must be set before the process (and the fork server its workers come from) starts.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

VARIABLE = "FINARCHIVE_READING_HOOK"
_loaded: dict[str, Callable[[str, str], None]] = {}


def reading_hook(stage: str, path: str | os.PathLike[str]) -> None:
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    hook = _loaded.get(spec)
    if hook is None:
        module, _, name = spec.partition(":")
        hook = _loaded[spec] = getattr(importlib.import_module(module), name)
    hook(stage, os.fspath(path))
