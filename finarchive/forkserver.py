"""The fork server the local pool's workers are forked from (capture/executor.py), startable before this
process has imported anything heavy: it imports the reading code (OpenCV, numpy, pdfium) and loads tesseract's
models for the batch's languages (capture/engines/warm.py) while the importing process imports the rest and
opens the archive. Only the standard library here, so that starting it costs nothing."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Iterator

# What the fork server imports before it forks a worker: the reading code, and the page engine's models for
# the languages it is told.
PRELOAD = ["capture.read", "capture.engines.warm"]
WARM_LANGUAGES_ENV = "FINARCHIVE_WARM_LANGUAGES"


def start(languages: str | None = None) -> None:
    """Start the fork server (when it is not running): its workers start with tesseract's models for
    ``languages`` (e.g. ``rus+eng``) loaded. It imports in the background; this returns at once."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    old = os.environ.get(WARM_LANGUAGES_ENV)
    if languages:
        os.environ[WARM_LANGUAGES_ENV] = languages
    try:
        with _safe_path_environment():
            multiprocessing.forkserver.ensure_running()
    finally:
        if old is None:
            os.environ.pop(WARM_LANGUAGES_ENV, None)
        else:
            os.environ[WARM_LANGUAGES_ENV] = old


@contextlib.contextmanager
def _safe_path_environment() -> Iterator[None]:
    """The fork server is a new interpreter (``python -c``), which puts the working directory first on
    sys.path, and Python 3.11 ignores the sys.path it is sent: a ``concurrent.py`` lying in the
    working directory would be imported by every worker. PYTHONSAFEPATH keeps the working directory
    off its path; the workers import the installed package only."""
    old = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = old
