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
from capture.preprocess import (
    even_light,
    find_sheet,
    flatten_photo,
    follow_edges,
    has_background,
    ink_channel,
    letter_height,
    line_sharpness,
    locate_sheet,
    unwarp,
)
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


@pytest.mark.parametrize("background", ["dark", "wood", "checks", "dots"])
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


def test_a_low_resolution_photo_of_a_sealed_bill_reads_its_values(tmp_path: Path) -> None:
    """A bill photographed small (its letters 7-8 px high, about 80 dpi), a blue seal and a signature over its
    lower lines: the sheet's letters are enlarged by their height and every key value is read."""
    page = text_image(BILL, size=(1240, 1754), font_size=24)
    photo = save_photo(tmp_path / "small.jpg", photograph(page, seed=3, background="dark", tilt=0.04, size=(600, 800)))
    flat = flatten_photo(_rgb(photo))
    assert flat is not None and flat.scale >= 2.5  # small print, brought to a height tesseract reads
    ours = _squashed(read_page(plan_pages(photo)[0]).page.text)
    assert [k for k in KEYS if k in ours] == list(KEYS), ours


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


def test_a_desk_as_light_as_the_paper_is_told_by_its_colour(tmp_path: Path) -> None:
    page = text_image(BILL, size=(1240, 1754), font_size=30)
    photo = photograph(page, seed=3, background="dots", shadow=0.0, cast=(1.0, 1.0, 1.0))
    rgb = _rgb(save_photo(tmp_path / "bill.jpg", photo))
    assert not has_background(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))  # in grey the cloth passes for paper...
    assert has_background(rgb)  # ...in colour it is no paper
    assert flatten_photo(rgb) is not None
    page_read = read_page(plan_pages(tmp_path / "bill.jpg")[0]).page  # and the reading looks at its colour
    assert (page_read.width, page_read.height) != (rgb.shape[1], rgb.shape[0])  # the sheet, not the photo
    assert all(k in _squashed(page_read.text) for k in KEYS)


def test_the_same_photo_is_made_flat_alike_every_time(tmp_path: Path) -> None:
    page = text_image(BILL, size=(1240, 1754), font_size=30)
    rgb = _rgb(save_photo(tmp_path / "bill.jpg", photograph(page, seed=5, background="wood")))
    first = flatten_photo(rgb)
    cv2.setRNGSeed(12345)  # OpenCV's global generator moved on in between
    second = flatten_photo(rgb)
    assert first is not None and second is not None
    assert np.array_equal(first.image, second.image)


def _curled(page: np.ndarray, bow: float) -> np.ndarray:
    """A sheet whose rows bow (a barrel across the width, as paper off a roll or out of a folder), laid flat
    on a dark table with nothing else changed."""
    height, width = page.shape[:2]
    pad = int(bow * height) + 60
    sheet = cv2.copyMakeBorder(page, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(40, 45, 50))
    ys, xs = np.mgrid[0:sheet.shape[0], 0:sheet.shape[1]].astype(np.float32)
    u = np.clip((xs - pad) / width, 0, 1)
    v = (ys - pad) / height
    map_y = ys - bow * height * np.sin(np.pi * u) * (2 * v - 1)
    return cv2.remap(sheet, xs, map_y.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=(40, 45, 50))


def test_a_curled_sheet_is_straightened_by_its_edges() -> None:
    page = np.asarray(text_image(BILL * 4, size=(1000, 1400), font_size=26).convert("RGB"))
    photo = _curled(page, 0.025)
    sheet = locate_sheet(photo)
    assert sheet is not None
    straightened = line_sharpness(cv2.cvtColor(follow_edges(photo, sheet), cv2.COLOR_RGB2GRAY))
    perspective_only = line_sharpness(cv2.cvtColor(unwarp(photo, sheet.corners), cv2.COLOR_RGB2GRAY))
    flat = line_sharpness(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY))
    assert straightened > 1.2 * perspective_only  # the bowed rows are level again...
    assert straightened > 0.8 * flat  # ...nearly as level as on the sheet before it curled


