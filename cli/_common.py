"""Plumbing shared by the CLI's command modules: opening the archive, output, the error handler."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from finarchive.errors import FinarchiveError

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes (documented in docs/cli.md): 0 ok; 1 unexpected error; 2 bad input/usage;
# 3 configuration (no archive, bad settings); 4 not found; 5 missing external program;
# 6 conflict (e.g. refused transition); 7 permission denied; 10 import finished but some files were
# quarantined or failed.
EXIT_PARTIAL = 10


def open_archive():  # type: ignore[no-untyped-def]
    """The archive named by FINARCHIVE_HOME (default ./finarchive-data)."""
    from archive.store import Archive

    return Archive.open()


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def handle_errors(fn: F) -> F:
    """Turn FinarchiveError into a one-line message and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FinarchiveError as exc:
            err_console.print("[bold red]error:[/] " + escape(str(exc)), highlight=False)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def make_executor(settings, workers: int | None = None):  # type: ignore[no-untyped-def]
    """The page-reading executor ``[ocr] executor`` names: processes on this host, or Celery workers."""
    from finarchive.errors import ConfigurationError

    kind = str(settings.get("ocr", "executor"))
    factory = _EXECUTORS.get(kind)
    if factory is None:
        raise ConfigurationError(f"[ocr] executor = {kind!r}: expected one of {', '.join(sorted(_EXECUTORS))}")
    return factory(settings, workers)


def _local_executor(settings, workers: int | None):  # type: ignore[no-untyped-def]
    from capture import PoolExecutor, SerialExecutor

    n = workers or settings.workers
    return SerialExecutor() if n <= 1 else PoolExecutor(n)


def _celery_executor(settings, workers: int | None):  # type: ignore[no-untyped-def]
    from capture.celery_executor import DEFAULT_BROKER_URL, CeleryExecutor

    return CeleryExecutor(
        str(settings.get("ocr", "broker_url") or DEFAULT_BROKER_URL),
        prefetch=int(settings.get("ocr", "prefetch") or 16),
        task_timeout=3 * float(settings.get("ocr", "timeout")),  # a page may run tesseract more than once
    )


_EXECUTORS = {"pool": _local_executor, "celery": _celery_executor}
