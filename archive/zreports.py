"""Cash-register continuity: did every register close every shift, and did its Z-report arrive?

Each cash register is its ККТ registration number with its fiscal drive (ФН): shift numbers and ФД numbers
run per ФН (a new ФН starts both again). For each register the Z-reports received are laid out by shift
number and checked against the two other sequences every Z-report prints:

* the ФД number rises with every fiscal document, and a shift takes at least two of them (the reports
  opening and closing it), so between two shifts the ФД numbers rise by at least twice their distance;
* the date of a later shift is never earlier.

The shift numbers that agree with both sequences form the longest consistent chain (of chains as long, the
one with more verified Z-reports). A Z-report off that chain is *doubtful* — most
likely its shift number was misread — and goes to review (problem ``zreport_sequence`` on the document);
where its ФД number and date put it in a gap of one shift, that shift is counted as received, not
missing, so a misread never invents a gap. A verified Z-report that still contradicts the sequence is
*out of order*. The same Z-report scanned twice (same shift, ФД, date, total) is a *duplicate*.

Days on which the Z-reports of an outlet's registers add up to another total than the outlet's sales
report for that day are listed too. Missing shifts are documents an outlet still owes
(:func:`owed_zreports`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from bisect import bisect_left, bisect_right
from itertools import pairwise
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from archive.config import Settings
from archive import audit
from archive.models import Document, DocumentStatus, Field, FieldSource, Outlet
from finarchive.errors import NotFoundError

__all__ = [
    "PROBLEM_CODE",
    "Register",
    "ZReport",
    "continuity",
    "flag_doubtful",
    "load_zreports",
    "owed_zreports",
    "zreports_report",
]

PROBLEM_CODE = "zreport_sequence"
MIN_FD_PER_SHIFT = 2  # the reports opening and closing a shift are fiscal documents of their own
_WINDOW = 60  # a chain may skip at most this many Z-reports in a row (misreads are far rarer)
_MARGIN_DAYS = 45  # Z-reports this far outside --from/--to are read too, as the neighbours of those inside
ZREPORT_FIELDS = ("kkt_reg_no", "fn_no", "shift_no", "fd_no")  # the fields continuity reads (:func:`_zreport`)


@dataclass(frozen=True)
class ZReport:
    """What the continuity check needs of one Z-report document."""

    document_id: int
    kkt_reg_no: str | None = None
    fn_no: str | None = None
    shift_no: int | None = None
    fd_no: int | None = None
    date: dt.date | None = None
    total: Decimal | None = None
    outlet: str | None = None
    verified: bool = False  # a person confirmed (verified the document, or corrected the shift number)

    def brief(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "shift_no": self.shift_no, "fd_no": self.fd_no,
                "date": _iso(self.date), "total": _money(self.total)}


@dataclass
class Register:
    """One cash register (ККТ + ФН) and what its Z-reports show."""

    kkt_reg_no: str | None
    fn_no: str | None
    outlet: str | None
    shifts: list[ZReport] = field(default_factory=list)  # on the consistent chain, by shift number
    missing: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    out_of_order: list[dict[str, Any]] = field(default_factory=list)
    doubtful: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kkt_reg_no": self.kkt_reg_no, "fn_no": self.fn_no, "outlet": self.outlet,
                "shifts": [r.brief() for r in self.shifts], "missing": self.missing,
                "duplicates": self.duplicates, "out_of_order": self.out_of_order, "doubtful": self.doubtful}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# -- grouping Z-reports into registers ------------------------------------------------------------------


def _hamming(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else len(a) + len(b)


def _majority(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def _group(reports: Sequence[ZReport]) -> tuple[dict[str, list[ZReport]], list[dict[str, Any]]]:
    """Z-reports by ФН; a ФН read one or two digits off a register's own (on one or two reports) joins it
    as doubtful; a report without ФН joins the only ФН its ККТ has. Returns the groups and the doubtful."""
    by_fn: dict[str, list[ZReport]] = defaultdict(list)
    for r in reports:
        if r.fn_no:
            by_fn[r.fn_no].append(r)
    doubtful: list[dict[str, Any]] = []
    for fn in sorted(by_fn, key=lambda f: len(by_fn[f])):
        group = by_fn[fn]
        if len(group) > 2:
            continue
        kkt = _majority(r.kkt_reg_no for r in group)
        near = [other for other, members in by_fn.items() if other != fn and len(members) > 2
                and _hamming(fn, other) <= 2 and (kkt is None or _majority(m.kkt_reg_no for m in members) == kkt)]
        if len(near) == 1:
            by_fn[near[0]].extend(group)
            del by_fn[fn]
            for r in group:
                doubtful.append(_doubt(r, "fn_no", f"ФН прочитан как {fn}, у этой кассы {near[0]} / "
                                                   f"ФН read as {fn}, this register's is {near[0]}"))
    fns_of_kkt: dict[str, set[str]] = defaultdict(set)
    for fn, members in by_fn.items():
        kkt = _majority(m.kkt_reg_no for m in members)
        if kkt:
            fns_of_kkt[kkt].add(fn)
    for r in reports:
        if r.fn_no:
            continue
        fns = fns_of_kkt.get(r.kkt_reg_no or "", set())
        if len(fns) == 1:
            by_fn[next(iter(fns))].append(r)
        else:
            doubtful.append(_doubt(r, "fn_no", "ФН не прочитан, касса не определена / ФН not read, the register "
                                               "cannot be told"))
    return dict(by_fn), doubtful


def _doubt(r: ZReport, field_name: str, reason: str, likely: int | None = None) -> dict[str, Any]:
    return {**r.brief(), "field": field_name, "likely_shift": likely, "reason": reason}


# -- the chain of consistent shift numbers --------------------------------------------------------------


def _consistent(a: ZReport, b: ZReport) -> bool:
    """Can ``b`` be a later shift than ``a`` as both were read (shift numbers, ФД numbers, dates)?"""
    assert a.shift_no is not None and b.shift_no is not None
    step = b.shift_no - a.shift_no
    if step < 1:
        return False
    if a.fd_no is not None and b.fd_no is not None and b.fd_no - a.fd_no < MIN_FD_PER_SHIFT * step:
        return False
    return not (a.date is not None and b.date is not None and b.date < a.date)


def _between(n: ZReport, a: ZReport, b: ZReport) -> bool:
    """Do ``n``'s ФД number (else its date) place it between the shifts ``a`` and ``b``?"""
    if n.fd_no is not None and a.fd_no is not None and b.fd_no is not None:
        return a.fd_no < n.fd_no < b.fd_no
    if n.date is not None and a.date is not None and b.date is not None:
        return a.date <= n.date <= b.date
    return False


