"""A rendered page as a phone photographs it: on a desk, in perspective, curled, unevenly lit, with a
colour cast, stamped and signed, at a phone's resolution and JPEG quality.

``photograph(page, look, seed, marks)`` takes the clean 300-dpi render of one sheet and returns the photo
and a record of what was done (the page's corners in the photo, the background, the light), which goes
into the truth file's ``meta.photo``: the fields of the document do not change.

Everything is drawn with numpy/OpenCV from a seeded generator, so a seed gives the same bytes.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass

import cv2
import numpy as np
from PIL import Image

from _layout import INK, PEN_BLUE, STAMP_BLUE, Sheet, render_image

STAMP_RED = (190, 40, 50)
BACKGROUNDS = ("wood", "pattern", "dark", "grey", "paper_stack")
CASTS = {  # channel gains (R, G, B): the white balance a phone gets wrong
    "none": (1.0, 1.0, 1.0),
    "warm": (1.06, 0.98, 0.84),  # a tungsten desk lamp
    "cool": (0.90, 0.97, 1.06),  # daylight from a window, shade
    "green": (0.95, 1.04, 0.92),  # fluorescent tubes
}


@dataclass(frozen=True)
class PhotoLook:
    """How one page is photographed. Sizes are of the output image in pixels."""

    long_side: int = 1600  # the photo's long side (960x1280 is a low-resolution phone photo)
    fill: float = 0.85  # share of the photo's height (or width) the page takes
    rotation: float = 0.0  # degrees, positive = counter-clockwise
    tilt: float = 0.06  # perspective: corners move by up to this share of the page size
    curl: float = 0.012  # bow of the paper, share of the page height
    background: str = "wood"
    light: float = 0.25  # depth of the uneven lighting (0 = flat)
    shadow: float = 0.35  # darkness of a soft shadow across part of the page (0 = none)
    cast: str = "none"
    blur: float = 0.8  # defocus, pixels of the output
    noise: float = 3.0  # sensor noise (grey levels)
    quality: int = 70  # JPEG quality
    landscape: bool = False  # the phone held sideways


def random_photo_look(rng: random.Random, *, narrow: bool = False, landscape_page: bool = False) -> PhotoLook:
    """A phone's look: mostly held roughly square to the page, sometimes at an angle, often poorly lit."""
    long_side = rng.choice((1280, 1280, 1600, 1600, 2000))
    if narrow:  # a till strip is photographed close, filling the height
        long_side = rng.choice((1280, 1600))
    return PhotoLook(
        long_side=long_side,
        fill=rng.uniform(0.78, 0.93) if not narrow else rng.uniform(0.8, 0.92),
        rotation=round(rng.uniform(-6, 6) if rng.random() < 0.7 else rng.uniform(-14, 14), 2),
        tilt=round(rng.uniform(0.01, 0.06) if rng.random() < 0.7 else rng.uniform(0.06, 0.11), 3),
        curl=round(rng.uniform(0.0, 0.02) if not narrow else rng.uniform(0.005, 0.025), 4),
        background=rng.choice(BACKGROUNDS),
        light=round(rng.uniform(0.1, 0.4), 3),
        shadow=round(rng.uniform(0.2, 0.5), 3) if rng.random() < 0.5 else 0.0,
        cast=rng.choice(tuple(CASTS)),
        blur=round(rng.uniform(0.3, 1.2), 2),
        noise=round(rng.uniform(1.5, 5.0), 2),
        quality=rng.randrange(55, 86),
        landscape=landscape_page,
    )


# --- stamps and signatures -------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """What a person adds to a printed page before it is photographed or scanned."""

    seal_lines: tuple[str, str, str]  # ring text, centre line 1, centre line 2 (a company's round seal)
    red_word: str | None = None  # a rectangular red stamp such as «ОПЛАЧЕНО», «КОПИЯ ВЕРНА»
    signatures: int = 1


RED_WORDS = ("ОПЛАЧЕНО", "КОПИЯ ВЕРНА", "ПОЛУЧЕНО", "БУХГАЛТЕРИЯ")


