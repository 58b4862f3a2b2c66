"""Cleaning a page image before OCR (OpenCV): grayscale, dark scanner borders, deskew, light denoise.

The original is never changed: :func:`clean_page` returns a new array. :func:`enhance_page` is the second
try for a page whose first reading looks bad (faint thermal receipts, coloured ink, photos of small
receipts on a dark table): it costs nothing on pages that read well. Orientation (90/180/270) is
not decided here but after a first OCR (see :mod:`capture.read`): detecting it up front would cost
about as much as the OCR itself on every page.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# Skew is measured within +-MAX_SKEW (beyond that the "text lines" found are more likely tables,
# photos or a page turned by 90 degrees) and corrected only from MIN_SKEW up. Tesseract straightens
# small skews itself: measured on A4 pages at 300 dpi, turning a 1-1.5 degree page back made
# tesseract slower (2.6 -> 3.1 s) and no more confident, while 3 and 6 degree pages gained
# (confidence 93 -> 95 and 88 -> 95, and 1.4 -> 1.2 s).
MIN_SKEW = 2.0
MAX_SKEW = 15.0
# Impulse ("salt and pepper") noise share above which the page gets a 3x3 median filter; on clean
# or merely grainy pages the filter only costs OCR time.
NOISE_DENOISE_SHARE = 0.002
NOISE_PROBE = 600  # side of the full-resolution centre square the noise is measured on
# Width the page is reduced to for measuring skew and borders (fast; 0.1 deg is still resolvable).
ANALYSIS_WIDTH = 800
MAX_INK_SAMPLES = 60_000
# A row/column counts as scanner border when this share of it is dark.
BORDER_DARK_SHARE = 0.6
DARK_LEVEL = 90
MAX_BORDER_SHARE = 0.2  # never whiten more than this share of the page from one side
# Enhancement (second try). Ink wider than SOLID_SIDE pixels on the analysis copy (about 1/110 of the
# page width) is no text stroke but a coloured stripe, the table around a photographed receipt or a
# filled block: it is painted white, as tesseract's layout analysis gives up on a page next to one.
SOLID_SIDE = 7
SOLID_MARGIN = 5  # the solid region is widened by this (analysis pixels) to take its grey edge too
# A page narrower than this (a receipt photographed or scanned at low resolution) is read at twice its
# size: tesseract wants capitals 20-30 px high, which such pages do not reach.
UPSCALE_BELOW_WIDTH = 1400
UPSCALE_FACTOR = 2
# Thin faint strokes (thermal and dot-matrix print) are thickened by a 2x2 minimum filter.
THICKEN_KERNEL = np.ones((2, 2), np.uint8)


@dataclass(frozen=True)
class CleanedPage:
    image: np.ndarray  # 8-bit grayscale, same size as the input
    skew: float  # degrees the page was turned counterclockwise to straighten it (0.0 when not)
    borders: tuple[int, int, int, int]  # pixels whitened from the left, top, right, bottom


# Print this small (median height of letter-sized connected components, pixels) on a page narrower than
# UPSCALE_BELOW_WIDTH is read from the enhanced, enlarged copy first.
SMALL_PRINT_HEIGHT = 14
MIN_LETTERS = 20  # fewer letter-sized components than this: no estimate


@dataclass(frozen=True)
class EnhancedPage:
    image: np.ndarray  # 8-bit grayscale, ``scale`` times the size of the input
    scale: int  # 1, or UPSCALE_FACTOR when the page was small


def to_gray_array(image: Image.Image | np.ndarray) -> np.ndarray:
    if isinstance(image, np.ndarray):
        if image.ndim == 3:
            return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        return image
    if image.mode != "L":
        image = image.convert("L")
    return np.asarray(image, dtype=np.uint8)


def clean_page(image: Image.Image | np.ndarray, *, deskew: bool = True, denoise: bool = True) -> CleanedPage:
    """Grayscale, whitened borders, straightened and lightly denoised copy of a page."""
    gray = to_gray_array(image).copy()
    borders = whiten_borders(gray)
    angle = estimate_skew(gray) if deskew else 0.0
    if abs(angle) >= MIN_SKEW:
        gray = rotate_small(gray, angle)
    else:
        angle = 0.0
    if denoise and impulse_noise(gray) > NOISE_DENOISE_SHARE:
        gray = cv2.medianBlur(gray, 3)
    return CleanedPage(image=gray, skew=round(angle, 2), borders=borders)


def ink_gray(image: np.ndarray) -> np.ndarray:
    """Grey in which coloured ink stays dark: the darkest of the colour channels at each pixel.

    Luminance makes purple, blue or red ink almost as light as the paper; the minimum over R, G, B keeps
    any saturated ink as dark as its strongest absorbing channel, and black ink and white paper as they
    are. A grey array is returned as a copy."""
    if image.ndim == 3:
        return image.min(axis=2)
    return image.copy()


def whiten_solid(gray: np.ndarray) -> float:
    """Paint white, in place, ink regions too thick to be text strokes; return the share of the page painted."""
    small, _ = _small(gray)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (SOLID_SIDE, SOLID_SIDE)))
    if not solid.any():
        return 0.0
    solid = cv2.dilate(solid, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * SOLID_MARGIN + 1, 2 * SOLID_MARGIN + 1)))
    height, width = gray.shape[:2]
    mask = cv2.resize(solid, (width, height), interpolation=cv2.INTER_NEAREST) > 0
    gray[mask] = 255
    return float(mask.mean())


def enhance_page(image: np.ndarray, *, skew: float = 0.0) -> EnhancedPage:
    """A copy of the page made for faint, thin, coloured or small print: grey by :func:`ink_gray`, thick
    dark regions whitened, turned by ``skew`` degrees (as :func:`clean_page` measured it), enlarged when
    the page is small, strokes thickened. No median filter: it erases faint thin strokes."""
    gray = ink_gray(image)
    whiten_solid(gray)
    if skew:
        gray = rotate_small(gray, skew)
    scale = 1
    if gray.shape[1] < UPSCALE_BELOW_WIDTH:
        scale = UPSCALE_FACTOR
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    gray = cv2.erode(gray, THICKEN_KERNEL)
    return EnhancedPage(image=gray, scale=scale)


def letter_height(gray: np.ndarray) -> float:
    """Median height (pixels) of the letter-sized ink components of a page; 0.0 when too few to tell."""
    small, factor = _small(gray)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths, areas = (stats[1:, k] for k in (cv2.CC_STAT_HEIGHT, cv2.CC_STAT_WIDTH, cv2.CC_STAT_AREA))
    letters = heights[(heights >= 4) & (heights <= 200) & (widths <= 3 * heights) & (areas >= 6)]
    if len(letters) < MIN_LETTERS:
        return 0.0
    return float(np.median(letters)) / factor


def is_small_print(gray: np.ndarray) -> bool:
    """A small page (a receipt photographed or scanned at low resolution) whose letters are too small for
    tesseract. The width is checked first: a page as wide as A4 at 150 dpi or more costs nothing."""
    if gray.shape[1] >= UPSCALE_BELOW_WIDTH:
        return False
    return 0.0 < letter_height(gray) < SMALL_PRINT_HEIGHT


def impulse_noise(gray: np.ndarray) -> float:
    """Share of isolated specks (a dark pixel on light paper, or the reverse) in a centre square."""
    height, width = gray.shape[:2]
    y0, x0 = max(0, (height - NOISE_PROBE) // 2), max(0, (width - NOISE_PROBE) // 2)
    probe = gray[y0 : y0 + NOISE_PROBE, x0 : x0 + NOISE_PROBE]
    if probe.size == 0:
        return 0.0
    median = cv2.medianBlur(probe, 3)
    specks = ((probe < 96) & (median > 192)) | ((probe > 192) & (median < 96))
    return float(specks.mean())


def _small(gray: np.ndarray) -> tuple[np.ndarray, float]:
    height, width = gray.shape[:2]
    factor = min(1.0, ANALYSIS_WIDTH / max(width, 1))
    if factor >= 1.0:
        return gray, 1.0
    size = (max(1, int(width * factor)), max(1, int(height * factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), factor


def whiten_borders(gray: np.ndarray) -> tuple[int, int, int, int]:
    """Paint dark scanner margins white, in place; return how many pixels each side lost."""
    small, factor = _small(gray)
    dark = small < DARK_LEVEL
    rows = dark.mean(axis=1)
    cols = dark.mean(axis=0)

    def run(profile: np.ndarray) -> int:
        limit = int(len(profile) * MAX_BORDER_SHARE)
        n = 0
        while n < limit and profile[n] >= BORDER_DARK_SHARE:
            n += 1
        return n

    left, right = run(cols), run(cols[::-1])
    top, bottom = run(rows), run(rows[::-1])
    height, width = gray.shape[:2]
    # widen a little: the edge between border and paper is grey and gets cut too
    pad = 2
    sides = [int(round(v / factor)) + pad if v else 0 for v in (left, top, right, bottom)]
    left_px, top_px, right_px, bottom_px = sides
    if left_px:
        gray[:, :left_px] = 255
    if right_px:
        gray[:, width - right_px :] = 255
    if top_px:
        gray[:top_px, :] = 255
    if bottom_px:
        gray[height - bottom_px :, :] = 255
    return left_px, top_px, right_px, bottom_px


def estimate_skew(gray: np.ndarray) -> float:
    """The angle (degrees, counterclockwise positive) that straightens the page's text lines.

    Projection profile: the ink pixels are sheared by candidate angles and the angle whose row
    histogram is sharpest (largest sum of squares) wins; coarse 0.5 degree steps, then 0.05.
    """
    small, _ = _small(gray)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # drop big blobs (photos, stamps filled black) by keeping only thin strokes' neighbourhood
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return 0.0
    if len(ys) > MAX_INK_SAMPLES:
        pick = np.random.default_rng(0).choice(len(ys), MAX_INK_SAMPLES, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - small.shape[1] / 2.0

    def sharpness(angle: float) -> float:
        shifted = ys + xs * np.tan(np.radians(angle))
        hist = np.bincount(np.round(shifted - shifted.min()).astype(np.int64))
        return float(np.dot(hist, hist))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.001, 0.5)
    scores = [sharpness(a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5001, 0.05)
    fine_scores = [sharpness(a) for a in fine]
    angle = float(fine[int(np.argmax(fine_scores))])
    # a flat profile (no text lines) gives no reliable angle
    if max(fine_scores) < sharpness(0.0) * 1.02:
        return 0.0
    return -angle  # lines sheared by +a are turned by -a: undo it


def rotate_small(gray: np.ndarray, angle: float) -> np.ndarray:
    """Turn the image by ``angle`` degrees counterclockwise about its centre, white fill, same size."""
    height, width = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)
    return cv2.warpAffine(
        gray,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


# degrees clockwise -> OpenCV rotate code
_ROTATE_CODES = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


def rotate_right_angle(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Turn the image clockwise by 0, 90, 180 or 270 degrees."""
    degrees %= 360
    if degrees == 0:
        return gray
    return cv2.rotate(gray, _ROTATE_CODES[degrees])


