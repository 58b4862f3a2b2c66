"""УПД and счёт-фактура XML from ЭДО operators: the ФНС seller's file ``ON_NSCHFDOPPR_…`` (КНД 1115131,
formats 5.01, 5.02 and 5.03; the older УПД of КНД 1115125 has the same structure), read exactly.

The structure, as the ФНС schemas (``ON_NSCHFDOPPR_1_997_01_05_01_xx.xsd``, ``…_05_03_xx.xsd``) give it::

    Файл @ВерсФорм
      Документ @КНД @Функция (СЧФ | СЧФДОП | ДОП)
        СвСчФакт @НомерСчФ @ДатаСчФ @КодОКВ              (5.01)
        СвСчФакт @НомерДок @ДатаДок, ДенИзм @КодОКВ       (5.03)
          СвПрод / СвПокуп
            ИдСв / СвЮЛУч @НаимОрг @ИННЮЛ @КПП | СвИП @ИННФЛ, ФИО | СвФЛУч @ИННФЛ, ФИО | СвИнНеУч @НаимОрг
            Адрес / АдрРФ @Индекс @Город @Улица … | АдрИнф @АдрТекст | АдрГАР (5.03)
        ТаблСчФакт
          СведТов @НомСтр @НаимТов @КолТов @ЦенаТов @СтТовБезНДС @НалСт @СтТовУчНал, СумНал / СумНал | БезНДС
          ВсегоОпл @СтТовБезНДСВсего @СтТовУчНалВсего, СумНалВсего / СумНал | БезНДС

Parsing is safe (:mod:`defusedxml`: no DTD, no entities, nothing fetched), the file's size is limited, and
the encoding is the one the XML declares (windows-1251 or UTF-8). An XML of any other kind is refused with
the reason ``unknown_xml``; a seller's file that lacks what every such file has is ``invalid_xml``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from capture.exceptions import CorruptFileError, UnsupportedFileError
from capture._files import read_within
from capture.formats._layout import Cell, LaidOut, Row, lay_out

MAX_XML_BYTES = 64 * 1024 * 1024  # the largest УПД we read (ЭДО operators limit a file to far less)

# The ФНС codes of the seller's file of a УПД / счёт-фактура, and the types its functions make.
KND_CODES: frozenset[str] = frozenset({"1115131", "1115125"})
FUNCTIONS: Mapping[str, str] = MappingProxyType({"СЧФДОП": "upd", "ДОП": "upd", "СЧФ": "vat_invoice"})
FUNCTION_TITLES: Mapping[str, str] = MappingProxyType({
    "СЧФДОП": "Универсальный передаточный документ (статус 1: счёт-фактура и передаточный документ)",
    "ДОП": "Универсальный передаточный документ (статус 2: передаточный документ)",
    "СЧФ": "Счёт-фактура",
})
# ОКВ (ISO 4217 numeric) codes of the currencies a Russian document is priced in, to their letters.
CURRENCIES: Mapping[str, str] = MappingProxyType({
    "643": "RUB", "840": "USD", "978": "EUR", "156": "CNY", "398": "KZT", "933": "BYN", "051": "AMD",
    "417": "KGS", "860": "UZS", "949": "TRY", "826": "GBP", "756": "CHF", "392": "JPY", "356": "INR",
    "784": "AED",
})
# The parts of a Russian address, in the order they are written.
ADDRESS_PARTS = ("Индекс", "НаимРегион", "Район", "Город", "НаселПункт", "Улица", "Дом", "Корпус", "Кварт")


class UnknownXmlError(UnsupportedFileError):
    reason = "unknown_xml"


class InvalidXmlError(CorruptFileError):
    reason = "invalid_xml"


@dataclass(frozen=True)
class Party:
    name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class LineItem:
    number: str
    name: str
    unit: str | None
    quantity: str | None
    price: str | None
    net: str | None  # СтТовБезНДС
    rate: str | None  # НалСт: 20%, 10%, 0%, без НДС, 20/120 …
    vat: str | None
    total: str | None  # СтТовУчНал


@dataclass(frozen=True)
class EdoDocument:
    """What a seller's file of a УПД or счёт-фактура says, values as written in it."""

    format_version: str
    knd: str
    function: str
    file_id: str
    number: str
    date: str  # ISO
    currency: str | None
    seller: Party
    buyer: Party
    items: tuple[LineItem, ...]
    total_net: str | None
    total: str | None
    vat: str | None  # "0.00" when the document says «без НДС»
    vat_raw: str | None

    @property
    def doc_type(self) -> str:
        return FUNCTIONS[self.function]

    @property
    def title(self) -> str:
        return FUNCTION_TITLES[self.function]


