"""Till slips read askew and with their amounts misread: generated cases of each kind of OCR damage."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from capture.types import OcrWord, PageText
from classify import extract_fields
from classify._layout import page_rows

CHAR_W, LINE_H, PITCH = 14, 26, 28  # a till slip's small print: rows barely apart


def _slip(rows: list[tuple[str, str]], slope: float, *, middle: list[str] | None = None) -> PageText:
    """A slip of ``(label, amount)`` rows, each label at the left edge and its amount at the right, the
    whole page turned so that a row falls ``slope`` pixels per pixel of width, each line read as one box
    (as PP-OCR reads it) and every line its own block."""
    words: list[OcrWord] = []
    line = 0

    def put(x: int, y: int, text: str) -> None:
        nonlocal line
        dy = round(slope * (x + len(text) * CHAR_W / 2))
        cursor = x
        for word in text.split():
            width = len(word) * CHAR_W
            words.append(OcrWord(word, 0.95, (cursor, y + dy, cursor + width, y + dy + LINE_H), line, line))
            cursor += width + CHAR_W
        line += 1

    for n, (label, amount) in enumerate(rows):
        y = 40 + n * PITCH
        put(10, y, label)
        if middle and n < len(middle):
            put(260, y, middle[n])
        if amount:
            put(520 - len(amount) * CHAR_W, y, amount)
    return PageText(number=1, width=600, height=40 + len(rows) * PITCH + 60, words=tuple(words))


def _items(rng: random.Random, n: int) -> list[tuple[str, str]]:
    return [(f"ITEM {rng.randint(100, 999)}", f"{Decimal(rng.randint(100, 9999)) / 100:.2f}") for _ in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_a_slip_read_askew_pairs_each_label_with_its_own_amount(seed: int) -> None:
    """Amounts at the right edge half a row or more below (or above) their labels: the rows are grouped as
    the slip's slant runs, not by the band the amount happens to overlap most."""
    rng = random.Random(seed)
    items = _items(rng, rng.randint(4, 8))
    total = sum(Decimal(a) for _, a in items)
    cash = (total // 10 + 1) * 10
    tail = [("Sub Total", f"{total:.2f}"), ("Rounding Adj.", "0.00"), ("Total", f"{total:.2f}"),
            ("Payment Type", "CASH"), ("Cash", f"{cash:.2f}"), ("Change", f"{cash - total:.2f}")]
    slope = rng.choice((-1, 1)) * rng.uniform(0.022, 0.034)  # 14-20 px over the slip's 500 px: half a row
    p = _slip(items + tail, slope, middle=[f"*{rng.randint(1, 3)}" for _ in items])
    rows = {r.words[0].text: r.text for r in page_rows(p)}
    assert rows["Rounding"] == "Rounding Adj. 0.00"
    assert rows["Change"] == f"Change {cash - total:.2f}"
    assert extract_fields("receipt", [p])["total"].value == f"{total:.2f}"


def test_a_level_slip_and_a_lone_column_are_grouped_as_before() -> None:
    """No slant measured where no lines stand side by side, and none on a level slip."""
    rng = random.Random(7)
    items = _items(rng, 5)
    level = _slip(items, 0.0)
    assert [r.text for r in page_rows(level)] == [f"{label} {amount}" for label, amount in items]
    lone = _slip([(label, "") for label, _ in items], 0.03)
    assert [r.text for r in page_rows(lone)] == [label for label, _ in items]


def _slip_text(rng: random.Random, date_row: str, total_rows: list[str]) -> str:
    items = "\n".join(f"ITEM {rng.randint(100, 999)} {rng.randint(1, 3)} X {rng.randint(100, 9999) / 100:.2f}"
                      for _ in range(rng.randint(2, 5)))
    return "\n".join(["KEDAI MAJU SDN BHD", "NO 12 JALAN MAWAR 3", "TEL 03-1234567", date_row, items, *total_rows,
                      "THANK YOU"])


def _date(text: str) -> str | None:
    from tests.classify.pagetext import text_page

    got = extract_fields("receipt", [text_page(text)]).get("date")
    return got.value if got else None


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mark", ["-", "."])
def test_a_date_joined_to_its_time_by_a_mark_read_for_the_space(seed: int, mark: str) -> None:
    rng = random.Random(seed)
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2025)
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    stamp = f"{day:02d}/{month:02d}/{year}{mark}{hour:02d}:{minute:02d}"
    for row in (f"DATE : {stamp}", stamp, f"CASHIER 01 {stamp}"):
        assert _date(_slip_text(rng, row, ["TOTAL 9.90"])) == f"{year}-{month:02d}-{day:02d}"


