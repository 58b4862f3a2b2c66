"""The administrator's routes page: the [[routes]] of finarchive.toml in order, added and removed there
(archive.routes.add_route / remove_route check the whole file first and audit the change)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.approvals import load_approvals
from archive.routes import DOC_TYPES, EVENTS, Route, add_route, load_routes, remove_route
from archive.users import Permission, Principal
from finarchive.errors import ConfigurationError, InvalidInputError, NotFoundError
from web._auth import current_principal

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]

CONDITION_KEYS = ("outlets", "doc_types", "inns", "amount_min", "amount_max", "confidence_min", "confidence_max")


def _row(route: Route) -> dict[str, Any]:
    data = route.as_dict()
    shown = {k: ", ".join(map(str, v)) if isinstance(v, list) else v
             for k, v in data.items() if k not in ("name", "on")}
    return {"name": route.name, "on": route.on, "line": route.line,
            "conditions": {k: v for k, v in shown.items() if k in CONDITION_KEYS},
            "actions": {k: v for k, v in shown.items() if k not in CONDITION_KEYS}}


def _page(request: Request, principal: Principal, *, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    from web.pages import _render

    settings = request.app.state.archive.settings
    approvals = [{"name": a.name, "steps": [s.name for s in a.steps]} for a in load_approvals(settings).values()]
    return _render(request, "routes.html", principal, routes=[_row(r) for r in load_routes(settings)],
                   approvals=approvals, events=EVENTS, doc_types=DOC_TYPES, error=error, status_code=status_code)


@router.get("/admin/routes", response_class=HTMLResponse)
def routes_page(request: Request, principal: Caller) -> HTMLResponse:
    principal.require(Permission.USERS)
    return _page(request, principal)


def _list(text: str) -> list[str] | None:
    items = [part.strip() for part in text.split(",") if part.strip()]
    return items or None


def _number(text: str, key: str) -> Decimal | None:
    text = text.strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInputError(f"{key}: «{text}» — не число / not a number") from None


@router.post("/admin/routes")
def routes_add(request: Request, principal: Caller, name: Annotated[str, Form()], on: Annotated[str, Form()],
               outlet: Annotated[str, Form()] = "", doc_type: Annotated[str, Form()] = "",
               counterparty_inn: Annotated[str, Form()] = "", amount_min: Annotated[str, Form()] = "",
               amount_max: Annotated[str, Form()] = "", assign: Annotated[str, Form()] = "",
               group: Annotated[str, Form()] = "", due_days: Annotated[str, Form()] = "",
               controller: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "",
               webhook: Annotated[str, Form()] = "", approval: Annotated[str, Form()] = "") -> Response:
    principal.require(Permission.USERS)
    try:
        due = _number(due_days, "due_days")
        table = {"name": name.strip(), "on": on, "outlet": _list(outlet), "doc_type": doc_type or None,
                 "counterparty_inn": _list(counterparty_inn), "amount_min": _number(amount_min, "amount_min"),
                 "amount_max": _number(amount_max, "amount_max"), "assign": assign.strip(), "group": group.strip(),
                 "due_days": float(due) if due is not None else None, "controller": controller.strip(),
                 "email": _list(email), "webhook": _list(webhook), "approval": approval.strip()}
        add_route(request.app.state.archive, table, actor=principal.username)
    except (ConfigurationError, InvalidInputError) as exc:
        return _page(request, principal, error=str(exc), status_code=400)
    return RedirectResponse("/admin/routes", status_code=303)


@router.post("/admin/routes/remove")
def routes_remove(request: Request, principal: Caller, name: Annotated[str, Form()]) -> Response:
    principal.require(Permission.USERS)
    try:
        remove_route(request.app.state.archive, name, actor=principal.username)
    except NotFoundError as exc:
        return _page(request, principal, error=str(exc), status_code=404)
    return RedirectResponse("/admin/routes", status_code=303)
