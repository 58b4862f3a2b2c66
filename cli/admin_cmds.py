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
    key: Annotated[Path | None, typer.Option("--key", help="sign the manifest with this key file, kept outside "
                                             "the backup (default: [backup] key_file)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Back up the archive while it is in use: database, originals, derived files, settings, model, quarantine.

    The new backup is built beside DEST and swapped in only when it is complete and verified: an earlier
    backup in DEST is never changed before that, and files unchanged since it are hard links into it
    (--link-dest: into another earlier backup). Originals are checked against their SHA-256 as they are
    copied; one missing or damaged in the archive is taken from the earlier backup when that has a good
    copy (exit 11: the backup is whole, the archive is not), else the earlier backup stays as it was
    (exit 6). With --tar the backup is one tar file (manifest.json its last member).
    """
    from archive.backup import backup, backup_tar
    from finarchive.errors import ExitCode

    make = backup_tar if tar else backup
    with open_archive() as arc:
        key_file = key or _configured_key(arc.settings)
        summary = make(arc, dest, derived=not no_derived, link_dest=link_dest, key_file=key_file)
    if as_json:
        print_json(summary.as_dict())
    else:
        console.print(
            f"backup at [bold]{escape(str(summary.path))}[/]: {summary.documents} documents, database "
            f"({summary.database}) schema {summary.schema_revision}, {summary.originals} originals "
            f"({summary.originals_copied} copied), {summary.derived_files} derived files "
            f"({summary.derived_copied} copied), {summary.linked} hard-linked, "
            f"{summary.bytes_copied / 1e6:.1f} MB copied" + (", manifest signed" if summary.signed else ""),
            highlight=False, soft_wrap=True,
        )
    for problem in summary.archive_problems:
        err_console.print(f"[yellow]{escape(problem)}[/]", highlight=False, soft_wrap=True)
    if summary.archive_problems:
        err_console.print("the backup is complete, the archive is not: run `finarchive check`", highlight=False)
        raise typer.Exit(ExitCode.CHECK_FAILED)


def _configured_key(settings) -> Path | None:
    value = str(settings.get("backup", "key_file") or "")
    return settings.path("backup", "key_file") if value else None


def restore_cmd(
    src: Annotated[Path, typer.Argument(help="a backup folder or .tar made by `finarchive backup`")],
    home: Annotated[Path | None, typer.Option("--home", help="archive home to restore into "
                                              "(default FINARCHIVE_HOME); must be empty")] = None,
    force: Annotated[bool, typer.Option("--force", help="restore into a non-empty home, replacing its "
                                        "SQLite database and files")] = False,
    check: Annotated[bool, typer.Option("--check", help="only verify the backup (manifest, database dump, "
                                        "every file's and every original's hash); restore nothing")] = False,
    key: Annotated[Path | None, typer.Option("--key", help="the key file the manifest was signed with "
                                             "(default: FINARCHIVE_BACKUP_KEY_FILE)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Restore a backup into an empty home: verify it, restore it, migrate it, rebuild the search index.

    Every file is checked against its SHA-256 before anything is written and again as it is written; a
    link or a file the manifest does not list is refused, and so is a signed manifest whose signature
    the key does not confirm. A PostgreSQL target (FINARCHIVE_DATABASE_URL or the backup's settings)
    must be an empty database.
    """
    from archive.backup import restore

    key_file = key or _restore_key(home)
    if check:
        _check_backup(src, as_json, key_file)
        return
    summary = restore(src, home, force=force, key_file=key_file)
    if as_json:
        print_json(summary.as_dict())
        return
    console.print(
        f"restored {summary.documents} documents into [bold]{summary.home}[/] "
        f"(database {summary.database_url}, schema {summary.schema_revision}): {summary.originals} originals, "
        f"{summary.derived_files} derived files, {summary.indexed} indexed",
        highlight=False, soft_wrap=True,
    )


def _restore_key(home: Path | None) -> Path | None:
    """The key named by the target's settings: FINARCHIVE_BACKUP_KEY_FILE (never the backup's own settings)."""
    from archive.config import Settings

    return _configured_key(Settings.load(home))


def _check_backup(src: Path, as_json: bool, key_file: Path | None) -> None:
    """`restore --check`: verify a backup folder or tar; its problems on stderr and exit 2."""
    from archive.backup import BackupError, opened, read_key, read_manifest, verify_backup

    key = read_key(key_file) if key_file is not None else None
    with opened(src) as folder:
        manifest = read_manifest(folder)
        problems = verify_backup(folder, key)
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
