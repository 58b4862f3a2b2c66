"""Properties of the normalisers (classify/normalise.py), checked with hypothesis on generated values.

Only the public functions are exercised, by their invariants: a value written in every way a document
prints it normalises to the same thing; a normalised value normalises to itself; a value with correct
check digits (computed here from the tax service's published weights) validates and a changed digit
does not; a look-alike letter OCR reads for a digit, or a Latin letter for its Cyrillic twin, does not
change what is found.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from classify.normalise import (
    find_amounts,
    find_dates,
    fold_text,
    normalise_code,
    normalise_date,
    normalise_money,
    normalise_number,
    valid_inn,
    valid_kpp,
    valid_ogrn,
)

# Reproducible in CI (the same examples each run, so a failure reproduces); no deadline on a loaded machine.
PROPERTY = settings(deadline=None, max_examples=100, derandomize=True)

# --- dates ---------------------------------------------------------------------------------------

RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
recent_days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def printed_dates(day: dt.date) -> list[str]:
    """The ways documents print one date."""
    d, m, y = day.day, day.month, day.year
    return [
        f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d:02d}/{m:02d}/{y}", f"{d:02d}-{m:02d}-{y}",
        day.isoformat(), f"«{d}» {RU_MONTHS[m - 1]} {y} г.", f"{d} {RU_MONTHS[m - 1]} {y}",
        f"{d} {EN_MONTHS[m - 1]} {y}", f"{EN_MONTHS[m - 1]} {d}, {y}", f"{d}-{EN_MONTHS[m - 1][:3]}-{y}",
    ]


@PROPERTY
@given(days)
def test_every_printed_form_of_a_date_normalises_to_it(day: dt.date) -> None:
    for text in printed_dates(day):
        assert normalise_date(text) == day.isoformat(), text


@PROPERTY
@given(recent_days)
def test_a_two_digit_year_is_this_century(day: dt.date) -> None:
    assert normalise_date(f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}") == day.isoformat()


@PROPERTY
@given(days)
def test_a_normalised_date_normalises_to_itself(day: dt.date) -> None:
    for text in printed_dates(day):
        once = normalise_date(text)
        assert once is not None and normalise_date(once) == once


@PROPERTY
@given(days.filter(lambda d: d.day > 12))
def test_month_first_dates_are_read_month_first_when_asked(day: dt.date) -> None:
    text = f"{day.month:02d}/{day.day:02d}/{day.year}"
    assert normalise_date(text, day_first=False) == day.isoformat()
    # unambiguous either way: a day above 12 cannot be a month
    assert normalise_date(text) == day.isoformat()


words = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщэюя ", max_size=30)


@PROPERTY
@given(days, words, words)
def test_a_date_is_found_among_words_at_its_place(day: dt.date, before: str, after: str) -> None:
    printed = f"{day.day:02d}.{day.month:02d}.{day.year}"
    text = f"{before} от {printed} {after}"
    found = find_dates(text)
    assert [iso for iso, _, _ in found] == [day.isoformat()]
    _, start, end = found[0]
    assert text[start:end] == printed


@PROPERTY
@given(days, st.sampled_from(["O", "О", "o", "о"]), st.data())
def test_a_zero_read_as_the_letter_o_between_digits_is_still_a_zero(day: dt.date, letter: str,
                                                                    data: st.DataObject) -> None:
    printed = f"{day.day:02d}.{day.month:02d}.{day.year}"
    # a zero with a digit or a dot before it and a digit after it ("14.O3.2026", "14.03.2O26")
    zeros = [i for i in range(1, len(printed) - 1) if printed[i] == "0" and printed[i + 1].isdigit()]
    assume(zeros)
    i = data.draw(st.sampled_from(zeros), label="zero")
    assert normalise_date(printed[:i] + letter + printed[i + 1:]) == day.isoformat()


def test_a_zero_read_as_o_before_the_separator_is_still_a_zero() -> None:
    assert normalise_date("2O.03.2026") == "2026-03-20"
    assert normalise_date("1l.03.2026") == "2026-03-11"


@PROPERTY
@given(st.integers(1, 12), st.integers(32, 99), st.integers(1900, 2099))
def test_no_day_beyond_the_month_is_a_date(month: int, day: int, year: int) -> None:
    assert normalise_date(f"{day}.{month:02d}.{year}") is None


# --- money ---------------------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


NBSP = "\u00a0"


def grouped(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


def printed_amounts(value: Decimal) -> list[str]:
    """The ways documents and till slips print one amount."""
    whole, kop = int(value), int((value * 100) % 100)
    return [
        f"{whole}.{kop:02d}", f"{whole},{kop:02d}", f"{grouped(whole, ' ')},{kop:02d}",
        f"{grouped(whole, NBSP)},{kop:02d}", f"{grouped(whole, ',')}.{kop:02d}",
        f"{grouped(whole, '.')},{kop:02d}", f"{grouped(whole, ' ')},{kop:02d} руб.", f"RM {whole}.{kop:02d}",
        f"={whole}.{kop:02d}", f"${grouped(whole, ',')}.{kop:02d}",
    ] + ([f"{whole}.{kop // 10}"] if kop % 10 == 0 else [])


@PROPERTY
@given(amounts)
def test_every_printed_form_of_an_amount_normalises_to_it(value: Decimal) -> None:
    for text in printed_amounts(value):
        assert normalise_money(text) == f"{value:.2f}", text


@PROPERTY
@given(amounts)
def test_a_normalised_amount_normalises_to_itself(value: Decimal) -> None:
    for text in printed_amounts(value):
        once = normalise_money(text)
        assert once is not None and normalise_money(once) == once


@PROPERTY
@given(amounts.filter(lambda v: v > 0))
def test_a_minus_sign_makes_the_amount_negative(value: Decimal) -> None:
    assert normalise_money(f"-{value:.2f}") == f"-{value:.2f}"


@PROPERTY
@given(st.integers(0, 999999), st.integers(0, 99), words, words)
def test_an_amount_is_found_among_words(whole: int, kop: int, before: str, after: str) -> None:
    printed = f"{grouped(whole, ' ')},{kop:02d}"
    text = f"{before} итого {printed} руб. {after}"
    found = find_amounts(text)
    assert f"{whole}.{kop:02d}" in [value for value, _, _ in found]


@PROPERTY
@given(st.integers(1, 999999), st.integers(0, 99), st.sampled_from(["O", "О", "o", "о"]))
def test_a_zero_read_as_the_letter_o_in_an_amount_is_still_a_zero(whole: int, kop: int, letter: str) -> None:
    printed = f"{whole}.{kop:02d}"
    assume("0" in printed[1:])
    i = printed.index("0", 1)
    assert normalise_money(printed[:i] + letter + printed[i + 1:]) == printed


@PROPERTY
@given(st.text(alphabet="abcxyzабвгд .,-", max_size=20))
def test_text_without_a_digit_is_no_amount(text: str) -> None:
    assert normalise_money(text) is None


# --- INN, KPP, OGRN ------------------------------------------------------------------------------
# Check digits as the Federal Tax Service publishes them: weighted sums, mod 11, mod 10.
INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def remainder(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def with_checks(body: str) -> str:
    """``body`` (9 or 10 digits) with the check digit(s) of an INN."""
    if len(body) == 9:
        return body + str(remainder(body, INN10_WEIGHTS) % 10)
    first = body + str(remainder(body, INN12_WEIGHTS_1) % 10)
    return first + str(remainder(first, INN12_WEIGHTS_2) % 10)


inn_bodies = st.one_of(st.text("0123456789", min_size=9, max_size=9),
                       st.text("0123456789", min_size=10, max_size=10)).filter(lambda b: b.strip("0"))


@PROPERTY
@given(inn_bodies)
@example("770708389")  # the 10-digit INN of a well-known bank: 7707083893
def test_an_inn_with_correct_check_digits_validates(body: str) -> None:
    assert valid_inn(with_checks(body))


@PROPERTY
@given(inn_bodies, st.data())
def test_a_changed_check_digit_does_not_validate(body: str, data: st.DataObject) -> None:
    inn = with_checks(body)
    i = data.draw(st.sampled_from(range(len(body), len(inn))), label="check digit")
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != inn[i]]), label="new digit")
    assert not valid_inn(inn[:i] + digit + inn[i + 1:])


@PROPERTY
@given(st.text("0123456789", min_size=9, max_size=9).filter(lambda b: b.strip("0")), st.data())
def test_a_changed_digit_of_a_ten_digit_inn_fails_unless_the_sum_wraps_to_the_same_check(
        body: str, data: st.DataObject) -> None:
    inn = with_checks(body)
    i = data.draw(st.integers(0, 8), label="position")
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != inn[i]]), label="new digit")
    changed = inn[:i] + digit + inn[i + 1:]
    assume(changed[:9].strip("0"))
    # The one blind spot of mod 11 mod 10: remainders 0 and 10 both give the check digit 0.
    blind = {remainder(inn[:9], INN10_WEIGHTS), remainder(changed[:9], INN10_WEIGHTS)} == {0, 10}
    assert valid_inn(changed) is blind


@PROPERTY
@given(inn_bodies, st.integers(0, 2))
def test_an_inn_of_another_length_or_with_a_non_digit_does_not_validate(body: str, how: int) -> None:
    inn = with_checks(body)
    bad = [inn + "0", inn[:-1], inn[:3] + "O" + inn[4:]][how]
    assert not valid_inn(bad)


def test_all_zeros_are_no_inn() -> None:
    assert not valid_inn("0" * 10) and not valid_inn("0" * 12)


kpp_parts = st.tuples(st.text("0123456789", min_size=4, max_size=4).filter(lambda s: s != "0000"),
                      st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
                      st.text("0123456789", min_size=3, max_size=3))


@PROPERTY
@given(kpp_parts)
def test_a_kpp_of_office_reason_and_number_validates(parts: tuple[str, str, str]) -> None:
    assert valid_kpp("".join(parts))


@PROPERTY
@given(kpp_parts, st.integers(0, 3))
def test_a_kpp_with_a_wrong_length_office_or_letter_does_not(parts: tuple[str, str, str], how: int) -> None:
    office, reason, number = parts
    bad = [office + reason + number + "1", office + reason + number[:2], "0000" + reason + number,
           office + reason.lower() + number if reason.lower() != reason else office + reason + "Ж" + number[1:]][how]
    assert not valid_kpp(bad)


@PROPERTY
@given(st.one_of(st.text("0123456789", min_size=12, max_size=12), st.text("0123456789", min_size=14, max_size=14))
       .filter(lambda b: b[0] != "0"), st.data())
def test_an_ogrn_validates_with_its_check_digit_and_not_with_another(body: str, data: st.DataObject) -> None:
    check = int(body) % (11 if len(body) == 12 else 13) % 10
    assert valid_ogrn(body + str(check))
    other = data.draw(st.sampled_from([d for d in range(10) if d != check]), label="other check digit")
    assert not valid_ogrn(body + str(other))


# --- document numbers and look-alikes ------------------------------------------------------------
# Letters whose capital Latin and Cyrillic forms look the same: OCR reads either for the other.
TWINS = {"A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
         "X": "Х", "Y": "У"}
ONLY_CYRILLIC = "БГДЖИЛПФЦЧШЩЭЮЯ"
# ...and those that look the same in lower case too (b/в, h/н, m/м, t/т do not): twins in running text.
CASE_TWINS = {k: v for k, v in TWINS.items() if k in "ACEOPXYK"}

twin_runs = st.text(alphabet="".join(TWINS), min_size=1, max_size=4)
digit_runs = st.text(alphabet="123456789", min_size=1, max_size=8)
separators = st.sampled_from(["-", "/", ""])


@PROPERTY
@given(twin_runs, separators, digit_runs)
def test_a_prefix_of_twin_letters_is_the_same_number_in_either_script(prefix: str, sep: str, digits: str) -> None:
    latin = f"{prefix}{sep}{digits}"
    cyrillic = f"{''.join(TWINS[c] for c in prefix)}{sep}{digits}"
    assert normalise_number(latin) == normalise_number(cyrillic) == cyrillic.replace(" ", "")
    assert normalise_code(latin) == normalise_code(cyrillic) == latin


@PROPERTY
@given(st.text(alphabet=ONLY_CYRILLIC, min_size=1, max_size=2), twin_runs, separators, digit_runs)
def test_a_letter_only_cyrillic_has_makes_the_whole_prefix_cyrillic(own: str, twins: str, sep: str,
                                                                    digits: str) -> None:
    mixed = f"{own}{twins}{sep}{digits}"  # the twins as OCR may read them: Latin
    assert normalise_number(mixed) == f"{own}{''.join(TWINS[c] for c in twins)}{sep}{digits}"


@PROPERTY
@given(twin_runs, separators, st.from_regex(r"\A[124-9][0-9]{1,7}\Z"), st.data())
def test_a_zero_read_as_o_in_the_digits_of_a_number_is_a_zero(prefix: str, sep: str, digits: str,
                                                               data: st.DataObject) -> None:
    # digits that start with a zero are left out: "0" and "3" at the head of a part may be the letters О
    # and З of the number's own prefix ("А-О1", "ЗК-...")
    zeros = [i for i, ch in enumerate(digits) if ch == "0"]
    assume(zeros)
    i = data.draw(st.sampled_from(zeros), label="zero")
    letter = data.draw(st.sampled_from(["O", "О"]), label="letter")
    read = digits[:i] + letter + digits[i + 1:]
    assert normalise_number(f"{prefix}{sep}{read}") == normalise_number(f"{prefix}{sep}{digits}")


numbers = st.builds(lambda p, s, d: f"{p}{s}{d}", st.text(alphabet="".join(TWINS) + ONLY_CYRILLIC + "DFGLNQRSUVWZ",
                                                            max_size=4), separators, digit_runs)


@PROPERTY
@given(numbers, st.sampled_from(["", " ", "№ ", "#"]), st.booleans())
def test_a_normalised_number_normalises_to_itself_and_ignores_case_spaces_and_the_sign(
        number: str, sign: str, lower: bool) -> None:
    once = normalise_number(number)
    assert normalise_number(once) == once
    assert normalise_number(sign + (number.lower() if lower else number)) == once
    assert normalise_code(normalise_code(number)) == normalise_code(number)


@PROPERTY
@given(st.text(max_size=60))
def test_folded_text_keeps_its_length_and_folds_to_itself(text: str) -> None:
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded == folded.lower() or any(ch.lower() != ch and len(ch.lower()) != 1 for ch in text)
    assert fold_text(folded) == folded


twin_words = st.lists(st.tuples(st.text(alphabet="".join(CASE_TWINS), max_size=6),
                                 st.text(alphabet="".join(CASE_TWINS.values()), min_size=1, max_size=6)),
                       min_size=1, max_size=5)


@PROPERTY
@given(twin_words, st.randoms(use_true_random=False))
def test_a_word_with_a_cyrillic_letter_and_latin_twins_folds_as_cyrillic(words: list[tuple[str, str]],
                                                                          rnd: random.Random) -> None:
    """OCR reads a Cyrillic word's twin letters as Latin ones here and there: it folds as if it had not."""
    mixed, cyrillic = [], []
    for latin_part, cyrillic_part in words:
        letters = list(latin_part + cyrillic_part)
        rnd.shuffle(letters)
        mixed.append("".join(letters))
        cyrillic.append("".join(TWINS.get(ch, ch) for ch in letters))
    assert fold_text(" ".join(mixed)) == fold_text(" ".join(cyrillic)) == " ".join(cyrillic).lower()
