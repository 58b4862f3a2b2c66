"""Make the dev set's documents of other people's print forms: public HTML templates of Russian bills, acts and
ТОРГ-12 and an XLSX счёт-фактура that other software prints (bench/ru-dev/templates/, each with its repository,
commit and licence in SOURCES.md), filled with invented parties by samples/_data.py, printed to PDF by headless
Chromium (the XLSX by LibreOffice; a text layer, as the software's own PDF has) and then printed-and-photographed
by photograph_real.py.

    python bench/ru-dev/build_templates.py         # (re)writes bench/ru-dev/tpl_*.{pdf,json} (and the .xlsx)
    python bench/ru-dev/photograph_real.py tpl_…   # the photo of one's print

Our extractor was never tuned on these layouts: they measure how its rules carry to forms it has not seen.
Deterministic but for Chromium's PDF bytes (its version and date stamp); the truth does not change.
"""

from __future__ import annotations

import html
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
sys.path.insert(0, str(HERE.parents[1] / "samples"))
sys.path.insert(0, str(HERE))

from _data import GOODS, SERVICES, Party, fmt_ru, party, rubles_in_words, unit_price  # noqa: E402
from build_generated import write_truth  # noqa: E402

SEED = 1137
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
COUNTS = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять")


@dataclass(frozen=True)
class Line:
    title: str
    qty: int
    price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.price * self.qty


@dataclass(frozen=True)
class Deal:
    seller: Party
    buyer: Party
    number: str
    day: date
    lines: tuple[Line, ...]
    vat_rate: int  # 0: «без НДС»

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return (self.total * self.vat_rate / (100 + self.vat_rate)).quantize(Decimal("0.01"))


def deal(rng: random.Random, *, services: bool, vat_rate: int, sole_trader: bool = False) -> Deal:
    seller = party(rng, sole_trader=sole_trader)
    buyer = party(rng, exclude=seller.name)
    goods = SERVICES if services else GOODS
    picked = rng.sample(goods, k=min(len(goods), rng.randrange(2, 5)))
    lines = tuple(Line(title, rng.randrange(1, 6), unit_price(rng, prices)) for title, _, prices in picked)
    day = date(2026, rng.randrange(1, 11), rng.randrange(1, 28))
    return Deal(seller, buyer, str(rng.randrange(12, 980)), day, lines, vat_rate)


# -- a mustache subset (salesmancrm's templates): {{x}}, {{{x}}}, {{#x}}…{{/x}}, {{^x}}…{{/x}} ---------------------
def mustache(text: str, context: dict[str, Any]) -> str:
    section = re.compile(r"{{([#^])(\w+)}}(.*?){{/\2}}", re.DOTALL)

    def sections(m: re.Match[str]) -> str:
        kind, name, inner = m.groups()
        value = context.get(name)
        if kind == "^":
            return mustache(inner, context) if not value else ""
        if isinstance(value, list):
            return "".join(mustache(inner, {**context, **item}) for item in value)
        return mustache(inner, context) if value else ""

    text = section.sub(sections, text)
    text = re.sub(r"{{{(\w+)}}}", lambda m: str(context.get(m.group(1), "")), text)
    return re.sub(r"{{(\w+)}}", lambda m: html.escape(str(context.get(m.group(1), ""))), text)


def _salesman_context(d: Deal, offer: str) -> dict[str, Any]:
    vat = {"nalogName": f"В т.ч. НДС {d.vat_rate}%", "nalogSumma": fmt_ru(d.vat)} if d.vat_rate else {
        "nalogName": "Без налога (НДС)", "nalogSumma": "-"}
    s, b = d.seller, d.buyer
    return {
        "compUrName": s.name, "compInn": s.inn, "compKpp": s.kpp, "compBankName": s.bank, "compBankBik": s.bik,
        "compBankKs": s.corr_account, "compBankRs": s.account, "compDirStatus": "Генеральный директор",
        "compDirName": s.director.full, "compDirOsnovanie": "Устава", "compDirSignature": s.director.short,
        "castUrName": b.name, "castInn": b.inn, "castKpp": b.kpp, "castDirStatus": "Директор",
        "castDirName": b.director.full, "castDirOsnovanie": "Устава", "noSignature": True,
        "Invoice": d.number, "InvoiceDate": f"{d.day:%d.%m.%Y}", "AktNumber": d.number,
        "AktDate": f"{d.day:%d.%m.%Y}", "offer": offer, "ContractNumber": f"{d.number}/Д",
        "ContractDate": f"{d.day.replace(day=1):%d.%m.%Y}",
        "speka": [{"Number": n, "Title": ln.title, "Kol": ln.qty, "Edizm": "шт." if ln.qty else "",
                   "Price": fmt_ru(ln.price), "Summa": fmt_ru(ln.amount)} for n, ln in enumerate(d.lines, 1)],
        "InvoiceSumma": fmt_ru(d.total), "AktSumma": fmt_ru(d.total), "ItogSumma": fmt_ru(d.total),
        "ItogMaterial": "0,00", "InvoiceSummaPropis": rubles_in_words(d.total), **vat,
    }


