"""`finarchive zreports` through Typer's runner on a real archive (Z-reports made directly in the DB)."""

from __future__ import annotations

import json

from archive.store import Archive
from tests.archive.test_zreports import FN_A, FN_B, KKT_A, KKT_B, _z_document, misread, shifts
from tests.cli.conftest import run


def test_zreports_json_names_the_missing_shift_and_nothing_else(env: dict[str, str]) -> None:
    a = shifts(KKT_A, FN_A, range(1, 11), first_id=1, skip=(4,))
    b = shifts(KKT_B, FN_B, range(30, 40), first_id=100, outlet="MSK-02")
    b[5] = misread(b[5], 53)  # shift 35 read as 53
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc, arc.transaction() as s:
        for r in a + b:
            _z_document(s, r)
    result = run(env, "zreports", "--json")
    assert result.exit_code == 0  # a gap is data, not an error
    report = json.loads(result.stdout)
    missing = [(r["fn_no"], m["shift_no"]) for r in report["registers"] for m in r["missing"]]
    assert missing == [(FN_A, 4)]
    assert all(r[key] == [] for r in report["registers"] for key in ("duplicates", "out_of_order"))
    assert [(r["fn_no"], d["likely_shift"]) for r in report["registers"] for d in r["doubtful"]] == [(FN_B, 35)]
    assert set(report) >= {"registers", "days"}
    assert {r["kkt_reg_no"]: r["outlet"] for r in report["registers"]} == {KKT_A: "SPB-01", KKT_B: "MSK-02"}

    text = run(env, "zreports", "--outlet", "SPB-01", "--from", "2026-03-01", "--to", "2026-03-31")
    assert text.exit_code == 0 and "4" in text.stdout and FN_B not in text.stdout
    assert run(env, "zreports", "--from", "01.03.2026").exit_code == 2
    assert run(env, "zreports", "--outlet", "NOPE").exit_code == 4
