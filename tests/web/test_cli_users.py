"""`finarchive users ...` and `serve` through the real app and Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from archive.store import Archive

    home = tmp_path / "home"
    monkeypatch.setenv("FINARCHIVE_HOME", str(home))
    Archive.init(home).close()
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, list(args), input=input)


def test_users_commands(cli) -> None:
    r = cli("users", "add", "anna", "--role", "accountant", "--password", "anna-password", "--name", "Anna")
    assert r.exit_code == 0, r.output
    r = cli("users", "add", "msk", "--role", "outlet", "--outlet", "MSK-01", input="pw-msk-123\npw-msk-123\n")
    assert r.exit_code == 0, r.output
    assert cli("users", "add", "x", "--role", "wizard", "--password", "whatever1").exit_code == 2
    assert cli("users", "add", "anna", "--role", "admin", "--password", "whatever1").exit_code == 2
    assert cli("users", "add", "bot", "--role", "manager", "--no-password").exit_code == 0
    rows = [json.loads(line) for line in cli("users", "list", "--json").output.splitlines()]
    assert [(r["username"], r["role"], r["outlet"], r["password"]) for r in rows] == [
        ("anna", "accountant", None, True), ("bot", "manager", None, False), ("msk", "outlet", "MSK-01", True)]
    assert "MSK-01" in cli("users", "list").output
    token = cli("users", "token", "bot", "--name", "CRM").output.strip()
    assert token.startswith("fa_") and len(token) > 30
    assert cli("users", "passwd", "anna", "--password", "new-password").exit_code == 0
    assert cli("users", "passwd", "ghost", "--password", "new-password").exit_code == 4
    assert cli("users", "disable", "bot").exit_code == 0
    assert cli("users", "token", "bot").exit_code == 2

    from archive.store import Archive
    from archive.users import AuthenticationError, authenticate, principal_for_token

    with Archive.open() as arc, arc.sessions() as s:
        assert authenticate(s, "anna", "new-password").full_name == "Anna"
        assert authenticate(s, "msk", "pw-msk-123").outlet_code == "MSK-01"
        with pytest.raises(AuthenticationError):
            principal_for_token(s, token)
    assert cli("users", "disable", "bot", "--enable").exit_code == 0


def test_serve_is_registered(cli) -> None:
    r = cli("serve", "--help")
    assert r.exit_code == 0 and "--port" in r.output and "--host" in r.output
