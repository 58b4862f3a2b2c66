"""`finarchive originals ...`: transfer registers, receiving, boxes, issue/return, loss, holds, destruction."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli._common import console, err_console, open_archive, print_json
from cli.orders import Actor, AsJson, parse_date, who
from finarchive.errors import InvalidInputError

originals_app = typer.Typer(help="Paper originals: registers, receiving, boxes, retention.", no_args_is_help=True,
                            rich_markup_mode=None)
register_app = typer.Typer(help="Transfer registers (реестры передачи).", no_args_is_help=True,
                           rich_markup_mode=None)
box_app = typer.Typer(help="Storage boxes.", no_args_is_help=True, rich_markup_mode=None)
originals_app.add_typer(register_app, name="register")
originals_app.add_typer(box_app, name="box")

Today = Annotated[str | None, typer.Option("--today", help="Act as if today were this date (YYYY-MM-DD).")]


@register_app.command("create")
def register_create(
    outlet: Annotated[str, typer.Option(help="Outlet code.", show_default=False)],
    out: Annotated[Path | None, typer.Option(help="Also copy the printable PDF here.")] = None,
    actor: Actor = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Put the outlet's expected, unsent originals on a new register (they go in_transit) and print it."""
    from archive.originals import create_register

    with open_archive() as arc, arc.transaction() as session:
        register = create_register(session, arc.blobs, outlet, actor=who(actor), today=parse_date(today, "--today"))
        pdf = arc.blobs.path(register.pdf)
        barcodes = [o.barcode for o in register_originals(session, register.id)]
        code = register.code
    if out is not None:
        shutil.copyfile(pdf, out)
    if as_json:
        print_json({"code": code, "outlet": outlet, "originals": barcodes, "pdf": str(out or pdf)})
        return
    console.print(f"register [bold]{code}[/] for {outlet}: {len(barcodes)} original(s) in transit; "
                  f"print {out or pdf}", highlight=False)


def register_originals(session, register_id: int):
    from sqlalchemy import select

    from archive.models import Original

    return list(session.scalars(select(Original).where(Original.register_id == register_id).order_by(Original.id)))


