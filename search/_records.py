"""What both backends derive from a SearchRecord: searchable field text, money in kopecks, keys."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from search._codes import code_key
from search.types import SearchRecord

_YEAR = re.compile(r"\d{4}")


def fields_text(record: SearchRecord) -> str:
    """The extracted values a person may search for: numbers, order, INNs, names, every field."""
    values = [record.number, record.order_no, *record.inns, record.total, record.date, *record.fields.values()]
    return "\n".join(dict.fromkeys(v for v in values if v))


def kopecks(amount: str | None) -> int | None:
    """``"235730.00"`` → ``23573000``; None for a missing or unreadable amount."""
    if amount is None:
        return None
    try:
        value = Decimal(str(amount).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return int((value * 100).to_integral_value())


def outlet_key(outlet: str | None) -> str | None:
    """Outlet codes compare without regard to case or surrounding space."""
    return outlet.strip().upper() if outlet else None


def optional_code_key(value: str | None) -> str | None:
    return code_key(value) if value else None


def year(day: str | None) -> str | None:
    return day[:4] if day and _YEAR.match(day) else None