def marks_for(fields: dict[str, str], rng: random.Random) -> Marks:
    """A seal with the seller's name and INN (as printed in the truth), sometimes a red stamp."""
    name = fields.get("seller_name", "Общество с ограниченной ответственностью")
    inn = fields.get("seller_inn", "")
    ring = f"{name} * ИНН {inn}" if inn else name
    short = name.split(" ", 1)[-1].strip("«»\"")[:16]
    return Marks((ring, short, rng.choice(("Для документов", "Бухгалтерия", "Отдел продаж"))),
                 rng.choice(RED_WORDS) if rng.random() < 0.4 else None, rng.choice((1, 1, 2)))


def draw_marks(page: Image.Image, marks: Marks, family: str, rng: random.Random) -> tuple[Image.Image, list[dict]]:
    """Seal, red stamp and signatures in translucent ink over the page's text (ink multiplies).

    Returns the marked page and where each mark went (300-dpi page coordinates).
    """
    w, h = page.size
    layer = Sheet(w, h, family)
    placed: list[dict] = []
    boxes = _text_rows(page)
    narrow = w < 1000
    r = rng.uniform(0.16, 0.2) * w if narrow else rng.uniform(190, 250)
    cx, cy = _over_text(boxes, w, h, rng, lower=True)
    seal_color = STAMP_BLUE if rng.random() < 0.8 else STAMP_RED
    ring, c1, c2 = marks.seal_lines
    layer.stamp(cx, cy, r, ring, [c1, c2], rng.randrange(10**9), color=seal_color)
    placed.append({"kind": "seal", "x": round(cx), "y": round(cy), "r": round(r),
                   "color": "blue" if seal_color == STAMP_BLUE else "red"})
    if marks.red_word:
        size = int(r * 0.32)
        bx, by = _over_text(boxes, w, h, rng, lower=False)
        tw = len(marks.red_word) * size * 0.72
        layer.rect(bx - tw / 2 - 24, by - 20, bx + tw / 2 + 24, by + size + 26, width=6, color=STAMP_RED)
        layer.text(bx, by, marks.red_word, size, bold=True, anchor="c", color=STAMP_RED)
        placed.append({"kind": "red_stamp", "x": round(bx), "y": round(by), "text": marks.red_word})
    for _ in range(marks.signatures):
        sx, sy = _over_text(boxes, w, h, rng, lower=True)
        sw = rng.uniform(0.25, 0.4) * w if narrow else rng.uniform(260, 420)
        layer.signature(sx - sw / 2, sy, sw, rng.randrange(10**9), color=PEN_BLUE)
        placed.append({"kind": "signature", "x": round(sx), "y": round(sy)})
    ink = np.asarray(render_image(layer), dtype=np.float32) / 255.0
    # stamp ink is uneven: some of it did not take
    npr = np.random.default_rng(rng.randrange(2**32))
    patchy = cv2.GaussianBlur(npr.random((h // 16 + 1, w // 16 + 1)).astype(np.float32), (0, 0), 1.5)
    patchy = cv2.resize(patchy, (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
    strength = np.clip(0.55 + 0.6 * patchy, 0.0, 1.0)
    ink = 1.0 - (1.0 - ink) * strength
    out = np.asarray(page, dtype=np.float32) / 255.0 * ink
    return Image.fromarray(np.clip(out * 255, 0, 255).astype(np.uint8), "RGB"), placed


def _text_rows(page: Image.Image) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of inked row bands (coarse), to put marks over text rather than in margins."""
    grey = np.asarray(page.convert("L").reduce(4))
    ink = grey < 128
    rows = np.flatnonzero(ink.any(axis=1))
    boxes = []
    for y in rows[:: max(1, len(rows) // 40)]:
        xs = np.flatnonzero(ink[y])
        boxes.append((int(xs[0]) * 4, int(y) * 4, int(xs[-1]) * 4, int(y) * 4 + 4))
    return boxes


def _over_text(boxes: list[tuple[int, int, int, int]], w: int, h: int, rng: random.Random,
               lower: bool) -> tuple[float, float]:
    candidates = [b for b in boxes if (b[1] > h * 0.45) == lower] or boxes
    if not candidates:
        return w / 2, h * (0.75 if lower else 0.3)
    x0, y0, x1, _ = rng.choice(candidates)
    return rng.uniform(x0, max(x0 + 1, x1)), float(y0)


# --- the photograph --------------------------------------------------------------------------


def photograph(page: Image.Image, look: PhotoLook, seed: int) -> tuple[Image.Image, dict]:
    """Photograph a 300-dpi RGB page; returns the RGB photo and ``meta.photo`` (corners TL, TR, BR, BL)."""
    npr = np.random.default_rng(seed)
    out_w, out_h = _photo_size(look)
    # the page at about the scale it will have in the photo (the warps then only resample a little)
    fit = look.fill * min(out_w / page.width, out_h / page.height)
    work = min(1.0, fit * 1.15)
    src = page.resize((max(1, round(page.width * work)), max(1, round(page.height * work))), Image.Resampling.LANCZOS)
    paper = np.asarray(src, dtype=np.float32) / 255.0
    tone = npr.uniform(0.90, 0.98)
    paper = paper * tone * np.array([1.0, npr.uniform(0.985, 1.0), npr.uniform(0.95, 1.0)], np.float32)
    paper, alpha = _curl(paper, look.curl, npr)
    ph, pw = paper.shape[:2]

    corners = _corners(pw, ph, out_w, out_h, look, npr)
    matrix = cv2.getPerspectiveTransform(np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32), corners)
    warped = cv2.warpPerspective(paper, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(alpha, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=0)[..., None]
    scene = _background(look.background, out_w, out_h, npr)
    # the sheet casts a thin shadow on the desk
    drop = cv2.GaussianBlur(mask[..., 0], (0, 0), max(2.0, out_w / 300))[..., None]
    shift = np.array([[1, 0, out_w / 250], [0, 1, out_w / 200]], np.float32)
    drop = cv2.warpAffine(drop, shift, (out_w, out_h))[..., None]
    scene = scene * (1.0 - 0.35 * drop)
    scene = warped * mask + scene * (1.0 - mask)

    scene = scene * _lighting(out_w, out_h, look, npr)[..., None]
    scene = scene * np.array(CASTS[look.cast], np.float32)
    img = np.clip(scene * 255, 0, 255).astype(np.uint8)
    if look.blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), look.blur)
    noisy = img.astype(np.float32) + npr.normal(0, look.noise, img.shape).astype(np.float32)
    img = np.clip(noisy, 0, 255).astype(np.uint8)
    info = {**asdict(look), "size": [out_w, out_h],
            "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in corners],
            "page_scale": round(float(np.linalg.norm(corners[1] - corners[0]) / page.width), 4)}
    return Image.fromarray(img, "RGB"), info


def _photo_size(look: PhotoLook) -> tuple[int, int]:
    short = look.long_side * 3 // 4
    return (look.long_side, short) if look.landscape else (short, look.long_side)


def _curl(paper: np.ndarray, curl: float, npr: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Bow the sheet: rows bend (a barrel across the width) and one edge lifts; returns image and mask."""
    h, w = paper.shape[:2]
    alpha: np.ndarray = np.ones((h, w), np.float32)
    if curl <= 0:
        return paper, alpha
    pad = math.ceil(curl * h * 1.5) + 2
    paper = cv2.copyMakeBorder(paper, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    alpha = cv2.copyMakeBorder(alpha, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    H, W = paper.shape[:2]
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    u = (xs - pad) / w  # 0..1 across the sheet
    v = (ys - pad) / h
    bow = curl * h * np.sin(np.pi * np.clip(u, 0, 1)) * (2 * v - 1) * npr.choice((-1.0, 1.0))
    side = npr.choice((0, 1))  # one edge lifts towards the camera and looks shorter and bent
    edge = np.clip((u - 0.8) / 0.2, 0, 1) if side else np.clip((0.2 - u) / 0.2, 0, 1)
    lift = curl * h * 1.2 * edge ** 2 * (v - 0.5)
    map_y = (ys - bow - lift).astype(np.float32)
    map_x = (xs + (edge ** 2) * curl * w * (1 if side else -1) * 0.6).astype(np.float32)
    paper = cv2.remap(paper, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    alpha = cv2.remap(alpha, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    # the bent part catches the light differently
    shade = 1.0 - 0.12 * cv2.remap(edge.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR)
    return paper * shade[..., None], alpha


def _corners(pw: int, ph: int, out_w: int, out_h: int, look: PhotoLook, npr: np.random.Generator) -> np.ndarray:
    """Where the sheet's corners land: fitted, rotated, offset a little and pulled in perspective."""
    k = look.fill * min(out_w / pw, out_h / ph)
    w, h = pw * k, ph * k
    a = math.radians(-look.rotation)
    cos, sin = math.cos(a), math.sin(a)
    # shrink so that the rotated sheet still fits the frame
    bw, bh = abs(w * cos) + abs(h * sin), abs(w * sin) + abs(h * cos)
    shrink = min(1.0, out_w * 0.97 / bw, out_h * 0.97 / bh)
    w, h = w * shrink, h * shrink
    free_x = max(0.0, out_w - (abs(w * cos) + abs(h * sin))) / 2
    free_y = max(0.0, out_h - (abs(w * sin) + abs(h * cos))) / 2
    cx = out_w / 2 + npr.uniform(-0.6, 0.6) * free_x
    cy = out_h / 2 + npr.uniform(-0.6, 0.6) * free_y
    pts = []
    for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        pts.append([cx + x * cos - y * sin, cy + x * sin + y * cos])
    corners = np.array(pts, np.float32)
    # perspective: the far edge is shorter (phone tilted towards one side), plus a small jitter per corner
    far = int(npr.integers(0, 4))
    pull = look.tilt * min(w, h)
    i, j = far, (far + 1) % 4
    mid = (corners[i] + corners[j]) / 2
    corners[i] += (mid - corners[i]) / max(1e-6, float(np.linalg.norm(mid - corners[i]))) * pull
    corners[j] += (mid - corners[j]) / max(1e-6, float(np.linalg.norm(mid - corners[j]))) * pull
    corners += npr.uniform(-0.3, 0.3, corners.shape).astype(np.float32) * pull
    corners[:, 0] = np.clip(corners[:, 0], 2, out_w - 3)
    corners[:, 1] = np.clip(corners[:, 1], 2, out_h - 3)
    return corners


def _background(kind: str, w: int, h: int, npr: np.random.Generator) -> np.ndarray:
    """A desk: wood grain, a patterned tablecloth or laminate, a dark cloth, grey plastic, other papers."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array(npr.choice([[0.55, 0.38, 0.22], [0.68, 0.52, 0.34], [0.40, 0.27, 0.17]]), np.float32)
        grain = cv2.resize(npr.random((h // 2 + 1, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        streak = 0.5 + 0.5 * np.sin(ys / npr.uniform(6, 14) + 6 * grain)
        tone = 0.82 + 0.2 * streak + 0.1 * grain
        return base * tone[..., None]
    if kind == "pattern":
        period = npr.uniform(w / 18, w / 7)
        c1 = npr.uniform(0.15, 0.9, 3).astype(np.float32)
        c2 = npr.uniform(0.15, 0.9, 3).astype(np.float32)
        style = int(npr.integers(0, 3))
        if style == 0:  # checks
            sel = ((xs // period + ys // period) % 2).astype(np.float32)
        elif style == 1:  # diagonal stripes
            sel = (((xs + ys) // (period / 2)) % 2).astype(np.float32)
        else:  # dots
            d = np.hypot((xs % period) - period / 2, (ys % period) - period / 2)
            sel = (d < period * 0.3).astype(np.float32)
        sel = cv2.GaussianBlur(sel, (0, 0), 1.2)[..., None]
        return c1 * sel + c2 * (1 - sel)
    if kind == "dark":
        cloth = cv2.GaussianBlur(npr.random((h, w)).astype(np.float32), (0, 0), 1.0)
        return np.array([0.12, 0.12, 0.14], np.float32) * (0.8 + 0.4 * cloth)[..., None]
    if kind == "grey":
        return np.full((h, w, 3), npr.uniform(0.55, 0.72), np.float32) * (1 + 0.03 * npr.standard_normal((h, w, 1))
                                                                         .astype(np.float32))
    # other papers under this one: light sheets with faint print, low contrast against the page
    scene = np.full((h, w, 3), 0.78, np.float32)
    for _ in range(3):
        x0, y0 = int(npr.uniform(-0.3, 0.7) * w), int(npr.uniform(-0.3, 0.7) * h)
        x1, y1 = x0 + int(npr.uniform(0.4, 0.9) * w), y0 + int(npr.uniform(0.4, 0.9) * h)
        cv2.rectangle(scene, (x0, y0), (x1, y1), tuple(float(v) for v in npr.uniform(0.8, 0.9, 3)), -1)
        for ty in range(y0 + 30, y1, 28):
            cv2.line(scene, (x0 + 20, ty), (x1 - 20, ty), (0.6, 0.6, 0.62), 2)
    return scene


def _lighting(w: int, h: int, look: PhotoLook, npr: np.random.Generator) -> np.ndarray:
    """A multiplicative light field: a lamp to one side, vignetting, and maybe a soft shadow (hand, phone)."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    lx, ly = npr.uniform(-0.3, 1.3) * w, npr.uniform(-0.3, 1.3) * h
    dist = np.hypot(xs - lx, ys - ly) / math.hypot(w, h)
    field: np.ndarray = 1.0 - look.light * np.clip(dist, 0, 1.2)
    vignette = 1.0 - 0.12 * (((xs / w - 0.5) ** 2 + (ys / h - 0.5) ** 2) * 2)
    field = field * vignette
    if look.shadow > 0:
        shadow: np.ndarray = np.zeros((h, w), np.float32)
        # a blob entering from one edge: the photographer's hand or the phone itself
        side = int(npr.integers(0, 4))
        cx = {0: 0.0, 1: w, 2: npr.uniform(0.2, 0.8) * w, 3: npr.uniform(0.2, 0.8) * w}[side]
        cy = {0: npr.uniform(0.2, 0.8) * h, 1: npr.uniform(0.2, 0.8) * h, 2: 0.0, 3: h}[side]
        axes = (int(npr.uniform(0.25, 0.5) * w), int(npr.uniform(0.2, 0.45) * h))
        cv2.ellipse(shadow, (int(cx), int(cy)), axes, float(npr.uniform(0, 180)), 0, 360, 1.0, -1)
        shadow = cv2.GaussianBlur(shadow, (0, 0), w / 25)
        field = field * (1.0 - look.shadow * shadow)
    field = field / max(float(field.max()), 1e-6) * npr.uniform(0.95, 1.05)
    return field.astype(np.float32)


def photograph_sheet(sheet: Sheet, fields: dict[str, str], rng: random.Random,
                     look: PhotoLook | None = None, marked: bool | None = None) -> tuple[Image.Image, dict]:
    """Render a sheet, stamp and sign it, photograph it. ``marked`` defaults to A4 pages only: nobody
    stamps a till strip, and a seal over a receipt's QR would make it unreadable."""
    page = render_image(sheet)
    placed: list[dict] = []
    narrow = sheet.width < 1000
    if marked is None:
        marked = not narrow
    if marked:
        page, placed = draw_marks(page, marks_for(fields, rng), sheet.family, rng)
    look = look or random_photo_look(rng, narrow=narrow, landscape_page=sheet.width > sheet.height)
    photo, info = photograph(page, look, rng.randrange(2**32))
    info["marks"] = placed
    return photo, info


__all__ = ["BACKGROUNDS", "INK", "Marks", "PhotoLook", "draw_marks", "marks_for", "photograph",
           "photograph_sheet", "random_photo_look"]