@originals_app.command()
def receive(
    codes: Annotated[list[str] | None, typer.Argument(help="Barcodes typed or from a scanner.",
                                                      show_default=False)] = None,
    scan: Annotated[list[Path], typer.Option(help="Read the barcodes from a scan of a register or cover "
                                                   "sheets (image or PDF); repeatable.")] = [],  # noqa: B006
    actor: Actor = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Receive originals at head office; report per register what is missing and what came unexpected."""
    from archive.originals import codes_from_scans
    from archive.originals import receive as receive_codes

    given = list(codes or []) + (codes_from_scans(scan) if scan else [])
    if not given:
        raise InvalidInputError("give barcodes or --scan FILE")
    with open_archive() as arc, arc.transaction() as session:
        report = receive_codes(session, given, actor=who(actor), today=parse_date(today, "--today"))
    if as_json:
        print_json(report.as_dict())
        return
    console.print(f"received {len(report.received)} original(s)", highlight=False)
    for r in report.registers:
        line = f"register {r.code} ({r.outlet}): {len(r.received)}/{len(r.listed)} arrived"
        console.print(line + (f", [yellow]missing[/] {', '.join(r.missing)}" if r.missing else ", complete"),
                      highlight=False)
    for label, items in (("unexpected (on no register)", report.unexpected), ("already here", report.already),
                         ("unknown barcode", report.unknown)):
        if items:
            err_console.print(f"[yellow]{label}:[/] {', '.join(items)}", highlight=False)


@box_app.command("create")
def box_create(
    code: Annotated[str, typer.Argument(help="Box code (printed on the box).")],
    location: Annotated[str | None, typer.Option(help="Where the box stands.")] = None,
    actor: Actor = None,
) -> None:
    """Create a storage box."""
    from archive.originals import create_box

    with open_archive() as arc, arc.transaction() as session:
        create_box(session, code, location=location, actor=who(actor))
    console.print(f"box {code} created" + (f" at {location}" if location else ""), highlight=False)


@originals_app.command("file")
def file_(
    codes: Annotated[list[str], typer.Argument(help="Barcodes of received originals.", show_default=False)],
    box: Annotated[str, typer.Option(help="Box code.", show_default=False)],
    actor: Actor = None,
    today: Today = None,
) -> None:
    """File received originals into a box: they become archived."""
    from archive.originals import file_originals

    with open_archive() as arc, arc.transaction() as session:
        filed = file_originals(session, box, codes, actor=who(actor), today=parse_date(today, "--today"))
    console.print(f"{len(filed)} original(s) filed in box {box}", highlight=False)


@originals_app.command()
def issue(
    code: Annotated[str, typer.Argument(help="Barcode.")],
    to: Annotated[str, typer.Option(help="Who takes it.", show_default=False)],
    until: Annotated[str | None, typer.Option(help="Due back (YYYY-MM-DD).")] = None,
    actor: Actor = None,
    today: Today = None,
) -> None:
    """Issue an original to someone until a date."""
    from archive.originals import issue_original

    with open_archive() as arc, arc.transaction() as session:
        issue_original(session, code, to=to, until=parse_date(until, "--until"), actor=who(actor),
                       today=parse_date(today, "--today"))
    console.print(f"{code} issued to {to}" + (f" until {until}" if until else ""), highlight=False)


@originals_app.command("return")
def return_(code: Annotated[str, typer.Argument(help="Barcode.")], actor: Actor = None, today: Today = None) -> None:
    """An issued original comes back (into its box)."""
    from archive.originals import return_original

    with open_archive() as arc, arc.transaction() as session:
        o = return_original(session, code, actor=who(actor), today=parse_date(today, "--today"))
        state = o.state
    console.print(f"{code} returned: {state}", highlight=False)


@originals_app.command()
def lost(
    code: Annotated[str, typer.Argument(help="Barcode.")],
    reason: Annotated[str, typer.Option(help="Why it is considered lost.", show_default=False)],
    actor: Actor = None,
    today: Today = None,
) -> None:
    """Mark an original lost, with a reason."""
    from archive.originals import mark_lost

    with open_archive() as arc, arc.transaction() as session:
        mark_lost(session, code, reason=reason, actor=who(actor), today=parse_date(today, "--today"))
    console.print(f"{code} marked lost", highlight=False)


@originals_app.command()
def hold(
    code: Annotated[str, typer.Argument(help="Barcode.")],
    reason: Annotated[str | None, typer.Option(help="Why (a case, an audit).")] = None,
    release: Annotated[bool, typer.Option("--release", help="Lift the hold.")] = False,
    actor: Actor = None,
) -> None:
    """Put a legal hold on an original (it is never destroyed while held), or lift it with --release."""
    from archive.originals import set_legal_hold

    with open_archive() as arc, arc.transaction() as session:
        set_legal_hold(session, code, hold=not release, reason=reason, actor=who(actor))
    console.print(f"{code}: legal hold {'lifted' if release else 'set'}", highlight=False)


@originals_app.command()
def destroy(
    box: Annotated[str, typer.Option(help="Box code.", show_default=False)],
    note: Annotated[str | None, typer.Option(help="Ground for destruction, printed on the act.")] = None,
    actor: Actor = None,
    today: Today = None,
) -> None:
    """Destroy a box whose originals are all past retention and not held; records a destruction act (PDF).

    Refused (exit 6) when any original is held, still in retention, or out of the box.
    """
    from archive.originals import destroy_box

    with open_archive() as arc, arc.transaction() as session:
        act = destroy_box(session, arc.blobs, box, actor=who(actor), note=note, today=parse_date(today, "--today"),
                          settings=arc.settings)
        code, pdf = act.code, arc.blobs.path(act.pdf)
    console.print(f"box {box} destroyed; act {code} ({pdf})", highlight=False)


@originals_app.command()
def show(code: Annotated[str, typer.Argument(help="Barcode.")], as_json: AsJson = False) -> None:
    """One original: state, where it is, retention, and its history."""
    from archive.originals import original_view

    with open_archive() as arc, arc.sessions() as session:
        view = original_view(session, code)
    if as_json:
        print_json(view)
        return
    console.print(f"[bold]{view['barcode']}[/] {view['doc_type']} № {view['number'] or '-'} — {view['state']}"
                  f"{' box ' + view['box'] if view['box'] else ''}, keep until {view['keep_until']}"
                  f"{', LEGAL HOLD' if view['legal_hold'] else ''}", highlight=False)
    for e in view["events"]:
        console.print(f"  {e['at']} {e['from'] or '-'} → {e['to']} by {e['actor']} {e['note'] or ''}",
                      highlight=False)


@originals_app.command()
def report(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only originals past their due date.")] = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """What each outlet still owes (never sent, or sent and not arrived), overdue first."""
    from archive.originals import outstanding_report

    with open_archive() as arc, arc.sessions() as session:
        rows = outstanding_report(session, outlet=outlet, overdue_only=overdue, today=parse_date(today, "--today"))
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("nothing owed")
    for r in rows:
        console.print(f"[bold]{r['outlet']}[/]: owes {r['owed']} ({r['overdue']} overdue; never sent "
                      f"{r['never_sent']}, in transit {r['in_transit']})", highlight=False)
        table = Table("barcode", "type", "number", "date", "state", "register", "due", "overdue days")
        for i in r["items"]:
            table.add_row(i["barcode"], i["doc_type"] or "", i["number"] or "", i["doc_date"] or "", i["state"],
                          i["register"] or "", i["due_date"] or "", str(i["days_overdue"] or ""))
        console.print(table)
        for z in r.get("zreports_missing", []):
            console.print(f"  нет Z-отчёта / Z-report missing: ККТ {z['kkt_reg_no']}, смена / shift {z['shift_no']} "
                          f"({z['after'] or '?'} … {z['before'] or '?'})", highlight=False, soft_wrap=True)
