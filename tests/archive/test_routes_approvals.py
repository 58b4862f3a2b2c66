"""Approval routes: steps in order and in parallel, a step only above an amount, approve and reject with a
comment, each step a task; the document's history shows the route. Real SQLite (and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from archive.approvals import decide
from archive.models import Approval, AuditEvent, Document, Task
from archive.tasks import list_tasks
from archive.users import add_user
from archive.verification import verify_document
from finarchive.errors import ConfigurationError, InvalidInputError, NotFoundError
from tests.archive import factories
from tests.archive.test_routes import open_with

APPROVALS = '''[groups]
legal = ["lena"]

[[approvals]]
name = "contracts"
[[approvals.steps]]
name = "Юрист"
group = "legal"
due_days = 2
[[approvals.steps]]
name = "Финансовый директор"
assign = "fedor"
[[approvals.steps]]
name = "Бухгалтерия"
assign = "anna"
with_previous = true
[[approvals.steps]]
name = "Директор"
assign = "dmitry"
amount_min = 1000000

[[routes]]
name = "contracts to approval"
on = "verified"
doc_type = "contract"
approval = "contracts"
'''


def approval_archive(env: dict[str, str]):
    arc = open_with(env, APPROVALS)
    with arc.transaction() as s:
        for name in ("lena", "fedor", "anna", "dmitry"):
            add_user(s, name, None, "accountant")
    return arc


def _contract(arc, total: str) -> int:
    with arc.transaction() as s:
        doc = factories.document(s, "contract", total=total)
        verify_document(s, doc, actor="anna")
        return doc.id


def _pending(arc, doc_id: int) -> dict[str, int]:
    with arc.sessions() as s:
        approval = s.scalars(select(Approval).where(Approval.document_id == doc_id)).one()
        return {step.assignee: step.id for step in approval.steps if step.state == "pending"}


def _decide(arc, step_id: int, who: str, approve: bool = True, comment: str | None = "ок") -> None:
    with arc.transaction() as s:
        decide(s, step_id, approve=approve, comment=comment, actor=who, settings=arc.settings)


def test_a_contract_above_the_threshold_passes_legal_finance_and_the_director(archive_env: dict[str, str]) -> None:
    arc = approval_archive(archive_env)
    try:
        doc_id = _contract(arc, "2500000.00")
        assert list(_pending(arc, doc_id)) == ["lena"]  # the group's one member has the first task
        with arc.sessions() as s:
            (task,) = list_tasks(s, user="lena")
            assert "Юрист" in task.title and task.event == "approval"
        _decide(arc, _pending(arc, doc_id)["lena"], "lena", comment="юридически чисто")
        pending = _pending(arc, doc_id)
        assert sorted(pending) == ["anna", "fedor"]  # in parallel
        _decide(arc, pending["fedor"], "fedor")
        assert list(_pending(arc, doc_id)) == ["anna"]  # the director waits for both
        _decide(arc, pending["anna"], "anna")
        _decide(arc, _pending(arc, doc_id)["dmitry"], "dmitry")
        with arc.sessions() as s:
            approval = s.scalars(select(Approval)).one()
            assert approval.state == "approved" and [st.state for st in approval.steps] == ["approved"] * 4
            assert approval.steps[0].comment == "юридически чисто" and approval.steps[0].decided_by == "lena"
            assert list_tasks(s) == [] and {t.state for t in s.scalars(select(Task))} == {"done"}
            history = [(e.action, e.field) for e in s.scalars(select(AuditEvent).where(
                AuditEvent.document_id == doc_id, AuditEvent.action.like("approval.%")).order_by(AuditEvent.id))]
            assert history == [("approval.started", None), ("approval.step_approved", "Юрист"),
                               ("approval.step_approved", "Финансовый директор"),
                               ("approval.step_approved", "Бухгалтерия"), ("approval.step_approved", "Директор"),
                               ("approval.approved", None)]
    finally:
        arc.close()


def test_below_the_threshold_the_director_is_skipped(tmp_path: Path) -> None:
    arc = approval_archive({"FINARCHIVE_HOME": str(tmp_path / "home")})
    try:
        doc_id = _contract(arc, "400000.00")
        _decide(arc, _pending(arc, doc_id)["lena"], "lena")
        for who, step in _pending(arc, doc_id).items():
            _decide(arc, step, who)
        with arc.sessions() as s:
            approval = s.scalars(select(Approval)).one()
            assert approval.state == "approved" and approval.steps[-1].state == "skipped"
            assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "approval.step_skipped")) is not None
    finally:
        arc.close()


def test_a_rejection_needs_a_comment_ends_the_approval_and_only_the_approver_decides(tmp_path: Path) -> None:
    arc = approval_archive({"FINARCHIVE_HOME": str(tmp_path / "home")})
    try:
        doc_id = _contract(arc, "2500000.00")
        step = _pending(arc, doc_id)["lena"]
        with pytest.raises(NotFoundError):
            _decide(arc, step, "fedor")  # not his step
        with pytest.raises(InvalidInputError, match="comment"):
            _decide(arc, step, "lena", approve=False, comment=" ")
        _decide(arc, step, "lena", approve=False, comment="нет подписи на приложении")
        with arc.sessions() as s:
            approval = s.scalars(select(Approval)).one()
            assert approval.state == "rejected"
            assert [st.state for st in approval.steps] == ["rejected", "cancelled", "cancelled", "cancelled"]
            assert list_tasks(s) == []
            assert s.get_one(Document, doc_id).status == "verified"  # the document itself is as it was
    finally:
        arc.close()


@pytest.mark.parametrize(("extra", "says"), [
    ('[[approvals]]\nname = "x"\n', "no steps"),
    ('[[approvals]]\nname = "x"\n[[approvals.steps]]\nname = "a"\n', "assign or group"),
    ('[[approvals]]\nname = "x"\n[[approvals.steps]]\nname = "a"\nassign = "b"\nwith_previous = true\n',
     "first step"),
    ('[[routes]]\nname = "r"\non = "verified"\napproval = "nope"\n', "no approval route 'nope'"),
])
def test_a_bad_approval_route_fails_at_start_up(tmp_path: Path, extra: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        open_with({"FINARCHIVE_HOME": str(tmp_path / "home")}, extra)
