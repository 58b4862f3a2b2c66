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

from capture import _sheet

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
        return channel_min(image)
    return image.copy()


# numpy's reductions along a last axis of 3 run element by element (ndarray.max(axis=2) takes 25 times as long):
# the channels compared pairwise give the same values.
def channel_min(image: np.ndarray) -> np.ndarray:
    """The darkest of an RGB array's channels at each pixel (``image.min(axis=2)``)."""
    return np.minimum(np.minimum(image[..., 0], image[..., 1]), image[..., 2])


def channel_max(image: np.ndarray) -> np.ndarray:
    """The brightest of an RGB array's channels at each pixel (``image.max(axis=2)``)."""
    return np.maximum(np.maximum(image[..., 0], image[..., 1]), image[..., 2])


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
    sides = [round(v / factor) + pad if v else 0 for v in (left, top, right, bottom)]
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
    rules = np.bitwise_or(cv2.morphologyEx(ink, cv2.MORPH_OPEN, across), cv2.morphologyEx(ink, cv2.MORPH_OPEN, down))
    return cv2.dilate(rules, np.ones((3, 3), np.uint8))


# --- phone photos -------------------------------------------------------------------------------------
# A photo shows the sheet against a background (a desk, a table, a hand); a scan is all paper. The sheet is
# found on a small copy by GrabCut, seeded with the photo's margin as background and its middle as sheet,
# so a patterned or paper-coloured desk is told from the sheet by colour statistics, not by a threshold.
PHOTO_ANALYSIS_WIDTH = 360
PHOTO_MARGIN = 0.03  # the ring of the photo taken as background to seed the sheet's segmentation
MIN_BACKGROUND_SIDES = 3  # a sheet against a background on at least this many sides is a photo...
SIDE_BACKGROUND_SHARE = 0.6  # ...a side counting when this share of its outer strip is background
PAPER_TOLERANCE = 30  # grey levels under the paper's brightness (or off its colour) from which a pixel is no paper
NEAR_PAPER = 12  # grey levels off the paper's brightness, either way, from which a margin may be a desk
GRABCUT_SEED = 1
MIN_SHEET_SHARE = 0.15  # the sheet found must take at least this share of the photo...
MAX_SHEET_SHARE = 0.97  # ...and leave some background
MIN_QUAD_FILL = 0.85  # the sheet's region fills this share of its four-cornered outline (else no warp)
# Letters are brought to this height (median height of letter-sized ink components, pixels), enlarging at
# most MAX_PHOTO_UPSCALE times: tesseract reads capitals 20-30 px high best; a phone photo of an A4 page
# at 960x1280 gives letters of 8-10 px.
TARGET_LETTER_HEIGHT = 24.0
MIN_LETTER_HEIGHT = 18.0
MAX_PHOTO_UPSCALE = 3.0
# Coloured ink is marks (seals, stamps, signatures) to be made to fade when at least MARKS_SHARE of it is
# in shapes MARK_LETTERS letter heights across or more; coloured letters are the text and stay dark.
MARKS_SHARE = 0.5
MARK_LETTERS = 3.0
COLOUR_SATURATION = 60  # HSV saturation from which a pixel of ink is coloured
COLOURED_PRINT_SHARE = 0.5  # this share of the letter-sized ink coloured: the print itself is coloured
# A mark's ink is dropped by its chroma (brightest less darkest channel, against the paper's own colour) only
# inside the regions of saturated ink that are marks: MARK_CHROMA from which ink is a stamp's or a pen's
# colour rather than a thermal slip's or a warm light's tint (90% of a slip's print on the tuning photos is
# under 20 after white balance, a stamp's ink 60-150), gathered into a shape MARK_LETTERS letter heights both
# ways (a seal, a rectangular stamp), with MARK_DENSE of its bounding box inked (a signature's thin scrawl
# across the print is not: it stays as the brightest channel leaves it).
MARK_CHROMA = 45
MARK_DENSE = 0.2


