"""Kinds of date and total lines a till slip prints, beyond those the benchmarks' tuning halves show: a total led
in by dots, its point read twice, Malay and Indonesian labels and month names, a net amount payable, and a slip's
other dates (a reprint's, a card's expiry) that are not the sale's. Shops, streets and amounts are invented."""

from __future__ import annotations

import pytest

from classify import extract_fields
from tests.classify.pagetext import text_page

HEAD = "KEDAI SERBANEKA QUIXALO\nNO 12 JALAN CEMPAKA 4\n47000 BANDAR CONTOH\n"
ITEMS = "SABUN CUCI 2 x 4.20 8.40\nBERAS WANGI 1 x 23.15 23.15\n"


def _fields(text: str) -> dict[str, str]:
    return {k: v.value for k, v in extract_fields("receipt", [text_page(text)]).items()}


@pytest.mark.parametrize(("row", "total"), [
    ("TOTAL ....... 31.55", "31.55"),
    ("TOTAL......31.55", "31.55"),
    ("GRAND TOTAL: . . . . RM 31.55", "31.55"),
    ("TOTAL ____ 31.55", "31.55"),
    ("TOTAL 31..55", "31.55"),  # the point read twice
    ("JUMLAH 31.55", "31.55"),
    ("JUMLAH KESELURUHAN (RM) 31.55", "31.55"),
    ("Jumlah Perlu Dibayar: 31.55", "31.55"),
    ("TOTAL BAYAR 31.55", "31.55"),
    ("Net Amount Payable 31.55", "31.55"),
    ("NETT PAYABLE RM31.55", "31.55"),
])
def test_total_labels_and_leaders_of_other_slips(row: str, total: str) -> None:
    assert _fields(HEAD + "Date: 06/11/2019 17:40\n" + ITEMS + row + "\nTERIMA KASIH\n").get("total") == total


def test_a_malay_subtotal_and_cash_rows_are_no_total() -> None:
    text = HEAD + ITEMS + "JUMLAH KECIL 29.77\nGST 6% 1.78\nJUMLAH 31.55\nTUNAI 50.00\nBAKI 18.45\n"
    assert _fields(text)["total"] == "31.55"
    # no total printed: the cash less the change given back, where that amount is printed
    text = HEAD + "BERAS WANGI 1 x 31.55 31.55\nTUNAI 50.00\nBAKI 18.45\n"
    assert _fields(text).get("total") == "31.55"


@pytest.mark.parametrize(("row", "iso"), [
    ("Tarikh: 06 Mac 2019", "2019-03-06"),
    ("Tarikh : 21 Ogos 2018 10:02", "2018-08-21"),
    ("Date: 9 Dis 2019", "2019-12-09"),
    ("Tanggal: 2 Agustus 2019", "2019-08-02"),
    ("Tanggal 17-Des-2019 08:15", "2019-12-17"),
    ("Date: 30 Disember 2018", "2018-12-30"),
])
def test_malay_and_indonesian_dates(row: str, iso: str) -> None:
    assert _fields(HEAD + row + "\n" + ITEMS + "TOTAL 31.55\n")["date"] == iso


@pytest.mark.parametrize("other", [
    "REPRINT 11/12/2019 09:30",
    "Printed on 11/12/2019 09:30",
    "Exp Date: 11/12/2021",
    "Voucher valid until 11/12/2019",
    "Member since 11/12/2015",
])
def test_a_slips_other_dates_are_not_the_sales(other: str) -> None:
    text = HEAD + other + "\n06/11/2019 17:40\n" + ITEMS + "TOTAL 31.55\n"
    assert _fields(text)["date"] == "2019-11-06"
    text = HEAD + "Date: 06/11/2019 17:40\n" + ITEMS + "TOTAL 31.55\n" + other + "\n"
    assert _fields(text)["date"] == "2019-11-06"


@pytest.mark.parametrize(("rows", "total"), [
    ("TOTAL (2 ITEMS) 31.55", "31.55"),  # the count of items inside the total's label
    ("TOTAL 2 ITEM(S) RM 31.55", "31.55"),
    ("Amt Due 31.55", "31.55"),
    ("AMT PAYABLE: 31.55", "31.55"),
    ("Amount to pay 31.55", "31.55"),
    ("SUB-TOTAL 33.55\nDISCOUNT 2.00\nTOTAL AFTER DISCOUNT 31.55", "31.55"),
    ("GRAND TOTAL\nRM 31.55", "31.55"),  # the label over its amount
    ("TOTAL GST\n1.79\nTOTAL\n31.55", "31.55"),
    ("SUB TOTAL\n29.76\nTOTAL TAX\n1.79", None),  # a subtotal's or a tax's label over its amount is no total
])
def test_more_total_rows(rows: str, total: str | None) -> None:
    assert _fields(HEAD + "Date: 06/11/2019 17:40\n" + ITEMS + rows + "\n").get("total") == total


def test_a_count_of_items_alone_and_a_tables_heading_are_no_total() -> None:
    assert _fields(HEAD + "Qty Description Total\n" + ITEMS + "TOTAL (2 ITEMS)\n").get("total") is None
    assert _fields(HEAD + "Item Qty Total\nBERAS WANGI 1 23.15\n").get("total") is None


def test_an_address_with_a_letter_read_as_a_digit_is_left_out_not_given_wrong() -> None:
    top = "QUIXALO TRADING SDN BHD\n"
    rest = "47000 Bandar Zelmora\nDate: 06/11/2019 17:40\n" + ITEMS + "TOTAL 31.55\n"
    assert "Vortena 4" in _fields(top + "No 15 Jalan Vortena 4\n" + rest).get("seller_address", "")
    # its town's last letter read as a digit of its shape («Zelmorg» as «Zelmor9»): absent, not given wrong
    assert "seller_address" not in _fields(top + "No 15 Jalan Vortena 4\n47000 Bandar Zelmor9\n" + rest[21:])


