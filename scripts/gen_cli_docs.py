"""Write docs/cli.md from the CLI's own --help texts (a test checks it is current).

    python scripts/gen_cli_docs.py          # rewrite docs/cli.md
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import typer

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "cli.md"


def _walk(cmd: click.Command, path: list[str]):  # type: ignore[no-untyped-def]
    yield path, cmd
    if hasattr(cmd, "list_commands"):
        for name in sorted(cmd.list_commands(click.Context(cmd))):
            yield from _walk(cmd.get_command(click.Context(cmd), name), [*path, name])


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
        ctx = click.Context(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        text = cmd.get_help(ctx)
        text = "\n".join(line.rstrip() for line in text.splitlines())
        parts += [f"## `{' '.join(path)}`", "", "```text", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
