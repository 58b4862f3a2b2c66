"""A Russian receipt's fiscal QR (54-ФЗ): ``t=20190128T1607&s=204.90&fn=9289000100408074&i=7331&fp=2765116426&n=1``.

Its values are exact: the date and time of the sale (``t``), the total (``s``), the fiscal drive's number
(``fn``, ФН), the fiscal document's number (``i``, ФД) and its fiscal sign (``fp``, ФП). They are given at
confidence 1.0 and checked against what OCR read from the print: a field read otherwise is a problem for
review that names both values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from classify.types import FieldValue, Problem

_TIME = re.compile(r"(\d{8})T(\d{4})(\d{2})?")


@dataclass(frozen=True)
class FiscalCode:
    """The values of one fiscal QR."""

    date: str  # ISO
    total: str  # money, two places
    fn_no: str
    fd_no: str
    fp: str
    payload: str

    def fields(self) -> dict[str, FieldValue]:
        return {name: FieldValue(name, getattr(self, name), 1.0, raw=self.payload)
                for name in ("date", "total", "fn_no", "fd_no", "fp")}


def parse_fiscal_code(payload: str) -> FiscalCode | None:
    """The values of a 54-ФЗ receipt QR, or None when ``payload`` is not one (a cover sheet's code, a URL)."""
    values = dict(parse_qsl(payload.strip(), keep_blank_values=True))
    if not {"t", "s", "fn", "i", "fp"} <= set(values):
        return None
    m = _TIME.fullmatch(values["t"])
    if not m:
        return None
    try:
        day = datetime.strptime(m.group(1), "%Y%m%d").date()
        total = Decimal(values["s"].replace(",", ".")).quantize(Decimal("0.01"))
    except (ValueError, InvalidOperation):
        return None
    fn, fd, fp = values["fn"], values["i"], values["fp"]
    if not (re.fullmatch(r"\d{16}", fn) and re.fullmatch(r"\d{1,10}", fd) and re.fullmatch(r"\d{1,10}", fp)):
        return None
    return FiscalCode(day.isoformat(), f"{total}", fn, str(int(fd)), str(int(fp)), payload.strip())


def fiscal_code(codes: Iterable[str]) -> FiscalCode | None:
    """The first fiscal QR among a document's codes."""
    for payload in codes:
        found = parse_fiscal_code(payload)
        if found is not None:
            return found
    return None


def _same(name: str, a: str, b: str) -> bool:
    if name in ("fd_no", "fp"):
        return a.lstrip("0") == b.lstrip("0")
    return a == b


def apply_fiscal_code(code: FiscalCode,
                      fields: Mapping[str, FieldValue]) -> tuple[dict[str, FieldValue], list[Problem]]:
    """``fields`` with the QR's exact values in place of OCR's, and a problem for each value the print
    was read as otherwise (both values named: the QR's stands, the print is for the accountant to see)."""
    out = dict(fields)
    problems = []
    for name, exact in code.fields().items():
        read = fields.get(name)
        if read is not None and not _same(name, exact.value, read.value):
            problems.append(Problem("qr_mismatch", f"{name}: the fiscal QR gives {exact.value}, the print was read "
                                    f"as {read.value}", (name,)))
        out[name] = FieldValue(name, exact.value, 1.0, read.page if read else None, read.box if read else None,
                               exact.raw)
    return out, problems