class _Between:
    """How many Z-reports :func:`_between` puts between two shifts, by bisection (the chain asks for every
    pair of shifts within its window, so counting one by one would be quadratic in a register's years)."""

    def __init__(self, everyone: Sequence[ZReport]) -> None:
        self.fds = sorted(n.fd_no for n in everyone if n.fd_no is not None)
        self.undated_fd = sorted(n.date for n in everyone if n.fd_no is None and n.date is not None)
        self.dates = sorted(n.date for n in everyone if n.date is not None)

    def count(self, a: ZReport, b: ZReport) -> int:
        if a.fd_no is not None and b.fd_no is not None:
            inside = bisect_left(self.fds, b.fd_no) - bisect_right(self.fds, a.fd_no)
            if a.date is not None and b.date is not None:
                inside += bisect_right(self.undated_fd, b.date) - bisect_left(self.undated_fd, a.date)
            return max(0, inside)
        if a.date is not None and b.date is not None:  # a and b are among the dated ones counted
            return max(0, bisect_right(self.dates, b.date) - bisect_left(self.dates, a.date) - 2)
        return 0


def _date_fits(n: ZReport, a: ZReport, b: ZReport) -> bool:
    return n.date is not None and a.date is not None and b.date is not None and a.date <= n.date <= b.date


Score = tuple[int, int, int, int]


