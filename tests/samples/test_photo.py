"""Generated phone photos: the page sits where the truth says, marks go over text, the truth's fields are
the document's, the same seed gives the same bytes, and real tesseract still finds printed values."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "samples" / "generate.py"
PHOTOS = ROOT / "samples" / "photos"


@pytest.fixture(scope="module")
def gen():
    sys.path.insert(0, str(GENERATOR.parent))
    try:
        import _photo
        import generate
    finally:
        sys.path.remove(str(GENERATOR.parent))
    return generate, _photo


def _inside_mask(size: tuple[int, int], corners: list[list[float]]) -> np.ndarray:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon([tuple(c) for c in corners], fill=255)
    return np.asarray(mask) > 0


def test_page_lies_inside_the_recorded_corners(gen) -> None:
    generate, photo = gen
    doc = generate.build(generate.Item("invoice_x", "invoice", "ru", 0, "photo"), 11)
    look = photo.PhotoLook(long_side=1280, background="dark", shadow=0.0, curl=0.0, cast="none", light=0.1)
    image, info = photo.photograph_sheet(doc.sheets[0], doc.fields, random.Random(1), look=look)
    assert image.size == (960, 1280) and info["size"] == [960, 1280]
    corners = info["corners"]
    assert len(corners) == 4 and all(0 <= x < 960 and 0 <= y < 1280 for x, y in corners)
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    inside = _inside_mask(image.size, corners)
    # paper is light, the dark desk is dark: the corners outline the sheet
    assert np.median(grey[inside]) > 150
    assert np.median(grey[~inside]) < 70
    # the sheet keeps its proportions roughly (A4 is 1 : 1.414)
    top = np.hypot(*np.subtract(corners[1], corners[0]))
    left = np.hypot(*np.subtract(corners[3], corners[0]))
    assert left / top == pytest.approx(1.425, abs=0.225)


def test_marks_go_over_printed_text_and_leave_the_fields_alone(gen) -> None:
    generate, photo = gen
    doc = generate.build(generate.Item("waybill_x", "waybill", "ru", 1, "photo"), 12)
    fields_before = dict(doc.fields)
    from _layout import render_image  # the generator's own renderer (on sys.path through the import above)

    clean = render_image(doc.sheets[0])
    marks = photo.Marks(("ООО «Пример» * ИНН 7707083893", "Пример", "Для документов"), "ОПЛАЧЕНО", 2)
    marked, placed = photo.draw_marks(clean, marks, doc.sheets[0].family, random.Random(3))
    assert [m["kind"] for m in placed] == ["seal", "red_stamp", "signature", "signature"]
    before = np.asarray(clean.convert("L"))
    after = np.asarray(marked, dtype=np.int16)
    for mark in placed:
        x, y = mark["x"], mark["y"]
        window = before[max(0, y - 60):y + 60, max(0, x - 200):x + 200]
        assert (window < 128).any(), mark  # there was print under the mark
    # coloured ink was added (blue or red dominates somewhere), multiplied over the black text, not under it
    rgb = after.reshape(-1, 3)
    assert ((rgb[:, 2] - rgb[:, 0] > 60) | (rgb[:, 0] - rgb[:, 2] > 60)).sum() > 2000
    assert (np.asarray(marked.convert("L")) <= before).all()
    assert doc.fields == fields_before


def test_same_seed_same_photo_other_seed_other_photo(gen) -> None:
    generate, photo = gen
    doc = generate.build(generate.Item("receipt_x", "receipt", "ru", 0, "photo"), 13)

    def shot(seed: int) -> bytes:
        image, _ = photo.photograph_sheet(doc.sheets[0], doc.fields, random.Random(seed))
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=70)
        return buf.getvalue()

    assert shot(5) == shot(5)
    assert shot(5) != shot(6)


def test_every_background_and_cast_draws(gen) -> None:
    _, photo = gen
    page = Image.new("RGB", (620, 1400), (255, 255, 255))
    ImageDraw.Draw(page).rectangle((50, 50, 570, 120), fill=(0, 0, 0))
    for i, background in enumerate(photo.BACKGROUNDS):
        for cast in photo.CASTS:
            look = photo.PhotoLook(long_side=640, background=background, cast=cast, curl=0.03, shadow=0.4)
            image, info = photo.photograph(page, look, seed=i)
            arr = np.asarray(image)
            assert arr.shape == (640, 480, 3)
            assert 20 < arr.mean() < 235, (background, cast)
            assert info["background"] == background


def test_generated_photo_set_truth_and_files(tmp_path: Path, gen) -> None:
    generate, _ = gen
    out = tmp_path / "p"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--count", "5", "--seed", "4",
                    "--photo-share", "1"], check=True, capture_output=True, timeout=300)
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.truth.json"))]
    photos = [t for t in truths if t["meta"]["format"] == "photo"]
    assert photos, [t["meta"]["format"] for t in truths]
    plan = {it.name: it for it in generate.random_plan(5, 4, photo_share=1.0)}
    for t in photos:
        item = plan[Path(t["file"]).stem]
        assert t["fields"] == generate.build(item, 4).fields  # photographing does not change the truth
        with Image.open(out / t["file"]) as img:
            assert img.format == "JPEG"
            assert list(img.size) == t["meta"]["photo"]["size"]
            assert max(img.size) <= 2000
        assert len(t["meta"]["photo"]["corners"]) == 4


def test_a_plan_without_photos_is_unchanged_by_the_photo_option(gen) -> None:
    generate, _ = gen
    assert generate.random_plan(30, 9) == generate.random_plan(30, 9, photo_share=0.0)
    with_photos = generate.random_plan(30, 9, photo_share=0.5)
    assert [it.name for it in with_photos] == [it.name for it in generate.random_plan(30, 9)]
    assert any(it.fmt == "photo" for it in with_photos)


def test_committed_photos_have_truth_and_cover_a4_and_till_strips() -> None:
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(PHOTOS.glob("*.truth.json"))]
    assert len(truths) >= 10
    types = {t["doc_type"] for t in truths}
    assert {"receipt", "z_report", "invoice", "waybill", "upd"} <= types
    assert len({t["meta"]["photo"]["background"] for t in truths}) >= 3
    for t in truths:
        assert (PHOTOS / t["file"]).exists()
        assert t["meta"]["format"] == "photo"


def test_tesseract_reads_printed_values_in_a_clear_photo(gen, tmp_path: Path) -> None:
    """A clear photo (2000 px, mild angle) still carries the text: real tesseract finds the seller's INN."""
    generate, photo = gen
    doc = generate.build(generate.Item("receipt_y", "receipt", "ru", 0, "photo"), 21)
    look = photo.PhotoLook(long_side=2000, fill=0.9, rotation=1.0, tilt=0.02, curl=0.005, background="wood",
                           light=0.15, shadow=0.0, cast="warm", blur=0.5, noise=2.0, quality=80)
    image, _ = photo.photograph_sheet(doc.sheets[0], doc.fields, random.Random(2), look=look, marked=False)
    path = tmp_path / "r.jpg"
    image.save(path, "JPEG", quality=80)
    text = subprocess.run(["tesseract", str(path), "-", "-l", "rus+eng"], check=True, capture_output=True, text=True,
                          timeout=120, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout
    assert doc.fields["seller_inn"] in text.replace(" ", "")
