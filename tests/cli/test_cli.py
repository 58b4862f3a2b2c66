"""The `finarchive` command line end to end, through Typer's runner, on a real archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.factories import WAYBILL_LINES, make_bad_files, make_scan, make_text_pdf

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"FINARCHIVE_HOME": str(tmp_path / "home"), "FINARCHIVE_OCR_WORKERS": "2", "OMP_THREAD_LIMIT": "1"}


def run(env: dict[str, str], *args: str):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_commands_need_an_initialised_archive(env: dict[str, str]) -> None:
    result = run(env, "stats")
    assert result.exit_code == 3
    assert "finarchive init" in result.output


def test_init_import_search_show_stats_reindex(env: dict[str, str], tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    make_scan(scans / "waybill.png", WAYBILL_LINES)
    make_bad_files(tmp_path / "bad")

    assert run(env, "init").exit_code == 0
    result = run(env, "import", "--json", "--outlet", "SPB-02", str(scans), str(tmp_path / "bad"))
    assert result.exit_code == 10  # finished, but some files were quarantined
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["archived"] == 1 and summary["quarantined"] == 5
    assert {p["reason"] for p in summary["problems"]} == {"empty", "corrupt", "encrypted", "unsupported"}

    again = run(env, "import", "--json", str(scans))
    assert again.exit_code == 0 and json.loads(again.stdout)["duplicates"] == 1

    found = run(env, "search", "--json", "накладной")
    hits = json.loads(found.stdout)["hits"]
    assert [h["title"] for h in hits] == ["waybill.png"]
    assert run(env, "search", "--json", "накладной", "--outlet", "MSK-99").stdout.count('"doc_id"') == 0

    shown = json.loads(run(env, "show", "--json", str(hits[0]["doc_id"])).stdout)
    assert shown["outlet"] == "SPB-02" and shown["doc_type"] == "waybill"
    assert shown["fields"]["number"]["value"] == "4521"
    assert Path(shown["original_file"]).read_bytes() == (scans / "waybill.png").read_bytes()
    actions = [e["action"] for e in shown["history"]]
    assert actions[0] == "document.received" and "document.processed" in actions
    assert "original.expected" in actions and shown["original"]["state"] == "expected"  # a waybill needs its paper

    assert run(env, "show", "999").exit_code == 4

    stats = json.loads(run(env, "stats", "--json").stdout)
    assert stats["documents"] == 1 and stats["quarantined_total"] == 5
    assert run(env, "reindex").stdout.startswith("indexed 1")
    assert run(env, "check").exit_code == 0


def test_extract_json_follows_the_design_contract_and_touches_no_archive(env: dict[str, str], tmp_path: Path) -> None:
    scan = make_scan(tmp_path / "waybill.png", WAYBILL_LINES)
    pdf = make_text_pdf(tmp_path / "invoice.pdf", ["СЧЁТ НА ОПЛАТУ № 118 от 02.03.2026", "Итого: 12 000,00 руб."])
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"")

    result = run(env, "extract", "--json", str(scan), str(broken), str(pdf))
    assert result.exit_code == 10
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["file"] for line in lines] == [str(scan), str(broken), str(pdf)]  # order as given
    first = lines[0]
    assert set(first) == {"file", "doc_type", "confidence", "fields", "pages", "details"}
    assert first["doc_type"] == "waybill" and first["pages"] == 1
    assert first["fields"]["number"] == "4521" and first["fields"]["date"] == "2026-03-14"
    assert first["fields"]["total"] == "235730.00"
    assert set(first["details"]["total"]) >= {"confidence", "page", "box"}
    assert lines[1]["error"] and lines[1]["reason"] == "empty"
    assert lines[2]["doc_type"] == "invoice"
    assert not Path(env["FINARCHIVE_HOME"]).exists()  # no archive was touched or created


def test_a_bad_zip_member_is_reported_by_the_name_the_user_gave_it(env: dict[str, str], tmp_path: Path) -> None:
    """Before, a ZIP's bad member was reported as the archive's unpacked work copy («…/work/zip/<hex>/0001.pdf:
    … 0001.pdf is protected by a password»): the user could not tell which of the archive's files it was."""
    import zipfile

    from tests.factories import make_encrypted_pdf

    run(env, "init")
    (tmp_path / "src").mkdir()
    locked = make_encrypted_pdf(tmp_path / "src" / "счёт [копия] «2».pdf")
    batch = tmp_path / "batch.zip"
    with zipfile.ZipFile(batch, "w") as z:
        z.write(locked, "март/" + locked.name)
    result = run({**env, "COLUMNS": "1000"}, "import", "--no-progress", str(batch))  # one line, unwrapped
    assert result.exit_code == 10
    said = result.output
    assert f"{batch}!март/{locked.name}: encrypted — файл защищён паролем" in said
    assert f"{locked.name} is protected by a password" in said
    assert "0001.pdf" not in said and "/work/zip/" not in said