def _chain(nodes: list[ZReport], floating: list[ZReport]) -> list[ZReport]:
    """The longest run of Z-reports whose shift numbers agree with their ФД numbers and dates.

    Ties go to the run with more verified reports, then to the one that leaves fewest shifts unaccounted
    for (a report off the run that fits in a gap accounts for one of its shifts); of runs tied on all of
    that, the one through the earliest report.

    The candidates before a report are tried nearest first: a run through the report just before it is
    usually the longest, and then every candidate whose run is shorter is passed over by its length alone,
    without checking the pair (a register's window of Z-reports costs about one check a report, not 60)."""
    between = _Between(nodes + floating)
    best: list[Score] = []
    back: list[int | None] = []
    for j, b in enumerate(nodes):
        sure = int(b.verified)
        top: Score = (1, sure, 0, 0)
        came: int | None = None
        for i in range(j - 1, max(0, j - _WINDOW) - 1, -1):
            if best[i][0] + 1 < top[0]:  # a shorter run cannot win, whatever its ties
                continue
            a = nodes[i]
            if not _consistent(a, b):
                continue
            assert a.shift_no is not None and b.shift_no is not None
            gap = b.shift_no - a.shift_no - 1
            inside = between.count(a, b)
            score = (best[i][0] + 1, best[i][1] + sure, best[i][2] - max(0, gap - inside),
                     best[i][3] - max(0, inside - gap))
            if score >= top:  # equal: the earlier report, as when tried in order (none equals the start's)
                top, came = score, i
        best.append(top)
        back.append(came)
    if not nodes:
        return []
    end: int | None = max(range(len(nodes)), key=lambda k: best[k])
    chain = []
    while end is not None:
        chain.append(nodes[end])
        end = back[end]
    return chain[::-1]


def _same_report(a: ZReport, b: ZReport) -> bool:
    """Two scans of one Z-report: the same shift, and no printed value that differs."""
    pairs = [(a.fd_no, b.fd_no), (a.date, b.date), (a.total, b.total)]
    known = [(x, y) for x, y in pairs if x is not None and y is not None]
    return a.shift_no == b.shift_no and bool(known) and all(x == y for x, y in known)


