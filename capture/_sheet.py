"""The photographed sheet's four edges found as straight lines of brightness steps (OpenCV's line segment
detector), for photos where the sheet lies on other papers or a cluttered desk and a colour segmentation
takes some of the papers under it for sheet.

A sheet's edge is a step: paper on its inside, something darker (the desk, the paper under it, the sheet's
own drop shadow) on its outside, along its whole length. A ruling line, a text line's row of letters or the
faint print of the papers under the sheet are thin dark lines with paper on both sides, and the edge of a
paper under the sheet is hidden where the sheet lies over it; so among quadrilaterals made of the photo's
long straight lines, the sheet is the one whose four sides are steps, inside brighter, along most of their
length (:func:`edge_support`). Everything is measured on a copy ANALYSIS_SIDE pixels long.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import cv2
import numpy as np

ANALYSIS_SIDE = 480
MIN_SEGMENT = 0.04  # a line segment shorter than this share of the copy's short side is not looked at
MERGE_ANGLE = np.deg2rad(3.0)  # segments this close in direction and...
MERGE_OFFSET = 4.0  # ...this many pixels apart across are one line
# Pixels either side of an edge where the paper and the outside are looked at: the outside as far as past a
# row of letters (3-5 pixels high on the copy), so that the paper above a line of print is no edge.
INSIDE_OFFSETS = (2.0, 5.0)
OUTSIDE_OFFSETS = (2.0, 5.0, 9.0)
MIN_STEP = 6.0  # grey levels the inside of an edge must be brighter than all its outside at a point
NEAR_BEST = 0.05  # of the quadrilaterals supported within this of the best, the largest is the sheet
LINES_PER_FAMILY = 14  # the lines with the longest stepped length, of each of the two directions
MIN_SIDE_SHARE = 0.15  # opposite sides at least this share of the copy's size apart
MIN_CORNER_ANGLE, MAX_CORNER_ANGLE = 50.0, 130.0  # a photographed rectangle's corners, in degrees
SIDE_SAMPLES = 32
# The straight edges replace GrabCut's outline when their support is this much better (share of the sides'
# length); on the tuning photos GrabCut's outline of a sheet on a plain desk scores 0.6-1.0 and the lines
# near the same edges score as well, while on papers under the sheet it strays where the lines do not.
BETTER_SUPPORT = 0.1
# ...and only when every side of theirs is a step along EDGE_SIDE of its length (EDGE_MEAN on average)
# while a side of GrabCut's is one along less than STRAYED_SIDE: on the tuning photos (seeds 4099, 5003,
# 6101, 6102, samples/photos) a looser rule let the shading of a curled sheet's lifted part or a table's
# frame win over a right outline as often as it put a strayed one right.
EDGE_SIDE = 0.5
EDGE_MEAN = 0.75
STRAYED_SIDE = 0.15
MAX_GROWTH = 1.02  # straight edges round more than this times GrabCut's quadrilateral's area change nothing
MIN_AREA_SHARE, MAX_AREA_SHARE = 0.15, 0.9
# With a segmentation's region: of the REGION_CANDIDATES best supported quadrilaterals, those covering
# REGION_COVERED of the region and lying QUAD_INSIDE in it (a region spilling onto the papers under the
# sheet covers it and more), measured on a REGION_GRID x REGION_GRID grid of points.
REGION_CANDIDATES = 300
REGION_COVERED = 0.7
QUAD_INSIDE = 0.85
REGION_GRID = 32
CHROMA_WEIGHT = 2000.0  # grey levels per unit of chromaticity distance (a light paper of another tint: 0.02-0.05)


@dataclass(frozen=True)
class Quad:
    """Four corners (photo pixels, clockwise from top-left) and how well the photo's steps support each side."""

    corners: np.ndarray  # float32 4x2
    sides: tuple[float, float, float, float]  # share of each side (top, right, bottom, left) that is a step
    # the same share over each side's first and last third (from its start, clockwise): where it stops being one
    ends: tuple[tuple[float, float], ...] = ()

    @property
    def support(self) -> float:
        """The sides' mean support plus the weakest side's: a quadrilateral with a side that is no edge is
        no sheet, however well its other sides fit."""
        return float(np.mean(self.sides) + np.min(self.sides))


