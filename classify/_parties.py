"""Names and addresses: the seller's name and address, a contract's customer.

Where the document names roles (Продавец, Поставщик, Исполнитель, Seller, Supplier) the value follows
the role; where it does not (till slips, Z-reports, letterheads) the seller is the organisation at the
top of the first page, and the address the lines under it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections import Counter

from classify import _lookalikes as lookalikes
from classify._labels import misread_once
from classify._layout import Row, starts_column
from classify._title import RULES as TITLE_RULES
from classify._title import numbered
from classify.extract import BUYER_ROLES, INN, KPP, SELLER_ROLES, Doc, Hit, _first_page_rows
from classify.partywords import party_words
from classify.types import FieldValue

# Legal forms, labels and address words are locale data (classify/data/parties.<lang>.json)
_WORDS = party_words()
_ORG_FORMS = party_words(("ru",)).pattern("legal_forms")
# a legal form and its name in quotes: «…» (the closing one lost, or cut by a comma), or "…" as 1C prints them,
# nested ones too (ООО "Торговый дом "Восток"), up to the quote before a comma, a bracket or the line's end; an
# opening guillemet read as a low or high quote before the closing one («ООО „Восток»»)
_RU_ORG = re.compile(_ORG_FORMS + r"\s+(?:«[^»,]{2,60}(?:»|(?=,))|[“„][^»,\n]{2,60}»|"
                     r"[\"“„][^,\n]{2,60}?[\"”](?=\s*(?:[,();]|$)))"
                     r"|(?:ИП|Индивидуальный предприниматель)\s+[А-ЯЁ][а-яё]+"
                     r"(?:\s+[А-ЯЁ][а-яё]+){1,2}")
_EN_ORG = re.compile(
    r"\b[A-Z][\w&.'\-]*(?:\s+[A-Z&][\w&.'\-]*){0,5}\s+(?:(?i:" + party_words(("en",)).pattern("legal_forms") +
    r")|JSC|PJSC|BV|SA|Co\.)(?![^\W_])")
# a seller's label, also with one letter misread; the other side's word is none («Лицензиат» is one letter off
# «Лицензиар», «Арендатор» is not «Арендодатель»)
_SELLER_WORD = rf"(?!{BUYER_ROLES}(?![^\W\d_]))" + misread_once(_WORDS.pattern("seller_labels"))
# (its bracketed second role also read misread, brackets and all: «Поставщик {Исгкуъчитель }»)
_SELLER_WORD += r"(?:\s*[({\[][^)}\]\n]{1,30}[)}\]])?"
SELLER_LABEL = re.compile(_SELLER_WORD + r"\s*[:.]\s*")
# a form's table prints the role in a cell of its own, left of the party, with no colon («Поставщик  ООО "…", ИНН …»):
# the role heading its row, a legal name right after it
SELLER_CELL = re.compile(r"^\W{0,2}" + _SELLER_WORD + r"\s+(?=\S)")
ADDRESS_LABEL = re.compile(_WORDS.pattern("address_labels") + r"\s*[:.;]\s*")  # its colon also read as a semicolon
# A bank account (twenty digits) ends an address, with its label whatever OCR read it as («pic 4070…» for «р/с»)
ACCOUNT = r"|(?:(?<![^\W\d_])[^\W\d_]{1,3}[/.]?[^\W\d_]{0,2}\s*)?(?<!\d)\d{20}(?!\d)"
# A Russian phone number (+7 and its area code in brackets) ends an address, with the word before it whatever OCR
# read its label as («ren.: +7 (495) …» for «тел.:»)
PHONE = r"(?:(?<![^\W\d_])[^\W\d_]{2,5}\.?\s*:\s*)?\+7\s?\(\d{3,5}\)"
# (and a preamble's signatory after the party's seat: «…, имеющее местонахождение <адрес> в лице директора …»)
_STOP = re.compile(r",?\s*(?:(?<![^\W\d_])(?:" + INN + r"|" + KPP + r"|огрн|тел|tel|phone|e-mail|email|fax|р/с|"
                   r"в\s+лице)"
                   r"(?![^\W\d_])|\(\d\w?\)\s*$|" + PHONE + ACCOUNT + r")", re.IGNORECASE)  # "Телесфера" is no phone
# 1C's order: the town, then its type («Самара г,», «Нижний Новгород г,»)
_TOWN_FIRST = r"[А-ЯЁ][\w\-]*(?:\s[А-ЯЁ][\w\-]*)?\s(?:г|пгт|пос|с)[.,]"
# the parts between the postcode and the town: a region, a district («443010, Самарская обл, г. Самара»; «Респ.
# Татарстан», «Волжский р-н»), by the locale data's region words
_REGION = (r"(?:[^,\n]{0,40}?(?<![^\W\d_])(?i:" + _WORDS.pattern("region_words") +
           r")(?![^\W\d_])[^,\n]{0,30},\s*){0,2}")
# (the town's «г.» read twice, as two readings of one word are joined: «630132, г, г. Самара»)
_RU_ADDRESS = re.compile(r"(?:(?<!\d)\d{6},\s*" + _REGION + r")?(?:г[.,]|город|пос\.|с\.)\s*(?:г[.,]\s*)?[А-ЯЁ][^\n]*?"
                         r"(?:д[.,]|дом)\s*\d+[^\n]*")
_ZERO_OOO = re.compile(r"(?<![\w«])[0OО]{3}(?=\s*«)|(?<![\w«])[0OО]А[0OО](?=\s*«)")
# a sole trader's «ИП» read in Latin look-alikes («WN», «VIN»: И as W or VI, П as N) before a full name whose third
# word is a patronymic
_LATIN_IP = re.compile(r"(?<![\w«])(?:W|VI)[Nn]"
                       r"(?=\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вич|вна|ична|чна)\b)")

# Lines of a receipt's header that are no longer the address.
_NOT_ADDRESS = re.compile(r"(?i)\b(?:" + _WORDS.pattern("not_address")[3:-1] + r"|\d{6}-[a-z])\b|@")
# an address's words, or a postcode (five digits; four and two letters)
_ADDRESS_WORDS = re.compile(r"(?i)(?<![^\W_])(?:" + _WORDS.pattern("address_words")[3:-1] +
                            r"|\d{5}|\d{4} ?[a-z]{2})(?![^\W_])")


_LEADING_ROLE = re.compile(r"(?i)^(?:supplier|seller|vendor|consignor|contractor|sold by|поставщик|продавец|"
                           r"исполнитель|грузоотправитель)\b[\s:]*")
_TITLE_AFTER = re.compile(r"(?i)\s+(?:invoice|receipt|bill|rechnung|factuur|facture)$")


def _clean_name(text: str) -> str:
    text = _ZERO_OOO.sub(lambda m: "ООО" if len(m.group()) == 3 and "А" not in m.group() else "ОАО", text)
    text = re.sub(r"\s+", " ", text)
    text = re.split(r"\s[-–—|]\s(?=.*\d)", text)[0]  # "Name AG - street 4 - postcode town": the name
    abbreviated = re.search(r"(?i)\b(?:[^\W\d_]\.\s?){2,}$|\b(?:inc|ltd|co|corp|bhd|sdn)\.$", text.strip())
    text = _LEADING_ROLE.sub("", text).strip(" ,;:|-—'\"‘’*•" if abbreviated else " ,;:|.-—'\"‘’*•")
    text = _TITLE_AFTER.sub("", text)  # the document's title printed beside the name
    text = re.sub(r"^(?:A0|AO)(?= «)", "АО", text)
    text = _OPENING_MISREAD.sub("«", text)
    text = re.sub(r"«{2,}(?=[^«»]*»[^«»]*$)", "«", re.sub(r"(?<=[^«»\s])»{2,}$", "»", text))  # a guillemet read twice
    if "«" in text and "»" not in text:
        text += "»"  # the closing quote lost in reading
    text = _STRAY_OPENING.sub("«", text)
    if re.search(r"[А-Яа-яЁё]", text) and not re.search(r"[«»]", text):
        text = lookalikes.fix_symbols(text, '"')  # a Russian name's straight quotes, read as curly ones
        if '"' in text and not text.endswith('"'):
            text += '"'  # the closing quote stripped with the marks around the name, or lost
    return text


# an opening guillemet read as a low or high quote mark («„Восток»»), its closing one read right and no other quote
_OPENING_MISREAD = re.compile(r"[„“](?=[^«»„“”\"]{2,60}»$)")
# a quote mark read beside the opening guillemet («“Вектор»), with no inner quotation to close it
_STRAY_OPENING = re.compile(r"«\s*[\"“”„‘’']+(?=[^\"“”„‘’']*$)")


_TOKEN = re.compile(r"[^\W_]+")


# The digits whose letters (the look-alike table's) a name's or an address's word is put right with: not
# 8 for B nor 3 for З, which stand in ordinals and house numbers ("8TH", "3-Я")
_WORD_DIGITS = "051"


def fix_lookalikes(text: str) -> str:
    """Digits and letters of one shape told apart by the word they stand in, as OCR confuses them in
    print of one height: "L0T", "FL0OR", "C0." and "5dn" are words (O, S), "433OO" and "4600O" postcodes
    (0), a capital I between small letters is an l ("WorId"), an 8 inside a word of capitals a B
    ("ORRIN8ANK"), and an l or I inside a number a one ("7/ll8B", "28I1"). Tokens mixing letters and other digits
    ("U13/X", "PJU6A", "S117", "SS15") are left as read, and so is a code's 5 or 1 ending a token, after at most
    three capitals and before at most one ("PJU1A", "KLM5", "Norvale" run into "U5": "NorvaleU5")."""
    def fix(m: re.Match[str]) -> str:
        token = m.group()
        if _CODE_DIGIT.search(token):
            return token
        if _ZERO_ABBREVIATION.fullmatch(token) and m.string[m.end():m.end() + 1] == ".":
            return token[0] + (lookalikes.letter_for("0", cyrillic=False, lower=False) or "0")  # "C0." is "CO."
        for digit in _WORD_DIGITS:
            rest = token.replace(digit, "")
            if digit in token and len(rest) >= 2 and rest.isalpha():
                cyrillic = bool(re.search(r"[а-яё]", rest, re.IGNORECASE))
                lower_after = rest.islower() or (rest[:1].isupper() and rest[1:].islower())
                small = lower_after and not token.startswith(digit)  # "5dn" is "Sdn", "Te1" is "Tel"
                letter = lookalikes.letter_for(digit, cyrillic=cyrillic, lower=small)
                return token.replace(digit, letter) if letter else token  # Cyrillic has no 5 or 1 look-alike
        zeros = lookalikes.letters_for("0")
        rest = token.translate({ord(ch): None for ch in zeros})
        if len(rest) >= 2 and rest.isdigit() and rest != token:
            return lookalikes.as_digits(token, "0")
        return re.sub(r"(?<=[a-z])I(?=[a-z])", "l", token)
    text = _L_FOR_ONE.sub(lambda m: "1" * len(m.group()), text)
    text = _B_FOR_EIGHT.sub(lookalikes.letter_for("8", cyrillic=False, lower=False) or "8", text)
    return _TOKEN.sub(fix, text)


# a code's digit: at most three capitals at the token's start or after a small letter, a 5 or a 1, at most one
# capital after it, the token's end ("PJU1A", "U5" run into the word before it)
_CODE_DIGIT = re.compile(r"(?:^|(?<=[a-z]))[A-Z]{1,3}[15][A-Z]?$")
_ZERO_ABBREVIATION = re.compile(r"[A-Z]0")  # a capital and an O read as zero, before a full stop ("C0.", "N0.")
_B_FOR_EIGHT = re.compile(r"(?<=[A-Z]{2})8(?=[A-Z]{2})")  # "ORRIN8ANK": a capital B inside a word of capitals


_L_FOR_ONE = re.compile(r"(?<=[\d/])[lI]+(?=\d)")  # "7/ll8B", "28I1": ones read as l or I inside a number


def _cut(text: str) -> str:
    m = _STOP.search(text)
    return text[:m.start()] if m else text


def _org_in(text: str) -> re.Match[str] | None:
    fixed = _LATIN_IP.sub("ИП", _ZERO_OOO.sub("ООО", text))
    return _ru_org(fixed) or _EN_ORG.search(fixed)


def _ru_org(text: str) -> re.Match[str] | None:
    """A Russian legal name in ``text``; a full name followed by its short one in brackets («Акционерное
    общество «Орион» (АО «Орион»)») gives the short one, the name the parties sign with."""
    m = _RU_ORG.search(text)
    short = m and re.compile(r"\s*\(\s*(" + _RU_ORG.pattern + r")\s*\)").match(text, m.end())
    if short:
        return _RU_ORG.match(text, short.start(1))
    return m


def _field(name: str, value: str, row: Row, start: int, end: int, conf: float) -> FieldValue:
    return Hit(value, row.text[start:end], row, start, end, conf).field(name, 0.8)


def seller_name(doc: Doc, doc_type: str) -> FieldValue | None:
    """The seller's name: after its label, a Russian legal name near the top, a receipt's legal name, or
    its letterhead's first line; digits read for letters put right (:func:`fix_lookalikes`)."""
    found = _seller_name(doc, doc_type)
    if found is None or not isinstance(found.value, str):
        return found
    return dataclasses.replace(found, value=_AMPERSAND.sub("&", fix_lookalikes(found.value)))


