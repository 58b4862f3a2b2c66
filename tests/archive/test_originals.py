"""Paper originals: expected on commit, sent on a register, received, filed, issued, held, destroyed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from archive import originals as orig
from archive.models import AuditEvent, DestructionAct, Original, OriginalEvent, OriginalState, TransferRegister
from finarchive.errors import ConflictError, InvalidInputError, NotFoundError
from tests.archive import factories as f

S = OriginalState
DAY0 = dt.date(2026, 3, 16)
TEN_SCANS = ["waybill", "upd", "vat_invoice", "invoice", "contract", "waybill", "z_report",
             "sales_report", "receipt", "upd"]  # 8 need an original, 2 do not; the last comes after the register


def _commit(arc, session, doc_type, outlet="SPB-02", today=DAY0, **kw):
    doc = f.document(session, doc_type, outlet_code=outlet, **kw)
    return doc, orig.expect_original(session, doc, arc.settings, actor="pipeline", today=today)


def test_end_to_end_outlet_register_receive_file_destroy(archive) -> None:
    with archive.transaction() as s:
        made = [_commit(archive, s, t)[1] for t in TEN_SCANS[:9]]
        other = _commit(archive, s, "waybill", outlet="MSK-01")[1]
    assert sum(o is not None for o in made) == 7
    assert all(o.state == S.EXPECTED and o.due_date == DAY0 + dt.timedelta(days=14) for o in made if o)

    with archive.transaction() as s:
        register = orig.create_register(s, archive.blobs, "SPB-02", actor="outlet-clerk", today=DAY0)
        reg_code = register.code
        _, late = _commit(archive, s, TEN_SCANS[9], today=DAY0 + dt.timedelta(days=10))  # after the register
        assert late is not None
    with archive.sessions() as s:
        expected = s.scalar(select(func.count()).select_from(Original).where(Original.outlet_id.is_not(None)))
        assert expected == 9  # 8 of SPB-02, 1 of MSK-01
        on_register = list(s.scalars(select(Original).where(Original.register_id.is_not(None)).order_by(Original.id)))
        assert len(on_register) == 7 and {o.state for o in on_register} == {S.IN_TRANSIT}
        sent = [o.barcode for o in on_register]
        assert archive.blobs.path(s.get(TransferRegister, register.id).pdf).read_bytes()[:5] == b"%PDF-"

    with archive.transaction() as s:
        report = orig.receive(s, [reg_code, *sent[:6], other.barcode, "OR9999999", sent[0]], actor="accountant",
                              today=DAY0 + dt.timedelta(days=3))
    assert report.received == (*sent[:6], other.barcode)
    assert report.unexpected == (other.barcode,)
    assert report.unknown == ("OR9999999",)
    (diff,) = report.registers
    assert diff.code == reg_code and diff.missing == (sent[6],) and len(diff.received) == 6
    assert diff.state == "sent"  # still waiting for one

    with archive.sessions() as s:
        owed = orig.outstanding_report(s, outlet="SPB-02", today=DAY0 + dt.timedelta(days=20))
    (spb,) = owed
    assert (spb["in_transit"], spb["never_sent"], spb["overdue"]) == (1, 1, 1)
    assert spb["items"][0]["overdue"] and spb["items"][0]["barcode"] == sent[6]  # overdue first
    assert spb["items"][1]["barcode"] == late.barcode

    contract = sent[4]  # kept 5 years after the contract expires (приказ Росархива № 236): no end by date
    with archive.transaction() as s:
        orig.create_box(s, "B-2026-01", location="стеллаж 3, полка 2", actor="archivist")
        orig.create_box(s, "C-2026-01", location="стеллаж 1", actor="archivist")
        filed = orig.file_originals(s, "B-2026-01", [*sent[:4], sent[5], other.barcode], actor="archivist")
        (kept,) = orig.file_originals(s, "C-2026-01", [contract], actor="archivist")
        assert {o.state for o in filed} == {S.ARCHIVED}
        keep = {o.keep_until for o in filed}
        assert kept.keep_until is None
    assert keep == {dt.date(2031, 12, 31)}  # 5 years after the end of fiscal 2026
    with archive.transaction() as s, pytest.raises(ConflictError, match="its end is not known"):
        orig.destroy_box(s, archive.blobs, "C-2026-01", actor="archivist", today=dt.date(2040, 1, 1))

    with archive.transaction() as s, pytest.raises(ConflictError, match="in retention until 2031-12-31"):
        orig.destroy_box(s, archive.blobs, "B-2026-01", actor="archivist", today=dt.date(2031, 12, 31))
    with archive.sessions() as s:
        assert s.scalar(select(func.count()).select_from(DestructionAct)) == 0
    with archive.transaction() as s:
        act = orig.destroy_box(s, archive.blobs, "B-2026-01", actor="archivist", today=dt.date(2032, 1, 1))
        act_code = act.code
    with archive.sessions() as s:
        states = s.scalars(select(Original.state).where(Original.destruction_act_id.is_not(None))).all()
        assert sorted(states) == [S.DESTROYED] * 6
        act = s.scalar(select(DestructionAct).where(DestructionAct.code == act_code))
        assert archive.blobs.path(act.pdf).exists()
        # Every transition is an event with who: expected → in_transit → received → archived → destroyed.
        first = s.scalar(select(Original).where(Original.barcode == sent[0]))
        assert [(e.to_state, e.actor) for e in first.events] == [
            (S.EXPECTED, "pipeline"), (S.IN_TRANSIT, "outlet-clerk"), (S.RECEIVED, "accountant"),
            (S.ARCHIVED, "archivist"), (S.DESTROYED, "archivist"),
        ]
        audited = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "original.state"))
        assert audited == s.scalar(select(func.count()).select_from(OriginalEvent)
                                   .where(OriginalEvent.from_state.is_not(None)))


def test_types_not_required_get_no_original_and_commit_twice_keeps_one(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        doc, none = _commit(arc, s, "receipt")
        assert none is None
        doc, first = _commit(arc, s, "upd")
        again = orig.expect_original(s, doc, arc.settings, actor="pipeline", today=DAY0)
        assert again is first
        assert first is not None and first.barcode == f"OR{doc.id:07d}"
        assert len(first.events) == 1


def test_retention_per_type_from_configuration(tmp_path) -> None:
    from archive.store import Archive

    home = tmp_path / "home"
    home.mkdir()
    (home / "finarchive.toml").write_text(
        '[originals]\nrequired = ["contract"]\ndue_days = 5\nretention_by_type = { contract = 10 }\n',
        encoding="utf-8")
    with Archive.init(home, environ={}) as arc, arc.transaction() as s:
        _, none = _commit(arc, s, "waybill")
        _, contract = _commit(arc, s, "contract", doc_date=dt.date(2025, 6, 1))
        assert none is None
        assert contract.due_date == DAY0 + dt.timedelta(days=5)
        assert contract.keep_until == dt.date(2035, 12, 31)


def test_illegal_transitions_are_refused_and_leave_no_trace(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        _, o = _commit(arc, s, "waybill")
        with pytest.raises(ConflictError, match="expected: it cannot become archived"):
            orig.transition(s, o, S.ARCHIVED, actor="x")
        with pytest.raises(ConflictError):
            orig.transition(s, o, S.DESTROYED, actor="x")
        with pytest.raises(NotFoundError):
            orig.file_originals(s, "no-such-box", [o.barcode], actor="x")
        assert o.state == S.EXPECTED and len(o.events) == 1
    assert set(orig.TRANSITIONS) == set(OriginalState)
    assert orig.TRANSITIONS[S.DESTROYED] == frozenset()
    for targets in orig.TRANSITIONS.values():
        assert targets <= set(OriginalState)


def test_issue_return_lost_and_found(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        _, o = _commit(arc, s, "contract")
        orig.receive(s, [o.barcode], actor="acc")
        orig.create_box(s, "B1", location="room 4", actor="acc")
        orig.file_originals(s, "B1", [o.barcode], actor="acc")
        with pytest.raises(InvalidInputError):
            orig.issue_original(s, o.barcode, to=" ", until=None, actor="acc")
        orig.issue_original(s, o.barcode, to="аудитор Иванова", until=dt.date(2026, 4, 1), actor="acc")
        assert (o.state, o.issued_to, o.issued_until) == (S.ISSUED, "аудитор Иванова", dt.date(2026, 4, 1))
        with pytest.raises(ConflictError):
            orig.destroy_box(s, arc.blobs, "B1", actor="acc", today=dt.date(2040, 1, 1))
        orig.return_original(s, o.barcode, actor="acc")
        assert (o.state, o.issued_to, o.box.code) == (S.ARCHIVED, None, "B1")
        orig.mark_lost(s, o.barcode, reason="не найден при инвентаризации", actor="acc")
        assert o.state == S.LOST and o.lost_reason
        report = orig.receive(s, [o.barcode.lower()], actor="acc")  # found again; scanner case does not matter
        assert report.unexpected == (o.barcode,) and o.state == S.RECEIVED
        assert orig.original_view(s, o.barcode)["events"][-1]["to"] == S.RECEIVED
        with pytest.raises(NotFoundError):
            orig.get_original(s, "OR0000000")


def test_legal_hold_blocks_destruction_after_retention(sqlite_archive) -> None:
    arc = sqlite_archive
    with arc.transaction() as s:
        _, o = _commit(arc, s, "waybill", doc_date=dt.date(2020, 2, 1))
        orig.receive(s, [o.barcode], actor="acc")
        orig.create_box(s, "OLD", location=None, actor="acc")
        orig.file_originals(s, "OLD", [o.barcode], actor="acc")
        with pytest.raises(InvalidInputError):
            orig.set_legal_hold(s, o.barcode, hold=True, reason="", actor="lawyer")
        orig.set_legal_hold(s, o.barcode, hold=True, reason="суд А40-1234/2026", actor="lawyer")
    with arc.transaction() as s, pytest.raises(ConflictError, match="legal hold"):
        orig.destroy_box(s, arc.blobs, "OLD", actor="acc", today=dt.date(2030, 1, 1))
    with arc.transaction() as s:
        orig.set_legal_hold(s, o.barcode, hold=False, reason=None, actor="lawyer")
        act = orig.destroy_box(s, arc.blobs, "OLD", actor="acc", today=dt.date(2030, 1, 1))
        assert act.code.startswith("DA")
    with arc.transaction() as s, pytest.raises(ConflictError, match="destroyed already"):
        orig.destroy_box(s, arc.blobs, "OLD", actor="acc", today=dt.date(2030, 1, 1))


def test_register_pdf_barcodes_read_back_from_a_rendered_scan(sqlite_archive, tmp_path) -> None:
    import pypdfium2

    arc = sqlite_archive
    with arc.transaction() as s:
        barcodes = [_commit(arc, s, t)[1].barcode for t in ("waybill", "upd", "invoice", "contract")]
        register = orig.create_register(s, arc.blobs, "SPB-02", actor="clerk", today=DAY0)
        code, pdf = register.code, arc.blobs.path(register.pdf)
    with pytest.raises(ConflictError, match="no expected originals"), arc.transaction() as s:
        orig.create_register(s, arc.blobs, "SPB-02", actor="clerk")
    # The register printed, then scanned at head office: a 150-dpi grey image of its page.
    document = pypdfium2.PdfDocument(str(pdf))
    scan = tmp_path / "register-scan.png"
    document[0].render(scale=150 / 72).to_pil().convert("L").save(scan)
    document.close()
    codes = orig.codes_from_scans([scan])
    assert codes[0] == code and sorted(codes[1:]) == sorted(barcodes)
    with arc.transaction() as s:
        report = orig.receive(s, codes, actor="acc")
    assert report.registers[0].missing == () and report.registers[0].state == "received"
    assert report.unexpected == ()
    with pytest.raises(InvalidInputError):
        orig.codes_from_scans([tmp_path / "missing.png"])