def looks_like_xml(head: bytes) -> bool:
    """The bytes begin as an XML document (a declaration or a root element, after a BOM and blanks)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<?xml") or (text.startswith(b"<") and not text[:15].lower().startswith(b"<!doctype html"))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Element | None, *names: str) -> Element | None:
    """The first child (by local name, any namespace) along the path ``names``."""
    for name in names:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _children(element: Element | None, name: str) -> list[Element]:
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _attr(element: Element | None, *names: str) -> str | None:
    """The first of the attributes ``names`` the element has, stripped; None when none has a value."""
    if element is None:
        return None
    for name in names:
        value = element.get(name)
        if value is not None and value.strip():
            return " ".join(value.split())
    return None


def _money(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return str(Decimal(text.strip().replace(",", ".")).quantize(Decimal("0.01")))
    except InvalidOperation:
        return None


def _iso_date(text: str | None) -> str | None:
    match = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", (text or "").strip())
    return f"{match[3]}-{match[2]}-{match[1]}" if match else None


def _person(element: Element | None) -> str | None:
    fio = _child(element, "ФИО")
    parts = [_attr(fio, n) for n in ("Фамилия", "Имя", "Отчество")]
    return " ".join(p for p in parts if p) or None


def _address(party: Element) -> str | None:
    address = _child(party, "Адрес")
    if address is None:
        return None
    russian = _child(address, "АдрРФ")
    if russian is not None:
        parts = [_attr(russian, n) for n in ADDRESS_PARTS]
        return ", ".join(p for p in parts if p) or None
    foreign = _child(address, "АдрИнф")
    if foreign is not None:
        return _attr(foreign, "АдрТекст")
    gar = _child(address, "АдрГАР")
    if gar is not None:
        region = _child(gar, "НаимРегион")
        parts = [_attr(gar, "Индекс"), (region.text or "").strip() if region is not None else None]
        for name in ("МуниципРайон", "ГородСелПоселен", "НаселенПункт", "ЭлУлДорСети", "Здание"):
            el = _child(gar, name)
            if el is not None:
                parts.append(" ".join(p for p in (_attr(el, "Тип", "Вид"), _attr(el, "Наим", "Номер")) if p))
        return ", ".join(p for p in parts if p) or None
    return None


def _party(element: Element | None) -> Party:
    ids = _child(element, "ИдСв")
    if element is None or ids is None:
        return Party()
    legal = _child(ids, "СвЮЛУч")
    if legal is not None:
        return Party(_attr(legal, "НаимОрг"), _attr(legal, "ИННЮЛ"), _attr(legal, "КПП"), _address(element))
    entrepreneur = _child(ids, "СвИП")
    if entrepreneur is not None:
        name = _person(entrepreneur)
        return Party(f"ИП {name}" if name else None, _attr(entrepreneur, "ИННФЛ"), None, _address(element))
    person = _child(ids, "СвФЛУч")
    if person is not None:
        return Party(_person(person), _attr(person, "ИННФЛ"), None, _address(element))
    foreign = _child(ids, "СвИнНеУч")
    return Party(_attr(foreign, "НаимОрг"), _attr(foreign, "ИНН", "Идентиф"), None, _address(element))


def _vat(holder: Element | None) -> tuple[str | None, str | None]:
    """The VAT of a СумНал / СумНалВсего element: (value, as written)."""
    amount = _child(holder, "СумНал")
    if amount is not None and (amount.text or "").strip():
        return _money(amount.text), (amount.text or "").strip()
    without = _child(holder, "БезНДС")
    if without is not None:
        return "0.00", (without.text or "без НДС").strip()
    return None, None


def _item(row: Element) -> LineItem:
    extra = _child(row, "ДопСведТов")
    vat, _ = _vat(_child(row, "СумНал"))
    return LineItem(
        number=_attr(row, "НомСтр") or "",
        name=_attr(row, "НаимТов") or "",
        unit=_attr(row, "НаимЕдИзм") or _attr(extra, "НаимЕдИзм") or _attr(row, "ОКЕИ_Тов"),
        quantity=_attr(row, "КолТов"),
        price=_attr(row, "ЦенаТов"),
        net=_money(_attr(row, "СтТовБезНДС")),
        rate=_attr(row, "НалСт"),
        vat=vat,
        total=_money(_attr(row, "СтТовУчНал")),
    )


def _parse(path: str) -> Element:
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    name = os.path.basename(path)
    data = read_within(path, MAX_XML_BYTES, "an XML of ")
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnknownXmlError(f"{name}: XML с DTD или сущностями не читается / an XML with a DTD or entities "
                              f"is refused: {exc}", path=path) from exc
    except (ParseError, LookupError, ValueError) as exc:  # LookupError: an encoding Python does not know
        raise InvalidXmlError(f"{name}: повреждённый XML / a damaged XML: {exc}", path=path) from exc


def read_edo(path: str | os.PathLike[str]) -> EdoDocument:
    """The УПД or счёт-фактура of a seller's ЭДО file; :class:`UnknownXmlError` for any other XML."""
    path = os.fspath(path)
    name = os.path.basename(path)
    root = _parse(path)
    document = _child(root, "Документ")
    knd = _attr(document, "КНД") or ""
    if _local(root.tag) != "Файл" or document is None or knd not in KND_CODES:
        what = f"<{_local(root.tag)}>" + (f", КНД {knd}" if knd else "")
        raise UnknownXmlError(
            f"{name}: XML неизвестного формата ({what}); читаются УПД и счета-фактуры ФНС (КНД 1115131, "
            f"форматы 5.01–5.03) / an XML of no known format ({what}); finarchive reads the ФНС УПД and "
            "счёт-фактура (КНД 1115131, formats 5.01-5.03)", path=path)
    function = _attr(document, "Функция") or ""
    if function not in FUNCTIONS:
        raise UnknownXmlError(f"{name}: функция документа {function!r} не известна / unknown function "
                              f"{function!r} (expected СЧФ, СЧФДОП or ДОП)", path=path)
    info = _child(document, "СвСчФакт")
    number = _attr(info, "НомерДок", "НомерСчФ")
    date = _iso_date(_attr(info, "ДатаДок", "ДатаСчФ"))
    if info is None or not number or not date:
        raise InvalidXmlError(f"{name}: в УПД нет номера или даты (СвСчФакт @НомерДок/@ДатаДок) / the file lacks "
                              "the document's number or date", path=path)
    code = _attr(_child(info, "ДенИзм"), "КодОКВ") or _attr(info, "КодОКВ")
    table = _child(document, "ТаблСчФакт")
    totals = _child(table, "ВсегоОпл")
    vat, vat_raw = _vat(_child(totals, "СумНалВсего"))
    return EdoDocument(
        format_version=_attr(root, "ВерсФорм") or "", knd=knd, function=function,
        file_id=_attr(root, "ИдФайл") or "", number=number, date=date,
        currency=CURRENCIES.get(code or "", code),
        seller=_party(_child(info, "СвПрод")), buyer=_party(_child(info, "СвПокуп")),
        items=tuple(_item(row) for row in _children(table, "СведТов")),
        total_net=_money(_attr(totals, "СтТовБезНДСВсего")), total=_money(_attr(totals, "СтТовУчНалВсего")),
        vat=vat, vat_raw=vat_raw,
    )


