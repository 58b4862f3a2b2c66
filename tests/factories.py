"""Small builders of test inputs: scanned-looking pages, born-digital PDFs and bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

WAYBILL_LINES = [
    "ТОВАРНАЯ НАКЛАДНАЯ № 4521 от 14.03.2026",
    "Поставщик: ООО «Ромашка», ИНН 7707083893, КПП 773601001",
    "Грузополучатель: ООО «Василёк», ИНН 7736207543",
    "Основание: заказ покупателя ЗК-000781",
    "Всего к оплате: 235 730,00 руб.",
    "в том числе НДС 20%: 39 288,33 руб.",
]


def make_scan(path: Path, lines: list[str], *, size: tuple[int, int] = (1240, 1754), font_size: int = 30,
              fmt: str | None = None) -> Path:
    """A clean page image (A4 at 150 dpi by default) with one text line per entry."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_size)
    y = 120
    for line in lines:
        draw.text((90, y), line, fill=0, font=font)
        y += int(font_size * 1.9)
    img.save(path, format=fmt)
    return path


def make_text_pdf(path: Path, lines: list[str]) -> Path:
    """A born-digital PDF with a real text layer (reportlab, a Cyrillic TTF)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("DejaVuSans", 12)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 22
    c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = make_text_pdf(path.with_suffix(".plain.pdf"), ["Секретный счёт № 1"])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def make_bad_files(folder: Path) -> dict[str, Path]:
    """One file of each kind of bad input, keyed by the quarantine reason it must get."""
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00garbage" * 50)
    text_as_pdf = folder / "notes.pdf"
    text_as_pdf.write_text("это просто текст, а не PDF\n" * 20, encoding="utf-8")
    docx = folder / "letter.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    docx.write_bytes(buf.getvalue())
    return {
        "empty": empty,
        "corrupt": corrupt,
        "encrypted": make_encrypted_pdf(folder / "locked.pdf"),
        "unsupported": text_as_pdf,
        "unsupported_docx": docx,
    }
