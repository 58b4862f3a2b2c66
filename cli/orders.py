"""`finarchive orders ...`: import orders from the CRM/ERP, link documents, show what an order lacks."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli._common import console, err_console, open_archive, print_json
from finarchive.errors import ExitCode, InvalidInputError

orders_app = typer.Typer(help="Sales orders: import, link documents, completeness.", no_args_is_help=True,
                         rich_markup_mode=None)


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "system"


Actor = Annotated[str | None, typer.Option("--actor", help="Who does this (default: the OS user).",
                                           show_default=False)]


def who(actor: str | None) -> str:
    return actor.strip() if actor and actor.strip() else os_user()
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInputError(f"{option}: expected YYYY-MM-DD, got {text!r}") from exc


def _mapping(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise InvalidInputError(f"--map takes FIELD=COLUMN, got {pair!r}")
        out[ours.strip()] = theirs.strip()
    return out


@orders_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or JSON file of orders.", show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or json (default: by the file's suffix).")] = None,
    mapping: Annotated[list[str], typer.Option(
        "--map", help="FIELD=COLUMN: read a field from another column, e.g. --map 'order_no=Номер заказа'. "
                      "Fields: order_no, date, customer_name, customer_inn, outlet, amount, manager, kind.")] = [],  # noqa: B006
    actor: Actor = None,
    as_json: AsJson = False,
) -> None:
    """Import orders (upsert by normalised order number) and link documents that were waiting for them.

    The default CSV header is order_no,date,customer_name,customer_inn,outlet,amount,manager (comma or
    semicolon, UTF-8 or Windows-1251). Exits 10 when some rows could not be read (the others are imported).
    """
    from archive.orders import import_orders, read_orders

    rows, errors = read_orders(file, fmt=fmt, mapping=_mapping(mapping))
    with open_archive() as arc, arc.transaction() as session:
        result = import_orders(session, rows, actor=who(actor), settings=arc.settings, errors=errors)
    if as_json:
        print_json(result.as_dict())
    else:
        console.print(f"orders: {result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
                      f"documents linked {result.linked}, suggested {result.suggested}", highlight=False)
        for e in result.errors:
            err_console.print(f"[yellow]row {e.line}[/]: {e.message}", highlight=False)
    if result.errors:
        raise typer.Exit(ExitCode.PARTIAL)


@orders_app.command()
def show(
    order_no: Annotated[str, typer.Argument(help="Order number (look-alike letters and case do not matter).")],
    as_json: AsJson = False,
) -> None:
    """An order: linked documents with their originals, suggestions, and what is missing."""
    from archive.orders import order_view

    with open_archive() as arc, arc.sessions() as session:
        view = order_view(session, order_no, arc.settings)
    if as_json:
        print_json(view)
        return
    console.print(f"[bold]order {view['order_no']}[/] {view['date'] or ''} {view['customer_name'] or ''} "
                  f"(ИНН {view['customer_inn'] or '-'}) {view['amount'] or ''} outlet {view['outlet'] or '-'}, "
                  f"manager {view['manager'] or '-'}, kind {view['kind']}", highlight=False)
    table = Table("doc", "type", "number", "date", "total", "link", "original")
    for d in view["documents"]:
        o = d["original"]
        table.add_row(str(d["document_id"]), d["doc_type"] or "?", d["number"] or "", d["date"] or "",
                      d["total"] or "", d["link"]["method"],
                      f"{o['barcode']} {o['state']}" + (f" box {o['box']}" if o["box"] else "") if o else "-")
    console.print(table)
    for d in view["suggestions"]:
        console.print(f"suggested: document {d['document_id']} {d['doc_type']} {d['total'] or ''} "
                      f"(score {d['link']['score']}) — `finarchive orders confirm {view['order_no']} "
                      f"{d['document_id']}`", highlight=False)
    if view["complete"]:
        console.print("[green]complete[/]")
    else:
        console.print(f"[yellow]missing:[/] {', '.join(view['missing'])}", highlight=False)
    if view["originals_outstanding"]:
        console.print(f"originals still owed: {', '.join(view['originals_outstanding'])}", highlight=False)


@orders_app.command()
def incomplete(
    outlet: Annotated[str | None, typer.Option(help="Only this outlet's orders.")] = None,
    since: Annotated[str | None, typer.Option(help="Only orders dated from (YYYY-MM-DD).")] = None,
    as_json: AsJson = False,
) -> None:
    """Orders whose set of documents is not complete yet, with what each lacks."""
    from archive.orders import incomplete_orders

    with open_archive() as arc, arc.sessions() as session:
        rows = incomplete_orders(session, arc.settings, outlet=outlet, since=parse_date(since, "--since"))
    if as_json:
        print_json(rows)
        return
    table = Table("order", "date", "customer", "outlet", "kind", "has", "missing", "suggested")
    for r in rows:
        table.add_row(r["order_no"], r["date"] or "", r["customer_name"] or "", r["outlet"] or "", r["kind"] or "",
                      ", ".join(r["present"]), ", ".join(r["missing"]), str(r["suggestions"]))
    console.print(table)
    console.print(f"{len(rows)} incomplete order(s)")


def _link_command(name: str, func_name: str, doc: str) -> None:
    def command(
        order_no: Annotated[str, typer.Argument(help="Order number.")],
        document_id: Annotated[int, typer.Argument(help="Document id.")],
        actor: Actor = None,
    ) -> None:
        import archive.orders as orders

        with open_archive() as arc, arc.transaction() as session:
            link = getattr(orders, func_name)(session, order_no, document_id, actor=who(actor))
            console.print(f"order {link.order.order_no} — document {document_id}: {link.state} ({link.method})",
                          highlight=False)

    command.__doc__ = doc
    orders_app.command(name)(command)


_link_command("link", "link_document", "Link a document to an order by hand.")
_link_command("confirm", "confirm_link", "Confirm a suggested link.")
_link_command("unlink", "unlink_document",
              "Unlink a document (or reject a suggestion); automatic linking will not make it again.")


@orders_app.command("embed-url")
def embed_url(
    order_no: Annotated[str, typer.Argument(help="Order number.")],
    hours: Annotated[float | None, typer.Option(help="Valid this many hours (default: [embed] ttl_hours).",
                                                show_default=False)] = None,
    actor: Actor = None,
    as_json: AsJson = False,
) -> None:
    """A signed, expiring link to the order's read-only view for the CRM's order card (no login).

    The URL starts with [notify] base_url when it is set; the CRM's origin must be in [embed] frame_ancestors
    for the view to show in its frame.
    """
    from archive import embed
    from archive.orders import get_order

    with open_archive() as arc, arc.transaction() as session:
        order = get_order(session, order_no)
        link = embed.mint(arc.settings, order.order_no, hours=hours)
        embed.audit_minted(session, link, actor=who(actor))
    if as_json:
        print_json(link.as_dict())
    else:
        console.print(link.url, highlight=False, soft_wrap=True)
