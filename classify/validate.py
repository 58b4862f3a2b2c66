"""Validation rules over extracted fields: check digits, VAT arithmetic, Z-report sums, date sanity.

Rules are a table: each applies to the types that carry its fields and returns problems.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from classify._vat import included_rate, vat_rates
from classify.normalise import valid_inn, valid_kpp, valid_ogrn
from classify.types import FieldValue, Problem

KOPECK = Decimal("0.01")
OLDEST_YEARS = 30  # a document dated further back than this is an OCR misreading
CHECKS: tuple[tuple[str, Callable[[str], bool], str], ...] = (
    ("seller_inn", valid_inn, "inn_checksum"),
    ("buyer_inn", valid_inn, "inn_checksum"),
    ("seller_kpp", valid_kpp, "kpp_format"),
    ("buyer_kpp", valid_kpp, "kpp_format"),
    ("seller_ogrn", valid_ogrn, "ogrn_checksum"),
)
DATE_FIELDS = ("date",)
MONEY_FIELDS = ("total", "vat", "cash_total", "card_total", "net")


def _money(values: Mapping[str, str], name: str) -> Decimal | None:
    try:
        return Decimal(values[name]) if name in values else None
    except InvalidOperation:
        return None


def check_digits(doc_type: str, values: Mapping[str, str], today: date) -> list[Problem]:
    out = []
    for name, check, code in CHECKS:
        if name in values and not check(values[name]):
            out.append(Problem(code, f"{name} {values[name]} fails its check digits", (name,)))
    return out


def check_money(doc_type: str, values: Mapping[str, str], today: date) -> list[Problem]:
    out = []
    for name in MONEY_FIELDS:
        if name in values and _money(values, name) is None:
            out.append(Problem("money_format", f"{name} {values[name]!r} is not an amount", (name,)))
    return out


def vat_matches(total: Decimal, vat: Decimal, net: Decimal | None = None, currency: str | None = None) -> bool:
    """VAT = total × rate/(100+rate) within a kopeck for one of the currency's rates (classify/data/
    vat_rates.toml), or net + VAT = total."""
    if net is not None and abs(net + vat - total) <= KOPECK:
        return True
    return included_rate(total, vat, currency) is not None


def mixed_rates(total: Decimal, vat: Decimal, currency: str | None = None) -> bool:
    """A till slip taxes each item at its own rate (НДС 20% and 10% on one slip): its VAT, the sum of the
    rates' amounts, lies between the lowest and the highest positive rate's share of the total."""
    rates = [r for r in vat_rates(currency) if r > 0]
    if not rates:
        return False
    low, high = (total * r / (100 + r) for r in (min(rates), max(rates)))
    return low - KOPECK <= vat <= high + KOPECK


def check_vat(doc_type: str, values: Mapping[str, str], today: date) -> list[Problem]:
    total, vat, net = _money(values, "total"), _money(values, "vat"), _money(values, "net")
    if total is None or vat is None:
        return []
    currency = values.get("currency")
    if vat_matches(total, vat, net, currency) or (doc_type == "receipt" and mixed_rates(total, vat, currency)):
        return []
    rates = "/".join(f"{r.normalize():f}" for r in vat_rates(currency))
    return [Problem("vat_arithmetic", f"VAT {vat} is not {rates} % of the total {total} (within a kopeck)",
                    ("total", "vat"))]


def check_z_report(doc_type: str, values: Mapping[str, str], today: date) -> list[Problem]:
    total, cash, card = _money(values, "total"), _money(values, "cash_total"), _money(values, "card_total")
    if doc_type != "z_report" or None in (total, cash, card):
        return []
    if abs(cash + card - total) <= KOPECK:  # type: ignore[operator]
        return []
    return [Problem("z_report_sum", f"cash {cash} + card {card} is not the total {total}",
                    ("cash_total", "card_total", "total"))]


def check_dates(doc_type: str, values: Mapping[str, str], today: date) -> list[Problem]:
    out = []
    for name in DATE_FIELDS:
        if name not in values:
            continue
        try:
            day = date.fromisoformat(values[name])
        except ValueError:
            out.append(Problem("date_format", f"{name} {values[name]!r} is not a date", (name,)))
            continue
        if day > today:
            out.append(Problem("date_in_future", f"{name} {day} is after today ({today})", (name,)))
        elif day.year < today.year - OLDEST_YEARS:
            out.append(Problem("date_too_old", f"{name} {day} is more than {OLDEST_YEARS} years back", (name,)))
    return out


RULES: tuple[Callable[[str, Mapping[str, str], date], list[Problem]], ...] = (
    check_digits, check_money, check_vat, check_z_report, check_dates,
)


def validate(doc_type: str, fields: Mapping[str, FieldValue | str], today: date | None = None) -> tuple[Problem, ...]:
    """Every problem the rules find in ``fields`` (values or :class:`FieldValue` s)."""
    values = {k: (v.value if isinstance(v, FieldValue) else str(v)) for k, v in fields.items()}
    day = today or date.today()
    return tuple(p for rule in RULES for p in rule(doc_type, values, day))
