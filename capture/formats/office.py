"""Office files as rows of text: spreadsheets (XLSX, XLS — 1C print forms saved to Excel) and text documents
(DOCX, ODT). No OCR: the cells' and paragraphs' own text, in reading order.

* A spreadsheet gives one part per sheet that has text; each sheet row is a row, each cell at its
  column's left edge (the sheet's own column widths), a merged range's text at its first cell. Numbers are
  written as the sheet shows them (two places where its format has them), dates as ``dd.mm.yyyy``.
* A text document gives its paragraphs (wrapped at the page's width) and tables, each table row a row
  with the cells at their columns (a cell's text wrapped within its column), in the body's order.

A damaged file is a :class:`CorruptFileError` (quarantined as ``corrupt``); a ZIP-based file that would
unpack to more than :data:`MAX_UNPACKED_BYTES` or packs too tightly is an :class:`OversizedFileError`.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from capture.exceptions import CorruptFileError, OversizedFileError
from capture.formats._layout import Cell, Row, columns_of

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # a member unpacking to more than 200 times its packed size is a bomb, not a form
MAX_CELLS = 500_000  # cells read from one workbook
LINE_CHARS = 110  # characters of a paragraph on one line of the rendered page
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's default, in characters

Part = list[Row]  # one sheet, or the whole text document


def check_zip(path: str) -> None:
    """Refuse a ZIP-based office file that would unpack to too much, before a library opens it."""
    name = os.path.basename(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(f"{name}: повреждённый файл / a damaged file: {exc}", path=path) from exc
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        raise OversizedFileError(f"{name} would unpack to {total} bytes, over the limit of {MAX_UNPACKED_BYTES}",
                                 path=path)
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise OversizedFileError(f"{name}: {m.filename} packs {m.file_size // max(m.compress_size, 1)} times "
                                     f"tighter than a document does (a ZIP bomb)", path=path)


def _number(value: float, number_format: str = "") -> str:
    if "0.00" in number_format or "0,00" in number_format:
        return f"{value:.2f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}" if abs(value * 100 - round(value * 100)) < 1e-6 else repr(float(value))


def _text(value: Any, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ИСТИНА" if value else "ЛОЖЬ"
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int | float):
        return _number(float(value), number_format)
    return " ".join(str(value).split())


def _sheet_rows(cells: dict[tuple[int, int], str], widths: Callable[[int], float]) -> Part:
    """Rows of a sheet from its non-empty cells ``(row, column) -> text`` (1-based)."""
    if not cells:
        return []
    last_column = max(c for _, c in cells)
    edges = columns_of([widths(c) for c in range(1, last_column + 1)])
    rows: Part = []
    previous = None
    for r in sorted({r for r, _ in cells}):
        if previous is not None and r > previous + 1:
            rows.append(())  # a gap in the form: one empty line, however many empty rows
        rows.append(tuple(Cell(cells[(r, c)], edges[c - 1]) for c in sorted(c for rr, c in cells if rr == r)))
        previous = r
    return rows


def _by_row(cells: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    return {k: v for k, v in cells.items() if v}


def read_xlsx(path: str) -> list[Part]:
    """One part per sheet with text (openpyxl; its XML parsing goes through defusedxml when installed)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    check_zip(path)
    try:
        with open(path, "rb") as fh:  # a file object: openpyxl judges a path by its extension, a blob has none
            book = openpyxl.load_workbook(fh, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, BadZipFile, InvalidFileException, XML errors…
        raise CorruptFileError(f"{os.path.basename(path)}: файл Excel не читается / the XLSX cannot be read: "
                               f"{type(exc).__name__}: {exc}", path=path) from exc
    parts: list[Part] = []
    seen = 0
    for sheet in book.worksheets:
        cells: dict[tuple[int, int], str] = {}
        # the sheet's stored cells only (iter_rows would make every cell of a stray far corner's range)
        for (r, c), cell in sorted(sheet._cells.items()):  # openpyxl keeps them by (row, column)
            seen += 1
            if seen > MAX_CELLS:
                raise OversizedFileError(f"{os.path.basename(path)} has over {MAX_CELLS} cells", path=path)
            cells[(r, c)] = _text(cell.value, cell.number_format or "")
        dims = sheet.column_dimensions

        def width(c: int, dims: Any = dims) -> float:
            letter = get_column_letter(c)
            got = dims[letter].width if letter in dims else None
            return float(got) if got else DEFAULT_COLUMN_WIDTH

        rows = _sheet_rows(_by_row(cells), width)
        if rows:
            parts.append(rows)
    return parts


def read_xls(path: str) -> list[Part]:
    """One part per sheet with text (xlrd, the BIFF format of Excel 97-2003)."""
    import xlrd

    try:
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors…
        raise CorruptFileError(f"{os.path.basename(path)}: файл Excel не читается / the XLS cannot be read: "
                               f"{type(exc).__name__}: {exc}", path=path) from exc
    parts: list[Part] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows * sheet.ncols > MAX_CELLS:
                raise OversizedFileError(f"{os.path.basename(path)} has over {MAX_CELLS} cells", path=path)
            covered = {(r, c) for r0, r1, c0, c1 in sheet.merged_cells for r in range(r0, r1) for c in range(c0, c1)
                       if (r, c) != (r0, c0)}
            cells: dict[tuple[int, int], str] = {}
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    if (r, c) in covered:
                        continue
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        value: Any = xlrd.xldate_as_datetime(cell.value, book.datemode)
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                        continue
                    else:
                        value = cell.value
                    fmt = ""
                    if cell.ctype == xlrd.XL_CELL_NUMBER and cell.xf_index is not None:
                        xf = book.xf_list[cell.xf_index]
                        fmt = getattr(book.format_map.get(xf.format_key), "format_str", "")
                    cells[(r + 1, c + 1)] = _text(value, fmt)

            def width(c: int, sheet: Any = sheet) -> float:
                info = sheet.colinfo_map.get(c - 1)
                return info.width / 256 if info is not None and info.width else DEFAULT_COLUMN_WIDTH

            rows = _sheet_rows(_by_row(cells), width)
            if rows:
                parts.append(rows)
    except (OversizedFileError, CorruptFileError):
        raise
    except Exception as exc:
        raise CorruptFileError(f"{os.path.basename(path)}: лист Excel не читается / a sheet cannot be read: "
                               f"{type(exc).__name__}: {exc}", path=path) from exc
    finally:
        book.release_resources()
    return parts


def paragraph_rows(text: str, width: int = LINE_CHARS) -> Part:
    text = " ".join(text.split())
    if not text:
        return [()]
    return [(Cell(line),) for line in textwrap.wrap(text, width)]


def table_rows(table: Sequence[Sequence[str]]) -> Part:
    """A table's rows with each cell's text wrapped within its column (columns share the width evenly)."""
    columns = max((len(r) for r in table), default=0)
    if not columns:
        return []
    share = 1.0 / columns
    chars = max(4, int(LINE_CHARS * share) - 2)
    rows: Part = []
    for cells in table:
        wrapped = [textwrap.wrap(" ".join(t.split()), chars) or [""] for t in cells]
        for line in range(max(len(w) for w in wrapped)):
            rows.append(tuple(Cell(w[line], n * share) for n, w in enumerate(wrapped) if line < len(w) and w[line]))
    rows.append(())
    return rows


def _docx_cells(row: Any) -> list[str]:
    """The texts of a DOCX table row, a cell merged across columns once."""
    out, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:  # python-docx repeats a merged cell for every column it spans
            continue
        seen.add(id(cell._tc))
        out.append(" ".join(p.text for p in cell.paragraphs))
    return out


def read_docx(path: str) -> list[Part]:
    """The document's paragraphs and tables in the body's order, as one part (python-docx)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_zip(path)
    try:
        document = docx.Document(path)
        rows: Part = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                rows += paragraph_rows(Paragraph(child, document).text)
            elif tag == "tbl":
                rows += table_rows([_docx_cells(r) for r in Table(child, document).rows])
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, PackageNotFoundError, XML errors…
        raise CorruptFileError(f"{os.path.basename(path)}: файл Word не читается / the DOCX cannot be read: "
                               f"{type(exc).__name__}: {exc}", path=path) from exc
    return [_trim(rows)] if _trim(rows) else []


def _odf_elements(element: Any) -> Iterator[Any]:
    for child in element.childNodes:
        if getattr(child, "qname", None) is not None:
            yield child


def _odt_rows(element: Any) -> Part:
    from odf import teletype

    rows: Part = []
    for child in _odf_elements(element):
        name = child.qname[1]
        if name in ("p", "h"):
            rows += paragraph_rows(teletype.extractText(child))
        elif name == "table":
            table: list[list[str]] = []
            for row in (r for r in _odf_descendants(child, "table-row")):
                cells: list[str] = []
                for cell in _odf_elements(row):
                    if cell.qname[1] == "table-cell":
                        repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                        text = " ".join(teletype.extractText(p) for p in _odf_elements(cell))
                        cells += [text] * min(repeat, 64) if text else [""] * min(repeat, 1)
                table.append(cells)
            rows += table_rows(table)
        elif name in ("list", "list-item", "section", "div"):
            rows += _odt_rows(child)
    return rows


def _odf_descendants(element: Any, name: str) -> Iterator[Any]:
    for child in _odf_elements(element):
        if child.qname[1] == name:
            yield child
        elif child.qname[1] in ("table-rows", "table-header-rows", "table-row-group"):
            yield from _odf_descendants(child, name)


def read_odt(path: str) -> list[Part]:
    """The document's paragraphs, lists and tables in order, as one part (odfpy)."""
    from odf.opendocument import load

    check_zip(path)
    try:
        document = load(path)
        rows = _odt_rows(document.text)
    except Exception as exc:  # odfpy raises KeyError, BadZipFile, XML errors…
        raise CorruptFileError(f"{os.path.basename(path)}: файл ODT не читается / the ODT cannot be read: "
                               f"{type(exc).__name__}: {exc}", path=path) from exc
    return [_trim(rows)] if _trim(rows) else []


def _trim(rows: Part) -> Part:
    """Rows without leading, trailing and repeated empty lines."""
    out: Part = []
    for row in rows:
        if not row and (not out or not out[-1]):
            continue
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out
