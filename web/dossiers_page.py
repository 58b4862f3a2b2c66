"""The counterparty dossier page (досье контрагента): its documents, orders, originals owed, and what its
dossier kind still lacks; a form files a document into it by hand (archive/dossiers.py)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive import dossiers
from archive.users import Permission, Principal
from web import _views
from web._auth import current_principal
from web._i18n import N_
from web._templates import Labels

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]

ROLE_NAMES = Labels({"seller": N_("seller (supplier)"), "buyer": N_("buyer (customer)"),
                     "filed": N_("filed by hand")})


@router.get("/counterparties", response_class=HTMLResponse)
def counterparties_page(request: Request, principal: Caller, inn: str = "", cursor: str = "") -> Response:
    """An INN to open, and the counterparties whose dossier lacks items (keyset pages by INN)."""
    from web.pages import _render

    principal.require(Permission.READ_ALL, Permission.READ_OWN)
    if inn.strip():
        return RedirectResponse(f"/counterparties/{quote(inn.strip(), safe='')}", status_code=303)
    arc = request.app.state.archive
    with arc.sessions() as session:
        page = _views.incomplete_dossiers_data(session, arc, principal, cursor=cursor or None)
    return _render(request, "counterparties.html", principal, page=page)


@router.get("/counterparties/{inn}", response_class=HTMLResponse)
def dossier_page(request: Request, principal: Caller, inn: str, cursor: str = "") -> HTMLResponse:
    from web.pages import _render

    arc = request.app.state.archive
    with arc.sessions() as session:
        view = _views.dossier_data(session, arc, principal, inn, cursor=cursor or None)
    items = {name: {"ru": i.label, "en": i.label_en} for name, i in dossiers.item_names(arc.settings).items()}
    return _render(request, "dossier.html", principal, d=view, inn=inn, ROLE_NAMES=ROLE_NAMES, items=items)


@router.post("/counterparties/{inn}/file")
def dossier_file(request: Request, principal: Caller, inn: str, document_id: Annotated[int, Form()],
                 item: Annotated[str, Form()] = "") -> RedirectResponse:
    view = _views.change_dossier(request.app.state.archive, principal, inn, document_id, item=item or None)
    return RedirectResponse(f"/counterparties/{view['inn']}", status_code=303)
