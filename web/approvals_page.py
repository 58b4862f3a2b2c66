"""The approval page (согласование): a document's approval route, step by step, with approve and reject
(with a comment) for the approver of the step under way. Laid out for a phone as well as a desk."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.approvals import approval_view, decide
from archive.models import ApprovalStep, Document, Role
from archive.users import Principal
from finarchive.errors import InvalidInputError
from web._auth import current_principal

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]

STATE_LABELS = {
    "in_progress": "на согласовании / in progress", "approved": "согласовано / approved",
    "rejected": "отклонено / rejected", "waiting": "ждёт / waiting", "pending": "на рассмотрении / pending",
    "skipped": "не требуется / not needed", "cancelled": "отменено / cancelled",
}


def _page(request: Request, principal: Principal, approval_id: int, *, error: str | None = None,
          status_code: int = 200) -> HTMLResponse:
    from web.pages import _render

    with request.app.state.archive.sessions() as session:
        view = approval_view(session, approval_id)
        principal.check_read(session.get_one(Document, view["document_id"]))
    return _render(request, "approval.html", principal, a=view, STATE_LABELS=STATE_LABELS, error=error,
                   status_code=status_code)


@router.get("/approvals/{approval_id}", response_class=HTMLResponse)
def approval_page(request: Request, principal: Caller, approval_id: int) -> HTMLResponse:
    return _page(request, principal, approval_id)


@router.post("/approvals/steps/{step_id}")
def approval_decide(request: Request, principal: Caller, step_id: int, decision: Annotated[str, Form()],
                    comment: Annotated[str, Form()] = "") -> Response:
    arc = request.app.state.archive
    with arc.sessions() as session:
        step = session.get(ApprovalStep, step_id)
        approval_id = step.approval_id if step is not None else None
    try:
        with arc.transaction() as session:
            decide(session, step_id, approve=decision == "approve", comment=comment, actor=principal.username,
                   settings=arc.settings, admin=principal.role is Role.ADMIN)
    except InvalidInputError as exc:
        if approval_id is None:
            raise
        return _page(request, principal, approval_id, error=str(exc), status_code=400)
    return RedirectResponse(f"/approvals/{approval_id}", status_code=303)
