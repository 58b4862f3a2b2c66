"""An outlet's transfer registers (``/outlet/registers``): make one of the originals it still has to send,
print it, see the earlier ones and what became of them (archive/originals.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from archive.models import Original, OriginalState, Outlet, TransferRegister
from archive.users import Permission, Principal
from web import _views
from web._auth import current_principal
from web._templates import query_with, render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]


def _chosen(principal: Principal, code: str) -> str | None:
    return principal.outlet_code if not principal.can(Permission.ORIGINALS) else (code.strip() or None)


@router.get("/outlet/registers", response_class=HTMLResponse)
def registers_page(request: Request, principal: Caller, code: str = "", made: str = "") -> HTMLResponse:
    """The originals waiting to go on a register, the outlet's registers with their PDFs and states."""
    principal.require(Permission.ORIGINALS, Permission.ORIGINALS_OWN)
    outlet_code = _chosen(principal, code)
    waiting, registers = [], []
    if outlet_code:
        with request.app.state.archive.sessions() as session:
            outlet = session.scalar(select(Outlet).where(Outlet.code == outlet_code))
            if outlet is not None:
                waiting = [{"barcode": o.barcode, "document_id": o.document_id, "filename": o.document.filename,
                            "doc_type": o.document.doc_type, "due_date": o.due_date}
                           for o in session.scalars(select(Original).where(
                               Original.outlet_id == outlet.id, Original.state == OriginalState.EXPECTED,
                               Original.register_id.is_(None)).order_by(Original.due_date, Original.id))]
                rows = list(session.scalars(select(TransferRegister).where(TransferRegister.outlet_id == outlet.id)
                                            .order_by(TransferRegister.id.desc()).limit(50)))
                counts = dict(session.execute(
                    select(Original.register_id, func.count()).where(Original.register_id.in_([r.id for r in rows]))
                    .group_by(Original.register_id)).tuples().all())
                registers = [{"code": r.code, "state": r.state, "created_at": r.created_at, "created_by": r.created_by,
                              "originals": counts.get(r.id, 0), "received_at": r.received_at,
                              "pdf_url": f"/api/originals/registers/{r.code}/pdf" if r.pdf else None} for r in rows]
    return render(request, "registers.html", {"user": principal, "code": outlet_code or "", "waiting": waiting,
                                              "registers": registers, "made": made})


@router.post("/outlet/registers")
def make_register(request: Request, principal: Caller, outlet: Annotated[str, Form()] = "") -> RedirectResponse:
    made = _views.make_register(request.app.state.archive, principal, outlet or None)
    query = query_with({}, made=made["code"], code=made["outlet"] if principal.can(Permission.ORIGINALS) else None)
    return RedirectResponse(f"/outlet/registers?{query}", status_code=303)
