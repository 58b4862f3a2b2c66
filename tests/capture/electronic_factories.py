"""Electronic documents written by the libraries and to the schemas that make them: a ФНС УПД XML (the seller's
file ON_NSCHFDOPPR, formats 5.01 and 5.03, built element by element as the schema orders them), XLSX
(openpyxl), XLS (xlwt), DOCX (python-docx), ODT (odfpy), HEIC (pillow-heif), WebP (Pillow) and .eml
(email.message)."""

from __future__ import annotations

import datetime as dt
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