def payment_qr(d: Deal) -> str:
    """The payment QR a bill prints (ГОСТ Р 56042-2014, ST00012), as a PNG data URI (zxing-cpp encodes it)."""
    import base64
    import io

    import zxingcpp
    from PIL import Image

    s = d.seller
    text = (f"ST00012|Name={s.name}|PersonalAcc={s.account}|BankName={s.bank}|BIC={s.bik}|"
            f"CorrespAcc={s.corr_account}|PayeeINN={s.inn}|KPP={s.kpp}|Sum={int(d.total * 100)}|"
            f"Purpose=Оплата по счету № {d.number} от {d.day:%d.%m.%Y}")
    matrix = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=6)
    buffer = io.BytesIO()
    Image.fromarray(matrix).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def salesman(template: str, offer: str, printed_view: bool = False) -> Callable[[Deal], str]:
    """A salesmancrm form; ``offer`` is what its title or preamble prints before the number; ``printed_view``
    renders the form's print view (``forPRINT``: the bank block with the payment QR of its QR bill)."""
    def render(d: Deal) -> str:
        context = _salesman_context(d, offer)
        if printed_view:
            context |= {"forPRINT": True, "qrcode": payment_qr(d), "AktSummaPropis": rubles_in_words(d.total)}
        return mustache((TEMPLATES / template).read_text(encoding="utf-8"), context)
    return render


# -- e-terin/torg12: PHP echoes put right by hand ---------------------------------------------------------------
def eterin_torg12(d: Deal) -> str:
    s, b = d.seller, d.buyer
    text = (TEMPLATES / "eterin_torg12.html").read_text(encoding="utf-8")
    rows = "".join(
        f'<tr><td class="b_left b_bottom">{n}</td><td class="b_left b_bottom leftAlign">{html.escape(ln.title)}'
        '</td>' + '<td class="b_left b_bottom">-</td>' + '<td class="b_left b_bottom">шт.</td>' +
        '<td class="b_left b_bottom">-</td>' * 5 +
        f'<td class="b_left b_bottom">{ln.qty}</td><td class="b_left b_bottom">{ln.price:.2f}</td>'
        f'<td class="b_left b_bottom">{ln.amount:.2f}</td><td class="b_left b_bottom">БЕЗ НДС</td>'
        f'<td class="b_left b_bottom">0.00</td><td class="b_left b_bottom b_right rightAlign nobr">{ln.amount:.2f}'
        '</td></tr>' for n, ln in enumerate(d.lines, 1))
    text = re.sub(r"<\?php\s*\n\s*// Вывод позиций.*?\?>", lambda _: rows, text, flags=re.DOTALL)
    client = (f"{b.name}, Адрес: {b.address}, ИНН: {b.inn} КПП: {b.kpp} Р.сч.:{b.account} "
              f"К.сч.:{b.corr_account} Банк: {b.bank} БИК: {b.bik}")
    echoes = {
        r"<\?=\$company\['name'\]\['rus'\]\?>": s.name, r"<\?=\$company\['address'\]\['rus'\]\?>": s.address,
        r"<\?=\$company\['inn'\]\?>": s.inn, r"<\?=\$company\['bank'\]\['raccount'\]\?>": s.account,
        r"<\?=\$company\['bank'\]\['name'\]\?>": s.bank, r"<\?=\$company\['bank'\]\['bik'\]\?>": s.bik,
        r"<\?=\$company\['bank'\]\['kaccount'\]\?>": s.corr_account,
        r"<\?php echo \$client\[0\].*?\?>": client, r"<\?php echo \$_GET\['order'\]; \?>": d.number,
        r"<\?php if\(isset\(\$_GET\['dat[ae]'\]\).*?\?>": f"{d.day:%d.%m.%Y}",
        r'<\?php echo sprintf\("%01\.3f",\$totalq\); \?>': f"{sum(ln.qty for ln in d.lines):.3f}",
        r'<\?php echo sprintf\("%01\.2f",\$totalsum\); \?>': f"{d.total:.2f}",
        r"<\?php echo num2str3\(\$n\); \?>": COUNTS[1], r"<\?php echo num2str2\(\$i\); \?>": COUNTS[len(d.lines)],
        r"<\?php echo num2str\(\$totalsum\); \?>": rubles_in_words(d.total),
    }
    for pattern, value in echoes.items():
        escaped = html.escape(value)
        text = re.sub(pattern, lambda _: escaped, text, flags=re.DOTALL)  # noqa: B023  # used at once
    if "<?" in text:
        raise SystemExit(f"eterin_torg12.html: PHP left unfilled: {text[text.index('<?'):][:80]!r}")
    return text


