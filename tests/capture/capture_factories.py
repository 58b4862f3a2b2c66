"""Factories of small inputs for the capture tests (Pillow and reportlab), made in tmp_path."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WAYBILL_LINES = (
    "Товарная накладная № 4521",
    "Поставщик: ООО Ромашка, ИНН 7707083893",
    "Покупатель: ООО Василёк, ИНН 7702070139",
    "Итого к оплате: 235 730,00 руб.",
)


def text_image(lines=WAYBILL_LINES, *, size=(1240, 900), font_size=40) -> Image.Image:
    """A white page with lines of black text (DejaVu, 40 px: about 14 pt at 200 dpi)."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, font_size)
    y = 80
    for line in lines:
        draw.text((80, y), line, font=font, fill=0)
        y += int(font_size * 1.9)
    return image


def text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A born-digital PDF (real text layer) with the DejaVu font, one list of lines per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        pdf.setFont("DejaVuSans", 14)
        y = A4[1] - 72
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 24
        pdf.showPage()
    pdf.save()
    return path


def image_pdf(path: Path, images: list[Image.Image], dpi: int = 150) -> Path:
    """A scanned-style PDF: pages that are only images, no text layer."""
    first, *rest = [im.convert("RGB") for im in images]
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path
