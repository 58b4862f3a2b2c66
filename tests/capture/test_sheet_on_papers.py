"""Finding the photographed sheet when it lies on other papers: the samples generator's photos (whose truth
says where the sheet's corners are), a till slip on a stack of papers and on a wooden desk."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path
from types import ModuleType

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