@dataclass(frozen=True)
class FlatPage:
    """A phone photo made into a flat, evenly lit grey page."""

    image: np.ndarray  # 8-bit grayscale, the sheet only, upright to its own edges
    corners: np.ndarray | None  # the sheet's corners in the photo (float32 4x2, clockwise from top-left)
    scale: float  # how much the sheet was enlarged for its letters' height


def has_background(image: np.ndarray) -> bool:
    """True when the page's outer ring is mostly not paper on at least MIN_BACKGROUND_SIDES sides: a sheet
    photographed on a desk, not a scan (whose margins are paper, with a dark scanner edge on a side or two).
    On a grey page a pixel is no paper when it is darker than the paper; on a colour page also when its
    colour is not the paper's (a cream or patterned desk as light as the sheet). A few milliseconds on a
    small copy."""
    return _sides_off_paper(image, PAPER_TOLERANCE, colour=image.ndim == 3) >= MIN_BACKGROUND_SIDES


def may_have_background(gray: np.ndarray) -> bool:
    """True when the grey page's margins are not plain paper on MIN_BACKGROUND_SIDES sides, lighter or darker
    (a desk as light as the sheet in grey, or a scan's grey noise): only then is its colour worth a look by
    :func:`has_background`. A clean scan's margins are paper and cost nothing more."""
    return _sides_off_paper(gray, NEAR_PAPER, colour=False, either_way=True) >= MIN_BACKGROUND_SIDES


