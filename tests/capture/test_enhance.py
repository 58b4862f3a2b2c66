"""The second try on pages whose first reading looks bad: coloured ink, stripes, small print, noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from capture import read_document
from capture.preprocess import (
    enhance_page,
    has_ink,
    ink_gray,
    is_small_print,
    letter_height,
    to_gray_array,
    whiten_solid,
)
from capture_factories import FONT

THIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf"

RECEIPT_LINES = (
    "RECEIPT 4711 DATE 20/07/2017",
    "HARDWARE ENTERPRISE SDN BHD",
    "NO 17 JALAN SETIA INDAH",
    "TOTAL 14.00 CASH 20.00",
    "CHANGE 6.00 THANK YOU",
)
PAPER = (243, 228, 229)
PURPLE = (150, 95, 185)  # dot-matrix ink: its green channel holds the contrast
FAINT_PURPLE = (180, 120, 210)  # thin, faint and a little blurred: read as nothing in luminance
MAGENTA = (240, 95, 150)


def _receipt(
    size: tuple[int, int], font_size: int, ink=(0, 0, 0), paper=(255, 255, 255), stripe=None, font_file=FONT
) -> Image.Image:
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_file, font_size)
    if stripe is not None:
        draw.rectangle((0, 0, size[0] // 12, size[1]), fill=stripe)
    y = font_size * 2
    for line in RECEIPT_LINES:
        draw.text((size[0] // 8, y), line, font=font, fill=ink)
        y += int(font_size * 1.8)
    return image


def _purple_receipt(path: Path) -> Path:
    image = _receipt((620, 420), 22, ink=FAINT_PURPLE, paper=PAPER, stripe=MAGENTA, font_file=THIN_FONT)
    image.filter(ImageFilter.GaussianBlur(0.8)).save(path, quality=90)
    return path


def test_ink_gray_keeps_coloured_ink_dark_and_black_ink_as_it_is() -> None:
    rgb = np.array(_receipt((620, 420), 22, ink=PURPLE, paper=PAPER))
    ink = np.all(rgb == PURPLE, axis=2)
    paper = np.all(rgb == PAPER, axis=2)
    luminance, darkest = to_gray_array(rgb), ink_gray(rgb)
    contrast = lambda g: float(g[paper].mean()) - float(g[ink].mean())
    assert contrast(darkest) > contrast(luminance) + 10
    black = np.array(_receipt((620, 420), 22))
    assert np.abs(ink_gray(black).astype(int) - to_gray_array(black).astype(int)).max() <= 1


def test_solid_stripe_is_whitened_text_kept() -> None:
    gray = ink_gray(np.array(_receipt((620, 420), 22, ink=PURPLE, paper=PAPER, stripe=MAGENTA)))
    text_ink = int((gray[:, 100:] < 160).sum())
    share = whiten_solid(gray)
    assert 0.05 < share < 0.2
    assert gray[:, :40].min() == 255  # the stripe is gone
    assert (gray[:, 100:] < 160).sum() > 0.9 * text_ink  # the text is not


def test_purple_ink_beside_a_magenta_stripe_is_read(tmp_path: Path) -> None:
    [result] = read_document(_purple_receipt(tmp_path / "purple.jpg"), languages="eng")
    text = result.page.text
    assert "RECEIPT" in text and "4711" in text and "20/07/2017" in text
    assert (result.page.width, result.page.height) == (620, 420)
    assert result.page.rotation == 0


def test_enlarged_reading_gives_boxes_in_page_pixels_and_a_page_sized_viewer_image(tmp_path: Path) -> None:
    [result] = read_document(_purple_receipt(tmp_path / "purple.jpg"), languages="eng", derived_dir=tmp_path / "d")
    page = result.page
    assert page.words
    assert all(0 <= w.box[0] < w.box[2] <= page.width and 0 <= w.box[1] < w.box[3] <= page.height for w in page.words)
    number = next(w for w in page.words if w.text == "4711")
    assert 620 // 8 < number.box[0] < 620 // 2  # where it was drawn, not twice as far
    assert result.cleaned_image is not None
    with Image.open(result.cleaned_image) as viewer:
        assert viewer.size == (620, 420)


def test_small_low_resolution_print_is_enlarged_and_read(tmp_path: Path) -> None:
    path = tmp_path / "small.png"
    image = _receipt((330, 190), 10).convert("L")
    image.save(path)
    enhanced = enhance_page(np.array(image))
    assert enhanced.scale == 2 and enhanced.image.shape == (380, 660)
    [result] = read_document(path, languages="eng")
    assert "4711" in result.page.text
    assert (result.page.width, result.page.height) == (330, 190)


def test_a_wide_page_is_not_enlarged() -> None:
    gray = np.full((2339, 1654), 255, np.uint8)
    assert enhance_page(gray).scale == 1


def test_small_print_is_told_from_normal_print_by_letter_height() -> None:
    small = np.array(_receipt((330, 190), 10).convert("L"))
    normal = np.array(_receipt((620, 420), 22).convert("L"))
    assert letter_height(small) < 10 < 14 < letter_height(normal) < 30
    assert is_small_print(small) and not is_small_print(normal)
    # as wide as A4 at 150 dpi or more: never small print, whatever its letters
    wide = np.array(_receipt((1654, 600), 10).convert("L"))
    assert not is_small_print(wide)


def test_faint_print_is_ink_and_a_blank_page_with_dust_is_not() -> None:
    faint = np.array(_receipt((620, 420), 22, ink=(185, 185, 185)).convert("L"))
    assert has_ink(faint)
    blank = np.full((420, 620), 240, np.uint8)
    blank[100, 100] = blank[300, 500] = 30
    assert not has_ink(blank)


@pytest.mark.parametrize("seed", [1, 2])
def test_an_upright_page_of_noise_is_not_turned_by_chance(tmp_path: Path, seed: int) -> None:
    # blotches that read as noise whichever way up: without OSD's word, 180 must win clearly to be kept
    rng = np.random.default_rng(seed)
    gray = np.full((900, 700), 255, np.uint8)
    for _ in range(400):
        y, x = rng.integers(0, 880), rng.integers(0, 680)
        h, w = rng.integers(3, 18), rng.integers(3, 18)
        gray[y : y + h, x : x + w] = rng.integers(0, 120)
    path = tmp_path / "noise.png"
    Image.fromarray(gray).save(path)
    [result] = read_document(path, languages="eng")
    assert result.page.rotation == 0
