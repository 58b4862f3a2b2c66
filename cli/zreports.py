"""`finarchive zreports`: did every cash register close every shift, and did its Z-report arrive?"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli._common import console, open_archive, print_json
from cli.orders import parse_date


def register(app: typer.Typer) -> None:
    """Add `zreports` to the root command."""
    app.command("zreports")(zreports_cmd)


def zreports_cmd(
    outlet: Annotated[str | None, typer.Option("--outlet", help="Only this outlet's registers.",
                                               show_default=False)] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this day (YYYY-MM-DD).", show_default=False)] = None,
    until: Annotated[str | None, typer.Option("--to", help="To this day (YYYY-MM-DD).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Z-report continuity per cash register (ККТ + ФН): shifts received, missing, duplicated, out of order,
    doubtful (a shift number its ФД number and date contradict: sent to review), and days where the
    Z-reports and the outlet's sales report disagree. Exits 0 whenever it could report: gaps are data.

    JSON: {"registers": [{"kkt_reg_no", "fn_no", "outlet", "shifts", "missing", "duplicates",
    "out_of_order", "doubtful"}], "days": [...], "unassigned": [...]}.
    """
    from archive.zreports import zreports_report

    first, last = parse_date(since, "--from"), parse_date(until, "--to")
    with open_archive() as arc, arc.sessions() as session:
        report = zreports_report(session, arc.settings, outlet=outlet, since=first, until=last)
    if as_json:
        print_json(report)
        return
    _print(report)


def _print(report: dict[str, Any]) -> None:
    if not report["registers"]:
        console.print("Z-отчётов нет / no Z-reports", highlight=False)
    for r in report["registers"]:
        shifts = [s["shift_no"] for s in r["shifts"]]
        span = f"{shifts[0]}–{shifts[-1]}" if shifts else "—"
        console.print(f"[bold]ККТ {r['kkt_reg_no'] or '?'}  ФН {r['fn_no'] or '?'}[/]  точка / outlet "
                      f"{r['outlet'] or '—'}: смен / shifts {len(shifts)} ({span})", highlight=False, soft_wrap=True)
        for m in r["missing"]:
            between = f"{m['after']['date'] or '?'} … {m['before']['date'] or '?'}"
            maybe = " (возможно, документ / possibly document " + ", ".join(map(str, m["possibly"])) + ")" \
                if m.get("uncertain") else ""
            console.print(f"  [red]нет смены / missing shift {m['shift_no']}[/] ({between}){maybe}",
                          highlight=False, soft_wrap=True)
        for d in r["duplicates"]:
            console.print(f"  дубликат / duplicate: смена / shift {d['shift_no']}: документы / documents "
                          + ", ".join(map(str, d["document_ids"])), highlight=False, soft_wrap=True)
        for d in r["out_of_order"]:
            console.print(f"  [yellow]не по порядку / out of order[/]: документ / document {d['document_id']}, "
                          f"смена / shift {d['shift_no']}, ФД {d['fd_no']}, {d['date']}", highlight=False,
                          soft_wrap=True)
        for d in r["doubtful"]:
            console.print(f"  [yellow]сомнительно / doubtful[/]: документ / document {d['document_id']}: {d['reason']}",
                          highlight=False, soft_wrap=True)
    for d in report.get("unassigned", []):
        console.print(f"[yellow]касса не определена / register unknown[/]: документ / document {d['document_id']}: "
                      f"{d['reason']}", highlight=False, soft_wrap=True)
    for day in report["days"]:
        z = day["z_total"] if day["z_total"] is not None else "нет Z-отчётов / no Z-reports"
        console.print(f"[red]расхождение / mismatch[/] {day['outlet']} {day['date']}: Z-отчёты / Z-reports {z}, "
                      f"отчёт о продажах / sales report {day['sales_total']}", highlight=False, soft_wrap=True)
