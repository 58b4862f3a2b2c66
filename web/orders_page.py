"""Order pages beside the order view: the suggested links waiting for a person (confirm or reject each),
a link's form action, and importing orders from a CRM/ERP export file."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from archive import orders
from archive.indexing import index_documents
from archive.users import Permission, Principal
from finarchive.errors import InvalidInputError
from web import _views
from web._auth import current_principal
from web._templates import render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]

LINK_ACTIONS = {"link": orders.link_document, "confirm": orders.confirm_link, "reject": orders.reject_link}
IMPORT_KINDS = ("csv", "json", "jsonl")  # what `finarchive orders import` reads
MAX_IMPORT_BYTES = 50 * 1024 * 1024


@router.get("/orders/suggestions", response_class=HTMLResponse)
def suggestions_page(request: Request, principal: Caller, cursor: str = "") -> HTMLResponse:
    """Links the archive suggested by counterparty, amount and date, best score first, to confirm or reject."""
    principal.require(Permission.ORDERS_READ)
    arc = request.app.state.archive
    with arc.sessions() as session:
        rows, next_cursor, prev_cursor = orders.suggested_links(session, cursor=cursor or None)
    for row in rows:
        row["url"] = f"/documents/{row['document_id']}"
        row["thumbnail_url"] = f"/documents/{row['document_id']}/thumbnail"
        row["order_url"] = f"/orders/{quote(row['order']['order_no'], safe='')}"
    return render(request, "order_suggestions.html", {
        "user": principal, "rows": rows, "next_cursor": next_cursor, "prev_cursor": prev_cursor,
        "can_write": principal.can(Permission.ORDERS_WRITE)})


def _safe_back(url: str, order_no: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return url
    return f"/orders/{quote(order_no, safe='')}"


@router.post("/orders/{order_no:path}/links")
def link_form(request: Request, principal: Caller, order_no: str, document_id: Annotated[int, Form()],
              action: Annotated[str, Form()], back: Annotated[str, Form()] = "") -> RedirectResponse:
    """The form action of a link: link by hand, confirm or reject a suggestion (as ``POST /api/orders/…/links``)."""
    principal.require(Permission.ORDERS_WRITE)
    if action not in LINK_ACTIONS:
        raise InvalidInputError(f"action must be one of {', '.join(LINK_ACTIONS)}")
    arc = request.app.state.archive
    with arc.transaction() as session:
        _views.readable_document(session, principal, document_id)
        LINK_ACTIONS[action](session, order_no, document_id, actor=principal.username)
    index_documents(arc, [document_id])
    return RedirectResponse(_safe_back(back, order_no), status_code=303)


@router.post("/orders/{order_no:path}/crm-link", response_class=HTMLResponse)
def crm_link(request: Request, principal: Caller, order_no: str) -> HTMLResponse:
    """Mint the signed, expiring link to the order's read-only view for the CRM's order card (as
    ``POST /api/orders/…/embed``) and show it on the order page to copy, with when it expires. The page is
    the answer to the POST, not a redirect: the link is a credential and stays out of the address bar."""
    from archive import embed

    principal.require(Permission.ORDERS_READ)
    arc = request.app.state.archive
    with arc.transaction() as session:
        found = orders.get_order(session, order_no)
        link = embed.mint(arc.settings, found.order_no)
        embed.audit_minted(session, link, actor=principal.username)
    with arc.sessions() as session:
        view = _views.order_data(session, arc, principal, found.order_no)
    # without [notify] base_url the link is a path: the CRM needs it whole, as this desk is reached
    url = link.url if link.url != link.path else str(request.base_url).rstrip("/") + link.path
    return render(request, "order.html", {"user": principal, "order": view,
                                          "crm_link": {"url": url, "expires_at": link.expires_at}})


@router.get("/orders/import", response_class=HTMLResponse)
def import_page(request: Request, principal: Caller) -> HTMLResponse:
    principal.require(Permission.ORDERS_WRITE)
    return render(request, "orders_import.html", {"user": principal, "result": None, "kinds": IMPORT_KINDS})


@router.post("/orders/import", response_class=HTMLResponse)
def import_upload(request: Request, principal: Caller, file: Annotated[UploadFile, File()],
                  kind: Annotated[str, Form()] = "") -> HTMLResponse:
    """Import the uploaded export: its format from the choice, else from the file's extension."""
    principal.require(Permission.ORDERS_WRITE)
    chosen = kind or PurePath(file.filename or "").suffix.lstrip(".").lower()
    if chosen not in IMPORT_KINDS:
        raise InvalidInputError(f"«{file.filename}»: orders are read from {', '.join(IMPORT_KINDS)} files")
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInputError(f"an orders file is at most {MAX_IMPORT_BYTES // 1024 // 1024} MB")
    result = _views.import_orders_file(request.app.state.archive, principal, data, chosen)
    return render(request, "orders_import.html", {"user": principal, "result": result, "kinds": IMPORT_KINDS,
                                                  "filename": file.filename})
