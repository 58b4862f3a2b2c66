"""The audit trail: every change is an AuditEvent with who, when, old and new value."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None = None,
    document_id: int | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add one audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        actor=actor or "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        document_id=document_id,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        details={k: (v if isinstance(v, (int, float, bool, type(None))) else str(v)) for k, v in details.items()},
    )
    session.add(event)
    return event


def history(session: Session, document_id: int) -> list[AuditEvent]:
    """A document's history, oldest first."""
    stmt = select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.id)
    return list(session.scalars(stmt))