@pytest.mark.parametrize("seed", range(4))
def test_the_minutes_of_a_time_before_a_month_first_date_are_no_day(seed: int) -> None:
    """«13:04 MAY 24 2018»: the 24th of May 2018, never the 4th of May 2024."""
    rng = random.Random(seed)
    day, month, year = rng.randint(13, 28), rng.randint(1, 12), rng.randint(2015, 2025)
    name = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")[month - 1]
    row = f"{rng.randint(10, 23)}:{rng.randint(0, 9):02d} {name} {day} {year}"
    assert _date(_slip_text(rng, row, ["TOTAL 9.90"])) == f"{year}-{month:02d}-{day:02d}"


@pytest.mark.parametrize("seed", range(8))
def test_a_surer_total_labels_amount_with_a_digit_read_as_a_letter_leaves_the_total_unknown(seed: int) -> None:
    """The amount due printed with one digit OCR read as a letter of no digit's shape, and nothing on the slip
    adding up to one reading of it: a weaker label's amount (a tax class's total) is not given as the total;
    it is flagged."""
    from tests.classify.pagetext import text_page

    rng = random.Random(seed)
    zero, rated = Decimal(rng.randint(1000, 4999)) / 100, Decimal(rng.randint(5000, 8999)) / 100
    due = f"{zero + rated + Decimal(rng.randint(1, 9)) / 10:.2f}"  # a third class not printed
    garbled = rng.choice("JKXW") + due[1:]
    rows = [f"Total 0% supplies: {zero:.2f}", f"Total 6% supplies (Inc. GST): {rated:.2f}", f"Total Payable: {garbled}"]
    got = extract_fields("receipt", [text_page(_slip_text(rng, "DATE: 01/02/2018", rows))]).get("total")
    assert got is None or got.confidence < 0.5
    rows[-1] = f"Total Payable: {due}"  # read whole, it is the total
    assert extract_fields("receipt", [text_page(_slip_text(rng, "DATE: 01/02/2018", rows))])["total"].value == due


@pytest.mark.parametrize("seed", range(8))
def test_a_total_with_a_digit_read_as_a_letter_is_the_reading_the_slips_arithmetic_gives(seed: int) -> None:
    """«Total Payable: J4.19» under the totals of two tax classes that add up to 94.19, or over cash and change
    that leave it: the one reading of the garbled amount the slip's own sums support is the total."""
    from tests.classify.pagetext import text_page

    rng = random.Random(seed)
    zero, rated = Decimal(rng.randint(1000, 4999)) / 100, Decimal(rng.randint(5000, 8999)) / 100
    due = f"{zero + rated:.2f}"
    at = rng.randrange(len(due) - 3)  # a digit of the units
    garbled = due[:at] + rng.choice("JKXW") + due[at + 1:]
    rows = [f"Total 0% supplies: {zero:.2f}", f"Total 6% supplies (Inc. GST): {rated:.2f}", f"Total Payable: {garbled}"]
    got = extract_fields("receipt", [text_page(_slip_text(rng, "DATE: 01/02/2018", rows))])["total"]
    assert (got.value, got.confidence >= 0.5) == (due, True)
    cash = Decimal(due) + Decimal(rng.randint(1, 2000)) / 100
    rows = [f"Sub Total: {rated:.2f}", f"Total Payable: {garbled}", f"CASH {cash:.2f}",
            f"CHANGE {cash - Decimal(due):.2f}"]
    got = extract_fields("receipt", [text_page(_slip_text(rng, "DATE: 01/02/2018", rows))])["total"]
    assert (got.value, got.confidence >= 0.5) == (due, True)