# "&" read as "B" or "8" between two words of a name ("STATIONERY B BOOKS")
_AMPERSAND = re.compile(r"(?<=[A-Za-z]{3} )[B8](?= [A-Za-z]{3})")


# Statutory Russian forms print the seller in a labelled party row (Продавец, Грузоотправитель, Поставщик): a name
# found otherwise is a title or a stamp misread as a letterhead («“DAKTYPA» for «ФАКТУРА»)
LABELLED_FORMS = frozenset({"upd", "vat_invoice", "waybill"})


def _seller_name(doc: Doc, doc_type: str) -> FieldValue | None:
    labelled = _labelled_name(doc)
    if labelled is not None or (doc_type in LABELLED_FORMS and _cyrillic_doc(doc)):
        return labelled
    found = _unlabelled_name(doc)
    if found is not None and _cyrillic_doc(doc) and not re.search(r"[А-Яа-яЁё]", str(found.value)) and (
            doc_type != "receipt"):
        # a letterhead's line in Latin letters only on a Russian form: a title or a stamp read in look-alikes
        # («“DAKTYPA»), unsure, so left out and flagged
        return dataclasses.replace(found, confidence=min(found.confidence, 0.3))
    return found


# a line that begins with a town's type and its name («г. Самара», «пос. Лесной»): a place, no name
_PLACE_LINE = re.compile(r"^\W*(?:г|гор|город|пос|пгт|с)\.\s*[А-ЯЁ]")


def _cyrillic_doc(doc: Doc) -> bool:
    """Whether a document prints Cyrillic words at all (five or more of four letters): a Russian form, however
    garbled its reading."""
    return len(re.findall(r"[А-Яа-яЁё]{4,}", doc.text)) >= 5


def _labelled_name(doc: Doc) -> FieldValue | None:
    """The seller's name after its role's label, or a Russian legal name near the top."""
    for row in doc.rows:
        m = SELLER_LABEL.search(row.folded)
        if not m:
            cell = SELLER_CELL.match(row.folded)
            org = cell and _org_in(_cut(row.text[cell.end():]))
            if cell and org and not re.sub(r"\W", "", _cut(row.text[cell.end():])[:org.start()]):
                return _field("seller_name", _clean_name(org.group()), row, cell.end(), len(row.text), 1.0)
        if not m or (m.start() > 5 and not starts_column(row, m.start())):
            continue
        rest = row.text[m.end():]
        org = _org_in(_cut(rest))
        if org:
            return _field("seller_name", _clean_name(org.group()), row, m.end(), len(row.text), 1.0)
        value = _clean_name(_cut(rest).split(",")[0])
        if not _cyrillic_doc(doc):
            from classify._issuer import name_below

            below = name_below(doc, row, m.start(), m.end())  # «Bill From:» over the name, alone in its column
            if below is not None:
                return dataclasses.replace(below, value=_clean_name(str(below.value)))
        if re.fullmatch(BUYER_ROLES + r"\W*", value.lower()):
            continue  # a header of two columns: "Исполнитель: Заказчик:"
        if len(value) >= 3 and not re.search(r"\d{5}", value) and not _dated(value):
            return _field("seller_name", value, row, m.end(), len(row.text), 0.9)
    preamble = _preamble_seller(doc)
    if preamble is not None:
        return preamble
    rows = _first_page_rows(doc, 12)
    for above, row in itertools.pairwise(rows):
        # a bill's payment block: the payee's name in the cell over its caption «Получатель» (the seller)
        org = _ru_org(_ZERO_OOO.sub("ООО", above.text)) if _PAYEE_CAPTION.fullmatch(row.folded) else None
        if org and not _BANK_ROW.search(above.folded):
            # the same name on its party line further down (with its INN and address) is where it is read from
            line = next(((r, at) for r in rows if r.index > row.index for at in [r.text.find(org.group())]
                         if at >= 0 and re.search(INN, r.folded[at:])), None)
            where, at = line or (above, org.start())
            return _field("seller_name", _clean_name(org.group()), where, at, at + len(org.group()), 0.95)
    for row in rows[:8]:
        if re.search(BUYER_ROLES, row.folded):
            break
        org = _ru_org(_ZERO_OOO.sub("ООО", row.text))
        if org and _BANK_ROW.search(row.folded):
            continue  # the bank of a bill's payment block («АО «…Банк» БИК …»), not the seller
        if org and _SECOND_PARTY.search(row.text[:org.start()]):
            break  # «…, с одной стороны, и ООО «…», именуемое …»: the second party of a preamble, the first unread
        if org:
            return _field("seller_name", _clean_name(org.group()), row, org.start(), org.end(), 0.95)
        latin = _EN_ORG.search(row.text)
        if latin and re.match(rf"\s*,?\s*(?:{INN})(?![^\W\d_])", row.folded[latin.end():]):
            # a Latin legal name with its INN right after it (an English contract's preamble, «Alfa LLC, INN …»)
            return _field("seller_name", _clean_name(latin.group()), row, latin.start(), latin.end(), 0.95)
        if re.search(INN, row.folded):
            break  # the first party's row (the seller's) with its name unread: a name further down is another's
    return None


def _dated(value: str) -> bool:
    """Whether a value after a seller's label is a date, a period's start («From: 1 March 2021»), not a name."""
    from classify.normalise import normalise_date

    return bool(re.match(r"\W*\d", value)) and normalise_date(value) is not None


def _preamble_seller(doc: Doc) -> FieldValue | None:
    """The seller a contract's or an act's preamble names by its role: the legal name before «…, именуемое в
    дальнейшем «Исполнитель»» (a seller's role; the other party's role names no seller, whichever is first)."""
    rows = _first_page_rows(doc, 30)
    for n, row in enumerate(rows):
        # the clause may wrap: the name on this row, «именуемое …» at the next one's start
        nxt = rows[n + 1] if n + 1 < len(rows) and rows[n + 1].page == row.page else None
        text, folded = (row.text, row.folded) if nxt is None else (f"{row.text} {nxt.text}",
                                                                   f"{row.folded} {nxt.folded}")
        for role in _PREAMBLE_ROLE.finditer(folded):
            head = _ZERO_OOO.sub("ООО", text[:role.start()])
            orgs = list(_RU_ORG.finditer(head))
            if not orgs or orgs[-1].start() >= len(row.text):
                continue  # no name before it, or one on the next row: read from that row
            if not re.match(_PREAMBLE_SELLER, role.group(1)) or re.search(r"именуем|[;.]\s", head[orgs[-1].end():]):
                continue  # another party's role, or a role whose name is not the one right before it
            org = _ru_org(head[orgs[-1].start():]) or orgs[-1]
            at = orgs[-1].start() + (org.start() if org is not orgs[-1] else 0)
            return _field("seller_name", _clean_name(org.group()), row, at, min(at + len(org.group()), len(row.text)),
                          0.95)
    return None


# «…, именуемое (именуемый, -ая) в дальнейшем «Исполнитель»»: the role a preamble gives the party named before it
_PREAMBLE_ROLE = re.compile(r"именуем\w*\s+(?:в\s+дальнейшем\s+)?\W{0,2}([^\W\d_]+)")
# the preamble's seller roles: the locale's sellers' labels but «Получатель» (a service's recipient there is the buyer)
# (and not a buyer's role one letter off a seller's: «Лицензиат» is not «Лицензиар»)
_PREAMBLE_SELLER = rf"(?!(?:{BUYER_ROLES})$)" + misread_once("(?!получател)" + _WORDS.pattern("seller_labels")) + r"$"
_PAYEE_CAPTION = re.compile(r"\W*получатель\W*")
_SECOND_PARTY = re.compile(r"(?<![^\W\d_])и\W{0,3}$")  # a name right after «и»: the preamble's second party
_BANK_ROW = re.compile(r"(?<![^\W\d_])(?:бик|банк)(?![^\W\d_])")


