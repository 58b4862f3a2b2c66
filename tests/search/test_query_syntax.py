"""The query syntax: words, phrases, exclusion, OR, prefixes and filters; bad filters are clear errors."""

from __future__ import annotations

import pytest

from search import QuerySyntaxError, SearchQuery, parse_query, parse_text
from search.exceptions import SearchError
from search.stemming import stem
from finarchive.errors import FinarchiveError


def test_plain_words_are_anded_clauses() -> None:
    text, filters = parse_text("накладная ромашка")
    assert filters == {}
    assert [c.alternatives[0].terms for c in text.positive] == [(stem("накладная"),), (stem("ромашка"),)]


def test_phrase_exclusion_or_and_prefix() -> None:
    text, _ = parse_text('"товарная накладная" -возврат NOT брак молоко OR кефир наклад*')
    positive = text.positive
    assert positive[0].alternatives[0].terms == (stem("товарная"), stem("накладная"))
    assert [t.terms for t in positive[1].alternatives] == [(stem("молоко"),), (stem("кефир"),)]
    assert positive[2].alternatives[0].prefix and positive[2].alternatives[0].terms == ("наклад",)
    assert [c.alternatives[0].terms for c in text.negative] == [(stem("возврат"),), (stem("брак"),)]


def test_every_filter_is_merged_into_the_query() -> None:
    query = parse_query(
        "молоко type:waybill outlet:MSK-01 status:needs_review date:2026-03-01..2026-03-31 "
        "total:1000..5000 inn:7707083893 order:ЗК-000781 number:4521 original:expected"
    )
    assert query == SearchQuery(
        text="молоко", doc_type="waybill", outlet="MSK-01", status="needs_review", date_from="2026-03-01",
        date_to="2026-03-31", amount_min="1000.00", amount_max="5000.00", inn="7707083893",
        order_no="ЗК-000781", number="4521", original_state="expected",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date:2026-03", {"date_from": "2026-03-01", "date_to": "2026-03-31"}),
        ("date:2024-02", {"date_from": "2024-02-01", "date_to": "2024-02-29"}),
        ("date:2026", {"date_from": "2026-01-01", "date_to": "2026-12-31"}),
        ("date:14.03.2026", {"date_from": "2026-03-14", "date_to": "2026-03-14"}),
        ("date:..2026-03-31", {"date_from": None, "date_to": "2026-03-31"}),
        ("дата:2026-03-01..", {"date_from": "2026-03-01", "date_to": None}),
        ("total:235730", {"amount_min": "235730.00", "amount_max": "235730.00"}),
        ("сумма:1000,5..", {"amount_min": "1000.50", "amount_max": None}),
        ('outlet:"MSK 01"', {"outlet": "MSK 01"}),
        ("ИНН:7707083893", {"inn": "7707083893"}),
    ],
)
def test_filter_value_forms(text: str, expected: dict[str, str | None]) -> None:
    query = parse_query(text)
    assert {k: getattr(query, k) for k in expected} == expected
    assert query.text == ""


def test_text_filters_override_the_callers_and_keep_the_rights() -> None:
    base = SearchQuery(doc_type="invoice", outlets=("MSK-01",), limit=5)
    query = parse_query("type:waybill сыр", base)
    assert (query.doc_type, query.outlets, query.limit, query.text) == ("waybill", ("MSK-01",), 5, "сыр")


def test_parsing_is_idempotent() -> None:
    once = parse_query('"товарная накладная" -возврат a OR b наклад* Итого: 10:30 "OR" type:waybill')
    assert parse_query(once.text, once) == once


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type:waybil", "unknown document type"),
        ("date:2026-13-01", "not a valid date"),
        ("date:yesterday", "not a date"),
        ("date:2026-03-31..2026-03-01", "ends before it starts"),
        ("date:..", "not a range"),
        ("total:abc", "not an amount"),
        ("total:5000..1000", "ends below"),
        ("inn:12345", "10 or 12 digits"),
        ("status:", "needs a value"),
        ("colour:red", "unknown filter 'colour'"),
        ("-type:waybill", "cannot be negated"),
        ("type:waybill type:invoice", "more than once"),
        ("date:2026 дата:2025", "more than once"),
    ],
)
def test_bad_filters_raise_a_clear_query_syntax_error(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as caught:
        parse_query(text)
    assert isinstance(caught.value, SearchError) and isinstance(caught.value, FinarchiveError)
    assert caught.value.exit_code == 2 and caught.value.http_status == 400


def test_bad_values_set_by_the_caller_are_checked_too() -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query("", SearchQuery(amount_min="lots"))
    with pytest.raises(QuerySyntaxError):
        parse_query("", SearchQuery(offset=-1))


@pytest.mark.parametrize(
    "text", ['"', "(", ")", "AND OR", "OR", "*", "NEAR(", "NEAR(a b)", ":", "a:", '-"', "- -", "a OR", "NOT",
             '"unclosed phrase', "a* * **", ":a:", "10:30", "Итого:", "{x}^2", "\\"],
)
def test_hostile_text_parses_without_error(text: str) -> None:
    query = parse_query(text)
    assert parse_query(query.text) == query