# The columns of the rendered table: №, name, unit, quantity, price, net, rate, VAT, total.
ITEM_COLUMNS = (0.0, 0.04, 0.40, 0.47, 0.55, 0.64, 0.74, 0.81, 0.90)


def _ru_date(iso: str) -> str:
    return ".".join(reversed(iso.split("-")))


def _party_rows(label: str, whose: str, party: Party, prefix: str) -> list[Row]:
    """``label`` as printed (Продавец), ``whose`` its genitive (продавца)."""
    rows: list[Row] = [(Cell(f"{label}:"), Cell(party.name or "—", 0.22, tag=f"{prefix}_name"))]
    if party.address:
        rows.append((Cell("Адрес:"), Cell(party.address, 0.22, tag=f"{prefix}_address")))
    ids: list[Cell] = [Cell(f"ИНН/КПП {whose}:")]
    ids.append(Cell(party.inn or "—", 0.22, tag=f"{prefix}_inn"))
    if party.kpp:
        ids += [Cell("/", 0.32), Cell(party.kpp, 0.34, tag=f"{prefix}_kpp")]
    rows.append(tuple(ids))
    return rows


def edo_rows(doc: EdoDocument) -> list[Row]:
    """The document as rows of a readable page: the title, the parties, the table, the totals, the file."""
    rows: list[Row] = [
        (Cell(doc.title),),
        (Cell("Счёт-фактура №" if doc.function != "ДОП" else "Документ №"), Cell(doc.number, 0.22, tag="number"),
         Cell("от", 0.40), Cell(_ru_date(doc.date), 0.43, tag="date")),
        (Cell("Функция:"), Cell(doc.function, 0.22, tag="function")),
        (),
    ]
    rows += _party_rows("Продавец", "продавца", doc.seller, "seller")
    rows.append(())
    rows += _party_rows("Покупатель", "покупателя", doc.buyer, "buyer")
    if doc.currency:
        rows.append((Cell("Валюта:"), Cell(doc.currency, 0.22, tag="currency")))
    rows.append(())
    header = ("№", "Наименование товара", "Ед.", "Кол-во", "Цена", "Без НДС", "Ставка", "НДС", "С НДС")
    rows.append(tuple(Cell(text, col) for text, col in zip(header, ITEM_COLUMNS, strict=True)))
    for item in doc.items:
        values = (item.number, item.name, item.unit, item.quantity, item.price, item.net, item.rate, item.vat,
                  item.total)
        rows.append(tuple(Cell(v, col) for v, col in zip(values, ITEM_COLUMNS, strict=True) if v))
    rows.append((Cell("Всего к оплате", 0.04), Cell(doc.total_net or "", ITEM_COLUMNS[5], tag="total_net"),
                 Cell(doc.vat_raw if doc.vat == "0.00" and doc.vat_raw else doc.vat or "", ITEM_COLUMNS[7],
                      tag="vat"),
                 Cell(doc.total or "", ITEM_COLUMNS[8], tag="total")))
    rows += [(), (Cell(f"Электронный документ ЭДО: формат ФНС {doc.format_version}, КНД {doc.knd}"),),
             (Cell(f"Файл: {doc.file_id}"),)]
    return rows