@pytest.mark.parametrize("row", ["TOT AL 31.55", "T O T A L 31.55", "AMOUNTDUE 31.55"])
def test_a_total_label_read_with_a_space_inside_or_its_words_run_together(row: str) -> None:
    assert _fields(HEAD + "Date: 06/11/2019 17:40\n" + ITEMS + row + "\n").get("total") == "31.55"


def test_a_date_printed_year_first_with_no_separator_before_the_time() -> None:
    assert _fields(HEAD + "POS 3 20191106 17:40\n" + ITEMS + "TOTAL 31.55\n")["date"] == "2019-11-06"


@pytest.mark.parametrize(("row", "total"), [
    ("TOTAL RMl9.35", "19.35"),  # its 1 read as l after the currency glued to it
    ("TOTAL RM I9.35", "19.35"),
    ("TOTAL RN19.35", "19.35"),  # the currency's M read as N
    ("TOTAL S19.35", None),  # a dollar sign or a five: not known
])
def test_a_total_glued_to_its_misread_currency(row: str, total: str | None) -> None:
    assert _fields(HEAD + ITEMS + row + "\n").get("total") == total


@pytest.mark.parametrize("misread", ["4D700 Bandar Zelmora", "LOT 2E67-A Jalan Vortena 4"])
def test_an_address_with_a_letter_inside_a_number_is_left_out(misread: str) -> None:
    top = "QUIXALO TRADING SDN BHD\nNo 15G Jalan Vortena 4\n"
    rest = "\nDate: 06/11/2019 17:40\n" + ITEMS + "TOTAL 31.55\n"
    assert "seller_address" in _fields(top + "47000 Bandar Zelmora" + rest)  # a unit's letter at its end: «15G»
    assert "seller_address" not in _fields(top + misread + rest)


EUROPEAN = ("BAECKEREI QUIXALO\nVORTENASTR 5\n12345 ZELMORA\nDatum: 06.11.2019 17:40\n"
            "BROT 1 x 8,40 8,40\nKAFFEE 1 x 23,15 23,15\n")


@pytest.mark.parametrize(("rows", "total"), [
    ("SUMME EUR 31,55", "31.55"),
    ("Zwischensumme 29,49\nMwSt 7% 2,06\nSumme 31,55\nMwSt-Summe 2,06", "31.55"),
    ("GESAMT 31,55 EUR\nBar 50,00\nRückgeld 18,45", "31.55"),
    ("Zu zahlen 31,55", "31.55"),
    ("A PAYER 31,55\nEspèces 50,00\nRendu 18,45", "31.55"),
    ("Montant dû 31,55", "31.55"),
    ("Te betalen 31,55", "31.55"),
    ("SUMA PLN 31,55", "31.55"),
])
def test_european_slips_total_labels(rows: str, total: str) -> None:
    got = _fields(EUROPEAN + rows + "\n")
    assert (got.get("total"), got.get("date")) == (total, "2019-11-06")


@pytest.mark.parametrize(("row", "iso"), [
    ("Data: 6 ottobre 2019", "2019-10-06"),
    ("6 gennaio 2020 09:12", "2020-01-06"),
    ("Fecha: 6 enero 2019", "2019-01-06"),
    ("6 diciembre 2019", "2019-12-06"),
    ("Datum: 6 oktober 2019", "2019-10-06"),
    ("6 agosto 2019 17:40", "2019-08-06"),
])
def test_italian_spanish_and_dutch_month_names(row: str, iso: str) -> None:
    assert _fields(EUROPEAN.replace("Datum: 06.11.2019 17:40", row) + "SUMME 31,55\n")["date"] == iso


def test_a_word_on_a_slip_is_no_month() -> None:
    assert _fields(HEAD + "Date: 06/11/2019\n2 SET 20.00\n" + "TOTAL 20.00\n")["date"] == "2019-11-06"


def test_the_time_run_into_the_date_before_it_and_a_total_with_its_tax() -> None:
    assert _fields(HEAD + "10:4706/11/2019\n" + ITEMS + "TOTAL 31.55\n")["date"] == "2019-11-06"
    assert _fields(HEAD + "10:47:5206/11/2019\n" + ITEMS + "TOTAL 31.55\n")["date"] == "2019-11-06"
    assert _fields(HEAD + "Date: 06/11/2019\n" + ITEMS + "Total w/ GST 31.55\n").get("total") == "31.55"


def test_no_total_read_but_the_cash_and_the_change() -> None:
    # the total's row lost (or its label garbled past reading): the cash less the change is what was due
    got = extract_fields("receipt", [text_page(HEAD + ITEMS + "CASH 50.00\nCHANGE 18.45\n")])
    assert got["total"].value == "31.55" and got["total"].confidence < 0.7
    assert "total" not in _fields(HEAD + ITEMS + "CASH 50.00\n")  # no change printed: the cash may be more


@pytest.mark.parametrize(("row", "total"), [
    ("T0TAI 31.55", "31.55"),  # two of its capitals read as their look-alikes
    ("T0TA1: 31.55", "31.55"),
    ("GRAND T0TAI 31.55", "31.55"),
    ("SUB T0TAI 31.55", None),  # a subtotal so misread is still one
])
def test_total_read_with_more_than_one_capital_misread(row: str, total: str | None) -> None:
    assert _fields(HEAD + ITEMS + row + "\n").get("total") == total