def _unlabelled_name(doc: Doc) -> FieldValue | None:
    """A letterhead's or a till slip's name by rules: its legal name, or its first line of capitals."""
    rows = _first_page_rows(doc, 12)
    legal = _legal_name(rows[:7])
    if legal is not None:
        return legal
    for n, row in enumerate(rows[:4]):  # a letterhead or a till slip: the first line of capitals
        if n and _BODY_ROW.search(row.text):
            break  # the document's own body (a date, an amount, a table's head): its rows are no letterhead's
        if _noise(row) or _TITLE_ROW.match(row.text):
            continue  # a logo or a stamp read as letters; the document's title («Cash Sale»)
        if _TITLE_AFTER.sub("", row.text) != row.text and len(_TITLE_AFTER.sub("", row.text).split()) < 2:
            continue  # the document's title ("TAX INVOICE"), not a name beside it
        if _address_line(row.text) or _PLACE_LINE.match(row.text):
            continue  # an address line, or the town a contract is made in («г. Самара»), not a name
        # (a registration number after the name is no part of it: «KT NAME TRADING (001234567-H)»)
        bare = _REG_AFTER.sub("", _TITLE_AFTER.sub("", row.text))
        # (nor is the department the letterhead's sender is: «Lumen Customer Service», «Lumen Service Clients»)
        bare = _DEPARTMENT.sub("", bare) or bare
        if _header_line(bare):
            name = bare
            nxt = rows[n + 1].text if n + 1 < len(rows) else ""
            if nxt and _header_line(nxt) and not re.search(r"\d", nxt) and len(nxt.split()) <= 3 and (
                    not _ADDRESS_WORDS.search(nxt)) and (
                    name.rstrip().endswith("&") or nxt.isupper() == name.isupper()):
                name = f"{name} {nxt}"  # a name wrapped onto a second line
            return _field("seller_name", _clean_name(name), row, 0, len(row.text), 0.7)
    for row in rows[:8]:
        if re.search(BUYER_ROLES, row.folded):
            break
        org = _EN_ORG.search(row.text)
        if org:
            return _field("seller_name", _clean_name(org.group()), row, org.start(), org.end(), 0.8)
    return _titled_name(doc, rows)


_DEPARTMENT = re.compile(r"(?i)(?<=[^\W\d_])\s+" + _WORDS.pattern("departments") + r"\W*$")
# a row of a name and the document's title after it («Northwind Cloud Services Invoice»)
_NAME_TITLE = re.compile(r"\W*((?:[A-Z][\w&'.-]*\s+){1,5}[A-Z][\w&'.-]*)\s+(?i:invoice)\W*$")


def _titled_name(doc: Doc, rows: list[Row]) -> FieldValue | None:
    """The seller's name printed before the document's title on one row («Northwind Cloud Services Invoice»,
    beside a logo OCR could not read), when the body names the seller again in the same words («Thank you for using
    Northwind Cloud Services»): a title's own words («Commercial Invoice») are not printed again as a name."""
    for row in rows:
        # from the row's start or a column's (a logo's letters read beside it: «nоrthwind Northwind … Invoice»)
        m = next((m for at in row.starts if not at or starts_column(row, at)
                  for m in [_NAME_TITLE.match(row.text, at)] if m), None)
        if not m or _TITLE_ROW.match(row.text[m.start():]) or not _header_line(m.group(1)):
            continue
        name = re.compile(r"(?<![\w])" + re.escape(m.group(1)) + r"(?![\w])", re.IGNORECASE)
        if any(r.index != row.index and name.search(r.text) for r in doc.rows):
            return _field("seller_name", _clean_name(m.group(1)), row, m.start(1), m.end(1), 0.8)
    return None


# The legal form that ends a company's name on a letterhead or a till slip, as OCR reads it ("SDN BHO",
# "SON. BHD.", "§/B"): Malaysian/Singaporean Sdn Bhd, Bhd, S/B; Enterprise; the English and European forms.
_FORM = re.compile(r"(?<![A-Za-z])" + party_words(("en",)).pattern("legal_forms") + r"(?![A-Za-z])", re.IGNORECASE)
# OCR's symbols for letters in a Latin header line, from the look-alike table ("¥" Y, "§" S, "{" "(")
_HEADER_MARKS = "Y(S)'"


def _header_marks(text: str) -> str:
    return lookalikes.fix_symbols(text, _HEADER_MARKS)
_REG_TAIL = re.compile(r"^[\s,.]*(?:\(?\s*(?:co\.?\s*(?:reg\.?)?\s*no\.?\s*:?)?\s*[A-Z]?\d[\d\s]{3,}\s*[-~]?\s*"
                       r"[A-Za-z]{0,2}\s*\)?)?", re.IGNORECASE)


_SDN_BHD = re.compile(r"S[DIO0]N([.,])?\s*\|?\s*[BGE8][HNE][DO0](?![A-Za-z])")  # "SON. GHD" as read
_S_B = re.compile(r"[S5]/[B8]$")  # "5/8", "S/8" as read
# A row that is only the document's title ("TAX INVOICE", "PAYMENT RECEIPT" above the seller's name): no name, read
# on.
_TITLE_ROW = re.compile(
    r"(?i)^\W*(?:(?:simplified\s+)?tax\s+invoice|(?:(?:sales|commercial|pro-?\s?forma)\s+)?invoice|"
    r"(?:(?:official|payment|cash|sales)\s+)?receipt|cash\s+(?:bill|sale))\W*$")
_REG_ROW = re.compile(r"(?i)\bco\.?\s*(?:reg|no)|compan\w*\s*(?:reg|no)|\broc\b|\d{5,}\s*[-~]\s*[A-Z]\b")


def _legal_name(rows: list[Row]) -> FieldValue | None:
    """A company's name at the top of a page: the first row that ends in a legal form ("... SDN BHD",
    "... S/B (519537-X)", "... Ltd"), its registration number after the form left out; a form alone
    on its row ("CO. (M) SDN BHD") finishes the name on the row above."""
    for n, row in enumerate(rows):
        if _TITLE_ROW.match(row.text):
            continue
        if re.search(BUYER_ROLES, row.folded) or (_NOT_ADDRESS.search(row.text) and not _REG_ROW.search(row.text)):
            return None  # the name comes before the phone, the tax number, the slip's own lines
        text = re.split(r"\s[-–—|]\s(?=.*\d)", _header_marks(row.text))[0]  # "Name AG - street - city"
        forms = [m for m in _FORM.finditer(text) if m.start() > 0 or n > 0]
        if not forms:
            continue
        form = forms[-1]
        if (_NOT_ADDRESS.search(text[:form.end()]) and not re.search(r"(?i)^\W*co\.", text)) or (
                _ADDRESS_WORDS.search(text[:12]) and re.search(r"\d", text[:12])):
            continue
        tail = text[form.end():]
        if _REG_ROW.search(text[:form.start()]):
            continue
        reg = _REG_TAIL.match(tail)
        if len(re.findall(r"[A-Za-z]{3,}", tail[reg.end() if reg else 0:])) > 1 and len(forms) == 1:
            continue  # the form inside a sentence, not at a name's end
        head = text[:form.start()]
        if re.search(r"\d", form.group()) and _ADDRESS_WORDS.search(head):
            continue  # "JALAN 5/8" is a street, not a company "... S/B" read with digits
        head = head.split(":")[-1] if re.search(r"^[^:]{3,20}:", head) else head  # "Owned by: ..."
        end = form.end()
        if text[end:end + 1] == "." and "." in form.group():
            end += 1  # «SDN. BHD.L1»: a form that prints its stops keeps its last one, the row's next mark glued on
        name = f"{head}{text[form.start():end]}"
        words = re.findall(r"[A-Za-z]{2,}", head)
        if (len(words) < 2 or re.match(r"(?i)\W*co\b", head)) and n > 0 and _header_line(rows[n - 1].text) \
                and not re.search(r"\d", rows[n - 1].text):
            name = f"{_header_marks(rows[n - 1].text)} {name}"
        name = re.sub(r"\s+", " ", name).strip(" ,;:|-~'\"“”«»")
        name = _S_B.sub("S/B", _SDN_BHD.sub(lambda m: "SDN" + ("." if m.group(1) else "") + " BHD", name))
        if len(re.findall(r"[A-Za-z]", name)) < 4:
            continue
        name = _LEADING_ROLE.sub("", name)
        return Hit(name, row.text[:form.end()], row, 0, form.end(), 0.85).field("seller_name", 0.8)
    return None


NOISE_ROW = 0.5  # a row whose words were read with less confidence than this, on average, is noise


def _noise(row: Row) -> bool:
    return bool(row.words) and sum(w.confidence for w in row.words) / len(row.words) < NOISE_ROW


