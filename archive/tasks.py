"""Tasks: work a route gave someone, with a deadline and a controller.

A task is made by a route's ``assign`` (a user) or ``group`` (the member with the fewest open tasks) and
is ``open`` until the work is done: the events of its subject listed in :data:`CLOSES_ON` close it
(a review task when its document is verified or rejected, an overdue original's when the paper arrives),
or someone closes it by hand. Before its deadline the assignee is reminded (``[workflow] remind_hours``);
after it the controller is told (an escalation), once each. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit, notify
from archive.config import Settings
from archive.models import Outlet, Role, Task, TaskState, User, utcnow
from finarchive.errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from archive.routes import Subject

__all__ = [
    "CLOSES_ON",
    "assign",
    "close_for",
    "complete_task",
    "list_tasks",
    "remind",
    "task_view",
]

# Signals that are not route events: the work of a task done elsewhere.
ORIGINAL_RECEIVED = "original_received"
ORDER_COMPLETE = "order_complete"
ZREPORT_RECEIVED = "zreport_received"
APPROVAL_DECIDED = "approval_decided"
DOSSIER_COMPLETE = "dossier_complete"

# A task made on an event is done when its subject sees one of these (else it is closed by hand).
CLOSES_ON: dict[str, tuple[str, ...]] = {
    "archived": ("verified", "rejected"),
    "needs_review": ("verified", "rejected"),
    "verified": (),
    "rejected": (),
    "original_overdue": (ORIGINAL_RECEIVED,),
    "zreport_missing": (ZREPORT_RECEIVED,),
    "order_incomplete": (ORDER_COMPLETE,),
    "document_linked": (),
    "order_complete": (),
    "dossier_incomplete": (DOSSIER_COMPLETE,),
    "approval": (APPROVAL_DECIDED,),  # a step of an approval route (archive/approvals.py)
}


def _open_count(session: Session, username: str) -> int:
    return session.scalar(select(func.count(Task.id)).where(Task.assignee == username,
                                                            Task.state == TaskState.OPEN)) or 0


def _members(session: Session, settings: Settings, group: str, outlet: str | None) -> list[str]:
    """The active users of a group: a [groups] list, a role, or "outlet" (the subject's outlet's users)."""
    configured = (settings.values.get("groups") or {}).get(group)
    if configured:
        names = set(session.scalars(select(User.username).where(User.username.in_(configured), User.active)))
        return [n for n in configured if n in names] or list(configured)
    stmt = select(User.username).where(User.active, User.role == Role(group).value)
    if group == Role.OUTLET:
        stmt = stmt.join(Outlet, User.outlet_id == Outlet.id).where(Outlet.code == (outlet or ""))
    return sorted(session.scalars(stmt))


def _open_task(session: Session, subject_key: str, route: str) -> Task | None:
    return session.scalar(select(Task).where(Task.subject == subject_key, Task.route == route,
                                             Task.state == TaskState.OPEN))


def assign(session: Session, *, subject: Subject, event: str, route: str, user: str | None, group: str | None,
           controller: str | None, due_days: float, actor: str, settings: Settings,
           now: dt.datetime | None = None) -> Task | None:
    """A task for ``subject`` (one open task per subject and route: an event raised again makes no second).

    A group's task goes to its member with the fewest open tasks (the first listed among equals); a group
    with nobody in it makes no task (logged in the audit as ``task.unassigned``)."""
    existing = _open_task(session, subject.key, route)
    if existing is not None:
        return existing
    when = now or utcnow()
    assignee = user
    if group:
        members = _members(session, settings, group, subject.outlet)
        if not members:
            audit.record(session, actor=actor, action="task.unassigned", object_type="route",
                         document_id=subject.document_id, new=route, group=group, subject=subject.key,
                         reason="группа пуста / the group has no active users")
            return None
        assignee = min(members, key=lambda name: (_open_count(session, name), members.index(name)))
    assert assignee is not None
    task = Task(title=subject.title, event=event, route=route, subject=subject.key, document_id=subject.document_id,
                order_id=subject.order_id, outlet_code=subject.outlet, assignee=assignee, assignee_group=group,
                controller=controller, due_at=when + dt.timedelta(days=due_days), state=TaskState.OPEN,
                closes_on=list(CLOSES_ON.get(event, ())), created_at=when, created_by=actor)
    session.add(task)
    session.flush()
    audit.record(session, actor=actor, action="task.created", object_type="task", object_id=task.id,
                 document_id=subject.document_id, new=assignee, route=route, event=event, group=group,
                 controller=controller, due_at=task.due_at.isoformat(timespec="minutes"))
    notify.tell_user(session, settings, assignee, notify.task_message("assigned", task, settings), task=task,
                     actor=actor)
    return task


def close_for(session: Session, subject_key: str, signal: str, *, actor: str, now: dt.datetime | None = None) -> int:
    """Close the open tasks of ``subject_key`` that ``signal`` (an event or a done-signal) completes."""
    closed = 0
    for task in session.scalars(select(Task).where(Task.subject == subject_key, Task.state == TaskState.OPEN)):
        if signal in (task.closes_on or ()):
            _close(session, task, TaskState.DONE, actor=actor, note=signal, now=now)
            closed += 1
    return closed


def _close(session: Session, task: Task, state: TaskState, *, actor: str, note: str | None,
           now: dt.datetime | None = None) -> None:
    old = task.state
    task.state = state
    task.closed_at = now or utcnow()
    task.closed_by = actor
    task.close_note = note
    audit.record(session, actor=actor, action="task.closed", object_type="task", object_id=task.id,
                 document_id=task.document_id, field="state", old=old, new=state, note=note)


def complete_task(session: Session, task_id: int, *, actor: str, note: str | None = None,
                  cancel: bool = False) -> Task:
    """Close a task by hand: done (the work was done another way) or cancelled (it was not needed)."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"нет задачи {task_id} / no task {task_id}")
    if task.state != TaskState.OPEN:
        raise ConflictError(f"задача {task_id} уже закрыта ({task.state}) / task {task_id} is {task.state} already")
    _close(session, task, TaskState.CANCELLED if cancel else TaskState.DONE, actor=actor, note=note or "by hand")
    return task