def _check_register(fn: str, reports: list[ZReport], doubtful_in: list[dict[str, Any]]) -> Register:
    kkt = _majority(r.kkt_reg_no for r in reports)
    register = Register(kkt_reg_no=kkt, fn_no=fn, outlet=_majority(r.outlet for r in reports))
    register.doubtful.extend(d for d in doubtful_in if any(d["document_id"] == r.document_id for r in reports))
    for r in reports:
        if r.kkt_reg_no and kkt and r.kkt_reg_no != kkt and r.fn_no == fn:
            register.doubtful.append(_doubt(r, "kkt_reg_no", f"РН ККТ прочитан как {r.kkt_reg_no}, у кассы с этим ФН "
                                                             f"{kkt} / ККТ number read as {r.kkt_reg_no}, the "
                                                             f"register of this ФН is {kkt}"))
    # one Z-report scanned twice counts once
    kept: list[ZReport] = []
    kept_by_shift: dict[int, list[ZReport]] = defaultdict(list)  # a twin has the same shift: look only there
    copies: dict[int, list[ZReport]] = {}
    for r in sorted(reports, key=lambda x: (not x.verified, x.document_id)):
        same_shift = kept_by_shift.get(r.shift_no, []) if r.shift_no is not None else []
        twin = next((k for k in same_shift if _same_report(k, r)), None)
        if twin is None:
            kept.append(r)
            if r.shift_no is not None:
                kept_by_shift[r.shift_no].append(r)
        else:
            copies.setdefault(twin.document_id, [twin]).append(r)
    register.duplicates = [{"shift_no": group[0].shift_no, "document_ids": sorted(x.document_id for x in group)}
                           for group in copies.values()]
    register.duplicates.sort(key=lambda d: (d["shift_no"], d["document_ids"]))
    nodes = sorted((r for r in kept if r.shift_no is not None),
                   key=lambda r: (r.shift_no, r.fd_no if r.fd_no is not None else -1, r.date or dt.date.min,
                                  r.document_id))
    unread = [r for r in kept if r.shift_no is None]
    chain = _chain(nodes, unread)
    on_chain = {r.document_id for r in chain}
    off = [r for r in nodes if r.document_id not in on_chain] + unread
    register.shifts = chain
    for a, b in pairwise(chain):
        assert a.shift_no is not None and b.shift_no is not None
        gap = list(range(a.shift_no + 1, b.shift_no))
        # a shift number the date confirms against its ФД number: the ФД number was misread
        own = [n for n in off if n.shift_no in gap and not _between(n, a, b) and _date_fits(n, a, b)]
        for n in own:
            if n.shift_no not in gap:  # two of them claim one shift: left to the ФД numbers below
                continue
            off.remove(n)
            gap.remove(n.shift_no)
            register.doubtful.append(_doubt(n, "fd_no", f"ФД {n.fd_no} не согласуется с ФД соседних смен / "
                                                        f"ФД {n.fd_no} disagrees with its neighbours'", n.shift_no))
        # a ФД number (else a date) that puts a report into this gap: its shift number was misread
        inside = sorted((n for n in off if _between(n, a, b)),
                        key=lambda n: (n.fd_no if n.fd_no is not None else -1, n.date or dt.date.min))
        for n in inside:
            off.remove(n)
        if len(inside) == len(gap):  # each fills one shift, in ФД order
            for n, shift in zip(inside, gap, strict=True):
                _off_chain(register, n, shift)
            continue
        for n in inside:
            _off_chain(register, n, None)
        ids = [n.document_id for n in inside]
        for shift in gap:
            entry: dict[str, Any] = {"shift_no": shift, "after": a.brief(), "before": b.brief()}
            if ids:
                entry.update({"uncertain": True, "possibly": ids})
            register.missing.append(entry)
    for n in off:  # before the first or after the last shift of the chain, or nowhere
        _off_chain(register, n, None)
    register.doubtful.sort(key=lambda d: (d["date"] or "", d["document_id"]))
    register.out_of_order.sort(key=lambda d: (d["date"] or "", d["document_id"]))
    return register


def _off_chain(register: Register, n: ZReport, likely: int | None) -> None:
    if n.verified and n.shift_no is not None:
        register.out_of_order.append({**n.brief(), "reason": "смена не по порядку ФД и дат / shift out of the "
                                                             "order of ФД numbers and dates"})
        return
    if n.shift_no is None:
        reason = "номер смены не прочитан / shift number not read"
    elif likely is not None:
        reason = (f"номер смены прочитан как {n.shift_no}, по ФД и дате это смена {likely} / shift number read as "
                  f"{n.shift_no}, its ФД and date make it shift {likely}")
    else:
        reason = (f"номер смены {n.shift_no} не согласуется с ФД и датами соседних смен / shift number {n.shift_no} "
                  f"disagrees with the ФД numbers and dates of its neighbours")
    register.doubtful.append(_doubt(n, "shift_no", reason, likely))


def continuity(reports: Sequence[ZReport]) -> tuple[list[Register], list[dict[str, Any]]]:
    """Every register's shifts, missing shifts, duplicates, out-of-order and doubtful Z-reports, and the
    Z-reports that name no register that could be told (neither ФН nor a ККТ with one ФН)."""
    groups, doubtful = _group(reports)
    registers = [_check_register(fn, members, doubtful) for fn, members in groups.items()]
    placed = {r.document_id for members in groups.values() for r in members}
    unplaced = [d for d in doubtful if d["document_id"] not in placed]
    registers.sort(key=lambda g: (g.outlet or "", g.kkt_reg_no or "", g.fn_no or ""))
    return registers, unplaced


