"""`finarchive tasks ...` and `finarchive routes ...`: the work routes give people, and the routes themselves.

Thin: archive.tasks, archive.routes and archive.notify do the work.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli._common import console, open_archive, print_json
from finarchive.errors import InvalidInputError, NotFoundError

tasks_app = typer.Typer(rich_markup_mode=None, invoke_without_command=True,
                        help="Tasks routes gave people: list them, close them, remind and escalate.")
routes_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                         help="Routes of finarchive.toml: list, check, add, remove, try on a document.")


def _actor() -> str:
    from archive.pipeline import default_actor

    return default_actor()


@tasks_app.callback()
def tasks_list(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option("--user", help="Tasks assigned to this user.")] = None,
    controller: Annotated[str | None, typer.Option("--controller", help="Tasks this user controls.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past their deadline.")] = False,
    state: Annotated[str, typer.Option("--state", help="open, done, cancelled or all.")] = "open",
    as_json: Annotated[bool, typer.Option("--json", help='Print {"tasks": [...]} as JSON.')] = False,
) -> None:
    """List tasks (open ones by default), soonest deadline first."""
    if ctx.invoked_subcommand is not None:
        return
    from archive.models import TaskState
    from archive.tasks import list_tasks, task_view

    if state != "all" and state not in set(TaskState):
        raise InvalidInputError(f"--state: open, done, cancelled или/or all, не/not {state!r}")
    with open_archive() as arc, arc.sessions() as session:
        rows = [task_view(t) for t in list_tasks(session, user=user, controller=controller, overdue=overdue,
                                                  state=None if state == "all" else state)]
    if as_json:
        print_json({"tasks": rows})
        return
    if not rows:
        console.print("задач нет / no tasks", highlight=False)
        return
    table = Table("#", "task", "assignee", "due (UTC)", "controller", "state", "route")
    for r in rows:
        due = r["due_at"].replace("T", " ")[:16] + (" [red]overdue[/]" if r["overdue"] else "")
        table.add_row(str(r["id"]), escape(r["title"]), escape(r["assignee"]), due, escape(r["controller"] or ""),
                      r["state"], escape(r["route"] or ""))
    console.print(table)


@tasks_app.command("done")
def tasks_done(
    task_id: Annotated[int, typer.Argument(help="Task id.")],
    note: Annotated[str | None, typer.Option("--note", help="What was done.")] = None,
    cancel: Annotated[bool, typer.Option("--cancel", help="Cancel it instead: it was not needed.")] = False,
) -> None:
    """Close a task by hand (verifying its document or receiving its original closes it by itself)."""
    from archive.tasks import complete_task

    with open_archive() as arc, arc.transaction() as session:
        task = complete_task(session, task_id, actor=_actor(), note=note, cancel=cancel)
        state = task.state
    console.print(f"task {task_id}: {state}", highlight=False)


@tasks_app.command("remind")
def tasks_remind(as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False) -> None:
    """The sweep for cron (serve runs it itself every [workflow] sweep_minutes): raise
    original_overdue and order_incomplete, remind before deadlines, escalate after them to the controller,
    send the notifications due (retries too)."""
    from archive.routes import sweep

    with open_archive() as arc:
        report = sweep(arc, actor="scheduler")
    if as_json:
        print_json(report.as_dict())
        return
    console.print(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.as_dict().items()), highlight=False)


@tasks_app.command("log")
def tasks_log(
    state: Annotated[str | None, typer.Option("--state", help="pending, sent, failed or skipped.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Notifications (e-mails, webhooks) with every delivery attempt, newest first."""
    from archive.notify import delivery_log

    with open_archive() as arc, arc.sessions() as session:
        rows = delivery_log(session, limit=limit, state=state)
    if as_json:
        print_json({"notifications": rows})
        return
    table = Table("#", "channel", "to", "event", "state", "attempts", "last error")
    for r in rows:
        table.add_row(str(r["id"]), r["channel"], escape(r["target"]), r["event"], r["state"], str(r["attempts"]),
                      escape(r["last_error"] or ""))
    console.print(table)


# -- routes ------------------------------------------------------------------------------------------------


def _settings():
    from archive.config import Settings

    return Settings.load()