# -- salesmancrm's счёт-фактура: an XLSX of OpenTBS fields ([var.x], a [speka.x;block=tbs:row] row per line) ------
def salesman_schet_faktura(d: Deal, out: Path) -> None:
    """Fill the XLSX as OpenTBS does (the line row repeated into the two spare rows below it; at most three
    lines) and print it to PDF with LibreOffice, fitted to one page (the template sets no fit and would spill
    onto four), as the program's user saves and prints it."""
    import shutil

    import openpyxl

    s, b = d.seller, d.buyer
    net = [(ln.amount - (ln.amount * d.vat_rate / (100 + d.vat_rate)).quantize(Decimal("0.01"))) for ln in d.lines]
    values = {
        "docNum": d.number, "docDate": f"{d.day:%d.%m.%Y}", "compUrName": s.name, "compUrAddr": s.address,
        "compInn": s.inn, "compKpp": s.kpp or "", "castUrName": b.name, "castUrAddr": b.address, "castInn": b.inn,
        "castKpp": b.kpp or "", "compDirSignature": s.director.short, "spekaSumWoNds": fmt_ru(sum(net, Decimal(0))),
        "spekaNds": fmt_ru(d.vat), "spekaSum": fmt_ru(d.total),
    }
    book = openpyxl.load_workbook(TEMPLATES / "salesman_schet_faktura.xlsx")
    sheet = book.active
    template_row = {cell.column_letter: cell.value for cell in sheet[27] if hasattr(cell, "column_letter")}
    if len(d.lines) > 3:
        raise SystemExit("salesman_schet_faktura: the form has room for three lines")
    for n, (ln, wo) in enumerate(zip(d.lines, net, strict=True)):
        line = {"Title": ln.title, "Edizm": "шт", "Kol": str(ln.qty), "PriceWoNds": fmt_ru(wo / ln.qty),
                "SumWoNds": fmt_ru(wo), "NdsPer": f"{d.vat_rate}%", "Nds": fmt_ru(ln.amount - wo),
                "Sum": fmt_ru(ln.amount)}
        for column, text in template_row.items():
            if isinstance(text, str) and "[speka." in text:
                sheet[f"{column}{27 + n}"] = re.sub(r"\[speka\.(\w+)[^\]]*\]", lambda m: line[m.group(1)], text)  # noqa: B023
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "[var." in cell.value:
                cell.value = re.sub(r"\[var\.(\w+)\]", lambda m: values[m.group(1)], cell.value)
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # printed on one landscape sheet, as a user prints it
    sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
    book.save(out.with_suffix(".xlsx"))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("salesman_schet_faktura: LibreOffice (soffice) prints the XLSX to PDF; install it")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out.parent),
                    str(out.with_suffix(".xlsx"))], check=True, capture_output=True, timeout=300)


# -- onnet/zzapp: Django (erlydtl) templates of a telecom billing, rendered by Jinja2 after a few spellings --------
def _django_to_jinja(text: str) -> str:
    text = re.sub(r"{%\s*load [^%]*%}", "", text)
    text = text.replace("forloop.counter", "loop.index").replace("forloop.last", "loop.last")
    return re.sub(r"\|(\w+):(\"[^\"]*\"|[\w.]+)", r"|\1(\2)", text)  # |floatformat:2 -> |floatformat(2)


def _in_words(value: Decimal) -> tuple[str, str]:
    """zzapp's total_to_words: the roubles in words and the kopecks' two digits."""
    words = rubles_in_words(value.quantize(Decimal(1), rounding="ROUND_DOWN"))
    return re.sub(r"\s+рубл\w*.*$", "", words), f"{int(value * 100) % 100:02d}"


