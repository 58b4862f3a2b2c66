"""A page's QR codes are stored with its words (migration 0003), so a document analysed again from its stored
pages keeps its fiscal QR's exact values; a checkpoint of a page read before QR codes were kept is read again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy import select

import classify
from archive.models import Document
from archive.pipeline import Pipeline, load_checkpoint, page_text_of, save_checkpoint
from capture import SerialExecutor
from capture.types import PageJob, PageResult, PageText
from tests.factories import make_scan

PAYLOAD = "t=20260304T1607&s=1540.00&fn=7380440700123456&i=4821&fp=1837465520&n=1"


def _receipt_with_qr(path: Path) -> Path:
    import zxingcpp

    make_scan(path, ["ООО «Альфа»", "КАССОВЫЙ ЧЕК", "ИТОГ =1540.00"], size=(1000, 1400))
    code = np.asarray(zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(
        PAYLOAD, zxingcpp.BarcodeFormat.QRCode), scale=6))
    sheet = Image.open(path)
    sheet.paste(Image.fromarray(code), (300, 700))
    sheet.save(path, dpi=(150, 150))
    return path


def test_the_pages_codes_are_stored_and_read_back(sqlite_archive, tmp_path: Path) -> None:
    path = _receipt_with_qr(tmp_path / "chek.png")
    Pipeline(sqlite_archive, SerialExecutor()).import_paths([path])
    with sqlite_archive.sessions() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.pages[0].codes == [PAYLOAD]
        again = classify.analyse([page_text_of(p) for p in doc.pages])
    values = again.values()
    assert (values["fn_no"], values["fd_no"], values["fp"], values["date"]) == \
        ("7380440700123456", "4821", "1837465520", "2026-03-04")


def test_a_checkpoint_keeps_the_codes_and_one_without_them_is_read_again(tmp_path: Path) -> None:
    job = PageJob(str(tmp_path / "x.png"), "image", 0, derived_dir=str(tmp_path))
    save_checkpoint(PageResult(job=job, page=PageText(1, 100, 100, (), codes=(PAYLOAD,))))
    loaded = load_checkpoint(job)
    assert loaded is not None and loaded.page.codes == (PAYLOAD,)

    checkpoint = next(tmp_path.glob("page-1.result.json"))
    data = json.loads(checkpoint.read_text(encoding="utf-8"))
    del data["page"]["codes"]  # as written before the codes were kept
    checkpoint.write_text(json.dumps(data), encoding="utf-8")
    assert load_checkpoint(job) is None