@routes_app.command("list")
def routes_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The routes in the order they are applied."""
    from archive.routes import load_routes

    routes = load_routes(_settings())
    if as_json:
        print_json({"routes": [{**r.as_dict(), "line": r.line} for r in routes]})
        return
    if not routes:
        console.print("маршрутов нет / no routes", highlight=False)
    for r in routes:
        detail = {k: v for k, v in r.as_dict().items() if k not in ("name", "on")}
        text = escape(json.dumps(detail, ensure_ascii=False))
        console.print(f"[bold]{escape(r.name)}[/] on {r.on} (line {r.line}): {text}", highlight=False, soft_wrap=True)


@routes_app.command("check")
def routes_check() -> None:
    """Check the routes of finarchive.toml as start-up does (exit 3 and the bad rule's line when one is)."""
    from archive.routes import load_routes

    routes = load_routes(_settings())
    console.print(f"маршруты в порядке / routes ok: {len(routes)}", highlight=False)


@routes_app.command("add")
def routes_add(
    name: Annotated[str, typer.Option("--name", help="Shown in tasks and the audit.")],
    on: Annotated[str, typer.Option("--on", help="archived, needs_review, verified, rejected, original_overdue, "
                                                 "zreport_missing or order_incomplete.")],
    outlet: Annotated[list[str] | None, typer.Option("--outlet", help="Condition: outlet code (repeatable).")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Condition: doc type (repeatable).")] = None,
    inn: Annotated[list[str] | None, typer.Option("--inn", help="Condition: counterparty INN (repeatable).")] = None,
    amount_min: Annotated[float | None, typer.Option("--amount-min", help="Condition: amount at least.")] = None,
    amount_max: Annotated[float | None, typer.Option("--amount-max", help="Condition: amount at most.")] = None,
    confidence_max: Annotated[float | None, typer.Option(
        "--confidence-max", help="Condition: reading confidence at most (0-1).")] = None,
    assign: Annotated[str | None, typer.Option("--assign", help="Give a task to this user.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="... or to the least busy member of a group.")] = None,
    due_days: Annotated[float | None, typer.Option("--due-days", help="Days the task has.")] = None,
    controller: Annotated[str | None, typer.Option("--controller", help="Told when the task is late.")] = None,
    email: Annotated[list[str] | None, typer.Option("--email", help="E-mail address or user (repeatable).")] = None,
    webhook: Annotated[list[str] | None, typer.Option("--webhook", help="URL to POST the event to.")] = None,
    stop: Annotated[bool, typer.Option("--stop", help="No later route applies to the event.")] = False,
) -> None:
    """Add a route at the end of finarchive.toml (checked first; the file is left as it was when it fails)."""
    from archive.routes import add_route

    table: dict[str, Any] = {"name": name, "on": on, "outlet": outlet, "doc_type": doc_type, "counterparty_inn": inn,
                             "amount_min": amount_min, "amount_max": amount_max, "confidence_max": confidence_max,
                             "assign": assign, "group": group, "due_days": due_days, "controller": controller,
                             "email": email, "webhook": webhook, "stop": stop}
    with open_archive() as arc:
        add_route(arc, table, actor=_actor())
    console.print(f"маршрут добавлен / route added: {name}", highlight=False)


@routes_app.command("remove")
def routes_remove(name: Annotated[str, typer.Argument(help="The route's name.")]) -> None:
    """Remove a route from finarchive.toml by its name."""
    from archive.routes import remove_route

    with open_archive() as arc:
        remove_route(arc, name, actor=_actor())
    console.print(f"маршрут удалён / route removed: {name}", highlight=False)


@routes_app.command("try")
def routes_try(doc_id: Annotated[int, typer.Argument(help="Document id.")],
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Which routes a document meets, per event (nothing is done)."""
    from archive.models import Document
    from archive.routes import EVENTS, load_routes, matching_routes, subject_of_document

    with open_archive() as arc, arc.sessions() as session:
        document = session.get(Document, doc_id)
        if document is None:
            raise NotFoundError(f"no document {doc_id}")
        subject = subject_of_document(document)
        found = {e: [r.name for r in matching_routes(load_routes(arc.settings), e, subject)] for e in EVENTS}
    if as_json:
        print_json({"document": doc_id, "routes": found})
        return
    for event, names in found.items():
        console.print(f"{event}: {', '.join(names) or '—'}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `tasks` and `routes` sub-apps to the `finarchive` application."""
    app.add_typer(tasks_app, name="tasks", help="Tasks routes gave people: list, done, remind, log.")
    app.add_typer(routes_app, name="routes", help="Routes of finarchive.toml: list, check, add, remove, try.")
