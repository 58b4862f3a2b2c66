"""`finarchive counterparty ...`: a counterparty's dossier by INN, and filing a document into it by hand."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli._common import console, open_archive, print_json
from cli.orders import Actor, AsJson, who

counterparty_app = typer.Typer(help="Counterparty dossiers: documents, orders, originals owed, completeness.",
                               no_args_is_help=True, rich_markup_mode=None)

Inn = Annotated[str, typer.Argument(help="The counterparty's INN (10 or 12 digits).")]


@counterparty_app.command()
def show(inn: Inn, as_json: AsJson = False) -> None:
    """The dossier: what it lacks for each kind of counterparty that applies, its documents, orders and the
    paper originals still owed. Exits 4 for an INN nothing is known of, 2 for one whose check digits fail."""
    from archive.dossiers import dossier

    with open_archive() as arc, arc.sessions() as session:
        view = dossier(session, arc.settings, inn)
    if as_json:
        print_json(view)
        return
    console.print(f"[bold]{view['name'] or 'counterparty'}[/] ИНН {view['inn']} ({', '.join(view['roles'])})",
                  highlight=False)
    for kind in view["completeness"]["kinds"]:
        state = "[green]complete[/]" if kind["complete"] else f"[yellow]missing:[/] {', '.join(kind['missing'])}"
        console.print(f"{kind['kind']}: {state}", highlight=False)
    if not view["completeness"]["kinds"]:
        console.print("no dossier kind applies", highlight=False)
    table = Table("doc", "type", "number", "date", "total", "role", "original")
    for d in view["documents"]:
        o = d["original"]
        table.add_row(str(d["id"]), d["doc_type"] or "?", d["number"] or "", d["date"] or "", d["total"] or "",
                      d["role"] + (f" ({d['filed_as']})" if d["filed_as"] else ""),
                      f"{o['barcode']} {o['state']}" if o else "-")
    console.print(table)
    console.print(f"{view['documents_total']} document(s); orders: "
                  + (", ".join(f"{o['order_no']}{'' if o['complete'] else ' (incomplete)'}" for o in view["orders"])
                     or "none"), highlight=False)
    if view["originals_owed"]:
        console.print("originals owed: " + ", ".join(f"{o['barcode']} (due {o['due_date'] or '-'})"
                                                     for o in view["originals_owed"]), highlight=False)


@counterparty_app.command()
def incomplete(as_json: AsJson = False) -> None:
    """Counterparties whose dossier lacks items, with what each lacks, the longest known first (the sweep
    raises dossier_incomplete for them after [counterparties] grace_days)."""
    from archive.dossiers import incomplete_dossiers

    with open_archive() as arc, arc.sessions() as session:
        rows = incomplete_dossiers(session, arc.settings)
    if as_json:
        print_json(rows)
        return
    table = Table("INN", "name", "kinds", "missing", "first seen")
    for r in rows:
        table.add_row(r["inn"], r["name"] or "", ", ".join(r["kinds"]), ", ".join(r["missing"]),
                      (r["first_seen"] or "")[:10])
    console.print(table)
    console.print(f"{len(rows)} incomplete dossier(s)", highlight=False)


@counterparty_app.command("file")
def file_(
    inn: Inn,
    document_id: Annotated[int, typer.Argument(help="Document id.")],
    item: Annotated[str | None, typer.Option(help="The dossier item it is, e.g. bank_details (default: its doc "
                                                  "type).", show_default=False)] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take it out of the dossier instead.")] = False,
    actor: Actor = None,
) -> None:
    """File a document into a counterparty's dossier by hand (a card of bank details carries no INN)."""
    from archive import dossiers
    from archive.views import get_document

    with open_archive() as arc, arc.transaction() as session:
        document = get_document(session, document_id)
        if remove:
            dossiers.unfile_document(session, inn, document, actor=who(actor))
        else:
            dossiers.file_document(session, arc.settings, inn, document, item=item, actor=who(actor))
    console.print(f"document {document_id} {'taken out of' if remove else 'filed into'} the dossier of {inn}",
                  highlight=False)
