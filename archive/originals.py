"""Paper originals: from the outlet, through a transfer register, to a box on a shelf, until destruction.

Every change of state goes through :func:`transition`, which checks the table :data:`TRANSITIONS`,
writes an :class:`OriginalEvent` (who, when, why) and an audit event. Illegal moves raise ConflictError.

Barcodes: an original is ``OR`` + its document id (``OR0000123``), a register ``TR`` + its id
(``TR000045``); both are Code 128 on the printed register, so a head-office scanner reads them as typed text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, object_session, selectinload

from archive import audit, retention, zreports
from archive._barcodes_pdf import SheetRow, act_pdf, read_codes, register_pdf
from archive.blobs import BlobStore
from archive.paging import KeysetPage, SortKey, keyset_page
from archive.config import Settings
from archive.reconcile import electronic_copies_of, electronic_copy_of, is_electronic
from archive.routes import original_moved
from archive.models import (
    DestructionAct,
    Document,
    Original,
    OriginalEvent,
    OriginalState,
    Outlet,
    StorageBox,
    TransferRegister,
    utcnow,
)
from finarchive.errors import ConflictError, InvalidInputError, NotFoundError

__all__ = [
    "TRANSITIONS",
    "ReceiveReport",
    "RegisterDiff",
    "codes_from_scans",
    "create_box",
    "create_register",
    "destroy_box",
    "expect_original",
    "file_originals",
    "get_original",
    "issue_original",
    "keep_until",
    "mark_lost",
    "original_barcode",
    "original_view",
    "outstanding_report",
    "owed_page",
    "owed_summary",
    "receive",
    "return_original",
    "set_legal_hold",
    "transition",
]

S = OriginalState

# The state machine: from-state → the states it may move to.
TRANSITIONS: dict[OriginalState, frozenset[OriginalState]] = {
    S.NOT_REQUIRED: frozenset({S.EXPECTED}),
    S.EXPECTED: frozenset({S.IN_TRANSIT, S.RECEIVED, S.LOST, S.NOT_REQUIRED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED, S.LOST, S.EXPECTED}),
    S.RECEIVED: frozenset({S.ARCHIVED, S.ISSUED, S.LOST}),
    S.ARCHIVED: frozenset({S.ISSUED, S.LOST, S.DESTROYED}),
    S.ISSUED: frozenset({S.ARCHIVED, S.RECEIVED, S.LOST}),
    S.LOST: frozenset({S.RECEIVED}),  # found again
    S.DESTROYED: frozenset(),
}

# States in which the outlet still owes head office the paper.
OWED = (S.EXPECTED, S.IN_TRANSIT)

ORIGINAL_PREFIX = "OR"
REGISTER_PREFIX = "TR"
ACT_PREFIX = "DA"


def original_barcode(document_id: int) -> str:
    return f"{ORIGINAL_PREFIX}{document_id:07d}"


def _register_code(register_id: int) -> str:
    return f"{REGISTER_PREFIX}{register_id:06d}"


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _now(today: dt.date | None) -> dt.datetime:
    """Event time: now, or noon of ``today`` when a test or a back-dated run gives the day."""
    return utcnow() if today is None else dt.datetime.combine(today, dt.time(12, 0))


# -- the state machine -------------------------------------------------------------------------------


def transition(
    session: Session,
    original: Original,
    to_state: OriginalState | str,
    *,
    actor: str,
    note: str | None = None,
    register: TransferRegister | None = None,
    box: StorageBox | None = None,
    at: dt.datetime | None = None,
) -> OriginalEvent:
    """Move ``original`` to ``to_state`` if the table allows it; record the event and the audit entry."""
    target = OriginalState(to_state)
    current = OriginalState(original.state)
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing"
        raise ConflictError(f"original {original.barcode} is {current}: it cannot become {target} "
                            f"(from {current} only: {allowed})")
    original.state = target
    event = OriginalEvent(
        from_state=current, to_state=target, actor=actor, note=note, at=at or utcnow(),
        register_id=register.id if register is not None else None, box_id=box.id if box is not None else None,
    )
    original.events.append(event)
    audit.record(session, actor=actor, action="original.state", object_type="original", object_id=original.id,
                 document_id=original.document_id, field="state", old=current, new=target,
                 barcode=original.barcode, note=note,
                 register=register.code if register is not None else None,
                 box=box.code if box is not None else None)
    original_moved(session, original, target, actor=actor)  # routes: an overdue original's task is done
    return event


# -- configuration: what needs an original, when it is due, how long it is kept ----------------------


def keep_until(settings: Settings, doc_type: str | None, doc_date: dt.date | None,
               *, fallback: dt.date | None = None) -> dt.date | None:
    """The last day of the retention period (archive/retention.py: the law's table with its sources, the
    administrator's overrides); None when it runs from an end the archive does not know (a contract's expiry)."""
    return retention.keep_until(settings, doc_type, doc_date or fallback)


def expect_original(
    session: Session, document: Document, settings: Settings, *, actor: str, today: dt.date | None = None
) -> Original | None:
    """The commit hook: a document whose type needs its paper original gets one, ``expected`` with a due date.

    Idempotent: a document that already has an Original keeps it. Documents of other types get none.
    """
    required = set(settings.get("originals", "required") or ())
    if document.doc_type not in required or is_electronic(document):  # an ЭДО document is its own original
        return None
    existing = session.scalar(select(Original).where(Original.document_id == document.id))
    if existing is not None:
        return existing
    day = _today(today)
    due = day + dt.timedelta(days=int(settings.get("originals", "due_days") or 14))
    original = Original(
        document_id=document.id,
        barcode=original_barcode(document.id),
        state=S.EXPECTED,
        outlet_id=document.outlet_id,
        due_date=due,
        keep_until=keep_until(settings, document.doc_type, document.doc_date, fallback=day),
        created_at=_now(today),
    )
    session.add(original)
    session.flush()
    original.events.append(OriginalEvent(from_state=None, to_state=S.EXPECTED, actor=actor, at=_now(today),
                                         note=f"{document.doc_type} committed"))
    audit.record(session, actor=actor, action="original.expected", object_type="original", object_id=original.id,
                 document_id=document.id, field="state", new=S.EXPECTED, barcode=original.barcode,
                 due_date=due.isoformat(), keep_until=str(original.keep_until))
    return original


# -- look-ups ----------------------------------------------------------------------------------------


def get_original(session: Session, code: str) -> Original:
    original = session.scalar(select(Original).where(Original.barcode == code.strip().upper()))
    if original is None:
        raise NotFoundError(f"no original with barcode {code!r}")
    return original


def _outlet(session: Session, code: str) -> Outlet:
    outlet = session.scalar(select(Outlet).where(Outlet.code == code))
    if outlet is None:
        raise NotFoundError(f"no outlet {code!r}")
    return outlet


def _box(session: Session, code: str) -> StorageBox:
    box = session.scalar(select(StorageBox).where(StorageBox.code == code))
    if box is None:
        raise NotFoundError(f"no storage box {code!r} (create it with `finarchive originals box create`)")
    return box


def _row(original: Original) -> SheetRow:
    d = original.document
    return SheetRow(barcode=original.barcode, doc_type=d.doc_type or "?", number=d.number or "",
                    date=d.doc_date.isoformat() if d.doc_date else "", filename=d.filename)


# -- transfer registers --------------------------------------------------------------------------------


def create_register(
    session: Session, blobs: BlobStore, outlet_code: str, *, actor: str, today: dt.date | None = None
) -> TransferRegister:
    """Gather the outlet's expected, unsent originals into a register, print it, and put them in transit.

    The PDF is written to the blob store under ``registers/`` (``register.pdf`` is its key).
    """
    outlet = _outlet(session, outlet_code)
    originals = list(session.scalars(
        select(Original).where(Original.outlet_id == outlet.id, Original.state == S.EXPECTED,
                               Original.register_id.is_(None)).order_by(Original.id)
    ))
    if not originals:
        raise ConflictError(f"outlet {outlet_code} has no expected originals to send")
    at = _now(today)
    register = TransferRegister(code=f"pending-{outlet.id}-{at:%Y%m%d%H%M%S%f}", outlet_id=outlet.id,
                                state="sent", created_at=at, created_by=actor)
    session.add(register)
    session.flush()
    register.code = _register_code(register.id)
    for original in originals:
        original.register_id = register.id
        transition(session, original, S.IN_TRANSIT, actor=actor, register=register, at=at,
                   note=f"sent on register {register.code}")
    pdf = blobs.root / "registers" / f"{register.code}.pdf"
    register_pdf(pdf, code=register.code, outlet=outlet.code + (f" {outlet.name}" if outlet.name else ""),
                 created_at=at, actor=actor, rows=[_row(o) for o in originals])
    register.pdf = blobs.key_of(pdf)
    audit.record(session, actor=actor, action="register.created", object_type="transfer_register",
                 object_id=register.id, new=register.code, outlet=outlet.code, originals=len(originals))
    return register


@dataclass(frozen=True)
class RegisterDiff:
    """One register after a receipt: what was on it, what has arrived, what is still missing."""

    code: str
    outlet: str
    listed: tuple[str, ...]
    received: tuple[str, ...]
    missing: tuple[str, ...]
    state: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "outlet": self.outlet, "state": self.state, "listed": list(self.listed),
                "received": list(self.received), "missing": list(self.missing)}


@dataclass(frozen=True)
class ReceiveReport:
    """What a receiving session found: originals taken in, per-register differences, surprises."""

    received: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()  # received, but on no register in transit
    already: tuple[str, ...] = ()  # scanned again: already at head office
    unknown: tuple[str, ...] = ()  # no such barcode
    registers: tuple[RegisterDiff, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {"received": list(self.received), "unexpected": list(self.unexpected),
                "already": list(self.already), "unknown": list(self.unknown),
                "registers": [r.as_dict() for r in self.registers]}


def _normalise_code(code: str) -> str:
    return code.strip().upper()


def receive(
    session: Session, codes: Iterable[str], *, actor: str, today: dt.date | None = None
) -> ReceiveReport:
    """Mark the originals whose barcodes were scanned ``received``; report per register what is missing.

    A register's own code names it for the report even when none of its originals came.
    """
    at = _now(today)
    received: list[str] = []
    unexpected: list[str] = []
    already: list[str] = []
    unknown: list[str] = []
    registers: dict[int, TransferRegister] = {}
    seen: set[str] = set()
    for raw in codes:
        code = _normalise_code(raw)
        if not code or code in seen:
            continue
        seen.add(code)
        if code.startswith(REGISTER_PREFIX):
            register = session.scalar(select(TransferRegister).where(TransferRegister.code == code))
            if register is not None:
                registers[register.id] = register
                continue
        original = session.scalar(select(Original).where(Original.barcode == code))
        if original is None:
            unknown.append(code)
            continue
        state = OriginalState(original.state)
        if state in (S.RECEIVED, S.ARCHIVED, S.ISSUED):
            already.append(code)
            continue
        if state == S.IN_TRANSIT and original.register is not None:
            registers[original.register.id] = original.register
            transition(session, original, S.RECEIVED, actor=actor, register=original.register, at=at,
                       note=f"received on register {original.register.code}")
        else:
            unexpected.append(code)
            transition(session, original, S.RECEIVED, actor=actor, at=at, note="received without a register")
        received.append(code)
    session.flush()
    diffs = []
    for register in sorted(registers.values(), key=lambda r: r.id):
        listed = list(session.scalars(
            select(Original).where(Original.register_id == register.id).order_by(Original.id)))
        missing = tuple(o.barcode for o in listed if o.state == S.IN_TRANSIT)
        old = register.state
        register.state = "sent" if missing else "received"
        register.received_at = register.received_at or at
        if register.state != old:
            audit.record(session, actor=actor, action="register.state", object_type="transfer_register",
                         object_id=register.id, field="state", old=old, new=register.state, code=register.code)
        diffs.append(RegisterDiff(
            code=register.code, outlet=register.outlet.code, listed=tuple(o.barcode for o in listed),
            received=tuple(o.barcode for o in listed if o.state != S.IN_TRANSIT), missing=missing,
            state=register.state,
        ))
    return ReceiveReport(received=tuple(received), unexpected=tuple(unexpected), already=tuple(already),
                         unknown=tuple(unknown), registers=tuple(diffs))


# -- storage ---------------------------------------------------------------------------------------------


def create_box(session: Session, code: str, *, location: str | None, actor: str) -> StorageBox:
    code = code.strip()
    if not code:
        raise InvalidInputError("a box needs a code")
    if session.scalar(select(StorageBox).where(StorageBox.code == code)) is not None:
        raise ConflictError(f"box {code} exists already")
    box = StorageBox(code=code, location=location, state="open")
    session.add(box)
    session.flush()
    audit.record(session, actor=actor, action="box.created", object_type="storage_box", object_id=box.id,
                 new=code, location=location)
    return box


def file_originals(
    session: Session, box_code: str, codes: Iterable[str], *, actor: str, today: dt.date | None = None
) -> list[Original]:
    """Put received (or returned) originals into a box: they become ``archived``."""
    box = _box(session, box_code)
    if box.state != "open":
        raise ConflictError(f"box {box.code} is {box.state}: nothing can be filed into it")
    filed = []
    for code in codes:
        original = get_original(session, code)
        original.box_id = box.id
        transition(session, original, S.ARCHIVED, actor=actor, box=box, at=_now(today), note=f"filed in {box.code}")
        filed.append(original)
    return filed


def issue_original(session: Session, code: str, *, to: str, until: dt.date | None, actor: str,
                   today: dt.date | None = None) -> Original:
    """Give an original out (to an auditor, a court, a manager) until a date."""
    if not to.strip():
        raise InvalidInputError("say whom the original is issued to")
    original = get_original(session, code)
    transition(session, original, S.ISSUED, actor=actor, at=_now(today),
               note=f"issued to {to}" + (f" until {until.isoformat()}" if until else ""))
    original.issued_to = to
    original.issued_until = until
    return original


def return_original(session: Session, code: str, *, actor: str, today: dt.date | None = None) -> Original:
    """An issued original comes back: into its box (``archived``) or, without a box, ``received``."""
    original = get_original(session, code)
    target = S.ARCHIVED if original.box_id is not None else S.RECEIVED
    transition(session, original, target, actor=actor, at=_now(today), box=original.box,
               note=f"returned by {original.issued_to}")
    original.issued_to = None
    original.issued_until = None
    return original


def mark_lost(session: Session, code: str, *, reason: str, actor: str, today: dt.date | None = None) -> Original:
    if not reason.strip():
        raise InvalidInputError("a lost original needs a reason")
    original = get_original(session, code)
    transition(session, original, S.LOST, actor=actor, at=_now(today), note=reason)
    original.lost_reason = reason
    return original


def set_legal_hold(session: Session, code: str, *, hold: bool, reason: str | None, actor: str) -> Original:
    """Put or lift a legal hold; a held original is never destroyed, whatever its retention."""
    original = get_original(session, code)
    if hold and not (reason or "").strip():
        raise InvalidInputError("a legal hold needs a reason")
    old = original.legal_hold
    original.legal_hold = hold
    original.hold_reason = reason if hold else None
    audit.record(session, actor=actor, action="original.legal_hold", object_type="original",
                 object_id=original.id, document_id=original.document_id, field="legal_hold", old=old, new=hold,
                 reason=reason, barcode=original.barcode)
    return original


def destroy_box(
    session: Session, blobs: BlobStore, box_code: str, *, actor: str, note: str | None = None,
    today: dt.date | None = None, settings: Settings | None = None,
) -> DestructionAct:
    """Destroy a box's originals and record the act — refused if any is held, in retention or out of the box."""
    day = _today(today)
    box = _box(session, box_code)
    if box.state == "destroyed":
        raise ConflictError(f"box {box.code} was destroyed already")
    originals = list(session.scalars(
        select(Original).where(Original.box_id == box.id, Original.state != S.DESTROYED).order_by(Original.id)))
    if not originals:
        raise ConflictError(f"box {box.code} holds no originals")
    blockers = []
    for o in originals:
        if o.legal_hold:
            blockers.append(f"{o.barcode}: legal hold ({o.hold_reason})")
        elif o.keep_until is None:
            blockers.append(f"{o.barcode}: in retention, {retention.period(settings, o.document.doc_type).basis()}; "
                            "its end is not known")
        elif o.keep_until >= day:
            blockers.append(f"{o.barcode}: in retention until {o.keep_until}")
        elif o.state != S.ARCHIVED:
            blockers.append(f"{o.barcode}: {o.state}, not in the box")
    if blockers:
        raise ConflictError(f"box {box.code} cannot be destroyed: " + "; ".join(blockers))
    at = _now(today)
    act = DestructionAct(code=f"pending-{box.id}-{at:%Y%m%d%H%M%S%f}", box_id=box.id, created_at=at, actor=actor,
                         note=note)
    session.add(act)
    session.flush()
    act.code = f"{ACT_PREFIX}{act.id:06d}"
    for o in originals:
        o.destruction_act_id = act.id
        transition(session, o, S.DESTROYED, actor=actor, box=box, at=at, note=f"act {act.code}")
    box.state = "destroyed"
    pdf = blobs.root / "acts" / f"{act.code}.pdf"
    grounds = sorted({retention.period(settings, o.document.doc_type).basis() for o in originals})
    act_pdf(pdf, code=act.code, box=box.code, location=box.location, created_at=at, actor=actor, note=note,
            rows=[_row(o) for o in originals], grounds=grounds)
    act.pdf = blobs.key_of(pdf)
    audit.record(session, actor=actor, action="box.destroyed", object_type="destruction_act", object_id=act.id,
                 new=act.code, box=box.code, originals=len(originals), grounds="; ".join(grounds))
    return act