def analysis_copy(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The photo as a lightly blurred grey float copy ANALYSIS_SIDE long, and its scale to the photo. On a
    colour photo a pixel is darkened by how far its colour (brightness aside) is from the paper's in the
    middle of the photo, CHROMA_WEIGHT grey levels per unit: a paper under the sheet as light as it but of
    another tint then differs from it as a darker one would."""
    factor = min(1.0, ANALYSIS_SIDE / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1.0 else image
    if small.ndim == 2:
        gray = small.astype(np.float32)
    else:
        rgb = small.astype(np.float32)
        gray = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        chroma = rgb / np.maximum(rgb.sum(axis=2, keepdims=True), 1.0)
        height, width = gray.shape
        middle = (slice(height // 4, height - height // 4), slice(width // 4, width - width // 4))
        bright = gray[middle] >= np.percentile(gray[middle], 70)
        paper = np.median(chroma[middle][bright], axis=0)
        gray = gray - CHROMA_WEIGHT * np.linalg.norm(chroma - paper, axis=2)
    return cv2.GaussianBlur(gray, (0, 0), 0.8), factor


def edge_support(small: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """For quadrilaterals (N x 4 x 2, the copy's pixels, clockwise in image coordinates), the share of
    each side's length where the inside is MIN_STEP brighter than the outside: N x 4."""
    return np.asarray(_steps(small, corners).mean(axis=2))


def _end_support(small: np.ndarray, corners: np.ndarray) -> tuple[tuple[float, float], ...]:
    """For one quadrilateral, the share of each side's first and last third that is a step."""
    steps = _steps(small, corners)[0]
    third = max(1, steps.shape[1] // 3)
    return tuple((float(side[:third].mean()), float(side[-third:].mean())) for side in steps)


def bows(quad: Quad) -> bool:
    """True when a side of ``quad`` stops being a step towards a corner where the side it meets there still is
    one: a straight line laid along a bowed (curled) edge leaves it towards the corners, while a straight edge
    meeting a paper under it as light as the sheet loses its step at a corner on both sides at once."""
    if not quad.ends:
        return False
    for k in range(4):
        before, after = quad.ends[k - 1][1], quad.ends[k][0]  # the two sides' thirds at corner k
        if (before >= EDGE_SIDE) != (after >= EDGE_SIDE):
            return True
    return False


def _steps(small: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """N x 4 x SIDE_SAMPLES: where along each side the inside is MIN_STEP brighter than the outside."""
    quads = np.asarray(corners, np.float32).reshape(-1, 4, 2)
    start = quads
    end = np.roll(quads, -1, axis=1)
    t = np.linspace(0.06, 0.94, SIDE_SAMPLES, dtype=np.float32)[None, None, :, None]
    points = start[:, :, None, :] + (end - start)[:, :, None, :] * t  # N x 4 x S x 2
    direction = end - start
    length = np.maximum(np.linalg.norm(direction, axis=2, keepdims=True), 1e-6)
    # clockwise on screen (y down): the outside of a side is to the left of its direction
    outward = np.stack([direction[..., 1], -direction[..., 0]], axis=2) / length
    normal = outward[:, :, None, :]
    inside = np.min([_sample(small, points - normal * d) for d in INSIDE_OFFSETS], axis=0)
    outside = np.max([_sample(small, points + normal * d) for d in OUTSIDE_OFFSETS], axis=0)
    return np.asarray(inside - outside >= MIN_STEP)


def _sample(small: np.ndarray, points: np.ndarray) -> np.ndarray:
    flat = np.ascontiguousarray(points, np.float32).reshape(-1, 2)
    count = len(flat)
    width = 1024  # remap's maps are images: at most 32767 rows
    padded = np.zeros((-(-count // width) * width, 2), np.float32)
    padded[:count] = flat
    grid = padded.reshape(-1, width, 2)
    values = cv2.remap(small, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(values).reshape(-1)[:count].reshape(points.shape[:-1])


def find_quad(image: np.ndarray, angle: float = 0.0, region: np.ndarray | None = None) -> Quad | None:
    """The quadrilateral of the photo's straight lines whose sides are best supported as a sheet's edges
    (``None`` when no four lines make one). ``angle`` (degrees) is the sheet's rough turn, when known, so
    that its top and bottom edges are told from its sides; ``region`` (a 0/1 mask of the photo at any
    scale) where a segmentation saw the sheet: the quadrilateral then covers most of it and lies mostly in
    it (REGION_COVERED, QUAD_INSIDE), which keeps a table's frame or a receipt's dashed rule inside the sheet
    from making a smaller one."""
    small, factor = analysis_copy(image)
    lines = _lines(small)
    if len(lines) < 4:
        return None
    height, width = small.shape
    across, down = _families(lines, np.deg2rad(angle))
    across = _strongest(small, across)
    down = _strongest(small, down)
    if len(across) < 2 or len(down) < 2:
        return None
    centre = np.array([width / 2, height / 2])
    # order each family by where its lines cross the middle of the copy: top before bottom, left before right
    across = across[np.argsort([_offset_at(line, centre, vertical=False) for line in across])]
    down = down[np.argsort([_offset_at(line, centre, vertical=True) for line in down])]
    pairs_a = [(i, j) for i, j in combinations(range(len(across)), 2)]
    pairs_d = [(i, j) for i, j in combinations(range(len(down)), 2)]
    quads = []
    for top, bottom in pairs_a:
        for left, right in pairs_d:
            quads.append((across[top], down[right], across[bottom], down[left]))
    if not quads:
        return None
    sides = np.array(quads)  # N x 4 x 3 (a, b, c of ax + by = c)
    corners = _intersections(sides, np.roll(sides, 1, axis=1))  # corner k between side k-1 and side k
    ok = _plausible(corners, width, height)
    if not ok.any():
        return None
    corners = corners[ok]
    support = edge_support(small, corners)
    score = support.mean(axis=1) + support.min(axis=1)
    if region is not None:
        fits = _fits_region(corners, region, (width, height), np.argsort(-score)[:REGION_CANDIDATES])
        if not fits.any():
            return None
        corners, support, score = corners[fits], support[fits], score[fits]
    area = np.abs(_area(corners))
    best = int(np.argmax(np.where(score >= score.max() - NEAR_BEST, area, -1.0)))
    return Quad((corners[best] / factor).astype(np.float32), tuple(float(v) for v in support[best]),  # type: ignore[arg-type]
                _end_support(small, corners[best]))


def stands_out(quad: Quad, shape: tuple[int, ...]) -> bool:
    """True when ``quad`` is a sheet with no other sign of a background (papers as light as it all round):
    every side an edge (EDGE_SIDE, EDGE_MEAN) and its area between MIN_AREA_SHARE and MAX_AREA_SHARE of
    the photo's."""
    share = abs(float(_area(quad.corners))) / float(shape[0] * shape[1])
    return (min(quad.sides) >= EDGE_SIDE and float(np.mean(quad.sides)) >= EDGE_MEAN
            and MIN_AREA_SHARE <= share <= MAX_AREA_SHARE)


def replaces(lined: Quad, drawn: Quad) -> bool:
    """True when the straight edges' quadrilateral ``lined`` is to be taken for the sheet instead of the
    segmentation's ``drawn``: every side of it is an edge (EDGE_SIDE, EDGE_MEAN) while a side
    of ``drawn`` is none (under STRAYED_SIDE) and its support is BETTER_SUPPORT lower."""
    return (min(lined.sides) >= EDGE_SIDE and float(np.mean(lined.sides)) >= EDGE_MEAN
            and min(drawn.sides) < STRAYED_SIDE and lined.support >= drawn.support + BETTER_SUPPORT)


def quad_support(image: np.ndarray, corners: np.ndarray) -> Quad:
    """How well the photo's steps support ``corners`` (photo pixels, clockwise from top-left) as a sheet's edges."""
    small, factor = analysis_copy(image)
    scaled = np.asarray(corners, np.float32) * factor
    support = edge_support(small, scaled)[0]
    return Quad(np.asarray(corners, np.float32), tuple(float(v) for v in support),  # type: ignore[arg-type]
                _end_support(small, scaled))


def _lines(small: np.ndarray) -> np.ndarray:
    """The copy's long straight lines as (a, b, c) with ax + by = c, (a, b) a unit normal; merged from segments."""
    detector = cv2.createLineSegmentDetector()
    found = detector.detect(np.clip(small, 0, 255).astype(np.uint8))[0]
    if found is None:
        return np.zeros((0, 3))
    segments = found.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    keep = lengths >= MIN_SEGMENT * min(small.shape)
    segments, lengths = segments[keep], lengths[keep]
    order = np.argsort(-lengths)
    normals: list[float] = []  # angle of the unit normal, in [0, pi)
    offsets: list[float] = []
    weights: list[float] = []
    for k in order:
        x0, y0, x1, y1 = segments[k]
        phi = float(np.arctan2(x1 - x0, -(y1 - y0)) % np.pi)  # normal (−dy, dx) turned into [0, pi)
        rho = x0 * np.cos(phi) + y0 * np.sin(phi)
        for n in range(len(normals)):
            diff = abs(phi - normals[n])
            flipped = diff > np.pi / 2
            if min(diff, np.pi - diff) < MERGE_ANGLE:
                other = -offsets[n] if flipped else offsets[n]
                if abs(rho - other) < MERGE_OFFSET:
                    weights[n] += float(lengths[k])
                    break
        else:
            normals.append(phi)
            offsets.append(float(rho))
            weights.append(float(lengths[k]))
    phis = np.array(normals)
    return np.stack([np.cos(phis), np.sin(phis), np.array(offsets)], axis=1)


def _families(lines: np.ndarray, turn: float) -> tuple[np.ndarray, np.ndarray]:
    """Lines running across the (turned) sheet, and lines running down it."""
    # a line across has its normal near vertical: the normal's angle from the turned vertical under 45 degrees
    phi = np.arctan2(lines[:, 1], lines[:, 0]) - turn
    vertical_normal = np.abs(np.sin(phi)) >= np.sqrt(0.5)
    return lines[vertical_normal], lines[~vertical_normal]


def _strongest(small: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """The LINES_PER_FAMILY lines with the longest stretch of brightness step (either way) along them."""
    if len(lines) <= 2:
        return lines
    height, width = small.shape
    reach = float(np.hypot(width, height))
    t = np.arange(-reach, reach, 3.0, dtype=np.float32)
    normal = lines[:, :2].astype(np.float32)
    foot = normal * lines[:, 2:3].astype(np.float32)
    along = np.stack([-normal[:, 1], normal[:, 0]], axis=1)
    points = foot[:, None, :] + along[:, None, :] * t[None, :, None]  # L x T x 2
    inside_image = ((points[..., 0] >= 1) & (points[..., 0] < width - 1)
                    & (points[..., 1] >= 1) & (points[..., 1] < height - 1))
    n = normal[:, None, :]
    # a step as edge_support sees one, either way: one side paper near the line, the other darker far out
    plus = [_sample(small, points + n * d) for d in OUTSIDE_OFFSETS]
    minus = [_sample(small, points - n * d) for d in OUTSIDE_OFFSETS]
    near = len(INSIDE_OFFSETS)
    up = np.min(plus[:near], axis=0) - np.max(minus, axis=0) >= MIN_STEP
    down = np.min(minus[:near], axis=0) - np.max(plus, axis=0) >= MIN_STEP
    stepped = np.maximum((up & inside_image).sum(axis=1), (down & inside_image).sum(axis=1))
    return lines[np.argsort(-stepped)[:LINES_PER_FAMILY]]


def _offset_at(line: np.ndarray, centre: np.ndarray, *, vertical: bool) -> float:
    a, b, c = line
    if vertical:  # x where the line crosses the middle row
        return float((c - b * centre[1]) / a) if abs(a) > 1e-9 else float("inf")
    return float((c - a * centre[0]) / b) if abs(b) > 1e-9 else float("inf")


def _intersections(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    a1, b1, c1 = first[..., 0], first[..., 1], first[..., 2]
    a2, b2, c2 = second[..., 0], second[..., 1], second[..., 2]
    det = a1 * b2 - a2 * b1
    det = np.where(np.abs(det) < 1e-9, 1e-9, det)
    return np.stack([(c1 * b2 - c2 * b1) / det, (a1 * c2 - a2 * c1) / det], axis=-1).astype(np.float32)


def _fits_region(corners: np.ndarray, region: np.ndarray, size: tuple[int, int], candidates: np.ndarray) -> np.ndarray:
    """Which quadrilaterals (the copy's pixels; only those at ``candidates`` are looked at) cover
    REGION_COVERED of ``region`` and lie QUAD_INSIDE in it, measured on a grid of REGION_GRID points."""
    width, height = size
    xs, ys = np.meshgrid((np.arange(REGION_GRID) + 0.5) / REGION_GRID, (np.arange(REGION_GRID) + 0.5) / REGION_GRID)
    grid = np.stack([xs.ravel() * width, ys.ravel() * height], axis=1).astype(np.float32)  # P x 2
    rh, rw = region.shape[:2]
    marked = region[(grid[:, 1] / height * rh).astype(int).clip(0, rh - 1),
                    (grid[:, 0] / width * rw).astype(int).clip(0, rw - 1)] > 0
    quads = corners[candidates]  # C x 4 x 2
    edge = np.roll(quads, -1, axis=1) - quads
    rel = grid[None, None, :, :] - quads[:, :, None, :]  # C x 4 x P x 2
    cross = edge[:, :, None, 0] * rel[..., 1] - edge[:, :, None, 1] * rel[..., 0]
    inside = (cross >= 0).all(axis=1) | (cross <= 0).all(axis=1)  # C x P
    covered = (inside & marked).sum(axis=1) / max(1, int(marked.sum()))
    within = (inside & marked).sum(axis=1) / np.maximum(1, inside.sum(axis=1))
    fits = np.zeros(len(corners), bool)
    fits[candidates] = (covered >= REGION_COVERED) & (within >= QUAD_INSIDE)
    return fits


def _area(corners: np.ndarray) -> np.ndarray:
    x, y = corners[..., 0], corners[..., 1]
    return np.asarray(0.5 * ((x * np.roll(y, -1, axis=-1)).sum(axis=-1) - (np.roll(x, -1, axis=-1) * y).sum(axis=-1)))


def _plausible(corners: np.ndarray, width: int, height: int) -> np.ndarray:
    """Quadrilaterals (N x 4 x 2, corner k between side k-1 and k) that could be a photographed sheet."""
    margin = 0.03 * max(width, height)
    within = ((corners[..., 0] >= -margin) & (corners[..., 0] <= width + margin)
              & (corners[..., 1] >= -margin) & (corners[..., 1] <= height + margin)).all(axis=1)
    before = np.roll(corners, 1, axis=1) - corners
    after = np.roll(corners, -1, axis=1) - corners
    cos = (before * after).sum(axis=2) / np.maximum(
        np.linalg.norm(before, axis=2) * np.linalg.norm(after, axis=2), 1e-6)
    angles = np.degrees(np.arccos(np.clip(cos, -1, 1)))
    square = ((angles >= MIN_CORNER_ANGLE) & (angles <= MAX_CORNER_ANGLE)).all(axis=1)
    cross = before[..., 0] * after[..., 1] - before[..., 1] * after[..., 0]
    convex = (cross < 0).all(axis=1) | (cross > 0).all(axis=1)
    sides = np.linalg.norm(after, axis=2)
    size = MIN_SIDE_SHARE * min(width, height)
    big = (sides >= size).all(axis=1)
    return np.asarray(within & square & convex & big)
