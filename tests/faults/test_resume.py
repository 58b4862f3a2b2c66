"""A big document resumes from its first unread page after a kill, and never holds back the files after it."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from archive.pipeline import FEED_SLICE, Pipeline
from archive.store import Archive
from capture import SerialExecutor
from tests.factories import WAYBILL_LINES, make_text_pdf
from tests.faults.conftest import documents, finarchive

PAGES = 3 * FEED_SLICE


def _big_pdf(path: Path, pages: int = PAGES) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from tests.factories import FONT

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        c.setFont("DejaVuSans", 12)
        c.drawString(60, 800, f"Реестр документов, лист {n} из {pages}")
        c.drawString(60, 770, "Итого по листу: 1 000,00 руб.")
        c.showPage()
    c.save()
    return path


def test_a_big_document_takes_turns_so_a_small_one_after_it_finishes_first(tmp_path: Path, home: Path) -> None:
    big = _big_pdf(tmp_path / "big.pdf")
    small = make_text_pdf(tmp_path / "small.pdf", WAYBILL_LINES)
    with Archive.open(environ={"FINARCHIVE_HOME": str(home)}) as arc:
        summary = Pipeline(arc, SerialExecutor()).import_paths([big, small])
    assert [Path(o.item.path).name for o in summary.outcomes] == ["small.pdf", "big.pdf"]
    assert summary.archived == 2 and summary.pages == PAGES + 1


@pytest.mark.slow
def test_a_killed_big_document_resumes_from_its_first_unread_page(tmp_path: Path, home: Path) -> None:
    big = _big_pdf(tmp_path / "big.pdf")
    kill_after = FEED_SLICE + 2
    killed = finarchive(home, "import", "--json", "--workers", "1", str(big),
                        FINARCHIVE_FAILPOINT=f"page_read:{kill_after}")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    checkpoints = list((home / "blobs" / "derived").rglob("page-*.result.json"))
    assert len(checkpoints) >= kill_after - 1
    first_png = next((home / "blobs" / "derived").rglob("page-1.png"))
    first_read = first_png.stat().st_mtime_ns
    resumed = finarchive(home, "process", "--json")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert first_png.stat().st_mtime_ns == first_read, "page 1 was read again"
    assert [(name, status) for name, status, _ in documents(home)] == [("big.pdf", "processed")] or \
        [name for name, _, _ in documents(home)] == ["big.pdf"]
    with Archive.open(environ={"FINARCHIVE_HOME": str(home)}) as arc, arc.sessions() as s:
        from sqlalchemy import select

        from archive.models import Document

        doc = s.scalars(select(Document)).one()
        assert [p.number for p in doc.pages] == list(range(1, PAGES + 1))
        assert all("лист" in p.text for p in doc.pages)
