"""Z-report continuity: the sequence check on its own, then on a real SQLite archive, then on real scans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from archive.zreports import ZReport, continuity

KKT_A, FN_A = "0000111122223333", "9960440300112233"
KKT_B, FN_B = "0000444455556666", "7380440300445566"
DAY0 = dt.date(2026, 3, 1)


def shifts(kkt: str, fn: str, numbers: range, *, first_id: int, fd0: int = 100, skip: tuple[int, ...] = (),
           outlet: str = "SPB-01") -> list[ZReport]:
    """One Z-report a day; each shift takes 40-odd fiscal documents (receipts and the open/close reports)."""
    out = []
    for k, n in enumerate(numbers):
        if n in skip:
            continue
        out.append(ZReport(document_id=first_id + k, kkt_reg_no=kkt, fn_no=fn, shift_no=n, fd_no=fd0 + 43 * k,
                           date=DAY0 + dt.timedelta(days=k), total=Decimal(10_000 + 17 * k), outlet=outlet))
    return out


def by_fn(registers, fn):
    return next(r for r in registers if r.fn_no == fn)


def misread(report: ZReport, shift: int | None) -> ZReport:
    return ZReport(**{**report.__dict__, "shift_no": shift})


def test_two_registers_one_missing_shift_is_named_and_nothing_else():
    a = shifts(KKT_A, FN_A, range(20, 32), first_id=1, skip=(26,))
    b = shifts(KKT_B, FN_B, range(1, 13), first_id=100)
    registers, unplaced = continuity(a + b)
    ra, rb = by_fn(registers, FN_A), by_fn(registers, FN_B)
    assert [m["shift_no"] for m in ra.missing] == [26]
    assert ra.missing[0]["after"]["shift_no"] == 25 and ra.missing[0]["before"]["shift_no"] == 27
    assert rb.missing == [] and ra.doubtful == rb.doubtful == [] and ra.duplicates == rb.duplicates == []
    assert ra.out_of_order == rb.out_of_order == [] and unplaced == []
    assert [s.shift_no for s in rb.shifts] == list(range(1, 13))
    assert ra.kkt_reg_no == KKT_A and ra.outlet == "SPB-01"


@pytest.mark.parametrize("read_as", [19, 7, 5, 200, None])  # far off, an existing number, its neighbour's, none
def test_a_misread_shift_number_invents_no_gap(read_as):
    a = shifts(KKT_A, FN_A, range(20, 32), first_id=1, skip=(26,))
    b = shifts(KKT_B, FN_B, range(1, 13), first_id=100)
    b[8] = misread(b[8], read_as)  # shift 9 read otherwise (or not at all)
    registers, _ = continuity(a + b)
    ra, rb = by_fn(registers, FN_A), by_fn(registers, FN_B)
    assert [m["shift_no"] for m in ra.missing] == [26]
    assert rb.missing == [] and rb.duplicates == [] and rb.out_of_order == []
    assert [(d["document_id"], d["likely_shift"], d["field"]) for d in rb.doubtful] == [(108, 9, "shift_no")]
    assert 108 not in {s.document_id for s in rb.shifts}


def test_misread_next_to_the_missing_shift_is_uncertain_not_silent():
    """Shift 5 missing and shift 6 read as 9: one of 5 and 6 is missing, and which cannot be told."""
    reports = shifts(KKT_A, FN_A, range(1, 11), first_id=1, skip=(5,))
    reports[4] = misread(reports[4], 9)  # the report of shift 6
    (register,), _ = continuity(reports)
    assert [(m["shift_no"], m.get("uncertain")) for m in register.missing] == [(5, True), (6, True)]
    assert [d["document_id"] for d in register.doubtful] == [reports[4].document_id]


def test_misread_fd_number_keeps_its_shift():
    reports = shifts(KKT_A, FN_A, range(1, 11), first_id=1)
    reports[6] = ZReport(**{**reports[6].__dict__, "fd_no": 12})  # shift 7's ФД read as 12
    (register,), _ = continuity(reports)
    assert register.missing == []
    assert [(d["field"], d["likely_shift"]) for d in register.doubtful] == [("fd_no", 7)]


def test_same_report_scanned_twice_is_a_duplicate():
    reports = shifts(KKT_A, FN_A, range(1, 8), first_id=1)
    reports.append(ZReport(**{**reports[3].__dict__, "document_id": 99}))
    (register,), _ = continuity(reports)
    assert register.duplicates == [{"shift_no": 4, "document_ids": [4, 99]}]
    assert register.missing == register.doubtful == []


def test_verified_report_against_the_sequence_is_out_of_order():
    """A person confirmed shift 40 where ФД and date put shift 4: out of order, not a gap of 36 shifts."""
    reports = shifts(KKT_A, FN_A, range(1, 8), first_id=1)
    reports[3] = ZReport(**{**reports[3].__dict__, "shift_no": 40, "verified": True})
    (register,), _ = continuity(reports)
    assert [d["document_id"] for d in register.out_of_order] == [4]
    assert register.missing == [] and register.doubtful == []


def test_verified_misread_out_of_order_when_it_cannot_be_on_the_chain():
    reports = shifts(KKT_A, FN_A, range(1, 8), first_id=1)
    reports[3] = ZReport(**{**reports[3].__dict__, "shift_no": 2, "verified": True})  # two shift 2s, both sure
    reports[1] = ZReport(**{**reports[1].__dict__, "verified": True})
    (register,), _ = continuity(reports)
    assert [d["document_id"] for d in register.out_of_order] == [4]
    assert register.doubtful == []


def test_fn_read_one_digit_off_joins_its_register_as_doubtful():
    reports = shifts(KKT_A, FN_A, range(1, 9), first_id=1)
    reports[5] = ZReport(**{**reports[5].__dict__, "fn_no": FN_A[:-1] + "4"})
    registers, _ = continuity(reports)
    assert len(registers) == 1 and registers[0].missing == []
    assert [(d["document_id"], d["field"]) for d in registers[0].doubtful] == [(6, "fn_no")]


def test_report_without_register_is_unplaced():
    reports = shifts(KKT_A, FN_A, range(1, 5), first_id=1)
    reports.append(ZReport(document_id=50, shift_no=3, date=DAY0))
    registers, unplaced = continuity(reports)
    assert [d["document_id"] for d in unplaced] == [50] and registers[0].missing == []


# -- on a real SQLite archive ---------------------------------------------------------------------------

def _z_document(session, report: ZReport, *, status: str = "processed"):
    from archive.models import Field
    from tests.archive import factories

    doc = factories.document(session, "z_report", outlet_code=report.outlet, number=None, doc_date=report.date,
                             total=str(report.total) if report.total is not None else None, buyer_inn=None)
    doc.number, doc.status = None, status
    doc.fields = [f for f in doc.fields if f.name in ("date", "total")]
    for name in ("kkt_reg_no", "fn_no", "shift_no", "fd_no"):
        value = getattr(report, name)
        if value is not None:
            doc.fields.append(Field(name=name, value=str(value), confidence=0.9))
    session.flush()
    return doc


def _sales_report(session, outlet: str, day: dt.date, total: str):
    from tests.archive import factories

    return factories.document(session, "sales_report", outlet_code=outlet, doc_date=day, total=total, buyer_inn=None)


def test_report_from_the_database_with_days_and_what_outlets_owe(archive):  # SQLite and PostgreSQL
    from archive.originals import outstanding_report
    from archive.zreports import owed_zreports, zreports_report

    a = shifts(KKT_A, FN_A, range(20, 32), first_id=1, skip=(26,), outlet="SPB-01")
    b = shifts(KKT_B, FN_B, range(1, 13), first_id=100, outlet="MSK-02")
    b[8] = misread(b[8], 19)
    with archive.transaction() as session:
        ids = {}
        for r in a + b:
            ids[r.document_id] = _z_document(session, r).id
        _sales_report(session, "SPB-01", DAY0, str(a[0].total))  # agrees
        _sales_report(session, "MSK-02", DAY0 + dt.timedelta(days=2), "99.00")  # disagrees
    with archive.sessions() as session:
        report = zreports_report(session, archive.settings)
        owed = owed_zreports(session, "SPB-01")
        only_b = zreports_report(session, outlet="MSK-02")
        late = zreports_report(session, since=DAY0 + dt.timedelta(days=9))
        head_office = {r["outlet"]: r for r in outstanding_report(session)}
    registers = {r["fn_no"]: r for r in report["registers"]}
    assert [m["shift_no"] for m in registers[FN_A]["missing"]] == [26] and registers[FN_B]["missing"] == []
    assert [(d["document_id"], d["likely_shift"]) for d in registers[FN_B]["doubtful"]] == [(ids[108], 9)]
    assert registers[FN_A]["outlet"] == "SPB-01" and registers[FN_A]["kkt_reg_no"] == KKT_A
    assert [(d["outlet"], d["date"], d["z_total"], d["sales_total"]) for d in report["days"]] == [
        ("MSK-02", "2026-03-03", f"{b[2].total:.2f}", "99.00")]
    assert [(o["outlet"], o["shift_no"]) for o in owed] == [("SPB-01", 26)]
    assert [z["shift_no"] for z in head_office["SPB-01"]["zreports_missing"]] == [26]
    assert "MSK-02" not in head_office  # owes nothing
    assert [r["fn_no"] for r in only_b["registers"]] == [FN_B]
    late_a = next(r for r in late["registers"] if r["fn_no"] == FN_A)
    assert late_a["missing"] == [] and min(s["date"] for s in late_a["shifts"]) >= "2026-03-10"


def test_commit_hook_sends_the_doubtful_to_review_and_takes_the_problem_back(archive):
    from archive.models import Document
    from archive.verification import correct_field
    from archive.zreports import PROBLEM_CODE, flag_doubtful

    reports = shifts(KKT_A, FN_A, range(1, 8), first_id=1)
    wrong = misread(reports[3], 40)
    with archive.transaction() as session:
        docs = [_z_document(session, r) for r in [*reports[:3], wrong, *reports[4:]]]
        flagged = flag_doubtful(session, docs[-1], actor="tester")
    assert flagged == [docs[3].id]
    with archive.transaction() as session:
        doubtful = session.get(Document, docs[3].id)
        assert doubtful.status == "needs_review"
        assert [p["code"] for p in doubtful.problems] == [PROBLEM_CODE]
        assert "40" in doubtful.problems[0]["message"] and "4" in doubtful.problems[0]["message"]
        assert all(session.get(Document, d.id).problems == [] for d in docs if d.id != docs[3].id)
        correct_field(session, doubtful, "shift_no", "4", actor="accountant")  # the register is checked again
        assert PROBLEM_CODE not in {p["code"] for p in doubtful.problems}
        assert flag_doubtful(session, doubtful) == []


# -- real scans, read by real tesseract through the import pipeline -------------------------------------

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def z_slip(path, *, shift: int, fd: int, day: dt.date, total: str, kkt: str, fn: str):
    """A Z-report as a till prints it (monospace on narrow roll paper), scanned at 300 dpi."""
    from PIL import Image, ImageDraw, ImageFont

    rows = [("", "ООО «Ромашка»"), ("", "ИНН 7707083893"), ("", "ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ"),
            ("СМЕНА №", str(shift)), ("ДАТА, ВРЕМЯ", day.strftime("%d.%m.%Y") + " 21:40"),
            ("ЧЕКОВ ЗА СМЕНУ", "41"), ("ИТОГ", total), ("НАЛИЧНЫМИ", "0.00"), ("БЕЗНАЛИЧНЫМИ", total),
            ("РН ККТ", kkt), ("ФН", fn), ("ФД", str(fd)), ("ФП", "1234567890")]
    font = ImageFont.truetype(MONO, 28)
    width, line = 640, 44
    img = Image.new("L", (width, 120 + line * len(rows)), 255)
    draw = ImageDraw.Draw(img)
    for i, (label, value) in enumerate(rows):
        y = 60 + i * line
        if not label:
            draw.text((width / 2, y), value, font=font, fill=0, anchor="ma")
        else:
            draw.text((30, y), label, font=font, fill=0)
            draw.text((width - 30, y), value, font=font, fill=0, anchor="ra")
    img.save(path, dpi=(300, 300))
    return path


@pytest.mark.slow  # seven slips read by tesseract: about 30 s on two busy cores
def test_scanned_z_reports_of_two_registers(sqlite_archive, tmp_path):
    """Register A lacks shift 3; on register B the slip of shift 3 prints 8 (as a misread gives), while its ФД
    and date say 3. Read by tesseract, imported, reported: only A's shift 3 is missing."""
    from archive.models import Document
    from archive.pipeline import Pipeline
    from archive.zreports import zreports_report
    from capture import SerialExecutor

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    printed = {"a": (KKT_A, FN_A, {1: 1, 2: 2, 4: 4}), "b": (KKT_B, FN_B, {1: 1, 2: 2, 3: 8, 4: 4})}
    for reg, (kkt, fn, shown_as) in printed.items():
        for true_shift, shown in shown_as.items():
            z_slip(inbox / f"{reg}{true_shift}.png", shift=shown, fd=1000 + 57 * true_shift,
                   day=DAY0 + dt.timedelta(days=true_shift), total=f"{1000 + true_shift}.50", kkt=kkt, fn=fn)
    summary = Pipeline(sqlite_archive, SerialExecutor(), actor="tester").import_paths([inbox], outlet_code="SPB-01")
    assert summary.as_dict()["archived"] == 7
    with sqlite_archive.sessions() as session:
        report = zreports_report(session)
        b3_status = session.scalar(select(Document.status).where(Document.filename == "b3.png"))
    registers = {r["fn_no"]: r for r in report["registers"]}
    assert set(registers) == {FN_A, FN_B}
    assert [m["shift_no"] for m in registers[FN_A]["missing"]] == [3]
    assert registers[FN_B]["missing"] == [] and registers[FN_A]["doubtful"] == []
    assert [(d["shift_no"], d["likely_shift"]) for d in registers[FN_B]["doubtful"]] == [(8, 3)]
    assert b3_status == "needs_review"
