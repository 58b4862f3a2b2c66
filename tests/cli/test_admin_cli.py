"""`finarchive backup` and `finarchive restore` through Typer's runner, on real SQLite archives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive.store import Archive
from cli.app import app
from tests.archive.test_backup import add_document, documents

runner = CliRunner()


def run(env: dict[str, str], *args: str):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {"FINARCHIVE_HOME": str(tmp_path / "home"), "FINARCHIVE_OCR_WORKERS": "1"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc:
        add_document(arc, tmp_path, b"original one", doc_type="invoice")
        add_document(arc, tmp_path, b"original two", doc_type="waybill", outlet_code="MSK-01")
    return env


def test_backup_then_restore_into_a_new_home(env: dict[str, str], tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    result = run(env, "backup", "--json", str(dest))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["documents"], summary["originals_copied"], summary["database"]) == (2, 2, "sqlite")

    again = json.loads(run(env, "backup", "--json", str(dest)).stdout)
    assert again["originals_copied"] == 0

    checked = run(env, "restore", "--check", str(dest))
    assert checked.exit_code == 0 and "verified: 2 documents, 2 originals" in checked.stdout

    home = tmp_path / "restored"
    restored = run(env, "restore", "--json", "--home", str(home), str(dest))
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.stdout)["indexed"] == 2
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as live, Archive.open(home, environ={}) as copy:
        assert documents(copy) == documents(live)

    refused = run(env, "restore", "--home", str(home), str(dest))
    assert refused.exit_code == 6 and "not empty" in " ".join(refused.output.split())


def test_damaged_or_unfinished_backups_exit_2_with_the_problem(env: dict[str, str], tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    assert run(env, "backup", "--no-derived", str(dest)).exit_code == 0
    victim = next(p for p in (dest / "blobs" / "originals").rglob("*") if p.is_file())
    os.chmod(victim, 0o644)
    victim.write_bytes(b"bit rot")

    checked = run(env, "restore", "--check", str(dest))
    assert checked.exit_code == 2
    assert f"{victim.name} does not match its hash" in checked.output

    home = tmp_path / "restored"
    result = run(env, "restore", "--home", str(home), str(dest))
    assert result.exit_code == 2 and "nothing was restored" in " ".join(result.output.split())
    assert not home.exists()

    (dest / "manifest.json").unlink()
    result = run(env, "restore", "--home", str(home), str(dest))
    assert result.exit_code == 2 and "did not finish" in " ".join(result.output.split())


def test_backup_needs_an_archive(tmp_path: Path) -> None:
    result = run({"FINARCHIVE_HOME": str(tmp_path / "nothing")}, "backup", str(tmp_path / "backup"))
    assert result.exit_code == 3 and "finarchive init" in " ".join(result.output.split())


def test_tar_backup_checks_and_restores(env: dict[str, str], tmp_path: Path) -> None:
    dest = tmp_path / "finarchive.tar"
    result = run(env, "backup", "--tar", str(dest))
    assert result.exit_code == 0, result.output
    assert dest.is_file() and "2 documents" in result.stdout
    checked = run(env, "restore", "--check", "--json", str(dest))
    assert checked.exit_code == 0 and json.loads(checked.stdout)["ok"] is True
    restored = run(env, "restore", "--json", "--home", str(tmp_path / "restored"), str(dest))
    assert restored.exit_code == 0 and json.loads(restored.stdout)["documents"] == 2


def test_backup_after_an_original_went_missing_exits_11_and_keeps_a_whole_backup(env: dict[str, str],
                                                                                 tmp_path: Path) -> None:
    key = tmp_path / "secret" / "backup.key"
    key.parent.mkdir()
    key.write_bytes(os.urandom(32))
    dest = tmp_path / "BK"
    assert run(env, "backup", "--key", str(key), str(dest)).exit_code == 0
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc:
        lost = next(p for p in (arc.settings.blob_dir / "originals").rglob("*") if p.is_file())
    os.chmod(lost.parent, 0o755)
    lost.unlink()

    result = run(env, "backup", "--key", str(key), str(dest))
    assert result.exit_code == 11, result.output
    assert lost.name in result.stderr and "finarchive check" in result.stderr
    unsigned = run(env, "restore", "--check", str(dest))
    assert unsigned.exit_code == 2 and "give its key" in " ".join(unsigned.output.split())
    checked = run({**env, "FINARCHIVE_BACKUP_KEY_FILE": str(key)}, "restore", "--check", str(dest))
    assert checked.exit_code == 0, checked.output
    restored = run(env, "restore", "--json", "--key", str(key), "--home", str(tmp_path / "restored"), str(dest))
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.stdout)["originals"] == 2
