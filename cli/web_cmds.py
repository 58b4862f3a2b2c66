"""`finarchive serve` and `finarchive users ...`: the web desk and the people (and machines) using it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli._common import console, open_archive, print_json

users_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="Users of the web desk and the API: roles outlet, accountant, manager, admin.")

ROLES = ("outlet", "accountant", "manager", "admin")


def _ask_password(password: str | None) -> str:
    if password:
        return password
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _actor() -> str:
    from archive.pipeline import default_actor

    return default_actor()


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option("--role", help="outlet | accountant | manager | admin")],
    outlet: Annotated[str | None, typer.Option("--outlet", help="the outlet code (outlet users)")] = None,
    full_name: Annotated[str | None, typer.Option("--name", help="full name shown in the desk")] = None,
    password: Annotated[str | None, typer.Option("--password", help="asked for when not given")] = None,
    no_password: Annotated[bool, typer.Option("--no-password", help="API tokens only, no login")] = False,
    email: Annotated[str | None, typer.Option("--email", help="where tasks and reminders are e-mailed")] = None,
) -> None:
    """Add a user. Outlet users see and upload only their outlet's documents."""
    from archive.users import add_user
    from finarchive.errors import InvalidInputError

    if role not in ROLES:
        raise InvalidInputError(f"--role must be one of {', '.join(ROLES)}")
    secret = None if no_password else _ask_password(password)
    with open_archive() as arc, arc.transaction() as session:
        add_user(session, username, secret, role, outlet_code=outlet, full_name=full_name, email=email,
                 actor=_actor())
    console.print(f"user [bold]{username}[/] added ({role}{', ' + outlet if outlet else ''})", highlight=False)


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="JSON Lines")] = False) -> None:
    """List users with their role, outlet and state."""
    from archive.users import list_users

    with open_archive() as arc, arc.sessions() as session:
        rows = [{"username": u.username, "role": u.role, "outlet": u.outlet.code if u.outlet else None,
                 "email": u.email,
                 "name": u.full_name, "active": u.active, "password": u.password_hash is not None}
                for u in list_users(session)]
    if as_json:
        for row in rows:
            print_json(row)
        return
    table = Table("user", "role", "outlet", "name", "active", "password")
    for row in rows:
        table.add_row(*(str(row[k]) if row[k] is not None else "" for k in
                        ("username", "role", "outlet", "name", "active", "password")))
    console.print(table)


@users_app.command("email")
def users_email(
    username: Annotated[str, typer.Argument()],
    address: Annotated[str, typer.Argument(help="the address; an empty string removes it")],
) -> None:
    """Set where a user's tasks, reminders and escalations are e-mailed."""
    from archive.users import set_email

    with open_archive() as arc, arc.transaction() as session:
        set_email(session, username, address, actor=_actor())
    console.print(f"e-mail of [bold]{username}[/] set", highlight=False)


@users_app.command("passwd")
def users_passwd(
    username: Annotated[str, typer.Argument()],
    password: Annotated[str | None, typer.Option("--password", help="asked for when not given")] = None,
) -> None:
    """Set a user's password."""
    from archive.users import set_password

    secret = _ask_password(password)
    with open_archive() as arc, arc.transaction() as session:
        set_password(session, username, secret, actor=_actor())
    console.print(f"password of [bold]{username}[/] changed", highlight=False)


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument()],
    enable: Annotated[bool, typer.Option("--enable", help="enable the user again")] = False,
) -> None:
    """Disable a user (logs them out, revokes their API tokens), or --enable them again."""
    from archive.users import set_active

    with open_archive() as arc, arc.transaction() as session:
        set_active(session, username, enable, actor=_actor())
    console.print(f"user [bold]{username}[/] {'enabled' if enable else 'disabled'}", highlight=False)


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="the user the machine acts as")],
    name: Annotated[str, typer.Option("--name", help="what the token is for, e.g. 'scanner MSK-01'")] = "api",
) -> None:
    """Mint an API token (printed once; only its hash is stored). Send it as `Authorization: Bearer TOKEN`."""
    from archive.users import mint_token

    with open_archive() as arc, arc.transaction() as session:
        token = mint_token(session, username, name, actor=_actor())
    print(token)


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8000,
) -> None:
    """Start the web desk and the REST API (OpenAPI schema at /api/openapi.json)."""
    from archive.routes import Scheduler
    from web import serve as run

    arc = open_archive()
    console.print(f"finarchive web desk on http://{host}:{port}/ (OpenAPI schema at /api/openapi.json)",
                  highlight=False)
    try:
        with Scheduler(arc):  # reminders, escalations, overdue originals, notification retries
            run(arc, host=host, port=port)
    finally:
        arc.close()


def register(app: typer.Typer) -> None:
    """Add `serve` and the `users` sub-app to the `finarchive` application."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users", help="Users of the web desk and the API: add, list, passwd, disable, token.")
