"""The statutory Russian forms as 1C:Бухгалтерия / 1C:Управление торговлей print them.

- УПД per the ФНС recommended form (письмо ФНС от 21.10.2013 № ММВ-20-3/96@), status box «1» or «2»;
- ТОРГ-12 (постановление Госкомстата от 25.12.98 № 132) with its codes box and 15 numbered columns;
- счёт-фактура per постановление Правительства № 1137 (lines 1–8, columns 1–11);
- счёт на оплату with the bank box «Образец заполнения платёжного поручения», also titled «Счёт-оферта»
  or «Счёт-договор» (with contract clauses under the table);
- акт выполненных работ / оказанных услуг (Исполнитель / Заказчик);
- кассовый чек with the 54-ФЗ requisites and its fiscal QR (t=…&s=…&fn=…&i=…&fp=…&n=1, a real QR code);
- отчёт о закрытии смены (Z-report) with its ФД and ФП.

Each template returns a ``Doc`` whose ``fields`` are what it printed, normalised as DESIGN.md says:
waybill/invoice/act carry number, date, seller_inn, seller_kpp, buyer_inn, total, vat, order_no; upd and
vat_invoice add buyer_kpp; receipts carry fn_no, fd_no, fp, vat, cash_total, card_total, seller_inn;
the Z-report carries fd_no. All companies are invented; ИНН check digits are valid.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import _data as D
from _docs import (
    _SLIP_MONEY,
    Doc,
    Goods,
    Slip,
    _goods_meta,
    _inn_kpp,
    _kkt,
    _maybe_stamp,
    _ru_date,
    _ru_money,
    _sheet,
    _sign_block,
    _text_w,
    doc_number,
    goods_gross,
    goods_net,
    order_number,
    pick_rate,
)
from _layout import Sheet

Money = Decimal

WORKS = (  # acts: works and services an outlet chain buys (invented wording, priced in roubles)
    ("Техническое обслуживание контрольно-кассовой техники", (1500, 6000)),
    ("Доставка товара до торговой точки", (900, 4500)),
    ("Аренда торгового места за месяц", (25000, 90000)),
    ("Размещение рекламных материалов в торговом центре", (8000, 30000)),
    ("Абонентское обслуживание программы учёта", (3000, 12000)),
    ("Монтаж торгового оборудования", (5000, 25000)),
    ("Уборка помещения торгового зала", (4000, 15000)),
    ("Ремонт смартфона (замена дисплея)", (2500, 9000)),
    ("Охрана объекта, пультовое наблюдение", (3500, 9000)),
    ("Услуги связи и передачи данных", (1200, 5000)),
)


def _fields(number: str, d: date, seller: D.Party, buyer: D.Party, goods: Goods, order: str | None,
            buyer_kpp: bool = False) -> dict[str, str]:
    out = {"number": number, "date": d.isoformat(), "seller_inn": seller.inn}
    if seller.kpp:
        out["seller_kpp"] = seller.kpp
    out["buyer_inn"] = buyer.inn
    if buyer_kpp and buyer.kpp:
        out["buyer_kpp"] = buyer.kpp
    out["total"] = D.money(goods.total)
    out["vat"] = D.money(goods.vat)
    if order:
        out["order_no"] = order
    out.update({"seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"})
    return out


_FORM_FAMILIES = ("LiberationSans", "LiberationSansNarrow", "DejaVuSansCondensed")


def _days_before(rng: random.Random, d: date, lo: int, hi: int) -> str:
    """A date a few days before ``d`` (an order, a contract), dotted."""
    return (d - timedelta(days=rng.randrange(lo, hi))).strftime("%d.%m.%Y")


def _words_date(d: date) -> str:
    return D.DATE_FORMATS_RU["words"](d)


# --- УПД (ФНС form) ------------------------------------------------------------------------------

_UPD_COLUMNS = ["Код товара/ работ, услуг", "№ п/п",
                ("Наименование товара (описание выполненных работ, оказанных услуг), имущественного права"),
                "Код вида товара", "Единица измерения код",
                "условное обозна-чение (нацио-нальное)", "Коли-чество (объём)", "Цена (тариф) за единицу измерения",
                "Стоимость товаров (работ, услуг), имуществен-ных прав без налога — всего",
                "В том числе сумма акциза", "Нало-говая ставка", "Сумма налога, предъяв-ляемая покупателю",
                "Стоимость товаров (работ, услуг), имуществен-ных прав с налогом — всего",
                "Страна происхождения товара (код / краткое наимено-вание)", "Регистрационный номер декларации"]
_UPD_NUMBERS = ["А", "1", "1а", "1б", "2", "2а", "3", "4", "5", "6", "7", "8", "9", "10", "11"]
_UPD_WIDTHS: list[float] = [150, 90, 640, 120, 120, 150, 150, 230, 270, 150, 130, 230, 270, 200, 210]


def upd_fns(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d)
    status = rng.choice(("1", "1", "2"))
    goods = goods_net(rng, "ru", rng.randrange(1, 7), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng, landscape=True, family=rng.choice(_FORM_FAMILIES))
    x0, left_w = 110, 430
    right = s.width - 110
    # the left column: title and status box
    s.rect(x0, 110, x0 + left_w, 560, width=3)
    s.text(x0 + 20, 130, "Универсальный", 40, bold=True)
    s.text(x0 + 20, 180, "передаточный", 40, bold=True)
    s.text(x0 + 20, 230, "документ", 40, bold=True)
    s.text(x0 + 20, 320, "Статус:", 32)
    s.rect(x0 + 170, 305, x0 + 250, 375, width=4)
    s.text(x0 + 210, 315, status, 44, bold=True, anchor="c")
    s.paragraph(x0 + 20, 400, left_w - 40, "1 — счёт-фактура и передаточный документ (акт)", 24)
    s.paragraph(x0 + 20, 470, left_w - 40, "2 — передаточный документ (акт)", 24)
    hx = x0 + left_w + 40
    s.text(right, 110, "Приложение № 1 к письму ФНС России от 21.10.2013 № ММВ-20-3/96@", 24, anchor="r")
    y: float = 150
    s.text(hx, y, f"Счёт-фактура № {number} от {_ru_date(rng, ('dotted', 'words'))(d)}", 42, bold=True)
    s.text(right - 120, y + 8, "(1)", 26)
    y += 60
    s.text(hx, y, "Исправление № -- от --", 30)
    s.text(right - 120, y, "(1а)", 26)
    y += 50
    ship = f"№ п/п 1-{len(goods.lines)} № {number} от {d.strftime('%d.%m.%Y')}"
    seller_name = seller.full_name if rng.random() < 0.4 else seller.name
    rows = [("Продавец", seller_name, "(2)"),
            ("Адрес", seller.address, "(2а)"), ("ИНН/КПП продавца", f"{seller.inn}/{seller.kpp}", "(2б)"),
            ("Грузоотправитель и его адрес", "он же", "(3)"),
            ("Грузополучатель и его адрес", f"{buyer.name}, {buyer.address}", "(4)"),
            ("К платёжно-расчётному документу", "№ -- от --", "(5)"),
            ("Документ об отгрузке", ship, "(5а)"),
            ("Покупатель", buyer.name, "(6)"), ("Адрес", buyer.address, "(6а)"),
            ("ИНН/КПП покупателя", f"{buyer.inn}/{buyer.kpp}", "(6б)"),
            ("Валюта: наименование, код", "Российский рубль, 643", "(7)"),
            ("Идентификатор государственного контракта, договора (соглашения) (при наличии)", "", "(8)")]
    for label, value, code in rows:
        s.text(hx, y, label + ":", 27)
        s.text(hx + _text_w(s, label + ":", 27) + 20, y, value, 27, bold=label in ("Продавец", "Покупатель"))
        s.text(right - 120, y, code, 24)
        y += 40
    y = max(y, 580) + 20
    body = [_UPD_COLUMNS, _UPD_NUMBERS]
    for i, ln in enumerate(goods.lines, 1):
        body.append([D.digits(rng, 5), str(i), ln.name, "--", "796", "шт", str(ln.qty), mfmt(ln.price),
                     mfmt(ln.net), "без акциза", f"{goods.rate}%", mfmt(ln.vat), mfmt(ln.total), "--", "--"])
    body.append(["", "", "Всего к оплате (9)", "", "", "", "", "", mfmt(goods.net), "х", "", mfmt(goods.vat),
                 mfmt(goods.total), "", ""])
    y, _ = s.table(x0, y, _UPD_WIDTHS, body, 22, header_rows=2, aligns="llllllrrrrcrrll", pad=6,
                   bold_rows=(len(body) - 1,))
    y += 30
    sy = y
    _sign_block(s, x0, y, [("Руководитель организации или иное уполномоченное лицо", seller.director.short)], rng, 24)
    _sign_block(s, x0 + 1750, y, [("Главный бухгалтер или иное уполномоченное лицо", seller.accountant.short)], rng, 24)
    y = sy + 80
    s.text(x0, y, "Индивидуальный предприниматель или иное уполномоченное лицо ________  ________  "
           "(реквизиты свидетельства о государственной регистрации ИП)", 22)
    y += 50
    s.line(x0, y, right, y, width=2)
    y += 16
    order_date = d - timedelta(days=rng.randrange(1, 8))
    s.text(x0, y, f"Основание передачи (сдачи) / получения (приёмки): Заказ покупателя № {order} от "
           f"{order_date.strftime('%d.%m.%Y')}", 24)
    s.text(right, y, "[8]", 22, anchor="r")
    y += 40
    s.text(x0, y, "Данные о транспортировке и грузе: --", 24)
    s.text(right, y, "[9]", 22, anchor="r")
    y += 46
    mid = x0 + (right - x0) / 2
    col = [("Товар (груз) передал / услуги, результаты работ, права сдал", "[10]"),
           (f"Дата отгрузки, передачи (сдачи): {D.DATE_FORMATS_RU['quoted'](d)}", "[11]"),
           ("Иные сведения об отгрузке, передаче: --", "[12]"),
           ("Ответственный за правильность оформления факта хозяйственной жизни", "[13]"),
           ((f"Наименование экономического субъекта — составителя документа: {seller.name}, ИНН/КПП "
             f"{seller.inn}/{seller.kpp}"), "[14]")]
    col2 = [("Товар (груз) получил / услуги, результаты работ, права принял", "[15]"),
            ("Дата получения (приёмки): «__» ________ 20__ г.", "[16]"),
            ("Иные сведения о получении, приёмке: --", "[17]"),
            ("Ответственный за правильность оформления факта хозяйственной жизни", "[18]"),
            ((f"Наименование экономического субъекта — составителя документа: {buyer.name}, ИНН/КПП "
              f"{buyer.inn}/{buyer.kpp}"), "[19]")]
    for (a, ca), (b, cb) in zip(col, col2, strict=True):
        ya = s.paragraph(x0, y, mid - x0 - 120, a, 22)
        s.text(mid - 40, y, ca, 20, anchor="r")
        yb = s.paragraph(mid + 20, y, right - mid - 140, b, 22)
        s.text(right, y, cb, 20, anchor="r")
        if ca == "[10]":
            s.signature(x0 + 500, ya + 10, 260, rng.randrange(10**9))
            s.text(x0 + 900, ya, f"/{seller.director.short}/", 22)
            ya += 50
        y = max(ya, yb) + 12
    _maybe_stamp(s, rng, x0 + 1100, min(y - 120, s.height - 260), seller, 0.7)
    meta = _goods_meta(goods, f"upd-fns-status{status}")
    fields = _fields(number, d, seller, buyer, goods, order, buyer_kpp=True)
    fields["seller_name"] = seller_name
    return Doc("upd", "ru", fields, [s], {**meta, "status": status})


# --- ТОРГ-12 ----------------------------------------------------------------------------------

_TORG12_HEADER = ["Но-мер по по-рядку", "Товар наименование, характеристика, сорт, артикул товара", "Товар код",
                  "Единица измерения наиме-нование", "код по ОКЕИ", "Вид упаков-ки",
                  "Количество в одном месте", "Количество мест, штук", "Масса брутто",
                  "Количество (масса нетто)", "Цена, руб. коп.", "Сумма без учёта НДС, руб. коп.",
                  "НДС ставка, %", "НДС сумма, руб. коп.", "Сумма с учётом НДС, руб. коп."]
_TORG12_WIDTHS: list[float] = [110, 760, 140, 150, 130, 130, 150, 150, 140, 180, 230, 280, 130, 250, 300]


def torg12_1c(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d)
    goods = goods_net(rng, "ru", rng.randrange(2, 9), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng, landscape=True, family=rng.choice(_FORM_FAMILIES))
    x0, right = 110, s.width - 110
    s.text(right, 90, "Унифицированная форма № ТОРГ-12", 24, anchor="r")
    s.text(right, 124, "Утверждена постановлением Госкомстата России от 25.12.98 № 132", 24, anchor="r")
    codes = [["", "Коды"], ["Форма по ОКУД", "0330212"], ["по ОКПО", D.digits(rng, 8)], ["", ""],
             ["Вид деятельности по ОКДП", ""], ["номер", "--"], ["дата", "--"], ["номер", "--"], ["дата", "--"],
             ["Вид операции", ""]]
    s.table(right - 560, 170, [330, 230], codes, 22, aligns="rc", pad=6)
    y: float = 180
    lines = [("Грузоотправитель", (f"{seller.full_name}, {_inn_kpp(seller)}, {seller.address}, "
                                   f"р/с {seller.account}, в банке {seller.bank}, БИК {seller.bik}")),
             ("", "структурное подразделение"),
             ("Грузополучатель", f"{buyer.name}, {_inn_kpp(buyer)}, {buyer.address}"),
             ("Поставщик", f"{seller.name}, {_inn_kpp(seller)}, {seller.address}"),
             ("Плательщик", f"{buyer.name}, {_inn_kpp(buyer)}, {buyer.address}"),
             ("Основание", f"Заказ покупателя № {order} от {_days_before(rng, d, 1, 9)}")]
    for label, value in lines:
        s.text(x0, y, label, 24)
        yy = s.paragraph(x0 + 300, y, right - 620 - x0 - 300, value, 24 if label else 18)
        s.line(x0 + 300, yy - 4, right - 620, yy - 4, width=1)
        y = yy + 8
    y = max(y, 620) + 20
    s.text(x0 + 400, y + 20, "ТОВАРНАЯ НАКЛАДНАЯ", 44, bold=True)
    s.table(x0 + 1100, y, [330, 330], [["Номер документа", "Дата составления"],
                                      [number, d.strftime("%d.%m.%Y")]], 26)
    s.text(right - 400, y + 30, "Страница 1", 24)
    y += 140
    header = [_TORG12_HEADER, [str(i) for i in range(1, 16)]]
    body = []
    for i, ln in enumerate(goods.lines, 1):
        body.append([str(i), ln.name, D.digits(rng, 5), "шт", "796", "", "", "", "", str(ln.qty), mfmt(ln.price),
                     mfmt(ln.net), f"{goods.rate}%" if goods.rate else "без НДС", mfmt(ln.vat), mfmt(ln.total)])
    qty = str(sum(ln.qty for ln in goods.lines))
    totals = ["", "", "", "", "", "", "", "", "", qty, "х", mfmt(goods.net), "х", mfmt(goods.vat), mfmt(goods.total)]
    rows = header + body + [["Итого", *totals[1:]], ["Всего по накладной", *totals[1:]]]
    y, _ = s.table(x0, y, _TORG12_WIDTHS, rows, 22, header_rows=2, aligns="llllllrrrrrrcrr", pad=6,
                   bold_rows=(len(rows) - 2, len(rows) - 1))
    y += 24
    s.text(x0, y, f"Товарная накладная имеет приложение на ____ листах и содержит "
           f"{D.rubles_in_words(Decimal(len(goods.lines))).split(' рубл')[0].lower()} порядковых номеров записей", 24)
    y += 40
    s.text(x0, y, f"Всего отпущено на сумму: {D.rubles_in_words(goods.total)}", 24, bold=True)
    y += 56
    top = y
    y = _sign_block(s, x0, y, [("Отпуск разрешил  Генеральный директор", seller.director.short),
                               ("Главный (старший) бухгалтер", seller.accountant.short),
                               ("Отпуск груза произвёл  Кладовщик", D.person(rng).short)], rng, 24)
    s.text(x0, y, "М.П.", 26)
    s.text(x0 + 300, y, f"«{d.day:02d}» {D.MONTHS_RU_GEN[d.month - 1]} {d.year} года", 24)
    mid = x0 + 1700
    s.text(mid, top, "По доверенности № ____ от «__» ______ 20__ г.", 24)
    _sign_block(s, mid, top + 60, [("Груз принял", buyer.director.short),
                                   ("Груз получил грузополучатель", D.person(rng).short)], rng, 24)
    s.text(mid, top + 260, "М.П.   «__» __________ 20__ года", 24)
    _maybe_stamp(s, rng, x0 + 1250, top + 140, seller, 0.75)
    return Doc("waybill", "ru", _fields(number, d, seller, buyer, goods, order), [s], _goods_meta(goods, "torg12-1c"))


# --- счёт-фактура (постановление № 1137) --------------------------------------------------------

_SF_COLUMNS = ["Наименование товара (описание выполненных работ, оказанных услуг), имущественного права",
               "Код вида товара", "Единица измерения код", "условное обозна-чение (нацио-нальное)",
               "Коли-чество (объём)", "Цена (тариф) за единицу измерения",
               "Стоимость товаров (работ, услуг), имущественных прав без налога — всего",
               "В том числе сумма акциза", "Налоговая ставка", "Сумма налога, предъявляемая покупателю",
               "Стоимость товаров (работ, услуг), имущественных прав с налогом — всего",
               "Страна происхождения товара цифровой код", "краткое наимено-вание",
               "Регистрационный номер декларации на товары"]
_SF_NUMBERS = ["1", "1а", "2", "2а", "3", "4", "5", "6", "7", "8", "9", "10", "10а", "11"]
_SF_WIDTHS: list[float] = [760, 130, 130, 160, 150, 240, 300, 170, 150, 250, 300, 150, 170, 240]


def vat_invoice_1137(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    goods = goods_net(rng, "ru", rng.randrange(1, 8), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng, landscape=True, family=rng.choice(("LiberationSans", "DejaVuSansCondensed", "LiberationSerif")))
    x0, right = 120, s.width - 120
    for i, line in enumerate(("Приложение № 1", "к постановлению Правительства Российской Федерации",
                              "от 26 декабря 2011 г. № 1137",
                              ("(в редакции постановления Правительства Российской Федерации "
                               "от 16 августа 2024 г. № 1096)"))):
        s.text(right, 90 + i * 32, line, 22, anchor="r")
    y: float = 250
    s.text(x0, y, f"СЧЁТ-ФАКТУРА № {number} от {_ru_date(rng, ('dotted', 'words'))(d)}", 44, bold=True)
    s.text(x0 + 1500, y + 8, "(1)", 26)
    y += 62
    s.text(x0, y, "ИСПРАВЛЕНИЕ № -- от --", 30)
    s.text(x0 + 1500, y, "(1а)", 26)
    y += 56
    pay = f"№ {D.digits(rng, 3)} от {(d - timedelta(days=rng.randrange(0, 5))).strftime('%d.%m.%Y')}" \
        if rng.random() < 0.4 else "№ -- от --"
    rows = [("Продавец", seller.name, "(2)"), ("Адрес", seller.address, "(2а)"),
            ("ИНН/КПП продавца", f"{seller.inn}/{seller.kpp}", "(2б)"),
            ("Грузоотправитель и его адрес", "он же", "(3)"),
            ("Грузополучатель и его адрес", f"{buyer.name}, {buyer.address}", "(4)"),
            ("К платёжно-расчётному документу", pay, "(5)"),
            ("Документ об отгрузке", f"№ п/п 1-{len(goods.lines)} № {number} от {d.strftime('%d.%m.%Y')}", "(5а)"),
            ("Покупатель", buyer.name, "(6)"), ("Адрес", buyer.address, "(6а)"),
            ("ИНН/КПП покупателя", f"{buyer.inn}/{buyer.kpp}", "(6б)"),
            ("Валюта: наименование, код", "Российский рубль, 643", "(7)"),
            ("Идентификатор государственного контракта, договора (соглашения) (при наличии)", "", "(8)")]
    for label, value, code in rows:
        s.text(x0, y, label + ":", 28)
        s.text(x0 + _text_w(s, label + ":", 28) + 20, y, value, 28)
        s.line(x0 + _text_w(s, label + ":", 28) + 14, y + 36, x0 + 2400, y + 36, width=1)
        s.text(x0 + 2440, y, code, 24)
        y += 44
    y += 30
    body = [_SF_COLUMNS, _SF_NUMBERS]
    for ln in goods.lines:
        body.append([ln.name, "--", "796", "шт", str(ln.qty), mfmt(ln.price), mfmt(ln.net), "без акциза",
                     f"{goods.rate}%" if goods.rate else "без НДС", mfmt(ln.vat), mfmt(ln.total), "--", "--", "--"])
    body.append(["Всего к оплате", "", "", "", "", "", mfmt(goods.net), "х", "", mfmt(goods.vat), mfmt(goods.total),
                 "", "", ""])
    y, _ = s.table(x0, y, _SF_WIDTHS, body, 22, header_rows=2, aligns="lllllrrrcrrlll", pad=6,
                   bold_rows=(len(body) - 1,))
    y += 60
    _sign_block(s, x0, y, [("Руководитель организации или иное уполномоченное лицо", seller.director.short)], rng, 26)
    _sign_block(s, x0 + 1800, y, [("Главный бухгалтер или иное уполномоченное лицо", seller.accountant.short)], rng, 26)
    y += 110
    s.text(x0, y, "Индивидуальный предприниматель или иное уполномоченное лицо ________  ________", 24)
    s.text(x0 + 1800, y, "(реквизиты свидетельства о государственной регистрации индивидуального предпринимателя)", 20)
    return Doc("vat_invoice", "ru", _fields(number, d, seller, buyer, goods, None, buyer_kpp=True), [s],
               _goods_meta(goods, "sf-1137-1c"))


# --- счёт на оплату / счёт-оферта / счёт-договор --------------------------------------------------

BILL_TITLES = ("Счет на оплату", "Счёт на оплату", "Счет-оферта", "Счет-договор")
_OFFER_CLAUSES = (
    ("1. Настоящий счёт является офертой. Оплата счёта означает акцепт оферты и согласие Покупателя с "
     "условиями поставки товара."),
    ("2. Поставщик обязуется передать товар в течение 5 (пяти) рабочих дней с даты поступления оплаты на "
     "расчётный счёт Поставщика."),
    ("3. Счёт действителен к оплате в течение 3 (трёх) банковских дней. Товар отпускается по факту "
     "прихода денег на р/с Поставщика, самовывозом, при наличии доверенности и паспорта."),
    ("4. Исполнитель (Поставщик) не несёт ответственности за задержку поставки, вызванную действиями "
     "Заказчика (Покупателя). Споры разрешаются в арбитражном суде по месту нахождения Поставщика."),
)


def bill_1c(rng: random.Random, title: str | None = None) -> Doc:
    title = title or rng.choice(BILL_TITLES)
    seller = D.party(rng, sole_trader=rng.random() < 0.2)
    buyer = D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d) if rng.random() < 0.7 else None
    rate = rng.choice((20, 20, 20, 10, 0)) if seller.kpp else 0
    goods = goods_gross(rng, "ru", rng.randrange(1, 7), rate, wholesale=True)
    mfmt = _ru_money(rng)
    s = _sheet(rng, family=rng.choice(("LiberationSans", "DejaVuSans", "LiberationSansNarrow")))
    x0, right = 160, s.width - 160
    y: float = 150
    y = s.paragraph(x0 + 200, y, right - x0 - 400, "Внимание! Оплата данного счета означает согласие с условиями "
                    "поставки товара. Уведомление об оплате обязательно, в противном случае не гарантируется "
                    "наличие товара на складе. Товар отпускается по факту прихода денег на р/с Поставщика, "
                    "самовывозом, при наличии доверенности и паспорта.", 24) + 20
    s.text(s.width / 2, y, "Образец заполнения платежного поручения", 30, bold=True, anchor="c")
    y += 56
    kpp = f"КПП {seller.kpp}" if seller.kpp else "КПП"
    bank = [[seller.bank, "БИК", seller.bik], ["Банк получателя", "Сч. №", seller.corr_account],
            [f"ИНН {seller.inn}        {kpp}", "Сч. №", seller.account],
            [seller.name, "", ""], ["Получатель", "", ""]]
    y, _ = s.table(x0, y, [1240, 180, 740], bank, 28, header_rows=0, pad=10)
    y += 80
    s.text(x0, y, f"{title} № {number} от {_words_date(d)}", 50, bold=True)
    y += 80
    s.line(x0, y, right, y, width=6)
    y += 40
    parts = [("Поставщик (Исполнитель):", f"{seller.name}, {_inn_kpp(seller)}, {seller.address}, тел.: {seller.phone}"),
             ("Покупатель (Заказчик):", f"{buyer.name}, {_inn_kpp(buyer)}, {buyer.address}")]
    if order:
        parts.append(("Основание:", f"Заказ покупателя № {order} от {_days_before(rng, d, 0, 4)}"))
    for label, value in parts:
        s.text(x0, y, label, 28)
        y = s.paragraph(x0 + 480, y, right - x0 - 480, value, 30, bold=True) + 24
    y += 20
    rows = [["№", "Товары (работы, услуги)", "Кол-во", "Ед.", "Цена", "Сумма"]]
    rows += [[str(i), ln.name, str(ln.qty), "шт", mfmt(ln.price), mfmt(ln.total)]
             for i, ln in enumerate(goods.lines, 1)]
    y, _ = s.table(x0, y, [90, 1130, 190, 110, 320, 320], rows, 28, aligns="llrlrr", pad=10)
    y += 30
    vat_line = (f"В том числе НДС {rate}%:", mfmt(goods.vat)) if rate else ("Без налога (НДС)", "-")
    for label, value in (("Итого:", mfmt(goods.total)), vat_line, ("Всего к оплате:", mfmt(goods.total))):
        s.text(right - 360, y, label, 30, bold=True, anchor="r")
        s.text(right, y, value, 30, bold=True, anchor="r")
        y += 50
    y += 20
    s.text(x0, y, f"Всего наименований {len(goods.lines)}, на сумму {mfmt(goods.total)} руб.", 28)
    y += 44
    s.text(x0, y, D.rubles_in_words(goods.total), 30, bold=True)
    y += 70
    if title != "Счет на оплату" and title != "Счёт на оплату":
        for clause in _OFFER_CLAUSES[: 4 if title == "Счет-договор" else 3]:
            y = s.paragraph(x0, y, right - x0, clause, 24) + 10
        y += 20
    s.line(x0, y, right, y, width=6)
    y += 70
    roles = [("Руководитель", seller.director.short)] + ([("Бухгалтер", seller.accountant.short)] if seller.kpp else [])
    if title == "Счет-договор":
        s.text(x0, y, "Поставщик:", 30, bold=True)
        s.text(x0 + 1150, y, "Покупатель:", 30, bold=True)
        _sign_block(s, x0, y + 60, roles[:1], rng, 28)
        _sign_block(s, x0 + 1150, y + 60, [("Руководитель", buyer.director.short)], rng, 28)
    else:
        _sign_block(s, x0, y, roles, rng, 30)
    _maybe_stamp(s, rng, x0 + 700, y + 80, seller, 0.6)
    fields = _fields(number, d, seller, buyer, goods, order)
    if not rate:
        fields.pop("vat")  # «Без налога (НДС)»: no VAT printed as an amount
    layout = {"Счет на оплату": "bill-1c", "Счёт на оплату": "bill-1c", "Счет-оферта": "bill-offer-1c",
              "Счет-договор": "bill-contract-1c"}[title]
    return Doc("invoice", "ru", fields, [s], {**_goods_meta(goods, layout), "title": title})


# --- акт выполненных работ / оказанных услуг --------------------------------------------------------

ACT_TITLES = ("Акт № {n} от {d}", "Акт выполненных работ № {n} от {d}", "Акт об оказании услуг № {n} от {d}",
              "Акт сдачи-приёмки оказанных услуг № {n} от {d}")


def _works(rng: random.Random, n: int, rate: int) -> Goods:
    from _docs import goods_of_gross

    priced = []
    for name, price_range in rng.sample(WORKS, n):
        price = D.unit_price(rng, price_range, round_to=50)
        qty = rng.choice((1, 1, 1, 2, 3))
        priced.append((name, qty, price))
    return goods_of_gross(priced, rate)


def act_1c(rng: random.Random) -> Doc:
    seller = D.party(rng, sole_trader=rng.random() < 0.25)
    buyer = D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d) if rng.random() < 0.6 else None
    rate = rng.choice((20, 20, 0)) if seller.kpp else 0
    goods = _works(rng, rng.randrange(1, 5), rate)
    mfmt = _ru_money(rng)
    s = _sheet(rng, family=rng.choice(("LiberationSans", "DejaVuSans", "LiberationSerif")))
    x0, right = 170, s.width - 170
    y: float = 220
    title = rng.choice(ACT_TITLES).format(n=number, d=_words_date(d))
    s.text(x0, y, title, 48, bold=True)
    y += 80
    s.line(x0, y, right, y, width=6)
    y += 40
    basis = []
    if rng.random() < 0.7:
        basis.append(f"Договор № {D.digits(rng, 2)}/{d.year % 100} от {_days_before(rng, d, 30, 300)}")
    if order:
        basis.append(f"Заказ № {order}")
    parts = [("Исполнитель:", f"{seller.name}, {_inn_kpp(seller)}, {seller.address}"),
             ("Заказчик:", f"{buyer.name}, {_inn_kpp(buyer)}, {buyer.address}")]
    if basis:
        parts.append(("Основание:", ", ".join(basis)))
    for label, value in parts:
        s.text(x0, y, label, 30)
        y = s.paragraph(x0 + 330, y, right - x0 - 330, value, 32, bold=label != "Основание:") + 24
    y += 30
    rows = [["№", "Наименование работ, услуг", "Кол-во", "Ед.", "Цена", "Сумма"]]
    rows += [[str(i), ln.name, str(ln.qty), rng.choice(("усл", "шт", "мес")), mfmt(ln.price), mfmt(ln.total)]
             for i, ln in enumerate(goods.lines, 1)]
    y, _ = s.table(x0, y, [90, 1150, 170, 120, 310, 300], rows, 30, aligns="llrlrr", pad=10)
    y += 30
    vat_line = (f"В том числе НДС {rate}%:", mfmt(goods.vat)) if rate else ("Без налога (НДС)", "-")
    for label, value in (("Итого:", mfmt(goods.total)), vat_line):
        s.text(right - 360, y, label, 32, bold=True, anchor="r")
        s.text(right, y, value, 32, bold=True, anchor="r")
        y += 54
    y += 20
    s.text(x0, y, f"Всего оказано услуг {len(goods.lines)}, на сумму {mfmt(goods.total)} руб.", 30)
    y += 48
    s.text(x0, y, D.rubles_in_words(goods.total), 30, bold=True)
    y += 80
    y = s.paragraph(x0, y, right - x0, "Вышеперечисленные услуги выполнены полностью и в срок. Заказчик претензий "
                    "по объёму, качеству и срокам оказания услуг не имеет.", 30) + 40
    s.line(x0, y, right, y, width=6)
    y += 60
    s.text(x0, y, "ИСПОЛНИТЕЛЬ", 32, bold=True)
    s.text(x0 + 1100, y, "ЗАКАЗЧИК", 32, bold=True)
    y += 60
    s.text(x0, y, seller.name, 28)
    s.text(x0 + 1100, y, buyer.name, 28)
    y += 70
    _sign_block(s, x0, y, [("", seller.director.short)], rng, 30, 700)
    _sign_block(s, x0 + 1100, y, [("", buyer.director.short)], rng, 30, 700)
    _maybe_stamp(s, rng, x0 + 450, y + 40, seller, 0.7)
    _maybe_stamp(s, rng, x0 + 1550, y + 40, buyer, 0.5)
    fields = _fields(number, d, seller, buyer, goods, order)
    if not rate:
        fields.pop("vat")
    return Doc("act", "ru", fields, [s], {**_goods_meta(goods, "act-1c"), "title": title.split(" №")[0]})


# --- кассовый чек (54-ФЗ) ------------------------------------------------------------------------


def fiscal_qr(dt: datetime, total: Money, fn: str, fd: str, fp: str, kind: int = 1) -> str:
    """The text of a receipt's QR (ФНС: t, s, fn, i, fp, n — n=1 is «приход»)."""
    return f"t={dt.strftime('%Y%m%dT%H%M')}&s={D.money(total)}&fn={fn}&i={fd}&fp={fp}&n={kind}"


