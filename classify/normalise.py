"""Normalisers for what OCR reads: dates, money, currencies, document numbers; INN/KPP/OGRN checks;
Russian amounts in words.

Every normaliser takes the text as read and returns the normalised value of DESIGN.md, or ``None``
when the text is not such a value (a normaliser never guesses).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from classify._lookalikes import (
    CYRILLIC_TWINS,
    DATE_DIGITS,
    DIGIT_LETTERS,
    LATIN_TWINS,
    as_digits,
    fix_symbols,
    letter_for,
    letters_for,
    one_script,
    to_cyrillic,
    to_latin,
)

# -- text folding ----------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+")


def fold_word(word: str) -> str:
    """A word in one script (see :func:`classify._lookalikes.one_script`)."""
    return one_script(word)


def fold_text(text: str) -> str:
    """Lower-case text for keyword matching: look-alikes resolved per word, ``ё`` as ``е``; the same
    length as ``text``, so offsets carry over."""
    text = _WORD.sub(lambda m: fold_word(m.group()), text)
    folded = text.lower().replace("ё", "е")
    return folded if len(folded) == len(text) else "".join(ch.lower()[:1] or ch for ch in text).replace("ё", "е")


# -- dates -----------------------------------------------------------------------------------------
_MONTHS = (
    # (number, Russian stems, English stems)
    (1, ("янв",), ("jan",)), (2, ("фев",), ("feb",)), (3, ("мар",), ("mar",)), (4, ("апр",), ("apr",)),
    (5, ("мая", "май", "мае"), ("may",)), (6, ("июн",), ("jun",)), (7, ("июл",), ("jul",)),
    (8, ("авг",), ("aug",)), (9, ("сен",), ("sep",)), (10, ("окт",), ("oct",)), (11, ("ноя",), ("nov",)),
    (12, ("дек",), ("dec",)),
)
_MONTH_BY_STEM = {stem: n for n, ru, en in _MONTHS for stem in ru + en}
ENGLISH_MONTHS: dict[str, int] = {stem.upper(): n for n, _, en in _MONTHS for stem in en}
"""The English months' three-letter stems in capitals → their numbers."""
# Month names of foreign suppliers' invoices (French, Dutch, German) and slips (Malay, Indonesian) whose first
# three letters differ from the English.
_MONTH_WORDS = {"juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "avril": 4, "avr": 4, "mai": 5,
                "mei": 5, "maart": 3, "mrt": 3, "märz": 3, "mär": 3, "février": 2, "fév": 2, "décembre": 12,
                "déc": 12, "dez": 12, "dezember": 12, "okt": 10, "mars": 3,
                # Malay and Indonesian slips' («14 Mac 2019», «3 Ogos 2018», «9 Dis 2019», «2 Agustus 2019»)
                "mac": 3, "ogos": 8, "ogo": 8, "ogs": 8, "dis": 12, "disember": 12, "agustus": 8, "agu": 8,
                "agt": 8, "des": 12, "desember": 12,
                # Italian, Spanish and Dutch («6 ottobre 2019», «6 enero 2019», «6 oktober 2019»); no short form that is
                # a word of its own on a slip («set», «mag», «gen»)
                "gennaio": 1, "enero": 1, "ene": 1, "febbraio": 2, "aprile": 4, "abril": 4, "abr": 4, "maggio": 5,
                "giugno": 6, "luglio": 7, "agosto": 8, "ago": 8, "settembre": 9, "ottobre": 10, "oktober": 10,
                "dicembre": 12, "diciembre": 12, "dic": 12}