def _sides_off_paper(image: np.ndarray, tolerance: float, *, colour: bool, either_way: bool = False) -> int:
    """How many sides of the image have an outer strip mostly (SIDE_BACKGROUND_SHARE) of no paper."""
    step = max(1, max(image.shape[:2]) // 400)
    small = image[::step, ::step].astype(np.int16)  # every step-th pixel: enough for the margins, and free
    height, width = small.shape[:2]
    if min(height, width) < 16:
        return 0
    middle = small[height // 4: height - height // 4, width // 4: width - width // 4]
    strip = max(2, round(0.02 * max(height, width)))
    sides = (small[:strip, :], small[-strip:, :], small[:, :strip], small[:, -strip:])
    if colour:  # the paper's colour, each channel's bright end (the colour cast of the light is the paper's too)
        paper = np.percentile(middle.reshape(-1, 3), 90, axis=0)
        gray_paper = float(paper.mean())

        def off(side: np.ndarray) -> np.ndarray:
            return (side.mean(axis=2) < gray_paper - tolerance) | (np.abs(side - paper).max(axis=2) > tolerance)
    else:
        level = float(np.percentile(middle, 90))

        def off(side: np.ndarray) -> np.ndarray:
            return np.abs(side - level) > tolerance if either_way else side < level - tolerance
    return sum(1 for side in sides if float(off(side).mean()) >= SIDE_BACKGROUND_SHARE)


@dataclass(frozen=True)
class Sheet:
    """Where a photographed sheet lies: its corners and its region (the outline a curled sheet's edges bend to)."""

    corners: np.ndarray  # float32 4x2, photo pixels, clockwise from top-left
    region: np.ndarray  # uint8 0/1 mask of the sheet on a copy of the photo ``factor`` times its size
    factor: float


def find_sheet(image: np.ndarray) -> np.ndarray | None:
    """The four corners (clockwise from top-left, photo pixels) of a sheet of paper photographed against a
    background, or ``None`` when the image is all page (a scan) or no sheet stands out."""
    sheet = locate_sheet(image)
    return None if sheet is None else sheet.corners


def locate_sheet(image: np.ndarray) -> Sheet | None:
    """The sheet of paper photographed against a background (:class:`Sheet`), or ``None`` as find_sheet.
    GrabCut's outline gives the corners unless the photo's straight edges (:mod:`capture._sheet`) support
    another quadrilateral clearly better: a sheet on other papers, whose colours GrabCut mixes up."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    cut = _grabcut_sheet(image) if has_background(image) else None
    if cut is None:  # papers as light as the sheet all round it: its straight edges may still show it
        lined = _sheet.find_quad(image)
        if lined is None or not _sheet.stands_out(lined, image.shape):
            return None
        factor = min(1.0, PHOTO_ANALYSIS_WIDTH / max(image.shape[:2]))
        region = np.zeros((max(8, int(image.shape[0] * factor)), max(8, int(image.shape[1] * factor))), np.uint8)
        cv2.fillConvexPoly(region, np.round(lined.corners * factor).astype(np.int32), 1)
        return Sheet(_clockwise(lined.corners), region, factor)
    sheet, angle = cut
    drawn = _sheet.quad_support(image, sheet.corners)
    if min(drawn.sides) < _sheet.EDGE_SIDE:  # a side that is no edge: a shadow over the sheet may have cut it there
        sheet, angle, drawn = _relit_sheet(image, sheet, angle, drawn)
    lined = _sheet.find_quad(image, angle, sheet.region)
    if lined is None or not _sheet.replaces(lined, drawn):
        return sheet
    # edges round a larger sheet than GrabCut's outline are a curled sheet's chords past its bowed sides, unless
    # they are straight edges whose steps fade only where a corner lies on paper as light (GrabCut cut it off)
    grown = abs(cv2.contourArea(lined.corners)) > _sheet.MAX_GROWTH * abs(cv2.contourArea(sheet.corners))
    if grown and _sheet.bows(lined):
        return sheet
    return _sheet_from_quad(lined.corners, sheet)


def _relit_sheet(image: np.ndarray, sheet: Sheet, angle: float, drawn: _sheet.Quad
                 ) -> tuple[Sheet, float, _sheet.Quad]:
    """GrabCut's sheet again, on a copy with the photo's large-scale shading divided out (:func:`unshaded`), when
    that outline's every side is an edge (EDGE_SIDE, EDGE_MEAN), it is better supported (BETTER_SUPPORT) and it
    takes in what the first left out (SHADOW_GROWTH): a shadow falling across part of a sheet makes that part as
    dark as the desk, and GrabCut leaves it out (the side it cuts through the sheet is no brightness step).
    Otherwise the first outline stands: an outline a few pixels off is no part of a sheet left in a shadow."""
    relit = _grabcut_sheet(unshaded(image))
    if relit is None:
        return sheet, angle, drawn
    quad = _sheet.quad_support(image, relit[0].corners)
    grown = abs(cv2.contourArea(relit[0].corners)) >= SHADOW_GROWTH * abs(cv2.contourArea(sheet.corners))
    if (grown and min(quad.sides) >= _sheet.EDGE_SIDE and float(np.mean(quad.sides)) >= _sheet.EDGE_MEAN
            and quad.support >= drawn.support + _sheet.BETTER_SUPPORT):
        return relit[0], relit[1], quad
    return sheet, angle, drawn


SHADOW_GROWTH = 1.05  # the outline on the unshaded copy takes the sheet only when this many times larger
SHADE_SCALE = 8  # shading varies over more than an eighth of the photo's long side; print and edges over less


def unshaded(image: np.ndarray) -> np.ndarray:
    """The photo (RGB) with its large-scale brightness divided out: each pixel over the light around it (letters
    closed over first), scaled to the photo's median light. A soft shadow over desk and sheet alike goes; the
    sheet's edge against a darker desk, sharper than the shading, stays a step."""
    height, width = image.shape[:2]
    factor = min(1.0, PHOTO_ANALYSIS_WIDTH / max(width, height))  # measured on GrabCut's own size of copy
    small = cv2.resize(image, (max(8, int(width * factor)), max(8, int(height * factor))), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    side = max(3, int(max(gray.shape) / SHADE_SCALE) | 1)
    close = max(3, (side // 4) | 1)
    light = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close)))
    light = cv2.GaussianBlur(light, (0, 0), side)
    gain = cv2.resize(float(np.median(light)) / np.maximum(light, 1.0), (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(image.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


def _sheet_from_quad(corners: np.ndarray, cut: Sheet) -> Sheet:
    """The sheet inside the edges found: GrabCut's region cut to the quadrilateral, widened by the room a
    curled edge needs (what GrabCut took of the papers under the sheet is left out)."""
    factor = cut.factor
    size = cut.region.shape[:2]
    quad = np.zeros(size, np.uint8)
    cv2.fillConvexPoly(quad, np.round(corners * factor).astype(np.int32), 1)
    corners = _clockwise(corners.astype(np.float32))
    room = max(1, round(EDGE_PAD / 2 * max(size)))
    widened = cv2.dilate(quad, np.ones((2 * room + 1, 2 * room + 1), np.uint8))
    return Sheet(corners, cut.region * widened, factor)


def _grabcut_sheet(image: np.ndarray) -> tuple[Sheet, float] | None:
    """The sheet by GrabCut on a small copy (seeded by the margins as desk, the middle as sheet), and the
    turn of its outline's bounding box (degrees, within +-45)."""
    height, width = image.shape[:2]
    factor = min(1.0, PHOTO_ANALYSIS_WIDTH / max(width, height))
    small = cv2.resize(image, (max(8, int(width * factor)), max(8, int(height * factor))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    mask = np.full((sh, sw), cv2.GC_PR_FGD, np.uint8)
    ring = max(2, round(PHOTO_MARGIN * max(sh, sw)))
    mask[:ring, :] = mask[-ring:, :] = cv2.GC_BGD
    mask[:, :ring] = mask[:, -ring:] = cv2.GC_BGD
    mask[sh // 3: sh - sh // 3, sw // 3: sw - sw // 3] = cv2.GC_FGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # GrabCut's clusters start from OpenCV's global generator: seeded, a file is read alike every time
    cv2.setRNGSeed(GRABCUT_SEED)
    try:
        cv2.grabCut(small, mask, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)  # type: ignore[call-overload]  # the stubs want a rect even with GC_INIT_WITH_MASK
    except cv2.error:
        return None
    sheet = cv2.morphologyEx(np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8), cv2.MORPH_OPEN,
                             np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(sheet, connectivity=4)
    if count < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == biggest).astype(np.uint8)
    share = float(region.mean())
    if not MIN_SHEET_SHARE <= share <= MAX_SHEET_SHARE or not _background_around(region):
        return None
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(outline)
    quad = _four_corners(hull)
    rect = cv2.minAreaRect(hull)
    if quad is None or float(region.sum()) < MIN_QUAD_FILL * cv2.contourArea(quad.astype(np.float32)):
        quad = cv2.boxPoints(rect)  # a curled or torn sheet: its turned bounding box, no perspective
    # the sheet's whole outline filled: dark print that GrabCut took for desk is sheet too
    whole = cv2.drawContours(np.zeros_like(region), [outline], -1, 1, thickness=cv2.FILLED)
    angle = float(rect[2]) % 90.0
    angle = angle - 90.0 if angle > 45.0 else angle
    return Sheet(_clockwise(quad.reshape(4, 2).astype(np.float32) / factor), whole, factor), angle


def _background_around(region: np.ndarray) -> bool:
    height, width = region.shape
    strip = max(2, round(0.04 * max(height, width)))
    sides = (region[:strip, :], region[-strip:, :], region[:, :strip], region[:, -strip:])
    return sum(1 for side in sides if 1.0 - float(side.mean()) >= SIDE_BACKGROUND_SHARE) >= MIN_BACKGROUND_SIDES


def _four_corners(hull: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.01, 0.02, 0.03, 0.04, 0.06):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
        if len(approx) < 4:
            return None
    return None


def _clockwise(points: np.ndarray) -> np.ndarray:
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]  # clockwise in image coordinates (y down), from the left-most up
    start = int(np.argmin(ordered.sum(axis=1)))  # top-left: smallest x + y
    return np.roll(ordered, -start, axis=0)


def unwarp(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The sheet inside ``corners`` as a flat rectangle (perspective corrected), at its size in the photo."""
    matrix, size = _sheet_transform(corners)
    return cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _sheet_transform(corners: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The perspective that takes the photo's sheet inside ``corners`` to an upright rectangle, and its size."""
    tl, tr, br, bl = corners
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    return cv2.getPerspectiveTransform(corners.astype(np.float32), target), (width, height)


# A curled sheet (its rows bowed, an edge lifted) is flattened by its own outline: after the perspective is
# undone, each column is stretched between the sheet's top and bottom edge there, and each row between its
# left and right edge, as the text lines follow the paper between its edges. The outline is measured on a
# copy EDGE_ANALYSIS pixels long, in a frame EDGE_PAD of the sheet's size wider each way (a bowed edge may
# bulge out of the corners' rectangle); each edge is a polynomial of degree EDGE_DEGREE fitted to it.
EDGE_ANALYSIS = 400
EDGE_PAD = 0.06
EDGE_DEGREE = 3
MIN_BEND = 0.004  # an edge bent less than this share of the sheet's size is straight: no remapping
MAX_BEND = 0.05  # one bent more is no sheet's edge (a paper under it, a hand): that side is left straight
# The remapped sheet is kept when its lines are this much sharper: on the tuning photos (seeds 4040, 5050 and
# samples/photos) remaps that sharpened the lines less than this lost as many values as they gained.
MIN_SHARPER = 1.12
DESK_BAND = 0.025  # share of the sheet's size along its sides where desk left in the rectangle is painted over
MIN_EDGE_COLUMNS = 0.5  # an edge seen along less than this share of its side is left straight


def follow_edges(image: np.ndarray, sheet: Sheet) -> np.ndarray:
    """The perspective-corrected sheet (``unwarp``) with its curl undone by its outline (see EDGE_ANALYSIS),
    and whatever background is left inside the rectangle painted the paper's colour."""
    matrix, (width, height) = _sheet_transform(sheet.corners)
    factor = EDGE_ANALYSIS / max(width, height)
    pad_x, pad_y = round(EDGE_PAD * width * factor), round(EDGE_PAD * height * factor)
    # region (small photo) -> photo -> flat sheet -> its small padded copy
    to_small = np.array([[factor, 0, pad_x], [0, factor, pad_y], [0, 0, 1]], np.float64)
    from_region = np.diag([1 / sheet.factor, 1 / sheet.factor, 1.0])
    size = (round(width * factor) + 2 * pad_x, round(height * factor) + 2 * pad_y)
    mask = cv2.warpPerspective(sheet.region * 255, to_small @ matrix @ from_region, size, flags=cv2.INTER_LINEAR) > 127
    edges = _edges(mask, (pad_x, pad_y), (width * factor, height * factor))
    flat = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    inside = None
    if edges is not None:
        top, bottom, left, right = edges
        xs = np.arange(width, dtype=np.float64)
        ys = np.arange(height, dtype=np.float64)
        top_y, bottom_y = np.polyval(top, xs * factor) / factor, np.polyval(bottom, xs * factor) / factor
        left_x, right_x = np.polyval(left, ys * factor) / factor, np.polyval(right, ys * factor) / factor
        u = xs[None, :] / max(width - 1, 1)
        v = ys[:, None] / max(height - 1, 1)
        map_y = (top_y[None, :] + v * (bottom_y - top_y)[None, :]).astype(np.float32)
        map_x = (left_x[:, None] + u * (right_x - left_x)[:, None]).astype(np.float32)
        # the flat sheet's points taken back into the photo: one interpolation of the photo, not two
        back = np.linalg.inv(matrix)
        w = back[2, 0] * map_x + back[2, 1] * map_y + back[2, 2]
        photo_x = ((back[0, 0] * map_x + back[0, 1] * map_y + back[0, 2]) / w).astype(np.float32)
        photo_y = ((back[1, 0] * map_x + back[1, 1] * map_y + back[1, 2]) / w).astype(np.float32)
        bent = cv2.remap(image, photo_x, photo_y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        # An outline is only as good as the segmentation (a shadow taken for desk bends an edge that is
        # straight): the remapped sheet is kept only when its text lines come out sharper than without it.
        if line_sharpness(to_gray_array(bent)) > MIN_SHARPER * line_sharpness(to_gray_array(flat)):
            flat = bent
            inside = cv2.remap(mask.astype(np.uint8), (map_x * factor + pad_x), (map_y * factor + pad_y),
                               cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0
    if inside is None:
        inside = cv2.resize(mask[pad_y: pad_y + round(height * factor), pad_x: pad_x + round(width * factor)]
                            .astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST) > 0
    # The desk left along the rectangle's sides (past a bowed edge, in a rounded corner) is painted the paper's
    # colour; only there: deeper in, what the segmentation took for desk is more likely a shadow on the sheet.
    band = max(2, round(DESK_BAND * max(width, height)))
    desk = ~inside
    desk[band:-band, band:-band] = False
    if desk.any() and inside.any():
        paper = np.percentile(flat[inside].reshape(-1, flat.shape[2] if flat.ndim == 3 else 1), 90, axis=0)
        flat[desk] = paper.astype(np.uint8) if flat.ndim == 3 else np.uint8(paper[0])
    return flat


def line_sharpness(gray: np.ndarray) -> float:
    """How sharply the page's ink gathers into horizontal lines: the sum of squares of its row profile (on a
    small copy) over the square of its ink. Straight level lines of text score high; lines bent
    or turned spread their ink over more rows and score lower."""
    small, _ = _small(gray)
    # ink against the paper around it, so that a shadow across the sheet is no ink
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)
    rows = ink.sum(axis=1).astype(np.float64)
    total = rows.sum()
    return float(np.dot(rows, rows) / (total * total)) if total else 0.0


def _edges(mask: np.ndarray, pad: tuple[int, int], size: tuple[float, float]) -> tuple[np.ndarray, ...] | None:
    """The sheet's four edges in the padded small frame of ``follow_edges``, as polynomials in the flat
    sheet's small coordinates (top and bottom: y of x; left and right: x of y); ``None`` when all are straight."""
    pad_x, pad_y = pad
    width, height = size
    curves = []
    bent = False
    for axis, far, extent, offset, across in ((0, False, width, pad_x, pad_y), (0, True, width, pad_x, pad_y),
                                              (1, False, height, pad_y, pad_x), (1, True, height, pad_y, pad_x)):
        lines = mask if axis == 0 else mask.T  # top/bottom: scan each column; left/right: each row
        straight = np.array([0.0] * EDGE_DEGREE + [(height if axis == 0 else width) - 1 if far else 0.0])
        along = np.arange(offset, offset + round(extent))
        along = along[along < lines.shape[1]]
        seen = lines[:, along].any(axis=0)
        if seen.mean() < MIN_EDGE_COLUMNS:
            curves.append(straight)
            continue
        cols = lines[:, along[seen]]
        index = cols.shape[0] - 1 - np.argmax(cols[::-1], axis=0) if far else np.argmax(cols, axis=0)
        position = index.astype(np.float64) - across
        t = along[seen].astype(np.float64) - offset
        # the ends of an edge run round the sheet's corners: the middle 90% decides its shape
        keep = (t > 0.05 * extent) & (t < 0.95 * extent)
        if keep.sum() < EDGE_DEGREE + 2:
            curves.append(straight)
            continue
        curve = np.polyfit(t[keep], position[keep], EDGE_DEGREE)
        deviation = np.abs(np.polyval(curve, np.arange(extent)) - straight[-1]).max() / max(width, height)
        if deviation > MAX_BEND:
            curves.append(straight)
            continue
        bent = bent or deviation >= MIN_BEND
        curves.append(curve)
    return tuple(curves) if bent else None


def white_balance(image: np.ndarray) -> np.ndarray:
    """The colour cast of the light removed: each channel scaled so the paper (its bright pixels) is white."""
    small, _ = _small(image)
    paper = np.percentile(small.reshape(-1, 3), 90, axis=0).astype(np.float32)
    gains = 255.0 / np.maximum(paper, 1.0)
    # a table of each channel's 256 values, as the page's pixels would each be scaled (the same float32 product)
    table = np.clip(np.arange(256, dtype=np.float32)[:, None] * gains[None, :], 0, 255).astype(np.uint8)
    return cv2.LUT(np.ascontiguousarray(image), table.reshape(256, 1, 3))


def ink_channel(image: np.ndarray) -> np.ndarray:
    """Grey for a white-balanced RGB page: coloured marks over black print (seals, stamps, signatures) fade
    to the paper; coloured print that is the text itself (a purple till slip) stays dark (:func:`ink_gray`).

    Coloured print is told from marks first by how much of the letter-sized ink is coloured (the whole
    print, or a few letters of a seal), then by size: a seal's ring or a signature's stroke spans many
    letters, and so does the cluster of a seal's ring letters, broken as they are by patchy ink. When most
    of the coloured ink is in marks, each pixel is read in the channel its ink absorbs least, as a scanner
    drops out a colour: a mark's ink comes out light, black print and the print under a mark stay dark.
    Nothing is painted out: where a mark lies over thin print at a phone's resolution, the print's pixels
    are tinted by the mark, and painting the tinted ones white erased the print under it."""
    small, _ = _small(image)
    gray = channel_min(small)
    saturation = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[..., 1]
    coloured = ((saturation >= COLOUR_SATURATION) & (gray < 200)).astype(np.uint8)
    if not coloured.any():
        return ink_gray(image)
    letters = letter_height(gray) or 10.0
    if _coloured_letters_share(gray, coloured, letters) >= COLOURED_PRINT_SHARE:
        return ink_gray(image)
    if _marks_share(coloured, letters) < MARKS_SHARE:
        return ink_gray(image)
    return _drop_marks(image, channel_max(image), letters / max(small.shape[1], 1) * image.shape[1])


def _drop_marks(image: np.ndarray, grey: np.ndarray, letters: float) -> np.ndarray:
    """``grey`` with the ink of the marks lightened by its chroma, inside the marks' regions only.

    The brightest channel leaves a red stamp at grey 110-210 at a phone's resolution, which tesseract
    reads as print over the values under it; adding the pixel's chroma (against the paper's colour) brings
    a mark's ink to the paper and leaves black print under it dark (its chroma is small). Outside the
    regions found (:func:`mark_regions`) nothing changes: a till slip's tinted print keeps its grey, and so
    does a pen's thin scrawl (a signature), whose chroma spread by the JPEG onto the print beside its
    stroke lightened that print more than the stroke hid."""
    regions = mark_regions(image, letters)
    if regions is None:
        return grey
    chroma = _chroma(image, image[regions])  # the regions' pixels only: a few per cent of the sheet
    out = grey.copy()
    out[regions] = np.clip(grey[regions].astype(np.int16) + chroma, 0, 255).astype(np.uint8)
    return out


def _chroma(image: np.ndarray, pixels: np.ndarray | None = None) -> np.ndarray:
    """Brightest less darkest channel of an RGB page (or of some of its ``pixels``, an array of RGB rows), each
    channel first scaled by the paper's (its bright pixels), so that a tinted paper (thermal, recycled, a warm
    light's cast left) has no chroma of its own."""
    small, _ = _small(image)
    paper = np.percentile(small.reshape(-1, 3), 90, axis=0).astype(np.float32)
    balanced = np.clip((image if pixels is None else pixels).astype(np.float32) * (255.0 / np.maximum(paper, 1.0)),
                       0, 255)
    return (channel_max(balanced) - channel_min(balanced)).astype(np.int16)


def mark_regions(image: np.ndarray, letters: float) -> np.ndarray | None:
    """Where an RGB page has marks in coloured ink (seals, stamps, signatures), as a mask of the page's
    size: connected regions of ink of MARK_CHROMA or more, closed over the gaps of a letter, whose shape is
    MARK_LETTERS letter heights (``letters``, in the page's pixels) both ways and MARK_DENSE inked, grown by
    a letter. ``None`` when there are none (black or tinted print alone, a pen's thin scrawl)."""
    small, factor = _small(image)
    letters_small = max(letters * factor, 2.0)
    chroma = _chroma(small)
    saturated = ((chroma >= MARK_CHROMA) & (channel_min(small) < 235)).astype(np.uint8)
    if not saturated.any():
        return None
    side = max(3, round(letters_small)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    closed = cv2.morphologyEx(saturated, cv2.MORPH_CLOSE, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    inked = np.bincount(labels[saturated > 0], minlength=count)
    keep = np.zeros(count, bool)
    for k in range(1, count):
        w, h = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
        keep[k] = min(w, h) >= MARK_LETTERS * letters_small and inked[k] >= MARK_DENSE * w * h
    if not keep.any():
        return None
    mask = cv2.dilate(keep[labels].astype(np.uint8), kernel)  # each region grown by a letter
    height, width = image.shape[:2]
    if mask.shape != (height, width):
        mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_NEAREST)
    return mask > 0


def _coloured_letters_share(gray: np.ndarray, coloured: np.ndarray, letters: float) -> float:
    """Share of the letter-sized ink (shapes smaller than MARK_LETTERS letter heights) that is coloured: about
    all of it on a page printed in colour, a few letters of a seal's ring on a page printed in black."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(len(stats), bool)
    small[1:] = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]) < MARK_LETTERS * letters
    letter_ink = small[labels]
    total = int(letter_ink.sum())
    return float((letter_ink & (coloured > 0)).sum()) / total if total else 0.0


def _marks_share(coloured: np.ndarray, letters: float) -> float:
    """Share of the coloured ink (a 0/1 mask) that is in marks: a shape MARK_LETTERS letter heights across
    (a signature's stroke, a seal's ring), or a cluster of small shapes that is that large both ways (the
    letters around a seal's ring). A coloured line of print is long but one line high."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(coloured, connectivity=8)
    inked = labels > 0
    if not inked.any():
        return 0.0
    mark = np.zeros(len(stats), bool)
    mark[1:] = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]) >= MARK_LETTERS * letters
    side = max(3, round(letters)) | 1  # closes the gaps between the letters of a word and between lines
    clusters = cv2.morphologyEx(coloured, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
    _, groups, group_stats, _ = cv2.connectedComponentsWithStats(clusters, connectivity=8)
    large = np.minimum(group_stats[:, cv2.CC_STAT_WIDTH], group_stats[:, cv2.CC_STAT_HEIGHT]) >= MARK_LETTERS * letters
    large[0] = False
    return float(((mark[labels] | large[groups]) & inked).sum()) / float(inked.sum())


def even_light(gray: np.ndarray) -> np.ndarray:
    """Uneven lighting and shadows divided out: each pixel over the paper's brightness around it."""
    height, width = gray.shape[:2]
    factor = min(1.0, 400 / max(width, height))
    small = cv2.resize(gray, (max(1, int(width * factor)), max(1, int(height * factor))), interpolation=cv2.INTER_AREA)
    side = max(3, int(max(small.shape) / 25) | 1)  # wider than a letter, narrower than a shadow's edge
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
    paper = cv2.GaussianBlur(paper, (0, 0), side / 2)
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    flat = gray.astype(np.float32) / np.maximum(paper, 1.0) * 255.0
    return np.clip(flat, 0, 255).astype(np.uint8)


def photo_scale(gray: np.ndarray) -> float:
    """How much to enlarge a page whose letters are too small for tesseract (1.0 when they are not)."""
    height = letter_height(gray)
    if height <= 0 or height >= MIN_LETTER_HEIGHT:
        return 1.0
    return min(MAX_PHOTO_UPSCALE, TARGET_LETTER_HEIGHT / height)


def flatten_photo(image: np.ndarray) -> FlatPage | None:
    """A phone photo of a sheet (RGB) as a flat, evenly lit grey page with letters of a readable height:
    the sheet found and cut out, its perspective corrected, its colour cast removed, stamps and signatures
    over the text made to vanish, shadows flattened. ``None`` when the image is no photo of a sheet (a scan)."""
    found = locate_sheet(image)
    if found is None:
        return None
    corners = found.corners
    sheet = white_balance(follow_edges(image, found))
    gray = even_light(ink_channel(sheet))
    scale = photo_scale(gray)
    if scale > 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return FlatPage(image=gray, corners=corners, scale=round(scale, 3))
