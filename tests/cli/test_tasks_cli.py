"""`finarchive tasks` and `finarchive routes` through the real application: a real import of generated
documents, a real SMTP server and a real HTTP server on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import pytest

from archive.store import Archive
from tests.archive.routes_servers import (  # noqa: F401  # fixtures
    WEBHOOK_SECRET,
    SmtpServer,
    WebhookServer,
    notify_settings,
    smtp_server,
    wait_for,
    webhook_server,
)
from tests.cli.conftest import run
from tests.conftest import SAMPLES

MSK_SAMPLES = ("invoice_02.pdf", "upd_02.pdf", "waybill_05.pdf")  # generated, born-digital: read fast
SPB_SAMPLES = ("vat_invoice_02.pdf",)


def _home(tmp_path: Path, config: str) -> dict[str, str]:
    env = {"FINARCHIVE_HOME": str(tmp_path / "home"), "FINARCHIVE_OCR_WORKERS": "1"}
    home = Path(env["FINARCHIVE_HOME"])
    home.mkdir(parents=True)
    (home / "finarchive.toml").write_text(config, encoding="utf-8")
    return env


def _copy(names: tuple[str, ...], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _tasks(env: dict[str, str], *args: str) -> list[dict]:
    result = run(env, "tasks", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["tasks"]


def test_a_route_gives_anna_a_task_for_each_document_of_her_outlet_with_mail_and_a_signed_webhook(
        tmp_path: Path, smtp_server: SmtpServer, webhook_server: WebhookServer) -> None:  # noqa: F811
    env = _home(tmp_path, notify_settings(smtp_server) + f'''
[[routes]]
name = "MSK documents"
on = "archived"
outlet = "MSK-01"
assign = "anna"
due_days = 1
controller = "olga"
webhook = "{webhook_server.url}"
''')
    assert run(env, "init").exit_code == 0
    assert run(env, "users", "add", "anna", "--role", "accountant", "--no-password", "--email",
               "anna@test.ru").exit_code == 0
    msk = _copy(MSK_SAMPLES, tmp_path / "msk")
    spb = _copy(SPB_SAMPLES, tmp_path / "spb")
    for outlet, folder in (("MSK-01", msk), ("SPB-02", spb)):
        result = run(env, "import", "--outlet", outlet, "--workers", "1", "--json", str(folder))
        assert result.exit_code == 0, result.output

    tasks = _tasks(env, "--user", "anna")
    assert len(tasks) == len(MSK_SAMPLES)  # the SPB-02 document meets no route
    assert {t["outlet"] for t in tasks} == {"MSK-01"} and {t["controller"] for t in tasks} == {"olga"}
    assert all(t["state"] == "open" and not t["overdue"] for t in tasks)

    assert wait_for(lambda: len(smtp_server.messages) == len(MSK_SAMPLES))
    assert {m["To"] for m in smtp_server.messages} == {"anna@test.ru"}
    assert all(m["Subject"].startswith("[finarchive] Новая задача / New task") for m in smtp_server.messages)

    assert wait_for(lambda: len(webhook_server.calls) == len(MSK_SAMPLES))
    for call in webhook_server.calls:
        expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), call.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(call.headers["X-Finarchive-Signature"], expected)
        assert call.headers["X-Finarchive-Event"] == "archived"
    events = [json.loads(c.body) for c in webhook_server.calls]
    assert sorted(e["subject"]["id"] for e in events) == sorted(t["document_id"] for t in tasks)
    assert all(e["task"]["assignee"] == "anna" for e in events)

    # verifying the work closes its task
    done = tasks[0]["document_id"]
    assert run(env, "verify", str(done), "--force").exit_code == 0
    assert sorted(t["document_id"] for t in _tasks(env, "--user", "anna")) == sorted(
        t["document_id"] for t in tasks if t["document_id"] != done)
    closed = _tasks(env, "--state", "done")
    assert [(t["document_id"], t["closed_by"] is not None) for t in closed] == [(done, True)]

    log = json.loads(run(env, "tasks", "log", "--json").stdout)["notifications"]
    assert {n["state"] for n in log} == {"sent"}
    assert all(n["deliveries"] and n["deliveries"][-1]["ok"] for n in log)


BAD = '[[routes]]\nname = "MSK review"\non = "needs_review"\noutlet = "MSK-01"\nassign = "anna"\ndue_days = "one"\n'


@pytest.mark.parametrize("command", [("init",), ("import", "{file}"), ("watch", "--once", "--inbox", "{inbox}"),
                                     ("serve", "--port", "1")])
def test_a_bad_route_stops_init_import_watch_and_serve_with_its_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    env = _home(tmp_path, "[ocr]\nworkers = 1\n\n" + BAD)
    if command != ("init",):
        (Path(env["FINARCHIVE_HOME"]) / "finarchive.toml").write_text("", encoding="utf-8")
        Archive.init(env["FINARCHIVE_HOME"], environ=env).close()
        (Path(env["FINARCHIVE_HOME"]) / "finarchive.toml").write_text("[ocr]\nworkers = 1\n\n" + BAD, encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    args = [a.format(file=SAMPLES / "invoice_02.pdf", inbox=inbox) for a in command]
    result = run(env, *args)
    assert result.exit_code == 3
    assert "line 9:" in result.stderr and "due_days" in result.stderr and "MSK review" in result.stderr


def test_routes_are_added_listed_tried_and_removed_by_the_cli(tmp_path: Path) -> None:
    env = _home(tmp_path, "[ocr]\nworkers = 1\n")
    assert run(env, "init").exit_code == 0
    added = run(env, "routes", "add", "--name", "big bills", "--on", "archived", "--type", "invoice",
                "--amount-min", "100000", "--assign", "olga", "--due-days", "2")
    assert added.exit_code == 0, added.output
    refused = run(env, "routes", "add", "--name", "bad", "--on", "archivd", "--assign", "olga")
    assert refused.exit_code == 3 and "unknown event" in refused.stderr
    listed = json.loads(run(env, "routes", "list", "--json").stdout)["routes"]
    assert [(r["name"], r["doc_types"], r["amount_min"]) for r in listed] == [("big bills", ["invoice"], "100000.0")]
    assert run(env, "routes", "check").exit_code == 0
    result = run(env, "import", "--workers", "1", "--json", str(SAMPLES / "invoice_02.pdf"))
    assert json.loads(result.stdout)["by_type"] == {"invoice": 1}
    tried = json.loads(run(env, "routes", "try", "1", "--json").stdout)["routes"]
    assert tried["archived"] == (["big bills"] if _total(env, 1) >= 100000 else [])
    assert run(env, "routes", "remove", "big bills").exit_code == 0
    assert json.loads(run(env, "routes", "list", "--json").stdout)["routes"] == []
    text = (Path(env["FINARCHIVE_HOME"]) / "finarchive.toml").read_text(encoding="utf-8")
    assert text == "[ocr]\nworkers = 1\n\n"  # the rest of the file as it was


def _total(env: dict[str, str], doc_id: int) -> float:
    view = json.loads(run(env, "show", str(doc_id), "--json").stdout)
    return float(view["fields"].get("total", {}).get("value") or 0)


def test_tasks_are_closed_by_hand_and_the_sweep_reports_what_it_did(tmp_path: Path) -> None:
    env = _home(tmp_path, '[[routes]]\nname = "all"\non = "archived"\nassign = "anna"\ndue_days = 0\n')
    assert run(env, "init").exit_code == 0
    assert run(env, "import", "--workers", "1", "--json", str(SAMPLES / "invoice_02.pdf")).exit_code == 0
    (task,) = _tasks(env, "--overdue")  # due at once: overdue
    remind = run(env, "tasks", "remind", "--json")
    assert json.loads(remind.stdout)["escalated"] == 1
    assert json.loads(run(env, "tasks", "remind", "--json").stdout)["escalated"] == 0  # once
    assert run(env, "tasks", "done", str(task["id"]), "--note", "paid").exit_code == 0
    again = run(env, "tasks", "done", str(task["id"]))
    assert again.exit_code == 6 and "done already" in again.stderr
    assert _tasks(env) == [] and _tasks(env, "--state", "all")[0]["state"] == "done"
