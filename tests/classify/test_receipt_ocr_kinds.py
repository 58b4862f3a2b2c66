"""A till slip's date and total through the kinds of error OCR makes on them (those bench/perturb.py measures): each
kind is read right or left out and flagged, never given wrong. Slips, shops and amounts are generated: the date and
the total of each case are drawn from a seed, the rows around them are invented."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

import classify
from archive.reading import settle
from tests.classify.pagetext import text_page

HEAD = "ZELVORA QUINTAMART SDN BHD\nLOT 7 JALAN PRELUVA 3\n43000 BANDAR OSKETI\nTAX INVOICE\n"


def _given(text: str) -> dict[str, str]:
    """What `extract` gives: a field read unsurely is left out (archive.reading.settle)."""
    return settle(classify.analyse([text_page(text)], hints={"doc_type": "receipt"})).extraction.values()


def _cases(seed: int, n: int = 6) -> list[tuple[date, Decimal]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = date(2017, 1, 1) + timedelta(days=rng.randrange(900))
        out.append((day, Decimal(rng.randrange(300, 30000)).scaleb(-2)))
    return out


def _slip(date_row: str, total_rows: str, total: Decimal | None = None) -> str:
    items = "VORLIX PASTE 2 x 3.10 6.20\nTELMO SPREAD 1 x 12.90 12.90\nKARVO CRISP 1 x 2.85 2.85\n"
    return HEAD + date_row + "\nCashier: 04\n" + items + total_rows + "\nTHANK YOU\n"


# -- dates -----------------------------------------------------------------------------------------
def test_a_labelled_date_with_a_mark_lost_is_not_read_from_the_time_after_it() -> None:
    for day, _ in _cases(71):
        row = f"Date : {day:%d/%m}{day:%Y} 08.18.00"  # the time printed with points after a date that lost a mark
        assert _given(_slip(row, "TOTAL 21.95")).get("date") in (day.isoformat(), None)
        assert _given(_slip(row, "TOTAL 21.95")).get("date") == day.isoformat()


def test_a_date_with_a_letter_of_a_digits_shape_in_its_month() -> None:
    for day, _ in _cases(72):
        month = f"{day.month:02d}".replace("1", "I").replace("0", "O")
        row = f"07:49PM 5630 {day:%d}-{month}-{day:%y}"
        assert _given(_slip(row, "TOTAL 21.95")).get("date") in (day.isoformat(), None)


def test_a_two_digit_year_before_the_time_is_not_the_time() -> None:
    for day, _ in _cases(73):
        row = f"{day.day} {day:%b} {day:%y} 08:34:31 PM"
        assert _given(_slip(row, "TOTAL 21.95")).get("date") == day.isoformat()


def test_a_day_with_a_space_read_inside_it_is_not_read() -> None:
    for day, _ in _cases(74):
        if day.day < 10:
            continue
        row = f"{str(day.day)[0]} {str(day.day)[1]} {day:%b} {day:%Y} 18:18"  # the 12th or the 2nd: not known
        assert _given(_slip(row, "TOTAL 21.95")).get("date") in (day.isoformat(), None)


@pytest.mark.parametrize("misread", ["DEG", "JAM", "N0V", "SEF"])
def test_a_months_name_with_one_letter_misread_is_the_one_month_it_can_be(misread: str) -> None:
    month = {"DEG": 12, "JAM": 1, "N0V": 11, "SEF": 9}[misread]
    row = f"Date: 14 {misread} 2018 10:05"
    assert _given(_slip(row, "TOTAL 21.95")).get("date") == date(2018, month, 14).isoformat()


def test_amounts_read_apart_are_no_date() -> None:
    text = HEAD + "Cashier: 04\nVORLIX PASTE 24.95 .00\nTOTAL 24.95\nCASH 50.00\nCHANGE 25.05\n"
    assert _given(text).get("date") is None


def test_a_day_whose_second_digit_was_lost_is_no_date() -> None:
    for row in ("1 -06-2018 KAUNTER 2", "1 -06-2018", "1 /06/2018 14:07"):  # beside words, alone, before the time
        text = HEAD + "Cashier: 04\nVORLIX PASTE 6.20\nTOTAL 6.20\nCASH 10.00\nCHANGE 3.80\n" + row + "\n"
        assert _given(text).get("date") is None


# -- totals ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("label", ["T0TAL", "TOTA1", "TOTAI", "Tota", "Grand Tota", "Tota1 Payable:"])
def test_a_misread_total_label_is_the_label(label: str) -> None:
    for day, total in _cases(81, 3):
        rows = f"Total 0% supplies: 1.05\n{label} {total}"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", rows)).get("total") == f"{total}"


def test_a_total_whose_point_was_lost_is_read_by_the_cash_and_change_or_left_out() -> None:
    for day, total in _cases(82):
        lost = f"{total}".replace(".", "")
        cash = (total // 10 + 1) * 10
        paid = f"TOTAL RM {lost}\nCASH RM {cash:.2f}\nCHANGE RM {cash - total:.2f}"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", paid)).get("total") == f"{total}"
        alone = f"TOTAL RM {lost}\nCASH RM {cash:.2f}"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", alone)).get("total") is None


def test_a_total_with_a_space_inside_its_units_is_read_by_the_cash_or_left_out() -> None:
    for day, total in _cases(83):
        if total < 10:
            continue
        units, cents = f"{total}".split(".")
        spaced = f"{units[:-1]} {units[-1]}.{cents}"
        rows = f"Total Sales 0.00\nNet Total Rounded (MYR): {spaced}"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", rows + f"\nCash {total}\nChange 0.00")).get("total") == f"{total}"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", rows)).get("total") is None


def test_a_garbled_total_is_not_outvoted_by_the_cash_less_the_change() -> None:
    for day, total in _cases(84):
        if total < 10:
            continue
        garbled = ("Z" if f"{total}"[0] != "2" else "Q") + f"{total}"[1:]  # a letter of no digit's shape or another's
        rows = f"Total Sales (Inclusive GST) RM {garbled}\nCASH RM 500.00\nCHANGE RM 10"  # the change's cents lost
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", rows)).get("total") in (f"{total}", None)


def test_a_total_split_under_a_label_with_its_currency() -> None:
    for day, total in _cases(85):
        rows = f"Total Sales (Inclusive GST) RM\n{total}\nCASH RM {total + 1:.2f}\nCHANGE RM 1.00"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", rows)).get("total") == f"{total}"


def test_a_garbled_total_that_reads_as_the_labelled_one_or_the_cash_handed_over_is_that_amount() -> None:
    for day, total in _cases(86):
        text = f"{total}"
        shaped = text.replace("8", "B").replace("0", "D").replace("2", "Z").replace("5", "S").replace("6", "b")
        if shaped == text:
            continue
        twice = f"Total (Inclusive of GST): {total}\nTOTAL: {shaped}\nCASH : {total + 10:.2f}\nCHANGE : 10.00"
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", twice)).get("total") == text
        cash = f"TOTAL: {shaped}\nCASH : {total}"  # no change given: the cash handed over is the amount due
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", cash)).get("total") == text
        other = f"Total (Inclusive of GST): {total + 1:.2f}\nTOTAL: {shaped}"  # a reading of neither: not known
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", other)).get("total") is None


def test_a_total_past_reading_under_the_surest_label_is_not_outvoted_by_a_weaker_one() -> None:
    for day, total in _cases(87):
        if total < 10:
            continue
        part = (total / 3).quantize(Decimal("0.01"))
        above = f"Total 6% supplies (Inc. GST): {part}\nTotal 0% supplies: {total - part:.2f}\n"
        lost = "J" + f"{total}".replace(".", "")[1:]  # its point lost and its first digit read as a letter
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", above + f"Total Payable: {lost}")).get("total") in (
            f"{total}", None)
        units, cents = f"{total}".split(".")
        split = f"Total Payable:\n{units}.{cents[0]} {cents[1]}"  # the amount under its label, a space in its cents
        assert _given(_slip(f"Date: {day:%d/%m/%Y}", above + split)).get("total") == f"{total}"


def test_a_year_with_a_space_read_inside_it_before_the_time() -> None:
    for day, _ in _cases(75):
        for row in (f"{day:%d} {day:%b} 20 {day:%y} 18:07", f"{day:%d/%m}/20 {day:%y} 8:26:57 AM"):
            assert _given(_slip(row, "TOTAL 21.95")).get("date") == day.isoformat()


@pytest.mark.parametrize(("row", "iso"), [
    ("Date: 02 J4N 2018", "2018-01-02"),  # a capital A read as a 4
    ("09:06PM 5695 19 NAR 2018", "2018-03-19"),  # after the time of day, no label
    ("06:20PM 5680 20 FE8 2018", "2018-02-20"),
    ("19 NAR 2018", "2018-03-19"),  # alone on its row
])
def test_a_months_name_misread_on_a_row_of_its_own_or_after_the_time(row: str, iso: str) -> None:
    assert _given(_slip(row, "TOTAL 21.95")).get("date") == iso
