"""`finarchive backup` and `finarchive restore`: the administrator's copy of a whole archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cli._common import console, err_console, open_archive, print_json


def register(app: typer.Typer) -> None:
    """Add `backup` and `restore` to the root command."""
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)


def backup_cmd(
    dest: Annotated[Path, typer.Argument(help="backup folder (created; an earlier backup there is updated)")],
    no_derived: Annotated[bool, typer.Option("--no-derived",
                                             help="leave out page images, thumbnails and searchable PDFs")] = False,
    tar: Annotated[bool, typer.Option("--tar", help="write one .tar file DEST instead of a folder")] = False,
    link_dest: Annotated[Path | None, typer.Option("--link-dest", help="an earlier backup folder: files "
                                                   "unchanged since it are hard-linked, not copied")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Back up the archive while it is in use: database, originals, derived files, settings, model, quarantine.

    Backing up into the folder of an earlier backup copies only new originals; --link-dest makes a new
    folder whose unchanged files are hard links into an earlier one. manifest.json is written last: a
    folder without it is an unfinished backup. With --tar the backup is one tar file (manifest.json its
    last member), built in a temporary folder beside it.
    """
    from archive.backup import backup, backup_tar

    make = backup_tar if tar else backup
    with open_archive() as arc:
        summary = make(arc, dest, derived=not no_derived, link_dest=link_dest)
    if as_json:
        print_json(summary.as_dict())
        return
    console.print(
        f"backup at [bold]{summary.path}[/]: {summary.documents} documents, database ({summary.database}) "
        f"schema {summary.schema_revision}, {summary.originals} originals ({summary.originals_copied} copied), "
        f"{summary.derived_files} derived files ({summary.derived_copied} copied), "
        f"{summary.linked} hard-linked, {summary.removed} removed, {summary.bytes_copied / 1e6:.1f} MB copied",
        highlight=False, soft_wrap=True,
    )


def restore_cmd(
    src: Annotated[Path, typer.Argument(help="a backup folder or .tar made by `finarchive backup`")],
    home: Annotated[Path | None, typer.Option("--home", help="archive home to restore into "
                                              "(default FINARCHIVE_HOME); must be empty")] = None,
    force: Annotated[bool, typer.Option("--force", help="restore into a non-empty home, replacing its "
                                        "SQLite database and files")] = False,
    check: Annotated[bool, typer.Option("--check", help="only verify the backup (manifest, database dump, "
                                        "every original's hash); restore nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Restore a backup into an empty home: verify it, restore it, migrate it, rebuild the search index.

    Every original is checked against its SHA-256 before anything is written. A PostgreSQL target
    (FINARCHIVE_DATABASE_URL or the backup's settings) must be an empty database.
    """
    from archive.backup import restore

    if check:
        _check_backup(src, as_json)
        return
    summary = restore(src, home, force=force)
    if as_json:
        print_json(summary.as_dict())
        return
    console.print(
        f"restored {summary.documents} documents into [bold]{summary.home}[/] "
        f"(database {summary.database_url}, schema {summary.schema_revision}): {summary.originals} originals, "
        f"{summary.derived_files} derived files, {summary.indexed} indexed",
        highlight=False, soft_wrap=True,
    )


def _check_backup(src: Path, as_json: bool) -> None:
    """`restore --check`: verify a backup folder or tar; its problems on stderr and exit 2."""
    from archive.backup import BackupError, opened, read_manifest, verify_backup

    with opened(src) as folder:
        manifest = read_manifest(folder)
        problems = verify_backup(folder)
    if as_json:
        print_json({"ok": not problems, "problems": problems, "manifest": manifest})
    else:
        for line in problems:
            err_console.print(f"[red]{escape(line)}[/]", highlight=False, soft_wrap=True)
    if problems:
        raise BackupError(f"the backup {src} is damaged: {len(problems)} problem(s)")
    if not as_json:
        counts = manifest["counts"]
        console.print(f"backup of {manifest['created_at']} verified: {counts['documents']} documents, "
                      f"{counts['originals']} originals", highlight=False, soft_wrap=True)