def zzapp(template: str, agent: bool = False) -> Callable[[Deal], str]:
    """A zzapp form, filled as its billing fills it: the document dated the last day of the billed month; with
    ``agent``, the operator's agent (who bills for it under a power of attorney) printed with its own ИНН/КПП."""
    import jinja2

    def render(d: Deal) -> str:
        s, b = d.seller, d.buyer
        rate = Decimal(d.vat_rate)
        fees: list[dict[str, Any]] = []
        for n, ln in enumerate(d.lines, 1):
            vat = (ln.amount * rate / (100 + rate)).quantize(Decimal("0.01"))
            fees.append({"name": ln.title, "code_number": "796", "code_name": "шт", "quantity": ln.qty,
                         "rate_netto": (ln.amount - vat) / ln.qty, "cost_netto": ln.amount - vat,
                         "vat_line_total": vat, "cost_brutto": ln.amount, "rate_brutto": ln.price,
                         "cost": ln.amount, "n": n})
        netto = sum((Decimal(f["cost_netto"]) for f in fees), Decimal(0))
        brutto_div, brutto_rem = _in_words(d.total)
        vat_div, vat_rem = _in_words(d.vat)
        start = d.day.replace(day=1)
        carrier = {"doc_pref": "", "doc_ind": "", "oper_name": s.name, "oper_name_short": s.name,
                   "oper_name_further": "Оператор", "oper_addr": s.address, "inn": s.inn, "kpp": s.kpp or "",
                   "oper_account_number": s.account, "oper_bank_name": s.bank, "oper_bank_bik": s.bik,
                   "oper_corr_number": s.corr_account, "oper_dir": s.director.short,
                   "oper_buh": s.accountant.short, "oper_signatory": "Генеральный директор"}
        if agent:
            a = party(random.Random(f"{SEED}:agent:{d.number}"), exclude=s.name)
            carrier |= {"oper_agent": a.full_name, "oper_agent_short": a.name, "oper_agent_addr": a.address,
                        "oper_agent_inn": a.inn, "oper_agent_kpp": a.kpp or "", "in_person_of": "",
                        "oper_power": f"№ {d.number}-Д от {d.day.replace(month=1, day=1):%d.%m.%Y}"}
        account = {"name": b.name, "inn": b.inn, "kpp": b.kpp or "",
                   "address": {"registered": {"line1": b.address, "line2": "", "line3": ""}}}
        context = {
            "carrier_vars": carrier, "account_vars": account, "reseller_vars": {"currency_short": "руб",
                                                                                "currency1": "руб"},
            "doc_number": d.number, "doc_date": f"{d.day:%d.%m.%Y}", "start_date": f"{start:%d.%m.%Y}",
            "end_date": f"{d.day:%d.%m.%Y}", "agrm_num": f"{d.number}-С", "agrm_date": start.replace(month=1),
            "monthly_fees": fees, "vat_rate": d.vat_rate, "total_netto": f"{netto:.2f}",
            "total_vat": f"{d.vat:.2f}", "total_brutto": f"{d.total:.2f}", "total_brutto_div": brutto_div,
            "total_brutto_rem": brutto_rem, "total_vat_div": vat_div, "total_vat_rem": vat_rem,
            "aggregated_vars": [{"oper_name_short": s.name, "agrm_num": f"{d.number}-С",
                                 "agrm_date": f"{start.replace(month=1):%d.%m.%Y}",
                                 "total_brutto": f"{d.total:.2f}"}],
        }
        env = jinja2.Environment(autoescape=True)
        env.filters["floatformat"] = lambda v, places: f"{Decimal(str(v)):.{places}f}"
        env.filters["gregsec_to_date"] = lambda v: v
        env.filters["date"] = lambda v, _fmt: f"{v:%d.%m.%Y}"
        source = _django_to_jinja((TEMPLATES / template).read_text(encoding="utf-8"))
        return env.from_string(source).render(context)
    return render


def month_end(d: Deal) -> Deal:
    """The deal billed for its month: dated the month's last day (a telecom's monthly счёт, акт, счёт-фактура)."""
    import calendar
    from dataclasses import replace

    return replace(d, day=d.day.replace(day=calendar.monthrange(d.day.year, d.day.month)[1]))