@pytest.mark.parametrize("seed", range(8))
def test_no_total_labelled_the_subtotal_and_its_tax_that_the_cash_handed_over_agrees_with(seed: int) -> None:
    """A slip with no total row: the subtotal plus the tax (a zero rate's too) under it, when the cash handed
    over with no change is that sum, is the total; a cash amount that agrees with no such sum gives none."""
    rng = random.Random(seed)
    sub = Decimal(rng.randint(100, 30000)) / 100
    tax = rng.choice([Decimal(0), (sub * Decimal("0.06")).quantize(Decimal("0.01"))])
    due = sub + tax
    rows = [f"SUBTOTAL RM{sub:.2f}", f"GST {'6' if tax else '0'}% RM{tax:.2f}", f"CASH RM{due:.2f}"]
    assert _total(_slip_text(rng, "01/02/2018 12:45", rows)) == f"{due:.2f}"
    rows[-1] = f"CASH RM{due + Decimal(rng.randint(1, 500)) / 100:.2f}"
    assert _total(_slip_text(rng, "01/02/2018 12:45", rows)) is None


def _total(text: str) -> str | None:
    from tests.classify.pagetext import text_page

    got = extract_fields("receipt", [text_page(text)]).get("total")
    return got.value if got and got.confidence >= 0.5 else None


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("label", ["Rounding Adj", "Roundlng Adj", "Rouding Adj", "R0unding", "Rnd Adj"])
@pytest.mark.parametrize("printed", ["-{}", "{}-", "({})"])
def test_the_rounding_line_with_its_minus_after_it_or_in_brackets_and_its_label_misread(
        seed: int, label: str, printed: str) -> None:
    """The adjustment printed "0.02-" or "(0.02)" takes off, as "-0.02" does; "rounding" read with a letter
    wrong or lost is still the rounding line."""
    rng = random.Random(seed)
    cents = rng.randint(1, 2)
    due = Decimal(rng.randint(200, 9000)) / 10  # rounded to five cents ...
    before = due + Decimal(cents) / 100  # ... from a total a cent or two over
    rows = [f"Total Sales (Incl GST) {before:.2f}", f"{label} {printed.format(f'0.0{cents}')}", "Cash 100.00"]
    assert _total(_slip_text(rng, "DATE: 01/02/2018", rows)) == f"{due:.2f}"


@pytest.mark.parametrize("seed", range(6))
def test_a_total_with_a_one_read_as_i_or_l(seed: int) -> None:
    rng = random.Random(seed)
    amount = f"1{rng.randint(0, 9)}.{rng.randint(0, 99):02d}"
    read = rng.choice("Il") + amount[1:]
    assert _total(_slip_text(rng, "DATE: 01/02/2018", [f"TOTAL: {read}"])) == amount
    assert _total(_slip_text(rng, "DATE: 01/02/2018", [f"TOTAL: {read[:2]}x{read[3:]}"])) is None  # no amount


@pytest.mark.parametrize("seed", range(8))
def test_the_total_label_off_a_faint_print_its_letters_strokes_lost(seed: int) -> None:
    """«IUIAL (GSI INLL) 4.50»: "TOTAL" with strokes lost (T read as I, O as U; classify/data/lookalikes.toml
    ``[faded]``) is still the total's label; "SUBIUIAL" above it is no total."""
    from classify._lookalikes import FADED

    rng = random.Random(seed)
    faint = "".join(FADED[ch] if ch in FADED and rng.random() < 0.7 else ch for ch in "TOTAL")
    due = Decimal(rng.randint(100, 20000)) / 100
    rows = [f"SUB{faint} {due + Decimal('0.01'):.2f}", f"{faint} {rng.choice(['', '(GSI INLL) ', ': '])}{due:.2f}",
            f"{''.join(FADED.get(ch, ch) for ch in 'CASH')} {due:.2f}"]
    assert _total(_slip_text(rng, "01/02/2018 12:45", rows)) == f"{due:.2f}"


