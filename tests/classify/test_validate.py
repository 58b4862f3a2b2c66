"""Validation rules: check digits, VAT arithmetic, Z-report sums, date sanity."""

from __future__ import annotations

from datetime import date

import pytest

from classify import validate, vat_matches
from classify.types import FieldValue

TODAY = date(2026, 11, 24)


def codes(doc_type: str, values: dict[str, str]) -> set[str]:
    return {p.code for p in validate(doc_type, values, TODAY)}


def test_good_waybill_has_no_problems() -> None:
    values = {"number": "4521", "date": "2026-03-14", "seller_inn": "7736207543", "seller_kpp": "773601001",
              "buyer_inn": "500100732259", "total": "33949.00", "vat": "5658.17"}
    assert codes("waybill", values) == set()


def test_field_values_are_accepted_as_well_as_strings() -> None:
    fields = {"seller_inn": FieldValue("seller_inn", "7736207544", 0.9)}
    assert [p.code for p in validate("invoice", fields, TODAY)] == ["inn_checksum"]


def test_bad_inn_and_kpp() -> None:
    assert codes("invoice", {"seller_inn": "7736207544", "buyer_inn": "7736207543"}) == {"inn_checksum"}
    assert codes("invoice", {"seller_kpp": "77360100"}) == {"kpp_format"}


@pytest.mark.parametrize(("total", "vat", "net", "ok"), [
    ("33949.00", "5658.17", None, True),  # 20 %
    ("11000.00", "1000.00", None, True),  # 10 %
    ("500.00", "0.00", None, True),  # 0 %
    ("33949.00", "5658.19", None, False),  # two kopecks off
    ("33949.00", "5000.00", None, False),
    ("100.00", "17.00", "83.00", True),  # net + VAT = total, whatever the rate
])
def test_vat_rule(total: str, vat: str, net: str | None, ok: bool) -> None:
    values = {"total": total, "vat": vat} | ({"net": net} if net else {})
    assert ("vat_arithmetic" not in codes("invoice", values)) is ok


def test_vat_matches_within_a_kopeck() -> None:
    from decimal import Decimal

    assert vat_matches(Decimal("240760.14"), Decimal("21887.29"))  # 10 %, rounded
    assert not vat_matches(Decimal("240760.14"), Decimal("21887.31"))


def test_z_report_cash_and_card_make_the_total() -> None:
    good = {"total": "221260.20", "cash_total": "39492.54", "card_total": "181767.66"}
    assert codes("z_report", good) == set()
    assert codes("z_report", good | {"card_total": "181767.00"}) == {"z_report_sum"}
    assert codes("sales_report", good | {"card_total": "1.00"}) == set()  # the rule is the Z-report's


def test_dates_neither_future_nor_decades_back() -> None:
    assert codes("receipt", {"date": "2026-11-24"}) == set()
    assert codes("receipt", {"date": "2026-11-25"}) == {"date_in_future"}
    assert codes("receipt", {"date": "1975-01-01"}) == {"date_too_old"}
    assert codes("receipt", {"date": "2026-13-01"}) == {"date_format"}


def test_money_format() -> None:
    assert codes("receipt", {"total": "12,50"}) == {"money_format"}
