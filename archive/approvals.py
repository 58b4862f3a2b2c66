"""Approval routes (согласование): a document passes steps — legal, then finance, then the director when the
amount is above a threshold — each approver approving or rejecting with a comment.

An approval route is a ``[[approvals]]`` table of finarchive.toml with its ``[[approvals.steps]]`` in order;
a step with ``with_previous = true`` runs in parallel with the step before it (one stage), and a step with
``amount_min`` / ``amount_max`` applies only to documents whose total is in that range (else it is
skipped, and says so). A ``[[routes]]`` rule starts one with ``approval = "<name>"``. Each step of the stage
under way is a task (archive/tasks.py) of its approver; a rejection ends the approval (the other open steps
are cancelled), the last approval finishes it. Every decision is an audit event of the document, so its
history shows the route.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, tasks
from archive.config import CONFIG_NAME, Settings
from archive.models import Approval, ApprovalState, ApprovalStep, Document, StepState, Task, TaskState, utcnow
from finarchive.errors import ConfigurationError, ConflictError, InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from archive.routes import Subject

__all__ = ["ApprovalRoute", "StepRule", "approval_view", "decide", "load_approvals", "start_approval"]

DECIDED = tasks.APPROVAL_DECIDED  # what closes a step's task


@dataclass(frozen=True)
class StepRule:
    name: str
    assign: str | None = None
    group: str | None = None
    due_days: float = 1.0
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    with_previous: bool = False

    def applies(self, amount: Decimal | None) -> bool:
        if self.amount_min is None and self.amount_max is None:
            return True
        if amount is None:
            return False
        return (self.amount_min is None or amount >= self.amount_min) and (
            self.amount_max is None or amount <= self.amount_max)


@dataclass(frozen=True)
class ApprovalRoute:
    name: str
    steps: tuple[StepRule, ...]
    line: int = 0


STEP_KEYS = ("name", "assign", "group", "due_days", "amount_min", "amount_max", "with_previous")


def _step(raw: Any, where: str, groups: dict[str, Any], roles: tuple[str, ...]) -> StepRule:
    from archive.routes import KEYS

    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: шаг — таблица [[approvals.steps]] / a step is a table")
    unknown = [k for k in raw if k not in STEP_KEYS]
    if unknown:
        raise ConfigurationError(f"{where}: неизвестный ключ / unknown key {unknown[0]!r} "
                                 f"(known: {', '.join(STEP_KEYS)})")
    values: dict[str, Any] = {}
    try:
        for key, value in raw.items():
            read = KEYS["stop"][1] if key == "with_previous" else KEYS[key][1]
            values[key] = read(value, key)
    except ValueError as exc:
        raise ConfigurationError(f"{where}: {exc}") from None
    if "name" not in values:
        raise ConfigurationError(f"{where}: у шага нет name / a step needs a name")
    step = StepRule(**values)
    if bool(step.assign) == bool(step.group):
        raise ConfigurationError(f"{where}, шаг «{step.name}» / step {step.name!r}: assign или group (одно) / "
                                 "assign or group (one of them)")
    if step.group and step.group not in groups and step.group not in roles:
        raise ConfigurationError(f"{where}, шаг «{step.name}»: нет группы / no group {step.group!r} in [groups]")
    return step


def load_approvals(settings: Settings) -> dict[str, ApprovalRoute]:
    """The ``[[approvals]]`` routes by name, checked (called with the routes at start-up)."""
    from archive.routes import ROLE_GROUPS

    raw: Any = settings.values.get("approvals") or []
    if not isinstance(raw, list):
        raise ConfigurationError(f"{CONFIG_NAME}: approvals — это таблицы [[approvals]] / must be [[approvals]] tables")
    config = settings.home / CONFIG_NAME
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    headers = [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*approvals\s*\]\]", line)]
    groups = settings.values.get("groups") or {}
    out: dict[str, ApprovalRoute] = {}
    for n, table in enumerate(raw):
        line = headers[n] if n < len(headers) else 0
        where = f"{CONFIG_NAME}, строка {line} / line {line}" if line else CONFIG_NAME
        if not isinstance(table, dict) or not isinstance(table.get("name"), str) or not table["name"].strip():
            raise ConfigurationError(f"{where}: у маршрута согласования нет name / an approval route needs a name")
        name = table["name"].strip()
        unknown = [k for k in table if k not in ("name", "steps")]
        if unknown:
            raise ConfigurationError(f"{where}: неизвестный ключ / unknown key {unknown[0]!r} (name, steps)")
        steps = tuple(_step(s, f"{where} «{name}»", groups, ROLE_GROUPS) for s in table.get("steps") or [])
        if not steps:
            raise ConfigurationError(f"{where} «{name}»: нет шагов [[approvals.steps]] / no steps")
        if steps[0].with_previous:
            raise ConfigurationError(f"{where} «{name}»: первый шаг не может быть with_previous / "
                                     "the first step cannot run with a previous one")
        if name in out:
            raise ConfigurationError(f"{where}: второй маршрут «{name}» / a second approval route {name!r}")
        out[name] = ApprovalRoute(name=name, steps=steps, line=line)
    return out


def _step_subject(step: ApprovalStep, document: Document, base: Subject) -> Subject:
    from dataclasses import replace

    return replace(base, key=f"approval_step:{step.id}",
                   title=f"Согласование «{step.approval.name}», шаг «{step.name}»: {base.title}",
                   path=f"/approvals/{step.approval_id}")


def start_approval(session: Session, route: ApprovalRoute, document: Document, *, actor: str, settings: Settings,
                   now: dt.datetime | None = None) -> Approval:
    """Send ``document`` along ``route`` (an approval already under way on the same route is kept)."""
    running = session.scalar(select(Approval).where(Approval.document_id == document.id, Approval.name == route.name,
                                                    Approval.state == ApprovalState.IN_PROGRESS))
    if running is not None:
        return running
    when = now or utcnow()
    approval = Approval(document_id=document.id, name=route.name, state=ApprovalState.IN_PROGRESS,
                        started_at=when, started_by=actor)
    stage = 0
    for position, rule in enumerate(route.steps):
        stage += 0 if rule.with_previous else 1
        approval.steps.append(ApprovalStep(
            position=position, stage=stage, name=rule.name, assignee=rule.assign, group=rule.group,
            due_days=rule.due_days, state=StepState.WAITING if rule.applies(document.total) else StepState.SKIPPED))
    session.add(approval)
    session.flush()
    audit.record(session, actor=actor, action="approval.started", object_type="approval", object_id=approval.id,
                 document_id=document.id, new=route.name,
                 steps=", ".join(f"{s.name} ({s.state})" if s.state == StepState.SKIPPED else s.name
                                 for s in approval.steps))
    for step in approval.steps:
        if step.state == StepState.SKIPPED:
            audit.record(session, actor=actor, action="approval.step_skipped", object_type="approval_step",
                         object_id=step.id, document_id=document.id, new=step.name, approval=route.name,
                         reason=f"сумма {document.total} вне условия шага / the amount is outside the step's range")
    _advance(session, approval, document, actor=actor, settings=settings, now=when)
    return approval


def _advance(session: Session, approval: Approval, document: Document, *, actor: str, settings: Settings,
             now: dt.datetime) -> None:
    """Start the next stage once every step of the current one is through; finish when none is left."""
    from archive.routes import subject_of_document

    if any(s.state == StepState.PENDING for s in approval.steps):
        return
    waiting = [s for s in approval.steps if s.state == StepState.WAITING]
    if not waiting:
        approval.state = ApprovalState.APPROVED
        approval.finished_at = now
        audit.record(session, actor=actor, action="approval.approved", object_type="approval",
                     object_id=approval.id, document_id=document.id, new=approval.name)
        return
    stage = min(s.stage for s in waiting)
    base = subject_of_document(document)
    for step in waiting:
        if step.stage != stage:
            continue
        step.state = StepState.PENDING
        task = tasks.assign(session, subject=_step_subject(step, document, base), event="approval",
                            route=f"{approval.name}: {step.name}", user=step.assignee, group=step.group,
                            controller=None, due_days=step.due_days, actor=actor, settings=settings, now=now)
        if task is not None:
            step.task_id, step.assignee = task.id, task.assignee


def decide(session: Session, step_id: int, *, approve: bool, comment: str | None, actor: str, settings: Settings,
           admin: bool = False, now: dt.datetime | None = None) -> ApprovalStep:
    """The approver's decision on a pending step; a rejection needs a comment and ends the approval."""
    step = session.get(ApprovalStep, step_id)
    if step is None:
        raise NotFoundError(f"нет шага согласования {step_id} / no approval step {step_id}")
    if step.state != StepState.PENDING:
        raise ConflictError(f"шаг «{step.name}» уже {step.state} / the step is {step.state} already")
    if step.assignee != actor and not admin:
        raise NotFoundError(f"нет шага согласования {step_id} / no approval step {step_id}")  # not theirs
    comment = (comment or "").strip() or None
    if not approve and not comment:
        raise InvalidInputError("отклонение требует комментария / a rejection needs a comment")
    when = now or utcnow()
    approval = step.approval
    document = session.get_one(Document, approval.document_id)
    step.state = StepState.APPROVED if approve else StepState.REJECTED
    step.comment, step.decided_by, step.decided_at = comment, actor, when
    tasks.close_for(session, f"approval_step:{step.id}", DECIDED, actor=actor, now=when)
    audit.record(session, actor=actor, action="approval.step_approved" if approve else "approval.step_rejected",
                 object_type="approval_step", object_id=step.id, document_id=document.id, field=step.name,
                 new=step.state, approval=approval.name, comment=comment)
    if approve:
        _advance(session, approval, document, actor=actor, settings=settings, now=when)
        return step
    for other in approval.steps:
        if other.state in (StepState.PENDING, StepState.WAITING):
            if other.state == StepState.PENDING and other.task_id is not None:
                task = session.get(Task, other.task_id)
                if task is not None and task.state == TaskState.OPEN:
                    tasks.complete_task(session, task.id, actor=actor, cancel=True,
                                        note=f"согласование отклонено на шаге «{step.name}» / rejected")
            other.state = StepState.CANCELLED
    approval.state = ApprovalState.REJECTED
    approval.finished_at = when
    audit.record(session, actor=actor, action="approval.rejected", object_type="approval", object_id=approval.id,
                 document_id=document.id, new=approval.name, step=step.name, comment=comment)
    return step


def approval_view(session: Session, approval_id: int) -> dict[str, Any]:
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFoundError(f"нет согласования {approval_id} / no approval {approval_id}")
    document = session.get_one(Document, approval.document_id)
    return {
        "id": approval.id, "name": approval.name, "state": approval.state, "document_id": document.id,
        "document": {"doc_type": document.doc_type, "number": document.number, "filename": document.filename,
                     "date": document.doc_date.isoformat() if document.doc_date else None,
                     "total": f"{document.total}" if document.total is not None else None,
                     "seller_inn": document.seller_inn,
                     "thumbnail": document.pages[0].thumbnail if document.pages else None},
        "started_at": approval.started_at.isoformat(timespec="minutes"), "started_by": approval.started_by,
        "steps": [{"id": s.id, "name": s.name, "stage": s.stage, "state": s.state, "assignee": s.assignee,
                   "group": s.group, "comment": s.comment, "decided_by": s.decided_by,
                   "decided_at": s.decided_at.isoformat(timespec="minutes") if s.decided_at else None}
                  for s in approval.steps],
    }


def approvals_of(session: Session, document_id: int) -> list[Approval]:
    return list(session.scalars(select(Approval).where(Approval.document_id == document_id).order_by(Approval.id)))