# -- codup/odoo-ru: Odoo QWeb reports (l10n_ru_doc), rendered by a small QWeb of the directives they use -----------
class Rec(dict[str, Any]):
    """An Odoo record as a QWeb expression sees it: attributes, and False for a field left empty."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name, Rec())

    def __bool__(self) -> bool:
        return bool(len(self))

    def __str__(self) -> str:
        return "" if not self else dict.__repr__(self)


class OdooHelper:
    """l10n_ru_doc's report_helper.QWebHelper, the parts its reports call (pytils' words by samples/_data.py)."""

    @staticmethod
    def numer(name: str) -> str:
        found = re.findall(r"\d+$", name or "")
        return found[0] if found else ""

    @staticmethod
    def ru_date(day: str) -> str:
        y, m, d = (int(x) for x in day.split("-"))
        return f'"{d:02d}" {MONTHS[m - 1]} {y} года'

    @staticmethod
    def ru_date2(moment: str) -> str:
        y, m, d = (int(x) for x in moment[:10].split("-"))
        return f"{d:02d} {MONTHS[m - 1]} {y} г."

    @staticmethod
    def in_words(n: int) -> str:
        return COUNTS[n]

    @staticmethod
    def rubles(value: float) -> str:
        words = rubles_in_words(Decimal(str(value)).quantize(Decimal("0.01")))
        return words[0].lower() + words[1:]

    @staticmethod
    def initials(fio: str) -> str:
        return (fio.split()[0] + " " + "".join(w[0] + "." for w in fio.split()[1:])).strip() if fio else ""

    @staticmethod
    def address(p: Rec) -> str:
        return ", ".join(x for x in (p.zip, p.city, p.street, p.street2) if x)

    def representation(self, p: Rec) -> str:
        parts = [p.name] if p.name else []
        parts += [f"ИНН {p.inn}"] if p.inn else []
        parts += [f"КПП {p.kpp}"] if p.kpp else []
        return ", ".join([*parts, self.address(p)])

    def full_representation(self, p: Rec) -> str:
        parts = [self.representation(p)]
        if p.phone:
            parts.append(f"тел.: {p.phone}")
        bank = p.bank_ids[0] if p.bank_ids else None
        if bank:
            parts += [f"р/сч {bank.acc_number}", f"в банке {bank.bank_name}", f"БИК {bank.bank_bic}",
                      f"к/с {bank.bank_corr_acc}"]
        return ", ".join(parts)


VOID = {"br", "col", "img", "meta", "hr", "input", "link"}


def qweb(element: Any, scope: dict[str, Any]) -> str:
    """Render one QWeb element: t-foreach/t-as, t-if, t-set/t-value, t-call (its body), t-esc, t-raw, t-field
    (a date as Odoo prints it in Russian: dd.mm.yyyy), t-att-*; text as HTML."""
    import datetime as dt

    def ev(expr: str) -> Any:
        return eval(expr, {"sum": sum, "len": len, "str": str}, scope)  # the template's own code

    a = element.attrib
    if "t-foreach" in a:
        items = list(ev(a["t-foreach"]))
        name = a["t-as"]
        out = []
        inner = dict(scope)  # as Odoo's QWeb: the loop's names, shared by its turns (a t-set counts on), then dropped
        for i, item in enumerate(items):
            inner.update({name: item, f"{name}_index": i, f"{name}_first": i == 0,
                          f"{name}_last": i == len(items) - 1, f"{name}_size": len(items)})
            clone = element.__copy__()
            del clone.attrib["t-foreach"], clone.attrib["t-as"]
            out.append(qweb(clone, inner))
        return "".join(out)
    if "t-if" in a and not ev(a["t-if"]):
        return ""
    if "t-set" in a:
        scope[a["t-set"]] = ev(a["t-value"]) if "t-value" in a else children(element, scope)
        return ""
    if "t-esc" in a or "t-raw" in a:
        value = ev(a.get("t-esc") or a["t-raw"])
        text = "" if value is False or value is None else str(value)
        body = html.escape(text) if "t-esc" in a else text
    elif "t-field" in a:
        value = ev(a["t-field"])
        body = f"{dt.date.fromisoformat(value):%d.%m.%Y}" if value else ""
    else:
        body = children(element, scope)
    if element.tag == "t":
        return body
    attrs = "".join(f' {k}="{html.escape(str(v))}"' for k, v in a.items() if not k.startswith("t-"))
    attrs += "".join(f' {k[6:]}="{html.escape(str(ev(v)))}"' for k, v in a.items() if k.startswith("t-att-"))
    tag = element.tag.lower()
    return f"<{tag}{attrs}/>" if tag in VOID and not body else f"<{tag}{attrs}>{body}</{tag}>"


def children(element: Any, scope: dict[str, Any]) -> str:
    out = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            out.append(qweb(child, scope))
        out.append(html.escape(child.tail or "", quote=False))
    return "".join(out)


def _odoo_partner(p: Party) -> Rec:
    zip_code, city, street = p.address.split(", ", 2)
    bank = Rec(acc_number=p.account, bank_name=p.bank, bank_bic=p.bik, bank_corr_acc=p.corr_account,
               bank_id=Rec(corr_acc=p.corr_account, city=""))
    return Rec(name=p.name, inn=p.inn, kpp=p.kpp or "", zip=zip_code, city=city, street=street, phone=p.phone,
               bank_ids=[bank])


class ArtlineHelper(OdooHelper):
    """l10n_ru_utd's report_helper.QWebHelper: l10n_ru_doc's, and the date as dd.mm.yyyy."""

    @staticmethod
    def ru_date3(day: str) -> str:
        return ".".join(day.split("-")[::-1])


def codup(template: str, landscape: bool = False, helper: OdooHelper | None = None,
          extra: dict[str, Any] | None = None,
          more: Callable[[Deal], dict[str, Any]] | None = None) -> Callable[[Deal], str]:
    """A CodUP l10n_ru_doc report of an Odoo invoice (or, for report_order, of its sale order), filled as Odoo
    fills it: price_unit with the tax in it, the amounts as Python floats (Odoo's t-esc prints 12990.0); on the
    module's paper formats (A4, 7 mm margins; the счёт-фактура and the ТОРГ-12 landscape). Its forms print the
    НДС rate as a fixed 18% (the rate of 2018), so they are filled at 18%. ``helper`` and ``extra`` are a module's
    own report helper and the names its report model adds (a module built on l10n_ru_doc, as l10n_ru_utd is);
    ``more`` the invoice's further fields (its delivery address)."""
    from lxml import etree

    def render(d: Deal) -> str:
        s, b = d.seller, d.buyer
        rate = Decimal(d.vat_rate)
        lines = []
        for ln in d.lines:
            net = ln.amount - (ln.amount * rate / (100 + rate)).quantize(Decimal("0.01"))
            lines.append(Rec(name=ln.title, product_id=Rec(name=ln.title), quantity=float(ln.qty),
                             product_uom_qty=float(ln.qty), price_unit=float(ln.price), price_subtotal=float(net),
                             uom_id=Rec(name="шт"), product_uom=Rec(name="шт")))
        company = Rec(_odoo_partner(s), partner_id=_odoo_partner(s), chief_id=Rec(name=s.director.full),
                      accountant_id=Rec(name=s.accountant.full), okpo="")
        amount_untaxed = float(sum((Decimal(str(ln.price_subtotal)) for ln in lines), Decimal(0)))
        o = Rec(number=f"INV/{d.day.year}/{d.number}", name=f"Заказ № {d.number}",
                date_invoice=d.day.isoformat(), date_order=f"{d.day.isoformat()} 10:00:00",
                partner_id=_odoo_partner(b), company_id=company, invoice_line_ids=lines, order_line=lines,
                amount_untaxed=amount_untaxed, amount_tax=float(d.vat), amount_total=float(d.total),
                state="sale", _context={})
        o["name"] = f"SO{d.number}" if template.endswith("order.xml") else o["name"]
        o.update(more(d) if more else {})
        source = (TEMPLATES / template).read_text(encoding="utf-8").replace("<![CDATA[&nbsp;]]>", "&#160;")
        root = etree.fromstring(source.encode("utf-8"))
        scope = {"docs": [o], "helper": helper or OdooHelper(), "res_company": company, **(extra or {})}
        body = children(root.find(".//template"), scope)
        page = f"@page {{ size: A4{' landscape' if landscape else ''}; margin: 7mm; }}"
        head = f'<meta charset="utf-8"/><style>{page}{ODOO_HEADER}</style>'
        # the report's header (wkhtmltopdf prints its div.header above each page, filling span.page/.topage)
        body = body.replace('<span class="page"></span>', "1").replace('<span class="topage"></span>', TOPAGE)
        return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    return render


# wkhtmltopdf lays a report's div.header out in the page's top margin, its two lines' ends on one line; Chromium
# prints it as the page's first line (its position: absolute and margin-top are the header area's, not the page's)
ODOO_HEADER = (".header .row { display: flex; justify-content: space-between; margin-bottom: 2mm; }"
               ".header .row > div { position: static !important; margin-top: 0 !important; }")


def artline_utd(consignee: bool = False) -> Callable[[Deal], str]:
    """ArtLine's l10n_ru_utd УПД (status 1) of an Odoo invoice; its report model's get_label lists the invoice's
    payments (none: an invoice not yet paid prints the line (5) empty). With ``consignee``, the goods go to another
    company's address (the invoice's partner_shipping_id: «Грузополучатель и его адрес» prints its name, ИНН, КПП
    and address, above the buyer's own)."""
    def shipping(d: Deal) -> dict[str, Any]:
        if not consignee:
            return {}
        other = party(random.Random(f"{SEED}:consignee:{d.number}"), exclude=d.buyer.name)
        return {"partner_shipping_id": _odoo_partner(other)}

    return codup("artline_utd_template.xml", True, ArtlineHelper(),
                 {"get_label": lambda _o: "", "get_date": lambda _o: " "}, shipping)


SALESMAN = ("vladandreevg/salesmancrm", "ae5bba571b5b3ee87071fb1e7d35967af6fdd5b8", "Apache-2.0")
ZZAPP = ("onnet/zzapp", "ad4a0efa70b049e38e553e9a39f634f5d363895f", "MPL-2.0")
CODUP = ("codup/odoo-ru", "3eb928402e8ef6a1dd784bf026ec442dbf573473", "AGPL-3.0")
ETERIN = ("e-terin/torg12", "68c4067182916528477d978c663434c9ec0070ed", "MIT")
ARTLINE = ("Georgeals/odooappsfree", "01901f0824d23f5be7b8578636ecadb569ae385c", "LGPL-3.0")
UPD = ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "seller_name",
       "seller_address", "currency")
