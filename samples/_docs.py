"""Document templates: each builds the pages of one document and the truth of its fields.

A template is ``make(rng, lang) -> Doc``; ``TEMPLATES`` maps (doc_type, lang) to it. Every
value written to the truth is the value the template printed, normalised as DESIGN.md says.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from collections.abc import Callable

import _data as D
from _layout import A4, A4_LANDSCAPE, MONO_FAMILIES, PAGE_FAMILIES, Sheet

Money = Decimal


@dataclass
class Doc:
    doc_type: str
    lang: str
    fields: dict[str, str]
    sheets: list[Sheet]
    meta: dict[str, object] = field(default_factory=dict)


# --- goods lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    name: str
    qty: int
    price: Money  # unit price as printed (net or VAT-inclusive, per the document's style)
    net: Money
    vat: Money
    total: Money


@dataclass(frozen=True)
class Goods:
    lines: tuple[Line, ...]
    rate: int
    net: Money
    vat: Money
    total: Money


def _pick_goods(rng: random.Random, lang: str, n: int) -> list[tuple[str, tuple[int, int]]]:
    names = rng.sample(D.GOODS, min(n, len(D.GOODS)))
    while len(names) < n:
        names.append(rng.choice(D.GOODS))
    return [(g[1] if lang == "en" else g[0], g[2]) for g in names]


def goods_net(rng: random.Random, lang: str, n: int, rate: int, wholesale: bool = True) -> Goods:
    """Lines priced without VAT; VAT per line, the last line absorbing the rounding so that
    the sum of line VAT equals VAT of the net total; total*rate/(100+rate) gives the same VAT."""
    while True:
        lines = []
        for name, price_range in _pick_goods(rng, lang, n):
            lo, hi = price_range
            price = D.unit_price(rng, (int(lo * 0.6), int(hi * 0.7)) if wholesale else (lo, hi))
            price = (price / Decimal(1 + rate / 100)).quantize(D.KOPECK) if rng.random() < 0.5 else price
            qty = rng.choice((1, 2, 3, 5, 10, 12, 20, 24, 50)) if price < 3000 else rng.randrange(1, 11)
            net = (price * qty).quantize(D.KOPECK)
            lines.append([name, qty, price, net, D.vat_of_net(net, rate)])
        net = sum((ln[3] for ln in lines), Decimal(0))
        vat = D.vat_of_net(net, rate)
        lines[-1][4] += vat - sum((ln[4] for ln in lines), Decimal(0))
        total = net + vat
        if lines[-1][4] >= 0 and D.vat_of_total(total, rate) == vat:
            break
    return Goods(tuple(Line(a, b, c, d, e, d + e) for a, b, c, d, e in lines), rate, net, vat, total)


def goods_gross(rng: random.Random, lang: str, n: int, rate: int, wholesale: bool = False) -> Goods:
    """Lines priced with VAT included (retail bills and till slips): VAT = total*rate/(100+rate)."""
    priced = []
    for name, price_range in _pick_goods(rng, lang, n):
        lo, hi = price_range
        price = D.unit_price(rng, (int(lo * 0.75), int(hi * 0.85)) if wholesale else price_range)
        qty = 1 if price > 3000 or rng.random() < 0.6 else rng.randrange(2, 4 if not wholesale else 30)
        priced.append((name, qty, price))
    return goods_of_gross(priced, rate)


def goods_of_gross(priced: list[tuple[str, int, Decimal]], rate: int) -> Goods:
    """Goods from (name, quantity, price with VAT) lines: each line's VAT is inside its total, and so is
    the document's."""
    lines = []
    for name, qty, price in priced:
        total = (price * qty).quantize(D.KOPECK)
        vat = D.vat_of_total(total, rate)
        lines.append(Line(name, qty, price, total - vat, vat, total))
    total = sum((ln.total for ln in lines), Decimal(0))
    vat = D.vat_of_total(total, rate)
    return Goods(tuple(lines), rate, total - vat, vat, total)


def pick_rate(rng: random.Random) -> int:
    return rng.choices((20, 10, 0), weights=(85, 10, 5))[0]


def order_number(rng: random.Random, d: date) -> str:
    return rng.choice(D.ORDER_FORMATS)(rng, d)


def doc_number(rng: random.Random, d: date) -> str:
    return rng.choice(D.DOC_NUMBER_FORMATS)(rng, d)


def _party_fields(p: D.Party, prefix: str, with_kpp: bool = True) -> dict[str, str]:
    out = {f"{prefix}_inn": p.inn}
    if with_kpp and p.kpp:
        out[f"{prefix}_kpp"] = p.kpp
    return out


def _inn_kpp(p: D.Party) -> str:
    return f"ИНН {p.inn}" + (f", КПП {p.kpp}" if p.kpp else "")


def _rate_text(rate: int) -> str:
    return f"{rate}%"


def _sign_block(s: Sheet, x: float, y: float, roles: list[tuple[str, str]], rng: random.Random,
                size: int = 34, width: float = 900) -> float:
    """'Role ____ (signature) Name' lines; returns y below."""
    for role, name in roles:
        s.text(x, y, role, size)
        lx = x + _text_w(s, role, size) + 30
        s.line(lx, y + size + 6, lx + 380, y + size + 6, width=2)
        if rng.random() < 0.85:
            s.signature(lx + 30, y + size * 0.4, 300, rng.randrange(10**9))
        s.text(lx + 420, y, f"/{name}/", size)
        y += int(size * 2.6)
    return y


def _text_w(s: Sheet, text: str, size: int, bold: bool = False) -> float:
    from _layout import text_width

    return text_width(s.family, size, text, bold)


def _maybe_stamp(s: Sheet, rng: random.Random, cx: float, cy: float, p: D.Party, prob: float = 0.8) -> bool:
    if rng.random() > prob:
        return False
    city = p.address.split("г. ")[1].split(",")[0]
    ring = f"{p.name} * {city} * ИНН {p.inn}"
    s.stamp(cx, cy, rng.randrange(200, 240), ring, [p.name.split(" ", 1)[-1][:18], "Для документов"],
            rng.randrange(10**9))
    return True


# --- receipts and Z-reports (narrow till paper) ----------------------------------------------


class Slip:
    """A till-paper builder: a cursor moving down a narrow sheet of a monospace font."""

    def __init__(self, rng: random.Random, family: str | None = None):
        self.width = rng.randrange(600, 720)
        self.size = rng.randrange(27, 31)
        self.sheet = Sheet(self.width, 10_000, family or rng.choice(MONO_FAMILIES))
        self.margin = rng.randrange(24, 40)
        self.y = rng.randrange(60, 110)
        self.lh = int(self.size * rng.uniform(1.3, 1.5))

    def center(self, text: str, bold: bool = False, size: int | None = None) -> None:
        size = size or self.size
        for line in self.sheet.wrap(text, self.width - 2 * self.margin, size, bold):
            self.sheet.text(self.width / 2, self.y, line, size, bold=bold, anchor="c")
            self.y += int(self.lh * size / self.size)

    def left(self, text: str, bold: bool = False) -> None:
        for line in self.sheet.wrap(text, self.width - 2 * self.margin, self.size, bold):
            self.sheet.text(self.margin, self.y, line, self.size, bold=bold)
            self.y += self.lh

    def lr(self, left: str, right: str, bold: bool = False) -> None:
        self.sheet.text(self.margin, self.y, left, self.size, bold=bold)
        self.sheet.text(self.width - self.margin, self.y, right, self.size, bold=bold, anchor="r")
        self.y += self.lh

    def rule(self) -> None:
        """A dashed rule across the slip, printed as characters like a till printer does."""
        dash = _text_w(self.sheet, "-", self.size)
        self.center("-" * int((self.width - 2 * self.margin) / dash))

    def gap(self, k: float = 0.5) -> None:
        self.y += int(self.lh * k)

    def qr(self, rng: random.Random) -> None:
        cell = 7
        count = 29
        self.sheet.blocks((self.width - cell * count) / 2, self.y + 10, 0, count, cell, rng.randrange(10**9))
        self.y += cell * count + 40

    def finish(self) -> Sheet:
        self.sheet.height = self.y + 120
        return self.sheet


_SLIP_MONEY: dict[str, Callable[[Money], str]] = {
    "eq": lambda v: "=" + D.money(v),
    "plain": D.money,
    "comma": lambda v: D.money(v).replace(".", ","),
    "spaced": lambda v: D.fmt_ru(v).replace(",", "."),
}


