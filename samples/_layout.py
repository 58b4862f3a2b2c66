"""Page layout as a list of drawing operations, rendered either to a Pillow image or to a
born-digital PDF page (reportlab), plus the scanner artefacts applied to raster pages.

Coordinates are pixels at 300 dpi (A4 portrait is 2480 x 3508); text ``y`` is the top of the line.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 300
A4 = (2480, 3508)
A4_LANDSCAPE = (3508, 2480)

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_LIBERATION = "/usr/share/fonts/truetype/liberation/"

# family → (regular, bold)
FONTS: dict[str, tuple[str, str]] = {
    "DejaVuSans": (_DEJAVU + "DejaVuSans.ttf", _DEJAVU + "DejaVuSans-Bold.ttf"),
    "DejaVuSansCondensed": (_DEJAVU + "DejaVuSansCondensed.ttf", _DEJAVU + "DejaVuSansCondensed-Bold.ttf"),
    "DejaVuSerif": (_DEJAVU + "DejaVuSerif.ttf", _DEJAVU + "DejaVuSerif-Bold.ttf"),
    "DejaVuSansMono": (_DEJAVU + "DejaVuSansMono.ttf", _DEJAVU + "DejaVuSansMono-Bold.ttf"),
    "LiberationSans": (_LIBERATION + "LiberationSans-Regular.ttf", _LIBERATION + "LiberationSans-Bold.ttf"),
    "LiberationSansNarrow": (_LIBERATION + "LiberationSansNarrow-Regular.ttf",
                             _LIBERATION + "LiberationSansNarrow-Bold.ttf"),
    "LiberationSerif": (_LIBERATION + "LiberationSerif-Regular.ttf", _LIBERATION + "LiberationSerif-Bold.ttf"),
    "LiberationMono": (_LIBERATION + "LiberationMono-Regular.ttf", _LIBERATION + "LiberationMono-Bold.ttf"),
}
PAGE_FAMILIES = ("DejaVuSans", "DejaVuSansCondensed", "DejaVuSerif", "LiberationSans", "LiberationSerif",
                 "LiberationSansNarrow")
MONO_FAMILIES = ("DejaVuSansMono", "LiberationMono")

INK = (20, 20, 24)
STAMP_BLUE = (40, 60, 170)
PEN_BLUE = (25, 35, 120)


@lru_cache(maxsize=256)
def font(family: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS[family][int(bold)], size)


def text_width(family: str, size: int, text: str, bold: bool = False) -> float:
    return font(family, size, bold).getlength(text)


@dataclass
class Sheet:
    """One page: its size in 300-dpi pixels, a default font family, and what to draw."""

    width: int
    height: int
    family: str
    ops: list[tuple] = field(default_factory=list)

    # -- primitives --
    def text(self, x: float, y: float, s: str, size: int = 38, *, bold: bool = False, anchor: str = "l",
             family: str | None = None, color: tuple[int, int, int] = INK) -> None:
        """Draw one line; anchor l/r/c refers to x."""
        fam = family or self.family
        w = text_width(fam, size, s, bold)
        x0 = {"l": x, "r": x - w, "c": x - w / 2}[anchor]
        self.ops.append(("text", x0, y, s, size, bold, fam, color, w))

    def line(self, x0: float, y0: float, x1: float, y1: float, width: int = 3,
             color: tuple[int, int, int] = INK) -> None:
        self.ops.append(("line", x0, y0, x1, y1, width, color))

    def rect(self, x0: float, y0: float, x1: float, y1: float, width: int = 3,
             color: tuple[int, int, int] = INK) -> None:
        for a in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
            self.line(*a, width=width, color=color)

    def polyline(self, points: list[tuple[float, float]], width: int, color: tuple[int, int, int]) -> None:
        self.ops.append(("poly", tuple(points), width, color))

    def circle(self, cx: float, cy: float, r: float, width: int, color: tuple[int, int, int]) -> None:
        self.ops.append(("circle", cx, cy, r, width, color))

    def blocks(self, x: float, y: float, size: int, count: int, cell: int, seed: int) -> None:
        """A QR-like square of dark cells (a printed fiscal QR code)."""
        rng = random.Random(seed)
        cells = [(i, j) for i in range(count) for j in range(count)
                 if rng.random() < 0.5 or (i < 7 and j < 7) or (i < 7 and j >= count - 7) or (i >= count - 7 and j < 7)]
        self.ops.append(("cells", x, y, cell, tuple(cells)))

    def qr(self, cx: float, y: float, text: str, cell: int) -> int:
        """A real QR code of ``text`` (zxing-cpp encodes it) centred on ``cx``, drawn as dark cells;
        returns its side in pixels."""
        import zxingcpp

        matrix = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
                            .to_image(scale=1, add_quiet_zones=False))
        x = cx - matrix.shape[1] * cell / 2
        cells = tuple((int(i), int(j)) for i, j in zip(*np.nonzero(matrix < 128), strict=True))
        self.ops.append(("cells", x, y, cell, cells))
        return matrix.shape[0] * cell

    # -- composites --
    def line_height(self, size: int) -> int:
        return int(size * 1.35)

    def wrap(self, s: str, width: float, size: int, bold: bool = False, family: str | None = None) -> list[str]:
        fam = family or self.family
        lines: list[str] = []
        for para in s.split("\n"):
            current = ""
            for word in para.split(" "):
                trial = f"{current} {word}".strip()
                if current and text_width(fam, size, trial, bold) > width:
                    lines.append(current)
                    current = word
                else:
                    current = trial
            lines.append(current)
        return lines

    def paragraph(self, x: float, y: float, width: float, s: str, size: int = 38, *, bold: bool = False,
                  indent: float = 0) -> float:
        """Wrapped text; returns the y below it."""
        for i, line in enumerate(self.wrap(s, width - indent, size, bold)):
            self.text(x + (indent if i == 0 else 0), y, line, size, bold=bold)
            y += self.line_height(size)
        return y

    def table(self, x: float, y: float, widths: list[float], rows: list[list[str]], size: int = 34, *,
              header_rows: int = 1, aligns: str = "", ruled: bool = True, bold_rows: tuple[int, ...] = (),
              pad: int = 12, max_y: float | None = None) -> tuple[float, int]:
        """A table whose cells wrap; stops before a body row that would pass ``max_y``.

        Returns the y below it and how many rows (header included) were drawn.
        """
        aligns = aligns or "l" * len(widths)
        lh = self.line_height(size)
        edges = [x]
        for w in widths:
            edges.append(edges[-1] + w)
        top = y
        row_edges = [y]
        drawn = 0
        for r, row in enumerate(rows):
            bold = r < header_rows or r in bold_rows
            wrapped = [self.wrap(cell, widths[c] - 2 * pad, size, bold) for c, cell in enumerate(row)]
            height = max(len(w) for w in wrapped) * lh + 2 * pad
            if max_y is not None and r >= header_rows and y + height > max_y:
                break
            for c, lines in enumerate(wrapped):
                align = "c" if r < header_rows else aligns[c]
                for i, line in enumerate(lines):
                    ty = y + pad + i * lh
                    if align == "r":
                        self.text(edges[c + 1] - pad, ty, line, size, bold=bold, anchor="r")
                    elif align == "c":
                        self.text((edges[c] + edges[c + 1]) / 2, ty, line, size, bold=bold, anchor="c")
                    else:
                        self.text(edges[c] + pad, ty, line, size, bold=bold)
            y += height
            row_edges.append(y)
            drawn += 1
        if ruled:
            for ry in row_edges:
                self.line(edges[0], ry, edges[-1], ry, width=2)
            for ex in edges:
                self.line(ex, top, ex, y, width=2)
        else:
            self.line(edges[0], top, edges[-1], top, width=2)
            if header_rows:
                self.line(edges[0], row_edges[header_rows], edges[-1], row_edges[header_rows], width=2)
            self.line(edges[0], y, edges[-1], y, width=2)
        return y, drawn

    def stamp(self, cx: float, cy: float, r: float, ring_text: str, center: list[str], seed: int,
              color: tuple[int, int, int] = STAMP_BLUE) -> None:
        """A round company seal: two rings, text along the ring, a few lines in the middle."""
        self.circle(cx, cy, r, 5, color)
        self.circle(cx, cy, r * 0.72, 3, color)
        text = ring_text + " * "
        n = len(text)
        size = int(min(r * 0.14, 2 * math.pi * r * 0.86 / n * 1.45))
        for i, ch in enumerate(text):
            a = 2 * math.pi * i / n - math.pi / 2
            px = cx + math.cos(a) * r * 0.86
            py = cy + math.sin(a) * r * 0.86
            self.ops.append(("char", px, py, ch, size, self.family, color, -math.degrees(a) - 90))
        size = int(r * 0.14)
        for i, line in enumerate(center):
            self.text(cx, cy - r * 0.22 + i * size * 1.3, line, int(size * 0.9), bold=True, anchor="c",
                      color=color)

    def signature(self, x: float, y: float, w: float, seed: int, color: tuple[int, int, int] = PEN_BLUE) -> None:
        rng = random.Random(seed)
        pts = []
        for i in range(40):
            t = i / 39
            pts.append((x + t * w + rng.uniform(-8, 8),
                        y + math.sin(t * rng.uniform(8, 14)) * rng.uniform(15, 40)))
        self.polyline(pts, 4, color)


# --- raster rendering --------------------------------------------------------------------


def render_image(sheet: Sheet) -> Image.Image:
    img = Image.new("RGB", (sheet.width, sheet.height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    for op in sheet.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, s, size, bold, fam, color, _w = op
            draw.text((x, y), s, font=font(fam, size, bold), fill=color, anchor="la")
        elif kind == "line":
            _, x0, y0, x1, y1, width, color = op
            draw.line((x0, y0, x1, y1), fill=color, width=width)
        elif kind == "poly":
            _, pts, width, color = op
            draw.line(list(pts), fill=color, width=width, joint="curve")
        elif kind == "circle":
            _, cx, cy, r, width, color = op
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=color, width=width)
        elif kind == "cells":
            _, x, y, cell, cells = op
            for i, j in cells:
                draw.rectangle((x + j * cell, y + i * cell, x + (j + 1) * cell - 1, y + (i + 1) * cell - 1),
                               fill=INK)
        elif kind == "char":
            _, px, py, ch, size, fam, color, angle = op
            f = font(fam, size, True)
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size, size), ch, font=f, fill=255, anchor="mm")
            glyph = glyph.rotate(angle, resample=Image.Resampling.BICUBIC)
            img.paste(Image.new("RGB", glyph.size, color), (int(px - size), int(py - size)), glyph)
    return img


# --- born-digital PDF --------------------------------------------------------------------


def render_pdf(sheets: list[Sheet], path: str, title: str) -> None:
    """A PDF with a real text layer: every text op becomes PDF text in the embedded TTF."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    k = 72 / DPI
    registered: set[str] = set()

    def rl_font(fam: str, bold: bool) -> str:
        name = fam + ("-Bold" if bold else "")
        if name not in registered and name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, FONTS[fam][int(bold)]))
        registered.add(name)
        return name

    c = canvas.Canvas(path, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setCreator("finarchive samples/generate.py")
    for sheet in sheets:
        c.setPageSize((sheet.width * k, sheet.height * k))
        h = sheet.height
        for op in sheet.ops:
            kind = op[0]
            if kind == "text":
                _, x, y, s, size, bold, fam, color, _w = op
                ascent = font(fam, size, bold).getmetrics()[0]
                c.setFillColorRGB(*(v / 255 for v in color))
                c.setFont(rl_font(fam, bold), size * k)
                c.drawString(x * k, (h - y - ascent) * k, s)
            elif kind == "line":
                _, x0, y0, x1, y1, width, color = op
                c.setStrokeColorRGB(*(v / 255 for v in color))
                c.setLineWidth(width * k)
                c.line(x0 * k, (h - y0) * k, x1 * k, (h - y1) * k)
            elif kind == "poly":
                _, pts, width, color = op
                c.setStrokeColorRGB(*(v / 255 for v in color))
                c.setLineWidth(width * k)
                p = c.beginPath()
                p.moveTo(pts[0][0] * k, (h - pts[0][1]) * k)
                for px, py in pts[1:]:
                    p.lineTo(px * k, (h - py) * k)
                c.drawPath(p, stroke=1, fill=0)
            elif kind == "circle":
                _, cx, cy, r, width, color = op
                c.setStrokeColorRGB(*(v / 255 for v in color))
                c.setLineWidth(width * k)
                c.circle(cx * k, (h - cy) * k, r * k, stroke=1, fill=0)
            elif kind == "cells":
                _, x, y, cell, cells = op
                c.setFillColorRGB(*(v / 255 for v in INK))
                for i, j in cells:
                    c.rect((x + j * cell) * k, (h - y - (i + 1) * cell) * k, cell * k, cell * k, stroke=0, fill=1)
            elif kind == "char":
                _, px, py, ch, size, fam, color, angle = op
                c.saveState()
                c.setFillColorRGB(*(v / 255 for v in color))
                c.translate(px * k, (h - py) * k)
                c.rotate(angle)
                c.setFont(rl_font(fam, True), size * k)
                c.drawCentredString(0, -size * k * 0.35, ch)
                c.restoreState()
        c.showPage()
    c.save()


# --- scanner artefacts -------------------------------------------------------------------


@dataclass(frozen=True)
class ScanLook:
    """How one page is 'scanned'. ``turned_cw``: the page content is turned clockwise by this much."""

    dpi: int = 300
    skew: float = 0.0  # degrees, positive = counter-clockwise
    turned_cw: int = 0
    noise: float = 5.0
    blur: float = 0.7
    paper: int = 242  # background grey level
    mode: str = "L"  # "L" grey, "RGB" colour, "1" black and white
    shadow: bool = False


def random_look(rng: random.Random, *, mode: str | None = None, turned_cw: int = 0,
                dpi: int | None = None, max_skew: float = 3.0) -> ScanLook:
    """A scanner's look: mostly small skew (0.5–1.5°), sometimes up to ``max_skew``, sometimes none."""
    kind = rng.random()
    magnitude = rng.uniform(0.0, 0.4) if kind < 0.15 else rng.uniform(0.5, 1.5) if kind < 0.75 \
        else rng.uniform(1.5, max(1.5, max_skew))
    return ScanLook(
        dpi=dpi or rng.choice((200, 200, 240, 300)),
        skew=round(magnitude * rng.choice((-1, 1)), 2),
        turned_cw=turned_cw,
        noise=rng.uniform(2.0, 5.0),
        blur=rng.uniform(0.3, 1.0),
        paper=rng.randrange(226, 250),
        mode=mode or rng.choice(("L", "L", "RGB")),
        shadow=rng.random() < 0.3,
    )


_TURN = {0: None, 90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def scan(img: Image.Image, look: ScanLook, seed: int) -> Image.Image:
    """Paper tone, blur, skew, noise, an edge shadow, orientation; returns an L, RGB or 1 image."""
    npr = np.random.default_rng(seed)
    if look.dpi != DPI:
        scale = look.dpi / DPI
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS)
    arr = np.asarray(img, dtype=np.float32) / 255.0
    paper = look.paper / 255.0
    # ink darkens paper multiplicatively; a faint uneven illumination across the page
    h, w = arr.shape[:2]
    gy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    gx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    light = 1.0 - 0.04 * (gx * npr.uniform(-1, 1) + gy * npr.uniform(-1, 1))
    tint = np.array([1.0, 0.99, 0.96], dtype=np.float32) if look.mode == "RGB" else np.ones(3, np.float32)
    arr = arr * paper * light[..., None] * tint
    out = Image.fromarray(np.clip(arr * 255, 0, 255).astype(np.uint8), "RGB")
    if look.mode != "RGB":
        out = out.convert("L")
    if look.blur > 0:
        out = out.filter(ImageFilter.GaussianBlur(look.blur))
    fill = (look.paper,) * 3 if out.mode == "RGB" else look.paper
    if look.skew:
        out = out.rotate(look.skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)
    arr = np.asarray(out, dtype=np.float32)
    arr = arr + npr.normal(0, look.noise, arr.shape).astype(np.float32)
    if look.shadow:  # dark strip where the lid did not close
        edge = max(8, int(w * 0.012))
        ramp = np.linspace(0.25, 1.0, edge, dtype=np.float32)
        arr[:, :edge] *= ramp[None, :] if arr.ndim == 2 else ramp[None, :, None]
    # a few dust specks
    for _ in range(int(npr.integers(5, 40))):
        y, x = int(npr.integers(0, arr.shape[0] - 4)), int(npr.integers(0, arr.shape[1] - 4))
        arr[y:y + int(npr.integers(1, 4)), x:x + int(npr.integers(1, 4))] = 60
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), out.mode)
    if look.mode == "1":
        out = out.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)
    turn = _TURN[look.turned_cw]
    if turn is not None:
        out = out.transpose(turn)
    return out
