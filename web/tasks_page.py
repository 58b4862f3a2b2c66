"""The «Мои задачи» (my tasks) page, for every role: the open tasks routes gave the user, and those they
control; a task can be closed by hand there (verifying its document closes it by itself)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import ApprovalStep, Role, Task
from archive.tasks import complete_task, list_tasks, task_view
from archive.users import Principal
from finarchive.errors import NotFoundError
from web._auth import current_principal

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]


def _link(session: Session, task: Task) -> str | None:
    """Where the work is: an approval step's page, else the document's."""
    if task.subject.startswith("approval_step:"):
        approval_id = session.scalar(select(ApprovalStep.approval_id).where(ApprovalStep.task_id == task.id))
        if approval_id is not None:
            return f"/approvals/{approval_id}"
    return f"/documents/{task.document_id}" if task.document_id else None


def _row(session: Session, task: Task) -> dict:
    view = task_view(task)
    view["link"] = _link(session, task)
    return view


@router.get("/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, principal: Caller) -> HTMLResponse:
    from web.pages import _render

    with request.app.state.archive.sessions() as session:
        mine = [_row(session, t) for t in list_tasks(session, user=principal.username)]
        controlled = [_row(session, t) for t in list_tasks(session, controller=principal.username)
                      if t.assignee != principal.username]
    return _render(request, "tasks.html", principal, mine=mine, controlled=controlled,
                   overdue=sum(t["overdue"] for t in mine))


@router.post("/tasks/{task_id}/done")
def task_done(request: Request, principal: Caller, task_id: int) -> RedirectResponse:
    """Close a task by hand: its assignee, its controller or an administrator may."""
    with request.app.state.archive.transaction() as session:
        task = session.get(Task, task_id)
        if task is None or (principal.role is not Role.ADMIN
                            and principal.username not in (task.assignee, task.controller)):
            raise NotFoundError(f"нет задачи {task_id} / no task {task_id}")
        complete_task(session, task_id, actor=principal.username, note="закрыта в «Моих задачах» / by hand")
    return RedirectResponse("/tasks", status_code=303)
