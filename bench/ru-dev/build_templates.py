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


def deal(rng: random.Random, *, services: bool, vat_rate: int) -> Deal:
    seller = party(rng)
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


SALESMAN = ("vladandreevg/salesmancrm", "ae5bba571b5b3ee87071fb1e7d35967af6fdd5b8", "Apache-2.0")
ETERIN = ("e-terin/torg12", "68c4067182916528477d978c663434c9ec0070ed", "MIT")
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
)


def truth(d: Deal, printed: tuple[str, ...]) -> dict[str, str]:
    values = {"number": d.number, "date": d.day.isoformat(), "seller_inn": d.seller.inn,
              "seller_kpp": d.seller.kpp or "", "buyer_inn": d.buyer.inn, "total": f"{d.total:.2f}",
              "buyer_kpp": d.buyer.kpp or "", "vat": f"{d.vat:.2f}", "seller_name": d.seller.name,
              "seller_address": d.seller.address,
              "order_no": d.number, "currency": "RUB"}
    return {name: values[name] for name in printed}


def print_pdf(page: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(page, encoding="utf-8")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", src.as_uri()], check=True, capture_output=True, timeout=120)


def main(only: list[str]) -> int:
    for form in PLAN:
        if only and not any(word in form.name for word in only):
            continue
        d = deal(random.Random(f"{SEED}:{form.name}"), services=form.services, vat_rate=form.vat_rate)
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
