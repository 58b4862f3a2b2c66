"""Normalisers over the formats OCR reads, and the INN/KPP/OGRN check digits."""

from __future__ import annotations

import pytest

from classify import (
    amount_in_words_ru,
    normalise_code,
    normalise_currency,
    normalise_date,
    normalise_money,
    normalise_number,
    valid_inn,
    valid_kpp,
    valid_ogrn,
)


@pytest.mark.parametrize(("text", "iso"), [
    ("«14» марта 2026 г.", "2026-03-14"),
    ("от 3 мая 2025 г.", "2025-05-03"),
    ("19 февраля 2025", "2025-02-19"),
    ("14 March 2026", "2026-03-14"),
    ("6 Mar 2026", "2026-03-06"),
    ("March 14, 2026", "2026-03-14"),
    ("14-Mar-2026", "2026-03-14"),
    ("14/03/26", "2026-03-14"),
    ("14.03.2026", "2026-03-14"),
    ("14.O3.2026", "2026-03-14"),  # O read for a zero
    ("2026-03-14", "2026-03-14"),
    ("Date: 25/12/2018 10:15", "2018-12-25"),
    ("Date: 23/04/20219:41:07", "2021-04-23"),  # the time run into the year when OCR loses the space
    ("7-Jun-202311:05", "2023-06-07"),
])
def test_dates_in_digits_and_words(text: str, iso: str) -> None:
    assert normalise_date(text) == iso


@pytest.mark.parametrize("text", ["", "no date here", "31.02.2026", "99/99/99", "12/02/201812"])
def test_not_a_date(text: str) -> None:
    assert normalise_date(text) is None


def test_month_first_when_asked() -> None:
    assert normalise_date("03/14/2026", day_first=False) == "2026-03-14"
    assert normalise_date("03/14/2026") == "2026-03-14"  # day 14 cannot be a month


@pytest.mark.parametrize(("text", "value"), [
    ("235 730,00", "235730.00"),
    ("235730.00", "235730.00"),
    ("1,234.56", "1234.56"),
    ("1.234,56", "1234.56"),
    ("RM 12.50", "12.50"),
    ("=89872.65", "89872.65"),
    ("$4.11", "4.11"),
    ("4 904,94 €", "4904.94"),
    ("1 234 567.89", "1234567.89"),
    ("12,5", "12.50"),
    ("1,234", "1234.00"),
    ("12.5O", "12.50"),  # O read for a zero
])
def test_money(text: str, value: str) -> None:
    assert normalise_money(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,23,4.5.6", "12.3456"])
def test_not_money(text: str) -> None:
    assert normalise_money(text) is None


@pytest.mark.parametrize(("text", "code"), [
    ("Итого: 100,00 руб.", "RUB"), ("Сумма 5 ₽", "RUB"), ("TOTAL RM 12.50", "MYR"),
    ("Total EUR 331.95", "EUR"), ("Amount $ 4.11", "USD"), ("Currency: PLN", "PLN"),
    ("Discount of Rs-12.50", "INR"), ("Discount of Rs ~12.50", "INR"),  # the dash read as a tilde
])
def test_currency(text: str, code: str) -> None:
    assert normalise_currency(text) == code


def test_no_currency() -> None:
    assert normalise_currency("Итого 100,00") is None


@pytest.mark.parametrize(("raw", "normal"), [
    ("3K-000781", "ЗК-000781"),  # Latin K and the digit 3 read for Cyrillic З, К
    ("зк-000781", "ЗК-000781"),
    ("№ЗК-0007O1", "ЗК-000701"),
    ("YT-1234", "УТ-1234"),
    ("so-12345", "SO-12345"),
    ("INV/2023/03/0008", "INV/2023/03/0008"),
    ("CO-2025/5596", "СО-2025/5596"),
    ("4521", "4521"),
])
def test_number_lookalikes(raw: str, normal: str) -> None:
    assert normalise_number(raw) == normal
    assert normalise_number(normal) == normal


@pytest.mark.parametrize(("raw", "normal"), [
    ("ЕКВ-649", "EKB-649"),  # letters that could be either script: an outlet code is Latin
    ("ekb-649", "EKB-649"),
    ("DEMO-01", "DEMO-01"),
    ("СПБ-07", "СПБ-07"),  # П is Cyrillic only: the code stays Cyrillic
    ("MSK 012", "MSK012"),
])
def test_outlet_code_lookalikes_prefer_latin(raw: str, normal: str) -> None:
    assert normalise_code(raw) == normal
    assert normalise_code(normal) == normal


@pytest.mark.parametrize("inn", ["7707083893", "7736207543", "500100732259", "784153262240"])
def test_valid_inns(inn: str) -> None:
    assert valid_inn(inn)


@pytest.mark.parametrize("inn", ["7707083894", "500100732250", "123", "0000000000", "77070838931", "77O7083893"])
def test_invalid_inns(inn: str) -> None:
    assert not valid_inn(inn)


def test_kpp_and_ogrn() -> None:
    assert valid_kpp("773601001") and valid_kpp("7736AB001")
    assert not valid_kpp("77360100") and not valid_kpp("000001001")
    assert valid_ogrn("1027700132195")  # Sberbank
    assert not valid_ogrn("1027700132194")
    assert valid_ogrn("304500116000157")  # a 15-digit OGRNIP
    assert not valid_ogrn("304500116000158")


def test_amount_in_words() -> None:
    assert amount_in_words_ru("Двести тридцать пять тысяч семьсот тридцать рублей 00 копеек") == "235730.00"
    assert amount_in_words_ru("Всего: одна тысяча двести рублей 50 копеек") == "1200.50"
    assert amount_in_words_ru("Тридцать три тысячи девятьсот сорок девять рублей 00 копеек") == "33949.00"
    assert amount_in_words_ru("Два миллиона рублей") == "2000000.00"
    assert amount_in_words_ru("no amount here") is None
