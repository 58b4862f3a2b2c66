"""Plumbing shared by the CLI's command modules: opening the archive, output, the one error handler."""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from finarchive.errors import ExitCode, FinarchiveError, exit_codes_text

console = Console()
err_console = Console(stderr=True)


def open_archive():
    """The archive named by FINARCHIVE_HOME (default ./finarchive-data)."""
    from archive.store import Archive

    return Archive.open()


def print_json(obj: Any) -> None:
    text = json.dumps(obj, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name's non-UTF-8 bytes (lone surrogates): as JSON escapes
        text = json.dumps(obj, ensure_ascii=True, default=str)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def print_problems(problems: list[dict[str, Any]]) -> None:
    """One line per file quarantined or failed (an import summary's ``problems``): the file as the user gave
    it (a ZIP's member as «archive.zip!member», not its unpacked copy), its reason, its message and where
    its copy is kept."""
    for problem in problems:
        err_console.print(
            f"[yellow]{problem['outcome']}[/] {escape(problem['source'])}: {problem['reason']} — "
            f"{escape(problem['message'] or '')}"
            + (f" (kept in {escape(problem['quarantine'])})" if problem["quarantine"] else ""),
            highlight=False, soft_wrap=True,  # never broken inside a path, whatever the terminal's width
        )


def exit_code_of(exc: BaseException) -> ExitCode:
    """The exit code an exception ends the command with: every mapping of the CLI is here."""
    if isinstance(exc, FinarchiveError):
        return ExitCode(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.UNEXPECTED


@contextlib.contextmanager
def cli_exception_handler() -> Iterator[None]:
    """Turn whatever a command raises into a message on stderr and its exit code (``typer.Exit``).

    A FinarchiveError is the user's to act on: one line, no traceback. Anything else is a bug: its
    traceback is printed so that it can be reported. Click's own exits and usage errors pass through.
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):  # click's (vendored by typer) own exits and usage
        raise
    except FinarchiveError as exc:
        err_console.print("[bold red]error:[/] " + escape(str(exc)), highlight=False, soft_wrap=True)
        raise typer.Exit(exit_code_of(exc)) from exc
    except KeyboardInterrupt as exc:
        err_console.print("[bold red]interrupted[/]", highlight=False)
        raise typer.Exit(exit_code_of(exc)) from exc
    except Exception as exc:
        err_console.print("".join(traceback.format_exception(exc)), markup=False, highlight=False, soft_wrap=True)
        err_console.print(f"[bold red]unexpected error:[/] {escape(type(exc).__name__)}: {escape(str(exc))} "
                          "(a bug: please report it with the traceback above)", highlight=False, soft_wrap=True)
        raise typer.Exit(exit_code_of(exc)) from exc


class HandledGroup(TyperGroup):
    """The root command group: every command, sub-groups' too, runs inside :func:`cli_exception_handler`."""

    def invoke(self, ctx: Any) -> Any:  # click's Context, which typer 0.29 vendors privately
        with cli_exception_handler():
            return super().invoke(ctx)


def exit_codes_epilog() -> str:
    """The exit codes for the root ``--help`` (``\\b`` keeps click from rewrapping the lines)."""
    return "Exit codes:\n\n\b\n" + exit_codes_text()


def make_executor(settings, workers: int | None = None):
    """The page-reading executor ``[ocr] executor`` names: processes on this host, or Celery workers."""
    from finarchive.errors import ConfigurationError

    kind = str(settings.get("ocr", "executor"))
    factory = _EXECUTORS.get(kind)
    if factory is None:
        raise ConfigurationError(f"[ocr] executor = {kind!r}: expected one of {', '.join(sorted(_EXECUTORS))}")
    return factory(settings, workers)


def start_page_readers(workers: int | None = None) -> None:
    """Start the local pool's fork server now, before this process imports the archive and the reading code:
    it imports the reading code and loads tesseract's models meanwhile, on the other core, and the batch's
    first page is read that much sooner. Nothing when pages are read in this process or by Celery."""
    from archive.config import Settings
    from finarchive import forkserver

    settings = Settings.load()
    if str(settings.get("ocr", "executor")) == "pool" and (workers or settings.workers) > 1:
        forkserver.start(settings.languages)


def _local_executor(settings, workers: int | None):
    from capture import PoolExecutor, SerialExecutor

    n = workers or settings.workers
    return SerialExecutor(languages=settings.languages) if n <= 1 else PoolExecutor(n, languages=settings.languages)


def _celery_executor(settings, workers: int | None):
    from capture.celery_executor import DEFAULT_BROKER_URL, CeleryExecutor

    return CeleryExecutor(
        str(settings.get("ocr", "broker_url") or DEFAULT_BROKER_URL),
        prefetch=int(settings.get("ocr", "prefetch") or 16),
        task_timeout=settings.page_seconds,  # the whole reading of a page, as under the local executors
    )


_EXECUTORS = {"pool": _local_executor, "celery": _celery_executor}