def lay_out_edo(doc: EdoDocument) -> LaidOut:
    return lay_out(edo_rows(doc))


def edo_fields(doc: EdoDocument) -> dict[str, tuple[str, str]]:
    """Field name → (normalised value, as written in the XML), for every field the document has."""
    values: dict[str, tuple[str, str] | None] = {
        "number": (doc.number, doc.number),
        "date": (doc.date, _ru_date(doc.date)),
        "function": (doc.function, doc.function),
        "seller_name": (doc.seller.name, doc.seller.name) if doc.seller.name else None,
        "seller_address": (doc.seller.address, doc.seller.address) if doc.seller.address else None,
        "seller_inn": (doc.seller.inn, doc.seller.inn) if doc.seller.inn else None,
        "seller_kpp": (doc.seller.kpp, doc.seller.kpp) if doc.seller.kpp else None,
        "buyer_name": (doc.buyer.name, doc.buyer.name) if doc.buyer.name else None,
        "buyer_inn": (doc.buyer.inn, doc.buyer.inn) if doc.buyer.inn else None,
        "buyer_kpp": (doc.buyer.kpp, doc.buyer.kpp) if doc.buyer.kpp else None,
        "currency": (doc.currency, doc.currency) if doc.currency else None,
        "total_net": (doc.total_net, doc.total_net) if doc.total_net else None,
        "total": (doc.total, doc.total) if doc.total else None,
        "vat": (doc.vat, doc.vat_raw or doc.vat) if doc.vat else None,
    }
    return {name: v for name, v in values.items() if v is not None}
