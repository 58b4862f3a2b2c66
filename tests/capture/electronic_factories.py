"""Electronic documents written by the libraries and to the schemas that make them: a ФНС УПД XML (the seller's
file ON_NSCHFDOPPR, formats 5.01 and 5.03, built element by element as the schema orders them), XLSX
(openpyxl), XLS (xlwt), DOCX (python-docx), ODT (odfpy), HEIC (pillow-heif), WebP (Pillow), .eml
(email.message) and Outlook .msg (a compound file written to the MS-CFB and MS-OXMSG specifications)."""

from __future__ import annotations

import datetime as dt
import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

# Made-up parties with valid check digits (INN 10 digits for legal entities).
SELLER = {"name": "ООО «Северная звезда»", "inn": "7707083893", "kpp": "770701001"}
BUYER = {"name": "АО «Торговый дом Луч»", "inn": "7736207543", "kpp": "773601001"}


@dataclass
class UpdSpec:
    number: str = "УТ-1045"
    date: dt.date = dt.date(2025, 4, 17)
    function: str = "СЧФДОП"
    version: str = "5.03"
    seller: dict[str, str] = field(default_factory=lambda: dict(SELLER))
    buyer: dict[str, str] = field(default_factory=lambda: dict(BUYER))
    items: list[tuple[str, str, str, str]] = field(default_factory=lambda: [
        ("Бумага офисная А4, пачка", "10", "350.00", "20%"),
        ("Папка-регистратор 75 мм", "4", "212.50", "20%"),
    ])  # name, quantity, price without VAT, rate


def _party(parent: ET.Element, tag: str, party: dict[str, str]) -> None:
    node = ET.SubElement(parent, tag)
    ids = ET.SubElement(node, "ИдСв")
    ET.SubElement(ids, "СвЮЛУч", {"НаимОрг": party["name"], "ИННЮЛ": party["inn"], "КПП": party["kpp"]})
    address = ET.SubElement(node, "Адрес")
    ET.SubElement(address, "АдрРФ", {"Индекс": "125009", "КодРегион": "77", "НаимРегион": "г. Москва",
                                     "Улица": "ул. Примерная", "Дом": "1"})