def list_tasks(session: Session, *, user: str | None = None, overdue: bool = False, state: str | None = "open",
               controller: str | None = None, now: dt.datetime | None = None, limit: int = 1000) -> list[Task]:
    """Tasks, soonest deadline first: of a user (as assignee), or of a controller; overdue only if asked."""
    stmt = select(Task).order_by(Task.due_at, Task.id).limit(limit)
    if state:
        stmt = stmt.where(Task.state == state)
    if user:
        stmt = stmt.where(Task.assignee == user)
    if controller:
        stmt = stmt.where(Task.controller == controller)
    if overdue:
        stmt = stmt.where(Task.state == TaskState.OPEN, Task.due_at < (now or utcnow()))
    return list(session.scalars(stmt))


def task_view(task: Task, now: dt.datetime | None = None) -> dict[str, Any]:
    when = now or utcnow()
    return {
        "id": task.id, "title": task.title, "state": task.state, "event": task.event, "route": task.route,
        "subject": task.subject, "document_id": task.document_id, "order_id": task.order_id,
        "outlet": task.outlet_code, "assignee": task.assignee, "group": task.assignee_group,
        "controller": task.controller, "due_at": task.due_at.isoformat(timespec="seconds"),
        "overdue": task.state == TaskState.OPEN and task.due_at < when,
        "created_at": task.created_at.isoformat(timespec="seconds"),
        "closed_at": task.closed_at.isoformat(timespec="seconds") if task.closed_at else None,
        "closed_by": task.closed_by, "reminded": task.reminded_at is not None,
        "escalated": task.escalated_at is not None,
    }


def remind(session: Session, settings: Settings, *, actor: str = "scheduler",
           now: dt.datetime | None = None) -> tuple[int, int]:
    """Remind assignees of deadlines within ``[workflow] remind_hours``; tell controllers (and assignees) of
    deadlines passed. Each task is reminded once and escalated once. Returns (reminded, escalated)."""
    when = now or utcnow()
    ahead = dt.timedelta(hours=float(settings.get("workflow", "remind_hours") or 0))
    reminded = escalated = 0
    open_tasks = select(Task).where(Task.state == TaskState.OPEN).order_by(Task.due_at, Task.id)
    for task in session.scalars(open_tasks):
        if task.due_at <= when and task.escalated_at is None:
            task.escalated_at = when
            for name in dict.fromkeys(n for n in (task.controller, task.assignee) if n):
                notify.tell_user(session, settings, name, notify.task_message("overdue", task, settings), task=task,
                                 actor=actor)
            audit.record(session, actor=actor, action="task.escalated", object_type="task", object_id=task.id,
                         document_id=task.document_id, new=task.controller or task.assignee,
                         due_at=task.due_at.isoformat(timespec="minutes"))
            escalated += 1
        elif when < task.due_at <= when + ahead and task.reminded_at is None:
            task.reminded_at = when
            notify.tell_user(session, settings, task.assignee, notify.task_message("reminder", task, settings),
                             task=task, actor=actor)
            audit.record(session, actor=actor, action="task.reminded", object_type="task", object_id=task.id,
                         document_id=task.document_id, new=task.assignee,
                         due_at=task.due_at.isoformat(timespec="minutes"))
            reminded += 1
    return reminded, escalated