def receipt_54fz(rng: random.Random) -> Doc:
    seller = D.party(rng, sole_trader=rng.random() < 0.25)
    d = D.random_date(rng)
    dt = datetime.combine(d, time(rng.randrange(8, 23), rng.randrange(0, 60)))
    rates = [rng.choice((20, 20, 10))]
    goods = goods_gross(rng, "ru", rng.randrange(1, 6), rates[0])
    line_rates = [rates[0] if rng.random() < 0.7 else (10 if rates[0] == 20 else 20) for _ in goods.lines]
    fmt: Callable[[Money], str] = _SLIP_MONEY[rng.choice(list(_SLIP_MONEY))]
    rn, fn, zn = _kkt(rng)
    fd = str(rng.randrange(1, 99999))
    fp = str(rng.randrange(10**8, 4 * 10**9))
    shift = rng.randrange(1, 500)
    slip = Slip(rng)
    slip.center(seller.name, bold=True)
    slip.center(seller.address)
    slip.left(f"ИНН {seller.inn}")
    slip.left("Место расчетов: " + rng.choice(("Магазин", "Торговый зал", "Салон связи", "Касса 1")))
    slip.gap()
    slip.center("КАССОВЫЙ ЧЕК", bold=True)
    slip.center("ПРИХОД")
    slip.lr(f"Смена № {shift}", f"Чек № {rng.randrange(1, 300)}")
    slip.lr("", _slip_fiscal_date(rng, dt))
    slip.rule()
    vat_by_rate: dict[int, Money] = {}
    total = Decimal(0)
    for i, (ln, rate) in enumerate(zip(goods.lines, line_rates, strict=True), 1):
        vat = D.vat_of_total(ln.total, rate)
        vat_by_rate[rate] = vat_by_rate.get(rate, Decimal(0)) + vat
        total += ln.total
        slip.left(f"{i}. {ln.name}")
        slip.lr(f"   {ln.qty} x {D.money(ln.price)}", fmt(ln.total))
        slip.lr(f"   НДС {rate}%", fmt(vat))
        if rng.random() < 0.5:
            slip.left("   ПОЛНЫЙ РАСЧЕТ  ТОВАР")
    slip.rule()
    slip.lr("ИТОГ", fmt(total), bold=True)
    how = rng.choice(("card", "card", "cash", "mixed"))
    cash = total if how == "cash" else Decimal(0)
    if how == "mixed":
        cash = (total * Decimal(rng.uniform(0.2, 0.8))).quantize(Decimal(1))
    card = total - cash
    show_zero = rng.random() < 0.5
    fields_pay: dict[str, str] = {}
    if cash or show_zero:
        slip.lr("НАЛИЧНЫМИ", fmt(cash))
        fields_pay["cash_total"] = D.money(cash)
    if card or show_zero:
        slip.lr("БЕЗНАЛИЧНЫМИ", fmt(card))
        fields_pay["card_total"] = D.money(card)
    if how == "cash" and rng.random() < 0.6:
        given = (total / 500).to_integral_value(rounding="ROUND_CEILING") * 500
        slip.lr("ПОЛУЧЕНО", fmt(given))
        slip.lr("СДАЧА", fmt(given - total))
    vat_total = Decimal(0)
    for rate in sorted(vat_by_rate, reverse=True):
        slip.lr(f"СУММА НДС {rate}%", fmt(vat_by_rate[rate]))
        vat_total += vat_by_rate[rate]
    slip.lr("СНО:", "ОСН" if seller.kpp else rng.choice(("ОСН", "УСН доход")))
    slip.lr("Кассир:", D.person(rng).short)
    slip.lr("РН ККТ:", rn)
    slip.lr("ЗН ККТ:", zn)
    slip.lr("ФН:", fn)
    slip.lr("ФД:", fd)
    slip.lr("ФП:", fp)
    slip.left("Сайт ФНС: www.nalog.gov.ru")
    cell = rng.choice((6, 7, 8))
    side = slip.sheet.qr(slip.width / 2, slip.y + 20, fiscal_qr(dt, total, fn, fd, fp), cell)
    slip.y += side + 60
    slip.center(rng.choice(("СПАСИБО ЗА ПОКУПКУ!", "Спасибо за покупку!", "ЖДЁМ ВАС СНОВА")))
    fields = {"date": d.isoformat(), "total": D.money(total), "vat": D.money(vat_total), **fields_pay,
              "seller_name": seller.name, "seller_address": seller.address, "seller_inn": seller.inn,
              "fn_no": fn, "fd_no": fd, "fp": fp}
    return Doc("receipt", "ru", fields, [slip.finish()],
               {"layout": "slip-54fz", "qr": fiscal_qr(dt, total, fn, fd, fp), "time": dt.strftime("%H:%M"),
                "payment": how, "vat_by_rate": {str(r): D.money(v) for r, v in sorted(vat_by_rate.items())}})


