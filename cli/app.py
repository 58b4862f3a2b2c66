"""The `finarchive` command line. Thin: every command calls the packages and prints."""

from __future__ import annotations

import getpass
import html
import os
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape as rich_escape
from rich.table import Table

from cli._common import (
    HandledGroup,
    console,
    err_console,
    exit_codes_epilog,
    make_executor,
    open_archive,
    print_json,
    print_problems,
    start_page_readers,
)
from finarchive.errors import ExitCode

app = typer.Typer(
    name="finarchive",
    help="Financial archive: capture scans, read and check them, link them to orders, track paper originals.",
    epilog=exit_codes_epilog(),
    cls=HandledGroup,  # the one error handler: every command's exceptions become exit codes there
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """finarchive keeps its archive in the folder named by FINARCHIVE_HOME (default ./finarchive-data)."""


@app.command()
def init() -> None:
    """Create the archive (folders, finarchive.toml, database schema) or migrate an existing one."""
    from archive.store import Archive

    with Archive.init() as arc:
        console.print(f"archive ready at [bold]{arc.settings.home}[/] (database {arc.engine.url.render_as_string()})",
                      highlight=False)


def _executor(workers: int):
    from capture import PoolExecutor, SerialExecutor

    return SerialExecutor() if workers <= 1 else PoolExecutor(workers)


def _print_summary(summary: Any) -> None:
    table = Table(title="import summary", show_header=False)
    for label, value in [
        ("files", summary.files), ("archived", summary.archived), ("pages", summary.pages),
        ("needs review", summary.needs_review), ("duplicates skipped", summary.duplicates),
        ("quarantined", summary.quarantined), ("failed", summary.failed),
        ("seconds", f"{summary.seconds:.1f}"),
        ("pages/min", f"{summary.pages / summary.seconds * 60:.1f}" if summary.seconds else "-"),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    if summary.by_type:
        console.print("by type: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_type.items())))
    print_problems(summary.as_dict()["problems"])


def _run_pipeline(arc, action, *, show_progress: bool, workers: int | None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from archive.pipeline import Pipeline

    executor = make_executor(arc.settings, workers)
    try:
        if not show_progress:
            return action(Pipeline(arc, executor))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=False) as bar:
            pages = bar.add_task("pages read", total=0)
            files = bar.add_task("files done", total=None)

            def progress(event: str, info: dict[str, Any]) -> None:
                if event == "intake":
                    bar.update(pages, total=(bar.tasks[pages].total or 0) + info["pages"])
                elif event == "page":
                    bar.advance(pages)
                elif event == "file":
                    bar.advance(files)

            return action(Pipeline(arc, executor, progress=progress))
    finally:
        executor.close()


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders (recursive) and ZIP archives.",
                                                show_default=False)],
    outlet: Annotated[str | None, typer.Option(help="Outlet code the documents come from.")] = None,
    manifest: Annotated[Path | None, typer.Option(
        help="CSV mapping files to outlet, doc type and order number.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type, overriding the classifier.")] = None,
    order: Annotated[str | None, typer.Option(help="Order number for every document.")] = None,
    workers: Annotated[int | None, typer.Option(help="OCR processes (default: one per core).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Import files, folders and ZIP archives: duplicates (by SHA-256) are skipped, unreadable files
    quarantined. Run again after an interruption, it finishes the batch without duplicates.

    Exits 0 when every file was archived or skipped as a duplicate, 10 when some were quarantined
    or failed (the others are archived all the same).
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        err_console.print(f"[bold red]error:[/] no such file or folder: {', '.join(missing)}", highlight=False)
        raise typer.Exit(ExitCode.BAD_INPUT)
    start_page_readers(workers)
    from archive.intake import import_batch

    hints = {k: v for k, v in {"doc_type": doc_type, "order_no": order}.items() if v}
    with open_archive() as arc:
        summary = _run_pipeline(
            arc, lambda p: import_batch(p, paths, outlet=outlet, hints=hints, manifest=manifest),
            show_progress=not (no_progress or as_json), workers=workers,
        )
    if as_json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary)
    if summary.quarantined or summary.failed:
        raise typer.Exit(ExitCode.PARTIAL)


@app.command()
def process(
    workers: Annotated[int | None, typer.Option(help="OCR processes (default: one per core).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Finish documents an interrupted run left in `received` (read, classify, commit, index)."""
    with open_archive() as arc:
        summary = _run_pipeline(arc, lambda p: p.resume(), show_progress=not as_json, workers=workers)
    if as_json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", "-c", help="OCR processes on this host (default: [ocr] workers, one per core).")] = None,
    broker_url: Annotated[str | None, typer.Option(help="Redis URL (default: [ocr] broker_url).")] = None,
    queue: Annotated[str, typer.Option(help="The queue of pages to serve.")] = "finarchive.pages",
    loglevel: Annotated[str, typer.Option(help="Celery's log level.")] = "INFO",
) -> None:
    """Read pages for importing hosts: a Celery worker over Redis (see docs/scaling.md)."""
    from archive.config import Settings
    from capture.celery_executor import DEFAULT_BROKER_URL, run_worker

    settings = Settings.load()
    run_worker(broker_url or str(settings.get("ocr", "broker_url") or DEFAULT_BROKER_URL),
               concurrency=concurrency or settings.workers, queue=queue, loglevel=loglevel)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Files to read.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one object per file (the default).")] = True,
    workers: Annotated[int, typer.Option(help="OCR processes.")] = os.cpu_count() or 1,
    languages: Annotated[str | None, typer.Option(
        help="Tesseract languages (default: [ocr] languages, as import reads).", show_default=False)] = None,
    latin_engine: Annotated[str | None, typer.Option(
        help="Pages in Latin script read again by PP-OCR: auto (when installed), ppocr or tesseract "
             "(default: [ocr] latin_engine).", show_default=False)] = None,
) -> None:
    """Read, classify and extract fields of FILES as `import` would, without touching any archive (JSON Lines).

    The settings and the trained model are the archive's in FINARCHIVE_HOME when it has them. Exits 10 when
    some files could not be read: their lines carry an "error" (Russian first, as `import` reports it) and
    a "reason"; the others are read all the same."""
    import dataclasses

    from archive.config import Settings
    from archive.extract import extract_files
    from archive.reading import Reader, ReadingSettings
    from capture import ppocr

    if latin_engine is not None and latin_engine not in ppocr.ENGINES:
        raise typer.BadParameter(f"one of {', '.join(ppocr.ENGINES)}", param_hint="--latin-engine")
    reading = ReadingSettings.of(Settings.load())
    reader = Reader(dataclasses.replace(reading, languages=languages or reading.languages,
                                        latin_engine=latin_engine or reading.latin_engine))
    executor = _executor(workers)
    failed = False
    try:
        for line in extract_files(files, executor, reader=reader):
            failed = failed or "error" in line
            if as_json:
                print_json(line)
            else:
                console.print(line)
    finally:
        executor.close()
    if failed:
        raise typer.Exit(ExitCode.PARTIAL)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "phrases", -exclusions, and filters like type:waybill.')] = "",
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet code.")] = None,
    status: Annotated[str | None, typer.Option(help="Document status.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Document date from (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Document date to (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="Results per page.")] = 20,
    offset: Annotated[int, typer.Option(help="Results to skip.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Full-text search with filters; matched words are highlighted in snippets."""
    from archive.search_service import run_search

    with open_archive() as arc:
        result = run_search(arc, query, doc_type=doc_type, outlet=outlet, status=status, date_from=date_from,
                            date_to=date_to, limit=limit, offset=offset, facets=as_json)
    if as_json:
        print_json({
            "total": result.total,
            "hits": [h.__dict__ for h in result.hits],
            "facets": result.facets,
        })
        return
    console.print(f"{result.total} document(s)")
    for hit in result.hits:
        console.print(
            f"[bold]#{hit.doc_id}[/] {hit.doc_type or '?'} {hit.date or ''} {hit.total or ''} "
            f"{hit.outlet or ''} [dim]{hit.title}[/]", highlight=False,
        )
        console.print("   " + _snippet_markup(hit.snippet), highlight=False)


def _snippet_markup(snippet: str) -> str:
    """An HTML snippet (escaped text, <mark> around matches) as rich markup with the matches reversed."""
    parts = re.split(r"(</?mark>)", snippet)
    out = []
    for part in parts:
        if part == "<mark>":
            out.append("[reverse]")
        elif part == "</mark>":
            out.append("[/reverse]")
        else:
            out.append(rich_escape(html.unescape(part)))
    return "".join(out)


@app.command()
def show(
    doc_id: Annotated[int, typer.Argument(help="Document id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    text: Annotated[bool, typer.Option("--text", help="Also print the OCR text.")] = False,
) -> None:
    """One document: type, status, fields with confidence, problems, pages, original, orders, history."""
    from archive.views import document_view

    with open_archive() as arc, arc.sessions() as session:
        view = document_view(session, arc, doc_id, with_text=text or as_json)
    if as_json:
        print_json(view)
        return
    console.print(f"[bold]document {view['id']}[/] {view['filename']} — {view['doc_type']} "
                  f"({view['confidence']}) [bold]{view['status']}[/]", highlight=False)
    console.print(f"outlet {view['outlet'] or '-'}, {view['pages']} page(s), sha256 {view['sha256'][:16]}…",
                  highlight=False)
    table = Table("field", "value", "confidence", "page", "source")
    for name, f in view["fields"].items():
        table.add_row(name, f["value"], f"{f['confidence']:.2f}" if f["confidence"] is not None else "-",
                      str(f["page"] or "-"), f["source"])
    console.print(table)
    notes = sorted({f["note"] for f in view["fields"].values() if f.get("note")})
    for note in notes:  # where learned values came from: «learned from 3 verified documents of ООО …»
        console.print(f"[dim]{note}[/]", highlight=False, soft_wrap=True)
    for p in view["problems"]:
        console.print(f"[yellow]{p['severity']}[/] {p['code']}: {p['message']}", highlight=False)
    if view["original"]:
        console.print(f"original {view['original']['barcode']}: {view['original']['state']}", highlight=False)
    for copy in view.get("copies", []):  # a scan and its ЭДО copy (archive/reconcile.py)
        differing = ", ".join(f"{d['field']} {d['paper']} ≠ {d['electronic']}" for d in copy["differences"])
        console.print(f"{'электронная копия' if copy['kind'] == 'electronic' else 'скан'} / {copy['kind']} copy: "
                      f"document {copy['document_id']}" + (f" — differs: {differing}" if differing else ""),
                      highlight=False)
    for link in view["orders"]:
        console.print(f"order {link['order_no']} ({link['method']}, {link['state']})", highlight=False)
    if text:
        for page in view["text"]:
            console.print(f"--- page {page['number']} ---\n{page['text']}", highlight=False)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    from archive.indexing import reindex as rebuild

    with open_archive() as arc:
        count = rebuild(arc)
    console.print(f"indexed {count} document(s)")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    recount: Annotated[bool, typer.Option("--recount", help="Count the tables again and keep those counts.")] = False,
) -> None:
    """Counts by status, type and outlet; what arrived from which source; what was quarantined and why.

    The counts are kept by every commit (in the same transaction) and only read here; --recount rebuilds them
    from the tables."""
    from archive.counts import recount as rebuild
    from archive.views import archive_stats

    with open_archive() as arc:
        if recount:
            with arc.transaction() as session:
                rebuild(session)
        with arc.sessions() as session:  # a read: the counts are summed as they are (the commits fold them)
            data = archive_stats(session)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['documents']}[/] documents, {data['pages']} pages", highlight=False)
    for key in ("by_status", "by_type", "by_outlet", "originals", "intake"):
        if data[key]:
            console.print(f"{key.replace('_', ' ')}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()),
                          highlight=False)
    if data["quarantined"]:
        table = Table("file", "reason", "message", "kept in", title="quarantined")
        for q in data["quarantined"]:
            table.add_row(q["filename"] or "", q["reason"] or "", q["message"] or "", q["quarantine_path"] or "")
        console.print(table)


@app.command()
def train(
    min_docs: Annotated[int, typer.Option(help="Least verified documents the classifier needs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Rebuild the supplier memory and retrain the document-type classifier from every verified document.

    The memory is rebuilt whatever the number of documents; the classifier needs --min-docs verified
    documents of two types at least (else the one it has stays). The model is replaced atomically.
    """
    from archive.training import train_from_verified

    with open_archive() as arc:
        report = train_from_verified(arc, min_docs=min_docs)
    if as_json:
        print_json(report)
        return
    memory = report["memory"]
    console.print(f"память поставщиков / supplier memory: {memory['documents']} verified documents, "
                  f"{memory['suppliers']} suppliers, {memory['layouts']} layouts", highlight=False, soft_wrap=True)
    classifier = report["classifier"]
    if classifier.get("skipped"):
        console.print(f"classifier not retrained: {classifier['skipped']}", highlight=False, soft_wrap=True)
    else:
        console.print(f"classifier trained on {classifier['documents']} verified documents of "
                      f"{len(classifier['types'])} types; model written to {classifier['path']}",
                      highlight=False, soft_wrap=True)


@app.command()
def check(
    repair: Annotated[bool, typer.Option("--repair", help="rebuild what can be rebuilt: index documents missing "
                                         "from the search index, read pages again for missing derived files")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check the database, the originals (each against its SHA-256), the derived files and the search index
    against each other; --repair rebuilds what can be rebuilt and reports what cannot.

    Exits 0 when nothing is wrong (or all was repaired), 11 when a problem is left. Originals a document
    does not name, and documents an interrupted run left unread, are reported without failing.
    """
    from archive.integrity import check_archive

    with open_archive() as arc:
        report = check_archive(arc, repair=repair, actor=getpass.getuser())
    if as_json:
        print_json(report.as_dict())
    else:
        for p in report.problems:
            state = "repaired" if p.repaired else ("error" if p.is_error else "warning")
            detail = f" ({p.repair_error})" if p.repair_error else ""
            colour = "green" if p.repaired else ("red" if p.is_error else "yellow")
            err_console.print(f"[{colour}]{state}[/] {p.finding.value}: {rich_escape(p.message)}{rich_escape(detail)}",
                              highlight=False, soft_wrap=True)
        console.print(f"{report.documents} documents, {report.originals_verified} originals verified, "
                      f"{report.derived_files} derived files present, {report.indexed} indexed; "
                      f"{sum(p.is_error for p in report.problems)} problem(s) left", highlight=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(ExitCode.CHECK_FAILED)


def _register_subcommands() -> None:
    """Sub-apps and the command modules: a new module has a ``register(app)`` and is added here."""
    from cli.dossier_cmds import counterparty_app
    from cli.orders import orders_app
    from cli.originals import originals_app
    from cli import admin_cmds, capture_cmds, retention, tasks_cmds, verify_cmds, web_cmds, zreports

    app.add_typer(orders_app, name="orders", help="Sales orders from the CRM/ERP, their documents and gaps.")
    app.add_typer(counterparty_app, name="counterparty", help="Counterparty dossiers by INN: documents, orders, "
                  "originals owed and what the dossier lacks.")
    app.add_typer(originals_app, name="originals", help="Paper originals: registers, receiving, boxes, retention.")
    capture_cmds.register(app)
    admin_cmds.register(app)
    web_cmds.register(app)
    verify_cmds.register(app)
    zreports.register(app)
    retention.register(app)
    tasks_cmds.register(app)


_register_subcommands()


def main() -> None:
    """The `finarchive` console script: the app, whose root group maps every error to its exit code."""
    app()


if __name__ == "__main__":
    main()
