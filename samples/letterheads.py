"""Generated till slips' and letterheads' tops, with the seller's name and address they print.

Every name, street and town is made up from syllables, so no rule or test built on these can be
keyed on a real shop. Used to train the letterhead labeller (scripts/train_letterhead.py) and by the
tests of the seller's name and address (tests/classify/test_receipts.py).

    slip = letterhead(random.Random(5), "en")
    slip.lines    # the printed lines, top down: brand, name, registration, address, phone, title, body
    slip.name     # the seller's name as printed, without its registration number
    slip.address  # the address lines joined by a space
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_SYLLABLES = ("ka", "ro", "mi", "ten", "sa", "lu", "vor", "de", "ni", "po", "zan", "bel", "tri", "mo", "ga",
              "rek", "fi", "lo", "ster", "an", "qu", "ve", "dor", "bi", "ul", "han", "ce", "mar", "to", "ix")
_RU_SYLLABLES = ("ка", "ро", "ми", "тен", "са", "лу", "вор", "де", "ни", "по", "зан", "бел", "три", "мо",
                 "га", "рек", "фи", "ло", "стер", "ан", "ве", "дор", "би", "ул", "хан", "це", "мар", "то")
_EN_TRADES = ("TRADING", "STORE", "MARKET", "HARDWARE", "RESTAURANT", "BAKERY", "STATIONERY", "SUPPLY",
              "KITCHEN", "ENTERPRISE", "HOLDINGS", "SERVICES", "CAFE", "PHARMACY", "BOOKS")
_EN_FORMS = ("SDN BHD", "SDN. BHD.", "BHD", "LTD", "PTE LTD", "LLC", "INC.", "PLC", "ENTERPRISE", "CO.", "")
_EN_STREETS = ("STREET", "ROAD", "AVENUE", "LANE", "DRIVE", "WAY", "HIGHWAY", "PARK")
_EN_UNITS = ("NO. {n}", "LOT {n}", "{n}", "UNIT {n}", "NO.{n}", "BLOCK {l}-{n}", "{n}-{m}")
_RU_FORMS = ("ООО", "АО", "ПАО", "ИП")
_RU_STREETS = ("ул.", "пр-т", "пер.", "ш.", "наб.")


@dataclass(frozen=True)
class Letterhead:
    lines: tuple[str, ...]
    name: str
    address: str
    language: str


def word(rng: random.Random, syllables: tuple[str, ...] = _SYLLABLES, parts: tuple[int, int] = (2, 3)) -> str:
    """A made-up word of two or three syllables."""
    return "".join(rng.choice(syllables) for _ in range(rng.randint(*parts)))


def _case(rng: random.Random, text: str, upper: bool) -> str:
    return text.upper() if upper else " ".join(w.capitalize() if w.isupper() else w for w in text.split())


def _reg(rng: random.Random) -> str:
    return f"{rng.randint(10000, 1999999)}-{rng.choice('ABCDKMPTUVWX')}"


def _en(rng: random.Random, phone_after_postcode: bool = False) -> Letterhead:
    upper = rng.random() < 0.8
    words = [word(rng).upper() for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.6:
        words.append(rng.choice(_EN_TRADES))
    form = rng.choice(_EN_FORMS)
    name = _case(rng, " ".join(words + ([form] if form else [])), upper)
    lines: list[str] = []
    if rng.random() < 0.25:
        lines.append(_case(rng, word(rng).upper(), upper))  # a brand above the legal name
    reg = _reg(rng)
    style = rng.random()
    if style < 0.4 and form:
        lines.append(f"{name} ({reg})")
    elif style < 0.55 and len(name) > 18 and form:  # the legal form wrapped onto its own line
        head, _, tail = name.rpartition(" ")
        lines += [head, tail]
    else:
        lines.append(name)
        if rng.random() < 0.5:
            lines.append(rng.choice(("(CO. REG. NO. {r})", "Co. No. {r}", "({r})", "ROC NO: {r}")).format(r=reg))
    if rng.random() < 0.4:
        lines.append(f"GST ID No: {rng.randint(10 ** 11, 10 ** 12 - 1):012d}")
    n, m = rng.randint(1, 250), rng.randint(1, 30)
    unit = rng.choice(_EN_UNITS).format(n=n, m=m, l=rng.choice("ABCDEFG"))
    street = f"{word(rng).upper()} {rng.choice(_EN_STREETS)}" if rng.random() < 0.6 else \
        f"{word(rng).upper()} {rng.randint(1, 20)}/{rng.randint(1, 30)}"
    area = " ".join(word(rng).upper() for _ in range(rng.randint(1, 2)))
    town = " ".join(word(rng).upper() for _ in range(rng.randint(1, 2)))
    region = word(rng).upper()
    postcode = f"{rng.randint(10000, 99999)}"
    parts = [f"{unit}, {street},", f"{area},", f"{postcode} {town},", f"{region}."]
    layout = rng.random()
    if phone_after_postcode and 0.7 <= layout < 0.85:
        layout = 0.3  # a layout whose postcode's line is the address's last
    if layout < 0.3:
        address_lines = [f"{parts[0]} {parts[1]}", f"{parts[2]} {parts[3]}"]
    elif layout < 0.6:
        address_lines = [parts[0], parts[1], f"{parts[2]} {parts[3]}"]
    elif layout < 0.7:
        address_lines = [f"{unit}, {street}, {area},", f"{postcode} {town}"]
    elif layout < 0.85:  # the region on a line of its own under the postcode's
        address_lines = [f"{unit} {street}", f"{postcode} {town}", " ".join(
            word(rng).upper() for _ in range(rng.randint(1, 2))) + rng.choice((".", ""))]
    else:
        address_lines = [f"{unit} {street}", f"{postcode} {town} {region}"]
    address_lines = [_case(rng, a, upper) for a in address_lines]
    lines += address_lines
    contacts = rng.sample([f"TEL: 0{rng.randint(1, 9)}-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                       f"FAX: 0{rng.randint(1, 9)}-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                       f"GST REG NO: {rng.randint(10 ** 11, 10 ** 12 - 1):012d}"], rng.randint(1, 2))
    if phone_after_postcode:
        # the phone printed after the postcode and town on their row ("12345 TOWN, REGION. Tel No.: ..."),
        # or on the row under it; and a row of a label and a number after the phone
        phone = rng.choice(("Tel: ", "TEL NO.: ", "Tel ", "H/P: ", "")) + \
            f"0{rng.randint(1, 9)}-{rng.randint(100, 9999)} {rng.randint(1000, 9999)}"
        if rng.random() < 0.7:
            lines[-1] = f"{lines[-1]} {phone}"
        else:
            lines.append(phone)
        contacts = [rng.choice(("Outlet No : {n}", "Terminal ; {n}", "Branch Code: {n}", "Store ID : {n}")).format(
            n=rng.randint(10, 99999))] + [c for c in contacts if not c.startswith("TEL")]
    lines += contacts
    lines += _en_body(rng)
    return Letterhead(tuple(lines), name, " ".join(address_lines), "en")


def _en_body(rng: random.Random) -> list[str]:
    body = [rng.choice(("TAX INVOICE", "SIMPLIFIED TAX INVOICE", "RECEIPT", "CASH SALE", "INVOICE"))]
    if rng.random() < 0.3:  # a row of the document's own words, no address's
        body.insert(rng.randint(0, 1), rng.choice(("Booking ID Payment Mode", "Member Name Points Balance",
                                                   "Order Type Dine In", "Served By Counter Staff",
                                                   "Customer Copy", "Sales Person Reference")))
    body.append(f"Date: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(15, 25)} "
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
    body.append(rng.choice(("Cashier: ", "Counter ", "Table ", "Bill No: ")) + str(rng.randint(1, 999)))
    body.append("Description Qty Price Amount")
    for _ in range(rng.randint(1, 4)):
        body.append(f"{word(rng).upper()} {rng.randint(1, 5)} {rng.randint(1, 99)}.{rng.randint(0, 99):02d}")
    body.append(f"TOTAL {rng.randint(1, 500)}.{rng.randint(0, 99):02d}")
    return body


def _ru(rng: random.Random) -> Letterhead:
    form = rng.choice(_RU_FORMS)
    title = word(rng, _RU_SYLLABLES).capitalize()
    if form == "ИП":
        name = f"ИП {word(rng, _RU_SYLLABLES).capitalize()}ов {title[0]}. {word(rng, _RU_SYLLABLES)[0].upper()}."
    else:
        name = f"{form} «{title}{rng.choice(('', ' Плюс', '-Трейд', ' Маркет'))}»"
    lines: list[str] = []
    if rng.random() < 0.3:
        lines.append(word(rng, _RU_SYLLABLES).upper())  # the shop's sign above its legal name
    lines.append(name)
    if rng.random() < 0.5:
        lines.append(f"ИНН {rng.randint(10 ** 9, 10 ** 10 - 1)}")
    index = f"{rng.randint(100000, 699999)}, " if rng.random() < 0.6 else ""
    town = word(rng, _RU_SYLLABLES).capitalize()
    street = f"{rng.choice(_RU_STREETS)} {word(rng, _RU_SYLLABLES).capitalize()}"
    house = f"д. {rng.randint(1, 120)}" + (f", стр. {rng.randint(1, 9)}" if rng.random() < 0.3 else "")
    if rng.random() < 0.5:
        address_lines = [f"{index}г. {town}, {street}, {house}"]
    else:
        address_lines = [f"{index}г. {town},", f"{street}, {house}"]
    lines += address_lines
    if rng.random() < 0.5:
        lines.append(f"ИНН {rng.randint(10 ** 9, 10 ** 10 - 1)}")
    lines += ["КАССОВЫЙ ЧЕК", f"Приход {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.20{rng.randint(19, 25)}",
              f"Кассир {word(rng, _RU_SYLLABLES).capitalize()}"]
    for _ in range(rng.randint(1, 3)):
        lines.append(f"{word(rng, _RU_SYLLABLES).capitalize()} {rng.randint(1, 5)} x {rng.randint(10, 999)}.00")
    lines.append(f"ИТОГ ={rng.randint(10, 5000)}.00")
    return Letterhead(tuple(lines), name, " ".join(address_lines), "ru")


def letterhead(rng: random.Random, language: str | None = None, phone_after_postcode: bool = False) -> Letterhead:
    """One generated slip's top, in ``language`` ("en", "ru") or either; with ``phone_after_postcode`` an
    English one whose phone follows the postcode and town on their row (or on the row under it) and has a
    "label : number" row after it."""
    if phone_after_postcode:
        return _en(rng, True)
    language = language or rng.choice(("en", "en", "ru"))
    return _en(rng) if language == "en" else _ru(rng)