# -- reports ---------------------------------------------------------------------------------------------


def _item(o: Original, day: dt.date, copies: dict[int, int] | None = None) -> dict[str, Any]:
    """An original as the reports list it; ``copies`` (:func:`electronic_copies_of` of a page's documents)
    saves a query an item."""
    d = o.document
    overdue = o.state in OWED and o.due_date is not None and o.due_date < day
    session = object_session(o)
    if copies is not None:
        electronic = copies.get(o.document_id)
    else:
        electronic = electronic_copy_of(session, o.document_id) if session is not None else None
    return {
        "electronic_copy": electronic,
        "barcode": o.barcode, "state": o.state, "document_id": o.document_id, "doc_type": d.doc_type,
        "number": d.number, "doc_date": d.doc_date.isoformat() if d.doc_date else None,
        "due_date": o.due_date.isoformat() if o.due_date else None, "overdue": overdue,
        "days_overdue": (day - o.due_date).days if overdue and o.due_date else 0,
        "register": o.register.code if o.register else None,
    }


def outstanding_report(
    session: Session, *, outlet: str | None = None, overdue_only: bool = False, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """What each outlet still owes (expected = never sent, in_transit = sent, not yet arrived), overdue first,
    and the Z-reports of shifts its cash registers closed that never arrived (``zreports_missing``)."""
    day = _today(today)
    stmt = select(Original).where(Original.state.in_(list(OWED)))
    if outlet:
        stmt = stmt.where(Original.outlet_id == _outlet(session, outlet).id)
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for o in session.scalars(stmt):
        item = _item(o, day)
        if overdue_only and not item["overdue"]:
            continue
        by_outlet.setdefault(o.outlet.code if o.outlet else "-", []).append(item)
    missing_z: dict[str, list[dict[str, Any]]] = {}
    for z in zreports.owed_zreports(session, outlet):
        missing_z.setdefault(z["outlet"] or "-", []).append(z)
        by_outlet.setdefault(z["outlet"] or "-", [])
    report = []
    for code, items in by_outlet.items():
        items.sort(key=lambda i: (not i["overdue"], i["due_date"] or "", i["barcode"]))
        report.append({
            "outlet": code,
            "owed": len(items),
            "overdue": sum(i["overdue"] for i in items),
            "never_sent": sum(i["state"] == S.EXPECTED for i in items),
            "in_transit": sum(i["state"] == S.IN_TRANSIT for i in items),
            "items": items,
            "zreports_missing": missing_z.get(code, []),
        })
    report.sort(key=lambda r: (-r["overdue"] - len(r["zreports_missing"]), -r["owed"], r["outlet"]))
    return report


OWED_ORDER = [SortKey(Original.due_date), SortKey(Original.id)]  # the longest overdue first


def owed_summary(session: Session, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """What each outlet owes, as counts only (``owed``, ``overdue``, ``never_sent``, ``in_transit``), most overdue
    first: counted in the index ix_original_owed, so the desk costs the same at a million documents. The items
    come a page at a time from :func:`owed_page`; the whole list from :func:`outstanding_report`."""
    day = _today(today)
    late = func.sum(case((Original.due_date < day, 1), else_=0))
    rows = session.execute(select(Original.outlet_id, Original.state, func.count(), late)
                           .where(Original.state.in_(list(OWED))).group_by(Original.outlet_id, Original.state))
    codes: dict[int, str] = dict(session.execute(select(Outlet.id, Outlet.code)).all())
    by_outlet: dict[str, dict[str, Any]] = {}
    for outlet_id, state, n, overdue in rows:
        code = codes.get(outlet_id, "-") if outlet_id is not None else "-"
        entry = by_outlet.setdefault(code, {"outlet": code, "owed": 0, "overdue": 0, "never_sent": 0, "in_transit": 0})
        entry["owed"] += n
        entry["overdue"] += int(overdue or 0)
        entry["never_sent" if state == S.EXPECTED else "in_transit"] += n
    return sorted(by_outlet.values(), key=lambda r: (-r["overdue"], -r["owed"], r["outlet"]))


def owed_page(session: Session, *, outlet: str | None = None, cursor: str | None = None, limit: int = 50,
              today: dt.date | None = None) -> tuple[list[dict[str, Any]], KeysetPage[Original]]:
    """One page of the originals still owed (of one outlet, or of all), the longest overdue first, as the
    items of :func:`outstanding_report`; with the page for its ``next`` and ``previous`` cursors."""
    stmt = (select(Original).where(Original.state.in_(list(OWED)))  # of the document and register what _item shows
            .options(selectinload(Original.document).load_only(Document.doc_type, Document.number, Document.doc_date),
                     selectinload(Original.register).load_only(TransferRegister.code)))
    if outlet == "-":  # as owed_summary names the originals of no outlet
        stmt = stmt.where(Original.outlet_id.is_(None))
    elif outlet:
        stmt = stmt.where(Original.outlet_id == _outlet(session, outlet).id)
    page = keyset_page(session, stmt, OWED_ORDER, cursor=cursor, limit=limit)
    day = _today(today)
    copies = electronic_copies_of(session, [o.document_id for o in page.items])
    return [_item(o, day, copies) for o in page.items], page


def original_view(session: Session, code: str) -> dict[str, Any]:
    """One original with its whole history."""
    o = get_original(session, code)
    view = _item(o, dt.date.today())
    view.update({
        "outlet": o.outlet.code if o.outlet else None, "box": o.box.code if o.box else None,
        "location": o.box.location if o.box else None,
        "keep_until": o.keep_until.isoformat() if o.keep_until else None, "legal_hold": o.legal_hold,
        "hold_reason": o.hold_reason, "issued_to": o.issued_to,
        "issued_until": o.issued_until.isoformat() if o.issued_until else None, "lost_reason": o.lost_reason,
        "events": [{"at": e.at.isoformat(timespec="seconds"), "from": e.from_state, "to": e.to_state,
                    "actor": e.actor, "note": e.note} for e in o.events],
    })
    return view


def codes_from_scans(paths: Sequence[str | Path]) -> list[str]:
    """Barcodes read from scans of registers or cover sheets (images or PDFs)."""
    return read_codes(paths)