BILL = ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "seller_name", "currency")


@dataclass(frozen=True)
class Form:
    name: str
    doc_type: str
    render: Callable[[Deal], str] | Callable[[Deal, Path], None]  # HTML to print, or (XLSX) writes the PDF
    services: bool
    vat_rate: int
    printed: tuple[str, ...]  # the fields the form prints
    repository: tuple[str, str, str]  # owner/name, commit, licence
    path: str  # the template's path in its repository
    sole_trader: bool = False  # the seller an ИП (no КПП)


PLAN = (
    Form("tpl_invoice_salesman_01", "invoice", salesman("salesman_invoice.tpl", "на оплату"), False, 20,
         (*BILL, "vat"), SALESMAN, "cash/templates/invoice.tpl"),
    Form("tpl_invoice_salesman_02", "invoice", salesman("salesman_invoice.tpl", "на оплату"), True, 0, BILL,
         SALESMAN, "cash/templates/invoice.tpl"),
    Form("tpl_act_salesman_01", "act", salesman("salesman_akt_full.tpl", "Договору №"), True, 20,
         ("number", "date", "total", "vat", "seller_name"), SALESMAN, "cash/templates/akt_full.tpl"),
    Form("tpl_waybill_eterin_01", "waybill", eterin_torg12, False, 0,
         ("number", "date", "seller_inn", "buyer_inn", "total", "vat", "order_no", "seller_name", "seller_address",
          "currency"), ETERIN, "src/Templates/torg12.html"),  # its НДС column prints 0.00: a printed zero
    Form("tpl_invoice_salesman_03", "invoice", salesman("salesman_invoice_qr.tpl", "на оплату", True), False, 20,
         (*BILL, "vat"), SALESMAN, "cash/templates/invoice_qr.tpl"),  # the bill with its payment QR
    Form("tpl_act_salesman_02", "act", salesman("salesman_akt_simple.tpl", "", True), True, 20,
         ("number", "date", "buyer_inn", "total", "vat", "seller_name"), SALESMAN, "cash/templates/akt_simple.tpl"),
    Form("tpl_vat_invoice_salesman_01", "vat_invoice", salesman_schet_faktura, False, 20,
         ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "seller_name",
          "seller_address", "currency"), SALESMAN, "cash/templates/schet_faktura.xlsx"),  # XLSX and its PDF
    Form("tpl_act_salesman_03", "act", salesman("salesman_akt_prava.tpl", "Договору №"), True, 0,
         ("number", "date", "total", "seller_name"), SALESMAN, "cash/templates/akt_prava.tpl"),  # rights, no VAT
    Form("tpl_vat_invoice_zzapp_01", "vat_invoice", zzapp("zzapp_invoice.tpl"), True, 20,
         ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "seller_name",
          "seller_address", "currency"), ZZAPP, "priv/templates/ru/invoice.tpl"),  # a telecom's monthly one
    Form("tpl_act_zzapp_01", "act", zzapp("zzapp_act.tpl"), True, 20,
         ("number", "date", "total", "vat", "seller_name", "currency"), ZZAPP, "priv/templates/ru/act.tpl"),
    Form("tpl_invoice_zzapp_01", "invoice", zzapp("zzapp_aggregated_invoice.tpl"), True, 20,
         (*BILL, "vat", "seller_address"), ZZAPP, "priv/templates/ru/aggregated_invoice.tpl"),
    Form("tpl_waybill_codup_01", "waybill", codup("codup_report_bill.xml", True), False, 18,
         ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no", "seller_name",
          "seller_address", "currency"), CODUP, "l10n_ru_doc/report/report_bill.xml"),
    Form("tpl_vat_invoice_codup_01", "vat_invoice", codup("codup_report_invoice.xml", True), False, 18,
         ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "seller_name",
          "seller_address", "currency"), CODUP, "l10n_ru_doc/report/report_invoice.xml"),
    Form("tpl_act_codup_01", "act", codup("codup_report_act.xml"), True, 18,
         ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "seller_name",
          "seller_address", "currency"), CODUP, "l10n_ru_doc/report/report_act.xml"),
    Form("tpl_invoice_codup_01", "invoice", codup("codup_report_order.xml"), False, 18,
         (*BILL, "vat", "seller_address"), CODUP, "l10n_ru_doc/report/report_order.xml"),
    Form("tpl_vat_invoice_zzapp_02", "vat_invoice", zzapp("zzapp_invoice.tpl", agent=True), True, 20,
         ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "seller_name",
          "seller_address", "currency"), ZZAPP, "priv/templates/ru/invoice.tpl"),  # its agent's ИНН/КПП too
    Form("tpl_act_zzapp_02", "act", zzapp("zzapp_act.tpl", agent=True), True, 20,
         ("number", "date", "total", "vat", "seller_name", "seller_address", "currency"), ZZAPP,
         "priv/templates/ru/act.tpl"),  # the agent's preamble: the operator's address, the agent's attorney
    Form("tpl_invoice_codup_02", "invoice", codup("codup_report_order.xml"), False, 0,
         ("number", "date", "seller_inn", "buyer_inn", "total", "vat", "seller_name", "seller_address",
          "currency"), CODUP,
         "l10n_ru_doc/report/report_order.xml", sole_trader=True),  # an ИП's bill, «В том числе НДС 0,00»
    Form("tpl_waybill_codup_02", "waybill", codup("codup_report_bill.xml", True), False, 18,
         ("number", "date", "seller_inn", "buyer_inn", "total", "vat", "order_no", "seller_name",
          "seller_address", "currency"), CODUP, "l10n_ru_doc/report/report_bill.xml", sole_trader=True),
    # ArtLine's УПД (status 1, the 2021 form; its НДС rate printed as a fixed 20%): goods and services, of a
    # company and of a sole trader (ИП: «ИНН/КПП продавца: 123456789012/» with no КПП)
    Form("tpl_upd_artline_01", "upd", artline_utd(), False, 20, UPD, ARTLINE, "l10n_ru_utd/report/template.xml"),
    Form("tpl_upd_artline_02", "upd", artline_utd(), True, 20, UPD, ARTLINE, "l10n_ru_utd/report/template.xml"),
    Form("tpl_upd_artline_03", "upd", artline_utd(), True, 20, tuple(f for f in UPD if f != "seller_kpp"), ARTLINE,
         "l10n_ru_utd/report/template.xml", sole_trader=True),
    Form("tpl_upd_artline_04", "upd", artline_utd(), False, 20, tuple(f for f in UPD if f != "seller_kpp"), ARTLINE,
         "l10n_ru_utd/report/template.xml", sole_trader=True),
    # the goods delivered to another company (the consignee's ИНН and КПП printed above the buyer's)
    Form("tpl_upd_artline_05", "upd", artline_utd(consignee=True), False, 20, UPD, ARTLINE,
         "l10n_ru_utd/report/template.xml"),
    Form("tpl_upd_artline_06", "upd", artline_utd(consignee=True), True, 20, UPD, ARTLINE,
         "l10n_ru_utd/report/template.xml"),
)


