"""A test factory of phone photos of paper: a rendered page laid on a desk, seen at an angle, lit unevenly.

:func:`photograph` takes any page image (a rendered sample, a factory page) and returns what a phone
makes of it: the sheet put on a background (a plain dark table, a wood-like or a checked pattern), turned
by a perspective (the corners moved by up to ``tilt`` of the size), a soft shadow across it, a colour cast
of the light, a stamp and a signature in coloured ink over the text, sensor noise, and a JPEG of a phone's
resolution. Every effect is drawn with OpenCV from a seeded generator: the same seed gives the same photo.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

BACKGROUNDS = ("dark", "wood", "checks", "dots")


def _background(kind: str, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "dark":
        base = np.full((height, width, 3), (55, 60, 70), np.uint8)
    elif kind == "wood":
        ys = np.arange(height, dtype=np.float32)[:, None]
        xs = np.arange(width, dtype=np.float32)[None, :]
        grain = 0.5 + 0.5 * np.sin(xs / 9.0 + 3.0 * np.sin(ys / 60.0))
        tone = (95 + 50 * grain)[..., None] * np.array([0.55, 0.75, 1.0], np.float32)  # BGR brown
        base = tone.astype(np.uint8)
    elif kind == "checks":
        ys, xs = np.mgrid[0:height, 0:width]
        cells = ((ys // 40 + xs // 40) % 2).astype(bool)
        base = np.where(cells[..., None], np.array([70, 90, 160], np.uint8), np.array([200, 190, 170], np.uint8))
        base = base.astype(np.uint8)
    elif kind == "dots":  # a cream cloth with purple dots: as light as the paper in grey, not in colour
        ys, xs = np.mgrid[0:height, 0:width]
        dots = ((ys % 90 - 45) ** 2 + (xs % 90 - 45) ** 2) < 18 ** 2
        base = np.where(dots[..., None], np.array([150, 60, 140], np.uint8), np.array([200, 236, 246], np.uint8))
        base = base.astype(np.uint8)
    else:
        raise ValueError(f"background is one of {BACKGROUNDS}")
    noise = rng.normal(0, 6, base.shape)
    return np.clip(base.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def stamp_and_sign(page: np.ndarray, rng: np.random.Generator, *, colour: tuple[int, int, int] = (170, 60, 40)) -> None:
    """Draw, in place on a BGR page, a round stamp in coloured ink (blue by default) and a signature
    scrawl, both over the lower part of the text, as on a signed bill."""
    height, width = page.shape[:2]
    overlay = page.copy()
    cx, cy = int(width * rng.uniform(0.55, 0.7)), int(height * rng.uniform(0.3, 0.45))
    radius = int(width * 0.12)
    thick = max(2, width // 300)
    cv2.circle(overlay, (cx, cy), radius, colour, thick, cv2.LINE_AA)
    cv2.circle(overlay, (cx, cy), int(radius * 0.72), colour, thick, cv2.LINE_AA)
    cv2.putText(overlay, "M.P.", (cx - radius // 3, cy + radius // 8), cv2.FONT_HERSHEY_SIMPLEX,
                width / 900, colour, thick, cv2.LINE_AA)
    xs = np.linspace(width * 0.2, width * 0.45, 60)
    ys = height * 0.4 + height * 0.02 * np.sin(np.linspace(0, 9, 60)) + rng.normal(0, 2, 60)
    points = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(overlay, [points], False, (140, 40, 30), thick, cv2.LINE_AA)
    # ink is translucent: the text under it shows through, darker where both are
    cv2.addWeighted(overlay, 0.75, page, 0.25, 0, dst=page)
    np.minimum(page, overlay, out=page)


def photograph(
    page: Image.Image | np.ndarray,
    *,
    seed: int = 0,
    background: str = "wood",
    tilt: float = 0.06,
    shadow: float = 0.35,
    cast: tuple[float, float, float] = (0.85, 0.95, 1.0),  # BGR gains: warm indoor light
    stamp: bool = True,
    size: tuple[int, int] = (960, 1280),  # the photo's width and height
    fill: float = 0.86,  # share of the photo's height the sheet takes
    jpeg_quality: int = 82,
) -> np.ndarray:
    """A BGR phone photo of ``page``."""
    rng = np.random.default_rng(seed)
    sheet = np.asarray(page.convert("RGB") if isinstance(page, Image.Image) else page)
    if sheet.ndim == 2:
        sheet = cv2.cvtColor(sheet, cv2.COLOR_GRAY2BGR)
    else:
        sheet = cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR)
    sheet = np.ascontiguousarray(sheet)
    if stamp:
        stamp_and_sign(sheet, rng)
    width, height = size
    sh, sw = sheet.shape[:2]
    scale = min(fill * height / sh, fill * width / sw)
    pw, ph = sw * scale, sh * scale
    x0, y0 = (width - pw) / 2, (height - ph) / 2
    corners = np.array([[x0, y0], [x0 + pw, y0], [x0 + pw, y0 + ph], [x0, y0 + ph]], np.float32)
    corners += rng.uniform(-tilt, tilt, (4, 2)).astype(np.float32) * np.array([pw, ph], np.float32)
    source = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    photo = _background(background, height, width, rng)
    warped = cv2.warpPerspective(sheet, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((sh, sw), 255, np.uint8), matrix, (width, height), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    photo = (warped * alpha + photo * (1 - alpha)).astype(np.float32)
    # light: brighter at one corner, a soft shadow band (a hand or the phone) across the sheet
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.85 + 0.15 * (xs / width) * (1 - ys / height)
    if shadow:
        angle = rng.uniform(0, np.pi)
        distance = (xs - width * rng.uniform(0.3, 0.7)) * np.cos(angle) + (ys - height * 0.5) * np.sin(angle)
        light *= 1 - shadow * (1 / (1 + np.exp(distance / (0.04 * width))))
    photo *= light[..., None] * np.array(cast, np.float32)
    photo += rng.normal(0, 3, photo.shape)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    assert ok
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
    assert decoded is not None
    return np.asarray(decoded, np.uint8)


def save_photo(path: Path, photo: np.ndarray, quality: int = 90) -> Path:
    if not cv2.imwrite(str(path), photo, [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise OSError(f"cannot write {path}")
    return path
