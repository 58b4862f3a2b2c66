"""VAT rates, read once from ``data/vat_rates.toml`` and shared by extraction and validation."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

_TABLE = tomllib.loads((Path(__file__).parent / "data" / "vat_rates.toml").read_text(encoding="utf-8"))
RATES: dict[str, tuple[Decimal, ...]] = {
    code: tuple(Decimal(str(r)) for r in rates) for code, rates in _TABLE["rates"].items()
}
"""Currency → the VAT rates (percent) documents in it charge."""
KOPECK = Decimal("0.01")


@cache
def vat_rates(currency: str | None = None) -> tuple[Decimal, ...]:
    """The rates of ``currency``; the table's ``default`` when the currency is not read or not listed."""
    return RATES.get(currency or "default", RATES["default"])


def included_rate(total: Decimal, vat: Decimal, currency: str | None = None,
                  tolerance: Decimal = KOPECK) -> Decimal | None:
    """The rate at which ``vat`` is the VAT included in ``total`` (total × rate / (100 + rate)), or None."""
    for rate in vat_rates(currency):
        if abs(total * rate / (100 + rate) - vat) <= tolerance:
            return rate
    return None


def net_rate(net: Decimal, vat: Decimal, currency: str | None = None,
             tolerance: Decimal = KOPECK) -> Decimal | None:
    """The rate at which ``vat`` is the VAT charged on ``net`` (net × rate / 100), or None."""
    for rate in vat_rates(currency):
        if abs(net * rate / 100 - vat) <= tolerance:
            return rate
    return None