def _slip_date(rng: random.Random, dt: datetime) -> str:
    return rng.choice((dt.strftime("%d.%m.%y %H:%M"), dt.strftime("%d.%m.%Y %H:%M")))


def _kkt(rng: random.Random) -> tuple[str, str, str]:
    """(РН ККТ, ФН, ЗН ККТ): 16, 16 and 14-digit numbers."""
    return (D.digits(rng, 16, "000"), D.digits(rng, 16, rng.choice(("9960", "7380", "7281"))),
            D.digits(rng, 14, "0"))


def z_report_ru(rng: random.Random) -> Doc:
    seller = D.party(rng)
    d = D.random_date(rng)
    closed = datetime.combine(d, time(rng.randrange(20, 23), rng.randrange(0, 60)))
    shift = rng.randrange(1, 400)
    card = Decimal(rng.randrange(20_000_00, 400_000_00)) / 100
    cash = Decimal(rng.randrange(0, 60_000_00)) / 100
    total = cash + card
    rn, fn, zn = _kkt(rng)
    fmt = _SLIP_MONEY[rng.choice(list(_SLIP_MONEY))]
    slip = Slip(rng)
    variant = rng.choice(("close", "z", "sut"))
    shown_address = seller.address if rng.random() < 0.5 else seller.address.split(", ", 1)[1]
    slip.center(seller.name, bold=True)
    slip.center(shown_address)
    slip.left(f"ИНН {seller.inn}")
    slip.gap()
    slip.center({"close": "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ", "z": "Z-ОТЧЁТ", "sut": "СУТОЧНЫЙ ОТЧЁТ С ГАШЕНИЕМ"}[variant],
                bold=True)
    slip.lr("СМЕНА №", str(shift))
    slip.lr("ДАТА, ВРЕМЯ", _slip_date(rng, closed))
    cashier = D.person(rng)
    slip.lr("КАССИР", cashier.short)
    checks = rng.randrange(20, 180)
    slip.lr("ЧЕКОВ ЗА СМЕНУ", str(checks))
    slip.rule()
    slip.lr("ПРИХОД", str(checks))
    slip.lr("СУММА ПРИХОДА", fmt(total))
    slip.lr("  НАЛИЧНЫМИ", fmt(cash))
    slip.lr("  БЕЗНАЛИЧНЫМИ", fmt(card))
    slip.lr("  НДС 20%", fmt(D.vat_of_total(total, 20)))
    slip.lr("ВОЗВРАТ ПРИХОДА", "0")
    slip.lr("СУММА ВОЗВРАТА", fmt(Decimal(0)))
    slip.rule()
    slip.lr("ИТОГ", fmt(total), bold=True)
    slip.lr("НАЛИЧНЫМИ", fmt(cash))
    slip.lr("БЕЗНАЛИЧНЫМИ", fmt(card))
    slip.lr("НЕОБНУЛ. СУММА ПРИХОДА", fmt(Decimal(rng.randrange(10**8, 10**10)) / 100))
    slip.lr("НЕПЕРЕДАННЫХ ФД", "0")
    slip.rule()
    slip.lr("РН ККТ", rn)
    slip.lr("ЗН ККТ", zn)
    slip.lr("ФН", fn)
    fd = str(rng.randrange(1000, 99999))
    slip.lr("ФД", fd)
    slip.lr("ФП", D.digits(rng, 10, "1"))
    slip.lr("ИНН ОФД", D.inn_legal(rng, "7704"))
    fields = {
        "date": d.isoformat(), "shift_no": str(shift), "total": D.money(total), "cash_total": D.money(cash),
        "card_total": D.money(card), "kkt_reg_no": rn, "fn_no": fn, "fd_no": fd, "seller_inn": seller.inn,
        "seller_name": seller.name, "seller_address": shown_address,
    }
    return Doc("z_report", "ru", fields, [slip.finish()], {"layout": f"slip-{variant}"})


def receipt_ru(rng: random.Random) -> Doc:
    seller = D.party(rng, sole_trader=rng.random() < 0.2)
    d = D.random_date(rng)
    dt = datetime.combine(d, time(rng.randrange(9, 22), rng.randrange(0, 60)))
    goods = goods_gross(rng, "ru", rng.randrange(1, 5), 20)
    fmt = _SLIP_MONEY[rng.choice(list(_SLIP_MONEY))]
    rn, fn, _zn = _kkt(rng)
    slip = Slip(rng)
    head_first = rng.random() < 0.5
    if head_first:
        slip.center("КАССОВЫЙ ЧЕК", bold=True)
        slip.center("ПРИХОД")
    slip.center(seller.name, bold=True)
    slip.center(seller.address)
    slip.left("Место расчётов: " + rng.choice(("Салон связи", "Магазин", "Торговый зал")))
    slip.left(f"ИНН {seller.inn}")
    if not head_first:
        slip.center("КАССОВЫЙ ЧЕК / ПРИХОД", bold=True)
    slip.lr(_slip_date(rng, dt), f"СМЕНА {rng.randrange(1, 400)}")
    slip.lr("ЧЕК №", str(rng.randrange(1, 200)))
    slip.rule()
    for i, ln in enumerate(goods.lines, 1):
        slip.left(f"{i}. {ln.name}")
        slip.lr(f"   {ln.qty} x {D.money(ln.price)}", fmt(ln.total))
        slip.lr("   НДС 20%", fmt(ln.vat))
    slip.rule()
    slip.lr("ИТОГ", fmt(goods.total), bold=True)
    pay = rng.choice(("БЕЗНАЛИЧНЫМИ", "НАЛИЧНЫМИ"))
    paid: dict[str, str] = {}  # as printed: НАЛИЧНЫМИ here is the cash handed over, then СДАЧА
    if pay == "НАЛИЧНЫМИ":
        given = (goods.total / 1000).to_integral_value(rounding="ROUND_CEILING") * 1000
        slip.lr("НАЛИЧНЫМИ", fmt(given))
        slip.lr("СДАЧА", fmt(given - goods.total))
        paid["cash_total"] = D.money(given)
    else:
        slip.lr("БЕЗНАЛИЧНЫМИ", fmt(goods.total))
        paid["card_total"] = D.money(goods.total)
    slip.lr("СУММА НДС 20%", fmt(goods.vat))
    slip.lr("СНО:", "ОСН")
    slip.lr("КАССИР", D.person(rng).short)
    slip.lr("РН ККТ", rn)
    slip.lr("ФН", fn)
    fd = str(rng.randrange(1000, 99999))
    slip.lr("ФД", fd)
    fp = D.digits(rng, 10, "2")
    slip.lr("ФП", fp)
    slip.left("Сайт ФНС: www.nalog.gov.ru")
    slip.qr(rng)  # a QR-like pattern, not a readable code (the 54-ФЗ forms in _forms.py print real ones)
    slip.center("СПАСИБО ЗА ПОКУПКУ!")
    fields = {"date": d.isoformat(), "total": D.money(goods.total), "vat": D.money(goods.vat), **paid,
              "seller_name": seller.name, "seller_address": seller.address, "seller_inn": seller.inn,
              "fn_no": fn, "fd_no": fd, "fp": fp}
    return Doc("receipt", "ru", fields, [slip.finish()], {"layout": "slip-ru", "vat_rate": 20,
                                                           "vat": D.money(goods.vat)})


_EN_SHOPS = (
    # name, address, currency, date format, tax label, tax rate (added or included)
    ("PHONE DEPOT", "1250 Market St, San Francisco, CA 94103", "USD", "%m/%d/%Y %I:%M %p", "SALES TAX 8.625%",
     Decimal("8.625"), "added"),
    ("CELL CITY", "455 W 34th St, New York, NY 10001", "USD", "%m/%d/%Y %I:%M %p", "SALES TAX 8.875%",
     Decimal("8.875"), "added"),
    ("MOBILE POINT LTD", "12 Grafton Street, Dublin 2, D02 X285", "EUR", "%d/%m/%Y %H:%M", "VAT 23% incl.",
     Decimal("23"), "included"),
    ("GADGET CORNER", "Damrak 70, 1012 LM Amsterdam", "EUR", "%d-%m-%Y %H:%M", "VAT 21% incl.",
     Decimal("21"), "included"),
)