def ink_share(gray: np.ndarray) -> float:
    """Share of dark pixels: a blank page has almost none."""
    small, _ = _small(gray)
    return float((small < 128).mean())


# A page has ink, however faint, when its darkest pixels (this percentile) are at least MIN_INK_CONTRAST
# grey levels below its paper (the median): dust on a blank page is too rare to reach the percentile.
INK_PERCENTILE = 0.5
MIN_INK_CONTRAST = 48


def has_ink(gray: np.ndarray) -> bool:
    """True unless the page is blank; unlike :func:`ink_share`, faint grey or coloured print counts."""
    small, _ = _small(gray)
    darkest, paper = np.percentile(small, (INK_PERCENTILE, 50))
    return bool(paper - darkest >= MIN_INK_CONTRAST)


# A page whose text lines run down it leaves blank columns between them and no blank rows.
VERTICAL_GAP_SHARE = 0.2  # at least this share of the inked width is blank columns...
GAP_RATIO = 3.0  # ...and several times the share of blank rows (gaps between words make a few)
# An ink run at least 1/RULE_SHARE of the page long (and RULE_MIN analysis pixels) is a rule, not text.
RULE_SHARE = 25
RULE_MIN = 15


def _blank_share(ink: np.ndarray) -> float:
    """Share of blank lines (rows of ``ink``) between the first and the last inked one."""
    rows = ink.sum(axis=1)
    inked = np.nonzero(rows)[0]
    if len(inked) < 3:
        return 0.0
    return float((rows[inked[0]:inked[-1] + 1] == 0).mean())


def lines_run_vertically(gray: np.ndarray) -> bool:
    """True when the text lines run up or down the page (turned 90° or 270°): a few milliseconds on a
    small copy, so the orientation can be asked for before a wasted OCR pass. A wrong True costs one
    orientation check; a wrong False, the usual second pass."""
    small, _ = _small(gray)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # A form's rules cross every row and column and leave no gap: the text alone is looked at too.
    return _columns_gap(ink) or _columns_gap(ink & (1 - _rules(ink)))


def _columns_gap(ink: np.ndarray) -> bool:
    columns = _blank_share(ink.T)
    return columns >= VERTICAL_GAP_SHARE and columns > GAP_RATIO * _blank_share(ink)


def _rules(ink: np.ndarray) -> np.ndarray:
    """The ruling lines of a 0/1 ink mask (a table's or a form's rules, a page's frame), widened by a pixel."""
    height, width = ink.shape
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(RULE_MIN, width // RULE_SHARE), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(RULE_MIN, height // RULE_SHARE)))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across) | cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    return cv2.dilate(rules, np.ones((3, 3), np.uint8))
