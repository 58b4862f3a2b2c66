"""`finarchive retention` through Typer's runner: the table with its sources, overrides, the selection."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import run


def test_retention_table_with_sources_and_an_override(env: dict[str, str]) -> None:
    shown = run(env, "retention")
    assert shown.exit_code == 0 and "402-ФЗ" in shown.stdout and "№ 236" in shown.stdout
    config = Path(env["FINARCHIVE_HOME"]) / "finarchive.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[retention.waybill]\nyears = 8\nsource = "Приказ № 3"\n',
                      encoding="utf-8")
    table = {t["doc_type"]: t for t in json.loads(run(env, "retention", "--json").stdout)["types"]}
    assert table["waybill"]["years"] == 8 and table["waybill"]["overridden_by"]
    assert table["waybill"]["sources"][0]["act"] == "Приказ № 3"
    assert table["upd"]["years"] == 5 and table["upd"]["from"] == "year_end"
    assert table["contract"]["from"] == "expiry"
    assert json.loads(run(env, "retention", "--due", "--json", "--today", "2040-01-01").stdout) == {"boxes": []}
    config.write_text(config.read_text(encoding="utf-8").replace("years = 8", "years = 2"), encoding="utf-8")
    refused = run(env, "retention")
    assert refused.exit_code == 3 and "shorter than the law" in refused.stderr