def receipt_en(rng: random.Random) -> Doc:
    name, address, currency, dfmt, tax_label, tax_rate, tax_mode = rng.choice(_EN_SHOPS)
    d = D.random_date(rng)
    dt = datetime.combine(d, time(rng.randrange(9, 22), rng.randrange(0, 60)))
    symbol = {"USD": "$", "EUR": "EUR "}[currency]
    lines = []
    for gname, (lo, hi) in _pick_goods(rng, "en", rng.randrange(1, 5)):
        price = Decimal(rng.randrange(lo // 80, hi // 60 + 2)) + Decimal("0.99")
        lines.append((gname, rng.choice((1, 1, 1, 2)), price))
    subtotal = sum((q * p for _, q, p in lines), Decimal(0))
    if tax_mode == "added":
        tax = (subtotal * tax_rate / 100).quantize(D.KOPECK, rounding="ROUND_HALF_UP")
        total = subtotal + tax
    else:
        total = subtotal
        tax = (total * tax_rate / (100 + tax_rate)).quantize(D.KOPECK, rounding="ROUND_HALF_UP")
    slip = Slip(rng, rng.choice((*MONO_FAMILIES, "LiberationSansNarrow")))
    slip.center(name, bold=True, size=slip.size + 6)
    slip.center(address)
    slip.center(f"Tel {D.digits(rng, 3, '4')}-{D.digits(rng, 3)}-{D.digits(rng, 4)}")
    slip.gap()
    slip.lr(dt.strftime(dfmt), f"Trans {rng.randrange(1000, 9999)}")
    slip.lr(f"Store {rng.randrange(10, 99)}  Reg {rng.randrange(1, 9):02d}", f"Cashier {rng.randrange(100, 999)}")
    slip.rule()
    for gname, qty, price in lines:
        slip.left(gname)
        slip.lr(f"  {qty} @ {price}", f"{qty * price:.2f}")
    slip.rule()
    slip.lr("SUBTOTAL", f"{subtotal:.2f}")
    slip.lr(tax_label, f"{tax:.2f}")
    slip.lr("TOTAL", f"{symbol}{total:.2f}", bold=True)
    slip.lr(rng.choice(("VISA", "MASTERCARD", "AMEX")) + f" **** {D.digits(rng, 4)}", f"{symbol}{total:.2f}")
    slip.gap()
    slip.center(rng.choice(("THANK YOU FOR SHOPPING!", "Thank you, come again", "Returns within 14 days with receipt")))
    fields = {"date": d.isoformat(), "total": D.money(total), "seller_name": name, "seller_address": address,
              "currency": currency}
    return Doc("receipt", "en", fields, [slip.finish()], {"layout": f"slip-en-{currency.lower()}"})


# --- A4 helpers ----------------------------------------------------------------------------


def _sheet(rng: random.Random, landscape: bool = False, family: str | None = None) -> Sheet:
    w, h = A4_LANDSCAPE if landscape else A4
    return Sheet(w, h, family or rng.choice(PAGE_FAMILIES))


def _ru_money(rng: random.Random) -> Callable[[Money], str]:
    return rng.choice((D.fmt_ru, lambda v: D.fmt_ru(v, ""), lambda v: D.fmt_ru(v).replace(",", "-")))


def _ru_date(rng: random.Random, keys: tuple[str, ...] = ("dotted", "words", "quoted")) -> Callable[[date], str]:
    return D.DATE_FORMATS_RU[rng.choice(keys)]


def _page_footer(s: Sheet, n: int, total: int, lang: str) -> None:
    label = f"Страница {n} из {total}" if lang == "ru" else f"Page {n} of {total}"
    s.text(s.width / 2, s.height - 170, label, 30, anchor="c")


# --- sales report ----------------------------------------------------------------------------

_MALLS = ("ТЦ «Европейский»", "ТРЦ «Галерея»", "ТЦ «Мега»", "ул. Ленина, 15", "ТРК «Атриум»", "ТЦ «Радуга»")
_GROUPS_RU = ("Смартфоны", "Аксессуары", "Чехлы и стёкла", "Наушники и акустика", "Зарядные устройства",
              "Карты памяти", "Услуги", "Сим-карты и тарифы", "Умные часы и браслеты")
_GROUPS_EN = ("Smartphones", "Accessories", "Cases and screen protectors", "Audio", "Chargers and cables",
              "Memory cards", "Services", "Wearables")


def _outlet_code(rng: random.Random) -> str:
    return rng.choice((
        lambda: f"{rng.choice(('MSK', 'SPB', 'EKB', 'NSK', 'KZN'))}-{rng.randrange(1, 999):03d}",
        lambda: f"OUT-{rng.randrange(1, 9999):04d}",
    ))()


def sales_report_ru(rng: random.Random) -> Doc:
    seller = D.party(rng)
    d = D.random_date(rng)
    code = _outlet_code(rng)
    s = _sheet(rng)
    mfmt = _ru_money(rng)
    x0 = 200
    y = 220
    s.text(x0, y, seller.name, 40, bold=True)
    y += 60
    s.text(x0, y, _inn_kpp(seller), 34)
    y += 140
    layout = rng.choice(("groups", "cashiers"))
    title = rng.choice(("ОТЧЁТ О ПРОДАЖАХ", "Отчёт о розничных продажах", "СВОДНЫЙ ОТЧЁТ ПО ВЫРУЧКЕ"))
    s.text(s.width / 2, y, title, 58, bold=True, anchor="c")
    y += 90
    date_text = _ru_date(rng, ("dotted", "words"))(d)
    s.text(s.width / 2, y, f"за {date_text}", 44, anchor="c")
    y += 130
    label = rng.choice(("Торговая точка", "Код подразделения", "Магазин"))
    s.text(x0, y, f"{label}: {code} ({rng.choice(_MALLS)})", 40)
    y += 70
    s.text(x0, y, f"Дата составления: {(d + timedelta(days=rng.randrange(0, 2))).strftime('%d.%m.%Y')}", 36)
    y += 110
    if layout == "groups":
        groups = rng.sample(_GROUPS_RU, rng.randrange(4, 8))
        rows = [["№", "Товарная группа", "Кол-во, шт.", "Сумма, руб."]]
        amounts = [Decimal(rng.randrange(500_00, 300_000_00)) / 100 for _ in groups]
        for i, (g, a) in enumerate(zip(groups, amounts, strict=True), 1):
            rows.append([str(i), g, str(rng.randrange(1, 60)), mfmt(a)])
        total = sum(amounts, Decimal(0))
        rows.append(["", "Итого", "", mfmt(total)])
        y, _ = s.table(x0, y, [150, 1120, 360, 450], rows, 36, aligns="llrr", bold_rows=(len(rows) - 1,),
                       ruled=rng.random() < 0.7)
    else:
        cashiers = [D.person(rng).short for _ in range(rng.randrange(2, 5))]
        rows = [["Кассир", "Чеков", "Наличные, руб.", "Безналичные, руб.", "Всего, руб."]]
        total = Decimal(0)
        for c in cashiers:
            cash = Decimal(rng.randrange(0, 50_000_00)) / 100
            card = Decimal(rng.randrange(5_000_00, 200_000_00)) / 100
            total += cash + card
            rows.append([c, str(rng.randrange(5, 90)), mfmt(cash), mfmt(card), mfmt(cash + card)])
        rows.append(["ИТОГО", "", "", "", mfmt(total)])
        y, _ = s.table(x0, y, [600, 240, 400, 440, 400], rows, 34, aligns="lrrrr", bold_rows=(len(rows) - 1,))
    y += 80
    s.text(x0, y, f"Итого выручка за день: {mfmt(total)} руб.", 42, bold=True)
    y += 200
    _sign_block(s, x0, y, [("Администратор магазина", D.person(rng).short)], rng)
    fields = {"date": d.isoformat(), "total": D.money(total), "outlet_code": code, "seller_name": seller.name,
              "currency": "RUB"}
    return Doc("sales_report", "ru", fields, [s], {"layout": f"sales-{layout}"})


def sales_report_en(rng: random.Random) -> Doc:
    d = D.random_date(rng)
    code = _outlet_code(rng)
    s = _sheet(rng)
    x0 = 200
    y = 240
    s.text(x0, y, rng.choice(("DAILY SALES REPORT", "Store Sales Summary")), 60, bold=True)
    y += 130
    dtext = D.DATE_FORMATS_EN[rng.choice(list(D.DATE_FORMATS_EN))](d)
    for label, value in (("Store code", code), ("Business date", dtext), ("Currency", "RUB"),
                         ("Prepared by", D.person(rng).short)):
        s.text(x0, y, f"{label}:", 40, bold=True)
        s.text(x0 + 520, y, value, 40)
        y += 70
    y += 80
    groups = rng.sample(_GROUPS_EN, rng.randrange(4, 7))
    amounts = [Decimal(rng.randrange(500_00, 250_000_00)) / 100 for _ in groups]
    rows = [["Category", "Units", "Net sales"]]
    rows += [[g, str(rng.randrange(1, 50)), D.fmt_en(a)] for g, a in zip(groups, amounts, strict=True)]
    total = sum(amounts, Decimal(0))
    rows.append(["Total", "", D.fmt_en(total)])
    y, _ = s.table(x0, y, [1200, 380, 500], rows, 38, aligns="lrr", bold_rows=(len(rows) - 1,),
                   ruled=rng.random() < 0.5)
    y += 100
    s.text(x0, y, f"Total sales for the day: RUB {D.fmt_en(total)}", 44, bold=True)
    fields = {"date": d.isoformat(), "total": D.money(total), "outlet_code": code, "currency": "RUB"}
    return Doc("sales_report", "en", fields, [s], {"layout": "sales-en"})


# --- waybills (ТОРГ-12), UPD, VAT invoices ------------------------------------------------------


def _goods_rows_torg12(goods: Goods, mfmt: Callable[[Money], str]) -> list[list[str]]:
    rows = []
    for i, ln in enumerate(goods.lines, 1):
        rows.append([str(i), ln.name, "шт", "796", str(ln.qty), mfmt(ln.price), mfmt(ln.net),
                     _rate_text(goods.rate), mfmt(ln.vat), mfmt(ln.total)])
    return rows


def waybill_torg12(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d)
    order_date = d - timedelta(days=rng.randrange(1, 10))
    goods = goods_net(rng, "ru", rng.randrange(3, 9), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng, landscape=True)
    x0, right = 150, s.width - 150
    s.text(right, 110, "Унифицированная форма № ТОРГ-12", 28, anchor="r")
    s.text(right, 150, "Утверждена постановлением Госкомстата России от 25.12.98 № 132", 28, anchor="r")
    s.table(right - 600, 200, [360, 240], [["", "Коды"], ["Форма по ОКУД", "0330212"],
                                           ["по ОКПО", D.digits(rng, 8)]], 28, aligns="rc")
    y = 220
    for label, p in (("Грузоотправитель", seller), ("Поставщик", seller), ("Грузополучатель", buyer),
                     ("Плательщик", buyer)):
        s.text(x0, y, f"{label}:", 32, bold=True)
        s.text(x0 + 380, y, f"{p.name}, {_inn_kpp(p)}", 32)
        s.text(x0 + 380, y + 44, p.address, 30)
        y += 105
    s.text(x0, y, "Основание:", 32, bold=True)
    s.text(x0 + 380, y, f"заказ покупателя {order} от {order_date.strftime('%d.%m.%Y')}", 32)
    y += 90
    s.text(x0 + 700, y + 40, "ТОВАРНАЯ НАКЛАДНАЯ", 52, bold=True)
    s.table(x0 + 1500, y, [380, 400], [["Номер документа", "Дата составления"],
                                        [number, d.strftime("%d.%m.%Y")]], 30)
    y += 190
    header = ["№", "Товар (наименование)", "Ед. изм.", "Код по ОКЕИ", "Кол-во", "Цена, руб. коп.",
              "Сумма без учёта НДС, руб. коп.", "НДС ставка", "НДС сумма, руб. коп.",
              "Сумма с учётом НДС, руб. коп."]
    rows = [header, *_goods_rows_torg12(goods, mfmt)]
    rows.append(["", "Итого", "", "", str(sum(ln.qty for ln in goods.lines)), "х", mfmt(goods.net), "х",
                 mfmt(goods.vat), mfmt(goods.total)])
    rows.append(["", "Всего по накладной", "", "", str(sum(ln.qty for ln in goods.lines)), "х",
                 mfmt(goods.net), "х", mfmt(goods.vat), mfmt(goods.total)])
    widths = [90, 900, 160, 180, 180, 300, 380, 200, 330, 400]
    y, _ = s.table(x0, y, widths, rows, 28, aligns="lllrrrrcrr", bold_rows=(len(rows) - 2, len(rows) - 1),
                   pad=10)
    y += 40
    s.text(x0, y, f"Всего отпущено {len(goods.lines)} наименований на сумму {mfmt(goods.total)} руб.", 32)
    y += 48
    s.text(x0, y, D.rubles_in_words(goods.total), 32, bold=True)
    y += 90
    _sign_block(s, x0, y, [("Отпуск груза разрешил", seller.director.short),
                           ("Главный (старший) бухгалтер", seller.accountant.short)], rng, 30)
    _sign_block(s, x0 + 1750, y, [("Груз принял", buyer.director.short),
                                  ("Груз получил грузополучатель", D.person(rng).short)], rng, 30)
    _maybe_stamp(s, rng, x0 + 1300, y + 200, seller)
    fields = {"number": number, "date": d.isoformat(), **_party_fields(seller, "seller"),
              "buyer_inn": buyer.inn, "total": D.money(goods.total), "vat": D.money(goods.vat),
              "order_no": order, "seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"}
    return Doc("waybill", "ru", fields, [s], _goods_meta(goods, "torg12"))


def _goods_meta(goods: Goods, layout: str) -> dict[str, object]:
    return {"layout": layout, "vat_rate": goods.rate, "net": D.money(goods.net), "lines": len(goods.lines)}


def waybill_simple(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d)
    goods = goods_net(rng, "ru", rng.randrange(2, 7), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng)
    x0, right = 180, s.width - 180
    y = 230
    s.text(s.width / 2, y, f"Товарная накладная № {number} от {_ru_date(rng)(d)}", 50, bold=True, anchor="c")
    y += 150
    below = rng.random() < 0.5
    for label, value in (("Поставщик", f"{seller.name}, {_inn_kpp(seller)}"), ("Адрес", seller.address),
                         ("Покупатель", f"{buyer.name}, {_inn_kpp(buyer)}"), ("Адрес", buyer.address),
                         ("Заказ №", order)):
        if below:
            s.text(x0, y, label + ":", 30, bold=True)
            s.text(x0, y + 42, value, 38)
            y += 110
        else:
            s.text(x0, y, label + ":", 38, bold=True)
            s.text(x0 + 380, y, value, 38)
            y += 68
    y += 70
    rows = [["№", "Наименование", "Кол-во", "Ед.", "Цена без НДС", "Сумма без НДС"]]
    rows += [[str(i), ln.name, str(ln.qty), "шт", mfmt(ln.price), mfmt(ln.net)]
             for i, ln in enumerate(goods.lines, 1)]
    y, _ = s.table(x0, y, [100, 1010, 200, 130, 340, 340], rows, 34, aligns="llrlrr", ruled=rng.random() < 0.7)
    y += 60
    for label, value, bold in (("Итого без НДС:", goods.net, False),
                               (f"НДС {_rate_text(goods.rate)}:", goods.vat, False),
                               ("Всего с НДС:", goods.total, True)):
        s.text(right - 520, y, label, 40, bold=bold, anchor="r")
        s.text(right, y, mfmt(goods.total if bold else value), 40, bold=bold, anchor="r")
        y += 66
    y += 50
    s.paragraph(x0, y, right - x0, f"Всего наименований {len(goods.lines)}, на сумму {mfmt(goods.total)} руб. "
                f"({D.rubles_in_words(goods.total)})", 34)
    y += 260
    _sign_block(s, x0, y, [("Отпустил", seller.director.short), ("Получил", buyer.director.short)], rng, 36)
    _maybe_stamp(s, rng, x0 + 1500, y + 60, seller)
    fields = {"number": number, "date": d.isoformat(), **_party_fields(seller, "seller"),
              "buyer_inn": buyer.inn, "total": D.money(goods.total), "vat": D.money(goods.vat),
              "order_no": order, "seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"}
    return Doc("waybill", "ru", fields, [s], _goods_meta(goods, "waybill-simple"))


def waybill_en(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = f"DN-{d.year}-{rng.randrange(1, 9999):04d}"
    order = order_number(rng, d)
    goods = goods_net(rng, "en", rng.randrange(2, 7), 20)
    s = _sheet(rng)
    x0, right = 180, s.width - 180
    y = 230
    s.text(x0, y, "DELIVERY NOTE", 70, bold=True)
    s.text(right, y, f"No. {number}", 44, anchor="r")
    s.text(right, y + 64, "Date: " + D.DATE_FORMATS_EN[rng.choice(list(D.DATE_FORMATS_EN))](d), 40, anchor="r")
    y += 210
    for label, p in (("Supplier", seller), ("Consignee", buyer)):
        s.text(x0, y, label, 36, bold=True)
        s.text(x0 + 360, y, p.name_en, 38)
        s.text(x0 + 360, y + 56, p.address_en, 36)
        s.text(x0 + 360, y + 112, f"INN {p.inn}" + (f"  KPP {p.kpp}" if p.kpp else ""), 36)
        y += 200
    s.text(x0, y, f"Order No. {order}", 40, bold=True)
    y += 110
    rows = [["#", "Description", "Qty", "Unit price", "Amount"]]
    rows += [[str(i), ln.name, str(ln.qty), D.fmt_en(ln.price), D.fmt_en(ln.net)]
             for i, ln in enumerate(goods.lines, 1)]
    y, _ = s.table(x0, y, [100, 1140, 200, 340, 340], rows, 36, aligns="llrrr")
    y += 60
    for label, value, bold in (("Subtotal (RUB):", goods.net, False), ("VAT 20%:", goods.vat, False),
                               ("Total (RUB):", goods.total, True)):
        s.text(right - 420, y, label, 40, bold=bold, anchor="r")
        s.text(right, y, D.fmt_en(value), 40, bold=bold, anchor="r")
        y += 66
    y += 200
    _sign_block(s, x0, y, [("Delivered by", seller.director.short), ("Received by", buyer.director.short)], rng, 36)
    fields = {"number": number, "date": d.isoformat(), **_party_fields(seller, "seller"), "buyer_inn": buyer.inn,
              "total": D.money(goods.total), "vat": D.money(goods.vat), "order_no": order,
              "seller_name": seller.name_en, "seller_address": seller.address_en, "currency": "RUB"}
    return Doc("waybill", "en", fields, [s], _goods_meta(goods, "delivery-note-en"))


def _sf_header(s: Sheet, rng: random.Random, title: str, number: str, d: date, seller: D.Party, buyer: D.Party,
               x0: float, y: float, extra: list[tuple[str, str]]) -> float:
    """The header of a счёт-фактура / УПД (Постановление № 1137), numbered lines (1)…(8)."""
    dtext = _ru_date(rng, ("words", "dotted"))(d)
    s.text(x0, y, f"{title} № {number} от {dtext}", 46, bold=True)
    s.text(x0 + 2450, y + 10, "(1)", 30)
    y += 66
    s.text(x0, y, "Исправление № -- от --", 32)
    s.text(x0 + 2450, y, "(1а)", 30)
    y += 60
    rows = [("Продавец", seller.name, "(2)"), ("Адрес", seller.address, "(2а)"),
            ("ИНН/КПП продавца", f"{seller.inn}/{seller.kpp}", "(2б)"),
            ("Грузоотправитель и его адрес", "он же", "(3)"),
            ("Грузополучатель и его адрес", f"{buyer.name}, {buyer.address}", "(4)"),
            ("К платёжно-расчётному документу", "№ -- от --", "(5)")]
    rows += [(a, b, "") for a, b in extra]
    rows += [("Покупатель", buyer.name, "(6)"), ("Адрес", buyer.address, "(6а)"),
             ("ИНН/КПП покупателя", f"{buyer.inn}/{buyer.kpp}", "(6б)"),
             ("Валюта: наименование, код", "Российский рубль, 643", "(7)"),
             ("Идентификатор государственного контракта, договора (соглашения) (при наличии)", "", "(8)")]
    for label, value, code in rows:
        s.text(x0, y, f"{label}:" if value or code != "(8)" else label, 30)
        s.text(x0 + _text_w(s, label + ":", 30) + 24, y, value, 30, bold=label in ("Продавец", "Покупатель"))
        if code:
            s.text(x0 + 2450, y, code, 28)
        y += 46
    return y + 30


_SF_HEADER = ["Код товара/ работ, услуг", "№ п/п", "Наименование товара", "Код вида товара",
              "Ед. изм.", "Кол-во", "Цена за единицу", "Стоимость без налога", "В том числе сумма акциза",
              "Нало-говая ставка", "Сумма налога", "Стоимость с налогом", "Страна происхож-дения"]
_SF_WIDTHS = [190, 100, 720, 150, 150, 150, 290, 330, 190, 170, 280, 340, 170]


def _sf_pages(rng: random.Random, goods: Goods, mfmt: Callable[[Money], str], first: Sheet,
              first_y: float, landscape: bool) -> tuple[list[Sheet], float]:
    """Lay the goods table over as many sheets as it needs; returns sheets and y below the totals row."""
    body = [[D.digits(rng, 6), str(i), ln.name, "--", "796 шт", str(ln.qty), mfmt(ln.price), mfmt(ln.net),
             "без акциза", _rate_text(goods.rate), mfmt(ln.vat), mfmt(ln.total), "--"]
            for i, ln in enumerate(goods.lines, 1)]
    body.append(["", "", "Всего к оплате (9)", "", "", "", "", mfmt(goods.net), "х", "", mfmt(goods.vat),
                 mfmt(goods.total), ""])
    sheets = [first]
    s, y = first, first_y
    x0 = 150
    while True:
        rows = [_SF_HEADER, *body]
        y, drawn = s.table(x0, y, _SF_WIDTHS, rows, 28, aligns="lllllrrrrcrrl", pad=8,
                           bold_rows=(len(rows) - 1,), max_y=s.height - 420)
        body = body[drawn - 1:]
        if not body:
            return sheets, y
        s = Sheet(first.width, first.height, first.family)
        s.text(x0, 160, f"Лист {len(sheets) + 1}", 30)
        sheets.append(s)
        y = 230


def upd(rng: random.Random, n_lines: int | None = None) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d)
    goods = goods_net(rng, "ru", n_lines or rng.randrange(2, 7), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng, landscape=True)
    s.text(150, 110, "Универсальный передаточный документ", 40, bold=True)
    s.text(1400, 116, "Статус: 1", 34)
    s.text(s.width - 150, 110, "Приложение № 1 к постановлению Правительства РФ от 26.12.2011 № 1137", 26,
           anchor="r")
    y = _sf_header(s, rng, "Счёт-фактура", number, d, seller, buyer, 150, 200,
                   [("Документ об отгрузке", f"№ п/п 1-{len(goods.lines)} № {number} от {d.strftime('%d.%m.%Y')}")])
    sheets, y = _sf_pages(rng, goods, mfmt, s, y, True)
    last = sheets[-1]
    if y > last.height - 900:
        last = Sheet(s.width, s.height, s.family)
        sheets.append(last)
        y = 200
    y += 40
    x0 = 150
    y = _sign_block(last, x0, y, [("Руководитель организации", seller.director.short),
                                  ("Главный бухгалтер", seller.accountant.short)], rng, 30)
    last.text(x0, y, f"Основание передачи (сдачи) / получения (приёмки): Заказ покупателя № {order} "
              f"от {(d - timedelta(days=rng.randrange(1, 8))).strftime('%d.%m.%Y')}", 30)
    last.text(x0 + 3050, y, "[8]", 28)
    y += 60
    last.text(x0, y, f"Дата отгрузки, передачи (сдачи): {D.DATE_FORMATS_RU['quoted'](d)}", 30)
    y += 60
    _sign_block(last, x0, y, [("Товар (груз) передал", seller.director.short)], rng, 30)
    _sign_block(last, x0 + 1700, y, [("Товар (груз) получил", buyer.director.short)], rng, 30)
    _maybe_stamp(last, rng, x0 + 1350, y + 280, seller)
    if len(sheets) > 1:
        for i, sh in enumerate(sheets, 1):
            _page_footer(sh, i, len(sheets), "ru")
    fields = {"number": number, "date": d.isoformat(), **_party_fields(seller, "seller"), "buyer_inn": buyer.inn,
              "buyer_kpp": str(buyer.kpp), "total": D.money(goods.total), "vat": D.money(goods.vat),
              "order_no": order, "seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"}
    return Doc("upd", "ru", fields, sheets, _goods_meta(goods, "upd"))


def upd_long(rng: random.Random) -> Doc:
    return upd(rng, n_lines=rng.randrange(22, 34))


def vat_invoice(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    goods = goods_net(rng, "ru", rng.randrange(2, 8), pick_rate(rng))
    mfmt = _ru_money(rng)
    s = _sheet(rng, landscape=True)
    s.text(s.width - 150, 110, "Приложение № 1 к постановлению Правительства Российской Федерации", 26, anchor="r")
    s.text(s.width - 150, 146, "от 26 декабря 2011 г. № 1137", 26, anchor="r")
    y = _sf_header(s, rng, "СЧЁТ-ФАКТУРА", number, d, seller, buyer, 150, 230,
                   [("Документ об отгрузке", f"№ п/п 1-{len(goods.lines)} № {number} от {d.strftime('%d.%m.%Y')}")])
    sheets, y = _sf_pages(rng, goods, mfmt, s, y + 20, True)
    last = sheets[-1]
    y += 70
    _sign_block(last, 150, y, [("Руководитель организации или иное уполномоченное лицо", seller.director.short)],
                rng, 30)
    _sign_block(last, 1900, y, [("Главный бухгалтер", seller.accountant.short)], rng, 30)
    fields = {"number": number, "date": d.isoformat(), **_party_fields(seller, "seller"), "buyer_inn": buyer.inn,
              "buyer_kpp": str(buyer.kpp), "total": D.money(goods.total), "vat": D.money(goods.vat),
              "seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"}
    return Doc("vat_invoice", "ru", fields, sheets, _goods_meta(goods, "sf-1137"))


# --- bills (счёт на оплату) --------------------------------------------------------------------


def invoice_ru(rng: random.Random) -> Doc:
    seller = D.party(rng, sole_trader=rng.random() < 0.2)
    buyer = D.party(rng)
    d = D.random_date(rng)
    number = doc_number(rng, d)
    order = order_number(rng, d)
    rate = pick_rate(rng)
    goods = goods_gross(rng, "ru", rng.randrange(1, 7), rate, wholesale=True)
    mfmt = _ru_money(rng)
    s = _sheet(rng)
    x0, right = 180, s.width - 180
    y = 200
    # bank details box
    bank_rows = [[f"{seller.bank}", f"БИК {seller.bik}"], ["Банк получателя", f"Сч. № {seller.corr_account}"],
                 [f"ИНН {seller.inn}" + (f"    КПП {seller.kpp}" if seller.kpp else ""), f"Сч. № {seller.account}"],
                 [f"{seller.name}", ""], ["Получатель", ""]]
    y, _ = s.table(x0, y, [1300, 820], bank_rows, 32)
    y += 110
    s.text(x0, y, f"Счёт на оплату № {number} от {_ru_date(rng, ('words', 'dotted'))(d)}", 54, bold=True)
    y += 90
    s.line(x0, y, right, y, width=5)
    y += 50
    parts = [("Поставщик (Исполнитель)", f"{seller.name}, {_inn_kpp(seller)}, {seller.address}, тел.: {seller.phone}"),
             ("Покупатель (Заказчик)", f"{buyer.name}, {_inn_kpp(buyer)}, {buyer.address}"),
             ("Основание", f"Заказ № {order}" if rng.random() < 0.5 else f"заказ покупателя {order}")]
    for label, value in parts:
        s.text(x0, y, label + ":", 34)
        y = s.paragraph(x0 + 560, y, right - x0 - 560, value, 36, bold=label != "Основание") + 20
    y += 40
    rows = [["№", "Товары (работы, услуги)", "Кол-во", "Ед.", "Цена", "Сумма"]]
    rows += [[str(i), ln.name, str(ln.qty), "шт", mfmt(ln.price), mfmt(ln.total)]
             for i, ln in enumerate(goods.lines, 1)]
    y, _ = s.table(x0, y, [100, 1080, 200, 120, 300, 320], rows, 34, aligns="llrlrr")
    y += 40
    vat_label = f"В том числе НДС ({rate}%):" if rate else "НДС (0%):"
    for label, amount in (("Итого:", goods.total), (vat_label, goods.vat), ("Всего к оплате:", goods.total)):
        s.text(right - 380, y, label, 38, bold=True, anchor="r")
        s.text(right, y, mfmt(amount), 38, bold=True, anchor="r")
        y += 62
    y += 30
    s.text(x0, y, f"Всего наименований {len(goods.lines)}, на сумму {mfmt(goods.total)} руб.", 36)
    y += 56
    s.text(x0, y, D.rubles_in_words(goods.total), 36, bold=True)
    y += 80
    y = s.paragraph(x0, y, right - x0, "Оплата данного счёта означает согласие с условиями поставки товара. "
                    "Счёт действителен в течение 5 банковских дней. Товар отпускается по факту прихода денег "
                    "на р/с Поставщика.", 30)
    y += 30
    s.line(x0, y, right, y, width=5)
    y += 80
    roles = [("Руководитель", seller.director.short)] + ([("Бухгалтер", seller.accountant.short)]
                                                          if seller.kpp else [])
    _sign_block(s, x0, y, roles, rng, 36)
    _maybe_stamp(s, rng, x0 + 1650, y + 100, seller, 0.6)
    fields = {"number": number, "date": d.isoformat(), **_party_fields(seller, "seller"), "buyer_inn": buyer.inn,
              "total": D.money(goods.total), "vat": D.money(goods.vat), "order_no": order,
              "seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"}
    return Doc("invoice", "ru", fields, [s], _goods_meta(goods, "bill-bank-box"))


def invoice_en(rng: random.Random) -> Doc:
    seller, buyer = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    number = f"INV-{d.year}-{rng.randrange(1, 9999):04d}"
    order = order_number(rng, d)
    currency, rate = rng.choice((("USD", 0), ("EUR", 0), ("RUB", 20)))
    goods = goods_net(rng, "en", rng.randrange(2, 6), rate)
    if currency != "RUB":  # export price list in hard currency: roughly RUB/90, still exact kopecks
        goods = _rescale(goods, Decimal(90))
    s = _sheet(rng)
    x0, right = 180, s.width - 180
    y = 220
    s.text(x0, y, seller.name_en, 50, bold=True)
    s.text(x0, y + 70, seller.address_en, 36)
    s.text(x0, y + 124, f"INN {seller.inn}   KPP {seller.kpp}", 36)
    s.text(right, y, "INVOICE", 80, bold=True, anchor="r")
    y += 260
    dtext = D.DATE_FORMATS_EN[rng.choice(list(D.DATE_FORMATS_EN))](d)
    for label, value in (("Invoice No.", number), ("Date", dtext), ("Order No.", order), ("Currency", currency)):
        s.text(right - 700, y, label + ":", 38, bold=True)
        s.text(right, y, value, 38, anchor="r")
        y += 60
    y += 60
    s.text(x0, y, "Bill to:", 38, bold=True)
    s.text(x0, y + 60, buyer.name_en, 38)
    s.text(x0, y + 116, buyer.address_en, 36)
    s.text(x0, y + 172, f"INN {buyer.inn}", 36)
    y += 300
    rows = [["Description", "Qty", "Unit price", "Amount"]]
    rows += [[ln.name, str(ln.qty), D.fmt_en(ln.price), D.fmt_en(ln.net)] for ln in goods.lines]
    y, _ = s.table(x0, y, [1180, 200, 370, 370], rows, 36, aligns="lrrr", ruled=rng.random() < 0.5)
    y += 60
    for label, value, bold in (("Subtotal:", goods.net, False), (f"VAT {rate}%:", goods.vat, False),
                               (f"Total {currency}:", goods.total, True)):
        s.text(right - 440, y, label, 42, bold=bold, anchor="r")
        s.text(right, y, D.fmt_en(value), 42, bold=bold, anchor="r")
        y += 70
    y += 100
    s.paragraph(x0, y, right - x0, f"Payment terms: 100% prepayment within 5 banking days. Bank: {seller.bank} "
                f"(BIC {seller.bik}), account {seller.account}.", 32)
    fields = {"number": number, "date": d.isoformat(), "seller_inn": seller.inn, "seller_kpp": str(seller.kpp),
              "buyer_inn": buyer.inn, "total": D.money(goods.total), "vat": D.money(goods.vat), "order_no": order,
              "seller_name": seller.name_en, "seller_address": seller.address_en, "currency": currency}
    return Doc("invoice", "en", fields, [s], _goods_meta(goods, "invoice-en"))


def _rescale(goods: Goods, k: Decimal) -> Goods:
    """The same lines with prices divided by k (VAT rate 0 only: net == total)."""
    lines = []
    for ln in goods.lines:
        price = (ln.price / k).quantize(D.KOPECK)
        net = price * ln.qty
        lines.append(Line(ln.name, ln.qty, price, net, Decimal("0.00"), net))
    net = sum((ln.net for ln in lines), Decimal(0))
    return Goods(tuple(lines), 0, net, Decimal("0.00"), net)


# --- contracts ---------------------------------------------------------------------------------

_CLAUSES_RU = (
    ("ПРАВА И ОБЯЗАННОСТИ СТОРОН", (
        "Исполнитель обязуется оказать услуги качественно и в срок, указанный в настоящем Договоре.",
        ("Исполнитель вправе привлекать третьих лиц для исполнения обязательств по Договору, оставаясь "
        "ответственным перед Заказчиком за их действия."),
        "Заказчик обязуется своевременно принять и оплатить оказанные услуги.",
        ("Заказчик вправе в любое время проверять ход и качество оказываемых услуг, не вмешиваясь в "
        "деятельность Исполнителя."))),
    ("СТОИМОСТЬ УСЛУГ И ПОРЯДОК РАСЧЁТОВ", (
        ("Оплата производится Заказчиком в кассу Исполнителя наличными денежными средствами либо банковской "
        "картой в день заключения Договора."),
        "Стоимость услуг не подлежит изменению в течение срока действия Договора.")),
    ("ГАРАНТИЙНЫЕ ОБЯЗАТЕЛЬСТВА", (
        ("Исполнитель гарантирует качество выполненных работ в течение 90 (девяноста) календарных дней "
        "с момента их приёмки Заказчиком."),
        ("Гарантия не распространяется на повреждения, возникшие вследствие механического воздействия, "
        "попадания влаги или нарушения правил эксплуатации устройства."),
        "Срок рассмотрения претензий Заказчика составляет 10 (десять) дней с момента их получения.")),
    ("ОТВЕТСТВЕННОСТЬ СТОРОН", (
        ("За неисполнение или ненадлежащее исполнение обязательств по Договору Стороны несут "
        "ответственность в соответствии с законодательством Российской Федерации."),
        ("Стороны освобождаются от ответственности за неисполнение обязательств, если оно явилось "
        "следствием обстоятельств непреодолимой силы."))),
    ("ПЕРСОНАЛЬНЫЕ ДАННЫЕ", (
        ("Заказчик даёт согласие на обработку своих персональных данных в целях исполнения настоящего "
        "Договора в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных»."),)),
    ("ЗАКЛЮЧИТЕЛЬНЫЕ ПОЛОЖЕНИЯ", (
        ("Договор вступает в силу с момента его подписания Сторонами и действует до полного исполнения "
        "Сторонами своих обязательств."),
        ("Все споры разрешаются путём переговоров, а при недостижении согласия — в суде по месту "
        "нахождения Исполнителя."),
        ("Договор составлен в двух экземплярах, имеющих равную юридическую силу, по одному для каждой "
        "из Сторон."))),
)

_SERVICES_RU = (
    "сервисному обслуживанию мобильного устройства",
    "гарантийному и постгарантийному обслуживанию смартфона",
    "настройке и подключению мобильного устройства",
)


def contract_ru(rng: random.Random) -> Doc:
    seller = D.party(rng)
    customer = D.person(rng)
    d = D.random_date(rng)
    number = rng.choice((f"СО-{d.year}/{rng.randrange(1, 9999):04d}", f"{rng.randrange(1, 999)}/{d.year % 100}",
                         f"ДУ-{rng.randrange(10000, 99999)}"))
    order = order_number(rng, d)
    device = rng.choice(D.GOODS[:3])[0].replace("Смартфон ", "")
    price = Decimal(rng.randrange(990, 14990) // 10 * 10)
    s = _sheet(rng)
    fam = s.family
    x0, right = 200, s.width - 200
    width = right - x0
    size = rng.choice((36, 38, 40))
    sheets = [s]
    y = 240
    s.text(s.width / 2, y, f"ДОГОВОР № {number}", 56, bold=True, anchor="c")
    y += 80
    s.text(s.width / 2, y, f"на оказание услуг по {rng.choice(_SERVICES_RU)}", 40, bold=True, anchor="c")
    y += 110
    s.text(x0, y, f"г. {seller.address.split('г. ')[1].split(',')[0]}", size)
    s.text(right, y, D.DATE_FORMATS_RU["quoted"](d), size, anchor="r")
    y += 110
    pronoun = "именуемая" if customer.female else "именуемый"
    preamble = (f"{seller.full_name} ({seller.name}), ИНН {seller.inn}, ОГРН {seller.ogrn}, именуемое в дальнейшем "
                f"«Исполнитель», в лице генерального директора {seller.director.short}, действующего на основании "
                f"Устава, с одной стороны, и гражданин(ка) {customer.full}, {pronoun} в дальнейшем «Заказчик», "
                f"с другой стороны, вместе именуемые «Стороны», заключили настоящий Договор о нижеследующем:")
    y = s.paragraph(x0, y, width, preamble, size, indent=90) + 30
    paragraphs: list[tuple[str, bool]] = [("1. ПРЕДМЕТ ДОГОВОРА", True),
        ((f"1.1. Исполнитель обязуется оказать Заказчику услуги по {rng.choice(_SERVICES_RU)} {device}, "
         f"IMEI {D.digits(rng, 15, '35')}, приобретённого Заказчиком по заказу № {order}, а Заказчик обязуется "
         f"принять и оплатить эти услуги."), False),
        ((f"1.2. Стоимость услуг по Договору составляет {D.fmt_ru(price)} руб. "
         f"({D.rubles_in_words(price)}), в том числе НДС 20% — {D.fmt_ru(D.vat_of_total(price, 20))} руб."), False)]
    for n, (title, clauses) in enumerate([*rng.sample(_CLAUSES_RU[:-1], rng.randrange(3, 6)), _CLAUSES_RU[-1]], 2):
        paragraphs.append((f"{n}. {title}", True))
        paragraphs += [(f"{n}.{i}. {c}", False) for i, c in enumerate(clauses, 1)]
    bottom = s.height - 300
    for text, bold in paragraphs:
        lines = s.wrap(text, width - (0 if bold else 90), size, bold)
        if y + len(lines) * s.line_height(size) > bottom:
            s = Sheet(s.width, s.height, fam)
            sheets.append(s)
            y = 240
        if bold:
            y += 30
            s.text(s.width / 2, y, text, size, bold=True, anchor="c")
            y += s.line_height(size) + 10
        else:
            y = s.paragraph(x0, y, width, text, size, indent=90) + 12
    # requisites and signatures: need about 1100 px
    if y + 1150 > s.height - 250:
        s = Sheet(s.width, s.height, fam)
        sheets.append(s)
        y = 240
    y += 50
    s.text(s.width / 2, y, "РЕКВИЗИТЫ И ПОДПИСИ СТОРОН", size, bold=True, anchor="c")
    y += 90
    col = x0 + width / 2 + 40
    left = [("Исполнитель:", True), (seller.name, True), (f"ИНН {seller.inn}", False), (f"КПП {seller.kpp}", False),
            (f"ОГРН {seller.ogrn}", False), (f"Адрес: {seller.address}", False), (f"р/с {seller.account}", False),
            (f"в {seller.bank}", False), (f"БИК {seller.bik}", False)]
    right_col = [("Заказчик:", True), (customer.full, True),
                 (f"Паспорт {D.digits(rng, 2)} {D.digits(rng, 2)} {D.digits(rng, 6)}", False),
                 (f"выдан {(d - timedelta(days=rng.randrange(400, 5000))).strftime('%d.%m.%Y')}", False),
                 (f"Тел.: +7 9{D.digits(rng, 2)} {D.digits(rng, 3)}-{D.digits(rng, 2)}-{D.digits(rng, 2)}", False)]
    ly = y
    for text, bold in left:
        ly = s.paragraph(x0, ly, width / 2 - 40, text, size - 4, bold=bold)
    ry = y
    for text, bold in right_col:
        ry = s.paragraph(col, ry, width / 2 - 40, text, size - 4, bold=bold)
    y = max(ly, ry) + 90
    s.line(x0, y + 40, x0 + 500, y + 40, width=2)
    s.text(x0 + 520, y, f"/{seller.director.short}/", size - 4)
    s.signature(x0 + 60, y + 10, 380, rng.randrange(10**9))
    s.line(col, y + 40, col + 500, y + 40, width=2)
    s.text(col + 520, y, f"/{customer.short}/", size - 4)
    if rng.random() < 0.9:
        s.signature(col + 60, y + 10, 340, rng.randrange(10**9))
    _maybe_stamp(s, rng, x0 + 350, y + 40, seller, 0.9)
    for i, sh in enumerate(sheets, 1):
        _page_footer(sh, i, len(sheets), "ru")
    fields = {"number": number, "date": d.isoformat(), "seller_inn": seller.inn, "customer_name": customer.full,
              "order_no": order, "seller_name": seller.name, "seller_address": seller.address, "currency": "RUB"}
    return Doc("contract", "ru", fields, sheets, {"layout": "service-contract"})


_CLAUSES_EN = (
    "The Provider shall perform the services with due care and within the time agreed by the Parties.",
    "The Customer shall accept and pay for the services in accordance with this Agreement.",
    "The Provider guarantees the quality of the work for 90 (ninety) days from the date of acceptance.",
    "The warranty does not cover damage caused by impact, liquid ingress or improper use of the device.",
    "Neither Party shall be liable for failure to perform caused by circumstances of force majeure.",
    "Any disputes shall be settled by negotiation and, failing that, by the court at the Provider's location.",
    "This Agreement is made in two counterparts of equal legal force, one for each Party.",
    "The Customer consents to the processing of personal data for the purposes of this Agreement.",
)


def contract_en(rng: random.Random) -> Doc:
    seller = D.party(rng)
    customer = D.person(rng)
    d = D.random_date(rng)
    number = f"SA-{d.year}-{rng.randrange(1, 999):03d}"
    order = order_number(rng, d)
    price = Decimal(rng.randrange(990, 14990) // 10 * 10)
    s = _sheet(rng)
    x0, right = 200, s.width - 200
    width = right - x0
    size = 38
    y = 240
    s.text(s.width / 2, y, f"SERVICE AGREEMENT No. {number}", 54, bold=True, anchor="c")
    y += 110
    s.text(x0, y, seller.address_en.split(", ")[1].rsplit(" ", 1)[0], size)
    s.text(right, y, D.DATE_FORMATS_EN["long"](d), size, anchor="r")
    y += 110
    # the customer's name is printed in Cyrillic as in the passport
    y = s.paragraph(x0, y, width, f"{seller.name_en}, INN {seller.inn}, PSRN {seller.ogrn} (the \"Provider\"), "
                    f"represented by its General Director, and {customer.full} (the \"Customer\"), have "
                    f"concluded this Agreement as follows:", size) + 40
    y = s.paragraph(x0, y, width, f"1. The Provider shall service the Customer's device purchased under Order "
                    f"No. {order}. The price of the services is RUB {D.fmt_en(price)}, VAT included.", size) + 20
    sheets = [s]
    for i, clause in enumerate(_CLAUSES_EN, 2):
        lines = s.wrap(clause, width, size)
        if y + len(lines) * s.line_height(size) > s.height - 300 or (i == 6 and len(sheets) == 1):
            s = Sheet(s.width, s.height, s.family)
            sheets.append(s)
            y = 240
        y = s.paragraph(x0, y, width, f"{i}. {clause}", size) + 20
    y += 120
    s.text(x0, y, "Provider:", size, bold=True)
    s.text(x0 + width / 2, y, "Customer:", size, bold=True)
    y += 60
    s.text(x0, y, seller.name_en, size)
    s.text(x0 + width / 2, y, customer.full, size)
    y += 60
    s.text(x0, y, f"INN {seller.inn}", size)
    y += 140
    s.line(x0, y, x0 + 600, y, width=2)
    s.line(x0 + width / 2, y, x0 + width / 2 + 600, y, width=2)
    s.signature(x0 + 60, y - 30, 380, rng.randrange(10**9))
    s.signature(x0 + width / 2 + 60, y - 30, 380, rng.randrange(10**9))
    for i, sh in enumerate(sheets, 1):
        _page_footer(sh, i, len(sheets), "en")
    fields = {"number": number, "date": d.isoformat(), "seller_inn": seller.inn, "customer_name": customer.full,
              "order_no": order, "seller_name": seller.name_en, "seller_address": seller.address_en,
              "currency": "RUB"}
    return Doc("contract", "en", fields, sheets, {"layout": "service-agreement-en"})


# --- other -------------------------------------------------------------------------------------


def letter_ru(rng: random.Random) -> Doc:
    sender, addressee = D.party(rng), D.party(rng)
    d = D.random_date(rng)
    s = _sheet(rng)
    x0, right = 200, s.width - 200
    y = 220
    s.text(x0, y, sender.name, 46, bold=True)
    s.text(x0, y + 66, sender.address, 32)
    s.text(x0, y + 112, f"тел. {sender.phone}", 32)
    s.line(x0, y + 170, right, y + 170, width=4)
    y += 240
    s.text(x0, y, f"Исх. № {rng.randrange(10, 999)} от {d.strftime('%d.%m.%Y')}", 36)
    s.text(right, y + 60, f"Генеральному директору {addressee.name}", 36, anchor="r")
    s.text(right, y + 116, addressee.director.short, 36, anchor="r")
    y += 300
    s.text(s.width / 2, y, rng.choice(("Уведомление об изменении реквизитов", "О графике работы в праздничные дни",
                                       "Информационное письмо")), 44, bold=True, anchor="c")
    y += 120
    body = rng.choice((
        ("Настоящим уведомляем Вас о том, что с первого числа следующего месяца изменяется фактический адрес "
        "нашего склада. Просим направлять корреспонденцию и доставлять товар по новому адресу. Все прочие "
        "реквизиты организации остаются без изменений."),
        ("Сообщаем, что в праздничные дни пункты выдачи заказов работают по сокращённому графику. Просим "
        "учитывать это при планировании поставок и заблаговременно согласовывать время доставки с "
        "менеджером."),
    ))
    y = s.paragraph(x0, y, right - x0, "Уважаемые коллеги!", 40) + 30
    y = s.paragraph(x0, y, right - x0, body, 40, indent=100) + 30
    y = s.paragraph(x0, y, right - x0, "Благодарим за сотрудничество.", 40, indent=100) + 200
    _sign_block(s, x0, y, [("Генеральный директор", sender.director.short)], rng, 38)
    return Doc("other", "ru", {}, [s], {"layout": "letter"})


def memo(rng: random.Random, lang: str) -> Doc:
    d = D.random_date(rng)
    s = _sheet(rng)
    x0, right = 200, s.width - 200
    y = 260
    if lang == "ru":
        s.text(s.width / 2, y, "СЛУЖЕБНАЯ ЗАПИСКА", 56, bold=True, anchor="c")
        y += 150
        for label, value in (("Кому", f"Директору по рознице {D.person(rng).short}"),
                             ("От", f"Управляющего магазином {D.person(rng).short}"),
                             ("Дата", d.strftime("%d.%m.%Y")),
                             ("Тема", "Инвентаризация витрин")):
            s.text(x0, y, f"{label}:", 40, bold=True)
            s.text(x0 + 300, y, value, 40)
            y += 70
        body = ("Прошу разрешить проведение внеплановой инвентаризации витрин и склада магазина в связи со "
                "сменой материально ответственного лица. Инвентаризацию предлагаю провести после закрытия "
                "магазина силами сотрудников смены, результаты оформить актом и направить в бухгалтерию.")
    else:
        s.text(x0, y, "MEMORANDUM", 64, bold=True)
        y += 150
        for label, value in (("To", "All store managers"), ("From", f"Retail operations, {D.person(rng).short}"),
                             ("Date", D.DATE_FORMATS_EN["long"](d)), ("Subject", "Opening hours on holidays")):
            s.text(x0, y, f"{label}:", 40, bold=True)
            s.text(x0 + 300, y, value, 40)
            y += 70
        body = ("Please note that all stores will open two hours later than usual on public holidays. Make sure "
                "the updated hours are posted at the entrance and in the online store locator, and that shift "
                "schedules are adjusted accordingly. Contact your regional manager with any questions.")
    s.line(x0, y + 20, right, y + 20, width=3)
    s.paragraph(x0, y + 100, right - x0, body, 40)
    return Doc("other", lang, {}, [s], {"layout": f"memo-{lang}"})


TEMPLATES: dict[str, dict[str, tuple[Callable[[random.Random], Doc], ...]]] = {
    "z_report": {"ru": (z_report_ru,)},
    "sales_report": {"ru": (sales_report_ru,), "en": (sales_report_en,)},
    "waybill": {"ru": (waybill_torg12, waybill_simple), "en": (waybill_en,)},
    "upd": {"ru": (upd,)},
    "vat_invoice": {"ru": (vat_invoice,)},
    "invoice": {"ru": (invoice_ru,), "en": (invoice_en,)},
    "contract": {"ru": (contract_ru,), "en": (contract_en,)},
    "receipt": {"ru": (receipt_ru,), "en": (receipt_en,)},
    "other": {"ru": (letter_ru, lambda r: memo(r, "ru")), "en": (lambda r: memo(r, "en"),)},
}
MULTI_PAGE = {"upd": upd_long}