# -- from the database ----------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    digits = (value or "").strip()
    return int(digits) if digits.isdigit() else None


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _zreport(document: Document) -> ZReport:
    values = {f.name: f for f in document.fields}

    def text(name: str) -> str | None:
        f = values.get(name)
        return f.value if f is not None else None

    shift = values.get("shift_no")
    confirmed = (document.status == DocumentStatus.VERIFIED
                 or (shift is not None and shift.source == FieldSource.CORRECTED))
    return ZReport(document_id=document.id, kkt_reg_no=text("kkt_reg_no"), fn_no=text("fn_no"),
                   shift_no=_int(text("shift_no")), fd_no=_int(text("fd_no")), date=document.doc_date,
                   total=document.total, outlet=document.outlet.code if document.outlet else None, verified=confirmed)


def _outlet_id(session: Session, code: str) -> int:
    outlet = session.scalar(select(Outlet).where(Outlet.code == code))
    if outlet is None:
        raise NotFoundError(f"нет точки {code!r} / no outlet {code!r}")
    return outlet.id


def _where(session: Session, doc_type: str, *, outlet: str | None, since: dt.date | None, until: dt.date | None,
           margin: int) -> list[ColumnElement[bool]]:
    """The documents of ``doc_type`` (rejected ones left out) of an outlet and a period widened by ``margin``."""
    where = [Document.doc_type == doc_type, Document.status != DocumentStatus.REJECTED]
    if outlet:
        where.append(Document.outlet_id == _outlet_id(session, outlet))
    if since:
        where.append(or_(Document.doc_date.is_(None), Document.doc_date >= since - dt.timedelta(days=margin)))
    if until:
        where.append(or_(Document.doc_date.is_(None), Document.doc_date <= until + dt.timedelta(days=margin)))
    return where


def _documents(session: Session, doc_type: str, *, outlet: str | None, since: dt.date | None,
               until: dt.date | None, margin: int) -> list[Document]:
    stmt = (select(Document).where(*_where(session, doc_type, outlet=outlet, since=since, until=until, margin=margin))
            .options(selectinload(Document.fields), selectinload(Document.outlet)).order_by(Document.id))
    return list(session.scalars(stmt))


def load_zreports(session: Session, *, outlet: str | None = None, since: dt.date | None = None,
                  until: dt.date | None = None, margin: int = _MARGIN_DAYS) -> list[ZReport]:
    """The archive's Z-reports (rejected ones left out), with neighbours around the period when one is given
    (those of ``margin`` days before and after it).

    Read as rows, not documents: the documents' columns, and the four fields continuity reads by a join (a
    Z-report's every field as an object cost the outlet page most of its time). What :func:`_zreport` makes
    of a document, from the same values."""
    where = _where(session, "z_report", outlet=outlet, since=since, until=until, margin=margin)
    fields: dict[int, dict[str, tuple[str | None, str]]] = defaultdict(dict)
    for doc_id, name, value, source in session.execute(
            select(Field.document_id, Field.name, Field.value, Field.source)
            .join(Document, Field.document_id == Document.id).where(*where, Field.name.in_(ZREPORT_FIELDS))):
        fields[doc_id][name] = (value, source)
    reports = []
    for doc_id, day, total, status, code in session.execute(
            select(Document.id, Document.doc_date, Document.total, Document.status, Outlet.code)
            .outerjoin(Outlet, Document.outlet_id == Outlet.id).where(*where).order_by(Document.id)):
        values = fields.get(doc_id, {})

        def text(name: str, values: dict[str, tuple[str | None, str]] = values) -> str | None:
            return values[name][0] if name in values else None

        confirmed = status == DocumentStatus.VERIFIED or values.get("shift_no", (None, ""))[1] == FieldSource.CORRECTED
        reports.append(ZReport(document_id=doc_id, kkt_reg_no=text("kkt_reg_no"), fn_no=text("fn_no"),
                               shift_no=_int(text("shift_no")), fd_no=_int(text("fd_no")), date=day, total=total,
                               outlet=code, verified=confirmed))
    return reports


def _in_period(day: str | None, since: dt.date | None, until: dt.date | None) -> bool:
    if day is None:
        return True
    value = dt.date.fromisoformat(day)
    return (since is None or value >= since) and (until is None or value <= until)