def _header_line(text: str) -> bool:
    """A line that can be a shop's or a company's name: mostly letters, mostly capitals or title case,
    and none of the words of a receipt's body."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 3 or len(letters) < 0.6 * len(text.replace(" ", "")):
        return False
    upper = sum(ch.isupper() for ch in letters)
    words = re.findall(r"[^\W\d_]{2,}", text)
    if upper < 0.5 * len(letters) and not all(w[0].isupper() for w in words):
        return False
    return len(words) >= 1 and not _NOT_ADDRESS.search(text) and not re.search(
        r"(?i)\b(?:invoice|receipt|report|agreement|contract|memo|форма|отчет|отчёт|чек|счет|счёт|договор)\b", text) \
        and not _SLIP_PHRASE.search(text)


# A till slip's own words, also run together as OCR reads them ("GOODSSOLDARENOTRETURNABLE.THANKYOU")
_SLIP_PHRASE = re.compile(r"(?i)returnable|exchangeable|thank\s*you|come\s*again|goods\s*sold|for\s*shopping|"
                          r"спасибо за покупку")


def seller_address(doc: Doc, doc_type: str, name: FieldValue | None) -> FieldValue | None:
    rows = doc.rows
    start_index = None
    if name is not None:
        start_index = next((n for n, r in enumerate(rows) if r.page == name.page and name.box is not None
                            and r.box[1] <= (name.box[1] + name.box[3]) / 2 <= r.box[3]), None)
        box = name.box
        if start_index is not None and box is not None:
            # rows of a tilted photo overlap: the name's row is the one it was read from (its raw text is the row's),
            # else the one whose words its box covers most
            start_index = max((n for n, r in enumerate(rows) if r.page == name.page and r.box[1] <= (
                box[1] + box[3]) / 2 <= r.box[3]), key=lambda n: (bool(name.raw) and str(name.raw) in rows[n].text,
                                                                 _covered(rows[n], box)))
    if start_index is not None:
        # the address on the name's own line, after the INN/KPP: "Поставщик: ..., ИНН ..., 191040, г. ..."
        row = rows[start_index]
        # (six digits of a longer run are a KPP's or an account's tail, no postcode)
        # (its comma after the postcode lost: «…001.443010 г. Самара»)
        m = (re.search(r"(?<!\d)\d{6},?\s*" + _REGION + r"(?:г[.,]|город|" + _TOWN_FIRST + ")", row.text)
             # a postcode ending the row: the rest wraps under it
             or _RU_ADDRESS.search(row.text) or re.search(r"(?<![\d\w])\d{6},?\s*$", row.text))
        if m:
            return _address_from(rows, start_index, m.start(), 1.0)
        for n in range(start_index + 1, min(start_index + 4, len(rows))):
            if SELLER_LABEL.search(rows[n].folded) or re.search(BUYER_ROLES, rows[n].folded):
                break
            label = ADDRESS_LABEL.match(rows[n].folded)
            if label:
                return _address_from(rows, n, label.end(), 1.0)
            m = _RU_ADDRESS.search(rows[n].text) or _postcode_line(rows[n])
            if m is not None:
                return _address_from(rows, n, m.start() if hasattr(m, "start") else 0, 0.9)
            if _ADDRESS_WORDS.search(rows[n].text) and not _NOT_ADDRESS.search(rows[n].text):
                return _header_address(rows, start_index) or _requisites_address(rows)
    requisites = _requisites_address(rows)
    if requisites is not None:
        return requisites
    for n, row in enumerate(_first_page_rows(doc, 15)):
        if re.search(BUYER_ROLES, row.folded):
            break
        m = _RU_ADDRESS.search(row.text)
        if m:
            return _address_from(rows, n, m.start(), 0.8)
    if start_index is not None and start_index < 6:
        # under the name; or above it, where a slip prints its site before the company that runs it
        below = _header_address(rows, start_index)
        return below if below or doc_type != "receipt" else _header_address(rows[:start_index], -1)
    return None


REQUISITES_ROWS = 10  # the most rows of a party's requisites (name, tax numbers, phone…) above its address


def _requisites_address(rows: list[Row]) -> FieldValue | None:
    """The seller's address in a requisites block (a contract's «Реквизиты сторон»): its role's label alone heading
    a column («Исполнитель:      Заказчик:»), the party's lines under it, the address after its label in that
    column; the other party's column beside it is not read."""
    for n, row in enumerate(rows):
        m = SELLER_LABEL.search(row.folded)
        if not m:
            continue
        nxt = next((at for at in row.starts if at >= m.end()), None)
        if not starts_column(row, m.start()) or (nxt is not None and not starts_column(row, nxt)):
            continue  # no role's label, or one with its party on its own row («Поставщик: ООО …»)
        label, _ = row.span(m.start(), m.end())
        if label is None:
            continue
        right = [w.box[0] for w in row.words if w.box[0] > label[2]]  # the other party's label beside it
        x0, x1 = label[0] - (label[3] - label[1]), min(right, default=10 ** 6)
        for k in range(n + 1, min(n + 1 + REQUISITES_ROWS, len(rows))):
            below = rows[k]
            if below.page != row.page:
                break
            first = next((i for i, w in enumerate(below.words) if x0 <= w.box[0] < x1), None)
            if first is None:
                continue
            start = below.starts[first]
            if SELLER_LABEL.match(below.folded, start) or re.match(r"\W*" + BUYER_ROLES, below.folded[start:]):
                break  # the next block's heading
            address = ADDRESS_LABEL.match(below.folded, start)
            if address:
                return _address_from(rows, k, address.end(), 1.0)
    return None


def _covered(row: Row, box: tuple[int, int, int, int]) -> int:
    """The area of ``row``'s word boxes inside ``box``."""
    def inside(w: tuple[int, int, int, int]) -> int:
        return max(0, min(w[2], box[2]) - max(w[0], box[0])) * max(0, min(w[3], box[3]) - max(w[1], box[1]))
    return sum(inside(w.box) for w in row.words)


def _address_line(text: str) -> bool:
    """A line that can only be part of an address: its postcode with address words, or a lot, building
    or street number first ("Lot 3, Jalan ...", "NO.59 JALAN ...")."""
    return bool((re.search(r"(?<!\d)\d{5,6}(?!\d)", text) and _ADDRESS_WORDS.search(text)) or (
        _ADDRESS_WORDS.search(text[:12]) and re.search(r"\d", text[:12])))


_REG_NO = re.compile(r"(?i)^\W*(?:co\.?\s*(?:reg\.?\s*)?no\.?\W*)?\(?[A-Z0-9]{4,}-[A-Z]\)?\W*$|\(\d{3,}-[A-Z]\)")


_PHONE_WORDS = r"mobile|whatsapps?|h/?p"  # a phone's labels beside the locale's not-address words ("tel", "fax")
# a phone's row: its number alone, its label, an area code in brackets ("(+603) 7831 2552"), or a short label OCR
# misread ("1e1", "Te1", "TeI" for "Tel") with its colon before a number of eight digits or more
_PHONE_ROW = re.compile(r"(?i)^\W*(?:\+?\d[\d\s\-()]{6,}\w{0,3}|.*\b(?:" + _PHONE_WORDS + r"|tel|fax)\b.*|"
                        r".*\(\+?\d{2,4}\)\s*\d{3,4}.*|[^\s:;]{1,4}\s*[:;]\s*\+?\d[\d\s\-()]{7,})\W*$")
# A postcode run into the town after it, as OCR loses the space ("81760JOHOR BAHRU"; "5510O", "403ooShah"
# with its last zeros read as letters).
_GLUED_POSTCODE = re.compile(r"(?<![\w/])(\d{5}|\d{3}[\dOo][Oo]|\d{4}O)(?=[A-Za-z]{3})")
_POSTCODE_D = re.compile(r"(?<![\w/])(\d{4})D(?=[\s,]|$)")  # "4600D PETALING JAYA": its last 0 read as D
# A postcode: five digits on their own, not a lot's or a building's number ("LOT 11995").
_POSTCODE = re.compile(r"(?i)(?<![\w/])(?<!lot )(?<!no )(?<!no\. )\d{5}(?![\w/])")
# "HQ ADD:", "Address:" before the address itself
_ADDRESS_LEAD = re.compile(r"(?i)^\W*(?:hq\s+|head office\s+|office\s+)?(?:add|addr|address)\s*[:.]\s*")
# A full stop between two parts of a Latin address is a comma read as one ("Lot 38. 39", "SR 1/9.SEKSYEN 9",
# "PETALING JAYA. SELANGOR"; faint commas lose their tail): after a word of four letters or more, or after
# a number, and before more of the address. An abbreviation keeps its stop ("NO.", "JLN.", "P.T.", "D.E.",
# "SELANGOR D.E." read as "SELANGORD.E"). The other way round, "NO," and "NO;" before a number are the
# abbreviation's stop and colon misread; a comma read twice is one, and "¢" is "&". A stop between a word and a
# postcode with no space ("Tarsen.52310", "TarsenU5.52310") is a comma too.
_PART_STOP = re.compile(r"(?:(?<=[A-Za-z]{4})|(?<=[A-Za-z0-9]\d)|(?<=[\s/]\d))\.(?=\s*[A-Za-z]|\s+\d|"
                        r"(?<=[A-Za-z\d]\.)\d{5}(?!\d))(?!\s*[A-Za-z]\b)")
# A row of the document's body, which no address reaches: a date, an amount with its currency, a table's head
_BODY_ROW = re.compile(r"(?i)\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|(?:\b(?:rs|rm|inr|usd|eur)\.?|[$€£₹])\s?\d|"
                       r"\b(?:description|qty|quantity|amount|total|rate|price)\b")
_WORDS_ONLY = re.compile(r"^[^\W\d_]+(?:\s+[^\W\d_]+){2,}\s*$")
_BRANCH_OR_REG = re.compile(r"(?i)^\W*\(.*\)\W*$|^\W*[\w/]*\d{4,}[\w/]*\s*[-~]?\s*[A-Z]?\W*$")


def _address_words(text: str) -> bool:
    """Whether a letterhead's row has an address's words, also as OCR splits them ("Se langor") or runs
    them together ("14JALANMANIS4TAMANSEGAR56100KL")."""
    return bool(_ADDRESS_WORDS.search(text) or _ADDRESS_WORDS.search(re.sub(r"\s+", "", text)) or _glued_address(text))


def _glued_address(text: str) -> bool:
    return bool(re.search(r"[^\W_]{15,}", text) and _GLUED_ADDRESS.search(text))


_GLUED_ADDRESS = re.compile(r"(?i)jalan|taman|lorong|persiaran|street|road|(?<!\d)\d{5}(?!\d)")


def _header_address(rows: list[Row], name_index: int) -> FieldValue | None:
    """The lines under a letterhead's name that make its address (a till slip's header): after the
    name's registration number and a brand or branch line, up to the phone, the tax number or the slip's
    own lines; after the postcode's line only lines that are still part of an address."""
    parts: list[str] = []
    first: Row | None = None
    skipped = 0
    postcode = False
    for row in rows[name_index + 1:name_index + 9]:
        if title_row(row):
            break  # the document's own title («Счет на оплату № 12 от …») ends its letterhead
        text = fix_lookalikes(_POSTCODE_D.sub(r"\g<1>0", _GLUED_POSTCODE.sub(r"\1 ", row.text.strip())))
        if not parts:
            text = _ADDRESS_LEAD.sub("", text)
        if len(text) > 100:
            break  # a paragraph, not a letterhead
        stop = _NOT_ADDRESS.search(text) or _REG_ROW.search(text) or _PHONE_ROW.match(text) or _BODY_ROW.search(text)
        if not parts:
            lead = stop and (stop.start() < 10 or _REG_ROW.search(text) or _BODY_ROW.search(text))  # no address's
            branch = _BRANCH_OR_REG.match(text) and not _glued_address(text)  # not "14JALANMANIS4TAMAN..."
            if _REG_NO.search(text) or branch or lead or not _address_words(text):
                skipped += 1  # a registration or tax number, a brand or a branch before the address
                if skipped > 3:
                    break
                continue
        elif stop or _BRANCH_OR_REG.match(text) or (postcode and (
                (not _address_words(text) and not parts[-1].endswith(",")) or re.search(r"\d{5}", text))):
            break  # after the postcode's line, only more of the address
        elif not _address_words(text) and not parts[-1].rstrip().endswith(",") and _WORDS_ONLY.match(text):
            break  # a row of words after a finished line: the document's own ("Booking ID Payment Mode")
        parts.append(text)
        first = first or row
        postcode = postcode or bool(_POSTCODE.search(text))
        if _cut(text) != text or _NOT_ADDRESS.search(text):
            break
    if first is None:
        return None
    value = _tidy_address(parts)
    if len(re.findall(r"[^\W\d_]", value)) < 4:
        return None
    return Hit(value, value, first, 0, len(first.text), 0.7).field("seller_address", 0.7)


def title_row(row: Row) -> bool:
    """Whether ``row`` is the document's title with its own number and date: no name's or address's line."""
    return numbered(row.text) and any(rule.names(row.folded) for rule in TITLE_RULES)


# a Latin address's last row closed by a comma after a word, nothing after it
_CLOSING_COMMA = re.compile(r"[A-Za-z]{2},\s*$")
# a street's or a unit's numbers with their slash read as a colon ("Orchid Way 12:3"): an address holds
# no time of day
_NUMBER_COLON = re.compile(r"(?<=[A-Za-z]{2} \d)(\d{0,2}):(?=\d{1,3}[A-Za-z]?(?![\d:]))")