def test_a_flat_sheet_is_not_remapped() -> None:
    page = np.asarray(text_image(BILL * 4, size=(1000, 1400), font_size=26).convert("RGB"))
    photo = _curled(page, 0.0)
    sheet = locate_sheet(photo)
    assert sheet is not None
    assert np.abs(follow_edges(photo, sheet).astype(int) - unwarp(photo, sheet.corners)).mean() < 1.0


def _solid_mark(kind: str) -> np.ndarray:
    """A bill's page (RGB) with solid ink straight over both INN lines: a red rectangular stamp in bold
    capitals, as an accountant stamps a paid bill, or a blue pen's signature scrawled across them."""
    from PIL import ImageDraw, ImageFont

    page = np.asarray(text_image(BILL, size=(1240, 1754), font_size=30).convert("RGB"), np.float32)
    ink = Image.new("RGB", (page.shape[1], page.shape[0]), (255, 255, 255))
    draw = ImageDraw.Draw(ink)
    if kind == "stamp":
        red = (190, 40, 50)
        draw.rectangle((220, 112, 1010, 252), outline=red, width=8)
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 96)
        draw.text((615, 182), "ОПЛАЧЕНО", font=font, fill=red, anchor="mm")
    else:
        xs = np.linspace(240, 1000, 200)
        ys = 175 + 45 * np.sin(xs / 38.0) * np.cos(xs / 151.0)
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(25, 35, 120), width=9, joint="curve")
    # ink is translucent: it multiplies with the print under it
    marked = page * np.asarray(ink, np.float32) / 255.0
    return marked.astype(np.uint8)


@pytest.mark.parametrize("kind", ["stamp", "signature"])
def test_solid_ink_over_the_values_does_not_hide_them(tmp_path: Path, kind: str) -> None:
    """A mark in solid ink over both INN lines, photographed: its ink is dropped by its colour, inside the
    mark only, and the print under it read."""
    marked = _solid_mark(kind)
    photo = photograph(Image.fromarray(marked), seed=5, stamp=False, size=(720, 960))
    path = save_photo(tmp_path / f"{kind}.jpg", photo)
    text = _squashed(read_page(plan_pages(path)[0]).page.text)
    assert "7707083893" in text and "7702070139" in text, text


def test_a_till_slip_has_no_marks_to_drop() -> None:
    """A thermal slip's print, tinted warm and bluish-grey after the white balance, is no mark: nothing in
    it is dropped by its colour."""
    from capture.preprocess import mark_regions

    rgb, _ = _printed_in((70, 60, 80), STRIP, (560, 1500))
    warm = np.clip(rgb.astype(np.float32) * np.array([1.0, 0.97, 0.9], np.float32), 0, 255).astype(np.uint8)
    assert mark_regions(warm, 30.0) is None


def test_the_photo_steps_fast_array_forms_give_the_values_of_the_plain_ones() -> None:
    """The channel comparisons, the white balance's table and the marks' chroma of some pixels give, on a
    photographed page, exactly what the per-pixel numpy forms they replace give."""
    from capture.preprocess import _chroma, _small, channel_max, channel_min, white_balance

    marked = _solid_mark("stamp")
    rgb = np.ascontiguousarray(photograph(Image.fromarray(marked), seed=5, stamp=False, size=(720, 960))[..., :3])
    assert (channel_min(rgb) == rgb.min(axis=2)).all() and (channel_max(rgb) == rgb.max(axis=2)).all()
    small, _ = _small(rgb)
    gains = 255.0 / np.maximum(np.percentile(small.reshape(-1, 3), 90, axis=0).astype(np.float32), 1.0)
    assert (white_balance(rgb) == np.clip(rgb.astype(np.float32) * gains, 0, 255).astype(np.uint8)).all()
    where = channel_max(rgb) - channel_min(rgb) > 30
    assert where.any() and (_chroma(rgb, rgb[where]) == _chroma(rgb)[where]).all()
