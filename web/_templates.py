"""Jinja2 templates and the small filters they use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from archive.users import Permission
from web._security import csrf_input, csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

STATUS_LABELS = {
    "received": "received", "processed": "processed", "needs_review": "needs review",
    "verified": "verified", "rejected": "rejected",
}

DOC_TYPE_LABELS = {
    "z_report": "Z-report", "sales_report": "sales report", "waybill": "waybill (ТОРГ-12)", "upd": "УПД",
    "vat_invoice": "VAT invoice (счёт-фактура)", "invoice": "invoice (счёт)", "act": "act (акт)",
    "contract": "contract", "receipt": "receipt", "other": "other",
}


# The messages static/app.js shows, by key (rendered into <body data-i18n>).
JS_MESSAGES = {
    "saved": "{name} saved",
    "type_pending": "type changed: Enter saves it",
    "page_of": "page {n} of {total}",
    "scan_received": "{code} received",
    "scan_unexpected": "{code} received, but on no register in transit",
    "scan_already": "{code} already at head office",
    "scan_unknown": "{code}: unknown barcode",
    "scan_register": "register {code} ({outlet}): {received} of {listed} in, missing {missing}",
    "none": "none",
    "filed": "{n} original(s) filed in {box}",
    "box_opened": "box {box} opened",
}


def money(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}".replace(",", "\u00a0")


def when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def snippet(html: str) -> Markup:
    """The search backend's snippet is already escaped except its <mark> tags."""
    return Markup(html)


def query_with(params: dict[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


templates.env.filters.update(money=money, when=when, snippet=snippet)
templates.env.globals.update(JS_MESSAGES=JS_MESSAGES, Permission=Permission,
                             STATUS_LABELS=STATUS_LABELS, DOC_TYPE_LABELS=DOC_TYPE_LABELS, query_with=query_with,
                             csrf_token=csrf_token, csrf_input=csrf_input)
