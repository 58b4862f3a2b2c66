"""`finarchive counterparty ...` and `finarchive orders embed-url` through Typer's runner on a real archive."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, unquote, urlsplit

from archive import embed
from archive.store import Archive
from tests.archive import factories as f
from tests.cli.conftest import run

SUPPLIER = "7707083893"


def test_show_a_dossier_and_file_a_document_into_it(env: dict[str, str]) -> None:
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc, arc.transaction() as s:
        f.document(s, "contract")
        card = f.document(s, "other", buyer_inn=None)
        card.seller_inn = None
        card_id = card.id
    gaps = json.loads(run(env, "counterparty", "incomplete", "--json").stdout)
    assert [(g["inn"], g["missing"]) for g in gaps] == [(SUPPLIER, ["bank_details"])]  # the buyer has its contract
    shown = json.loads(run(env, "counterparty", "show", SUPPLIER, "--json").stdout)
    assert shown["completeness"]["kinds"][0]["missing"] == ["bank_details"]
    text = run(env, "counterparty", "show", SUPPLIER)
    assert text.exit_code == 0 and "supplier: missing: bank_details" in text.stdout
    assert run(env, "counterparty", "file", SUPPLIER, str(card_id), "--item", "bank_details").exit_code == 0
    assert json.loads(run(env, "counterparty", "show", SUPPLIER, "--json").stdout)["completeness"]["complete"]
    assert json.loads(run(env, "counterparty", "incomplete", "--json").stdout) == []
    assert run(env, "counterparty", "file", SUPPLIER, str(card_id), "--remove").exit_code == 0
    assert run(env, "counterparty", "file", SUPPLIER, str(card_id), "--item", "passport").exit_code == 2
    assert run(env, "counterparty", "show", "7707083894").exit_code == 2  # check digits
    assert run(env, "counterparty", "show", "7702070139").exit_code == 4  # nothing known of it


def test_embed_url_mints_a_link_that_verifies(env: dict[str, str]) -> None:
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc, arc.transaction() as s:
        f.order(s, "ЗК-000781")
    out = json.loads(run(env, "orders", "embed-url", "зк-000781", "--hours", "5", "--json").stdout)
    assert out["order_no"] == "ЗК-000781" and out["path"].startswith("/embed/orders/")
    link = urlsplit(out["path"])
    query = parse_qs(link.query)
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc:
        key = embed.embed_key(arc.settings.home)
    assert embed.verify(key, unquote(link.path.rsplit("/", 1)[1]), query["expires"][0], query["sig"][0])
    assert run(env, "orders", "embed-url", "ЗК-000781", "--hours", "100000").exit_code == 2
    assert run(env, "orders", "embed-url", "ЗК-404").exit_code == 4
