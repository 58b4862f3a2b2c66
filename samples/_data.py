"""Reference data and identifiers for the sample generator.

Registration numbers are generated with correct check digits (ИНН, ОГРН, ОГРНИП) so the
truth files can be validated; everything else here is plain tables the templates draw from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")

# --- identifiers with check digits -------------------------------------------------------

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def inn_legal(rng: random.Random, region: str) -> str:
    """A 10-digit ИНН of an organisation: 4-digit tax office code, 5 digits, check digit."""
    body = region + "".join(rng.choice("0123456789") for _ in range(5))
    return body + _check(body, _INN10_WEIGHTS)


def inn_person(rng: random.Random, region: str) -> str:
    """A 12-digit ИНН of a person or sole trader (two check digits)."""
    body = region + "".join(rng.choice("0123456789") for _ in range(6))
    body += _check(body, _INN12_WEIGHTS_11)
    return body + _check(body, _INN12_WEIGHTS_12)


def kpp_for(rng: random.Random, inn: str) -> str:
    """A 9-digit КПП: tax office of the INN, reason code, sequence number."""
    return inn[:4] + rng.choice(("01", "01", "01", "43", "45")) + "001"


def ogrn(rng: random.Random, region2: str) -> str:
    """A 13-digit ОГРН: check digit = (first 12 mod 11) mod 10."""
    body = "1" + rng.choice(("02", "05", "09", "12", "17", "21")) + region2 + "".join(
        rng.choice("0123456789") for _ in range(7)
    )
    return body + str(int(body) % 11 % 10)


def ogrnip(rng: random.Random, region2: str) -> str:
    """A 15-digit ОГРНИП: check digit = (first 14 mod 13) mod 10."""
    body = "3" + rng.choice(("15", "19", "20", "23")) + region2 + "".join(
        rng.choice("0123456789") for _ in range(9)
    )
    return body + str(int(body) % 13 % 10)


def digits(rng: random.Random, n: int, first: str = "") -> str:
    return first + "".join(rng.choice("0123456789") for _ in range(n - len(first)))


# --- money and dates ---------------------------------------------------------------------


def money(value: Decimal) -> str:
    """Normalised money as in DESIGN.md: two places, no separators."""
    return str(value.quantize(KOPECK, rounding=ROUND_HALF_UP))


def vat_of_total(total: Decimal, rate: int) -> Decimal:
    return (total * rate / (100 + rate)).quantize(KOPECK, rounding=ROUND_HALF_UP)


def vat_of_net(net: Decimal, rate: int) -> Decimal:
    return (net * rate / 100).quantize(KOPECK, rounding=ROUND_HALF_UP)


def fmt_ru(value: Decimal, sep: str = " ") -> str:
    """235 730,00"""
    whole, frac = money(value).split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join(groups) + "," + frac


def fmt_en(value: Decimal) -> str:
    """235,730.00"""
    return f"{value.quantize(KOPECK, rounding=ROUND_HALF_UP):,}"


def fmt_plain(value: Decimal) -> str:
    return money(value)


MONTHS_RU_GEN = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def random_date(rng: random.Random) -> date:
    return date(2025, 1, 1) + timedelta(days=rng.randrange(0, 500))


DATE_FORMATS_RU = {
    "dotted": lambda d: d.strftime("%d.%m.%Y"),
    "words": lambda d: f"{d.day} {MONTHS_RU_GEN[d.month - 1]} {d.year} г.",
    "quoted": lambda d: f"«{d.day:02d}» {MONTHS_RU_GEN[d.month - 1]} {d.year} г.",
}
DATE_FORMATS_EN = {
    "long": lambda d: f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
    "dmy": lambda d: f"{d.day} {MONTHS_EN[d.month - 1][:3]} {d.year}",
    "iso": lambda d: d.isoformat(),
}


# --- amounts in words (сумма прописью) ---------------------------------------------------

_UNITS = (
    ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
    ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
)
_TEENS = (
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
    "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
)
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
         "восемьдесят", "девяносто")
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
             "восемьсот", "девятьсот")
_SCALES = (  # (feminine, forms for 1, 2-4, 5+)
    (False, ("рубль", "рубля", "рублей")),
    (True, ("тысяча", "тысячи", "тысяч")),
    (False, ("миллион", "миллиона", "миллионов")),
)


def _plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 100 in range(11, 20):
        return forms[2]
    return forms[0] if n % 10 == 1 else forms[1] if n % 10 in (2, 3, 4) else forms[2]


def _triplet(n: int, feminine: bool) -> list[str]:
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest < 20:
        words.append(_TEENS[rest - 10])
    else:
        words += [_TENS[rest // 10], _UNITS[int(feminine)][rest % 10]]
    return [w for w in words if w]


def rubles_in_words(value: Decimal) -> str:
    """235730.00 → 'Двести тридцать пять тысяч семьсот тридцать рублей 00 копеек'."""
    value = value.quantize(KOPECK, rounding=ROUND_HALF_UP)
    rub = int(value)
    kop = int((value - rub) * 100)
    words: list[str] = ["ноль", "рублей"] if rub == 0 else []
    for scale in (2, 1, 0):
        if rub == 0:
            break
        feminine, forms = _SCALES[scale]
        part = rub // 1000**scale % 1000
        if part == 0 and scale > 0:
            continue
        words += [*_triplet(part, feminine), _plural(part, forms)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + f" {kop:02d} " + _plural(kop, ("копейка", "копейки", "копеек"))


# --- parties -----------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name_ru: str
    name_en: str
    tax_offices: tuple[str, ...]  # first 4 digits of an INN issued there
    region2: str
    streets: tuple[tuple[str, str], ...]  # (ru, en)
    postcodes: tuple[str, ...]
    okato_phone: str


CITIES = (
    City("Москва", "Moscow", ("7701", "7705", "7714", "7728", "7743"), "77",
         (("ул. Тверская", "Tverskaya St."), ("Ленинский пр-т", "Leninsky Ave."),
          ("ул. Большая Якиманка", "Bolshaya Yakimanka St."), ("Профсоюзная ул.", "Profsoyuznaya St."),
          ("ул. Новый Арбат", "Novy Arbat St.")),
         ("125009", "119049", "117342", "121099", "115191"), "495"),
    City("Санкт-Петербург", "Saint Petersburg", ("7802", "7810", "7813", "7841"), "78",
         (("Невский пр-т", "Nevsky Ave."), ("ул. Садовая", "Sadovaya St."),
          ("Московский пр-т", "Moskovsky Ave."), ("ул. Марата", "Marata St.")),
         ("191025", "190031", "196084", "191040"), "812"),
    City("Екатеринбург", "Yekaterinburg", ("6658", "6671", "6685"), "66",
         (("ул. Малышева", "Malysheva St."), ("пр-т Ленина", "Lenina Ave."), ("ул. Вайнера", "Vainera St.")),
         ("620014", "620075", "620026"), "343"),
    City("Новосибирск", "Novosibirsk", ("5402", "5406", "5410"), "54",
         (("Красный пр-т", "Krasny Ave."), ("ул. Ленина", "Lenina St."), ("ул. Фрунзе", "Frunze St.")),
         ("630099", "630007", "630132"), "383"),
    City("Казань", "Kazan", ("1655", "1658", "1660"), "16",
         (("ул. Баумана", "Baumana St."), ("ул. Пушкина", "Pushkina St."), ("пр-т Победы", "Pobedy Ave.")),
         ("420111", "420015", "420088"), "843"),
)

COMPANY_WORDS = (
    ("Телесфера", "Telesfera"), ("Гаджет Опт", "Gadget Opt"), ("Мобайл Трейд", "Mobile Trade"),
    ("Связь-Дистрибуция", "Svyaz Distribution"), ("Альфа-Электроника", "Alfa Electronics"),
    ("Северный Ветер", "Severny Veter"), ("ТехноЛайн", "TechnoLine"), ("Смарт Ритейл", "Smart Retail"),
    ("Вектор", "Vector"), ("Орион Логистик", "Orion Logistics"), ("Цифровой Мир", "Tsifrovoy Mir"),
    ("Меридиан", "Meridian"), ("Аксессуар Плюс", "Accessory Plus"), ("Полюс-Снаб", "Polus-Snab"),
)
LEGAL_FORMS = (
    # short ru, full ru, en suffix
    ("ООО", "Общество с ограниченной ответственностью", "LLC"),
    ("ООО", "Общество с ограниченной ответственностью", "LLC"),
    ("АО", "Акционерное общество", "JSC"),
)

SURNAMES = (
    ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
    ("Соколов", "Соколова"), ("Попов", "Попова"), ("Лебедев", "Лебедева"), ("Новиков", "Новикова"),
    ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Фёдоров", "Фёдорова"), ("Егоров", "Егорова"),
)
FIRST_NAMES = (
    (("Иван", "Иванович"), ("Сергей", "Сергеевич"), ("Алексей", "Алексеевич"), ("Дмитрий", "Дмитриевич"),
     ("Андрей", "Андреевич"), ("Михаил", "Михайлович"), ("Николай", "Николаевич")),
    (("Анна", "Ивановна"), ("Елена", "Сергеевна"), ("Ольга", "Алексеевна"), ("Мария", "Дмитриевна"),
     ("Татьяна", "Андреевна"), ("Наталья", "Михайловна"), ("Ирина", "Николаевна")),
)
PATRONYMIC_F = {
    "Иванович": "Ивановна", "Сергеевич": "Сергеевна", "Алексеевич": "Алексеевна",
    "Дмитриевич": "Дмитриевна", "Андреевич": "Андреевна", "Михайлович": "Михайловна",
    "Николаевич": "Николаевна",
}


@dataclass(frozen=True)
class Person:
    surname: str
    name: str
    patronymic: str
    female: bool

    @property
    def full(self) -> str:
        return f"{self.surname} {self.name} {self.patronymic}"

    @property
    def short(self) -> str:
        return f"{self.surname} {self.name[0]}. {self.patronymic[0]}."


def person(rng: random.Random) -> Person:
    female = rng.random() < 0.45
    surname = rng.choice(SURNAMES)[int(female)]
    name, patronymic = rng.choice(FIRST_NAMES[int(female)])
    if not female and rng.random() < 0.5:
        patronymic = rng.choice(FIRST_NAMES[0])[1]
    if female:
        patronymic = PATRONYMIC_F.get(patronymic, patronymic)
    return Person(surname, name, patronymic, female)


@dataclass(frozen=True)
class Party:
    name: str  # short name as printed, e.g. ООО «Телесфера»
    full_name: str
    name_en: str
    inn: str
    kpp: str | None  # None for a sole trader (ИП)
    ogrn: str
    address: str
    address_en: str
    phone: str
    director: Person
    accountant: Person
    bank: str
    bik: str
    account: str
    corr_account: str


BANKS = ("ПАО Сбербанк", "АО «Альфа-Банк»", "Банк ВТБ (ПАО)", "АО «Тинькофф Банк»", "ПАО «Промсвязьбанк»")


def party(rng: random.Random, *, sole_trader: bool = False, exclude: str = "") -> Party:
    city = rng.choice(CITIES)
    office = rng.choice(city.tax_offices)
    (street_ru, street_en) = rng.choice(city.streets)
    house = rng.randrange(1, 140)
    post = rng.choice(city.postcodes)
    extra = rng.choice(("", f", стр. {rng.randrange(1, 6)}", f", офис {rng.randrange(101, 520)}"))
    address = f"{post}, г. {city.name_ru}, {street_ru}, д. {house}{extra}"
    address_en = f"{house} {street_en}, {city.name_en} {post}, Russia"
    director = person(rng)
    if sole_trader:
        inn = inn_person(rng, office)
        kpp = None
        name = f"ИП {director.full}"
        full_name = f"Индивидуальный предприниматель {director.full}"
        name_en = f"Sole trader {director.surname}"
        reg = ogrnip(rng, city.region2)
    else:
        words = rng.choice([w for w in COMPANY_WORDS if w[0] != exclude])
        short, full, en = rng.choice(LEGAL_FORMS)
        inn = inn_legal(rng, office)
        kpp = kpp_for(rng, inn)
        name = f"{short} «{words[0]}»"
        full_name = f"{full} «{words[0]}»"
        name_en = f"{words[1]} {en}"
        reg = ogrn(rng, city.region2)
    bik = "04" + digits(rng, 7)
    return Party(
        name=name, full_name=full_name, name_en=name_en, inn=inn, kpp=kpp, ogrn=reg,
        address=address, address_en=address_en,
        phone=f"+7 ({city.okato_phone}) {digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 2)}",
        director=director, accountant=person(rng), bank=rng.choice(BANKS), bik=bik,
        account="40702810" + digits(rng, 12), corr_account="30101810" + digits(rng, 9) + bik[-3:],
    )


# --- goods -------------------------------------------------------------------------------

# (name ru, name en, price range in roubles)
GOODS = (
    ("Смартфон Samsung Galaxy A55 8/256GB", "Smartphone Samsung Galaxy A55 8/256GB", (28000, 36000)),
    ("Смартфон Xiaomi Redmi Note 13 6/128GB", "Smartphone Xiaomi Redmi Note 13 6/128GB", (15000, 19000)),
    ("Смартфон realme C67 8/256GB", "Smartphone realme C67 8/256GB", (13000, 17000)),
    ("Чехол-книжка для iPhone 15, чёрный", "Folio case for iPhone 15, black", (600, 1400)),
    ("Чехол силиконовый прозрачный", "Clear silicone case", (250, 700)),
    ("Защитное стекло 2.5D полноэкранное", "Full-screen tempered glass 2.5D", (300, 900)),
    ("Зарядное устройство USB-C 20W", "USB-C charger 20W", (900, 2100)),
    ("Кабель USB-C — Lightning 1 м", "USB-C to Lightning cable 1 m", (450, 1300)),
    ("Кабель USB-A — USB-C 2 м", "USB-A to USB-C cable 2 m", (300, 900)),
    ("Наушники беспроводные TWS", "True wireless earbuds", (1500, 6500)),
    ("Карта памяти microSD 128GB", "microSD card 128GB", (900, 1900)),
    ("Внешний аккумулятор 10000 mAh", "Power bank 10000 mAh", (1200, 2900)),
    ("Смарт-часы Amazfit Bip 5", "Smartwatch Amazfit Bip 5", (5500, 8900)),
    ("Автомобильный держатель магнитный", "Magnetic car mount", (500, 1600)),
    ("Портативная колонка Bluetooth", "Portable Bluetooth speaker", (1900, 5900)),
    ("Фитнес-браслет Xiaomi Smart Band 8", "Fitness band Xiaomi Smart Band 8", (2900, 4200)),
)

SERVICES = (
    ("Наклейка защитного стекла", "Screen protector fitting", (200, 500)),
    ("Перенос данных на новое устройство", "Data transfer to new device", (500, 1200)),
    ("Диагностика устройства", "Device diagnostics", (500, 1500)),
)


def unit_price(rng: random.Random, price_range: tuple[int, int], round_to: int = 10) -> Decimal:
    lo, hi = price_range
    rub = rng.randrange(lo, hi) // round_to * round_to
    if rng.random() < 0.3:
        return Decimal(rub - 1) if rub > 1 else Decimal(rub)
    if rng.random() < 0.2:
        return Decimal(rub) + Decimal(rng.randrange(1, 100)) / 100
    return Decimal(rub)


# --- order and document numbers ----------------------------------------------------------

ORDER_FORMATS = (
    lambda r, d: f"ЗК-{r.randrange(1, 9999):06d}",  # Cyrillic З and К
    lambda r, d: f"ORD-{d.year}-{r.randrange(1, 99999):05d}",
    lambda r, d: f"{d.year}-{r.randrange(1, 999)}",
)

DOC_NUMBER_FORMATS = (
    lambda r, d: str(r.randrange(1, 9999)),
    lambda r, d: str(r.randrange(10, 999)),
    lambda r, d: f"УТ-{r.randrange(1, 9999)}",
    lambda r, d: f"{r.randrange(0, 9):04d}-{r.randrange(1, 999999):06d}",
    lambda r, d: f"{d.year % 100:02d}-{r.randrange(1, 9999):04d}",
)
