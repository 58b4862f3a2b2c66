"""Finding the photographed sheet when it lies on other papers: the samples generator's photos (whose truth
says where the sheet's corners are), a till slip on a stack of papers and on a wooden desk."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from capture import _sheet
from capture.preprocess import locate_sheet

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TOLERANCE = 0.02  # of the photo's diagonal, each corner (the sheets here are not curled)


@pytest.fixture(scope="module")
def generator() -> tuple[ModuleType, ModuleType]:
    sys.path.insert(0, str(SAMPLES))
    try:
        import _forms
        import _photo
    finally:
        sys.path.remove(str(SAMPLES))
    return _forms, _photo


def _photo_of_a_slip(generator: tuple[ModuleType, ModuleType], background: str, seed: int) -> tuple[np.ndarray, dict]:
    forms, photo = generator
    doc = forms.receipt_54fz(random.Random("a slip on papers"))
    rng = random.Random(seed)
    look = dataclasses.replace(photo.random_photo_look(rng, narrow=True), background=background, curl=0.0,
                               long_side=1280)
    image, info = photo.photograph_sheet(doc.sheets[0], doc.fields, rng, look=look, marked=False)
    return np.asarray(image), info


def _off(found: np.ndarray, info: dict) -> float:
    """The largest distance of a corner found from the generator's, as a share of the photo's diagonal."""
    return float(np.linalg.norm(found - np.array(info["corners"], np.float32), axis=1).max() / np.hypot(*info["size"]))


@pytest.mark.parametrize(("background", "seed"), [("paper_stack", 3), ("paper_stack", 12), ("wood", 3)])
def test_the_sheet_is_found_at_the_generators_corners(generator: tuple[ModuleType, ModuleType],
                                                      background: str, seed: int) -> None:
    image, info = _photo_of_a_slip(generator, background, seed)
    sheet = locate_sheet(image)
    assert sheet is not None
    assert _off(sheet.corners, info) < TOLERANCE, (sheet.corners.tolist(), info["corners"])


def test_the_sheets_edges_are_supported_and_a_line_across_it_is_not(generator: tuple[ModuleType, ModuleType]) -> None:
    image, info = _photo_of_a_slip(generator, "paper_stack", 3)
    corners = np.array(info["corners"], np.float32)
    edges = _sheet.quad_support(image, corners)
    assert min(edges.sides) >= _sheet.EDGE_SIDE
    # the same sheet's upper half: its lower side runs across the print, where paper lies on both sides
    half = corners.copy()
    half[2] = (corners[1] + corners[2]) / 2
    half[3] = (corners[0] + corners[3]) / 2
    assert _sheet.quad_support(image, half).sides[2] < _sheet.STRAYED_SIDE


def _shadowed_form(depth: float) -> tuple[np.ndarray, np.ndarray]:
    """A landscape form of lines of print on lined papers, a soft shadow (``depth``) over the photo's left part."""
    rng = np.random.default_rng(7)
    height, width = 900, 1200
    photo = np.full((height, width, 3), (196, 190, 176), np.float32)
    photo[::24] = (120, 118, 112)  # the papers' rules
    corners = np.array([[150, 170], [1090, 110], [1130, 800], [120, 830]], np.float32)
    sheet = np.full((620, 880, 3), 242, np.float32)
    for y in range(60, 560, 28):  # lines of print, their words as dark bars
        x = 40
        while x < 820:
            length = int(rng.integers(20, 90))
            sheet[y: y + 10, x: min(x + length, 840)] = 40
            x += length + int(rng.integers(8, 20))
    source = np.array([[0, 0], [880, 0], [880, 620], [0, 620]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(sheet, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((620, 880), np.float32), matrix, (width, height))[..., None]
    photo = warped * mask + photo * (1 - mask)
    xs = np.arange(width, dtype=np.float32)[None, :]
    shade = 1 - depth / (1 + np.exp((xs - 0.4 * width) / (0.03 * width)))
    photo = photo * shade[..., None] + rng.normal(0, 2, photo.shape)
    return np.clip(photo, 0, 255).astype(np.uint8), corners


def test_a_soft_shadow_is_divided_out_and_the_sheets_edge_stays_a_step() -> None:
    from capture.preprocess import unshaded

    image, _ = _shadowed_form(0.55)
    flat = unshaded(image).astype(np.float32).mean(axis=2)
    shaded_paper, lit_paper = float(np.median(flat[420:460, 200:260])), float(np.median(flat[420:460, 800:860]))
    assert abs(shaded_paper - lit_paper) < 0.12 * lit_paper  # 0.55 darker before
    before = image.astype(np.float32).mean(axis=2)
    assert float(np.median(before[420:460, 200:260])) < 0.6 * float(np.median(before[420:460, 800:860]))
    # the sheet's bottom edge, lit part: paper inside, the papers under it darker outside
    assert float(np.median(flat[790:800, 800:860])) - float(np.median(flat[835:845, 800:860])) > 20


def test_an_outline_cut_at_a_shadows_edge_is_taken_whole_from_the_unshaded_copy() -> None:
    """GrabCut leaving the shadowed part of a sheet out (a photographed form on papers, ru-dev's kind): the side it
    cuts through the sheet is no step, and the outline found on the unshaded copy takes the sheet whole."""
    from capture.preprocess import Sheet, _relit_sheet

    image, corners = _shadowed_form(0.6)
    cut = corners.copy()
    cut[0] = corners[0] + 0.4 * (corners[1] - corners[0])  # the left part, in the shadow, left out
    cut[3] = corners[3] + 0.4 * (corners[2] - corners[3])
    first = Sheet(cut, np.ones((8, 8), np.uint8), 1.0)
    drawn = _sheet.quad_support(image, cut)
    sheet, _, support = _relit_sheet(image, first, 0.0, drawn)
    off = float(np.linalg.norm(sheet.corners - corners, axis=1).max() / np.hypot(*image.shape[:2]))
    assert off < TOLERANCE, sheet.corners.tolist()
    assert min(support.sides) >= _sheet.EDGE_SIDE
    # an outline already whole is kept as it is: the unshaded copy's is no larger
    whole = Sheet(corners, np.ones((8, 8), np.uint8), 1.0)
    kept, _, _ = _relit_sheet(image, whole, 0.0, _sheet.quad_support(image, corners))
    assert kept is whole


def test_a_sheet_half_in_a_shadow_is_found_whole() -> None:
    image, corners = _shadowed_form(0.6)
    sheet = locate_sheet(image)
    assert sheet is not None
    off = float(np.linalg.norm(sheet.corners - corners, axis=1).max() / np.hypot(*image.shape[:2]))
    assert off < TOLERANCE, sheet.corners.tolist()


def _form_with_a_corner_on_light_paper() -> tuple[np.ndarray, np.ndarray]:
    """A portrait form on a darker desk whose top-right corner lies on another paper as light as it (ruled): both
    sides meeting there lose their step near it, and nowhere else."""
    rng = np.random.default_rng(5)
    height, width = 1200, 900
    photo = np.full((height, width, 3), (120, 116, 110), np.float32)
    corners = np.array([[120, 150], [760, 140], [800, 1120], [80, 1100]], np.float32)
    patch = np.full((480, 380, 3), 240, np.float32)
    patch[8::22] = (205, 205, 210)  # the other paper's faint rules
    photo[0:480, 520:900] = patch
    sheet = np.full((1000, 720, 3), 241, np.float32)
    for y in range(60, 940, 30):
        x = 40
        while x < 660:
            length = int(rng.integers(20, 90))
            sheet[y: y + 10, x: min(x + length, 680)] = 40
            x += length + int(rng.integers(8, 20))
    source = np.array([[0, 0], [720, 0], [720, 1000], [0, 1000]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(sheet, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((1000, 720), np.float32), matrix, (width, height))[..., None]
    scene = warped * mask + photo * (1 - mask) + rng.normal(0, 2, photo.shape)
    return np.clip(scene, 0, 255).astype(np.uint8), corners


def test_a_straight_edge_fading_at_a_corner_on_light_paper_does_not_bow() -> None:
    """Straight edges larger than GrabCut's outline are refused only when they bow (a curled sheet's chords): a
    corner on paper as light as the sheet fades both its sides at once, a chord leaves the edge on one side only."""
    image, corners = _form_with_a_corner_on_light_paper()
    edges = _sheet.quad_support(image, corners)
    top_end, right_start = edges.ends[0][1], edges.ends[1][0]
    assert top_end < _sheet.EDGE_SIDE and right_start < _sheet.EDGE_SIDE  # the corner on light paper: no step
    assert min(edges.ends[2]) >= _sheet.EDGE_SIDE and min(edges.ends[3]) >= _sheet.EDGE_SIDE
    assert not _sheet.bows(edges)
    # the same sheet's top edge laid as a chord from its left corner to below its right one (the line a bowed
    # edge's straight part makes): it leaves the edge on the left, where the left side is still one
    chord = corners.copy()
    chord[0] = corners[0] + (0.0, 30.0)
    assert _sheet.bows(_sheet.quad_support(image, chord))


def test_a_form_with_a_corner_on_light_paper_is_found_whole() -> None:
    """GrabCut cuts the corner lying on the light paper off; the straight edges round it, larger than its
    outline but not bowed, give the sheet."""
    image, corners = _form_with_a_corner_on_light_paper()
    sheet = locate_sheet(image)
    assert sheet is not None
    off = float(np.linalg.norm(sheet.corners - corners, axis=1).max() / np.hypot(*image.shape[:2]))
    assert off < TOLERANCE, sheet.corners.tolist()