# the house's number 1 read as its look-alike capital I or small l after its label ("NO.I, TAMAN ...")
_HOUSE_ONE = re.compile(r"(?<![^\W_])([Nn][Oo]\.\s?)[Il](?=,|\s|$)")
# a speck read as a colon after a word of a Latin address, before the next word ("Kawasan Perindustrian: Tampoi"):
# an address's words hold no colon but a label's ("No: 12"), and its label was left out where it began
_WORD_COLON = re.compile(r"(?<=[^\W\d_]{4}):(?=\s+[^\W\d_]{2})")


def _tidy_address(parts: list[str]) -> str:
    """A letterhead's address lines as one value: up to a phone or a tax number, its punctuation as OCR
    misreads it put right."""
    value = re.sub(r"\s+", " ", " ".join(parts))
    tail = _NOT_ADDRESS.search(value)
    cut = _cut(value[:tail.start()] if tail else value)
    closed = cut == value and _CLOSING_COMMA.search(value) is not None
    value = cut.strip(" ,;|:-~")
    if closed:
        # an address ends with no comma: one closing its last row is its full stop misread; but an address with no
        # postcode is a part of one (a building's, a site's rows) whose print runs on after its comma
        value += "." if _POSTCODE.search(value) else ","
    value = _PART_STOP.sub(",", value)
    value = _NUMBER_COLON.sub(r"\1/", value)
    value = re.sub(r"(?i)\b(no)[,;](?=\s*\w)", lambda m: m.group(1) + ("." if m.group()[-1] == "," else ":"), value)
    value = _HOUSE_ONE.sub(r"\g<1>1", value)
    if not re.search(r"[А-Яа-яЁё]", value):
        value = _WORD_COLON.sub("", value)
    value = _OPEN_INITIALS.sub(r"\1.", value)
    return _tidy_russian(re.sub(r",(?:\s*,)+", ",", value.replace("¢", "&")))


def _tidy_russian(value: str) -> str:
    """A Cyrillic address's marks as OCR adds them put right: a stop read twice («ул..»), a speck read as a quote
    before a word («пр-т ‘Ленина»)."""
    if not re.search(r"[А-Яа-яЁё]", value):
        return value
    value = _russian_parts(value)
    value = _NAME_STOP.sub(", ", value)  # the comma after a street's name read as a stop («Лесная. д. 17»)
    value = _HOUSE_COMMA.sub(", ", value)  # the comma before the house lost («Красный пр-т д. 116»)
    value = _PART_COLON.sub(", ", value)  # a comma read as a colon before a part («д. 43: стр. 2»)
    if re.search(r"[а-яё]{3}", value):  # (an address printed in capitals keeps its «Д.»)
        value = _HOUSE_CAPITAL.sub("д.", value)  # «Д. 72» where the house begins: the marker is small
    if not _HOUSE_MARKED.search(value):
        value = _HOUSE_LOOKALIKE.sub(r"\1д.", value, count=1)  # «ул. Садовая, A. 24», «…, 4. 108»: its «д» misread
    value = _STREET_COMMA.sub(r"\1, ", value)  # the comma after the town lost («г. Самара ул. Лесная»)
    return _STRAY_QUOTE.sub("", re.sub(r"\.{2,}", ".", value))


_NAME_STOP = re.compile(r"(?<=[а-яё]{3})\.\s*(?=(?:д|стр|корп|кв|офис)\.?\s?\d)")
_PART_COLON = re.compile(r"(?<=\d):\s*(?=(?:д|стр|корп|кв|офис|пом)\.?\s?\d)")
_HOUSE_CAPITAL = re.compile(r"(?<=, )Д\.(?=\s?\d)")
# the house's marker read as a look-alike glyph (Latin or Cyrillic A, the digit 4) in its place: the part after the
# street's (a street type before or after its name), right before the house's number, in an address with no house
# marker of its own; «лит. А» and «ул. А. Невского» keep theirs (no number after the letter, or no street before)
_STREET_PART = r"(?:(?:ул|пер|просп|пл|наб|ш)\.|пр-т|б-р)"
_HOUSE_LOOKALIKE = re.compile(
    rf"((?:\b{_STREET_PART}\s[А-ЯЁ][а-яё]+(?:[\s-][А-ЯЁа-яё][а-яё]+){{0,2}}|[а-яё]{{3}} {_STREET_PART}), )[AА4]\."
    r"(?=\s?\d{1,4}[а-я]?(?:[,\s]|$))")
_HOUSE_MARKED = re.compile(r"(?<![^\W\d_])(?:д|дом|вл|зд)\.?\s*(?:№\s*)?\d")
_HOUSE_COMMA = re.compile(r"(?<=[А-Яа-яЁё.])\s+(?=д\.\s?\d)")
# a town with its type first («г. Самара») is followed by a street with its type first: a type abbreviation right
# after the town's name begins the street
_STREET_COMMA = re.compile(r"(?<=\bг\.\s)([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)*)\s+(?=(?:ул|пер|просп|пл|наб|ш)\.|пр-т|б-р)")


# Initials closing an address with their last stop lost ("D.E" for "D.E."): stops between single capitals
# close with one
_OPEN_INITIALS = re.compile(r"((?:[A-Z]\.)+[A-Z])$")


def _postcode_line(row: Row) -> re.Match[str] | None:
    return re.match(r"\d{6},", row.text)


def _in_column(row: Row, start: int) -> str:
    """``row``'s text from ``start`` up to the next column (a gap wider than :data:`COLUMN_GAP` line heights): a
    form's party row runs on into the codes column beside it («… д. 18, офис 336   Вид деятельности по ОКДП»)."""
    for at in row.starts:
        if at > start and starts_column(row, at):
            return row.text[start:at].rstrip()
    return row.text[start:]


_ROLE_WRAP = re.compile(r"^\W*(?:" + misread_once(SELLER_ROLES + "|" + BUYER_ROLES) + r")\W*(?=\w)")  # «(Испопнитель»


# the full stop of an address part's abbreviation read as a comma («г, Москва», «д, 12»), where the part begins
# (after a comma or at the start: «Москва г, Тверская ул» is 1C's order, the type after the name, and keeps its comma)
_ABBREVIATION_COMMA = re.compile(r"(?:(?<=^)|(?<=,)|(?<=, ))(г|д|ул|стр|корп|кв|пос)\,(?=\s?[А-ЯЁ\d])")
# or lost where the part begins, before the town's name or the house's number («443010, г Самара», «ул. Лесная, д 17»)
_ABBREVIATION_BARE = re.compile(r"(?:(?<=^)|(?<=, ))(?:(г|пос)(?=\s[А-ЯЁ])|(д|стр|корп|кв)(?=\s\d))")
# a part's abbreviation read twice where it begins, as two readings of one word are joined («г, г. Самара»): one
_PART_TWICE = re.compile(r"(?:(?<=^)|(?<=,)|(?<=, ))(г|д|ул|стр|корп|кв|пос)[.,]\s+(?=\1[.,]\s?[А-ЯЁ\d])")
# a leading postcode's comma lost before the town's part («443010 г. Самара»)
_POSTCODE_COMMA = re.compile(r"^(\d{6})\s+(?=(?:г|пос|с)\.\s?[А-ЯЁ])")
# the street's «ул.» read with its letters' look-alikes (у as Latin y, л as п or Latin n: «yn.», «уп.») in a Cyrillic
# address, where it begins a part before the street's name
_STREET_LOOKALIKE = re.compile(r"(?:(?<=^)|(?<=, ))[уy][пn]\.(?=\s[А-ЯЁ]|\s*$)")


def _russian_parts(text: str) -> str:
    """A Cyrillic address's part abbreviations as OCR reads them put right: a stop read as a comma or lost where
    the part begins, «ул.» read in look-alikes."""
    if not re.search(r"[А-Яа-яЁё]{3}", text):
        return text
    text = _PART_TWICE.sub("", text)
    text = _POSTCODE_COMMA.sub(r"\1, ", text)
    text = _ABBREVIATION_COMMA.sub(r"\1.", text)
    text = _ABBREVIATION_BARE.sub(lambda m: (m.group(1) or m.group(2)) + ".", text)
    return _STREET_LOOKALIKE.sub("ул.", text)


def _address_from(rows: list[Row], n: int, start: int, conf: float) -> FieldValue | None:
    row = rows[n]
    text = _russian_parts(_cut(_in_column(row, start)))
    if not re.sub(r"\W", "", text) and n + 1 < len(rows) and rows[n + 1].page == row.page and start > 0:
        return _address_from(rows, n + 1, 0, conf)  # the label ends its line («Адрес:»): the address is the next one
    parts = [text]
    end = start + len(text)
    # a wrapped address goes on to the next row while that row looks like more of it
    k = n + 1
    while k < len(rows) and k <= n + 2 and rows[k].page == row.page:
        nxt = rows[k].text
        if _NOT_ADDRESS.search(nxt) or SELLER_LABEL.search(rows[k].folded) or re.search(BUYER_ROLES,
                                                                                        rows[k].folded):
            break
        if _cut(row.text[start:]) != row.text[start:].rstrip() and k == n + 1 and len(parts) == 1 and (
                not re.search(r"(?:,|ул\.|д\.|г\.|пр-т|стр\.)$", parts[-1].strip())):
            break  # the address ended on its own line, before a phone or an INN
        postcode = re.fullmatch(r"\d{6},?", parts[-1].strip())  # the party's row ends in it, the rest under it
        if re.search(r"(?:,|ул\.|д\.|г\.|пр-т|стр\.|офис|кв\.?|корп\.?|[А-ЯЁ][а-яё]+)$", parts[-1].strip()) or (
                re.match(r"^\s*(?:д\.|стр\.|офис|кв\.)", nxt)) or postcode:
            if postcode and not parts[-1].strip().endswith(","):
                parts[-1] = parts[-1].strip() + ","  # its comma lost at the row's end
            wrap = _ROLE_WRAP.match(rows[k].folded)  # the role's cell wraps beside it: «(Исполнитель)»
            parts.append(_cut(_in_column(rows[k], wrap.end() if wrap else 0)))
            k += 1
            continue
        break
    # (a form's blank to fill in, «____», after it is no part of it)
    value = fix_lookalikes(re.sub(r"\s+", " ", " ".join(parts)).strip(" ,;|_"))
    value = re.sub(r"\s*\(\d\w?\)$", "", value)
    value = _tidy_russian(value).rstrip(" ,;:|")
    if len(value) < 6:
        return None
    return Hit(value, value, row, start, end, conf).field("seller_address", 0.8)


_FIO = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вич|вна|ична|чна|оглы|кызы)"


