"""Separator and cover sheets: printed by reportlab, read back by zxing-cpp from rasterised scans."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageSequence
from pypdf import PdfReader

from capture.barcodes import (
    SEPARATOR,
    CoverSheet,
    PageCodes,
    plan_split,
    split_at_sheets,
    write_cover_sheet,
    write_separator_sheet,
)
from capture_factories import text_image


def _raster(pdf: Path, dpi: int = 150) -> Image.Image:
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return doc[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        doc.close()


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Image.Image]:
    folder = tmp_path_factory.mktemp("sheets")
    cover = CoverSheet(outlet="SPB-02", doc_type="waybill", order_no="ЗК-000781", key="K-7")
    return {
        "separator": _raster(write_separator_sheet(folder / "sep.pdf")),
        "cover": _raster(write_cover_sheet(folder / "cover.pdf", cover)),
    }


def test_cover_sheet_payload_round_trips_with_cyrillic_and_ignores_foreign_codes() -> None:
    sheet = CoverSheet(outlet="MSK-01", doc_type="upd", order_no="ЗК 12/3&4", key="X")
    assert CoverSheet.parse(sheet.payload()) == sheet
    assert sheet.hints == {"doc_type": "upd", "order_no": "ЗК 12/3&4"}
    assert CoverSheet.parse("https://example.com/?outlet=1") is None
    assert CoverSheet.parse("4607001234567") is None


def test_plan_split_cuts_at_sheets_and_drops_them() -> None:
    cover = CoverSheet(order_no="7").payload()
    pages = [PageCodes(0, (SEPARATOR,)), PageCodes(1), PageCodes(2, ("4607001234567",)), PageCodes(3, (cover,)),
             PageCodes(4), PageCodes(5, (SEPARATOR,)), PageCodes(6, (SEPARATOR,)), PageCodes(7)]
    plan = plan_split(pages)
    assert [p.pages for p in plan.parts] == [(1, 2), (4,), (7,)]
    assert [p.hints for p in plan.parts] == [{}, {"order_no": "7"}, {}]
    assert plan.sheets == (0, 3, 5, 6)
    assert not plan_split([PageCodes(0), PageCodes(1)]).needed


def test_a_20_page_scan_with_3_separators_becomes_3_documents(sheets: dict[str, Image.Image], tmp_path: Path) -> None:
    layout = ["doc"] * 6 + ["sep"] + ["doc"] * 5 + ["sep"] + ["doc"] * 6 + ["sep"]  # 17 pages + 3 sheets
    assert len(layout) == 20
    page = text_image(["Товарная накладная"], size=(1240, 1754)).convert("RGB")
    images = [sheets["separator"].convert("RGB") if kind == "sep" else page for kind in layout]
    scan = tmp_path / "batch.pdf"
    images[0].save(scan, "PDF", resolution=150, save_all=True, append_images=images[1:])
    before = hashlib.sha256(scan.read_bytes()).hexdigest()

    plan = split_at_sheets(scan, tmp_path / "work" / "batch")
    assert [len(p.pages) for p in plan.parts] == [6, 5, 6]
    assert plan.sheets == (6, 12, 19)
    paths = [p.path for p in plan.parts]
    assert None not in paths
    assert [len(PdfReader(str(p)).pages) for p in paths] == [6, 5, 6]
    assert hashlib.sha256(scan.read_bytes()).hexdigest() == before  # the original is never touched
    # a second split reuses the parts: same files, same bytes (no duplicates after a restart)
    first = [hashlib.sha256(Path(str(p)).read_bytes()).hexdigest() for p in paths]
    again = split_at_sheets(scan, tmp_path / "work" / "batch")
    assert [hashlib.sha256(Path(str(p.path)).read_bytes()).hexdigest() for p in again.parts] == first


def test_a_tiff_with_a_cover_sheet_is_split_by_frames_and_carries_the_order(
        sheets: dict[str, Image.Image], tmp_path: Path) -> None:
    page = text_image(["Счёт-фактура"], size=(1240, 1754))
    frames = [page, sheets["cover"], page, page]
    scan = tmp_path / "scan.tif"
    frames[0].save(scan, format="TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150),
                   compression="tiff_lzw")
    plan = split_at_sheets(scan, tmp_path / "work")
    assert [p.pages for p in plan.parts] == [(0,), (2, 3)]
    assert plan.parts[1].cover == CoverSheet(outlet="SPB-02", doc_type="waybill", order_no="ЗК-000781", key="K-7")
    assert plan.parts[1].path is not None
    with Image.open(plan.parts[1].path) as part:
        assert sum(1 for _ in ImageSequence.Iterator(part)) == 2


def test_files_without_sheets_are_not_split(tmp_path: Path) -> None:
    scan = tmp_path / "plain.pdf"
    text_image().convert("RGB").save(scan, "PDF", resolution=150)
    png = tmp_path / "plain.png"
    text_image().save(png)
    assert not split_at_sheets(scan, tmp_path / "w1").needed
    assert not split_at_sheets(png, tmp_path / "w2").parts
    assert not (tmp_path / "w1").exists()