def truth(d: Deal, printed: tuple[str, ...]) -> dict[str, str]:
    values = {"number": d.number, "date": d.day.isoformat(), "seller_inn": d.seller.inn,
              "seller_kpp": d.seller.kpp or "", "buyer_inn": d.buyer.inn, "total": f"{d.total:.2f}",
              "buyer_kpp": d.buyer.kpp or "", "vat": f"{d.vat:.2f}", "seller_name": d.seller.name,
              "seller_address": d.seller.address,
              "order_no": d.number, "currency": "RUB"}
    return {name: values[name] for name in printed}


TOPAGE = "\u2063pages\u2063"  # a report's «of N pages», filled once the PDF is printed and its pages counted


def print_pdf(page: str, out: Path) -> None:
    if TOPAGE in page:
        import pypdfium2 as pdfium

        print_pdf(page.replace(TOPAGE, "1"), out)
        page = page.replace(TOPAGE, str(len(pdfium.PdfDocument(out))))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(page, encoding="utf-8")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", src.as_uri()], check=True, capture_output=True, timeout=120)


def main(only: list[str]) -> int:
    for form in PLAN:
        if only and not any(word in form.name for word in only):
            continue
        d = deal(random.Random(f"{SEED}:{form.name}"), services=form.services, vat_rate=form.vat_rate,
                 sole_trader=form.sole_trader)
        if form.repository is ZZAPP:
            d = month_end(d)
        if form.path.endswith(".xlsx"):
            form.render(d, HERE / f"{form.name}.pdf")  # type: ignore[call-arg]
        else:
            print_pdf(form.render(d), HERE / f"{form.name}.pdf")  # type: ignore[call-arg,arg-type]
        repository, commit, licence = form.repository
        source = {"kind": "template", "repository": repository, "path": form.path, "commit": commit,
                  "licence": licence, "filled_by": "bench/ru-dev/build_templates.py (samples/_data.py)",
                  "seed": SEED, "format": "pdf_text"}
        write_truth(form.name, form.doc_type, truth(d, form.printed), source)
        print(f"{form.name}.pdf  {form.doc_type}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