def customer_name(doc: Doc, doc_type: str) -> FieldValue | None:
    patterns = (
        re.compile(r"(?:граждан\w*(?:\s*\(\w+\))?|заказчик\s*[:.]|покупатель\s*[:.]|customer\s*[:.]?|"
                   r"client\s*[:.]?|and)\s+(" + _FIO + r")"),
        re.compile(r"(" + _FIO + r")\s*,?\s*(?:именуем|hereinafter|паспорт|passport|"
                   r"\(\s*the\s+\W?(?i:customer|client))"),  # «… (the "Customer")»
    )
    for pattern in patterns:
        for row in doc.rows:
            m = pattern.search(row.text) or pattern.search(row.text.replace("ё", "е"))
            if m:
                return _field("customer_name", m.group(1), row, m.start(1), m.end(1), 1.0)
    for pattern in patterns:
        for row, below in itertools.pairwise(doc.rows):
            # the person's name wrapped at the line's end («… и гражданин Петров» over «Глеб Олегович, …»)
            joined = f"{row.text} {below.text}"
            m = pattern.search(joined) or pattern.search(joined.replace("ё", "е"))
            if m and below.page == row.page and m.start(1) < len(row.text) < m.end(1):
                return _field("customer_name", m.group(1), row, m.start(1), len(row.text), 1.0)
    return None


# Names and addresses are free text that no check digit or sum confirms: one read with words OCR was
# unsure of (mean word confidence below this) is left out and flagged rather than given wrong.
SURE_TEXT = 0.85


_POSTCODE_RU = re.compile(r"(?<!\d)\d{6}(?!\d)")
_HOUSE_RU = re.compile(r"(?i)(?<![^\W\d_])(?:д|дом|вл|зд|стр|строение|корп|корпус)\.?\s*(?:№\s*)?\d"
                       r"|,\s*\d+\s*[а-я]?\s*(?:[,/]|$)")


# In an address printed in Cyrillic, a word of Latin letters is OCR's reading of Cyrillic look-alikes («ya.», «np-s»);
# a single digit with a full stop before the house's number is the house's «д.» misread
# (one Latin letter too where a marker stands before a number, «A. 63» for «д. 63»)
_LATIN_IN_CYRILLIC = re.compile(r"(?<![^\W\d_])(?:[A-Za-z]{2,}(?![^\W\d_])|[A-Za-z]\.\s?\d)")
# a part that is only a mark («191040, . Москва»: the town's «г» lost)
# (or a street's type with no name, «г. Невский, пр-т, д. 30»: the town lost and the street's name read for it)
_EMPTY_PART = re.compile(r"(?:^|,)\s*[.,;:]\s|,\s*(?:ул|пр-т|просп|пер|б-р|ш|наб|пл)\.?\s*,")
_DIGIT_FOR_HOUSE = re.compile(r"(?<![\w.])\d\.\s?\d")
# a house, building or office marker with no number after it («стр. №»: the digit read as a sign, or lost)
_NO_NUMBER = re.compile(r"(?<![^\W\d_])(?:д|дом|стр|строение|корп|корпус|кв|офис)\.?\s*№?\s*(?=[,;]|$)")


def whole_russian_address(value: FieldValue) -> bool:
    """Whether an address in Cyrillic reads as a Russian address is printed whole: its postcode (six digits)
    leads it when it has one, and it names the house (д. 12, дом 5, «…, 14»). One read out of order (lines
    of a till slip's header joined wrongly) or cut short is left out and flagged, not given wrong; an
    address in Latin script passes as it is."""
    text = str(value.value)
    if value.name != "seller_address" or len(re.findall(r"[А-Яа-яЁё]", text)) < len(re.findall(r"[A-Za-z]", text)):
        return True
    code = _POSTCODE_RU.search(text)
    if "|" in text:
        return False  # a table's rule or a fold read inside it: lines joined from elsewhere
    if (_LATIN_IN_CYRILLIC.search(text) or _DIGIT_FOR_HOUSE.search(text) or _NO_NUMBER.search(text)
            or _EMPTY_PART.search(text)):
        return False  # a word read in Latin look-alikes («ya.» for «ул.»), «4. 108» for «д. 108»: garbled
    return (code is None or not re.search(r"[^\W\d_]", text[:code.start()])) and bool(_HOUSE_RU.search(text))


SURE_FORM = 0.9  # a Russian address read in its whole printed form is as sure as a labelled one


def _russian_form(doc: Doc, found: FieldValue) -> FieldValue:
    """A seller's address in Cyrillic read whole (its six-digit postcode first, its house named, nothing garbled:
    :func:`whole_russian_address`) from a letterhead's lines: the form it is printed in says where it begins and
    ends, so the doubt of finding it with no label (the rows' guess, the letterhead labeller's) is lifted; how
    surely its words were read still counts."""
    text = str(found.value)
    if (found.name != "seller_address" or not _POSTCODE_RU.match(text) or not re.search(r"[А-Яа-яЁё]{3}", text)
            or not whole_russian_address(found)):
        return found
    confidence = round(SURE_FORM * (0.5 + 0.5 * min(1.0, reading_confidence(doc, found))), 3)
    return dataclasses.replace(found, confidence=max(found.confidence, confidence))


def reading_confidence(doc: Doc, value: FieldValue) -> float:
    """The mean OCR confidence of the words of ``value`` as they stand where it was read (its box, else its page),
    a word's punctuation after it aside («Плюс»,» is the name's «Плюс»»)."""
    tokens = {_bare(t) for t in value.value.split()}
    # a legal form's abbreviation read as one is checked by the short list it is one of, however unsurely OCR scored
    # it («ООО» at 0.65 beside the quoted name at 0.92); the name's own words are what may be misread
    tokens = (tokens - {t for t in tokens if _FORM_WORD.fullmatch(t)}) or tokens
    by_token: dict[str, list[float]] = {}
    inside: dict[str, list[float]] = {}
    box = value.box
    for row in doc.rows:
        if row.page != value.page:
            continue
        for w in row.words:
            token = _bare(w.text)
            if token in tokens:
                by_token.setdefault(token, []).append(w.confidence)
                if box is not None and box[0] <= (w.box[0] + w.box[2]) / 2 <= box[2] and (
                        box[1] <= (w.box[1] + w.box[3]) / 2 <= box[3]):
                    inside.setdefault(token, []).append(w.confidence)
    # each word as read where the value was (a name's «АО» on its row, not the other party's), else anywhere on its page
    confs = [c for token, found in by_token.items() for c in inside.get(token, found)]
    return sum(confs) / len(confs) if confs else 1.0


NAME_LETTERS = 6  # the fewest letters of a name's own words that two readings must agree on to confirm it


def _read_again(doc: Doc, value: FieldValue) -> bool:
    """Whether a seller's name is read twice alike: its own words (its legal form aside), the same letters in the
    same order, on two rows of the document. A form prints the seller's name in more than one place (its party
    row and its signatures' block, a letterhead and its stamp); two readings OCR made apart that give the same
    letters are read right, however unsurely it scored the words («„Северный Ветер»» at 0.81)."""
    words = [w for w in _LETTERS.findall(str(value.value)) if not _FORM_WORD.fullmatch(w)]
    if value.name != "seller_name" or sum(map(len, words)) < NAME_LETTERS:
        return False
    rows = 0
    for row in doc.rows:
        tokens = _LETTERS.findall(row.text)
        rows += any(tokens[i:i + len(words)] == words for i in range(len(tokens) - len(words) + 1))
    return rows >= 2


_LETTERS = re.compile(r"[^\W\d_]+")


# the Russian legal forms of one word (ООО, АО, ИП…), as the locale data lists them
_FORM_WORD = re.compile("|".join(f for f in party_words(("ru",)).legal_forms if " " not in f))


def _bare(word: str) -> str:
    return word.strip(",;:.")


# What a Latin name or address does not print, and OCR's garbling of one does: words run together across
# a change of case ("JlnBurung"), one small letter inside a word of capitals ("HOLViKTON"), a phone number read
# into it behind its misread label ("lel:03-6095"), and a short word with a letter, digits and a letter
# ("31G833G"; not "U13/X", "109F", nor a whole row run together, "14ORRINROAD4HARWICK62100"); a word in small
# letters ending in a digit, a letter's look-alike ("Zelmor9" for "Zelmorg"; a code is in capitals: "U13", "No2");
# a number with one letter inside it ("4D170", a postcode's 0 read as D; "1E51" for "1851": a unit's letter stands
# at its end or its start, "115G", "G29"); a word whose first letter was read as a digit ("3ALAN", "9etia": no
# ordinal, "3RD", nor a house's letter, "12A", has four letters after one digit).
_GARBLED = re.compile(r"[a-z][A-Z](?=[a-z])|[A-Z]{2}[a-z][A-Z]{2}|(?<![^\W\d_])[A-Za-z]{2,4}\s?:\s?\d[\d-]{6,}"
                      r"|(?<![^\W\d_])[A-Za-z]?[a-z]{3,}\d(?![^\W_])"
                      r"|(?<![^\W_])(?:\d[A-Za-z]\d{2,}|\d{2,}[A-Za-z]\d)(?![^\W_])"
                      r"|(?<![^\W_])\d(?:[A-Z]{4,}|[a-z]{4,})(?![^\W_])")
_MIXED_WORD = re.compile(r"[A-Za-z]\d+[A-Za-z]")
_LONG_RUN = 12  # letters and digits of one word past which it is a row run together, not a garbled word


def _garbled(value: object, address: bool = False) -> bool:
    """Whether a till slip's name or address reads as OCR's garbling rather than as printed; an address also when
    a word of it in capitals is words run together (:data:`RUN_TOGETHER` Latin capitals or more: "TARSENHOLVIKROAD"):
    a row read with its spaces lost has lost its commas and stops with them. A capitalised word that long is one
    ("Northamptonshire"); run together, a word in small letters shows a capital inside it ("HolvikRoad")."""
    return isinstance(value, str) and bool(_GARBLED.search(value) or any(
        len(word) <= _LONG_RUN and _MIXED_WORD.search(word) for word in re.findall(r"[^\W_]+", value)) or (
        address and (_RUN_TOGETHER.search(value) or _street_run_in(value) or _number_lost(value))))


def _number_lost(value: str) -> bool:
    """Whether an address begins with a house's label and a word where its number stands ("No Jalan …"); a word of
    the address's own that its number follows ("No. Lot 12", "No. Unit 3-1") is no number lost."""
    m = _NUMBER_LOST.match(value)
    return m is not None and not _ADDRESS_WORDS.match(value, m.start(1))


# A house's label first with no number after it, a word of letters in its place ("No Jalan ..."): its number was
# lost, and the address read without it is wrong
_NUMBER_LOST = re.compile(r"(?i)^\W*no\b[.:,;]?\s*([^\W\d_]{3,})(?![^\W_]|[-/]\d)")
GLUED_LETTERS = 2  # letters or digits on each side of a street's word that run it into its neighbours


