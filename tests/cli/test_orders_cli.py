"""`finarchive orders ...` through Typer's runner on a real archive (documents made directly in the DB)."""

from __future__ import annotations

import json
from pathlib import Path

from archive import originals as orig
from archive.store import Archive
from tests.archive import factories as f
from tests.cli.conftest import run


def test_import_show_incomplete_link_unlink(env: dict[str, str], tmp_path: Path) -> None:
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc, arc.transaction() as s:
        inv = f.document(s, "invoice", order_no="ЗК-000781")
        orig.expect_original(s, inv, arc.settings, actor="pipeline")
        contract = f.document(s, "contract", order_no=None, buyer_inn=None)
        inv_id, contract_id = inv.id, contract.id
    crm = tmp_path / "crm.csv"
    crm.write_text("Номер;Дата;ИНН;Сумма;Вид\n3K-000781;12.03.2026;7736207543;235730,00;wholesale\n"
                   "ЗК-000782;13.03.2026;7736207543;10,00;service\n;;;;\n", encoding="utf-8")
    mapping = ["--map", "order_no=Номер", "--map", "date=Дата", "--map", "customer_inn=ИНН",
               "--map", "amount=Сумма", "--map", "kind=Вид"]
    result = run(env, "orders", "import", str(crm), *mapping, "--actor", "crm-sync", "--json")
    assert result.exit_code == 10  # one row unreadable, the others imported
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["linked"], len(summary["errors"])) == (2, 1, 1)

    shown = json.loads(run(env, "orders", "show", "зк-000781", "--json").stdout)
    assert [d["document_id"] for d in shown["documents"]] == [inv_id]
    assert shown["documents"][0]["original"]["state"] == "expected"
    assert shown["missing"] == ["upd"]
    text = run(env, "orders", "show", "ЗК-000781")
    assert text.exit_code == 0 and "missing: upd" in text.stdout and "expected" in text.stdout

    gaps = json.loads(run(env, "orders", "incomplete", "--json").stdout)
    assert [(g["order_no"], g["missing"]) for g in gaps] == [("ЗК-000781", ["upd"]), ("ЗК-000782", ["contract"])]
    assert [g["order_no"] for g in json.loads(run(env, "orders", "incomplete", "--since", "2026-03-13",
                                                   "--json").stdout)] == ["ЗК-000782"]

    assert run(env, "orders", "link", "ЗК-000782", str(contract_id), "--actor", "manager").exit_code == 0
    assert [g["order_no"] for g in json.loads(run(env, "orders", "incomplete", "--json").stdout)] == ["ЗК-000781"]
    assert run(env, "orders", "unlink", "ЗК-000782", str(contract_id)).exit_code == 0
    assert len(json.loads(run(env, "orders", "incomplete", "--json").stdout)) == 2

    assert run(env, "orders", "show", "ЗК-404").exit_code == 4
    assert run(env, "orders", "incomplete", "--since", "yesterday").exit_code == 2
    assert run(env, "orders", "import", str(crm), "--map", "nonsense").exit_code == 2
