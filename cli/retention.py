"""`finarchive retention`: how long each kind of original is kept and by which law; what may be destroyed now."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._common import console, open_archive, print_json
from cli.orders import parse_date


def register(app: typer.Typer) -> None:
    """Add `retention` to the root command."""
    app.command("retention")(retention_cmd)


def retention_cmd(
    due: Annotated[bool, typer.Option("--due", help="List what may be destroyed now, box by box (отбор к "
                                                    "уничтожению), instead of the table.")] = False,
    today: Annotated[str | None, typer.Option("--today", help="The day to judge by (YYYY-MM-DD).",
                                              show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The retention table: each doc type's period, where its count starts and its legal sources (402-ФЗ
    ст. 29, НК РФ ст. 23, приказ Росархива № 236), with the administrator's overrides from finarchive.toml
    ([retention.<doc_type>]). `originals destroy` and destruction acts use it.
    """
    from archive.retention import STARTS, due_for_destruction, retention_table

    day = parse_date(today, "--today")
    with open_archive() as arc:
        if due:
            with arc.sessions() as session:
                boxes = due_for_destruction(session, arc.settings, today=day)
            if as_json:
                print_json({"boxes": boxes})
                return
            if not boxes:
                console.print("к уничтожению ничего / nothing is due for destruction", highlight=False)
            for box in boxes:
                verdict = "можно уничтожить / may be destroyed" if box["destroyable"] else \
                    "нельзя целиком / not as a whole"
                console.print(f"[bold]{box['box']}[/] ({box['location'] or '—'}): {len(box['due'])} истекли / due, "
                              f"{verdict}", highlight=False, soft_wrap=True)
                for row in box["kept"]:
                    console.print(f"  держим / kept: {row['barcode']} {row['doc_type']}: {row['why']}",
                                  highlight=False, soft_wrap=True)
            return
        table = retention_table(arc.settings)
    if as_json:
        print_json({"types": [p.as_dict() for p in table]})
        return
    for p in table:
        mark = f"  [yellow]({p.overridden_by})[/]" if p.overridden_by else ""
        console.print(f"[bold]{p.doc_type}[/] {p.title}: {p.years} лет / years {STARTS[p.start]}{mark}",
                      highlight=False, soft_wrap=True)
        for s in p.sources:
            console.print(f"  {s.years} — {s.cite()}" + (f": {s.covers}" if s.covers else ""), highlight=False,
                          soft_wrap=True)