def upd_xml(spec: UpdSpec | None = None, *, encoding: str = "windows-1251") -> tuple[bytes, dict[str, str]]:
    """A seller's УПД file as an ЭДО operator sends it, and the fields it must give."""
    spec = spec or UpdSpec()
    file_id = (f"ON_NSCHFDOPPR_2BM-{spec.buyer['inn']}{spec.buyer['kpp']}_2BM-{spec.seller['inn']}"
               f"{spec.seller['kpp']}_{spec.date:%Y%m%d}_0f1e2d3c")
    root = ET.Element("Файл", {"ИдФайл": file_id, "ВерсФорм": spec.version, "ВерсПрог": "tests 1.0"})
    ET.SubElement(root, "СвУчДокОбор", {"ИдОтпр": f"2BM-{spec.seller['inn']}", "ИдПол": f"2BM-{spec.buyer['inn']}"})
    doc = ET.SubElement(root, "Документ", {"КНД": "1115131", "Функция": spec.function,
                                           "ДатаИнфПр": f"{spec.date:%d.%m.%Y}", "ВремИнфПр": "10.15.00",
                                           "НаимЭконСубСост": spec.seller["name"]})
    date = f"{spec.date:%d.%m.%Y}"
    if spec.version == "5.01":
        info = ET.SubElement(doc, "СвСчФакт", {"НомерСчФ": spec.number, "ДатаСчФ": date, "КодОКВ": "643"})
    else:
        info = ET.SubElement(doc, "СвСчФакт", {"НомерДок": spec.number, "ДатаДок": date})
    _party(info, "СвПрод", spec.seller)
    _party(info, "СвПокуп", spec.buyer)
    if spec.version != "5.01":
        ET.SubElement(info, "ДенИзм", {"КодОКВ": "643", "НаимОКВ": "Российский рубль"})
    table = ET.SubElement(doc, "ТаблСчФакт")
    net_total = vat_total = Decimal("0.00")
    for n, (name, qty, price, rate) in enumerate(spec.items, 1):
        net = (Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"))
        vat = (net * Decimal(rate.rstrip("%")) / 100).quantize(Decimal("0.01"))
        net_total += net
        vat_total += vat
        attrs = {"НомСтр": str(n), "НаимТов": name, "ОКЕИ_Тов": "796", "КолТов": qty, "ЦенаТов": price,
                 "СтТовБезНДС": str(net), "НалСт": rate, "СтТовУчНал": str(net + vat)}
        if spec.version != "5.01":
            attrs["НаимЕдИзм"] = "шт"
        row = ET.SubElement(table, "СведТов", attrs)
        excise = ET.SubElement(row, "Акциз")
        ET.SubElement(excise, "БезАкциз").text = "без акциза"
        ET.SubElement(ET.SubElement(row, "СумНал"), "СумНал").text = str(vat)
    totals = ET.SubElement(table, "ВсегоОпл", {"СтТовБезНДСВсего": str(net_total),
                                               "СтТовУчНалВсего": str(net_total + vat_total)})
    ET.SubElement(ET.SubElement(totals, "СумНалВсего"), "СумНал").text = str(vat_total)
    ET.SubElement(doc, "СвПродПер")
    data = ET.tostring(root, encoding=encoding, xml_declaration=True)
    fields = {
        "number": spec.number, "date": spec.date.isoformat(), "function": spec.function,
        "seller_name": spec.seller["name"], "seller_inn": spec.seller["inn"], "seller_kpp": spec.seller["kpp"],
        "buyer_name": spec.buyer["name"], "buyer_inn": spec.buyer["inn"], "buyer_kpp": spec.buyer["kpp"],
        "currency": "RUB", "total_net": str(net_total), "vat": str(vat_total), "total": str(net_total + vat_total),
        "seller_address": "125009, г. Москва, ул. Примерная, 1",
    }
    return data, fields


def write_upd(folder: Path, spec: UpdSpec | None = None, *, encoding: str = "windows-1251") -> tuple[Path, dict]:
    data, fields = upd_xml(spec, encoding=encoding)
    path = folder / f"ON_NSCHFDOPPR_{(spec or UpdSpec()).number}_{encoding}.xml"
    path.write_bytes(data)
    return path, fields


def waybill_rows() -> list[list[object]]:
    """A ТОРГ-12 laid out as 1C prints it: label cells and value cells apart, amounts as numbers."""
    return [
        ["ТОВАРНАЯ НАКЛАДНАЯ", None, None, "Номер документа", "Дата составления"],
        [None, None, None, "ТН-0412", dt.date(2025, 3, 14)],
        ["Поставщик", "ООО «Северная звезда», ИНН 7707083893, КПП 770701001"],
        ["Плательщик", "АО «Торговый дом Луч», ИНН 7736207543, КПП 773601001"],
        ["№", "Товар", "Кол-во", "Цена", "Сумма без НДС", "НДС", "Сумма с НДС"],
        [1, "Бумага офисная А4", 10, 350.0, 3500.0, 700.0, 4200.0],
        [2, "Папка-регистратор", 4, 212.5, 850.0, 170.0, 1020.0],
        ["Итого", None, None, None, 4350.0, 870.0, 5220.0],
        ["Всего отпущено на сумму", None, None, None, None, None, 5220.0],
    ]


WAYBILL_FIELDS = {"number": "ТН-0412", "date": "2025-03-14", "seller_inn": "7707083893", "buyer_inn": "7736207543",
                  "total": "5220.00", "vat": "870.00"}


def write_xlsx(path: Path, *, sheets: int = 1) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ТОРГ-12"
    for row in waybill_rows():
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"  # as 1C writes its amounts
    sheet.merge_cells("A1:C1")  # the title spans three columns, as 1C merges it
    sheet.merge_cells("B3:G3")
    sheet.merge_cells("B4:G4")
    for letter, width in zip("ABCDEFG", (14, 30, 8, 10, 14, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for n in range(2, sheets + 1):
        extra = book.create_sheet(f"Лист{n}")
        extra.append(["Приложение", n])
    book.save(path)
    return path


def write_xls(path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("ТОРГ-12")
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    money_style = xlwt.easyxf(num_format_str="#,##0.00")
    for r, row in enumerate(waybill_rows()):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif isinstance(value, float):
                sheet.write(r, c, value, money_style)
            else:
                sheet.write(r, c, value)
    for c, width in enumerate((14, 30, 8, 10, 14, 10, 14)):
        sheet.col(c).width = width * 256
    book.save(str(path))
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("ДОГОВОР ПОСТАВКИ № 17/25")
    document.add_paragraph("г. Москва 3 февраля 2025 г.")
    document.add_paragraph("ООО «Северная звезда», именуемое в дальнейшем «Поставщик», и АО «Торговый дом Луч», "
                           "именуемое в дальнейшем «Покупатель», заключили настоящий договор о нижеследующем.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Поставщик: ООО «Северная звезда»"
    table.cell(0, 1).text = "Покупатель: АО «Торговый дом Луч»"
    table.cell(1, 0).text = "ИНН 7707083893 КПП 770701001"
    table.cell(1, 1).text = "ИНН 7736207543 КПП 773601001"
    document.save(str(path))
    return path


CONTRACT_FIELDS = {"number": "17/25", "date": "2025-02-03", "seller_inn": "7707083893"}


def write_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentText()
    for line in ("ДОГОВОР ПОСТАВКИ № 17/25", "г. Москва 3 февраля 2025 г.",
                 ("ООО «Северная звезда», именуемое в дальнейшем «Поставщик», и АО «Торговый дом Луч», именуемое "
                  "в дальнейшем «Покупатель», заключили настоящий договор о нижеследующем.")):
        document.text.addElement(P(text=line))
    table = Table(name="Стороны")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (("Поставщик: ООО «Северная звезда»", "Покупатель: АО «Торговый дом Луч»"),
                  ("ИНН 7707083893 КПП 770701001", "ИНН 7736207543 КПП 773601001")):
        row = TableRow()
        for text in cells:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path


def write_eml(path: Path, attachments: list[Path]) -> Path:
    message = EmailMessage()
    message["From"] = "Склад СПБ-01 <scans@spb01.example.ru>"
    message["To"] = "archive@example.ru"
    message["Subject"] = "Документы за 17.04"
    message["Date"] = "Thu, 17 Apr 2025 10:00:00 +0300"
    message.set_content("Добрый день! Во вложении УПД и скан накладной.")
    for attachment in attachments:
        maintype, subtype = ("application", "octet-stream")
        message.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype,
                               filename=attachment.name)
    path.write_bytes(message.as_bytes())
    return path


# -- Outlook .msg ----------------------------------------------------------------------------------------
# Nothing on this machine writes .msg files (Outlook does), and no library writes a compound file from
# scratch; so the test writes one by the MS-CFB v3 specification itself, streams of 4096 bytes or more (in
# regular sectors: no mini stream), and the MAPI property streams Outlook writes ([MS-OXMSG] 2.1).
_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_SECTOR = 512


def _cfb(tree: dict[str, object]) -> bytes:
    """A compound file of ``tree``: names to bytes (streams, each ≥ 4096 bytes) or to dicts (storages)."""
    import struct

    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "children": tree}]
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        start = len(sectors)
        chunks = [data[i:i + _SECTOR].ljust(_SECTOR, b"\0") for i in range(0, len(data), _SECTOR)]
        for n, chunk in enumerate(chunks):
            sectors.append(chunk)
            fat.append(start + n + 1 if n + 1 < len(chunks) else _END)
        return start

    def add(children: dict[str, object]) -> int:
        """Entries for the children, as a right-leaning sorted chain; returns the first's id."""
        order = sorted(children, key=lambda name: (len(name), name.upper()))
        ids = []
        for name in order:
            value = children[name]
            entry: dict[str, object] = {"name": name}
            entries.append(entry)
            ids.append(len(entries) - 1)
            if isinstance(value, dict):
                entry.update(type=1, child=add(value))
            else:
                assert isinstance(value, bytes) and len(value) >= 4096
                entry.update(type=2, start=place(value), size=len(value))
        for a, b in itertools.pairwise(ids):
            entries[a]["right"] = b
        return ids[0] if ids else _FREE

    entries[0]["child"] = add(tree)
    directory = b""
    for entry in entries:
        name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), int(entry["type"]), 1,  # type: ignore[call-overload]  # dict of mixed values
                                 entry.get("left", _FREE), entry.get("right", _FREE), entry.get("child", _FREE),
                                 b"\0" * 16, 0, 0, 0, entry.get("start", _END if entry["type"] == 5 else 0),
                                 entry.get("size", 0))
    directory += b"\0" * (-len(directory) % _SECTOR)
    first_dir = len(sectors)
    for n in range(len(directory) // _SECTOR):
        sectors.append(directory[n * _SECTOR:(n + 1) * _SECTOR])
        fat.append(first_dir + n + 1 if n + 1 < len(directory) // _SECTOR else _END)
    fat_sectors = 1
    while (len(sectors) + fat_sectors) * 4 > fat_sectors * _SECTOR:
        fat_sectors += 1
    first_fat = len(sectors)
    fat += [_FATSECT] * fat_sectors
    fat += [_FREE] * (fat_sectors * _SECTOR // 4 - len(fat))
    difat = [first_fat + n for n in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE,
                         9, 6, b"\0" * 6, 0, fat_sectors, first_dir, 0, 4096, _END, 0, _END, 0)
    header += struct.pack("<109I", *difat)
    body = b"".join(sectors) + struct.pack(f"<{len(fat)}I", *fat)
    return header + body


def _unicode_prop(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return data + b"\0" * max(2, 4096 - len(data))  # NULs after the text: Outlook's strings end in one


def write_msg(path: Path, attachment: Path, *, subject: str = "УПД за апрель") -> Path:
    """An Outlook message with one attached file (the file made ≥ 4096 bytes by trailing blanks, which an
    XML and a PDF both allow)."""
    data = attachment.read_bytes()
    data += b" " * max(0, 4096 - len(data))
    tree: dict[str, object] = {
        "__substg1.0_0037001F": _unicode_prop(subject),
        "__substg1.0_0C1F001F": _unicode_prop("edo@supplier.example.ru"),
        "__substg1.0_1000001F": _unicode_prop("Направляем УПД, подписанный в системе ЭДО."),
        "__attach_version1.0_#00000000": {
            "__substg1.0_3707001F": _unicode_prop(attachment.name),
            "__substg1.0_37010102": data,
        },
    }
    path.write_bytes(_cfb(tree))
    return path
