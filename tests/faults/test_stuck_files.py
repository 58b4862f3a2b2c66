"""A file stuck in native code (pdfium's open, a decoder looping on a malicious file) never stops a batch.

No real file at hand makes a real library hang, so a reading hook stands in for one (tests/faults/hooks.py:
``stuck_in_native_code`` blocks the signals an alarm would send and sleeps, where the file carries its marker):
in splitting a user's file into its documents (a ZIP's members, a scan's barcode sheets), in the inspection
of a document (type, pages, opening the PDF) or in the reading of its page. The real
``finarchive import`` runs in its own process with a two-second ``page_seconds``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.factories import make_text_pdf
from tests.faults.conftest import documents, finarchive, ledger
from tests.faults.hooks import MARKER, mark_stuck

REPO = Path(__file__).resolve().parents[2]
HOOK = "tests.faults.hooks:stuck_in_native_code"


def _stuck_pdf(path: Path, stage: str, lines: list[str]) -> Path:
    return mark_stuck(make_text_pdf(path, lines), stage)


@pytest.mark.parametrize("workers", ["1", "2"])  # the serial executor, the pool
def test_files_stuck_in_inspection_or_in_a_page_are_quarantined_as_timeouts_and_the_batch_goes_on(
        tmp_path: Path, home: Path, workers: str) -> None:
    """Before, a serial import (and intake's inspection under any executor) ran the stuck code in the importing
    process: it waited for ever. Now both run in child processes killed from outside past page_seconds and a
    grace (at most page_seconds again): each stuck file is quarantined with «timeout after 2 s», the good ones
    are archived, and every file given is where it was."""
    folder = tmp_path / "in"
    folder.mkdir()
    make_text_pdf(folder / "a-good.pdf", ["СЧЁТ НА ОПЛАТУ № 5 от 02.03.2026", "Итого к оплате: 500,00 руб."])
    _stuck_pdf(folder / "b-stuck-inspect.pdf", "inspect", ["СЧЁТ НА ОПЛАТУ № 6 от 02.03.2026"])
    _stuck_pdf(folder / "c-stuck-page.pdf", "page", ["СЧЁТ НА ОПЛАТУ № 7 от 02.03.2026"])
    make_text_pdf(folder / "d-good.pdf", ["АКТ № 8 от 03.03.2026", "Итого: 800,00 руб."])
    _stuck_pdf(folder / "e-stuck-split.pdf", "split", ["АКТ № 9 от 03.03.2026"])  # before intake: its documents
    given = sorted(p.name for p in folder.iterdir())

    started = time.monotonic()
    result = finarchive(home, "import", "--json", "--workers", workers, str(folder), timeout=120,
                        FINARCHIVE_INTAKE_PAGE_SECONDS="2", FINARCHIVE_READING_HOOK=HOOK, PYTHONPATH=str(REPO))
    assert result.returncode == 10, result.stderr  # some files quarantined, the batch finished
    assert time.monotonic() - started < 90

    assert sorted(name for name, _, _ in documents(home)) == ["a-good.pdf", "d-good.pdf"]
    rows = {name: (outcome, reason) for name, outcome, reason in ledger(home)}
    assert rows["b-stuck-inspect.pdf"] == ("quarantined", "timeout")
    assert rows["c-stuck-page.pdf"] == ("quarantined", "page_timeout")
    assert rows["e-stuck-split.pdf"] == ("quarantined", "timeout")
    problems = {Path(p["file"]).name: p for p in json.loads(result.stdout)["problems"]}
    for name in ("b-stuck-inspect.pdf", "c-stuck-page.pdf", "e-stuck-split.pdf"):
        assert "timeout after 2 s" in problems[name]["message"], problems[name]
        copy = Path(problems[name]["quarantine"])
        assert copy.is_file() and MARKER in copy.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == given  # nothing the user gave is gone
