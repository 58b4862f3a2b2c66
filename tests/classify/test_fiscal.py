"""A receipt's fiscal QR (54-ФЗ): exact values at confidence 1.0 that cross-check the print (generated codes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capture.types import PageText
from classify import analyse
from classify._fiscal import parse_fiscal_code

from .pagetext import text_page

PAYLOAD = "t=20260214T1607&s=204.90&fn=9960440300123456&i=7331&fp=2765116426&n=1"
SLIP = """ООО «Альфа»
КАССОВЫЙ ЧЕК / ПРИХОД
Хлеб 1 x 54.90 =54.90
Молоко 2 x 75.00 =150.00
ИТОГ =204.90
НАЛИЧНЫМИ =204.90
СУММА НДС 10% =18.63
ИНН 7707083893
ФН № 9960440300123456
ФД № 7331 ФП 2765116426
14.02.26 16:07"""


def test_a_fiscal_code_is_parsed() -> None:
    code = parse_fiscal_code(PAYLOAD)
    assert code is not None
    assert (code.date, code.total, code.fn_no, code.fd_no, code.fp) == (
        "2026-02-14", "204.90", "9960440300123456", "7331", "2765116426")
    other = parse_fiscal_code("t=20260214T160701&s=5&fn=9960440300123456&i=07&fp=12&n=2")
    assert other is not None and (other.total, other.fd_no) == ("5.00", "7")


@pytest.mark.parametrize("payload", [
    "finarchive:cover?outlet=SPB-01", "https://example.ru/?t=1", "t=2026&s=1&fn=1&i=1&fp=1",
    "t=20261399T1607&s=204.90&fn=9960440300123456&i=1&fp=1",  # no such day
])
def test_other_codes_are_not_fiscal(payload: str) -> None:
    assert parse_fiscal_code(payload) is None


def test_the_print_read_agrees_with_the_code() -> None:
    got = analyse([replace(text_page(SLIP), codes=(PAYLOAD,))], today=None)
    assert got.doc_type == "receipt"
    values = got.values()
    assert values["date"] == "2026-02-14" and values["total"] == "204.90"
    assert (values["fn_no"], values["fd_no"], values["fp"]) == ("9960440300123456", "7331", "2765116426")
    assert values["vat"] == "18.63" and values["cash_total"] == "204.90" and values["seller_inn"] == "7707083893"
    assert all(got.fields[n].confidence == 1.0 for n in ("date", "total", "fn_no", "fd_no", "fp"))
    assert not [p for p in got.problems if p.code == "qr_mismatch"]


def test_the_print_read_otherwise_goes_to_review_with_both_values() -> None:
    misread = SLIP.replace("ИТОГ =204.90", "ИТОГ =284.90").replace("НАЛИЧНЫМИ =204.90", "НАЛИЧНЫМИ =284.90")
    got = analyse([replace(text_page(misread), codes=(PAYLOAD,))])
    assert got.values()["total"] == "204.90" and got.fields["total"].confidence == 1.0
    assert got.needs_review
    [problem] = [p for p in got.problems if p.code == "qr_mismatch"]
    assert "204.90" in problem.message and "284.90" in problem.message


def test_a_photo_of_the_code_alone_is_a_receipt() -> None:
    got = analyse([PageText(1, 1000, 1000, (), codes=(PAYLOAD,))])
    assert got.doc_type == "receipt"
    assert {k: got.values()[k] for k in ("date", "total", "fn_no", "fd_no", "fp")} == {
        "date": "2026-02-14", "total": "204.90", "fn_no": "9960440300123456", "fd_no": "7331", "fp": "2765116426"}


def test_a_printed_zero_total_is_a_value() -> None:
    got = analyse([text_page("Счет на оплату № 5 от 04.03.2026\nПоставщик: ООО «Альфа»\nВсего к оплате: 0 руб.")])
    assert got.values().get("total") == "0.00"


def test_the_page_reader_carries_the_code(tmp_path: Path) -> None:
    """A real image with a real QR code read by the real page work unit (zxing-cpp, tesseract)."""
    import zxingcpp

    from capture.read import read_page
    from capture.types import PageJob

    code = np.asarray(zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(
        PAYLOAD, zxingcpp.BarcodeFormat.QRCode), scale=8))
    sheet = Image.new("L", (1200, 1600), 255)
    sheet.paste(Image.fromarray(code), (300, 500))
    path = tmp_path / "qr.png"
    sheet.save(path, dpi=(300, 300))
    page = read_page(PageJob(str(path), "image", 0)).page
    assert page.codes == (PAYLOAD,)
    assert analyse([page]).values()["fp"] == "2765116426"


def test_a_shift_reports_document_counts_are_no_fd_number() -> None:
    z = """ООО «Альфа»
ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ
Смена № 12
ФД за смену 125
НЕПЕРЕДАННЫХ ФД 4
ФД НЕ ПЕРЕДАНЫ С --
ФН: 9960440300123456
ФД: 11367
ФП: 3295508777"""
    got = analyse([text_page(z)]).values()
    assert got["fd_no"] == "11367" and got["fn_no"] == "9960440300123456"


def test_fiscal_numbers_after_a_stray_mark_and_no_cash_in_a_cashier() -> None:
    slip = "Beta Shop\nRECEIPT\nCashier 806\nTOTAL 10.00\nVISA 10.00\nФД у '24976\nФП: 2765116426"
    got = analyse([text_page(slip)]).values()
    assert got["fd_no"] == "24976" and got["fp"] == "2765116426"
    assert "cash_total" not in got


def test_a_bill_that_charged_vat_on_the_total_gives_the_vat_for_review() -> None:
    bill = ("Счет на оплату № 7 от 04.03.2026\nПоставщик: ИП Петров П. П.\nИтого: 1000.00\n"
            "В том числе НДС: 200.00\nВсего к оплате: 1000.00")
    got = analyse([text_page(bill)])
    assert got.values()["vat"] == "200.00"  # as printed: 20 % of the total, not the 166.67 it includes
    assert got.needs_review and any(p.code == "vat_arithmetic" for p in got.problems)


def test_an_items_vat_alone_is_no_receipts_vat() -> None:
    slip = "ООО «Альфа»\nКАССОВЫЙ ЧЕК\nХлеб =5000.00\nНДС 10% =4.55\nИТОГ =5000.00"
    assert "vat" not in analyse([text_page(slip)]).values()  # 4.55 can be no VAT of 5000.00


# -- the print when OCR lost its labels (made-up registers, numbers and INNs) --------------------------------
Z_FOOTER = """ООО «Альфа»
ИНН 7707083893
ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ
Смена № :
Дата, время 14.02.2026 21:04
СУММА ПРИХОДА 15400,00
НАЛИЧНЫМИ 5400,00
БЕЗНАЛИЧНЫМИ 10000,00
РН ККТ: 0001234567890123
3H KKT: 00106707845123
{fn} 9960440300123456
{fd} 4821
{fp} 2765116426"""


@pytest.mark.parametrize(("fn", "fd", "fp"), [("ae", "on:", "oa"), ("", ":", ""), ("ФН:", "ФД:", "ФП:"),
                                              ("oH: °", "on:", "on: ,")])  # a speck read as a mark by the label
def test_fiscal_numbers_by_their_order_under_the_registers_numbers(fn: str, fd: str, fp: str) -> None:
    got = analyse([text_page(Z_FOOTER.format(fn=fn, fd=fd, fp=fp))]).values()
    assert (got["fn_no"], got["fd_no"]) == ("9960440300123456", "4821")
    assert "shift_no" not in got  # «Смена №» over the date's row: the day is no shift number


def test_the_footers_order_stops_at_a_row_of_another_kind() -> None:
    text = Z_FOOTER.format(fn="ФН:", fd="", fp="").replace("\n 4821", "\nСпасибо за покупку 4821")
    got = analyse([text_page(text)]).values()
    assert got["fn_no"] == "9960440300123456" and "fd_no" not in got


def test_a_letterhead_inn_whose_label_was_lost() -> None:
    slip = "ООО «Альфа»\nг. Москва, ул. Новая, д. 1\n7707083893\nКАССОВЫЙ ЧЕК\nПРИХОД\nИТОГ =204.90\nНАЛИЧНЫМИ =204.90"
    assert analyse([text_page(slip)]).values()["seller_inn"] == "7707083893"
    # ten digits that fail the INN's check digits are no INN
    assert "seller_inn" not in analyse([text_page(slip.replace("7707083893", "7707083894"))]).values()


def test_receipt_vat_rows_with_nds_read_as_hac() -> None:
    slip = SLIP.replace("СУММА НДС 10% =18.63", "СУММА НДС 20% =20.00\nСУММА HAC 10% =4.55")
    assert analyse([text_page(slip)]).values()["vat"] == "24.55"


def test_a_slip_of_two_rates_passes_the_vat_check_and_the_qrs_total_stays_exact() -> None:
    """НДС 20% and 10% on one slip: the VAT is their sum, no single rate's share of the total."""
    slip = SLIP.replace("СУММА НДС 10% =18.63", "СУММА НДС 20% =9.15\nСУММА НДС 10% =13.64")
    got = analyse([replace(text_page(slip), codes=(PAYLOAD,))], today=None)
    assert got.values()["vat"] == "22.79"
    assert "vat_arithmetic" not in {p.code for p in got.problems}
    assert got.fields["total"].confidence == 1.0
