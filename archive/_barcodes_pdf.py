"""Printable PDFs with barcodes (reportlab, a Cyrillic TTF) and reading barcodes back from scans (zxing-cpp).

A transfer register (реестр передачи документов) lists its originals, each with a Code 128 barcode, and
carries its own code as Code 128 and QR. A destruction act (акт об уничтожении) lists what was destroyed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from capture.barcodes import pdf_font
from finarchive.errors import InvalidInputError

RENDER_DPI = 200


@dataclass(frozen=True)
class SheetRow:
    """One line of a printed list: a barcode and what it stands for."""

    barcode: str
    doc_type: str
    number: str
    date: str
    filename: str


def _write_atomically(path: Path, draw) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    c = canvas.Canvas(str(tmp), pagesize=A4)
    draw(c, A4)
    c.save()
    tmp.replace(path)
    return path


def _code128(c, value: str, x: float, y: float, *, height: float = 30.0) -> None:
    from reportlab.graphics.barcode import code128

    code128.Code128(value, barHeight=height, barWidth=1.1, quiet=True).drawOn(c, x, y)


def _qr(c, value: str, x: float, y: float, size: float = 80.0) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import qr
    from reportlab.graphics.shapes import Drawing

    widget = qr.QrCodeWidget(value)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def register_pdf(
    path: Path, *, code: str, outlet: str, created_at: dt.datetime, actor: str, rows: Sequence[SheetRow]
) -> Path:
    """Write the printable transfer register: a header with the register's barcodes, then one row per original."""
    font = pdf_font()

    def draw(c, size) -> None:
        width, height = size
        rows_left = list(rows)
        page = 1
        while True:
            y = height - 50
            c.setFont(font, 15)
            c.drawString(40, y, f"Реестр передачи оригиналов {code}")
            c.setFont(font, 10)
            c.drawString(40, y - 18, f"Точка: {outlet}   Дата: {created_at:%d.%m.%Y %H:%M}   Составил: {actor}")
            c.drawString(40, y - 32, f"Документов: {len(rows)}   Лист {page}")
            _code128(c, code, 40, y - 80, height=36)
            _qr(c, code, width - 130, y - 95)
            y -= 130
            c.setFont(font, 9)
            c.drawString(40, y, "№   штрихкод / тип / номер / дата / файл")
            y -= 12
            index_base = len(rows) - len(rows_left)
            while rows_left and y > 80:
                row = rows_left.pop(0)
                index_base += 1
                y -= 44
                _code128(c, row.barcode, 60, y, height=30)
                c.drawString(40, y + 10, str(index_base))
                c.drawString(300, y + 20, f"{row.barcode}  {row.doc_type}  № {row.number or '—'}")
                c.drawString(300, y + 8, f"от {row.date or '—'}  {row.filename[:48]}")
            if not rows_left:
                c.drawString(40, 50, "Передал: ____________________      Принял: ____________________")
                c.showPage()
                return
            c.showPage()
            page += 1

    return _write_atomically(path, draw)


def act_pdf(
    path: Path, *, code: str, box: str, location: str | None, created_at: dt.datetime, actor: str,
    note: str | None, rows: Sequence[SheetRow], grounds: Sequence[str] = (),
) -> Path:
    """Write the destruction act: the box, who and when, the retention periods that ran out (with their
    legal sources), and every destroyed original."""
    font = pdf_font()

    def draw(c, size) -> None:
        _, height = size
        y = height - 50
        c.setFont(font, 15)
        c.drawString(40, y, f"Акт об уничтожении документов {code}")
        c.setFont(font, 10)
        y -= 20
        for line in (f"Короб: {box}  ({location or 'место не указано'})", f"Дата: {created_at:%d.%m.%Y %H:%M}",
                     f"Составил: {actor}", f"Основание: {note or 'истёк срок хранения'}",
                     f"Уничтожено оригиналов: {len(rows)}"):
            c.drawString(40, y, line)
            y -= 14
        c.setFont(font, 8)
        if grounds:
            c.drawString(40, y, "Сроки хранения истекли:")
            y -= 12
        for ground in grounds:
            for part in _wrap(ground, 120):
                c.drawString(50, y, part)
                y -= 11
        c.setFont(font, 9)
        for index, row in enumerate(rows, 1):
            if y < 60:
                c.showPage()
                c.setFont(font, 9)
                y = height - 50
            y -= 13
            c.drawString(40, y, f"{index}. {row.barcode}  {row.doc_type}  № {row.number or '—'}  от {row.date or '—'}")
        c.showPage()

    return _write_atomically(path, draw)


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def read_codes(paths: Iterable[str | Path], *, dpi: int = RENDER_DPI) -> list[str]:
    """Every barcode text found on images or PDF pages (rendered at ``dpi``), in reading order, deduplicated."""
    import pypdfium2
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    found: list[str] = []

    def take(image) -> None:
        results = zxingcpp.read_barcodes(image.convert("L"))
        for r in sorted(results, key=lambda r: (r.position.top_left.y, r.position.top_left.x)):
            if r.text and r.text not in found:
                found.append(r.text)

    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InvalidInputError(f"no such file: {path}")
        if path.read_bytes()[:5] == b"%PDF-":
            try:
                pdf = pypdfium2.PdfDocument(str(path))
            except pypdfium2.PdfiumError as exc:
                raise InvalidInputError(f"{path}: cannot read the PDF ({exc})") from exc
            try:
                for page in pdf:
                    take(page.render(scale=dpi / 72).to_pil())
            finally:
                pdf.close()
            continue
        try:
            with Image.open(path) as img:
                for frame in range(getattr(img, "n_frames", 1)):
                    img.seek(frame)
                    take(img.copy())
        except (UnidentifiedImageError, OSError) as exc:
            raise InvalidInputError(f"{path}: not an image or PDF ({exc})") from exc
    return found