def _missing_in_period(entry: dict[str, Any], since: dt.date | None, until: dt.date | None) -> bool:
    """A missing shift lies between the dates of the shifts around it: is any of those days in the period?"""
    after, before = entry["after"]["date"], entry["before"]["date"]
    low = dt.date.fromisoformat(after) if after else dt.date.min
    high = dt.date.fromisoformat(before) if before else dt.date.max
    return (since is None or high >= since) and (until is None or low <= until)


def _clip(register: Register, since: dt.date | None, until: dt.date | None) -> Register:
    if since is None and until is None:
        return register
    return replace(
        register,
        shifts=[r for r in register.shifts if _in_period(_iso(r.date), since, until)],
        missing=[m for m in register.missing if _missing_in_period(m, since, until)],
        duplicates=[d for d in register.duplicates
                    if any(_in_period(s["date"], since, until) for s in register_shift_rows(register, d))],
        out_of_order=[d for d in register.out_of_order if _in_period(d["date"], since, until)],
        doubtful=[d for d in register.doubtful if _in_period(d["date"], since, until)],
    )


def register_shift_rows(register: Register, duplicate: dict[str, Any]) -> list[dict[str, Any]]:
    """The shift rows a duplicate entry stands beside (for clipping by date)."""
    rows = [r.brief() for r in register.shifts if r.shift_no == duplicate["shift_no"]]
    return rows or [{"date": None}]


def _day_tolerance(settings: Settings | None) -> Decimal:
    value = settings.get("zreports", "day_tolerance") if settings is not None else None
    return Decimal(str(1.00 if value is None else value))


def _days(session: Session, reports: Sequence[ZReport], *, outlet: str | None, since: dt.date | None,
          until: dt.date | None, tolerance: Decimal) -> list[dict[str, Any]]:
    """Days where an outlet's Z-reports add up to another total than its sales report of that day."""
    z_by_day: dict[tuple[str, dt.date], dict[tuple[Any, ...], ZReport]] = defaultdict(dict)
    for r in reports:
        if r.outlet and r.date and r.total is not None:  # a Z-report scanned twice counts once
            z_by_day[(r.outlet, r.date)].setdefault((r.fn_no, r.shift_no, r.fd_no, r.total), r)
    out = []
    for document in _documents(session, "sales_report", outlet=outlet, since=since, until=until, margin=0):
        code = document.outlet.code if document.outlet else document.field_values().get("outlet_code")
        if not code or document.doc_date is None or document.total is None:
            continue
        if not _in_period(_iso(document.doc_date), since, until):
            continue
        z = list(z_by_day.get((code, document.doc_date), {}).values())
        z_total = sum((r.total for r in z if r.total is not None), Decimal(0))
        if z and abs(z_total - document.total) <= tolerance:
            continue
        out.append({"outlet": code, "date": document.doc_date.isoformat(), "z_total": _money(z_total) if z else None,
                    "sales_total": _money(document.total),
                    "difference": _money(document.total - z_total) if z else None,
                    "z_reports": sorted(r.document_id for r in z), "sales_report": document.id})
    out.sort(key=lambda d: (d["date"], d["outlet"]))
    return out


def zreports_report(session: Session, settings: Settings | None = None, *, outlet: str | None = None,
                    since: dt.date | None = None, until: dt.date | None = None) -> dict[str, Any]:
    """The continuity report: ``{"registers": [...], "days": [...], "unassigned": [...]}``."""
    reports = load_zreports(session, outlet=outlet, since=since, until=until)
    registers, unplaced = continuity(reports)
    days = _days(session, reports, outlet=outlet, since=since, until=until, tolerance=_day_tolerance(settings))
    clipped = [_clip(r, since, until) for r in registers]
    return {"registers": [r.as_dict() for r in clipped if r.shifts or r.missing or r.doubtful or r.out_of_order
                          or r.duplicates],
            "days": days,
            "unassigned": [d for d in unplaced if _in_period(d["date"], since, until)]}


