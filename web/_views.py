"""Data the pages and the API share, each read through the caller's rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only, selectinload

from archive.counts import of_key
from archive.models import Document, DocumentStatus, IntakeRecord, Original, OriginalState, Outlet
from archive.paging import KeysetPage, SortKey, keyset_page
from archive.search_service import run_search
from archive.users import Permission, Principal
from archive.views import document_view, get_document
from archive.zreports import owed_zreports
from finarchive.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from search.types import SearchResult

SEARCH_FILTERS = ("doc_type", "outlet", "status", "date_from", "date_to", "amount_min", "amount_max", "inn",
                  "order_no", "original_state")
PAGE_SIZE = 20
# The search page pages through the best SEARCH_DEPTH hits by relevance: a page is the top offset+limit of
# the index (relevance has no keyset to seek by), so the deepest page is bounded, as the list's full text is.
SEARCH_DEPTH = 1000
ZREPORTS_DAYS = 35  # the outlet page's Z-reports owed: shifts of the last five weeks
# judged with the Z-reports of ten days before them as neighbours (`finarchive zreports` takes 45): the page
# reads 45 days of an outlet's Z-reports, not 80
ZREPORTS_MARGIN_DAYS = 10
QUEUE_PAGE = 50  # documents on a page of the review queue, of an outlet's lists, of the originals owed
OWED_STATES = (OriginalState.EXPECTED, OriginalState.IN_TRANSIT)


MAX_ID = 2**63 - 1  # the largest id a database row can have (BIGINT); larger ones name nothing


def db_id(value: int, what: str = "document") -> int:
    """An id from a URL, if a row could have it: anything else is simply not there (404, never 500)."""
    if not 0 < value <= MAX_ID:
        raise NotFoundError(f"no {what} {value}")
    return value


def readable_document(session: Session, principal: Principal, doc_id: int) -> Document:
    return principal.check_read(get_document(session, db_id(doc_id)))


def ticket_for(session: Session, principal: Principal, ticket: Any) -> dict[str, Any]:
    """An upload ticket as the uploader may see it: a duplicate of a document they may not read is just
    received (neither its id nor its status tells them of another outlet's document)."""
    data = dict(ticket.as_dict())
    if data.get("duplicate_of") is not None:
        other = session.get(Document, data["duplicate_of"])
        if other is None or not principal.may_read(other):
            data.update(state="queued", duplicate_of=None)
    return data


def upload_status_for(session: Session, principal: Principal, status: dict[str, Any]) -> dict[str, Any]:
    """What became of an upload, as the uploader may see it (see :func:`ticket_for`)."""
    doc_id = status.get("document_id")
    if doc_id is not None:
        document = session.get(Document, doc_id)
        if document is None or not principal.may_read(document):
            return {**status, "state": "received", "document_id": None, "status": None, "reason": None,
                    "message": None}
    return status


def session_data(row: Any) -> dict[str, Any]:
    return {"id": row.id, "user_id": row.user_id, "username": row.user.username, "role": row.user.role,
            "created_at": row.created_at, "last_seen_at": row.last_seen_at, "expires_at": row.expires_at,
            "address": row.address, "user_agent": row.user_agent}


def document_urls(doc_id: int) -> dict[str, str]:
    base = f"/api/documents/{doc_id}"
    return {"self": base, "original": f"{base}/original", "pdf": f"{base}/pdf", "pages": f"{base}/pages",
            "page": f"/documents/{doc_id}"}


def pages_data(document: Document) -> list[dict[str, Any]]:
    base = f"/api/documents/{document.id}/pages"
    return [
        {"number": p.number, "width": p.width, "height": p.height, "rotation": p.rotation,
         "text_source": p.text_source, "mean_confidence": p.mean_confidence, "error": p.error,
         "image_url": f"{base}/{p.number}/image" if p.image else None,
         "thumbnail_url": f"{base}/{p.number}/thumbnail" if (p.thumbnail or p.image) else None}
        for p in document.pages
    ]


def document_data(session: Session, arc, principal: Principal, doc_id: int,
                  *, with_text: bool = False) -> dict[str, Any]:
    """The document view without server paths, with URLs and pages, if the caller may read it."""
    document = readable_document(session, principal, doc_id)
    view = document_view(session, arc, doc_id, with_text=with_text)
    view.pop("original_file", None)
    has_pdf = view.pop("searchable_pdf", None) is not None
    view["urls"] = document_urls(doc_id)
    if not has_pdf:
        view["urls"].pop("pdf")
    view["page_list"] = pages_data(document)
    return view


def search_params(raw: dict[str, Any]) -> dict[str, Any]:
    """The filters of a search request, blanks dropped; ``year`` (the facet) as its first and last day."""
    params = {k: str(raw[k]).strip() for k in SEARCH_FILTERS if raw.get(k) not in (None, "")}
    year = str(raw.get("year") or "").strip()
    if year:
        if not (year.isdigit() and len(year) == 4):
            raise InvalidInputError(f"year «{year}»: four digits")
        params.setdefault("date_from", f"{year}-01-01")
        params.setdefault("date_to", f"{year}-12-31")
    return params


def search_documents(arc, principal: Principal, text: str, filters: dict[str, Any], *,
                     page: int = 1, per_page: int = PAGE_SIZE, facets: bool = True) -> SearchResult:
    """Full-text search restricted to what the caller may read (an outlet sees only its own)."""
    scope = principal.outlet_scope
    return run_search(arc, text or "", outlets=scope, limit=per_page, offset=(max(page, 1) - 1) * per_page,
                      facets=facets, **filters)


def result_data(result: SearchResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "hits": [{"id": h.doc_id, "score": h.score, "title": h.title, "snippet": h.snippet, "doc_type": h.doc_type,
                  "outlet": h.outlet, "status": h.status, "date": h.date, "total": h.total,
                  "url": f"/api/documents/{h.doc_id}"} for h in result.hits],
        "facets": result.facets,
    }


def queue_data(documents: list[Document]) -> list[dict[str, Any]]:
    return [{"id": d.id, "filename": d.filename, "doc_type": d.doc_type, "outlet": d.outlet.code if d.outlet else None,
             "created_at": d.created_at.isoformat(timespec="seconds"), "problems": len(d.problems or []),
             "url": f"/review/{d.id}"} for d in documents]


NEWEST_FIRST = [SortKey(Document.created_at, descending=True), SortKey(Document.id, descending=True)]
OWED_ORDER = [SortKey(Original.due_date), SortKey(Original.id)]  # the longest overdue first
LISTED = (Document.filename, Document.doc_type, Document.status, Document.number, Document.doc_date,
          Document.rejection_reason, Document.created_at)  # what an outlet's lists show of a document


def _cursors(page: KeysetPage[Any]) -> dict[str, str | None]:
    return {"next": page.next, "previous": page.previous}


def outlet_overview(session: Session, principal: Principal, outlet_code: str | None, *, limit: int = QUEUE_PAGE,
                    cursors: dict[str, str | None] | None = None) -> dict[str, Any]:
    """An outlet's page: what head office received, what it rejected and why, which originals it owes.

    Its three lists come a page at a time (keyset pages, archive/paging.py): ``cursors`` maps ``received``,
    ``rejected`` and ``owed`` to the cursor of the page wanted; the answer's ``cursors`` gives their neighbours."""
    if outlet_code is None or (principal.outlet_scope is not None and outlet_code not in principal.outlet_scope):
        if principal.outlet_scope is None:
            raise NotFoundError("choose an outlet")
        raise PermissionDeniedError(f"{principal.username} may see only outlet {principal.outlet_code}")
    outlet = session.scalar(select(Outlet).where(Outlet.code == outlet_code))
    if outlet is None:
        raise NotFoundError(f"no outlet {outlet_code}")
    wanted = cursors or {}
    # the lists' documents with the columns shown only (their problems' JSON and the rest are not read)
    docs = select(Document).where(Document.outlet_id == outlet.id).options(load_only(*LISTED))
    received = keyset_page(session, docs, NEWEST_FIRST, cursor=wanted.get("received"), limit=limit)
    rejected = keyset_page(session, docs.where(Document.status == DocumentStatus.REJECTED), NEWEST_FIRST,
                           cursor=wanted.get("rejected"), limit=limit)
    owed = keyset_page(session, select(Original).where(Original.outlet_id == outlet.id, Original.state.in_(OWED_STATES))
                       .options(selectinload(Original.document).load_only(*LISTED)), OWED_ORDER,
                       cursor=wanted.get("owed"), limit=limit)
    problems = sorted(  # one index range an outcome, each in id order (with IN the database sorts them all)
        (r for outcome in ("quarantined", "failed")
         for r in session.scalars(select(IntakeRecord)
                                  .where(IntakeRecord.outlet_code == outlet_code, IntakeRecord.outcome == outcome)
                                  .order_by(IntakeRecord.id.desc()).limit(limit))),
        key=lambda r: -r.id)[:limit]
    today = dt.date.today()
    return {
        "outlet": {"code": outlet.code, "name": outlet.name},
        "counts": of_key(session, "outlet_status", str(outlet.id)),  # kept by the commits (archive/counts.py)
        "received": [{"id": d.id, "filename": d.filename, "doc_type": d.doc_type, "status": d.status,
                      "number": d.number, "date": d.doc_date.isoformat() if d.doc_date else None,
                      "created_at": d.created_at.isoformat(timespec="seconds")} for d in received.items],
        "rejected": [{"id": d.id, "filename": d.filename, "doc_type": d.doc_type, "reason": d.rejection_reason,
                      "created_at": d.created_at.isoformat(timespec="seconds")} for d in rejected.items],
        "owed": [{"barcode": o.barcode, "document_id": o.document_id, "filename": o.document.filename,
                  "doc_type": o.document.doc_type, "state": o.state,
                  "due_date": o.due_date.isoformat() if o.due_date else None,
                  "overdue": bool(o.due_date and o.due_date < today)} for o in owed.items],
        "cursors": {"received": _cursors(received), "rejected": _cursors(rejected), "owed": _cursors(owed)},
        "not_taken": [{"filename": r.filename, "outcome": r.outcome, "reason": r.reason, "message": r.message,
                       "at": r.received_at.isoformat(timespec="seconds")} for r in problems],
        "zreports_owed": _recent_zreports_owed(session, outlet),
    }


def _recent_zreports_owed(session: Session, outlet: Outlet) -> list[dict[str, Any]]:
    """Shifts closed whose Z-report never came, in the outlet's last :data:`ZREPORTS_DAYS` days of Z-reports
    (`finarchive zreports` reports any period): years of them are not worked through for every view of the page."""
    last = session.scalar(select(func.max(Document.doc_date))
                          .where(Document.doc_type == "z_report", Document.outlet_id == outlet.id))
    if last is None:
        return []
    return owed_zreports(session, outlet.code, since=last - dt.timedelta(days=ZREPORTS_DAYS),
                         margin=ZREPORTS_MARGIN_DAYS)


def order_data(session: Session, arc, principal: Principal, order_no: str) -> dict[str, Any]:
    """An order with every linked document (with a thumbnail), what is missing and the originals' states."""
    from archive import orders

    principal.require(Permission.ORDERS_READ)
    view = orders.order_view(session, order_no, arc.settings)
    for row in view["documents"] + view["suggestions"]:
        document = session.get(Document, row["document_id"])
        first = document.pages[0] if document is not None and document.pages else None
        row["thumbnail_url"] = (f"/api/documents/{row['document_id']}/pages/{first.number}/thumbnail"
                                if first is not None and (first.thumbnail or first.image) else None)
        row["url"] = f"/documents/{row['document_id']}"
    return view


def import_orders_file(arc, principal: Principal, data: bytes, kind: str) -> dict[str, Any]:
    """Orders from a CRM/ERP export (``kind``: csv, json or jsonl), as `finarchive orders import` reads them:
    upserted by number, waiting documents linked, those linked reindexed. The API's body and the import
    page's file both come here."""
    import tempfile
    from pathlib import Path

    from archive import orders
    from archive.indexing import index_documents

    principal.require(Permission.ORDERS_WRITE)
    with tempfile.TemporaryDirectory(dir=arc.settings.home) as folder:
        path = Path(folder) / f"orders.{kind}"
        path.write_bytes(data)
        rows, errors = orders.read_orders(path, fmt=kind)
    with arc.transaction() as session:
        result = orders.import_orders(session, rows, actor=principal.username, settings=arc.settings, errors=errors)
        linked = [link.document_id for o in rows for link in orders.get_order(session, o.order_no).links]
    if linked:
        index_documents(arc, sorted(set(linked)))
    return result.as_dict()


def make_register(arc, principal: Principal, outlet: str | None) -> dict[str, Any]:
    """Put an outlet's expected originals on a new transfer register: an outlet user makes its own, head
    office (``ORIGINALS``) any outlet's."""
    from archive import originals
    from archive.indexing import index_documents
    from archive.models import TransferRegister

    principal.require(Permission.ORIGINALS, Permission.ORIGINALS_OWN)
    chosen = outlet if principal.can(Permission.ORIGINALS) else principal.outlet_code
    if not chosen:
        raise InvalidInputError("which outlet's register?")
    with arc.transaction() as session:
        register: TransferRegister = originals.create_register(session, arc.blobs, chosen, actor=principal.username)
        code = register.code
        ids = list(session.scalars(select(Original.document_id).where(Original.register_id == register.id)))
    if ids:
        index_documents(arc, sorted(set(ids)))
    return {"code": code, "outlet": chosen, "originals": len(ids), "pdf_url": f"/api/originals/registers/{code}/pdf"}


def dossier_data(session: Session, arc, principal: Principal, inn: str, *, cursor: str | None = None,
                 limit: int | None = None) -> dict[str, Any]:
    """A counterparty's dossier as the caller may see it: an outlet only its own documents and orders."""
    from archive import dossiers

    principal.require(Permission.READ_ALL, Permission.READ_OWN)
    outlet_ids = None if principal.can(Permission.READ_ALL) else (principal.outlet_id or 0,)
    view = dossiers.dossier(session, arc.settings, inn, outlet_ids=outlet_ids, cursor=cursor,
                            limit=limit or dossiers.PAGE_SIZE)
    view["may_file"] = principal.can(Permission.VERIFY) or principal.can(Permission.ORDERS_WRITE)
    return view


def incomplete_dossiers_data(session: Session, arc, principal: Principal, *, cursor: str | None = None,
                             limit: int | None = None) -> dict[str, Any]:
    """A page of the counterparties whose dossier lacks items, as the caller may see them: an outlet those
    with a document or order of its own."""
    from archive import dossiers

    principal.require(Permission.READ_ALL, Permission.READ_OWN)
    outlet_ids = None if principal.can(Permission.READ_ALL) else (principal.outlet_id or 0,)
    return dossiers.incomplete_page(session, arc.settings, cursor=cursor, limit=limit or dossiers.PAGE_SIZE,
                                    outlet_ids=outlet_ids)


def change_dossier(arc, principal: Principal, inn: str, doc_id: int, *, item: str | None = None,
                   remove: bool = False) -> dict[str, Any]:
    """File a document the caller may read into a counterparty's dossier (or take it out); the dossier after."""
    from archive import dossiers

    principal.require(Permission.VERIFY, Permission.ORDERS_WRITE)
    with arc.transaction() as session:
        document = readable_document(session, principal, doc_id)
        if remove:
            dossiers.unfile_document(session, inn, document, actor=principal.username)
        else:
            dossiers.file_document(session, arc.settings, inn, document, item=item, actor=principal.username)
    with arc.sessions() as session:
        return dossier_data(session, arc, principal, inn)
