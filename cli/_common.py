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