@pytest.mark.parametrize("seed", range(8))
def test_a_cents_digit_read_as_a_letter_of_its_shape_is_that_digit(seed: int) -> None:
    """«28.1S», «12.5O»: a letter of a digit's shape (the shared look-alikes' [digits]) in the cents is that digit;
    never the amount with the digit dropped («28.10»)."""
    from classify._lookalikes import DIGIT_LETTERS

    rng = random.Random(seed)
    digit = rng.choice([d for d, v in DIGIT_LETTERS.items() if any(ch.isalpha() and ch.isascii() for ch in v)])
    letter = rng.choice([ch for ch in DIGIT_LETTERS[digit] if ch.isalpha() and ch.isascii()])
    units, first = rng.randint(1, 300), rng.randint(0, 9)
    due = f"{units}.{first}{digit}"
    assert _total(_slip_text(rng, "01/02/2018 12:45", [f"TOTAL RM{units}.{first}{letter}"])) == due


@pytest.mark.parametrize("seed", range(8))
def test_a_number_cut_short_by_a_letter_read_for_a_digit_is_no_amount(seed: int) -> None:
    """«TOTAL RM 3D.00», «CASH : 1g0.80»: a digit read as a letter of no digit's shape cuts the number; what is
    left before it («3», «1») is no amount, so no total is given (and none is made from the cash)."""
    rng = random.Random(seed)
    units = rng.randint(10, 999)
    text = str(units)
    at = rng.randrange(1, len(text))
    garbled = text[:at] + rng.choice("DgKW") + text[at + 1:]
    rows = [f"TOTAL RM {garbled}.{rng.randint(0, 99):02d}", f"CASH RM {garbled}.00"]
    assert _total(_slip_text(rng, "01/02/2018 12:45", rows)) is None


@pytest.mark.parametrize("seed", range(8))
def test_a_cashiers_row_and_a_time_are_no_cash_handed_over(seed: int) -> None:
    """«CASHIER : USER TIME: 10:50:00» over «CHANGE : 0.00»: neither the cashier's row nor a time of day is the
    cash tendered, so cash less change makes no total of the hour."""
    from classify.normalise import find_amounts

    rng = random.Random(seed)
    hour, minute = rng.randint(1, 23), rng.randint(0, 59)
    assert find_amounts(f"TIME: {hour}:{minute:02d}:00") == []
    due = Decimal(rng.randint(100, 9999)) / 100
    rows = [f"CASHIER : USER TIME: {hour}:{minute:02d}:00", f"TOTAL : {due:.2f}", "CHANGE : 0.00"]
    assert _total(_slip_text(rng, "01/02/2018", rows)) == f"{due:.2f}"


@pytest.mark.parametrize("seed", range(6))
def test_a_till_slips_misread_date_is_read_whatever_type_the_slip_was_given(seed: int) -> None:
    """A slip headed «TAX INVOICE» typed an invoice: with the cash and the change printed it is a till slip, and its
    date read with a separator lost or misread at the bottom, the time after it or alone on its row, is read."""
    from tests.classify.pagetext import text_page

    rng = random.Random(seed)
    day, month, year = rng.randint(13, 28), rng.randint(1, 12), rng.randint(16, 19)
    clock = f"{rng.randint(1, 11):02d}:{rng.randint(0, 59):02d}PM"
    timed_first = f"{clock} {rng.randint(1000, 9999)} {day:02d}{month:02d}-{year}"
    row = rng.choice([timed_first, f"{day:02d};{month:02d};{year} {rng.randint(10, 23)}:05"])
    due = Decimal(rng.randint(100, 9999)) / 100
    text = "\n".join(["KEDAI MAJU SDN BHD", "TAX INVOICE", f"INVOICE NO : {rng.randint(1000, 9999)}",
                      f"TOTAL SALES (INCLUSIVE GST) RM {due:.2f}", f"CASH RM {due + 1:.2f}", "CHANGE RM 1.00", row,
                      "THANK YOU"])
    got = extract_fields("invoice", [text_page(text)])["date"]
    assert (got.value, got.confidence >= 0.5) == (f"20{year}-{month:02d}-{day:02d}", True)


