"""Read-only views of the archive for the CLI and the web: a document, the archive's statistics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.audit import history
from archive.counts import counts
from archive.models import Document, IntakeOutcome, IntakeRecord, Outlet
from archive.reconcile import copies_of, electronic_copy_of
from finarchive.errors import NotFoundError


def get_document(session: Session, doc_id: int) -> Document:
    document = session.get(Document, doc_id)
    if document is None:
        raise NotFoundError(f"no document {doc_id}")
    return document


def document_view(session: Session, arc, doc_id: int, *, with_text: bool = False) -> dict[str, Any]:
    """Everything known about one document, as plain JSON-able data."""
    d = get_document(session, doc_id)
    view: dict[str, Any] = {
        "id": d.id,
        "filename": d.filename,
        "sha256": d.sha256,
        "media_type": d.media_type,
        "size": d.size,
        "source": d.source,
        "source_ref": d.source_ref,
        "outlet": d.outlet.code if d.outlet else None,
        "doc_type": d.doc_type,
        "confidence": d.doc_type_confidence,
        "status": d.status,
        "pages": d.page_count,
        "created_at": d.created_at.isoformat(timespec="seconds") if d.created_at else None,
        "processed_at": d.processed_at.isoformat(timespec="seconds") if d.processed_at else None,
        "fields": {
            f.name: {"value": f.value, "confidence": f.confidence, "page": f.page, "box": f.box,
                     "source": f.source, "raw": f.raw, "note": f.note}
            for f in d.fields
        },
        "problems": list(d.problems or []),
        "rejection_reason": d.rejection_reason,
        "original_file": str(arc.blobs.path(arc.blobs.original_key(d.sha256))),
        "searchable_pdf": str(arc.blobs.path(d.searchable_pdf)) if d.searchable_pdf else None,
        "original": None,
        "orders": [
            {"order_no": link.order.order_no, "method": link.method, "state": link.state, "score": link.score}
            for link in d.links
        ],
        "history": [
            {"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "action": e.action, "field": e.field,
             "old": e.old_value, "new": e.new_value}
            for e in history(session, d.id)
        ],
    }
    view["copies"] = copies_of(session, d.id)  # a scan's ЭДО copy, or an ЭДО document's scans (archive/reconcile.py)
    if d.original is not None:
        o = d.original
        view["original"] = {
            "electronic_copy": electronic_copy_of(session, d.id),
            "barcode": o.barcode, "state": o.state, "due_date": o.due_date.isoformat() if o.due_date else None,
            "keep_until": o.keep_until.isoformat() if o.keep_until else None, "legal_hold": o.legal_hold,
            "box": o.box.code if o.box else None,
        }
    if with_text:
        view["text"] = [{"number": p.number, "text": p.text, "source": p.text_source,
                         "mean_confidence": p.mean_confidence, "error": p.error} for p in d.pages]
    return view


def _ranked(counted: dict[tuple[str, str], int], name=lambda key: key or "-") -> dict[str, int]:
    """A count's keys named (``''`` is NULL: ``-``), most first."""
    out: dict[str, int] = {}
    for (key, _), n in counted.items():
        out[name(key)] = out.get(name(key), 0) + n
    return dict(sorted(out.items(), key=lambda item: -item[1]))


def archive_stats(session: Session, *, quarantined_limit: int = 50) -> dict[str, Any]:
    """The archive's counts (kept by the commits: archive/counts.py) and its latest intake problems."""
    kept = counts(session)
    codes: dict[str, str] = {str(i): code for i, code in session.execute(select(Outlet.id, Outlet.code))}
    intake_by_source: dict[str, dict[str, int]] = {}
    for (source, outcome), n in sorted(kept.get("intake", {}).items()):
        intake_by_source.setdefault(source, {})[outcome] = n
    # newest first, one outcome at a time: each is one range of the outcome index, already in id order
    # (with IN, SQLite walks the whole ledger backwards looking for the few rows not archived)
    quarantined = sorted(
        (r for outcome in (IntakeOutcome.QUARANTINED, IntakeOutcome.FAILED)
         for r in session.scalars(select(IntakeRecord).where(IntakeRecord.outcome == outcome)
                                  .order_by(IntakeRecord.id.desc()).limit(quarantined_limit))),
        key=lambda r: -r.id)[:quarantined_limit]
    intake: dict[str, int] = {}  # by outcome: the sums of the counts above (one index scan, not two)
    for outcomes in intake_by_source.values():
        for outcome, n in outcomes.items():
            intake[outcome] = intake.get(outcome, 0) + n
    intake = dict(sorted(intake.items(), key=lambda item: -item[1]))
    return {
        "documents": sum(kept.get("status", {}).values()),
        "pages": sum(kept.get("pages", {}).values()),
        "by_status": _ranked(kept.get("status", {})),
        "by_type": _ranked(kept.get("type", {})),
        "by_outlet": _ranked(kept.get("outlet", {}), lambda key: codes.get(key, "-")),
        "originals": _ranked(kept.get("original", {})),
        "intake": intake,
        "intake_by_source": intake_by_source,
        "quarantined_total": intake.get(IntakeOutcome.QUARANTINED, 0),
        "quarantined": [
            {"filename": r.filename, "source": r.source, "source_ref": r.source_ref, "reason": r.reason,
             "message": r.message, "quarantine_path": r.quarantine_path,
             "at": r.received_at.isoformat(timespec="seconds")}
            for r in quarantined
        ],
    }


def check_blobs(session: Session, arc) -> list[str]:
    """Problems found: originals missing from the blob store or no longer matching their hash."""
    bad = []
    for doc_id, sha in session.execute(select(Document.id, Document.sha256).order_by(Document.id)):
        if not arc.blobs.has(sha):
            bad.append(f"document {doc_id}: original {sha} is missing")
        elif not arc.blobs.verify(sha):
            bad.append(f"document {doc_id}: original {sha} does not match its hash")
    return bad