def owed_zreports(session: Session, outlet: str | None = None, *, since: dt.date | None = None,
                  until: dt.date | None = None, margin: int = _MARGIN_DAYS) -> list[dict[str, Any]]:
    """Z-reports an outlet still owes head office: each missing shift of its registers, oldest first; the
    shifts are judged with the Z-reports of ``margin`` days around the period as their neighbours.

    For the outlet page and the head-office report: ``[{"outlet", "kkt_reg_no", "fn_no", "shift_no",
    "after", "before", "uncertain"}]``."""
    registers, _ = continuity(load_zreports(session, outlet=outlet, since=since, until=until, margin=margin))
    owed = []
    for register in registers:
        for m in _clip(register, since, until).missing:
            owed.append({"outlet": register.outlet, "kkt_reg_no": register.kkt_reg_no, "fn_no": register.fn_no,
                         "shift_no": m["shift_no"], "after": m["after"]["date"], "before": m["before"]["date"],
                         "uncertain": bool(m.get("uncertain"))})
    owed.sort(key=lambda o: (o["outlet"] or "", o["after"] or "", o["kkt_reg_no"] or "", o["shift_no"]))
    return owed


# -- the commit hook: doubtful Z-reports go to review ---------------------------------------------------


def _problem(entry: dict[str, Any]) -> dict[str, Any]:
    return {"code": PROBLEM_CODE, "message": entry["reason"], "fields": [entry.get("field") or "shift_no"],
            "severity": "warning"}


def _near(document: Document, day: dt.date | None) -> bool:
    near = dt.timedelta(days=_MARGIN_DAYS // 3)
    return day is None or document.doc_date is None or abs(document.doc_date - day) <= near


def flag_doubtful(session: Session, document: Document, *, actor: str = "system") -> list[int]:
    """After a Z-report is committed: check its register again around its day, and put the problem
    ``zreport_sequence`` on each doubtful Z-report within 15 days of it (sending it to review), taking it off
    those no longer doubtful. Returns the ids of the doubtful documents among them."""
    if document.doc_type != "z_report":
        return []
    fields = document.field_values()
    fn, kkt = fields.get("fn_no"), fields.get("kkt_reg_no")
    if not fn and not kkt:
        return []
    # the Z-reports of this ФН or this ККТ (a ФН misread on one report is still its register's) around its day:
    # the sequence is judged on its neighbours, so a commit costs the same in a register's fifth year as in its first
    of_register = select(Field.document_id).where(Field.name.in_(["fn_no", "kkt_reg_no"]),
                                                  Field.value.in_([v for v in (fn, kkt) if v]))
    stmt = (select(Document)
            .where(Document.doc_type == "z_report", Document.status != DocumentStatus.REJECTED,
                   Document.id.in_(of_register))
            .options(selectinload(Document.fields), selectinload(Document.outlet)))
    day = document.doc_date
    if day is not None:
        stmt = stmt.where(or_(Document.doc_date.is_(None),
                              Document.doc_date.between(day - dt.timedelta(days=_MARGIN_DAYS),
                                                        day + dt.timedelta(days=_MARGIN_DAYS))))
    documents = {d.id: d for d in session.scalars(stmt)}
    documents[document.id] = document
    registers, unplaced = continuity([_zreport(d) for d in documents.values()])
    doubtful = {d["document_id"]: d for register in registers for d in register.doubtful}
    doubtful.update({d["document_id"]: d for d in unplaced})
    doubtful = {i: d for i, d in doubtful.items() if i == document.id or _near(documents[i], day)}
    for doc in documents.values():
        if doc.id != document.id and not _near(doc, day):  # left as judged with its own neighbours
            continue
        problems = [p for p in (doc.problems or []) if p.get("code") != PROBLEM_CODE]
        entry = doubtful.get(doc.id)
        if entry is not None:
            problems.append(_problem(entry))
            if doc.status == DocumentStatus.PROCESSED:
                doc.status = DocumentStatus.NEEDS_REVIEW
                audit.record(session, actor=actor, action="document.review", object_type="document",
                             object_id=doc.id, document_id=doc.id, field="status", old=DocumentStatus.PROCESSED,
                             new=DocumentStatus.NEEDS_REVIEW, reason=entry["reason"])
        if problems != (doc.problems or []):
            doc.problems = problems
    return sorted(doubtful)
