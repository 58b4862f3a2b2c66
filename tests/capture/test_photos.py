"""Phone photos of paper made flat before OCR (capture.preprocess.flatten_photo), on real tesseract.

Inputs: the generated photos of samples/photos (their truth records where the sheet's corners are) and
photos made here by tests/photos.py from factory pages (a dark table, a wood desk, a checked cloth).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from capture import plan_pages, read_page
from capture.preprocess import even_light, find_sheet, flatten_photo, has_background, ink_channel, letter_height
from tests.capture.capture_factories import text_image
from tests.conftest import SAMPLES
from tests.photos import photograph, save_photo, stamp_and_sign

PHOTOS = SAMPLES / "photos"
BILL = ("СЧЁТ НА ОПЛАТУ № 7345 от 12.02.2026",
        "Поставщик: ООО Ромашка, ИНН 7707083893",
        "Покупатель: ООО Василёк, ИНН 7702070139",
        "Итого к оплате: 48 310,00 руб.",
        "В том числе НДС 20%: 8 051,67 руб.")
KEYS = ("7345", "12.02.2026", "7707083893", "7702070139", "48310,00")
STRIP = ("ООО Ромашка", "ИНН 7707083893", "КАССОВЫЙ ЧЕК", "Хлеб 45,00", "Молоко 89,90", "ИТОГ 134,90",
         "12.02.2026 10:15", "ФН 9960140898134061")


def _rgb(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, path
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _squashed(text: str) -> str:
    return "".join(text.split())


def _plain_tesseract(path: Path) -> str:
    return subprocess.run(["tesseract", str(path), "-", "-l", "rus+eng"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("name", ["invoice_p02", "receipt_p02", "upd_p01", "waybill_p01"])
def test_the_sheet_is_found_where_the_photo_shows_it(name: str) -> None:
    truth = json.loads((PHOTOS / f"{name}.truth.json").read_text(encoding="utf-8"))["meta"]["photo"]
    image = _rgb(PHOTOS / f"{name}.jpg")
    found = find_sheet(image)
    assert found is not None
    expected = np.array(truth["corners"], np.float32)
    tolerance = 0.05 * max(image.shape[:2])
    assert np.abs(found - expected).max() < tolerance, (found.tolist(), expected.tolist())


@pytest.mark.parametrize("name", ["invoice_01.jpg", "receipt_01.jpg", "waybill_02.png", "z_report_02.png"])
def test_a_scan_is_left_as_it_is(name: str) -> None:
    image = _rgb(SAMPLES / name)
    assert not has_background(image.min(axis=2))
    assert find_sheet(image) is None and flatten_photo(image) is None


def test_a_scan_with_a_dark_scanner_edge_is_no_photo() -> None:
    page = np.asarray(text_image(BILL, size=(1240, 1754)).convert("RGB")).copy()
    page[:, :90] = 25  # the scanner lid's black edge down one side
    page[:60, :] = 30  # and across the top
    assert find_sheet(page) is None


@pytest.mark.parametrize("background", ["dark", "wood", "checks"])
def test_a_photographed_bill_reads_its_key_values_on_any_desk(tmp_path: Path, background: str) -> None:
    page = text_image(BILL, size=(1240, 1754), font_size=30)
    photo = save_photo(tmp_path / "bill.jpg", photograph(page, seed=7, background=background, tilt=0.05))
    flat = flatten_photo(_rgb(photo))
    assert flat is not None and flat.corners is not None
    height, width = flat.image.shape
    assert height / width == pytest.approx(1.4, abs=0.1)  # the A4 sheet's own proportions back, perspective undone
    assert letter_height(flat.image) >= 18  # letters of a height tesseract reads well
    ours = _squashed(read_page(plan_pages(photo)[0]).page.text)
    plain = _squashed(_plain_tesseract(photo))
    found = [k for k in KEYS if k in ours]
    assert found == list(KEYS), ours
    assert len(found) >= sum(k in plain for k in KEYS)


def test_a_photographed_till_strip_reads(tmp_path: Path) -> None:
    strip = text_image(STRIP, size=(560, 1500), font_size=30)
    photo = save_photo(tmp_path / "strip.jpg", photograph(strip, seed=2, background="wood", fill=0.9, stamp=False))
    page = read_page(plan_pages(photo)[0]).page
    assert page.height > 2 * page.width  # the strip cut out of the desk, not the whole photo
    text = _squashed(page.text)
    assert "7707083893" in text and "134,90" in text and "9960140898134061" in text


@pytest.mark.parametrize("colour", [(200, 90, 40), (40, 50, 190)])  # BGR: a blue seal, a red seal
def test_a_seal_over_the_text_does_not_hide_it(tmp_path: Path, colour: tuple[int, int, int]) -> None:
    page = np.asarray(text_image(BILL, size=(1240, 900), font_size=40).convert("RGB"))
    ink = np.full(page.shape, 255, np.uint8)  # the seal's ink on its own (BGR), then laid over the print
    height, width = page.shape[0], page.shape[1]
    for k in range(3):  # three rings straight over the INN and total lines
        cv2.circle(ink, (int(width * 0.45), int(height * 0.42)), 150 + 25 * k, colour, 9, cv2.LINE_AA)
    stamp_and_sign(ink, np.random.default_rng(1), colour=colour)
    # ink is translucent: it multiplies with the print under it, which stays dark
    rgb = (page.astype(np.float32) * ink[..., ::-1].astype(np.float32) / 255.0).astype(np.uint8)
    path = tmp_path / "stamped.png"
    assert cv2.imwrite(str(path), ink_channel(rgb))
    text = _squashed(_plain_tesseract(path))
    assert "7707083893" in text and "7702070139" in text and "48310,00" in text


def test_shadows_are_flattened() -> None:
    page = np.asarray(text_image(BILL, size=(1240, 900)), dtype=np.float32)
    ramp = np.linspace(0.45, 1.0, page.shape[1], dtype=np.float32)[None, :]
    shaded = (page * ramp).astype(np.uint8)
    flat = even_light(shaded)
    paper = flat[page > 200]
    ink = flat[page < 60]
    assert np.percentile(paper, 5) > 200  # the paper is white again in the shadow too...
    assert np.percentile(ink, 95) < 120  # ...and the print stays dark


def test_a_flat_scan_is_read_without_being_flattened(tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    text_image(BILL, size=(1240, 1754), font_size=30).save(scan)
    page = read_page(plan_pages(scan)[0]).page
    assert (page.width, page.height) == Image.open(scan).size  # words in the scan's own pixels
    assert all(k in _squashed(page.text) for k in KEYS)


def _printed_in(colour: tuple[int, int, int], lines: tuple[str, ...],
                size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """An RGB page printed in ``colour`` (RGB), and the mask of its print."""
    gray = np.asarray(text_image(lines, size=size, font_size=30), np.float32) / 255.0
    ink = np.array(colour, np.float32) / 255.0
    rgb = (gray[..., None] + (1.0 - gray[..., None]) * ink) * 255.0
    return rgb.astype(np.uint8), gray < 0.3


def test_a_till_slip_printed_in_purple_keeps_its_print() -> None:
    rgb, print_mask = _printed_in((120, 40, 150), STRIP, (560, 1500))
    out = ink_channel(rgb)
    assert np.percentile(out[print_mask], 90) < 100  # the print is the text: it stays dark
    assert np.percentile(out[~print_mask], 10) > 230


def test_a_seal_of_broken_letters_over_black_print_fades() -> None:
    """A seal's ring text, its ink patchy, is a ring of letter-sized bits: it fades like a solid ring would."""
    rgb, print_mask = _printed_in((0, 0, 0), BILL, (1240, 900))
    seal = np.full(rgb.shape, 255, np.uint8)
    centre, radius = (620, 420), 190
    for k in range(64):  # letters around the ring, as close as on a seal, with gaps between them
        angle = 2 * np.pi * k / 64
        x, y = centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)
        cv2.putText(seal, "AB"[k % 2], (int(x) - 6, int(y) + 6), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 60, 190), 2)
    cv2.putText(seal, "M.P.", (560, 430), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 60, 190), 2)
    stamped = (rgb.astype(np.float32) * seal.astype(np.float32) / 255.0).astype(np.uint8)
    seal_only = (seal.min(axis=2) < 200) & ~print_mask
    out = ink_channel(stamped)
    assert np.percentile(out[seal_only], 50) > 170  # the seal's ink comes out light...
    assert np.percentile(out[print_mask], 90) < 100  # ...and the print, also under it, dark