def _street_run_in(value: str) -> bool:
    """Whether a street's word stands run into the words beside it in one token of capitals ("OFFJALANHOLVIK",
    "NO.4JALANTARSEN2") among words read with their spaces: that row was read with its spaces lost, and its commas
    with them. An address read with no space at all is a row printed with no marks, run together whole
    ("14KELLOWROAD4ORRINHEIGHTS62100HW"), and is read as printed."""
    return bool(re.search(r"\S\s+\S", value)) and any(
        m.start() >= GLUED_LETTERS and len(token) - m.end() >= GLUED_LETTERS
        for token in re.findall(r"[A-Z\d]+", value) if len(token) >= 2 * GLUED_LETTERS + 4
        for m in _GLUED_ADDRESS.finditer(token) if not m.group().isdigit())


RUN_TOGETHER = 14  # Latin capitals in one word past which it is words run together: an address word printed whole in
# capitals rarely has more than a dozen letters (a longer one, a county's name, is left out and flagged: no wrong value)
_RUN_TOGETHER = re.compile(rf"(?<![^\W_])[A-Z]{{{RUN_TOGETHER},}}(?![^\W_])")


def _other_script(doc: Doc, value: FieldValue) -> bool:
    """Whether a name or an address in Cyrillic letters that all have Latin twins (``lookalikes.toml``'s
    scripts: «ВЕТА НОМЕ» for BETA HOME) stands on a page in Latin script: a Latin word read in the other script's
    look-alikes, with the letters of no twin misread too, so no script of it can be trusted."""
    letters = [ch for ch in str(value.value) if ch.isalpha()]
    if not letters or not all(lookalikes.is_cyrillic(ch) for ch in letters):
        return False
    if not all(ch in lookalikes.CYRILLIC_TWINS for ch in letters):
        return False
    page = [ch for row in doc.rows if row.page == value.page for ch in row.text if ch.isalpha()]
    latin = sum(lookalikes.is_latin(ch) for ch in page)
    return latin >= 3 * (len(page) - latin)


