"""`finarchive check [--repair] [--json]` through the real app, on an archive a sample was imported into."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from archive.store import Archive
from finarchive.errors import ExitCode
from tests.cli.conftest import run

REPO = Path(__file__).resolve().parents[2]


def test_check_exits_11_on_problems_and_repair_fixes_what_it_can(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "samples" / "invoice_02.pdf", inbox / "invoice.pdf")
    assert run({**env, "FINARCHIVE_OCR_WORKERS": "1"}, "import", "--no-progress", str(inbox)).exit_code == 0
    assert run(env, "check").exit_code == 0

    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc:
        doc_id = next(iter(arc.search.doc_ids()))
        arc.search.delete([doc_id])
    result = run(env, "check", "--json")
    assert result.exit_code == ExitCode.CHECK_FAILED
    report = json.loads(result.stdout)
    assert [(p["finding"], p["document_id"], p["repaired"]) for p in report["problems"]] == \
        [("not_indexed", doc_id, False)]

    repaired = run(env, "check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired not_indexed" in repaired.stderr
    assert json.loads(run(env, "check", "--json").stdout)["problems"] == []

    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc:
        original = next(p for p in (arc.settings.blob_dir / "originals").rglob("*") if p.is_file())
    os.chmod(original.parent, 0o755)
    original.unlink()
    lost = run(env, "check", "--repair")
    assert lost.exit_code == ExitCode.CHECK_FAILED
    assert "error original_missing" in lost.stderr and "1 problem(s) left" in lost.stdout
