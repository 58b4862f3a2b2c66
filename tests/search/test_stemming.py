"""Tokens and stems: Russian and English words meet their other forms, numbers and codes stay whole."""

from __future__ import annotations

import pytest

from search.stemming import iter_tokens, prefix_term, stem, terms


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("накладной", "накладная"),
        ("накладных", "НАКЛАДНАЯ"),
        ("счёт", "счет"),
        ("поставщика", "поставщик"),
        ("invoices", "invoice"),
        ("Deliveries", "delivery"),
    ],
)
def test_forms_of_a_word_share_a_stem(one: str, other: str) -> None:
    assert stem(one) == stem(other)


def test_different_words_keep_different_stems() -> None:
    assert stem("накладная") != stem("наличные")
    assert stem("invoice") != stem("involve")


@pytest.mark.parametrize("code", ["ЗК-000781", "235730.00", "14.03.2026", "7707083893", "773601001"])
def test_numbers_and_codes_stay_one_token_unstemmed(code: str) -> None:
    assert terms(f"заказ {code}, далее") == ["заказ", code.lower(), stem("далее")]


def test_decimal_comma_becomes_a_point() -> None:
    assert terms("итого 730,00 руб") == [stem("итого"), "730.00", stem("руб")]


def test_hyphenated_words_are_split_and_spans_point_into_the_original() -> None:
    text = "товарно-транспортная (ТТН)"
    tokens = list(iter_tokens(text))
    assert [text[t.start : t.end] for t in tokens] == ["товарно", "транспортная", "ТТН"]
    assert tokens[1].term == stem("транспортной")


def test_punctuation_and_symbols_make_no_tokens() -> None:
    assert terms('" ( ) * : « » № — ') == []


def test_prefix_of_a_typed_word_is_what_its_stem_shares() -> None:
    assert prefix_term("invoice") == "invoic"
    assert stem("invoices").startswith(prefix_term("invoice"))
    assert prefix_term("наклад") == "наклад"
    assert prefix_term("Ёлк") == "елк"