def _squeeze(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def learned_letterhead(doc: Doc, legal: FieldValue | None = None) -> tuple[FieldValue | None, FieldValue | None]:
    """The seller's name and address as the letterhead labeller (classify/letterhead.py) marks the top
    rows: the likeliest run of name rows, and of address rows after it (or above it, when the slip prints
    its site first). A ``legal`` name the rules found (a name ending in its legal form) fixes the name's
    rows."""
    from classify.letterhead import default_labeller, header_rows, label_number

    labeller = default_labeller()
    rows = header_rows(doc.rows)
    # the seller's letterhead ends where the other party's block begins («Bill to:», «Покупатель:»): the rows
    # under that label are the buyer's name and address, never the seller's
    other = next((i for i, row in enumerate(rows) if i and _OTHER_PARTY.match(row.folded)), None)
    rows = rows[:other] if other is not None else rows
    if labeller is None or not rows:
        return None, None
    probs = labeller.probabilities(rows)
    # the letterhead ends where the document's own body begins (a date, an amount with its currency, a table's
    # head): the rows under it are the body's («Guest Name: … Date: 31/12/2017» over «Hotel Details Check In …»)
    body = next((i for i, row in enumerate(rows) if i and _BODY_ROW.search(row.text)), len(rows))
    for p in probs[body:]:
        p["name"] = p["address"] = 0.0
    for p, row in zip(probs, rows, strict=True):  # what a row's own words rule out, whatever its look
        text = row.text.strip()
        if _noise(row) or _TITLE_ROW.match(text) or _BODY_ROW.search(text) or _SLIP_PHRASE.search(text):
            p["name"] = 0.0
        lead = _NOT_ADDRESS.search(text)
        phone = _PHONE_ROW.match(text) and _phone_tail(text) is None  # not a postcode's line with the phone after it
        if _BODY_ROW.search(text) or phone or (lead and lead.start() < 3) or _noise(row) or label_number(text):
            p["address"] = 0.0  # a "label : number" row (a registration, a tax number, a phone) ends the address
    if legal is not None and legal.box is not None:
        top, bottom = legal.box[1], legal.box[3]
        folded = _squeeze(legal.raw or str(legal.value))
        insides = [row.page == legal.page and top <= (row.box[1] + row.box[3]) / 2 <= bottom for row in rows]
        for i, (p, row) in enumerate(zip(probs, rows, strict=True)):
            inside = insides[i]
            wrapped = i + 1 < len(rows) and bool(_squeeze(row.text)) and _squeeze(row.text) in folded and (
                rows[i + 1].box[1] <= bottom)  # the name's first line, over the line with its form
            wrapped = wrapped or (i + 1 < len(rows) and not inside and insides[i + 1] and _name_over_form(
                row, rows[i + 1], p["name"], i == 0 or probs[i - 1]["name"] < 0.5))
            p["name"] = 1.0 if inside or wrapped else 0.0
            if inside or wrapped:
                p["address"] = 0.0
    name_run, address_run = _segments(probs)
    address_run = _completed(_trimmed(address_run, rows, probs), rows, probs)
    name = None
    if name_run:
        picked = [rows[i] for i in name_run]
        text = _REG_AFTER.sub("", _header_marks(" ".join(r.text for r in picked)))
        text = _S_B.sub("S/B", _SDN_BHD.sub(lambda m: "SDN" + ("." if m.group(1) else "") + " BHD", text))
        text = _clean_name(_LEADING_ROLE.sub("", _STRAY_QUOTE.sub("", text)))
        conf = sum(probs[i]["name"] for i in name_run) / len(name_run)
        if len(re.findall(r"[^\W\d_]", text)) >= 3:
            name = Hit(text, picked[0].text, picked[0], 0, len(picked[0].text), conf).field("seller_name", 0.9)
    address = None
    if address_run:
        picked = [rows[i] for i in address_run]
        parts = [fix_lookalikes(_POSTCODE_D.sub(r"\g<1>0", _GLUED_POSTCODE.sub(r"\1 ", _without_phone(r.text))))
                 for r in picked]
        parts[0] = _ADDRESS_LEAD.sub("", parts[0])
        value = _known_rows(parts)
        conf = sum(probs[i]["address"] for i in address_run) / len(address_run)
        if _POSTCODE.search(value) and (_address_words(_POSTCODE.sub(" ", value)) or _HOUSE_FIRST.match(value)):
            conf = max(conf, POSTCODE_SURE)  # a house or address words and a postcode: an address, whatever its look
        if _cut_short(address_run, rows):
            conf = min(conf, CUT_SHORT)
        if len(re.findall(r"[^\W\d_]", value)) >= 4:
            address = Hit(value, value, picked[0], 0, len(picked[0].text), conf).field("seller_address", 0.9)
    return name, address


CUT_SHORT = 0.4  # the sureness of an address whose postcode's row, under it, was read garbled: unsure, flagged
_NUMBER_START = re.compile(r"\W*(\d[^\W_]{4})")


def _cut_short(run: list[int], rows: list[Row]) -> bool:
    """Whether an address run has no postcode and its last row or the row under it begins with one read garbled:
    five letters and digits, three digits or more, a letter among them ("4O1Z0TOWN"). The address's end is lost
    with it, or read wrong."""
    from classify.letterhead import label_number

    texts = {i: fix_lookalikes(_POSTCODE_D.sub(r"\g<1>0", _GLUED_POSTCODE.sub(r"\1 ", rows[i].text.strip())))
             for i in (*run, run[-1] + 1) if i < len(rows)}  # as the address reads them: "403ooTown" has its postcode
    if any(re.search(r"(?<!\d)\d{5,6}(?!\d)", texts[i]) for i in run):
        return False

    def garbled(text: str) -> bool:
        start = _NUMBER_START.match(text)
        return bool(start and sum(c.isdigit() for c in start.group(1)) >= 3 and re.search(r"[^\W\d_]", start.group(
            1)) and not _PHONE_ROW.match(text) and not label_number(text) and not _REG_NO.search(text))

    return any(garbled(texts[i]) for i in (run[-1], run[-1] + 1) if i in texts)


_PHONE_WORD = re.compile(r"(?i)(?<![^\W_])(?:" + _PHONE_WORDS + r")(?![^\W_])")


def _phone_tail(text: str) -> int | None:
    """Where the phone begins on a postcode-and-town row with a phone number after the town ("12345 Town,
    State. Tel No.: 01-234 5678", "12345 Town 01-234 5678"): its label, or its number when it has none;
    None for a row that is not such."""
    from classify.letterhead import PHONE_NUMBER, postcode_then_phone

    town = postcode_then_phone(text)
    if town is None:
        return None
    number = PHONE_NUMBER.search(text, town.end())
    assert number is not None
    labels = [m.start() for m in (_NOT_ADDRESS.search(text, town.end()), _PHONE_WORD.search(text, town.end()))
              if m is not None and m.start() < number.start()]
    return min(labels, default=number.start())


def _without_phone(text: str) -> str:
    """A letterhead's row less the phone printed after its postcode and town."""
    text = text.strip()
    cut = _phone_tail(text)
    return text if cut is None else text[:cut].rstrip(" ,;:-/|")


# a row that begins with the other party's role as its label: the role word ending the row or with its colon
_OTHER_PARTY = re.compile(rf"^\W{{0,2}}(?:{BUYER_ROLES})\s*(?::|$)")


def _wraps(learned: FieldValue, ruled: FieldValue) -> bool:
    """Whether the labeller's name is the rules' legal name with a first line over it that the legal
    name does not repeat (a brand or an "owned by" line over it repeats its words), and that reads as printed
    (a logo's letters OCR garbled, «nOrthwlnd», are no line of a name)."""
    if _garbled(str(learned.value)[:max(0, len(str(learned.value)) - len(str(ruled.value)))]):
        return False
    whole, tail = _squeeze(str(learned.value)), _squeeze(str(ruled.value))
    ruled_words = Counter(w.casefold() for w in re.findall(r"[^\W\d_]+", str(ruled.value)))
    head = Counter(w.casefold() for w in re.findall(r"[^\W\d_]+", str(learned.value))) - ruled_words
    return bool(tail) and bool(head) and whole.endswith(tail) and not any(w in ruled_words for w in head)


WRAP_SURE = 0.8  # how sure the labeller must be that a row over the legal name's is the name's first line


def _name_over_form(row: Row, form_row: Row, p_name: float, first: bool) -> bool:
    """Whether ``row`` is the first line of a name wrapped over the row with its legal form: the labeller
    sure of it, the first name row, capitals with no digit, none of its words again on the form's row (a
    brand over the legal name repeats them)."""
    text = row.text.strip()
    words = {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", text)}
    form_words = {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", form_row.text)}
    return (p_name >= WRAP_SURE and first and bool(words) and not re.search(r"\d", text) and text.isupper()
            and not words & form_words and not _LEADING_ROLE.match(text) and not text.endswith(":"))


def _known_rows(parts: list[str]) -> str:
    """A letterhead's address from its rows; where the seller memory knows the address without the first
    or the last of them (a branch's or a mall's line the labeller took in), without it."""
    from classify.lexicon import default_lexicon
    from classify.sellers import default_memory

    whole = _tidy_address(parts)
    memory, lexicon = default_memory(), default_lexicon()
    if memory is None or len(parts) < 2:
        return whole

    def known(value: str) -> bool:
        return memory.known("address", lexicon.correct(value) if lexicon else value) is not None

    if known(whole):
        return whole
    return next((v for v in (_tidy_address(parts[1:]), _tidy_address(parts[:-1])) if known(v)), whole)


_STRAY_QUOTE = re.compile(r"(?<!\S)['‘’`](?=\w)")  # a quote mark before a word, read from a speck

# A registration number after a name: "(123456-X)", "Co. Reg. No. 123456-X"
_REG_AFTER = re.compile(r"(?i)[\s,.]*[(\[]?\s*(?:co\.?\s*(?:reg\.?)?\s*no\.?\s*:?)?\s*[A-Z]{0,2}\d[\d\s]{3,}\s*"
                        r"[-~]?\s*[A-Za-z]{0,2}\s*[)\]]?\W*$")


_HOUSE_FIRST = re.compile(r"\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?,? [A-Za-z]")  # "42-46, Jln", "12 High"
POSTCODE_SURE = 0.75  # the least sureness of labelled address rows holding a postcode and a house or address words
EDGE_SURE = 0.7  # an address run's first row the labeller is less sure of may be a branch's line
# a row that begins with its house number: "12 ...", "No 8 ...", "Lot 3, ..."
_HOUSE_LEAD = re.compile(r"(?i)\W*(?:(?:no|lot|unit|plot)\b\.?\s*:?\s*)?\d")
NAME_ROWS, ADDRESS_ROWS = 3, 6  # the most rows a letterhead's name and its address take
GAP_COST = 0.1  # log-probability a row between the name and its address costs: the address is near the name


def _trimmed(run: list[int], rows: list[Row], probs: list[dict[str, float]]) -> list[int]:
    """An address run less a first row the labeller doubts that has no digit and no address's words, over
    a row that begins with a house number: a branch's or a mall's name over the address ("CITY MALL" over
    "No 8, ..."); and less a last row it doubts of words alone after a finished row."""
    if len(run) < 2:
        return run
    first, second = rows[run[0]].text, rows[run[1]].text
    if probs[run[0]]["address"] < EDGE_SURE and not re.search(r"\d", first) and not _address_words(first) and (
            _HOUSE_LEAD.match(second)):
        run = run[1:]
    # and less a last row it doubts of words alone, no address's, after a row that ended without a comma: the
    # document's own row under a finished address ("Booking ID Payment Mode")
    last, before = rows[run[-1]].text.strip(), rows[run[-2]].text.strip() if len(run) > 1 else ","
    if probs[run[-1]]["address"] < EDGE_SURE and _WORDS_ONLY.match(last) and not _address_words(last) and (
            not before.endswith(",")):
        run = run[:-1]
    return run


_POSTCODE_ROW = re.compile(r"^\W*(?<!\d)\d{5,6}(?!\d)[,.]?\s+[^\W\d_]{2,}")  # "12345 Town", "101000, г."


def _completed(run: list[int], rows: list[Row], probs: list[dict[str, float]]) -> list[int]:
    """An address run with no postcode and the postcode's row right under it (its town, a phone after them that
    the labeller took it for): that row is the address's last."""
    if not run or run[-1] + 1 >= len(rows) or any(re.search(r"(?<!\d)\d{5,6}(?!\d)", rows[i].text) for i in run):
        return run
    nxt = run[-1] + 1
    text = rows[nxt].text.strip()
    if _POSTCODE_ROW.match(text) and probs[nxt]["name"] < 0.5 and probs[nxt]["address"] > 0 and not (
            _BODY_ROW.search(text)):
        return [*run, nxt]
    return run


def _segments(probs: list[dict[str, float]]) -> tuple[list[int], list[int]]:
    """The likeliest reading of a letterhead as one run of name rows and one run of address rows, after
    it or before it (either may be absent), every other row "other": the runs that most raise the summed log
    probability of the rows' labels over all rows being "other", less a cost for each row between the
    name and the address."""
    def gain(label: str) -> list[float]:
        return [math.log(max(p.get(label, 0.0), 1e-9)) - math.log(max(p.get("other", 0.0), 1e-9)) for p in probs]

    n = len(probs)
    name_gain, address_gain = gain("name"), gain("address")

    def best_run(g: list[float], start: int, limit: int, stop: int = n, near: int | None = None) -> tuple[
            float, list[int]]:
        best: tuple[float, list[int]] = (0.0, [])
        for a in range(start, stop):
            total = -GAP_COST * abs(a - near) if near is not None else 0.0
            for b in range(a, min(a + limit, stop)):
                total += g[b]
                if total > best[0]:
                    best = (total, list(range(a, b + 1)))
        return best

    choice = best_run(address_gain, 0, ADDRESS_ROWS)
    best: tuple[float, list[int], list[int]] = (choice[0], [], choice[1])
    for a in range(n):
        total = 0.0
        for b in range(a, min(a + NAME_ROWS, n)):
            total += name_gain[b]
            if total <= 0:
                continue
            after = best_run(address_gain, b + 1, ADDRESS_ROWS, near=b + 1)
            before = best_run(address_gain, 0, ADDRESS_ROWS, a, near=a)  # a slip that prints its site first
            address = after if after[0] >= before[0] else before
            if total + address[0] > best[0]:
                best = (total + address[0], list(range(a, b + 1)), address[1])
    return best[1], best[2]


def _spelled(found: FieldValue | None) -> FieldValue | None:
    """A till slip's name or address with the words OCR misread put right by the learned lexicon
    (classify/lexicon.py): "Harwick Dunnoor" is "Harwick Dunmoor" where the lexicon knows that word."""
    from classify.lexicon import default_lexicon

    lexicon = default_lexicon()
    if found is None or lexicon is None or not isinstance(found.value, str):
        return found
    value = lexicon.correct(found.value)
    return found if value == found.value else dataclasses.replace(found, value=value)


def _remembered(found: FieldValue | None) -> FieldValue | None:
    """A till slip's name or address as the seller memory (classify/sellers.py) holds it, when the reading
    is very close to one it knows: the value as printed there (its marks OCR lost put back) and surer."""
    from classify.sellers import KNOWN_CONFIDENCE, default_memory

    memory = default_memory()
    if found is None or memory is None or not isinstance(found.value, str):
        return found
    known = memory.known("name" if found.name == "seller_name" else "address", found.value)
    if known is None:
        return found
    return dataclasses.replace(found, value=known, confidence=max(found.confidence, KNOWN_CONFIDENCE))


def _recognised(doc: Doc, kind: str, found: FieldValue | None) -> FieldValue | None:
    """A till slip's name or address that the seller memory does not hold, put for one it holds printed
    whole on the slip's top rows (a name at the start of its row, an address on consecutive rows): the
    labeller took other rows for it ("THANK YOU FOR SHOPPING WITH ..." for the name)."""
    from classify.letterhead import header_rows
    from classify.sellers import KNOWN_CONFIDENCE, default_memory

    memory = default_memory()
    if memory is None or (found is not None and isinstance(found.value, str)
                          and memory.known(kind, found.value) == found.value):
        return found
    rows = header_rows(doc.rows)
    hit = memory.find(kind, [r.text for r in rows], NAME_ROWS if kind == "name" else ADDRESS_ROWS)
    if hit is None:
        return found
    value, first, last = hit
    row = rows[first]
    field = Hit(value, " ".join(r.text for r in rows[first:last + 1]), row, 0, len(row.text), 1.0).field(
        f"seller_{kind}", 0.9)
    return dataclasses.replace(field, confidence=max(field.confidence, KNOWN_CONFIDENCE))


LATIN_LETTERHEADS = frozenset({"invoice", "vat_invoice"})


def find_names(doc: Doc, doc_type: str) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    labelled = _labelled_name(doc)
    slip = doc_type == "receipt" or (doc_type in LATIN_LETTERHEADS and labelled is None and not _cyrillic_doc(doc))
    if slip and labelled is None:
        # a till slip's top carries no labels: the learned labeller reads it, the rules where it finds nothing
        # and the name the rules find (a name ending in its legal form, the first line of capitals) fixes
        # the name's rows
        ruled = seller_name(doc, doc_type)
        learned_name, learned_address = learned_letterhead(doc, ruled)
        name = ruled or learned_name
        if ruled is not None and learned_name is not None and _wraps(learned_name, ruled):
            name = learned_name  # the legal name's first line over the row with its form
        address = learned_address or seller_address(doc, doc_type, name)
        if name is learned_name and name is not None:
            name = dataclasses.replace(name, value=_AMPERSAND.sub("&", fix_lookalikes(name.value)))
    else:
        name = seller_name(doc, doc_type)
        address = seller_address(doc, doc_type, name)
        if address is not None:
            # a letterhead's address by rules (under a name with no label, a legal name at the top or a role's cell
            # with no colon), which the labeller reads the same: as sure as the surer of the two
            learned = learned_letterhead(doc, name)[1]
            if learned is not None and _squeeze(str(learned.value)) == _squeeze(str(address.value)):
                address = dataclasses.replace(address, confidence=max(address.confidence, learned.confidence))
    if slip:
        name, address = _remembered(_spelled(name)), _remembered(_spelled(address))
        name, address = _recognised(doc, "name", name), _recognised(doc, "address", address)
    if name is not None and labelled is None and doc_type in LATIN_LETTERHEADS and not _cyrillic_doc(doc):
        from classify._issuer import doubt

        why = doubt(doc, name)
        if why is not None:  # a Latin invoice's name found by its place alone, nothing else backing it: flagged
            doc.unsure.append((name.name, name.value))
            doc.doubts[name.name] = why
            name = None
    customer = customer_name(doc, doc_type) if doc_type == "contract" else None
    for read in (name, address, customer):
        if read is None:
            continue
        if read is address and name is None and doc_type in LABELLED_FORMS and _cyrillic_doc(doc):
            # a statutory form whose seller's rows went unread: the first address read may be a consignee's whose
            # label went unread too, so it is unsure
            doc.unsure.append((read.name, read.value))
            continue
        found = _russian_form(doc, read)
        if (reading_confidence(doc, found) < SURE_TEXT and not _read_again(doc, found)) or (
                not whole_russian_address(found)) or (
                slip and _garbled(found.value, found.name == "seller_address")) or _other_script(doc, found):
            doc.unsure.append((found.name, found.value))
        else:
            out[found.name] = found
    return out
