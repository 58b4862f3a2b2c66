"""`finarchive originals ...` through Typer's runner: register → receive (typed and from a scan) → file → destroy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from archive import originals as orig
from archive.store import Archive
from tests.archive import factories as f
from tests.cli.conftest import run


def test_register_receive_report_file_destroy(env: dict[str, str], tmp_path: Path) -> None:
    import pypdfium2

    day0 = dt.date(2026, 3, 16)
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc, arc.transaction() as s:
        expected = [orig.expect_original(s, f.document(s, t), arc.settings, actor="pipeline", today=day0)
                    for t in ("waybill", "upd", "vat_invoice")]
        codes = [o.barcode for o in expected if o is not None]
        assert len(codes) == 3
    pdf = tmp_path / "register.pdf"
    created = run(env, "originals", "register", "create", "--outlet", "SPB-02", "--out", str(pdf),
                  "--actor", "clerk", "--today", "2026-03-16", "--json")
    assert created.exit_code == 0, created.output
    register = json.loads(created.stdout)
    assert register["originals"] == codes and pdf.read_bytes()[:5] == b"%PDF-"
    assert run(env, "originals", "register", "create", "--outlet", "SPB-02").exit_code == 6  # nothing left

    # Head office scans the printed register's first page; then types one more code by hand.
    scan = tmp_path / "scan.png"
    document = pypdfium2.PdfDocument(str(pdf))
    image = document[0].render(scale=150 / 72).to_pil().convert("L")
    document.close()
    image.crop((0, 0, image.width, image.height * 243 // 842)).save(scan)  # the header and the first row only
    got = json.loads(run(env, "originals", "receive", "--scan", str(scan), "--actor", "acc", "--json").stdout)
    (diff,) = got["registers"]
    assert diff["code"] == register["code"] and got["received"] == codes[:1] and diff["missing"] == codes[1:]
    received_by_scan = set(got["received"])
    report = json.loads(run(env, "originals", "report", "--today", "2026-04-30", "--json").stdout)
    assert report[0]["in_transit"] == len(codes) - len(received_by_scan) and report[0]["overdue"] >= 1
    rest = [c for c in codes if c not in received_by_scan]
    final = json.loads(run(env, "originals", "receive", *rest, register["code"], "--json").stdout)
    assert final["registers"][0]["missing"] == [] and final["registers"][0]["state"] == "received"
    assert run(env, "originals", "report", "--json").stdout.strip() == "[]"

    assert run(env, "originals", "box", "create", "B1", "--location", "стеллаж 1").exit_code == 0
    assert run(env, "originals", "file", "--box", "B1", *codes).exit_code == 0
    assert run(env, "originals", "issue", codes[0], "--to", "аудитор", "--until", "2026-05-01").exit_code == 0
    assert run(env, "originals", "return", codes[0]).exit_code == 0
    assert run(env, "originals", "hold", codes[1], "--reason", "суд").exit_code == 0
    refused = run(env, "originals", "destroy", "--box", "B1", "--today", "2040-01-01")
    assert refused.exit_code == 6 and "legal hold" in refused.output
    assert run(env, "originals", "hold", codes[1], "--release").exit_code == 0
    assert run(env, "originals", "destroy", "--box", "B1", "--today", "2031-12-31").exit_code == 6
    done = run(env, "originals", "destroy", "--box", "B1", "--today", "2032-01-01", "--actor", "archivist")
    assert done.exit_code == 0 and "act DA" in done.stdout
    view = json.loads(run(env, "originals", "show", codes[0], "--json").stdout)
    assert view["state"] == "destroyed"
    assert [e["to"] for e in view["events"]] == ["expected", "in_transit", "received", "archived", "issued",
                                                 "archived", "destroyed"]
    assert run(env, "originals", "lost", codes[2], "--reason", "x").exit_code == 6  # destroyed is final
    assert run(env, "originals", "receive").exit_code == 2
    assert run(env, "originals", "show", "OR0000000").exit_code == 4
