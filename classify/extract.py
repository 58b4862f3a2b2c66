"""Field extractors: a label and the value to its right or below it, table totals at the bottom,
parties by the role printed before them.

Each field has a table of label patterns (over folded text, see :func:`classify.normalise.fold_text`)
with a priority, a value parser, and where to look (the first or the last match in the document).
Values that fail their own check (an INN with a wrong check digit) are not returned; the finding
is kept in :data:`Found.rejected` for validation to report.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from capture.types import PageText

from classify._dates import TIME_AFTER, lone_date, misread_date, timed_dates
from classify._layout import Row, document_rows, make_row, starts_column
from classify._labels import Label, either, labels, token, words
from classify._lookalikes import DATE_DIGITS, DIGIT_LETTERS, alike, as_digits, capitals_alike, faded, letters_for
from classify._vat import RATES, included_rate, net_rate, vat_rates
from classify.catalogue import COMMON_FIELDS, DOC_TYPES
from classify.normalise import (
    CURRENCY_MARKS,
    NUMERIC_CURRENCY,
    amount_in_words_ru,
    fold_text,
    date_cut_short,
    find_amounts,
    find_currencies,
    find_dates,
    normalise_code,
    normalise_number,
    valid_inn,
    valid_kpp,
)
from classify.types import FieldValue

Parser = Callable[[str], "tuple[str, int, int] | None"]


@dataclass
class Doc:
    rows: list[Row]
    text: str
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (field, raw) that failed a check
    unsure: list[tuple[str, str]] = field(default_factory=list)  # (field, value) read too unsurely to give
    doubts: dict[str, str] = field(default_factory=dict)  # why a field in ``unsure`` is, where a rule says


@dataclass(frozen=True)
class Hit:
    value: str
    raw: str
    row: Row
    start: int
    end: int
    priority: float
    label: int = -1  # where the label starts in the row (-1: no label)

    def field(self, name: str, base: float = 0.9) -> FieldValue:
        box, conf = self.row.span(self.start, self.end)
        confidence = round(max(0.05, min(1.0, base * (0.5 + 0.5 * conf) * min(1.0, self.priority))), 3)
        return FieldValue(name, self.value, confidence, self.row.page, box, self.raw)


# -- value parsers (over the raw text after a label) -----------------------------------------------
def parse_date(text: str) -> tuple[str, int, int] | None:
    found = find_dates(text)
    return found[0] if found else None


def parse_labelled_date(text: str) -> tuple[str, int, int] | None:
    """The first date after a date label; none when digits that read as no date stand before it («Date : 18/062018
    08.18.00»: a date with a mark lost, and the time after it, which reads as a date): those are read as a misread
    date (:func:`parse_misread_date`) or not at all."""
    found = find_dates(text)
    if not found:
        return None
    lead = re.match(r"\W{0,3}", text)
    if lead and re.search(r"\d", text[lead.end():found[0][1]]):
        return None  # digits between the label and the first date: the date is those, misread
    return found[0]


# A date right after its label with its separators lost or misread, as faint till slips print them:
# "1170572018" and "24I05I2018" (slashes read as 1, 7, I or l; or one of them, "13707/2017"), "0309/2017"
# and "27,032018" (one lost; "27/0618" with a two-digit year), "24,05,2018" and "24:05:2018" (both read as
# another mark), "24 05 2018" (read as spaces), and the year first with no separator at all ("20180524").
# Tried only after a date label, and only as a valid day, month and year of this century.
_MISREAD_DATES = (
    (re.compile(r"^\W{0,3}(\d{2})[17Il|](\d{2})[17Il|](\d{4})(?!\d)"), "dmy"),
    (re.compile(r"^\W{0,3}(\d{2})[17Il|](\d{2})[/.\-](\d{4}|\d{2})(?![\d.,])"), "dmy"),  # one of them: "13707/2017"
    (re.compile(r"^\W{0,3}(\d{2})[/.\-](\d{2})[17Il|](\d{4})(?!\d)"), "dmy"),
    (re.compile(r"^\W{0,3}(\d{2})(\d{2})[/.\-](\d{4})(?!\d)"), "dmy"),
    (re.compile(r"^\W{0,3}(\d{2})[/.,\-](\d{2})(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"^\W{0,3}(\d{2})(\d{2})[/.\-](\d{2})(?![\d:.,])"), "dmy"),  # a two-digit year: "2706/18"
    (re.compile(r"^\W{0,3}(\d{2})[/.\-](\d{2})(\d{2})(?![\d:.,])"), "dmy"),  # "27/0618", not "27/0618:05"
    (re.compile(r"^\W{0,3}(\d{1,2})\s?([,:;]|\s)\s?(\d{1,2})\s?\2\s?(\d{4})(?!\d)"), "d?my"),
    (re.compile(r"^\W{0,3}(20\d{2})(\d{2})(\d{2})(?![\d.,])"), "ymd"),
)


def parse_misread_date(text: str) -> tuple[str, int, int] | None:
    for pattern, order in _MISREAD_DATES:
        m = pattern.match(text)
        if not m or date_cut_short(text, m.start(1), m.end(m.lastindex or 0)):
            continue
        parts = [g for n, g in enumerate(m.groups(), 1) if order != "d?my" or n != 2]
        if order == "ymd":
            parts = parts[::-1]
        day, month, year = int(parts[0]), int(parts[1]), int(parts[2])
        year += 2000 if year < 100 else 0
        if not 2000 <= year <= 2099:
            continue
        try:
            iso = date(year, month, day).isoformat()
        except ValueError:
            continue
        return iso, m.start(1), m.end(m.lastindex or 0)
    return misread_date(text)  # the other kinds of misreading (classify/_dates.py)


def parse_money(text: str) -> tuple[str, int, int] | None:
    clean = _money_text(text)
    found = find_amounts(clean)
    if not found or _broken_group(clean, found[0][1]):
        return None
    if len(found) > 1 and found[1][1] == found[0][2] + 1 and _broken_group(clean, found[1][1]):
        return None  # the first amount is itself the bare group of one read apart («1 2 345,00»)
    return found[0]


def parse_till_money(text: str) -> tuple[str, int, int] | None:
    """A till's amount (a slip's or a shift report's payment rows): printed with its kopecks, so one read without
    them («БЕЗНАЛИЧНЫМИ 62 р se» for 62 419,00) lost digits and is not known; a bare zero is a zero."""
    got = parse_money(text)
    if got is None:
        return None
    clean = _money_text(text)
    return got if re.search(r"[.,]\s?\d{2}$", clean[got[1]:got[2]]) or Decimal(got[0]) == 0 else None


# a bare group of one to three digits and a space just before an amount: its thousands read with a space too many
# («1 2 345,00» is 12 345,00 or 1 234,00 — not 2 345,00); the amount is not known
_BARE_GROUP = re.compile(r"(?<![\d.,])\d{1,3} $")


def _broken_group(text: str, start: int) -> bool:
    return bool(_BARE_GROUP.search(text[max(0, start - 5):start]))


def parse_last_money(text: str) -> tuple[str, int, int] | None:
    """The last amount with its decimals printed (a table's totals row ends with the amount due);
    a rate ("6%") is no amount. With none, an amount read with a space for its point at the end
    ("RM 64 13")."""
    clean = _money_text(text)
    found = [a for a in find_amounts(clean) if re.search(r"[.,]\s?\d{1,2}$", clean[a[1]:a[2]])
             and not re.match(r"\s?%", clean[a[2]:a[2] + 2])]
    if found:
        return None if _broken_group(clean, found[-1][1]) else found[-1]
    # ... or a colon ("TOTAL 14:00"), its zeros read as the letter ("RM5 OO")
    clean = re.sub(f"(?<=\\d[ :])[{re.escape(letters_for('0'))}]{{2}}(?=\\s*$)", "00", clean)
    m = re.search(r"(?<![\d.,:])(\d{1,6})[ :](\d{2})\s*$", clean)
    if m and not re.search(r"\d[.,]\d", clean):
        return f"{int(m.group(1))}.{m.group(2)}", m.start(1), m.end(2)
    # whole units marked with their currency: "Grand Total Rs 1939", "Total: 1 500 руб."
    marked = [a for a in find_amounts(clean) if re.search(_CURRENCY_SIGN + r"\s*$", clean[:a[1]])
              or re.match(r"\s*" + _CURRENCY_SIGN, clean[a[2]:])]
    return marked[-1] if marked else None


_CURRENCY_SIGN = r"(?i:[$€£₹₽]|\b(?:rs|rm|myr|usd|eur|inr|rub|руб|р)\b\.?)"
# the currency a till slip may print just before its amount, glued to it or not (to be matched ignoring case)
_SLIP_CURRENCY = r"(?:rm|myr|rs|\$)"

# an amount after a total label with a one read as I or l inside it ("1l.32", "I4.50"): a token of digits, those
# letters and its cents only, a real digit among them (never a table's rule «|», never a word)
_ONES_READ = re.compile(r"(?<![\w.,|])(?=[Il]*\d)[\dIl]*[Il][\dIl]*[.,]\d{2}(?![\w.,])")


def parse_total_money(text: str) -> tuple[str, int, int] | None:
    """:func:`parse_last_money`, or, where it reads no amount, the first thing after the label read with the
    ones OCR read as I or l put back."""
    got = parse_last_money(text)
    if got is not None:
        return got
    # (after its currency, also glued to it: "RMl9.35", "RM I4.50")
    lead = re.match(r"[ :.=]*(?:" + _SLIP_CURRENCY + r"\s?)?", text, re.IGNORECASE)
    at = lead.end() if lead else 0
    text = " " * at + text[at:]
    m = _ONES_READ.match(text, at)
    if m is None:
        return None
    fixed = re.sub("[Il]", "1", m.group())
    found = parse_last_money(fixed)
    return (found[0], m.start(), m.end()) if found and (found[1], found[2]) == (0, len(fixed)) else None


# a run of leader marks before an amount: two dots or more, three dashes or underscores or more (a minus
# sign stands alone), or such marks spaced apart (". . . ."), up to the amount or its currency
_LEADERS = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[^\W\d_]))(?:\.{2,}|[-_]{3,}|(?:[.\-_] ){2,}[.\-_]?)"
                      r"(?=\s*(?:[^\W\d_]{1,3}\s?)?\d)")


# a currency's code glued to its amount with a letter of it read as its look-alike by the shared table's capitals'
# pairs ("RN19.35" for "RM19.35"); any other capitals glued to an amount ("S19.35": $ or 5?) are left as they are
_CODES = ("RM", "MYR", "USD", "EUR", "SGD")
_CODE_MISREAD = re.compile(r"(?<![^\W\d_])[A-Z]{2,3}(?=\d{1,6}[.,]\d{2}(?![\d.,]))")


def _money_text(text: str) -> str:
    """The text with what stands in a number's way blanked, the same length as the input: "900-00" printed
    with a dash for the decimal point (some forms); a space read inside the cents ("48.3 0"); a currency glued
    to the amount ("RM7.70"), also in capitals after its label's last letter ("TotalRM7.70"); the dots, dashes or
    underscores a slip leads its amount in with ("TOTAL ....... 19.35"); a point read twice ("19..35")."""
    text = _LEADERS.sub(lambda m: " " * len(m.group()), text)
    text = re.sub(r"(?<=\d)([.,])\1(?=\d{2}(?![\d.,]))", r" \1", text)  # "19..35": one point too many
    text = re.sub(r"(?<=\d)-(?=\d{2}(?!\d))", ",", text)
    text = _CENTS_READ.sub(lambda m: as_digits(m.group()), text)  # "28.1S": its cents' 5 read as an S
    text = re.sub(r"(?<=\d[.,]\d) (\d)(?![\d.,])", r"\1 ", text)  # "48.3 0": a space read inside the cents
    text = re.sub(r"(?<=[a-z])(?:RM|MYR|USD|EUR)(?=\d)", lambda m: " " * len(m.group()), text)  # "TotalRM5.00"
    text = _CODE_MISREAD.sub(lambda m: " " * len(m.group()) if any(
        capitals_alike(m.group(), code) for code in _CODES) else m.group(), text)  # "RN19.35" for "RM19.35"
    return re.sub(r"(?i)(?<![a-z])(?:rm|myr|rs|usd|eur|руб)(?=\d)", lambda m: " " * len(m.group()), text)


# an amount's cents with one of their digits read as a letter of its shape (the shared look-alikes' [digits]:
# "28.1S", "12.5O"): the letter is that digit, as a second cents digit is never anything else glued on
_CENT_LETTERS = "".join(ch for v in DIGIT_LETTERS.values() for ch in v if ch.isalpha())
_CENTS_READ = re.compile(
    rf"(?<=\d[.,])(?=[{_CENT_LETTERS}]?\d)(?=\d?[{_CENT_LETTERS}])[\d{_CENT_LETTERS}]{{2}}(?![\w.,])")

_NUMBER_TOKEN = re.compile(
    r"^[\s:.№#]*(?:n[o°º]\.?\s*|№\s*)?((?:[A-Za-zА-Яа-яЁё0-9][\w\-/.]*?)?\d[\w\-/]*)(?=[\s,;)]|\.(?:\s|$)|$)",
    re.IGNORECASE)  # the number may end a sentence: "under Order No. 3K-007236."; one digit is a number too


def parse_number(text: str) -> tuple[str, int, int] | None:
    m = _NUMBER_TOKEN.match(text)
    if not m:
        return None
    raw = m.group(1).rstrip(".-/")
    if re.fullmatch(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}(?:\.\d{1,2})+", raw) or raw.lower() in {"от", "from"}:
        return None  # a date, not a number
    return normalise_number(raw), m.start(1), m.start(1) + len(raw)


def parse_digits(length: tuple[int, ...], *, at_start: bool = False, digits: str = "031") -> Parser:
    """Digits of one of the lengths ``length`` (letters read for ``digits`` put right) in the first 60
    characters after a label; with ``at_start``, only as the first thing after it (a mark or two between)."""
    lookalikes = re.escape(letters_for(digits))
    pattern = re.compile(rf"(?<![\d])([\d{lookalikes}]{{{min(length)},{max(length)}}})(?![\d])")
    # the same with one space read inside the number ("781 3972439")
    spaced = re.compile(r"(?<![\d])(\d{2,}\s\d{2,})(?![\d])")

    def parse(text: str) -> tuple[str, int, int] | None:
        if at_start and not re.match(r"\W{0,3}(?:[^\W\d]\W{1,3})?\d", text):  # a stray mark read as a letter
            return None
        # a run of look-alikes alone (a table's rule «|» beside the label) is no number
        m = next((m for m in pattern.finditer(text[:60]) if re.search(r"\d", m.group(1))), None)
        if not m:
            m = spaced.search(text[:60])
            if not m or len(m.group(1)) - 1 not in length:
                return None
        value = as_digits(m.group(1).replace(" ", ""), digits)
        if len(value) not in length or not value.isdigit():
            return None
        return value, m.start(1), m.end(1)

    return parse


def outside_dates(parse: Parser) -> Parser:
    """``parse``, refusing a value that is part of a date («Смена №» over «Дата 25.04.2026»: no shift 25)."""

    def parse_outside(text: str) -> tuple[str, int, int] | None:
        got = parse(text)
        if got and any(s <= got[1] < e for _, s, e in find_dates(text)):
            return None
        return got

    return parse_outside


def parse_code(text: str) -> tuple[str, int, int] | None:
    m = re.match(r"^[\s:.№#]*([A-Za-zА-Яа-я]{1,6}[-‐–]?\d[\w\-]*|\d[\w\-]*)", text)
    if not m:
        return None
    return normalise_code(m.group(1)), m.start(1), m.end(1)


# -- labels (locale data: classify/data/labels.<lang>.toml) ---------------------------------------
INN = token("inn")
KPP = token("kpp")
NO = token("no")
TITLE_NUMBER = labels("number")
DATE_LABELS = labels("date")
# The date a document is about, where it differs from the date it was drawn up (a day's sales report).
PERIOD_DATE_LABELS: dict[str, tuple[Label, ...]] = {"sales_report": labels("period_date")}
ORDER_LABELS = labels("order_no")
TOTAL_LABELS = labels("total")
VAT_LABELS = labels("vat")
# a cash register's fields (shift reports and receipts)
Z_LABELS: dict[str, tuple[Label, ...]] = {
    "total": labels("z_total"),
    **{name: labels(name) for name in ("shift_no", "cash_total", "card_total", "kkt_reg_no", "fn_no", "fd_no", "fp")},
}
OUTLET_LABELS = labels("outlet_code")
SELLER_ROLES = words("seller")
BUYER_ROLES = words("buyer")
OTHER_ROLES = words("other")


# -- finding ---------------------------------------------------------------------------------------
def _after(row: Row, label: Label) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(label.pattern, row.folded)]


def find_labelled(doc: Doc, labels: Sequence[Label], parse: Parser, *, window: int = 80,
                  rows: Sequence[Row] | None = None) -> list[Hit]:
    """Values after (or under) each label, in document order."""
    hits: list[Hit] = []
    rows = list(rows if rows is not None else doc.rows)
    for label in labels:
        for n, row in enumerate(rows):
            for start, end in _after(row, label):
                got = parse(row.text[end:end + window])
                if got:
                    value, s, e = got
                    hits.append(Hit(value, row.text[end + s:end + e], row, end + s, end + e, label.priority, start))
                    continue
                if label.below and n + 1 < len(rows) and rows[n + 1].page == row.page:
                    box, _ = row.span(start, end)
                    if box is None:
                        continue
                    # a value centred under its column's heading may start a little left of it
                    x0, x1 = box[0] - max(20, (box[2] - box[0]) // 3), box[2] + max(200, box[2] - box[0])
                    # the row below; a row beside the label with no value under it (ТОРГ-12's title, printed
                    # larger beside «Номер документа», over «129 06.10.2025») is passed over
                    under = rows[n + 1]
                    band = under.words_in(x0, x1)
                    got = parse(band)
                    if (not got and under.box[1] < row.box[3] and n + 2 < len(rows)
                            and rows[n + 2].page == row.page):
                        under = rows[n + 2]
                        band = under.words_in(x0, x1)
                        got = parse(band)
                    if got:
                        value, s, e = got
                        offset = under.text.find(band)
                        offset = max(offset, 0)
                        hits.append(Hit(value, band[s:e], under, offset + s, offset + e, label.priority * 0.95))
                    elif not row.text[end:].strip() and (re.search(r"[№#]\s*$", row.text)
                                                         or re.match(r"\s*[№#]", under.text)):
                        got = parse(under.text[:window])  # "... по заказу №" / "ЗК-004982, а Заказчик ..."
                        if got:
                            value, s, e = got
                            hits.append(Hit(value, under.text[s:e], under, s, e, label.priority * 0.9))
    return hits


def _best(hits: list[Hit], *, last: bool = False) -> Hit | None:
    if not hits:
        return None
    top = max(h.priority for h in hits)
    best = [h for h in hits if h.priority >= top - 1e-9]
    best.sort(key=lambda h: (h.row.index, h.start))
    return best[-1] if last else best[0]


def _first_page_rows(doc: Doc, limit: int = 30) -> list[Row]:
    if not doc.rows:
        return []
    page = doc.rows[0].page
    return [r for r in doc.rows if r.page == page][:limit]


# -- field finders ---------------------------------------------------------------------------------
def find_number(doc: Doc, doc_type: str) -> FieldValue | None:
    hits = find_labelled(doc, TITLE_NUMBER, parse_number, rows=_first_page_rows(doc, 40))
    hits = [h for h in hits if not re.fullmatch(r"\d{1,2}", h.value) or h.priority >= 1.0]
    hits = [h for h in hits if not _ACCOUNT.fullmatch(h.value)]
    hit = _best(hits) or _under_title(doc, doc_type)
    return _checked_code(doc, hit.field("number")) if hit else None


UNDER_TITLE = 0.9  # the priority of a number read in the cells under a form's title whose headings went unread


def _under_title(doc: Doc, doc_type: str) -> Hit | None:
    """A form's number in the cell under its title's row whose heading OCR lost (ТОРГ-12's «ТОВАРНАЯ НАКЛАДНАЯ» beside
    «Номер документа | Дата составления», over «466 01.01.2025»): the title of the document's type with no number of
    its own, and right under it a row of a number and a date alone."""
    from classify._title import RULES

    rows = _first_page_rows(doc, 40)
    rules = [rule for rule in RULES if doc_type in rule.types]
    for row, below in itertools.pairwise(rows):
        if not any(rule.names(row.folded) for rule in rules) or parse_date(row.text):
            continue
        m = _NUMBER_AND_DATE.fullmatch(below.text)
        got = parse_number(m.group(1)) if m else None
        if m and got and re.search(r"\d", got[0]) and parse_date(m.group(2)):
            return Hit(got[0], m.group(1), below, got[1], got[2], UNDER_TITLE)
    return None


_NUMBER_AND_DATE = re.compile(r"\W{0,2}(\S{1,20})\s+(\d{1,2}[./]\d{1,2}[./]\d{2,4})\W{0,2}")


# twenty digits after «счёт» are a bank account (расчётный, корреспондентский счёт), never a document's number
_ACCOUNT = re.compile(r"\d{20}")


def find_date(doc: Doc, doc_type: str) -> FieldValue | None:
    rows = _first_page_rows(doc, 40)
    hit = _best(find_labelled(doc, PERIOD_DATE_LABELS.get(doc_type, ()), parse_date, rows=rows))
    if hit:
        return hit.field("date")
    # the date printed with the number in the title: "№ 2718 от 21.06.2025"
    number_hits = find_labelled(doc, TITLE_NUMBER, parse_number, rows=rows)
    for hit in sorted(number_hits, key=lambda h: (-h.priority, h.row.index)):
        if hit.label < 0:
            continue  # read under a column's label: what follows it is another column
        if _BASIS.search(hit.row.folded[:max(hit.label, 0)]):
            continue  # «Основание: Договор № 68 от …»: the number and date of another paper
        rest = hit.row.text[hit.end:hit.end + 60]
        # («от» in Latin look-alikes: «ot», «oт»)
        m = re.match(r"\s*(?:от|[оo][тt]|dated|of|from|date[d:]?|du|vom|van|z dnia)?\s*[:.]?\s*", rest,
                     re.IGNORECASE)
        found = find_dates(rest)
        if found and found[0][1] <= (m.end() if m else 0) + 2:
            iso, s, e = found[0]
            return Hit(iso, rest[s:e], hit.row, hit.end + s, hit.end + e, 1.0).field("date")
    hit = _best(find_labelled(doc, DATE_LABELS, parse_labelled_date, rows=rows))
    if hit:
        return hit.field("date")
    hit = _best(find_labelled(doc, DATE_LABELS, parse_misread_date, rows=rows))
    if hit:  # a labelled date whose separators OCR lost or misread: less sure; surer with the sale's time after it
        return hit.field("date", 0.7 if TIME_AFTER.match(hit.row.text, hit.end) else 0.6)
    under = _under_title(doc, doc_type)
    if under is not None:  # the date beside the number in the cells under the form's title
        found = find_dates(under.row.text[under.end:])
        if found:
            iso, s, e = found[0]
            return Hit(iso, under.row.text[under.end + s:under.end + e], under.row, under.end + s, under.end + e,
                       UNDER_TITLE).field("date")
    # no label: the first date of the first page's top, or, on a till slip, the date printed with the
    # time of the sale ("10/06/2018 13:04"), wherever it stands
    # (and a slip's other dates: its reprint's, a card's or a voucher's expiry, a member's since)
    skip = re.compile(r"постановлен|приложение|утвержден|закон|form|выдан|паспорт|issued|passport|reprint|"
                      r"print(?:ed)? (?:on|at|date)|expir|valid (?:until|till|thru|to)|\bexp\b|member since")
    other = re.compile(r"основани|заказ|order (?:no|date|#)|due date|срок")  # another paper's date, no time
    first: Hit | None = None
    slip = doc_type == "receipt" or till_slip(doc)
    today = date.today().isoformat()
    skipped = False
    clauses = False  # a contract's numbered clauses begun: their dates are of the laws and papers they cite
    for row in doc.rows:
        clauses = clauses or (doc_type == "contract" and bool(_FIRST_CLAUSE.match(row.text)))
        # (a statute's reference wrapped: «к постановлению Правительства …» over «от 26 декабря 2011 г. № 1137»)
        if skip.search(row.folded) or (skipped and re.match(r"\W{0,3}(?:от|of|dated)\s", row.folded)):
            skipped = True
            continue
        skipped = False
        for iso, s, e in find_dates(row.text):
            if iso > today:
                continue  # a code read as a date («HA06HD01-3 - 70»: 2070): no document is dated after today
            if re.fullmatch(r"\d+\.?\s\.?\d+\.\d{2}|\d+\.\d+\s\.\d{2}", row.text[s:e]):
                continue  # «24.95 .00», «5. 23.00»: amounts read apart as a date of a two-digit year, with no label
            if re.match(r"\s*[,|]?\s*(?:\d{1,2}:\d{2}|\d{1,2}\.\d{2}\s*(?:am|pm))", row.text[e:e + 12],
                        re.IGNORECASE):
                return Hit(iso, row.text[s:e], row, s, e, 0.8).field("date")
            if first is None and (row in rows or slip) and not other.search(row.folded) and (
                    not clauses):
                # the first date of the top; on a long slip with none there, the first one below, less sure
                first = Hit(iso, row.text[s:e], row, s, e, 0.7 if row in rows else 0.6)
    if first is None or first.priority < 0.7:
        # none read as a date at the top: a till slip's date as OCR misread it, with its time after it, or
        # alone on its row (classify/_dates.py); before a date read below the top with no time
        for row in doc.rows:
            if not skip.search(row.folded) and (found := timed_dates(row.text)):
                # read one way only, the time of the sale after it: surer than a lone misread date
                iso, s, e = found[0]
                return Hit(iso, row.text[s:e], row, s, e, 0.65).field("date")
        if first is None and slip:
            for row in doc.rows:
                if not skip.search(row.folded) and (lone := lone_date(row.text)):
                    iso, s, e = lone
                    return Hit(iso, row.text[s:e], row, s, e, 0.6).field("date")
    return first.field("date") if first else None


def till_slip(doc: Doc) -> bool:
    """Whether the document is laid out as a till slip, whatever type it was given (a receipt headed «TAX INVOICE»
    is often typed an invoice): the cash handed over and the change given back are printed."""
    return bool(find_labelled(doc, _TENDERED, parse_money, window=30)) and bool(
        find_labelled(doc, _CHANGE, parse_money, window=30))


_BASIS = re.compile(r"основани|по заказу|к договору|(?<![a-z])(?:basis|under)(?![a-z])")
# a contract's first numbered clause («1. ПРЕДМЕТ ДОГОВОРА», «1.1. Исполнитель обязуется …», "1. Subject")
_FIRST_CLAUSE = re.compile(r"\W{0,2}1\.(?:\s*1\.?)?\s*[^\W\d_]")


def find_total(doc: Doc, doc_type: str) -> FieldValue | None:
    """The document's total: the amount under the strongest total label, the last such at the bottom.
    On a till slip where the tendered cash and the change are printed, a labelled total equal to their
    difference is taken first; with no labelled total left, that difference itself (less sure)."""
    if doc_type == "z_report":
        hit = _best(find_labelled(doc, Z_LABELS["total"], parse_last_money))
        return hit.field("total") if hit else None
    doc = _total_words_put_right(doc)
    cents = (doc_type == "receipt" or till_slip(doc)) and _prints_cents(doc)
    hits = [h for h in find_labelled(doc, TOTAL_LABELS, parse_total_money) + _total_under_label(doc)
            if not _is_sub(h) and not _tax_summary(doc, h)]
    if cents:  # a slip prints its amounts with their cents: one after a total label without them lost its point
        hits = [h for h in hits if not re.fullmatch(r"\d+", h.raw.strip())]
    net = [Decimal(h.value) for h in find_labelled(doc, _NET_LABEL + _EXCL_LABEL, parse_last_money)]
    floor = max(net, default=Decimal(0)) * MIN_TOTAL_OF_NET  # a discount never takes half the net off
    # a printed zero is a value («Всего к оплате: 0 руб.»), when the surest total label gives nothing else
    zero = _best([h for h in hits if Decimal(h.value) == 0 and h.priority >= 1.0 and not floor], last=True)
    hits = [h for h in hits if Decimal(h.value) > 0 and Decimal(h.value) >= floor]
    if zero is not None and not [h for h in hits if h.priority >= 1.0]:
        return zero.field("total")
    hits = [replace(h, priority=h.priority * 0.97) if len(_amounts_after(h)) > 1 and h.priority < 1.0 else h
            for h in hits]  # "Total 20.00 1.20": a row of a tax summary, not the amount due
    # "Total Paid RM50.00": what was handed over, the total only where nothing else is labelled one
    handed = [_PAID_LABEL.search(h.row.folded[max(h.label, 0):h.start]) is not None for h in hits]
    if not all(handed):
        hits = [replace(h, priority=h.priority * 0.5) if paid_label else h for h, paid_label in zip(
            hits, handed, strict=True)]
    hit = _best(hits, last=True)
    labelled = _rounded(doc, hit) if hit is not None else None
    paid = _paid(doc)
    # a total label as sure as the labelled amount's (lower down, or surer) whose amount is garbled: what is due is
    # in doubt, and only the receipt's own arithmetic may settle it
    # (a total paid, what was handed over, is not as sure: «Total Paid RM50.00» under a garbled «Total … RM1539»)
    sure = labelled if labelled is not None and not _PAID_LABEL.search(
        labelled.row.folded[max(labelled.label, 0):labelled.start]) else None
    garbled = [h for h in find_labelled(doc, TOTAL_LABELS, _parse_garbled_money)
               + _total_under_label(doc, _parse_garbled_money)
               if (sure is None or h.priority > sure.priority + 1e-9
                   or (h.priority >= sure.priority - 1e-9 and h.row.index > sure.row.index))
               and not _is_sub(h) and (cents or re.search(r"[.,]", h.value))
               and (labelled is None or Decimal(labelled.value) not in _readings(h.value))]  # (it agrees: no doubt)
    if paid is not None:
        agree = [h for h in hits if Decimal(h.value) == paid]
        if agree:
            return max(agree, key=lambda h: (h.priority, h.row.index)).field("total")
        # no total label agrees, but the amount paid is printed as well: it is the total when no total is
        # labelled, when the labelled one falls short of it (a subtotal) or differs by a rounding
        printed = _printed(doc, paid)
        if not garbled and printed is not None and (labelled is None or Decimal(labelled.value) < paid
                                                    or abs(Decimal(labelled.value) - paid) < Decimal("0.10")):
            return printed.field("total")
        if (not garbled and printed is None and labelled is not None
                and 0 < abs(Decimal(labelled.value) - paid) < Decimal("0.10")
                and any(r.index > labelled.row.index and re.search(either("rounding"), r.folded)
                        for r in doc.rows[labelled.row.index + 1:labelled.row.index + 4])):
            # a rounding row under the total whose amount OCR lost (or misread) and the amount due after it too: the
            # cash less the change is the total as rounded
            return replace(labelled, value=f"{paid}", priority=0.7).field("total")
    if garbled:
        # the surest total label's amount printed with a digit OCR read as a letter («Total Payable: J4.19»): the
        # one reading of it the receipt's own arithmetic gives (parts summed, cash less change) is the total
        resolved = _resolved(doc, garbled[-1], paid)
        if resolved is not None:
            return resolved.field("total", 0.8)
    if labelled is not None:
        # one kopeck digit printed («738.0»): digits of the amount were lost with the other one, unsure; and
        # so is a weaker label's amount when a surer total label's amount is printed with a digit OCR read
        # as a letter («Total Payable: K7.35» under «Total 6% supplies: 58.20»): the amount due is not known
        # — unless the row's own parts add up to it (a totals row «… 46516.95 Х 8373.05 54890.0»: the net and the
        # VAT, as a program prints a float's one place) or the sum in words says it: then no digit was lost
        unsure = (_ONE_DECIMAL.search(labelled.raw) and not _parts_add_up(labelled)
                  and not _said_in_words(doc, labelled.value)) or garbled
        return labelled.field("total", 0.45 if unsure else 0.9)
    summed = _summed_total(doc)
    if summed is not None and not garbled:
        return summed.field("total", 0.8)
    worded = _total_in_words(doc)
    if worded is not None:
        return worded.field("total", 0.85)
    tendered = find_labelled(doc, _TENDERED, parse_money, window=30)
    if paid is not None and not garbled and tendered:
        # no total read at all (its label lost or garbled), the cash and the change printed: what the cash less the
        # change comes to is what was due, less sure than a printed total
        return replace(tendered[-1], value=f"{paid}", priority=0.7).field("total", 0.8)
    card = [h for h in find_labelled(doc, _CARD, parse_last_money, window=40) if Decimal(h.value) > 0]
    # paid by card to the cent: the amount is the total (not when a total is printed garbled: it may differ)
    return card[-1].field("total", 0.6) if card and not garbled else None


def _prints_cents(doc: Doc) -> bool:
    """Whether the document prints its amounts with their cents (three rows or more of amounts with two decimals)."""
    return sum(bool(re.search(r"(?<![\d.,])\d{1,6}[.,]\d{2}(?![\d.,])", r.text)) for r in doc.rows) >= 3


# «total» as OCR misreads it, a whole word: a capital read as its look-alike («T0TAL», «TOTA1», «TOTAI»), strokes of
# a faint print lost («IUIAL»), one letter read as another («Totsl») or its last letter lost («Grand Tota»)
_TOTAL_MISREAD = re.compile(rf"(?:{alike('total')}|{faded('total')}|[a-z0-9!|]otal|t[a-z0-9]tal|to[a-z0-9]al|"
                            r"tot[a-z0-9]l|tota[a-z0-9!|]?)(?=[:.=]*$)")


def _total_words_put_right(doc: Doc) -> Doc:
    """The document with each word that is «total» misread (:data:`_TOTAL_MISREAD`) put right, so that a misread
    label reads as the label it is, with the words after it («Tota1 Payable:» as «Total Payable:»)."""
    rows = []
    for row in doc.rows:
        words = list(row.words)
        for n, w in enumerate(words):
            folded = fold_text(w.text)
            m = _TOTAL_MISREAD.match(folded)
            if m and folded[:m.end()] != "total":
                right = "TOTAL" if sum(ch.isupper() for ch in w.text) > len(w.text) / 2 else "Total"
                words[n] = replace(w, text=right + w.text[m.end():])
        rows.append(row if words == list(row.words) else make_row(row, words))
    return replace(doc, rows=rows)


_AMOUNT_ALONE = re.compile(rf"\W{{0,3}}(?:{_CURRENCY_SIGN}\s?)?\d[\d ,.]*[.,]\s?\d{{2}}\W{{0,3}}")


def _total_under_label(doc: Doc, parse: Parser | None = None) -> list[Hit]:
    """A total label alone on its row and the amount alone on the row under it («GRAND TOTAL» over «RM 31.55»), as a
    slip prints a large total in two lines, or OCR reads the label and its amount apart: the label's hit, a little
    less sure. A table's heading («Qty Description Total») is no label alone. With ``parse``, what that reads of a
    row under a label that is one word or two (a garbled amount, :func:`_parse_garbled_money`)."""
    out: list[Hit] = []
    for row, under in itertools.pairwise(doc.rows):
        alone = (_AMOUNT_ALONE.fullmatch(_money_text(under.text)) if parse is None
                 else re.fullmatch(r"\W{0,3}\S+(?: \S+)?\W{0,3}", under.text))
        if row.page != under.page or not alone:
            continue
        for label in TOTAL_LABELS:
            # (the label may end with its currency or words in brackets: «Total Sales (Inclusive GST) RM»)
            m = re.fullmatch(rf"\W{{0,3}}(?:{label.pattern})(?:\s*(?:\([^()\d]{{1,30}}\)|{_SLIP_CURRENCY}\b))"
                             rf"{{0,2}}\W{{0,3}}", row.folded)
            got = (parse or parse_total_money)(under.text) if m else None
            if got and not _is_sub(Hit("", "", row, len(row.text), len(row.text), label.priority, 0)):
                value, s, e = got
                out.append(Hit(value, under.text[s:e], under, s, e, label.priority * 0.95, 0))
                break
    return out


_ONE_DECIMAL = re.compile(r"\d[.,]\d$")
# an amount with its cents printed and a digit of its units read as a letter ("K7.35", "1S.20"), the first
# thing after its label
# (after words in brackets and the currency: «Total Sales (Inclusive GST) RM Z7.90»)
_GARBLED_LEAD = r"\W{0,3}(?:\([^()]{0,30}\)\s*[:.=]?\s*)?" + _SLIP_CURRENCY + r"?\s?"
_GARBLED_MONEY = re.compile(_GARBLED_LEAD + r"((?=[\w]*\d)(?=[\w]*[^\W\d_])[^\W_]{1,6}[.,]\d{2})(?![\w.,])",
                            re.IGNORECASE)


# an amount with a space read inside its units («1 9.00»: 19.00 or 9.00), or its decimal point lost («6415», on a slip
# that prints its amounts with their cents: 64.15), the first thing after its label
_SPACED_MONEY = re.compile(_GARBLED_LEAD + r"(\d{1,3} \d{1,3}[.,]\d{2})(?![\w.,])", re.IGNORECASE)
# (its point lost and a digit read as a letter too: «J419»)
_POINT_LOST = re.compile(_GARBLED_LEAD + r"((?=(?:[^\W\d_|]?\d){3})[\d|A-Za-z]{3,6})(?![\w.,:%])", re.IGNORECASE)


def _parse_garbled_money(text: str) -> tuple[str, int, int] | None:
    """An amount after a label with one of its digits read as a letter of no digit's shape, a space read inside its
    units, or its point lost: no value, only the sign that one is printed there (its readings: :func:`_readings`)."""
    m = _GARBLED_MONEY.match(text)
    if m and parse_last_money(text[:m.end()]) is None:
        return m.group(1), m.start(1), m.end(1)
    m = _SPACED_MONEY.match(text) or _POINT_LOST.match(text)
    if m:
        return m.group(1), m.start(1), m.end(1)
    # nothing after the label reads as an amount, and what stands first is of digits and their look-alikes, marks
    # between them («J4.I9», «6Z.6 0»): garbled past reading
    m = _GARBLED_RUN.match(text)
    if m and parse_total_money(text) is None:
        return m.group(1), m.start(1), m.end(1)
    return None


_GARBLED_RUN = re.compile(_GARBLED_LEAD + r"((?=\S*\d)[\w|]{1,6}[.,][\w|]{1,3})(?![\w.,%])", re.IGNORECASE)


def _readings(raw: str) -> set[Decimal]:
    """Every amount a garbled one reads as: «J4.19», «1S.2O» with each letter in its units put for a digit (one
    letter at most: with more, too many amounts fit); «1 9.00» as 19.00 and 9.00; «6415» as 64.15."""
    if re.fullmatch(r"[\w|]+", raw):  # its point lost
        fixed = "".join(ch if ch.isdigit() else _AS_DIGIT.get(ch, "?") for ch in raw)
        if fixed.count("?") > 1:
            return set()
        return {Decimal(fixed.replace("?", d)).scaleb(-2) for d in ("0123456789" if "?" in fixed else "?")}
    if m := re.fullmatch(r"(\d+) (\d+[.,]\d{2})", raw):
        return {Decimal(f"{m.group(1)}{m.group(2)}".replace(",", ".")), Decimal(m.group(2).replace(",", "."))}
    m = re.fullmatch(r"([\w|]+)[.,]([\w|]{2})", raw)
    if not m:
        return set()
    # a letter of a digit's shape (the shared table's, the weaker ones too: the receipt's arithmetic confirms the
    # reading) is that digit; one letter of no digit's shape may be any digit
    fixed = "".join(ch if ch.isdigit() else _AS_DIGIT.get(ch, "?") for ch in m.group(1) + m.group(2))
    if fixed.count("?") > 1:
        return set()
    digits = "0123456789" if "?" in fixed else "?"
    return {Decimal(f"{t[:-2]}.{t[-2:]}") for t in (fixed.replace("?", d) for d in digits)}


_AS_DIGIT = {ch: d for d, v in (*DIGIT_LETTERS.items(), *DATE_DIGITS.items()) for ch in v if not ch.isdigit()}


def _resolved(doc: Doc, hit: Hit, paid: Decimal | None) -> Hit | None:
    """The garbled total ``hit`` as the one of its readings that the amounts above it add up to (two amounts
    after total labels: «Total 6% supplies (Inc. GST)» and «Total 0% supplies»), that the cash less the
    change is, or, with no change given, the cash or the card's payment; None when none or more than one reading is
    so supported."""
    readings = _readings(hit.value)
    parts = [Decimal(h.value) for h in find_labelled(doc, TOTAL_LABELS, parse_last_money)
             if h.row.index < hit.row.index and Decimal(h.value) > 0]
    sums = {a + b for n, a in enumerate(parts) for b in parts[n + 1:]}
    if paid is not None:
        sums.add(paid)
    if not find_labelled(doc, _CHANGE, parse_money, window=30):
        # no change given: the cash handed over, or a card's payment, is the amount due
        sums |= {abs(Decimal(h.value)) for h in find_labelled(doc, _TENDERED + _CARD, parse_last_money, window=40)}
    fits = readings & sums
    if len(fits) != 1:
        return None
    return replace(hit, value=f"{fits.pop()}")


def _summed_total(doc: Doc) -> Hit | None:
    """No total labelled: the subtotal, the taxes and the rounding printed under it, when they add up to the
    amount handed over (the cash with no change, or a card's payment): two readings of one amount."""
    net = find_labelled(doc, _NET_LABEL, parse_last_money)
    if not net:
        return None
    sub = net[-1]
    below = [r for r in doc.rows if r.index > sub.row.index]
    taxes = [h for h in find_labelled(doc, VAT_LABELS, parse_last_money, rows=below)
             if not re.search(r"taxable|excl|без", h.row.folded)]
    rounding = find_labelled(doc, _ROUNDING, parse_money, window=30, rows=below)
    amount = Decimal(sub.value) + sum((Decimal(h.value) for h in taxes), Decimal(0))
    if rounding:
        amount = Decimal(_rounded(doc, replace(sub, value=f"{amount}")).value)
    if find_labelled(doc, _CHANGE, parse_money, window=30, rows=below):
        return None  # change given: the cash was more than the total (cash less change is tried before)
    handed = find_labelled(doc, _TENDERED + _CARD, parse_money, window=30, rows=below)
    if not any(Decimal(h.value) == amount for h in handed):
        return None
    return replace(sub, value=f"{amount}", priority=0.9)


_PAID_LABEL = re.compile(r"(?<![a-z])(?:paid|tendered|cash)(?![a-z])")


def _printed(doc: Doc, amount: Decimal) -> Hit | None:
    """The lowest row, other than the cash and change rows, where ``amount`` is printed."""
    text = f"{amount}"
    for row in reversed(doc.rows):
        if _CASH_ROWS.search(row.folded):
            continue
        for value, s, e in find_amounts(_money_text(row.text)):
            if value == text:
                return Hit(value, row.text[s:e], row, s, e, 0.6)
    return None


def _tax_summary(doc: Doc, hit: Hit) -> bool:
    """Whether a total's row is a tax summary's: its amount the tax charged at one of the currency's VAT rates on
    the amount before it («TOTAL : 10.94 0.66», 6% of 10.94), not the amount due."""
    amounts = [Decimal(a) for a, _, _ in _amounts_after(hit)]
    if not (len(amounts) >= 2 and amounts[-1] == Decimal(hit.value) and 0 < amounts[-1] < amounts[-2]):
        return False
    currency = find_currency(doc, "receipt")
    codes = [currency.value] if currency else list(RATES)  # the currency not read: any currency's rate
    return any(net_rate(amounts[-2], amounts[-1], code, _CENT) not in (None, Decimal(0)) for code in codes)


def _parts_add_up(hit: Hit) -> bool:
    """Whether two amounts printed with their kopecks between the label and ``hit`` on its row add up to it."""
    clean = _money_text(hit.row.text[hit.label if hit.label >= 0 else 0:hit.start])
    parts = [Decimal(a[0]) for a in find_amounts(clean) if re.search(r"[.,]\s?\d{2}$", clean[a[1]:a[2]])]
    return any(a + b == Decimal(hit.value) for a, b in itertools.combinations(parts, 2))


_KOPECKS_READ = re.compile(r"[.,]\s?\d{1,2}$")  # an amount printed with its kopecks (a program's float: one place)


def _total_in_words(doc: Doc) -> Hit | None:
    """No total label read with its amount (the label lost, or cut off at the page's edge with the amount after
    it: «Всего наименований 4, на сум»): the sum the document writes out in words («Десять тысяч … рублей 00
    копеек», every word a number word), when its page prints the same amount in figures and no amount larger —
    two readings of one amount, and the largest amount a bill, an act or a form prints is its total. The figures'
    row is where it is read."""
    for row in doc.rows:
        if "руб" not in row.folded or _TAX_LABEL.search(row.folded):
            continue  # (the VAT in words, «в т.ч. НДС …», is no total)
        value = amount_in_words_ru(row.text, whole=True)
        if value is None or Decimal(value) <= 0:
            continue
        figures = [(Decimal(v), r, s, e) for r in doc.rows if r.page == row.page and r.index != row.index
                   for clean in [_money_text(r.text)]
                   for v, s, e in find_amounts(clean) if _KOPECKS_READ.search(clean[s:e])]
        same = [(r, s, e) for v, r, s, e in figures if v == Decimal(value)]
        if same and all(v <= Decimal(value) for v, *_ in figures):
            r, s, e = same[-1]
            return Hit(value, r.text[s:e], r, s, e, 0.9)
    return None


def _said_in_words(doc: Doc, value: str) -> bool:
    """Whether the document writes ``value`` out in words («Десять тысяч … рублей 00 копеек»)."""
    return any(amount_in_words_ru(row.text) == value for row in doc.rows if "руб" in row.folded)


def _amounts_after(hit: Hit) -> list[tuple[str, int, int]]:
    clean = _money_text(hit.row.text[hit.label if hit.label >= 0 else hit.start:])
    return [a for a in find_amounts(clean) if re.search(r"[.,]\s?\d{1,2}$", clean[a[1]:a[2]])]


_ROUNDING = labels("rounding")


def _rounded(doc: Doc, hit: Hit) -> Hit:
    """A total followed, lower down and with no total after it, by a rounding adjustment: the total as
    rounded ("Total incl. GST 41.52", "Rounding Adj -0.02" → 41.50)."""
    below = [h for h in find_labelled(doc, _ROUNDING, parse_money, window=30)
             if h.row.index > hit.row.index and h.row.index - hit.row.index <= 3]
    if not below:
        return hit
    adj = Decimal(below[0].value)
    if adj == 0 or abs(adj) >= 1:
        return hit
    row = below[0].row.text
    if adj > 0 and (re.match(r"\s?-", row[below[0].end:]) or (re.search(r"\(\s?$", row[:below[0].start])
                                                             and re.match(r"\s?\)", row[below[0].end:]))):
        adj = -adj  # a till prints the adjustment's minus after it ("0.02-") or the amount in brackets ("(0.02)")
    value = f"{Decimal(hit.value) + adj}"
    return replace(hit, value=value, priority=hit.priority * 0.9)


_TENDERED = labels("tendered")
_CARD = labels("card")
_CHANGE = labels("change")
_CASH_ROWS = re.compile(either("tendered") + "|" + either("change"))


def _paid(doc: Doc) -> Decimal | None:
    """Cash tendered less the change given back, when both are printed (the last of each), else None."""
    tendered = [h for h in find_labelled(doc, _TENDERED, parse_money, window=30)
                if not re.search(r"chang|сдач", h.row.folded[max(0, h.label):h.start])]
    change = find_labelled(doc, _CHANGE, parse_money, window=30)
    if not tendered or not change:
        return None
    cash = abs(Decimal(tendered[-1].value))
    back = abs(Decimal(change[-1].value))
    return cash - back if cash > back else None


_SUB_LABEL = re.compile(
    r"qty|quantity|items?\b|item\(|\btems?\b|\bqu\b|pcs|units|(?<!dis)count|кол-во|количеств|без ндс|без налога|excl|"
    r"\bnet\b(?! (?:amount )?payable)(?![\w ]{0,12}rounded)|до скидки|(?<!after )discount|saving|скидк|stamp|point")
# the count of the items a total sums, printed inside its label («TOTAL (3 ITEMS)», «TOTAL 3 ITEM(S)»): no count
# row's label, as the amount after it is the total's
_ITEM_COUNT = re.compile(r"\(\s?\d{1,3}\s?(?:items?|pcs|units)\s?\)|(?<![\w.,])\d{1,3}\s?item\(s\)")
_TAX_LABEL = re.compile(r"ндс|налог|vat|gst|tax")
# "GST included" is the tax itself; "inclusive" is not, even as OCR misreads it: a letter dropped, the capital
# I read as l or 1 (say "Inclusve", "lnclusive", "1nclusive")
_WITH_TAX = re.compile(r"incl(?!uded)|\binc\b|[il1|]nc?[a-z]{0,2}usive|с ндс|включая|with|w/|payable")
_SUB_BEFORE = re.compile(
    r"sub[- ]?$|sub[- ]?total|без ндс|без налога|net\b|excl|discount|скидк|налог|ндс|vat|gst|tax|change|сдача|"
    r"rounding|округл|tendered|cash|наличн|безналичн|card|visa|master|accepted|paid|payment")


def _is_sub(hit: Hit) -> bool:
    """A total that is not the document's: a subtotal, a tax, a quantity, a discount, cash tendered,
    change."""
    folded = hit.row.folded
    label = folded[hit.label:hit.start] if hit.label >= 0 else ""
    if re.search(r"(?<![a-z])rounded(?![a-z])", label):
        return False  # a rounded total is the amount due, whatever it is called («Net Total Rounded»)
    before = folded[max(0, (hit.label if hit.label >= 0 else hit.start) - 25):max(hit.label, 0)]
    if _SUB_LABEL.search(_ITEM_COUNT.sub(" ", label)):
        return True
    if (_TAX_LABEL.search(label) or "%" in label) and not _WITH_TAX.search(label):
        return True  # a tax, or the sum of one tax class ("Total 0% supplies")
    return bool(_SUB_BEFORE.search(before))


# (НДС read with its Д as А or О, «HAC», «HOC»: before a rate, no other word; «СУММА» also in Latin look-alikes)
_RECEIPT_VAT = re.compile(r"([сc][уy][мm]{2}[аa] )?(?:ндс|[нh][аaоo][сc])\s*(?:\d{1,2}(?:[.,]\d+)?\s*%|\d{1,2}/1\d{2})")


def find_receipt_vat(doc: Doc, total: FieldValue | None = None, currency: str | None = None) -> FieldValue | None:
    """A receipt's VAT: the sum of the НДС amounts it prints per rate («СУММА НДС 20% =16.67», «НДС 10% 4.55»),
    the summary rows («сумма ндс») when it prints them, else every row that names a rate and an amount; each
    amount with its kopecks, as a till prints them, and the sum within the currency's rates of the total."""
    rows = [(r, m) for r in doc.rows for m in [_RECEIPT_VAT.search(r.folded)] if m]
    summary = [(r, m) for r, m in rows if m.group(1)]  # «СУММА НДС 20%», also in Latin look-alikes («CYMMA»)
    amounts = []
    for row, m in summary or rows:
        found = [a for a in find_amounts(_money_text(row.text[m.end():]))
                 if re.search(r"[.,]\s?\d{2}$", row.text[m.end() + a[1]:m.end() + a[2]])]
        if found:
            value, s, e = found[-1]
            amounts.append((Decimal(value), Hit(value, row.text[m.end() + s:m.end() + e], row, m.end() + s,
                                                m.end() + e, 0.9)))
    if not amounts:
        return None
    vat = sum((v for v, _ in amounts), Decimal(0))
    if total is not None:
        t = Decimal(total.value)
        rates = [r for r in vat_rates(currency) if r > 0]
        low, high = (t * r / (100 + r) for r in (min(rates, default=0), max(rates, default=0)))
        if not low - _CENT <= vat <= high + _CENT:
            return None  # an item's VAT read without its summary, or misread: no share the total's VAT can be
    return replace(amounts[-1][1], value=f"{vat}").field("vat")


def find_vat(doc: Doc, doc_type: str, total: FieldValue | None, currency: str | None = None) -> FieldValue | None:
    """VAT: an amount after a VAT label, or in the totals row, that agrees with the total at one of the
    currency's VAT rates."""
    hits = find_labelled(doc, VAT_LABELS, parse_money)
    candidates: list[Hit] = [h for h in hits if "%" not in h.row.text[h.end:h.end + 1]]
    if total is not None:
        t = Decimal(total.value)
        rows = [r for r in doc.rows if total.value in {a for a, _, _ in find_amounts(_money_text(r.text))}]
        for row in rows:
            for value, s, e in find_amounts(_money_text(row.text)):
                candidates.append(Hit(value, row.text[s:e], row, s, e, 0.9))
        good = []
        for hit in candidates:
            v = Decimal(hit.value)
            if v >= t or v < 0:
                continue
            if v > 0 and included_rate(t, v, currency, _CENT) is not None:
                good.append(hit)
        if good:
            hit = max(good, key=lambda h: (h.priority, h.row.index))
            return hit.field("vat")
        for row in rows:  # a totals row "70 150,00 х 0,00 70 150,00": the net, no VAT, the total
            amounts = find_amounts(_money_text(row.text))
            values = [Decimal(a) for a, _, _ in amounts]
            for (value, s, e), v in zip(amounts, values, strict=True):
                if v == 0 and values.count(t) >= 2 and "." in value:
                    return Hit(value, row.text[s:e], row, s, e, 0.8).field("vat")
        net = _net_vat(doc, t, currency)
        if net is not None:
            return net
        # a labelled VAT that is a rate of the total itself, not of the net (a bill that charged the rate
        # on the amount due): given as printed, for validation to send to review
        on_total = [h for h in candidates if h.priority >= 1.0 and 0 < Decimal(h.value) < t
                    and net_rate(t, Decimal(h.value), currency, _CENT) is not None]
        if on_total:
            return on_total[-1].field("vat", 0.6)
        zero = [h for h in hits if h.value == "0.00"]
        if zero and re.search(r"ндс\s*\(?0\s?%|vat\s*\(?0\s?%|без ндс|ндс не облагается|vat exempt", doc.text):
            return zero[-1].field("vat")
        if zero and all(h.value == "0.00" for h in hits) and re.fullmatch(
                r"\W*(?:в том числе|в т\.ч\.)\s*ндс\W*", zero[-1].row.folded[zero[-1].label:zero[-1].start]):
            # «В том числе НДС 0,00» and no other VAT amount on the page: a bill of a seller not paying VAT, its
            # program printing the VAT line with a zero
            return zero[-1].field("vat")
        return None
    # no total to check it against: a labelled amount printed with its kopecks ("НДС 20% 98" lost them)
    labelled = _best([h for h in candidates if re.search(r"[.,]\s?\d{2}$", h.raw)], last=True)
    return labelled.field("vat", 0.6) if labelled else None


_CENT = Decimal("0.011")  # an amount and a rate of another agree within a kopeck, rounded either way


def _totals_row(doc: Doc, total: FieldValue, currency: str | None = None) -> dict[str, FieldValue]:
    """A form's totals row ("Всего к оплате 258 965,90 х 51 793,18 330 759,08": net, VAT, total) where the
    VAT found no agreement with the total: two of the three that agree by arithmetic outvote the third.
    The VAT a usual rate of the net and the total not their sum: the total was misread and is their sum.
    The total less the net a usual rate of the net: the VAT was misread and is that difference."""
    t = Decimal(total.value)
    for row in doc.rows:
        if row.page != total.page or total.raw is None or total.raw not in row.text:
            continue
        amounts = find_amounts(_money_text(row.text))
        if len(amounts) < 3 or amounts[-1][0] != total.value:
            continue
        (net_raw, _, _), (vat_raw, vs, ve) = amounts[-3], amounts[-2]
        net, vat = Decimal(net_raw), Decimal(vat_raw)
        if net <= 0 or vat <= 0 or net + vat == t:
            continue
        if net_rate(net, vat, currency, _CENT) is not None:
            ts, te = amounts[-1][1], amounts[-1][2]
            fixed = Hit(f"{net + vat}", row.text[ts:te], row, ts, te, 0.8).field("total")
            return {"total": fixed, "vat": Hit(vat_raw, row.text[vs:ve], row, vs, ve, 0.9).field("vat")}
        derived = t - net
        if derived > 0 and net_rate(net, derived, currency, _CENT) is not None:
            return {"vat": Hit(f"{derived}", row.text[vs:ve], row, vs, ve, 0.8).field("vat")}
    return {}


TABLE_FORMS = ("upd", "vat_invoice", "waybill")  # statutory forms whose goods table ends in a totals row
_KOPECKS = re.compile(r"[.,]\s?\d{2}$")


def _net_gross_pairs(row: Row, currency: str | None) -> list[tuple[Decimal, Decimal, Hit]]:
    """Pairs of amounts on one row, the first the net and a later one the gross at one of the currency's VAT
    rates (a goods row or a totals row of a statutory table: «без налога — всего» … «с налогом — всего»)."""
    text = _money_text(row.text)
    amounts = [(Decimal(v), s, e) for v, s, e in find_amounts(text) if _KOPECKS.search(text[s:e])]
    out = []
    for i, (net, _, _) in enumerate(amounts):
        for gross, s, e in amounts[i + 1:]:
            if net > 0 and gross > net and net_rate(net, gross - net, currency, _CENT):
                out.append((net, gross, Hit(f"{gross}", row.text[s:e], row, s, e, 0.8)))
    return out


def _table_totals(doc: Doc, currency: str | None = None) -> dict[str, FieldValue]:
    """A statutory table's totals row read with its label lost («Всего к оплате» as noise): the lowest row
    whose net and gross agree at a VAT rate, holding the largest such pair, under at least one goods row that
    agrees the same way, with the goods rows above adding up to no more than it (a misread goods row may be
    missing from the sum, never one too many). Total and VAT (gross less net) as sure as the sum agrees."""
    rows: list[tuple[Decimal, Decimal, Hit]] = []
    for row in doc.rows:
        pairs = _net_gross_pairs(row, currency)
        if pairs:
            rows.append(max(pairs, key=lambda p: p[1]))
    if len(rows) < 2:
        return {}
    (net, gross, hit), items = rows[-1], rows[:-1]
    if any(g >= gross for _, g, _ in items) or hit.row.page != items[-1][2].row.page:
        return {}
    nets, grosses = sum(n for n, _, _ in items), sum(g for _, g, _ in items)
    slack = _CENT * len(items)
    if nets > net + slack or grosses > gross + slack:
        return {}
    sure = 0.85 if abs(nets - net) <= slack or abs(grosses - gross) <= slack else 0.7
    vat = Hit(f"{gross - net}", hit.raw, hit.row, hit.start, hit.end, sure)
    return {"total": replace(hit, priority=sure).field("total"), "vat": vat.field("vat")}


# "Total Sales (Excluding GST)": the amount before tax, labelled as a total of its own
_EXCL_LABEL = labels("excl_total")
MIN_TOTAL_OF_NET = Decimal("0.5")  # a total under half the net printed above it is some other amount

_NET_LABEL = labels("net")


def _net_vat(doc: Doc, total: Decimal, currency: str | None = None) -> FieldValue | None:
    """VAT as the total less the labelled net amount, when the difference is a usual rate of the net."""
    for hit in reversed(find_labelled(doc, _NET_LABEL, parse_last_money)):
        net = Decimal(hit.value)
        vat = total - net
        if net <= 0 or vat <= 0:
            continue
        if net_rate(net, vat, currency, Decimal("0.02")) is not None:
            return Hit(f"{vat}", hit.raw, hit.row, hit.start, hit.end, 0.85).field("vat")
    return None


def find_order_no(doc: Doc, doc_type: str) -> FieldValue | None:
    # one or two digits are an order's number only after its number sign («По заказу № 59»), not a count
    hits = [h for h in find_labelled(doc, ORDER_LABELS, parse_number)
            if not re.fullmatch(r"\d{1,2}", h.value) or (h.label >= 0 and "№" in h.row.text[h.label:h.start])]
    hit = _best(hits)
    return _checked_code(doc, hit.field("order_no")) if hit else None


UNSURE_CODE = 0.4  # a code with no check digits whose word OCR read less surely than this is unsure


def _checked_code(doc: Doc, found: FieldValue) -> FieldValue:
    """A document's or an order's number has no check of its own: on a Russian document, one read with a digit
    OCR was unsure of («2025-293» at 0.36) may be any other number, so it is flagged, not given."""
    if found.confidence >= 0.9 * (0.5 + 0.5 * UNSURE_CODE) or not _cyrillic(doc.text):
        return found
    return replace(found, confidence=UNSURE)


def find_z_field(name: str) -> Callable[[Doc, str], FieldValue | None]:
    parsers: dict[str, Parser] = {
        "shift_no": outside_dates(parse_digits((1, 2, 3, 4, 5))),
        "cash_total": parse_till_money, "card_total": parse_till_money,
        "kkt_reg_no": parse_digits((16,)), "fn_no": parse_digits((16,)),
        # right after their label: «ФД за смену 125» and «ФД не переданы с …» are other numbers
        "fd_no": parse_digits(tuple(range(1, 11)), at_start=True),
        "fp": parse_digits(tuple(range(6, 11)), at_start=True),
    }

    def find(doc: Doc, doc_type: str) -> FieldValue | None:
        hits = find_labelled(doc, Z_LABELS[name], parsers[name])
        hit = _best(hits)
        if hit is None and name in _FOOTER_ORDER:
            hit = fiscal_footer(doc).get(name)
            return hit.field(name, 0.7) if hit else None
        return hit.field(name) if hit else None

    return find


# The fiscal footer of a till slip or shift report (54-ФЗ) prints, after the register's РН ККТ and ЗН ККТ,
# the ФН (16 digits), the ФД and the ФП, one a row, in this order.
_FOOTER_ORDER = {"fn_no": (16, 16), "fd_no": (1, 10), "fp": (6, 10)}
_KKT_ROW = re.compile(r"[кk]?[кk][тt]\W{0,3}\d{10,}")


def fiscal_footer(doc: Doc) -> dict[str, Hit]:
    """ФН, ФД and ФП by their order under the register's numbers when OCR lost their labels: each row a
    number and at most a short word or mark before it («ae 7281066556810497», «on: 67532»)."""
    anchors = [n for n, row in enumerate(doc.rows) if _KKT_ROW.search(row.folded.replace(" ", ""))]
    if not anchors:
        return {}
    out: dict[str, Hit] = {}
    names = iter(_FOOTER_ORDER.items())
    name, (low, high) = next(names)
    for row in doc.rows[anchors[-1] + 1:anchors[-1] + 5]:
        # (the label's colon and a speck read as a mark beside it: «oH: ° …»)
        m = re.fullmatch(r"\W{0,3}(?:[^\W\d]{1,3}\W{0,5})?(\d+)\W{0,2}", row.text)
        if not m:
            break
        if not low <= len(m.group(1)) <= high:
            break
        out[name] = Hit(m.group(1), m.group(1), row, m.start(1), m.end(1), 1.0)
        step = next(names, None)
        if step is None:
            break
        name, (low, high) = step
    return out


def find_outlet_code(doc: Doc, doc_type: str) -> FieldValue | None:
    hit = _best(find_labelled(doc, OUTLET_LABELS, parse_code))
    return hit.field("outlet_code") if hit else None


def find_parties(doc: Doc, doc_type: str) -> dict[str, FieldValue]:
    """seller_inn / seller_kpp / buyer_inn by the role printed before them; the first INN of a
    document with no roles is the seller's."""
    out: dict[str, FieldValue] = {}
    role = None
    party_role: str | None = None  # the party's role read before an "other" one (a bank's, the OFD's)
    other_row = -1
    inns_read = 0
    party_row: tuple[int, str] | None = None  # the row of the last INN read and whose it was
    # parties printed side by side (a table of two columns: «Поставщик: …» | «Покупатель: …», then each one's
    # ИНН under it, two ИНН on one row): the roles of the last such row by the left edge of their label, so an
    # INN below is the party of its column, not of the role read last
    columns: tuple[int, list[tuple[int, str]]] | None = None
    row_inn: dict[int, str] = {}  # the INN read on a row, "" when it is not the party's it was read for
    inn_parse = parse_digits((10, 12))
    inn_wide_parse = parse_digits((10, 12), digits="".join(DIGIT_LETTERS))
    kpp_parse = parse_digits((9,))
    caption_row = -1  # the row of a bank's caption naming whose bank it is («Банк получателя»)
    spent: dict[str, int] = {}  # the row of the first INN read for each party (also one that failed its check)
    named: set[str] = set()  # the parties whose INN was read under a label naming them («ИНН/КПП покупателя:»)
    for n, line in enumerate(doc.rows):
        labels = _role_labels(line)
        if len(labels) >= 2:
            columns = (n, labels)
        elif labels:
            columns = None
        # a cell's role label printed beside its middle row, below this one; a bank named on the row («…, р/сч …
        # в банке …», the party's requisites on one line) is no role of the row's own
        beside = _role_beside(doc.rows, n) if all(r == "other" for _, r in labels) else None
        if beside:
            role = beside
        for m in re.finditer(rf"{SELLER_ROLES}|{BUYER_ROLES}|{OTHER_ROLES}|{INN}|{KPP}", line.folded):
            row, at = line, m.end()
            if n + 1 < len(doc.rows) and (not re.sub(r"[\W_]", "", line.text[m.end():])
                                          or _next_column(line, m.end())):
                # the label ends its line («ИНН:»), or its column (a form's code box beside it): the value
                # begins the next line
                row, at = doc.rows[n + 1], 0
            word = m.group()
            if re.fullmatch(SELLER_ROLES, word):
                role = "seller"
            elif re.fullmatch(BUYER_ROLES, word):
                role = "buyer"
            elif re.fullmatch(OTHER_ROLES, word):
                role, party_role, other_row = "other", role if role != "other" else party_role, n
                whose = _BANK_OF.match(line.folded, m.end())
                if whose:  # «Банк получателя»: the caption under a bank's cell; the rows below are the party's
                    party_role, caption_row = _qualifier_role(whose.group()) or party_role, n
            elif re.fullmatch(INN, word):
                rest = row.text[at:at + 60]
                joint = re.match(rf"\s*/\s*{KPP}", row.folded[at:at + 20])
                got = inn_parse(rest)
                if not got or not valid_inn(got[0]):
                    # every digit's look-alikes («$406593093»): the check digits say whether it was one
                    wide = inn_wide_parse(rest)
                    got = wide if wide and valid_inn(wide[0]) else got or wide  # a misread one is flagged
                glued = None if got and valid_inn(got[0]) else _GLUED_INN_KPP.search(rest[:60])
                if glued and valid_inn(glued.group(1)) and valid_kpp(glued.group(2)):
                    # «ИНН/КПП 16553250971165543001»: the slash between them read as a 1, or lost
                    got = glued.group(1), glued.start(1), glued.end(1)
                else:
                    glued = None
                if not got:
                    if _INN_MISREAD.match(rest):
                        inns_read += 1  # a party's INN with a digit too many or too few: read, and nobody's
                        spent.setdefault(role or "seller", row.index)
                    continue
                value, s, e = got
                # with no role printed, the first INN is the seller's (also when its reading failed its check)
                if role == "other" and (n - other_row > 1 or (n > other_row == caption_row and party_role)):
                    role = party_role  # a bank's or the OFD's name holds for its INN just after it, not the rows on
                who = role or ("seller" if not inns_read else "buyer")
                if not labels and who in ("seller", "buyer"):
                    # a row with no role read: the other party's when its role word reads as that one's misread
                    # («Пожузатель»); when the party of the role read last had its INN on a row of its own above
                    # (read or misread), the other party's on a bill or an act (its row follows the seller's), and
                    # nobody's sure on a form with consignors' and consignees' rows as well
                    twin = "buyer" if who == "seller" else "seller"
                    if _alike_role(line.folded[:m.start()], {twin}):
                        who = twin
                    elif who in spent and spent[who] != row.index:
                        who = twin if doc_type in TWO_PARTY_FORMS and twin not in spent else "other"
                # a role on the label itself («ИНН/КПП покупателя: …») is whose it is, whatever was read above
                qualified = _qualifier_role(row.folded[at:at + s])
                who = qualified or who
                if columns and 0 < n - columns[0] <= 4 and len(re.findall(INN, line.folded)) >= 2:
                    who = _column_role(columns[1], line, m.start()) or who
                inns_read += 1
                if who in ("seller", "buyer"):
                    spent.setdefault(who, row.index)
                if who == "other":
                    continue
                twin = "buyer" if who == "seller" else "seller"
                if f"{twin}_inn" in out and out[f"{twin}_inn"].value == value:
                    # the other party's INN printed again (a signatory's block): not this party's; a KPP after
                    # it is the other's too
                    party_row = (row.index, twin)
                    continue
                if qualified == who and who not in named and f"{who}_inn" in out and out[f"{who}_inn"].value != value:
                    # the INN a label names as the party's outranks one read earlier under the party's role word
                    # alone: a УПД's consignee («Грузополучатель и его адрес: …, ИНН …, КПП …», a role of the buyer's
                    # side) printed above «ИНН/КПП покупателя:» is another company; its KPP goes with it
                    earlier = out.pop(f"{who}_inn")
                    kpp_of = out.get(f"{who}_kpp")
                    if kpp_of is not None and kpp_of.page == earlier.page and kpp_of.box and earlier.box and _same_row(
                            kpp_of.box, earlier.box):
                        del out[f"{who}_kpp"]
                if qualified == who:
                    named.add(who)
                party_row = (row.index, who)  # a KPP after it on its row is the same party's, its INN misread or not
                # an INN other than the one this party has already: the row is not this party's (its role misread)
                row_inn[row.index] = value if f"{who}_inn" not in out or out[f"{who}_inn"].value == value else ""
                if not valid_inn(value):
                    doc.rejected.append((f"{who}_inn", value))
                    # the KPP after the slash was read apart from the INN OCR misread («ИНН/КПП …/540601001»)
                    k = kpp_parse(rest[e:]) if re.match(r"\s*/\s*\d{9}(?!\d)", rest[e:]) else None
                    if k and valid_kpp(k[0]) and f"{who}_kpp" not in out and f"{who}_inn" not in out:
                        # read in one word with the INN OCR misread: as sure as its reading, no more
                        out[f"{who}_kpp"] = Hit(k[0], k[0], row, at + e + k[1], at + e + k[2],
                                                1.0).field(f"{who}_kpp", MISREAD_PAIR)
                    continue
                name = f"{who}_inn"
                if name not in out:
                    out[name] = Hit(value, rest[s:e], row, at + s, at + e, 1.0).field(name)
                if joint or glued or re.match(r"\s*/\s*\d{9}", rest[e:]):  # "ИНН/КПП 7743232822/774301001"
                    k = kpp_parse(rest[e:]) if not glued else (glued.group(2), glued.start(2) - e, glued.end(2) - e)
                    if k and valid_kpp(k[0]) and f"{who}_kpp" not in out:
                        out[f"{who}_kpp"] = Hit(k[0], k[0], row, at + e + k[1], at + e + k[2],
                                                1.0).field(f"{who}_kpp")
            else:  # KPP
                value_text, skip = row.text[at:at + 40], 0
                if m.start() > 0 and line.folded[m.start() - 1] == "/":
                    # the second half of a joint «ИНН/КПП» label whose INN half OCR misread («H/KNN»): its value is the
                    # INN, a slash and the KPP, so the KPP is what follows the value's slash (none without one)
                    slash = value_text.find("/")
                    skip = slash + 1 if slash >= 0 else len(value_text)
                got = kpp_parse(value_text[skip:])
                first = re.search(r"\d{3,}", value_text[skip:])
                if got and first and first.start() < got[1]:
                    got = None  # another number stands between the label and these nine digits: the KPP was misread
                if got:
                    got = got[0], got[1] + skip, got[2] + skip
                who = party_row[1] if party_row and party_row[0] == row.index else role or "seller"
                # a role on the label itself («КПП покупателя: …») is whose it is, whatever was read above
                who = _qualifier_role(row.folded[at:at + got[1]]) or who if got else who
                known = out[f"{who}_inn"].value if f"{who}_inn" in out else None
                if row_inn.get(row.index) == "" or (known and row.index in row_inn and row_inn[row.index] != known):
                    continue  # the KPP of a row whose INN is another's than the party's (its role misread)
                if got and who != "other" and f"{who}_kpp" not in out and valid_kpp(got[0]):
                    value, s, e = got
                    out[f"{who}_kpp"] = Hit(value, value, row, at + s, at + e, 1.0).field(f"{who}_kpp")
    out.update(_unlabelled_pairs(doc, out, doc_type))
    if doc_type == "receipt" and "seller_inn" not in out:
        hit = _letterhead_inn(doc)
        if hit:
            out["seller_inn"] = hit.field("seller_inn", 0.7)
    for who in ("seller", "buyer"):
        inn, kpp = out.get(f"{who}_inn"), out.get(f"{who}_kpp")
        if inn is not None and kpp is not None and _checked_pair(str(inn.value), str(kpp.value)) and (
                inn.page == kpp.page and inn.box is not None and kpp.box is not None
                and _same_row(inn.box, kpp.box)):
            # the INN's check digits hold and its KPP names the same tax office: two checks the digits pass however
            # unsurely OCR read their word (the pair in one word at 0.0), so the digits are sure
            out[f"{who}_inn"] = dataclasses.replace(inn, confidence=max(inn.confidence, CHECKED_PAIR))
            out[f"{who}_kpp"] = dataclasses.replace(kpp, confidence=max(kpp.confidence, CHECKED_PAIR))
        if kpp is None:
            continue
        inn = out.get(f"{who}_inn")
        # the party's INN, or the ten digits read before the KPP on its row (an INN whose check failed)
        before = [] if inn else [m.group() for row in doc.rows if row.page == kpp.page and kpp.value in row.text
                                 for m in re.finditer(r"(?<!\d)\d{10}(?!\d)", row.text[:row.text.find(kpp.value)])]
        if any(_region_misread(n, str(kpp.value)) for n in ([str(inn.value)] if inn else before[-1:])):
            out[f"{who}_kpp"] = dataclasses.replace(kpp, confidence=min(kpp.confidence, MISREAD_KPP))
    return out


MISREAD_KPP = 0.3  # a KPP whose region reads one digit off its INN's, the tax office the same: unsure
CHECKED_PAIR = 0.8  # an INN passing its check digits beside a KPP of its own tax office: the digits are sure


def _checked_pair(inn: str, kpp: str) -> bool:
    """Whether an organisation's INN and KPP check each other: the INN's check digits hold and the KPP's first four
    digits (its tax office) are the INN's."""
    return len(inn) == 10 and valid_inn(inn) and valid_kpp(kpp) and inn[:4] == kpp[:4]


def _same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two boxes stand on one printed line (their vertical middles inside each other)."""
    return a[1] <= (b[1] + b[3]) / 2 <= a[3] or b[1] <= (a[1] + a[3]) / 2 <= b[3]


def _region_misread(inn: str, kpp: str) -> bool:
    """Whether an organisation's KPP reads as its INN's tax office in another region by one digit («6321…» and
    «7321…»): the region's digit misread (the INN, whose check digits hold, is the sure one). A KPP of another
    region altogether (a company moved, a large taxpayer's 77/99) prints another tax office too."""
    if len(inn) != 10 or len(kpp) != 9 or inn[:4] == kpp[:4] or inn[2:4] != kpp[2:4]:
        return False
    return sum(a != b for a, b in zip(inn[:2], kpp[:2], strict=True)) == 1


TWO_PARTY_FORMS = ("invoice", "act", "contract")  # a seller's and a buyer's rows, no consignor's or consignee's
_INN_MISREAD = re.compile(r"\s*[:.]?\s*(?:\d{9}|\d{11}|\d{13})(?!\d)")
MISREAD_PAIR = 0.6  # the base confidence of a KPP read in one word with an INN that failed its check digits


# «Банк получателя», «Банк плательщика»: a bank's cell captioned with whose bank it is
_BANK_OF = re.compile(rf"\s*(?:{words('seller_of')}|{words('buyer_of')})(?![^\W\d_])")


def _next_column(row: Row, end: int) -> bool:
    """Whether the text after offset ``end`` of ``row`` (a label's end) begins another column of the row."""
    m = re.search(r"\S", row.text[end:])
    at = end + m.start() if m else -1
    return at > 0 and at in row.starts[1:] and starts_column(row, at)


def _role_beside(rows: Sequence[Row], n: int) -> str | None:
    """The role of a form's party cell whose label stands beside the cell's middle line (ТОРГ-12's
    «Грузоотправитель» left of the second of the party's lines): row ``n`` has no role of its own and starts
    right of the role word that begins the row below it."""
    if n + 1 >= len(rows) or rows[n + 1].page != rows[n].page or not rows[n].words:
        return None
    below = rows[n + 1]
    m = re.match(rf"\W{{0,2}}({SELLER_ROLES}|{BUYER_ROLES})(?![^\W\d_])", below.folded)
    if not m or not below.words:
        return None
    label = below.words[0].box
    if rows[n].words[0].box[0] <= label[2]:
        return None  # the row above is not indented past the label: not the same cell
    if below.box[1] - rows[n].box[3] > (label[3] - label[1]):
        return None  # too far above to be the cell's
    return _role_of(m.group(1))


# an INN of ten digits and its KPP, their label unread: with the slash between them, the slash read as a
# look-alike, or lost (one run of digits)
_GLUED_INN_KPP = re.compile(
    rf"(?<![\d])(\d{{10}})(?:\s?/\s?|[1{re.escape(letters_for('1'))}]?)(\d{{4}}[\dA-Z]{{2}}\d{{3}})(?![\d])")


ROLE_ALIKE = 0.8  # a word this alike (difflib's ratio) to a role word of eight letters or more is that word misread


def _alike_role(text: str, missing: set[str]) -> str | None:
    """The role a word of ``text`` reads as with letters misread («пожузателя»: покупателя), if one alone of the
    ``missing`` roles does (it reads as «получателя» as much; the seller's INN read already, it is the buyer's)."""
    found = set()
    for word in re.findall(r"[^\W\d_]{8,}", text):
        for who in ("seller", "buyer"):
            for role in re.findall(r"[^\W\d_]{8,}", words(f"{who}_of") + words(who)):
                if difflib.SequenceMatcher(None, word, role).ratio() >= ROLE_ALIKE:
                    found.add(who)
    found &= missing
    return found.pop() if len(found) == 1 else None


# the numbers of a счёт-фактура's (and a УПД's) lines, printed at each line's right end: (2) the seller, (2а) its
# address, (2б) its ИНН/КПП; (6), (6а), (6б) the buyer's (the letter read as a digit or a Latin twin: «(26)», «(66)»)
_FORM_LINE = re.compile(r"\(\s*([1-9])\s*[аaбb6]?\s*\)")
_FORM_LINE_ROLE = {"2": "seller", "6": "buyer"}
NUMBERED_FORMS = ("upd", "vat_invoice")


def _unlabelled_pairs(doc: Doc, out: dict[str, FieldValue], doc_type: str = "") -> dict[str, FieldValue]:
    """A party's INN and KPP read as one run of digits whose label OCR lost («WOOUNTY пожузателя 1655…»): the
    run is the pair when its ten digits pass the INN's check, its nine make a KPP of the same tax office (their
    first four digits agree) and a word of its row reads as one role, misread or not; on a счёт-фактура or a
    УПД, or the form's number of its line after it says whose («…/780201001 (2б)»: the seller's)."""
    found: dict[str, FieldValue] = {}
    taken = {f.value for f in out.values()}
    for row in doc.rows:
        for m in _GLUED_INN_KPP.finditer(row.text):
            inn, kpp = m.group(1), m.group(2)
            if inn in taken or not valid_inn(inn) or not valid_kpp(kpp) or inn[:4] != kpp[:4]:
                continue
            missing = {w for w in ("seller", "buyer") if f"{w}_inn" not in out and f"{w}_inn" not in found}
            who = _alike_role(row.folded[:m.start()], missing)
            line = _FORM_LINE.search(row.text, m.end()) if doc_type in NUMBERED_FORMS else None
            if who is None and line is not None and _FORM_LINE_ROLE.get(line.group(1)) in missing:
                who = _FORM_LINE_ROLE[line.group(1)]
            if who is None:
                continue
            found[f"{who}_inn"] = Hit(inn, inn, row, m.start(1), m.end(1), 0.9).field(f"{who}_inn")
            if f"{who}_kpp" not in out:
                found[f"{who}_kpp"] = Hit(kpp, kpp, row, m.start(2), m.end(2), 0.9).field(f"{who}_kpp")
    return found


_QUALIFIERS = tuple((who, re.compile(rf"(?<![^\W\d_])(?:{words(f'{who}_of')}|{words(who)})(?![^\W\d_])"))
                    for who in ("seller", "buyer", "other"))


def _qualifier_role(label: str) -> str | None:
    """The role named between an INN's label and its digits («ИНН/КПП продавца:»; «ИНН:» ending its line over
    «Поставщик 7728…», a form's role column beside the value's next line), if one is."""
    return next((who for who, pattern in _QUALIFIERS if pattern.search(label)), None)


def _role_of(word: str) -> str:
    """Whose a role word is: "seller", "buyer" or "other" (the OFD's, the bank's)."""
    return "seller" if re.fullmatch(SELLER_ROLES, word) else "buyer" if re.fullmatch(BUYER_ROLES, word) else "other"


def _role_labels(row: Row) -> list[tuple[int, str]]:
    """The party roles printed on a row, each with the left edge of its label."""
    out = []
    for m in re.finditer(rf"{SELLER_ROLES}|{BUYER_ROLES}|{OTHER_ROLES}", row.folded):
        box, _ = row.span(m.start(), m.end())
        if box is None:
            continue
        out.append((box[0], _role_of(m.group())))
    return out


def _column_role(labels: list[tuple[int, str]], row: Row, at: int) -> str | None:
    """The role of the column a label at text offset `at` of `row` stands in: the rightmost role label whose
    left edge is not right of it (the first column's when it stands left of them all)."""
    box, _ = row.span(at, at + 1)
    if box is None:
        return None
    left = [who for x, who in sorted(labels) if x <= box[0] + 8]
    return left[-1] if left else sorted(labels)[0][1]


_RECEIPT_TITLE = re.compile(r"кассовый чек|^\W{0,3}(?:чек|приход|возврат)(?![а-я])")


def _letterhead_inn(doc: Doc) -> Hit | None:
    """A till slip's seller INN whose label OCR lost: a row of the letterhead (above «КАССОВЫЙ ЧЕК») that is
    10 or 12 digits and nothing else, with valid check digits."""
    head = _first_page_rows(doc, 12)
    title = next((n for n, row in enumerate(head) if _RECEIPT_TITLE.search(row.folded)), None)
    # no title read, no letterhead to tell from the fiscal footer (ФН, ФД, ФП are runs of digits too)
    for row in head[:title or 0]:
        m = re.fullmatch(r"\W{0,3}(\d{10}|\d{12})\W{0,3}", row.text)
        if m and valid_inn(m.group(1)):
            return Hit(m.group(1), m.group(1), row, m.start(1), m.end(1), 1.0)
    return None


def find_currency(doc: Doc, doc_type: str) -> FieldValue | None:
    label = re.compile(r"(?:currency|валюта)[^:]*[:;]\s*([^\n]{3,60})")  # "Валюта: наименование, код: рубль"
    for row in doc.rows:
        m = label.search(row.folded)
        if m:
            code = _currency_of(row.text[m.start(1):m.end(1)])
            if code:
                return Hit(code, m.group(1), row, m.start(1), m.end(1), 1.0).field("currency")
    # a sign OCR also reads for a digit («$» for 5: «$49 © $490.00» in a bill in roubles) counts only where no
    # currency is marked otherwise (a word, a code, a sign no digit is read as); in a document in Cyrillic a
    # foreign currency's sign alone is no currency at all («£20088» for a postcode's 4)
    found = find_currencies(_DIGIT_SIGNS.sub(" ", doc.text)) or find_currencies(doc.text)
    named = find_currencies(_FOREIGN_SIGNS.sub(" ", doc.text))
    # elsewhere a sign marks a currency beside an amount with its cents («$ 12.00», «4,50 €»), not beside a run of
    # digits that is no amount («£20088.»)
    latin = not _cyrillic(doc.text)
    found = {code: n for code, n in found.items() if code in named or (latin and _priced(doc.text, code))}
    if not found:
        return None
    code = max(found, key=lambda c: found[c])
    marks = [pattern for pattern, c in CURRENCY_MARKS if c == code]
    for row in doc.rows:
        if code in find_currencies(row.text):
            # how surely the mark itself was read («руб.» in a row of noise), not the rest of its row
            m = next((m for p in marks for m in [re.search(p, row.folded)] if m), None)
            start, end = (m.start(), m.end()) if m else (0, len(row.text))
            return Hit(code, row.text[start:end] or code, row, start, end, 0.9).field("currency")
    return None


_DIGIT_SIGNS = re.compile(f"[{re.escape(''.join(ch for v in DIGIT_LETTERS.values() for ch in v if not ch.isalnum()))}]")


_FOREIGN_SIGNS = re.compile(r"[$£€¥₹]")
_SIGN_OF = {"USD": "$", "GBP": "£", "EUR": "€", "CNY": "¥", "INR": "₹"}


def _priced(text: str, code: str) -> bool:
    """Whether the sign of ``code`` stands beside an amount with its cents somewhere in ``text``."""
    sign = re.escape(_SIGN_OF.get(code, "\x00"))
    return bool(re.search(rf"{sign}\s?\d[\d\s,.]*[.,]\d{{2}}(?!\d)|\d[.,]\d{{2}}\s?{sign}", text))


def _cyrillic(text: str) -> bool:
    """Whether most of the letters of ``text`` are Cyrillic."""
    return len(re.findall(r"[а-яё]", text, re.IGNORECASE)) > len(re.findall(r"[a-z]", text, re.IGNORECASE))


def _currency_of(text: str) -> str | None:
    """The currency a «Валюта:» label's value names: by its name or sign, by its letter code, or by its numeric code
    standing apart («Рубпи, 643»: the name misread, the ОКВ code beside it read)."""
    found = find_currencies(text)
    if not found and re.match(r"(?i)\s*[A-Z]{3}\b", text):
        return text.strip()[:3].upper()
    if not found:
        codes = [NUMERIC_CURRENCY[c] for c in re.findall(r"(?<![\d.,])\d{3}(?![\d.,])", text) if c in NUMERIC_CURRENCY]
        return codes[0] if len(set(codes)) == 1 else None
    return max(found, key=lambda c: found[c])


FIELD_FINDERS: dict[str, Callable[[Doc, str], FieldValue | None]] = {
    "number": find_number,
    "date": find_date,
    "total": find_total,
    "order_no": find_order_no,
    "outlet_code": find_outlet_code,
    "currency": find_currency,
    **{name: find_z_field(name) for name in ("shift_no", "cash_total", "card_total", "kkt_reg_no", "fn_no", "fd_no",
                                             "fp")},
}


def make_doc(pages: Sequence[PageText]) -> Doc:
    rows = document_rows(pages)
    return Doc(rows, "\n".join(r.folded for r in rows))


def extract_from(doc: Doc, doc_type: str) -> dict[str, FieldValue]:
    from classify._parties import find_names

    spec = DOC_TYPES.get(doc_type)
    if spec is None or not spec.fields:
        return {}
    wanted = list(spec.fields) + [f for f in COMMON_FIELDS if f not in spec.fields]
    out: dict[str, FieldValue] = {}
    for name in wanted:
        finder = FIELD_FINDERS.get(name)
        if finder is None:
            continue
        got = finder(doc, doc_type)
        if got is not None:
            out[name] = got
    if {"seller_inn", "buyer_inn", "seller_kpp"} & set(spec.fields):
        for name, value in find_parties(doc, doc_type).items():
            if name in spec.fields:
                out[name] = value
    if "vat" in spec.fields:
        currency = out["currency"].value if "currency" in out else None
        vat = find_receipt_vat(doc, out.get("total"), currency) if doc_type == "receipt" else None
        vat = vat or find_vat(doc, doc_type, out.get("total"), currency)
        if vat is not None:
            out["vat"] = vat
        elif out.get("total") is not None:
            out.update(_totals_row(doc, out["total"], currency))
        if "total" not in out and doc_type in TABLE_FORMS:
            found = _table_totals(doc, currency)
            out.update({k: v for k, v in found.items() if k in spec.fields})  # the arithmetic outvotes a lone label
        if ("vat" not in out and out.get("total") is not None and _cyrillic(doc.text)
                and _under_its_vat(doc, out["total"]) and not _printed_twice(doc, out["total"])):
            # «Всего к оплате … 19-00» under «В том числе НДС 20%: 568-55»: a total no more than the VAT it includes
            # was misread; unsure, so left out and flagged
            out["total"] = replace(out["total"], confidence=min(out["total"].confidence, UNSURE))
    out.update({k: v for k, v in find_names(doc, doc_type).items() if k in wanted})
    if out.get("total") is not None and doc_type in ("invoice", "vat_invoice") and not _cyrillic(doc.text):
        other = _other_total(doc, out["total"])
        if other is not None:
            # «Total: 120.00» and «Balance due: 80.00»: a payment made, a fee added or a misreading; which amount the
            # invoice's total is, is not known, so it is left out and flagged with both
            out["total"] = replace(out["total"], confidence=min(out["total"].confidence, UNSURE))
            doc.doubts["total"] = f"another total label reads {other}"
    return out


UNSURE = 0.3  # the confidence of a value an arithmetic check refutes: below the threshold, so flagged, not given


def _other_total(doc: Doc, total: FieldValue) -> str | None:
    """An amount other than ``total`` under a sure label of the amount due or of the total (priority 0.8 or more; no
    subtotal, tax, net amount, tax summary's row, nor a zero balance: paid in full), on a Latin invoice."""
    net = re.compile(either("net") + "|" + either("excl_total"))
    for hit in find_labelled(doc, TOTAL_LABELS, parse_total_money):
        if hit.priority < 0.8 or Decimal(hit.value) <= 0 or Decimal(hit.value) == Decimal(str(total.value)):
            continue
        label = hit.row.folded[max(hit.label, 0):hit.start]
        if _is_sub(hit) or _tax_summary(doc, hit) or net.search(label) or _PAID_LABEL.search(label):
            continue
        return hit.value
    return None


def _printed_twice(doc: Doc, total: FieldValue) -> bool:
    """Whether the total is read alike after total labels on two rows («Итого: 31 349,00» and «Всего оказано услуг
    4, на сумму 31 349,00 руб.»): two readings agree, so a VAT larger than it is what was misread."""
    rows = {h.row.index for h in find_labelled(doc, TOTAL_LABELS, parse_last_money) if h.value == total.value}
    return len(rows) >= 2


def _under_its_vat(doc: Doc, total: FieldValue) -> bool:
    """Whether an amount under the surest VAT label is as large as the total or larger."""
    hits = [h for h in find_labelled(doc, VAT_LABELS, parse_money) if h.priority >= 1.0
            and "%" not in h.row.text[h.end:h.end + 1]]
    return any(Decimal(h.value) >= Decimal(total.value) > 0 for h in hits)


def extract_fields(doc_type: str, pages: Sequence[PageText]) -> dict[str, FieldValue]:
    """The fields of ``doc_type`` found on ``pages`` (a field not found is absent)."""
    return extract_from(make_doc(pages), doc_type)