def _slip_fiscal_date(rng: random.Random, dt: datetime) -> str:
    return rng.choice((dt.strftime("%d.%m.%Y %H:%M"), dt.strftime("%d.%m.%y %H:%M")))


# --- отчёт о закрытии смены ---------------------------------------------------------------------


def z_report_54fz(rng: random.Random) -> Doc:
    seller = D.party(rng)
    d = D.random_date(rng)
    closed = datetime.combine(d, time(rng.randrange(20, 24), rng.randrange(0, 60)))
    shift = rng.randrange(1, 600)
    card = Decimal(rng.randrange(10_000_00, 500_000_00)) / 100
    cash = Decimal(rng.randrange(0, 80_000_00)) / 100
    total = cash + card
    refund = Decimal(rng.randrange(0, 5_000_00)) / 100 if rng.random() < 0.3 else Decimal(0)
    rn, fn, zn = _kkt(rng)
    fd = str(rng.randrange(100, 99999))
    fp = str(rng.randrange(10**8, 4 * 10**9))
    fmt = _SLIP_MONEY[rng.choice(list(_SLIP_MONEY))]
    slip = Slip(rng)
    slip.center(seller.name, bold=True)
    slip.center(seller.address)
    slip.left(f"ИНН {seller.inn}")
    slip.left("Место расчетов: " + rng.choice(("Магазин", "Торговый зал", "Салон связи")))
    slip.gap()
    slip.center("ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ", bold=True)
    slip.lr("Смена №", str(shift))
    slip.lr("Дата, время", closed.strftime("%d.%m.%Y %H:%M" if rng.random() < 0.6 else "%d.%m.%y %H:%M"))
    slip.lr("Кассир", D.person(rng).short)
    checks = rng.randrange(15, 250)
    slip.lr("Чеков за смену", str(checks))
    slip.lr("ФД за смену", str(checks + rng.randrange(2, 5)))
    slip.rule()
    slip.center("СЧЕТЧИКИ ИТОГОВ СМЕНЫ")
    slip.lr("ПРИХОД", str(checks))
    slip.lr("СУММА ПРИХОДА", fmt(total), bold=True)
    slip.lr("  НАЛИЧНЫМИ", fmt(cash))
    slip.lr("  БЕЗНАЛИЧНЫМИ", fmt(card))
    slip.lr("  СУММА НДС 20%", fmt(D.vat_of_total(total, 20)))
    slip.lr("ВОЗВРАТ ПРИХОДА", "1" if refund else "0")
    slip.lr("СУММА ВОЗВРАТА ПРИХОДА", fmt(refund))
    slip.rule()
    slip.lr("НАЛИЧНЫХ В КАССЕ", fmt(cash - refund + Decimal(rng.randrange(0, 5000))))
    slip.lr("НЕПЕРЕДАННЫХ ФД", "0")
    slip.lr("ФД НЕ ПЕРЕДАНЫ С", "--")
    slip.lr("РЕСУРС КЛЮЧЕЙ", f"{rng.randrange(100, 900)} ДН.")
    slip.rule()
    slip.lr("РН ККТ:", rn)
    slip.lr("ЗН ККТ:", zn)
    slip.lr("ФН:", fn)
    slip.lr("ФД:", fd)
    slip.lr("ФП:", fp)
    slip.left("Сайт ФНС: www.nalog.gov.ru")
    fields = {"date": d.isoformat(), "shift_no": str(shift), "total": D.money(total), "cash_total": D.money(cash),
              "card_total": D.money(card), "kkt_reg_no": rn, "fn_no": fn, "fd_no": fd, "seller_inn": seller.inn,
              "seller_name": seller.name, "seller_address": seller.address}
    return Doc("z_report", "ru", fields, [slip.finish()], {"layout": "slip-close-54fz", "fp": fp})


# The statutory forms by doc_type: what ``generate.py --mix forms`` draws from.
FORMS: dict[str, tuple[Callable[[random.Random], Doc], ...]] = {
    "upd": (upd_fns,),
    "waybill": (torg12_1c,),
    "vat_invoice": (vat_invoice_1137,),
    "invoice": (bill_1c,),
    "act": (act_1c,),
    "receipt": (receipt_54fz,),
    "z_report": (z_report_54fz,),
}
FORM_WEIGHTS = {"upd": 14, "waybill": 12, "vat_invoice": 10, "invoice": 18, "act": 14, "receipt": 20, "z_report": 12}

__all__ = ["ACT_TITLES", "BILL_TITLES", "FORMS", "FORM_WEIGHTS", "Sheet", "fiscal_qr"]
