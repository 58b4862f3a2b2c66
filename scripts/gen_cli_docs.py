"""Write docs/cli.md from the CLI's own --help texts (a test checks it is current).

    python scripts/gen_cli_docs.py          # rewrite docs/cli.md
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from typer._click import Command  # typer vendors click: its commands are not click.Command
from typer.core import TyperGroup

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "cli.md"


def _walk(cmd: Command, path: list[str]) -> Iterator[tuple[list[str], Command]]:
    yield path, cmd
    if isinstance(cmd, TyperGroup):
        for name in sorted(cmd.list_commands(typer.Context(cmd))):
            sub = cmd.get_command(typer.Context(cmd), name)
            if sub is not None:
                yield from _walk(sub, [*path, name])


def render() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    os.environ["TERM"] = "dumb"
    from cli.app import app

    root = typer.main.get_command(app)
    parts = [
        "# finarchive command-line reference",
        "",
        ("Generated from `--help` by `python scripts/gen_cli_docs.py`; `tests/cli/test_cli_docs.py` checks it is "
         "current."),
        "",
        "The exit codes are listed at the end of `finarchive --help` (below); they come from `ExitCode` in",
        "finarchive/errors.py.",
        "",
    ]
    for path, cmd in _walk(root, ["finarchive"]):
        if cmd.hidden:
            continue
        ctx = typer.Context(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        text = cmd.get_help(ctx)
        text = "\n".join(line.rstrip() for line in text.splitlines())
        parts += [f"## `{' '.join(path)}`", "", "```text", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
