"""Bulk actions of the document list: verify, reject, set the type, link to an order — many documents at once.

Each document goes through the very function its single action calls (``verification.verify_document``,
``reject_document``, ``correct_field``, ``orders.link_document``), so the checks and the audit entry are
the same, one per document; each in its own transaction, so a document that cannot take the action (already
verified, validation errors, not readable by the caller) is reported and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from archive.indexing import index_documents
from archive.models import Document
from archive.users import Permission, Principal
from archive.views import get_document
from finarchive.errors import FinarchiveError, InvalidInputError

MAX_BULK = 500  # documents in one bulk action


class BulkAction(StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    SET_TYPE = "set_type"
    LINK = "link"


# What each action needs of the caller: the permission its single action asks.
PERMISSIONS: dict[BulkAction, Permission] = {
    BulkAction.VERIFY: Permission.VERIFY,
    BulkAction.REJECT: Permission.VERIFY,
    BulkAction.SET_TYPE: Permission.VERIFY,
    BulkAction.LINK: Permission.ORDERS_WRITE,
}


@dataclass(frozen=True)
class BulkOptions:
    reason: str = ""  # reject: what the outlet reads
    doc_type: str = ""  # set_type
    order_no: str = ""  # link
    force: bool = False  # verify: accept even with validation errors (audited as forced)


@dataclass(frozen=True)
class Skipped:
    document_id: int
    message: str


@dataclass(frozen=True)
class BulkReport:
    action: BulkAction
    done: tuple[int, ...] = ()
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)


def _verify(session: Session, document: Document, options: BulkOptions, actor: str) -> None:
    from archive.verification import validation_errors, verify_document

    errors = [] if options.force else validation_errors(document)
    if errors:  # the single action asks first; in bulk the document is left for the desk
        raise InvalidInputError("; ".join(errors))
    verify_document(session, document, actor=actor, force=options.force)


def _reject(session: Session, document: Document, options: BulkOptions, actor: str) -> None:
    from archive.verification import reject_document

    reject_document(session, document, options.reason, actor=actor)


def _set_type(session: Session, document: Document, options: BulkOptions, actor: str) -> None:
    from archive.verification import correct_field

    correct_field(session, document, "doc_type", options.doc_type, actor=actor)


def _link(session: Session, document: Document, options: BulkOptions, actor: str) -> None:
    from archive.orders import link_document

    link_document(session, options.order_no, document.id, actor=actor)


STEPS: dict[BulkAction, Callable[[Session, Document, BulkOptions, str], None]] = {
    BulkAction.VERIFY: _verify,
    BulkAction.REJECT: _reject,
    BulkAction.SET_TYPE: _set_type,
    BulkAction.LINK: _link,
}


def _check(action: BulkAction, options: BulkOptions) -> None:
    """What the whole batch lacks is bad input at once, not one refusal per document."""
    from archive.verification import DOC_TYPES

    if action is BulkAction.REJECT and not options.reason.strip():
        raise InvalidInputError("a rejection needs a reason (the outlet sees it)")
    if action is BulkAction.SET_TYPE and options.doc_type not in DOC_TYPES:
        raise InvalidInputError(f"«{options.doc_type}» — нет такого типа документа / not a document type")
    if action is BulkAction.LINK and not options.order_no.strip():
        raise InvalidInputError("which order? / какой заказ?")


def apply_bulk(arc, principal: Principal, action: str, ids: Sequence[int], options: BulkOptions) -> BulkReport:
    """Take ``action`` on each of ``ids`` the caller may read; report what was done and what was not, and why."""
    try:
        chosen = BulkAction(action)
    except ValueError as exc:
        raise InvalidInputError(f"action «{action}»: one of {', '.join(BulkAction)}") from exc
    principal.require(PERMISSIONS[chosen])
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInputError("no documents chosen / не выбрано ни одного документа")
    if len(unique) > MAX_BULK:
        raise InvalidInputError(f"at most {MAX_BULK} documents at once / не больше {MAX_BULK} за раз")
    _check(chosen, options)
    if chosen is BulkAction.LINK:
        from archive.orders import get_order

        with arc.sessions() as session:
            get_order(session, options.order_no)  # an unknown order is one error, not one per document
    done: list[int] = []
    skipped: list[Skipped] = []
    for doc_id in unique:
        try:
            with arc.transaction() as session:
                document = principal.check_read(get_document(session, doc_id))
                STEPS[chosen](session, document, options, principal.username)
        except FinarchiveError as exc:
            skipped.append(Skipped(doc_id, str(exc)))
        else:
            done.append(doc_id)
    if done:
        index_documents(arc, done)
    return BulkReport(action=chosen, done=tuple(done), skipped=tuple(skipped))
