"""Jinja2 templates, rendered in the request's language (web/_i18n.py), and the small helpers they use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from archive.users import Permission, Principal
from web import _i18n
from web._i18n import N_
from web._security import csrf_input, csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LANGUAGE_KEY = "lang"  # the language chosen on the login page, in the signed cookie


class Labels(Mapping[str, str]):
    """Names of statuses, types, states, in the current language (``LABELS.get(code, default)``)."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names

    def __getitem__(self, key: str) -> str:
        return _i18n.gettext(self._names[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


STATUS_LABELS = Labels({
    "received": N_("received"), "processed": N_("processed"), "needs_review": N_("needs review"),
    "verified": N_("verified"), "rejected": N_("rejected"),
})

DOC_TYPE_LABELS = Labels({
    "z_report": N_("Z-report"), "sales_report": N_("sales report"), "waybill": N_("waybill (ТОРГ-12)"),
    "upd": N_("УПД"), "vat_invoice": N_("VAT invoice (счёт-фактура)"), "invoice": N_("invoice (счёт)"),
    "act": N_("act (акт)"), "contract": N_("contract"), "receipt": N_("receipt"), "other": N_("other"),
})

ORIGINAL_LABELS = Labels({
    "not_required": N_("not required"), "expected": N_("expected"), "in_transit": N_("in transit"),
    "received": N_("received"), "archived": N_("archived"), "issued": N_("issued"), "lost": N_("lost"),
    "destroyed": N_("destroyed"),
})

REGISTER_LABELS = Labels({"sent": N_("sent"), "received": N_("received at head office"), "closed": N_("closed")})

MAIL_ACTION_LABELS = Labels({"seen": N_("marked read"), "flag": N_("flagged"), "move": N_("moved"),
                             "none": N_("left as it is")})

ROLE_LABELS = Labels({"outlet": N_("outlet"), "accountant": N_("accountant"), "manager": N_("manager"),
                      "admin": N_("administrator")})

FACET_LABELS = Labels({"doc_type": N_("type"), "outlet": N_("outlet"), "status": N_("status"),
                       "original_state": N_("original"), "year": N_("year")})

SOURCE_LABELS = Labels({"extracted": N_("read"), "corrected": N_("corrected"), "hint": N_("from a cover sheet"),
                        "learned": N_("learned")})

FIELD_LABELS = Labels({
    "number": N_("number"), "date": N_("date"), "total": N_("total"), "vat": N_("VAT"),
    "seller_name": N_("seller"), "seller_inn": N_("seller's INN"), "seller_kpp": N_("seller's KPP"),
    "seller_address": N_("seller's address"), "buyer_inn": N_("buyer's INN"), "buyer_kpp": N_("buyer's KPP"),
    "customer_name": N_("customer"), "order_no": N_("order number"), "outlet_code": N_("outlet code"),
    "cash_total": N_("cash"), "card_total": N_("card"), "shift_no": N_("shift"), "kkt_reg_no": N_("KKT reg. number"),
    "fn_no": N_("FN"), "fd_no": N_("FD"), "fp": N_("FP"), "currency": N_("currency"), "doc_type": N_("type"),
    "status": N_("status"),
})

# The messages static/app.js shows, by key (rendered into <body data-i18n>).
JS_MESSAGES = Labels({
    "saved": N_("{name} saved"),
    "type_pending": N_("type changed: Enter saves it"),
    "page_of": N_("page {n} of {total}"),
    "scan_received": N_("{code} received"),
    "scan_unexpected": N_("{code} received, but on no register in transit"),
    "scan_already": N_("{code} already at head office"),
    "scan_unknown": N_("{code}: unknown barcode"),
    "scan_register": N_("register {code} ({outlet}): {received} of {listed} in, missing {missing}"),
    "none": N_("none"),
    "filed": N_("{n} original(s) filed in {box}"),
    "box_opened": N_("box {box} opened"),
    "selected": N_("selected: {n}"),
})


def snippet(html: str) -> Markup:
    """The search backend's snippet is already escaped except its <mark> tags."""
    return Markup(html)


def query_with(params: dict[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


def language_of(request: Request, principal: Principal | None) -> str:
    """The request's language: the user's setting, the login page's choice, the browser's, the archive's."""
    chosen = request.session.get(LANGUAGE_KEY) if "session" in request.scope else None
    return _i18n.choose(principal.language if principal else None, chosen if isinstance(chosen, str) else None,
                        request.headers.get("accept-language"), request.app.state.language)


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a page in the request's language and the archive's time zone."""
    principal = context.get("user")
    _i18n.use(language_of(request, principal), request.app.state.timezone)
    js = {key: JS_MESSAGES[key] for key in JS_MESSAGES}
    return templates.TemplateResponse(request, name, {"js_messages": js, **context}, status_code=status_code,
                                      headers=headers)


_i18n.install(templates.env)
templates.env.filters.update(snippet=snippet)
templates.env.globals.update(Permission=Permission, STATUS_LABELS=STATUS_LABELS, DOC_TYPE_LABELS=DOC_TYPE_LABELS,
                             ORIGINAL_LABELS=ORIGINAL_LABELS, ROLE_LABELS=ROLE_LABELS, REGISTER_LABELS=REGISTER_LABELS,
                             MAIL_ACTION_LABELS=MAIL_ACTION_LABELS,
                             SOURCE_LABELS=SOURCE_LABELS, FIELD_LABELS=FIELD_LABELS, FACET_LABELS=FACET_LABELS,
                             query_with=query_with, csrf_token=csrf_token, csrf_input=csrf_input)
