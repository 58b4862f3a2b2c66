"""Dates as OCR misreads them (classify/_dates.py), on generated slips with made-up shops and dates."""

from __future__ import annotations

import random

import pytest

from classify._dates import lone_date, misread_date, timed_dates
from classify.extract import make_doc, parse_misread_date
from classify.extract import find_date as _find_date
from classify.normalise import find_dates
from tests.classify.pagetext import text_page


def find_date(lines: list[str]) -> str | None:
    found = _find_date(make_doc([text_page("\n".join(lines))]), "receipt")
    return found.value if found and found.confidence >= 0.5 else None


def slip(date_line: str) -> list[str]:
    return ["PELICAN CORNER TRADING", "7 Quarry Lane, 90417 Westbrook", "TEL 555-0142", date_line,
            "Mint tea 2 4.20", "TOTAL 8.40", "THANK YOU"]


@pytest.mark.parametrize(("text", "iso"), [
    ("14,09/2023", "2023-09-14"),  # a separator read as a comma
    ("14:09:2023", "2023-09-14"),
    ("14'09/23", "2023-09-14"),
    ("14 09 2023", "2023-09-14"),  # both read as spaces
    ("14709/2023", "2023-09-14"),  # the first read as a seven
    ("14/0912023", "2023-09-14"),  # the second as a one
    ("1409/2023", "2023-09-14"),  # the first lost
    ("14/092023", "2023-09-14"),  # the second lost
    ("14092023", "2023-09-14"),  # both lost
    ("Z1/O3/2024", "2024-03-21"),  # digits read as letters of their shape
    ("21/0b/2024", "2024-06-21"),
    ("0g/11/2022", "2022-11-09"),
    ("2 1/03/2024", "2024-03-21"),  # a space read inside the day
    ("21/03/2 024", "2024-03-21"),  # and inside the year
])
def test_misread_date_after_a_label(text: str, iso: str) -> None:
    got = parse_misread_date(" " + text + " 10:41")
    assert got is not None and got[0] == iso
    assert misread_date(text) is not None


@pytest.mark.parametrize("text", [
    "31/02/2024",  # no such day
    "14/13/2023",  # no such month
    "INV 4417/88",  # a number, not a date
    "1234567",
    "14/09/1987",  # not a date of this century
])
def test_not_a_date(text: str) -> None:
    assert misread_date(text) is None


def test_a_run_read_two_ways_is_not_read() -> None:
    # "11 11 1 2023"? no: "1111/2023" reads as 11/11 only; "11711/2023" reads 11/11 (a 7 for the slash)
    assert misread_date("11711/2023") == ("2023-11-11", 0, 10)


def test_timed_dates_need_the_time_after() -> None:
    assert timed_dates("REG 3 2305/2024 18:07") == [("2024-05-23", 6, 15)]
    assert timed_dates("REF 2305/2024 ITEM") == []


@pytest.mark.parametrize(("line", "iso"), [
    ("2305/2024 18:07 CASHIER 4", "2024-05-23"),  # unlabelled, its time after it
    ("23/0512024 6:07:11 PM", "2024-05-23"),
    ("Date: 23,05/2024", "2024-05-23"),  # labelled, no time
    ("DATE 23-05 2024", "2024-05-23"),
])
def test_a_slips_misread_date(line: str, iso: str) -> None:
    assert find_date(slip(line)) == iso


@pytest.mark.parametrize("line", [
    "Date: Z3/05/2024 18:07",  # not the 3rd of May: the day's first digit read as a letter
    "Date: 23/05/20i4",  # not 2020: a year's digit read as a letter
    "POS 1 3/05/2024 18:07",  # a lone digit a space before a one-digit day: 13th or 3rd?
])
def test_a_date_cut_short_is_not_another_date(line: str) -> None:
    got = find_date(slip(line))
    assert got in (None, "2024-05-23", "2014-05-23", "2024-05-13")  # an i is a 1: "20i4" is 2014
    assert got != "2024-05-03" and got != "2020-05-23"


def test_a_zero_read_as_a_letter_before_a_day_leaves_the_day() -> None:
    assert find_dates("O7/10/2024")[0][0] == "2024-10-07"


def test_generated_misreadings_are_read_or_left_out_never_wrong() -> None:
    rng = random.Random(4471)
    marks = ["", " ", "1", "7", "I", "l", ",", ":", ".", "'", "-"]
    shapes = {"0": "OD", "1": "Il", "2": "Z", "5": "S", "6": "b", "8": "B", "9": "g"}
    right = total = 0
    for _ in range(300):
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2029)
        iso = f"{year}-{month:02d}-{day:02d}"
        parts = [f"{day:02d}", f"{month:02d}", str(year) if rng.random() < 0.6 else str(year)[2:]]
        seps = [rng.choice(["/", "-", "."])] * 2
        seps[rng.randrange(2)] = rng.choice(marks)
        text = parts[0] + seps[0] + parts[1] + seps[1] + parts[2]
        if rng.random() < 0.3:
            at = rng.randrange(len(text))
            if text[at] in shapes:
                text = text[:at] + rng.choice(shapes[text[at]]) + text[at + 1:]
        got = find_date(slip(f"Date: {text} 14:22"))
        total += 1
        right += got == iso
        assert got in (None, iso), text
    assert right / total > 0.8


@pytest.mark.parametrize(("text", "iso"), [
    ("14,MAR 2026 09:12", "2026-03-14"),  # a month's name with its separators read as other marks
    ("14 MAR:2026", "2026-03-14"),
    ("14 Mar'26", "2026-03-14"),
])
def test_a_month_name_with_misread_marks(text: str, iso: str) -> None:
    assert find_dates(text)[0][0] == iso


@pytest.mark.parametrize(("text", "iso"), [
    ("09 JUM 2026", "2026-06-09"),  # a month's name with a capital read for another of its shape
    ("09-N0V-2026", "2026-11-09"),
    ("09 AUC 26", "2026-08-09"),
    ("O9 5EP 2026", "2026-09-09"),
    ("09 FE8 2026", "2026-02-09"),
])
def test_a_misread_months_name(text: str, iso: str) -> None:
    assert misread_date(text) is not None and misread_date(text)[0] == iso  # type: ignore[index]
    assert timed_dates(f"{text} 09:41") == [(iso, 0, len(text))]
    assert find_date(slip(f"{text} 09:41")) == iso


def test_a_month_read_two_ways_is_not_read() -> None:
    assert misread_date("09 JUX 2026") is None  # JUN or JUL
    assert misread_date("09 XYZ 2026") is None


def test_a_day_whose_one_month_digit_may_be_two_is_not_read() -> None:
    # "6/1I2026": the 6th of January with its slash read as I, or of November with it lost
    assert misread_date("6/1I2026") is None


@pytest.mark.parametrize(("line", "iso"), [
    ("14-0926", "2026-09-14"),  # a slip's date alone on its row, a separator lost
    ("14,09-26", "2026-09-14"),
    ("07:41PM 338120 14-09I26", "2026-09-14"),  # after the time and the slip's number
])
def test_a_lone_misread_date(line: str, iso: str) -> None:
    got = lone_date(line)
    assert got is not None and got[0] == iso
    assert find_date(slip(line)) == iso


@pytest.mark.parametrize("line", ["QTY 14-0926", "1409-26 8", "07:41PM 1 4-09/26"])
def test_not_a_lone_date(line: str) -> None:
    assert lone_date(line) is None  # words before it, a number after it, a day read two ways
