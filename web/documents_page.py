"""The document list (``/documents``): thumbnails, a sort by any column, keyset pages, saved searches and
bulk actions (archive/doclist.py, archive/saved_searches.py, archive/bulk.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from archive import doclist
from archive.bulk import BulkOptions, apply_bulk
from archive.models import Document
from archive.saved_searches import delete_search, kept_query, save_search, saved_searches
from archive.thumbnails import document_thumbnail
from archive.users import Permission, Principal
from archive.verification import DOC_TYPES
from finarchive.errors import NotFoundError
from web import _i18n, _views
from web._auth import current_principal
from web._templates import render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]

PER_PAGE = (25, 50, 100)
BULK_KEY = "bulk"  # the last bulk action's outcome, shown once on the list (in the signed session)
SHOWN_SKIPS = 8  # skipped documents named in that message; the rest are counted
# The list's columns in order: the sort key (archive.doclist.SORTS) of each, or None where it does not sort.
COLUMNS = ("filename", "type", "number", "date", "total", "outlet", "status", "received")


def _list_page(session, arc, principal: Principal, raw: dict[str, Any]) -> dict[str, Any]:
    """The rows of one page of the list and what the template needs around them."""
    filters = _views.search_params(raw)
    text = str(raw.get("q") or "").strip()
    ids = None
    matched = None
    if text:  # full text is the index's: its best matches are sorted and paged like the rest
        found = _views.search_documents(arc, principal, text, filters, per_page=doclist.FULLTEXT_LIMIT,
                                        facets=False)
        ids, matched = tuple(h.doc_id for h in found.hits), found.total
    per_page = int(raw["per_page"]) if str(raw.get("per_page", "")) in {str(n) for n in PER_PAGE} else PER_PAGE[1]
    sort = str(raw.get("sort") or doclist.DEFAULT_SORT)
    page = doclist.list_documents(session, doclist.ListQuery(
        filters=filters, outlets=principal.outlet_scope, ids=ids, sort=sort, limit=per_page,
        cursor=raw.get("cursor") or None, count_cap=doclist.COUNT_CAP))
    key, descending = doclist.parse_sort(sort)
    return {"rows": [_row(d) for d in page.documents], "total": page.total, "total_capped": page.total_capped,
            "matched": matched,
            "capped": matched is not None and matched > doclist.FULLTEXT_LIMIT, "sort_key": key,
            "descending": descending, "next_cursor": page.next_cursor, "prev_cursor": page.prev_cursor,
            "per_page": per_page, "q": text, "filters": filters}


def _row(d: Document) -> dict[str, Any]:
    return {"id": d.id, "filename": d.filename, "doc_type": d.doc_type, "number": d.number, "date": d.doc_date,
            "total": d.total, "currency": d.currency, "outlet": d.outlet.code if d.outlet else None,
            "status": d.status, "received": d.created_at, "original": d.original.state if d.original else None,
            "thumbnail_url": f"/documents/{d.id}/thumbnail" if _has_picture(d) else None, "url": f"/documents/{d.id}"}


def _has_picture(d: Document) -> bool:
    """Whether a thumbnail can be had (archive/thumbnails.py): a page image, or an original to render."""
    media = d.media_type or ""
    return any(p.thumbnail or p.image for p in d.pages) or media.startswith("image/") or media == "application/pdf"


def _bulk_message(outcome: dict[str, Any]) -> dict[str, Any]:
    """The last bulk action's outcome in the reader's language (its reasons are the archive's messages)."""
    skipped = [(doc_id, _i18n.gettext(message)) for doc_id, message in outcome.get("skipped", [])]
    return {"action": outcome.get("action"), "done": outcome.get("done", 0), "skipped": skipped,
            "more": outcome.get("more", 0)}


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, principal: Caller) -> HTMLResponse:
    """Every document the caller may read, newest first or by any column, with filters and full text."""
    raw = dict(request.query_params)
    arc = request.app.state.archive
    with arc.sessions() as session:
        listing = _list_page(session, arc, principal, raw)
        saved = [{"id": s.id, "name": s.name, "query": s.query} for s in saved_searches(session, principal.user_id)]
    outcome = request.session.pop(BULK_KEY, None)
    here = kept_query(str(request.url.query))
    params = {k: v for k, v in raw.items() if k != "cursor" and v}
    return render(request, "documents.html", {
        "user": principal, **listing, "saved": saved, "here": here, "params": params, "columns": COLUMNS,
        "sortable": set(doclist.SORTS), "doc_types": DOC_TYPES, "per_page_choices": PER_PAGE,
        "bulk": _bulk_message(outcome) if isinstance(outcome, dict) else None,
        "can_verify": principal.can(Permission.VERIFY), "can_link": principal.can(Permission.ORDERS_WRITE),
        "current_search": next((s["id"] for s in saved if s["query"] == here), None),
    })


@router.get("/documents/{doc_id}/thumbnail", response_class=FileResponse)
def document_thumbnail_file(request: Request, principal: Caller, doc_id: int) -> FileResponse:
    """The document's thumbnail (its first page's), made on the first request and kept."""
    arc = request.app.state.archive
    with arc.sessions() as session:
        path = document_thumbnail(arc, _views.readable_document(session, principal, doc_id))
    if path is None:
        raise NotFoundError(f"document {doc_id} has nothing to picture")
    return FileResponse(path, headers={"Cache-Control": "private, max-age=86400"})


@router.post("/documents/bulk")
def documents_bulk(request: Request, principal: Caller, action: Annotated[str, Form()],
                   ids: Annotated[list[int], Form()], back: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "", doc_type: Annotated[str, Form()] = "",
                   order_no: Annotated[str, Form()] = "", force: Annotated[bool, Form()] = False) -> Response:
    """One action on the chosen documents, each checked and audited as its single action is; back to the
    list with what was done and what was not (and why)."""
    report = apply_bulk(request.app.state.archive, principal, action, [_views.db_id(i) for i in ids],
                        BulkOptions(reason=reason, doc_type=doc_type, order_no=order_no.strip(), force=force))
    request.session[BULK_KEY] = {
        "action": report.action.value, "done": len(report.done),
        "skipped": [[s.document_id, s.message[:240]] for s in report.skipped[:SHOWN_SKIPS]],
        "more": max(0, len(report.skipped) - SHOWN_SKIPS)}
    return RedirectResponse(_back(back), status_code=303)


def _back(query: str) -> str:
    return "/documents" + (f"?{query}" if query and not query.startswith(("/", "?")) else "")


@router.post("/documents/searches")
def save_current_search(request: Request, principal: Caller, name: Annotated[str, Form()],
                        query: Annotated[str, Form()] = "") -> RedirectResponse:
    """Save the list as it is filtered and sorted now under a name (the same name replaces it)."""
    with request.app.state.archive.transaction() as session:
        row = save_search(session, principal.user_id, name, query, actor=principal.username)
        kept = row.query
    return RedirectResponse(_back(kept), status_code=303)


@router.post("/documents/searches/{search_id}/delete")
def delete_saved_search(request: Request, principal: Caller, search_id: int) -> RedirectResponse:
    with request.app.state.archive.transaction() as session:
        delete_search(session, principal.user_id, _views.db_id(search_id, "saved search"), actor=principal.username)
    return RedirectResponse("/documents", status_code=303)



