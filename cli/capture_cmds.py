"""`finarchive watch`, `finarchive mail`, `finarchive coversheet`: capture from outlets.

Register on the main app with :func:`register`. The commands are thin: archive.intake does the work.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from cli._common import console, err_console, open_archive, print_json, print_problems, start_page_readers
from finarchive.errors import ExitCode


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """SIGTERM/SIGINT set the stop flag: work in progress finishes, nothing new is taken. A second signal
    gets the default behaviour (an immediate stop)."""
    stop = threading.Event()
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        stop.set()
        signal.signal(signum, previous.get(signum, signal.SIG_DFL))

    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _report(quiet: bool):
    def report(event: str, info: dict[str, Any]) -> None:
        if quiet:
            return
        if event == "settled":
            where = f" → {info['to']}" if info.get("to") else ""
            why = f" ({info['reason']})" if info.get("reason") else ""
            err_console.print(f"{info['outcome']}{why}: {info['file']}{where}", highlight=False, markup=False)
        elif event == "message":
            err_console.print(f"mail {info['key']}: {info['outcome']} — {info.get('subject', '')}",
                              highlight=False, markup=False)

    return report


def _pipeline(arc, workers: int | None):
    from archive.pipeline import Pipeline
    from cli._common import make_executor

    executor = make_executor(arc.settings, workers)
    return Pipeline(arc, executor, actor="watch"), executor


def _finish(summary: Any, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    data = {**(extra or {}), **summary.as_dict()}
    if as_json:
        print_json(data)
    else:
        console.print(
            f"files {data['files']}, archived {data['archived']}, duplicates {data['duplicates']}, "
            f"quarantined {data['quarantined']}, failed {data['failed']}", highlight=False)
        print_problems(data["problems"])  # what was wrong with each, as `import` says it


def watch(
    inbox: Annotated[list[Path] | None, typer.Option(
        "--inbox", help="Inbox folder to watch (repeatable); its sub-folders are outlet codes. "
                        "Default: [watch] inboxes.", show_default=False)] = None,
    once: Annotated[bool, typer.Option("--once", help="Take what is waiting, then exit.")] = False,
    poll: Annotated[bool, typer.Option("--poll", help="Poll instead of file-system events (SMB/NFS shares).")] = False,
    stable: Annotated[float | None, typer.Option(
        help="Seconds a file's size and mtime must stay unchanged before it is taken.", show_default=False)] = None,
    after: Annotated[str | None, typer.Option(help="After archiving: move (to processed/<date>/) or delete.",
                                              show_default=False)] = None,
    no_mail: Annotated[bool, typer.Option("--no-mail", help="Do not read the mailboxes.")] = False,
    workers: Annotated[int | None, typer.Option(help="OCR processes (default: one per core).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No line per file.")] = False,
) -> None:
    """Watch inbox folders (inbox/<outlet>/…) and archive each file once it is complete.

    A running service stops cleanly on SIGTERM or Ctrl-C: documents being read are finished, files not
    yet taken stay where they are. With --once, exits 10 when some files were quarantined.
    """
    if not once:  # a service: the fork server imports the reading code while this process opens the archive
        start_page_readers(workers)
    from archive.intake import FolderIntake, MailIntake, WatchOptions, merge_summaries

    with open_archive() as arc:
        options = WatchOptions.from_settings(
            arc.settings, inboxes=inbox, mode="poll" if poll else None, stable_seconds=stable, after=after)
        pipeline, executor = _pipeline(arc, workers)
        try:
            # a service's OCR workers are up before the first file arrives, not forked for it
            readers = set() if once else executor.start()
            with _stop_on_signals() as stop:
                report = _report(quiet or as_json)
                folders = FolderIntake(arc, pipeline, options, stop=stop, report=report)
                mail = None
                if options.mail and not no_mail and arc.settings.get("mail", "accounts"):
                    mail = MailIntake.from_settings(arc, pipeline, stop=stop, report=report)
                if once:
                    summary = folders.run_once()
                    if mail is not None and not stop.is_set():
                        summary = merge_summaries(summary, mail.run_once().summary)
                else:
                    if not quiet and not as_json:
                        up = f"{len(readers)} OCR workers up; " if readers else ""
                        err_console.print(f"watching {', '.join(map(str, options.inboxes))} ({up}SIGTERM or Ctrl-C "
                                          "stops)", highlight=False, markup=False)
                    summary = folders.serve(mail=mail)
        finally:
            executor.close()
    _finish(summary, as_json)
    if once and (summary.quarantined or summary.failed):
        raise typer.Exit(ExitCode.PARTIAL)


def mail(
    once: Annotated[bool, typer.Option("--once", help="One pass over the mailboxes, then exit.")] = False,
    workers: Annotated[int | None, typer.Option(help="OCR processes (default: one per core).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No line per message.")] = False,
) -> None:
    """Read the mailboxes of [mail] accounts: attachments of messages a rule matches become documents.

    After its documents are committed a message is marked seen, flagged or moved, as its rule says;
    a message read twice creates nothing new. Without --once, polls every [mail] interval seconds
    until SIGTERM or Ctrl-C.
    """
    from archive.intake import MailIntake, merge_summaries
    from archive.pipeline import ImportSummary
    from capture.sources import SourceConfigError

    with open_archive() as arc:
        if not arc.settings.get("mail", "accounts"):
            raise SourceConfigError(
                "no mail account configured: add one as mail.accounts in finarchive.toml (see docs/capture.md)")
        pipeline, executor = _pipeline(arc, workers)
        totals: dict[str, int] = {"messages": 0, "matched": 0, "handled": 0, "unmatched": 0, "skipped_attachments": 0}
        summary = ImportSummary()
        try:
            with _stop_on_signals() as stop:
                intake = MailIntake.from_settings(arc, pipeline, stop=stop, report=_report(quiet or as_json))
                merge_summaries(summary, pipeline.resume())
                interval = float(arc.settings.get("mail", "interval"))
                while not stop.is_set():
                    result = intake.run_once()
                    for key in totals:
                        totals[key] += getattr(result, key)
                    merge_summaries(summary, result.summary)
                    if once:
                        break
                    stop.wait(interval)
        finally:
            executor.close()
    _finish(summary, as_json, totals)
    if not as_json:
        console.print(f"messages {totals['messages']}, taken {totals['matched']}, handled {totals['handled']}, "
                      f"left alone {totals['unmatched']}", highlight=False)
    if once and (summary.quarantined or summary.failed):
        raise typer.Exit(ExitCode.PARTIAL)


def coversheet(
    outlet: Annotated[str | None, typer.Option(help="Outlet code.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type (waybill, upd, …).")] = None,
    order: Annotated[str | None, typer.Option(help="Order number.")] = None,
    key: Annotated[str | None, typer.Option(help="Document key (default: a new random one).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="PDF to write.", show_default=False)] = None,
    separator: Annotated[bool, typer.Option("--separator", help="Write a separator sheet instead.")] = False,
) -> None:
    """Write a printable PDF cover sheet whose QR code sets outlet, type and order of the document after it.

    With --separator, a separator sheet: put one between documents scanned as one batch.
    """
    from capture.barcodes import CoverSheet, new_document_key, write_cover_sheet, write_separator_sheet

    if separator:
        path = write_separator_sheet(out or Path("separator.pdf"))
        console.print(f"separator sheet written to {path}", highlight=False, markup=False)
        return
    if not (outlet or doc_type or order):
        err_console.print("error: give at least one of --outlet, --type, --order", highlight=False, markup=False)
        raise typer.Exit(ExitCode.BAD_INPUT)
    sheet = CoverSheet(outlet=outlet, doc_type=doc_type, order_no=order, key=key or new_document_key())
    path = write_cover_sheet(out or Path(f"coversheet-{sheet.key}.pdf"), sheet)
    console.print(f"cover sheet {sheet.key} written to {path}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add `watch`, `mail` and `coversheet` to the main app."""
    app.command("watch")(watch)
    app.command("mail")(mail)
    app.command("coversheet")(coversheet)