@pytest.mark.parametrize("seed", range(6))
def test_a_code_read_as_a_date_after_today_is_passed_over_for_the_slips_date(seed: int) -> None:
    """«HA06HD01-3 - 70» reads as a date of 2070: no document is dated after today, so the slip's own date below
    it (misread, its time after it) is the date."""
    rng = random.Random(seed)
    day, month = rng.randint(13, 28), rng.randint(1, 12)
    text = _slip_text(rng, f"ITEM HA{rng.randint(10, 99)}HD01-3 - {rng.randint(60, 99)}",
                      ["TOTAL 9.90", f"{day:02d};{month:02d};18 10:35 SH01"])
    assert _date(text) == f"2018-{month:02d}-{day:02d}"


@pytest.mark.parametrize("seed", range(8))
def test_a_tax_summarys_total_row_is_no_amount_due(seed: int) -> None:
    """«TOTAL : 10.94 0.66» under «GST SUMMARY»: the net and the tax charged on it at a VAT rate; with the amount
    due read in pieces («TOTAL 1 1.60») the total is not known, and the tax is never given for it."""
    rng = random.Random(seed)
    net = Decimal(rng.randint(500, 30000)) / 100
    tax = (net * Decimal("0.06")).quantize(Decimal("0.01"))
    due = f"{net + tax:.2f}"
    rows = [f"TOTAL {due[0]} {due[1:]}", "GST SUMMARY", f"TOTAL : {net:.2f} {tax:.2f}"]
    assert _total(_slip_text(rng, "01/02/2018 12:45", rows)) is None


@pytest.mark.parametrize("seed", range(8))
def test_a_rounding_row_whose_amount_was_lost_makes_the_cash_less_change_the_total(seed: int) -> None:
    """«Total (Incl GST) RM14.18» over «ROUNDING» and «GRAND TOTAL» with their amounts lost, then the cash and
    the change: the cash less the change, a rounding off the labelled total, is the total as rounded."""
    rng = random.Random(seed)
    due = Decimal(rng.randint(100, 9999)) * 5 / 100
    before = due + Decimal(rng.choice([-2, -1, 1, 2])) / 100
    cash = due + Decimal(rng.randint(1, 2000)) / 100
    rows = [f"TOTAL (INCL GST) RM{before:.2f}", "ROUNDING", "GRAND TOTAL", f"CASH RM{cash:.2f}",
            f"CHANGE RM{cash - due:.2f}"]
    assert _total(_slip_text(rng, "01/02/2018 12:45", rows)) == f"{due:.2f}"


@pytest.mark.parametrize("seed", range(8))
def test_a_misread_date_under_its_label_with_the_time_after_it_is_sure(seed: int) -> None:
    """«DATE TIME NUM POS» over «2006/18 00:05 90554»: a date under its label with a separator lost, the sale's time
    after it, is given (not left out as unsure)."""
    from tests.classify.pagetext import text_page

    rng = random.Random(seed)
    day, month, year = rng.randint(13, 28), rng.randint(1, 12), rng.randint(16, 19)
    rows = ["DATE TIME NUM POS", (f"{day:02d}{month:02d}/{year} {rng.randint(10, 23)}:{rng.randint(0, 59):02d} "
            f"{rng.randint(10000, 99999)}"), "TOTAL 9.90"]
    got = extract_fields("receipt", [text_page("\n".join(["KEDAI MAJU SDN BHD", "NO 12 JALAN MAWAR 3", *rows]),
                                               confidence=0.85)])["date"]
    assert (got.value, got.confidence >= 0.5) == (f"20{year}-{month:02d}-{day:02d}", True)