_MONTH_WORD = r"([A-Za-zА-Яа-яЁёÀ-ÿ]{3,10})\.?"
# A year of four digits, also with a space read inside it ("20 18": its two halves wide apart on a
# slip; never "20 18:05", a two-digit year and the time), or of two (never two before a colon: "Jun 18 08:34"
# is the 18th of June and the time, not 2008).
_YEAR = r"(\d{4}|(?:19|20) \d{2}(?![\d:])|\d{2}(?!\s?:\s?\d))"  # two digits before a colon: an hour
# After a four-digit year, the time of day run into it ("23/03/20183:13:19") when OCR loses the space, or
# joined to it by a mark it read for the space ("23/03/2018-13:19", "23/03/2018.13:19", "23/03/2018|13:19").
_GLUED_TIME = r"(?<=\d{4})(?=[-.|]?\d{1,2}:\d{2}(?!\d))"
_DATE_PATTERNS = (
    # ISO: 2026-03-14
    ("ymd", re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")),
    # 14.03.2026, 14/03/26, 14-03-2026: the same mark between all three parts (also with the time of day run
    # into it before it, "10:2214/03/2019", as OCR loses the space between them)
    ("dmy", re.compile(r"(?:(?<!\d)|(?<=\d:\d\d))(\d{1,2})\s?([-./])\s?(\d{1,2})\s?\2\s?" + _YEAR
                       + r"(?:" + _GLUED_TIME + r"|(?!\d|[-./]\d))")),
    # «14» марта 2026 г., 14 March 2026, 14-Mar-2026, 14th March 2026
    # (and "7. Mai 2014"; "July 1 - July 31, 2014" holds no 1 July 2031)
    # (its separators also read as other marks: "14,MAR 2026", "14 MAR:2026")
    # (not the minutes of a time before a month-first date: "13:04 MAY 24 2018" holds no 4 May 2024)
    ("d_mon_y", re.compile(r"(?<!\d)(?<!\d[:.])(\d{1,2})(?:st|nd|rd|th|\.)?[»\"'”“]?\s*[-/ ,:;]?\s*" + _MONTH_WORD
                           + r"\s*[-/,:;'’.]?\s*" + _YEAR
                           + r"(?:" + _GLUED_TIME + r"|(?!\d|\s?,\s?\d{4}|\s(?:19|20)\d{2}(?!\d)))")),
    # March 14, 2026; August 3 , 2014
    ("mon_d_y", re.compile(_MONTH_WORD + r"\s*(\d{1,2})(?:st|nd|rd|th)?\s?,?\s+" + _YEAR + r"(?!\d)")),
)


def _month(word: str) -> int | None:
    if word.lower() in _MONTH_WORDS:
        return _MONTH_WORDS[word.lower()]
    word = fold_word(word).lower()
    if word.isdigit():
        return None
    return _MONTH_WORDS.get(word) or _MONTH_BY_STEM.get(word[:3])


def _year(text: str) -> int:
    year = int(text.replace(" ", ""))
    return year + 2000 if year < 100 else year


def _month_digits(text: str) -> int:
    """A month's two digits, its leading 0 repaired where OCR read it as 6, 8 or 9 ("17/83/2017")."""
    month = int(text)
    if month > 12 and len(text) == 2 and text[0] in "689" and 1 <= int(text[1]) <= 9:
        return int(text[1])
    return month


def _make(year: int, month: int, day: int) -> str | None:
    if not 1900 <= year <= 2099:
        return None  # "20/1000": not a date a document carries
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_ZERO = re.escape(letters_for("0"))  # the letters read for 0
_ONE = re.escape(letters_for("1"))
# zeros, ones and eights read as letters inside a date: between digits ("2O.03.2026", "1l.03", "2O1B"), a
# zero after a separator ("24/O5/2018"), a one leading a day before its separator ("l2/03/2018": not 2
# March) and an eight ending a year ("12/03/201B")
_DATE_LOOKALIKES = re.compile(
    f"(?<=\\d)[{re.escape(letters_for('018'))}](?=\\d|[-./]\\d)|(?<=[\\d./-])[{_ZERO}](?=\\d)"
    f"|(?<![^\\W\\d_])[{_ONE}](?=\\d[-./]\\d{{1,2}}[-./]\\d)|(?<=[-./][\\d{_ZERO}{_ONE}]{{3}})[{re.escape(letters_for('8'))}](?![^\\W_])")


_SHAPE_DIGIT = "0-9" + re.escape("".join(sorted({ch for v in (*DIGIT_LETTERS.values(), *DATE_DIGITS.values())
                                                  for ch in v if ch.isalpha() or ch == "|"})))
# a word shaped as a date whatever its letters: a day and a month of one or two characters and a year of two or four,
# the same mark between them (a date's own shape), each part with a digit, a letter of a digit's shape among them
# («14-I2-16», «2Z/05/2018», «1B.O6.2018»)
_SHAPED_DATE = re.compile(rf"(?<![^\W_])([{_SHAPE_DIGIT}]{{1,2}})([-./])([{_SHAPE_DIGIT}]{{1,2}})\2"
                          rf"([{_SHAPE_DIGIT}]{{4}}|[{_SHAPE_DIGIT}]{{2}})(?![^\W_])")


def _shaped_date_digits(m: re.Match[str]) -> str:
    parts = (m.group(1), m.group(3), m.group(4))
    letters = sum(not ch.isdigit() for p in parts for ch in p)
    if not letters or letters > 2 or not all(any(ch.isdigit() for ch in p) for p in parts):
        return m.group()
    table = {ch: d for d, v in (*DIGIT_LETTERS.items(), *DATE_DIGITS.items()) for ch in v if not ch.isdigit()}
    return "".join(table.get(ch, ch) for ch in m.group())


def find_dates(text: str, *, day_first: bool = True) -> list[tuple[str, int, int]]:
    """Every date in ``text`` as ``(iso, start, end)``, in order of position."""
    clean = _DATE_LOOKALIKES.sub(lambda m: as_digits(m.group(), "018"), text)
    clean = _SHAPED_DATE.sub(_shaped_date_digits, clean)
    found: dict[int, tuple[str, int, int]] = {}
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(clean):
            if any(s <= m.start() < e for _, s, e in found.values()) or date_cut_short(clean, m.start(), m.end()):
                continue
            g = m.groups()
            iso = None
            if kind == "ymd":
                iso = _make(int(g[0]), int(g[1]), int(g[2]))
            elif kind == "dmy":
                a, b, y = int(g[0]), _month_digits(g[2]), _year(g[3])
                iso = _make(y, b, a) if day_first else _make(y, a, b)
                if iso is None:
                    iso = _make(y, a, b) if day_first else _make(y, b, a)
            elif kind == "d_mon_y":
                month = _month(g[1])
                iso = _make(_year(g[2]), month, int(g[0])) if month else None
            else:
                month = _month(g[0])
                iso = _make(_year(g[2]), month, int(g[1])) if month else None
            if iso:
                found[m.start()] = (iso, m.start(), m.end())
    return [found[k] for k in sorted(found)]


_DIGIT_SHAPES = "".join(sorted({ch for d, v in (*DIGIT_LETTERS.items(), *DATE_DIGITS.items()) if d != "0"
                                 for ch in v if ch.isalpha() or ch == "|"}))  # a zero cut off a day leaves it
# a letter of a digit's shape right before a date's day, or between a year's digits ("Z9/12/2017",
# "i1/12/2017", "11/12/20i7"), and a lone digit a space before a one-digit day ("1 1/12/2017"): the date
# was read with a digit cut off, and what is left of it is another date
_CUT_BEFORE = re.compile(rf"(?:(?<![^\W\d_])[{re.escape(_DIGIT_SHAPES)}]|(?<![\d.,/-])\d\s)$")
_CUT_AFTER = re.compile(rf"[{re.escape(_DIGIT_SHAPES)}](?![^\W\d_])")  # "20i4", "14-06-2g"


def date_cut_short(text: str, start: int, end: int) -> bool:
    """Whether the date read at ``text[start:end]`` is what is left of a date with a digit cut off (also a day of
    one digit with a space before its mark, «1 -06-2018»: the day's other digit lost)."""
    if re.match(r"\d\s[-./]", text[start:start + 3]):
        return True
    before = _CUT_BEFORE.search(text[max(0, start - 3):start])
    if before and before.group().endswith(" ") and not re.match(r"\d\D", text[start:start + 2]):
        before = None  # a lone digit before a day of two digits is another number
    return bool(before) or bool(_CUT_AFTER.match(text, end))


def normalise_date(text: str, *, day_first: bool = True) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``: ``«14» марта 2026 г.``, ``14 March 2026``,
    ``14/03/26``, ``14.03.2026``, ``2026-03-14``, ``March 14, 2026``; ``None`` if there is none."""
    dates = find_dates(text, day_first=day_first)
    return dates[0][0] if dates else None


# -- money -----------------------------------------------------------------------------------------
_MONEY = re.compile(
    r"(?<![\w.,])-?(?:\d{1,3}(?:[ \u00a0\u202f'’](?=\d{3}(?!\d))\d{3})+|\d+)(?:[.,]\d{3}(?!\d))*"
    r"(?:\s?[.,]\s?\d{1,2})?(?!\d)"
)
_MONEY_LOOKALIKES = re.compile(f"(?<=\\d)[{_ZERO}](?=[\\d.,])|(?<=[\\d.,])[{_ZERO}](?=\\d|\\b)")


def find_amounts(text: str) -> list[tuple[str, int, int]]:
    """Every amount of money in ``text`` as ``(normalised, start, end)``."""
    clean = _MONEY_LOOKALIKES.sub("0", text)
    out = []
    for m in _MONEY.finditer(clean):
        if re.match(r"[.,](?!\d)", clean[m.end():m.end() + 2]) and not re.search(r"[.,]\d{1,2}$", m.group()):
            continue  # "149281." : the kopecks were lost in reading, the amount is not known
        if re.match(r"[^\W\d_]{1,2}[.,]?\d", clean[m.end():m.end() + 4]):
            continue  # "1g0.80", "3D.00": a digit read as a letter cut the number short, the rest is not it
        if (re.match(r"\s?:\s?\d{2}", clean[m.end():m.end() + 5])
                or re.search(r"\d\s?:\s?$", clean[max(0, m.start() - 3):m.start()])) and not re.search(
                r"[.,]\d{1,2}$", m.group()):
            continue  # "10:50:00": a time of day, its hours, minutes and seconds, is no amount
        value = normalise_money(m.group())
        if value is not None:
            out.append((value, m.start(), m.end()))
    return out


def normalise_money(text: str) -> str | None:
    """An amount as a decimal string with two places and no separators: ``235 730,00``, ``235730.00``,
    ``1,234.56``, ``1.234,56``, ``RM 12.50``, ``=89872.65``, ``$4.11`` → ``235730.00`` etc."""
    s = text.strip()
    s = re.sub(r"^[^\d\-]+|[^\d]+$", "", s)  # currency signs, '=', labels around the number
    s = _MONEY_LOOKALIKES.sub("0", s)
    s = re.sub(r"[\s\u00a0\u202f'’]", "", s)
    negative = s.startswith("-")
    s = s.lstrip("-")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not s[0].isdigit():
        return None
    seps = [i for i, ch in enumerate(s) if ch in ".,"]
    if seps:
        last = seps[-1]
        tail = len(s) - last - 1
        if tail in (1, 2):
            whole, frac = s[:last], s[last + 1:]
        elif tail == 3:  # 1,234 or 1.234.567: thousands only
            whole, frac = s, ""
        else:
            return None
        marks = {ch for ch in whole if ch in ".,"}
        if marks:
            parts = re.split(r"[.,]", whole)
            if len(marks) > 1 or any(len(p) != 3 for p in parts[1:]) or not parts[0]:
                return None
            whole = "".join(parts)
        s = f"{whole}.{frac}" if frac else whole
    try:
        value = Decimal(s).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return f"{-value if negative else value}"


# -- currency --------------------------------------------------------------------------------------
CURRENCY_MARKS: tuple[tuple[str, str], ...] = (
    # (regular expression over folded text, ISO 4217)
    # the rouble's word in every case and number: «Рубли, 643» (a УПД's line (7)), «в рублях», «рублями»
    (r"₽|\bруб\b|\bрубл(?:ь|я|ей|и|ю|ем|ям|ями|ях)\b|\brub\b|\bрф\b(?=.*руб)|российский рубль", "RUB"),
    (r"\brm\s?\d|\bringgit\b|\bmyr\b", "MYR"),
    (r"€|\beur\b|\beuro\b|\beuros\b", "EUR"),
    (r"\$\s?\d|\d\s?\$|\busd\b|\bus dollars?\b|\(\$\)", "USD"),  # a lone $ is OCR's speck (or a 5)
    (r"₹|\binr\b|\brs\.?\s?[-~]?\d|\brupees?\b", "INR"),  # "Rs ~12.50": the dash before the amount read as a tilde
    (r"\bpln\b|\bzł\b|\bzl\b", "PLN"),
    (r"£|\bgbp\b", "GBP"),
    (r"\bchf\b", "CHF"),
    (r"\bcny\b|¥\s?\d|\d\s?¥", "CNY"),  # a lone ¥ is OCR's tick in a box
    (r"\bkzt\b|₸", "KZT"),
    (r"\bbyn\b", "BYN"),
)


# ISO 4217's numeric codes (Russia's ОКВ) of the currencies above: a счёт-фактура or УПД prints its currency's code
# beside its name in line (7), «Валюта: наименование, код Российский рубль, 643»
# (810 the rouble's code before 1998, which some forms still print)
NUMERIC_CURRENCY = {"643": "RUB", "810": "RUB", "458": "MYR", "978": "EUR", "840": "USD", "356": "INR", "985": "PLN",
                    "826": "GBP", "756": "CHF", "156": "CNY", "398": "KZT", "933": "BYN"}


def find_currencies(text: str) -> dict[str, int]:
    """How often each currency is marked in ``text`` (ISO code → count)."""
    folded = fold_text(text)
    out: dict[str, int] = {}
    for pattern, code in CURRENCY_MARKS:
        n = len(re.findall(pattern, folded))
        if n:
            out[code] = out.get(code, 0) + n
    return out


def normalise_currency(text: str) -> str | None:
    """The ISO 4217 code of the currency marked most often in ``text`` (``руб.``/``₽`` → ``RUB``)."""
    found = find_currencies(text)
    return max(found, key=lambda c: found[c]) if found else None


# -- document and order numbers --------------------------------------------------------------------
_LOOKALIKE_LATIN = set(LATIN_TWINS.upper())
_CYR_LOOKALIKES = set(CYRILLIC_TWINS.upper() + letters_for("3").upper())
# "3" and "0" at the head of a Cyrillic letter run are the letters З and О
_DIGIT_AS_LETTER = str.maketrans("30", "".join(letter_for(d, cyrillic=True, lower=False) or d for d in "30"))
_SEGMENT = re.compile(r"[^\W_]+|[-/._]")
_PREFIX = re.compile(r"^(?:[^\W\d_]|[30](?=[^\W\d_]))+")


def _letters(run: str, latin_first: bool = False) -> str:
    """A run of letters in one script: Latin if it has a letter only Latin has, else Cyrillic; with
    ``latin_first``, Cyrillic only if it has a letter only Cyrillic has, else Latin."""
    latin = any("A" <= ch <= "Z" and ch not in _LOOKALIKE_LATIN for ch in run)
    if latin_first:
        latin = not any(ch.isalpha() and not ch.isascii() and ch not in _CYR_LOOKALIKES for ch in run)
    if latin:
        return as_digits(to_latin(run), "3")
    return to_cyrillic(run).translate(_DIGIT_AS_LETTER)


def _segment(seg: str, latin_first: bool = False) -> str:
    prefix = _PREFIX.match(seg)
    head = _letters(prefix.group(0), latin_first) if prefix else ""
    rest = seg[len(prefix.group(0)) if prefix else 0:]
    if rest and sum(ch.isdigit() for ch in rest) >= len(rest) / 2:
        rest = as_digits(rest, "03")
    return head + "".join(_letters(ch, latin_first) if ch.isalpha() else ch for ch in rest)


def normalise_number(raw: str) -> str:
    """A document or order number as printed, upper case, without spaces, with Latin/Cyrillic
    look-alikes resolved: ``3K-000781`` → ``ЗК-000781``, ``ЗК-0007O1`` → ``ЗК-000701``, ``so-12345`` →
    ``SO-12345``. A letter run is Latin when it has a letter only Latin has, else Cyrillic."""
    text = re.sub(r"\s+", "", fix_symbols(raw.upper(), "-")).lstrip("№#").strip("-/._:")
    return "".join(_segment(s) if s[0].isalnum() else s for s in _SEGMENT.findall(text))


def normalise_code(raw: str) -> str:
    """An outlet's or a store's code as printed: like :func:`normalise_number`, but a letter run that
    could be either script is Latin (``ЕКВ-649`` → ``EKB-649``). Such codes are identifiers the
    company gives its outlets (inbox folder names, ``DEMO-01``), not 1C document prefixes."""
    text = re.sub(r"\s+", "", fix_symbols(raw.upper(), "-")).lstrip("№#").strip("-/._:")
    return "".join(_segment(s, latin_first=True) if s[0].isalnum() else s for s in _SEGMENT.findall(text))


# -- INN, KPP, OGRN --------------------------------------------------------------------------------
_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def valid_inn(inn: str) -> bool:
    """Whether ``inn`` is a 10-digit (organisation) or 12-digit (person) INN with valid check digits."""
    if not inn.isdigit() or inn == "0" * len(inn):
        return False
    if len(inn) == 10:
        return _check(inn, _INN10) == int(inn[9])
    if len(inn) == 12:
        return _check(inn, _INN12_1) == int(inn[10]) and _check(inn, _INN12_2) == int(inn[11])
    return False


def valid_kpp(kpp: str) -> bool:
    """Whether ``kpp`` is a KPP: 9 characters, the tax office code (4 digits, not 0000), the reason
    (2 digits or capital Latin letters) and 3 digits. KPP carries no check digit."""
    return bool(re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp)) and kpp[:4] != "0000"


def valid_ogrn(ogrn: str) -> bool:
    """Whether ``ogrn`` is an OGRN (13 digits) or OGRNIP (15 digits) with a valid check digit."""
    if not ogrn.isdigit() or ogrn[0] == "0":
        return False
    if len(ogrn) == 13:
        return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    if len(ogrn) == 15:
        return int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    return False


# -- amounts in words (Russian) --------------------------------------------------------------------
_UNITS = {
    "ноль": 0, "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
    "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17,
    "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20, "тридцать": 30, "сорок": 40,
    "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90,
    "сто": 100, "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600,
    "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
}
_SCALES = (("миллиард", 10**9), ("миллион", 10**6), ("тысяч", 1000))
_WORDS_RUB = re.compile(r"(?i)([а-яё ]{3,}?)\s*руб\w*\.?\s*(\d{1,2})?\s*(?:коп\w*)?")


def amount_in_words_ru(text: str, *, whole: bool = False) -> str | None:
    """The amount written in words in ``text`` (``Двести тридцать пять тысяч семьсот тридцать рублей
    00 копеек``) as a money string (``235730.00``); ``None`` if there is none. With ``whole``, only an amount
    whose words are all read as number words: one broken by a stray word (a number word OCR misread, «тыкич» for
    «тысяч») gives nothing rather than its tail («четыреста рублей» of «шесть тысяч четыреста рублей»)."""
    folded = fold_text(text)
    for m in _WORDS_RUB.finditer(folded):
        words = re.findall(r"[а-я]+", m.group(1))
        total = 0
        group = 0
        seen = False
        broken = False
        for word in words:
            if word in _UNITS:
                group += _UNITS[word]
                seen = True
                continue
            scale = next((v for stem, v in _SCALES if word.startswith(stem)), None)
            if scale is not None:
                total += max(group, 1) * scale
                group = 0
                seen = True
            elif seen:
                total, group, seen = 0, 0, False  # a stray word breaks the number: start again
                broken = True
        if not seen or (whole and broken):
            continue
        kopecks = int(m.group(2)) if m.group(2) else 0
        return f"{total + group}.{kopecks:02d}"
    return None
