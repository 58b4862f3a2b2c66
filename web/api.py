"""The REST API (OpenAPI at /api/openapi.json). Same rights as the pages: every route asks the principal."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.dependencies.utils import field_annotation_is_sequence
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from archive.indexing import index_documents
from archive.models import TransferRegister
from archive.users import Permission, Principal
from archive.paging import KeysetPage
from archive.verification import correct_field, reject_document, review_queue_page, verify_document
from archive.views import archive_stats
from finarchive.errors import InvalidInputError, NotFoundError
from web import _views
from web._auth import current_principal
from web._openapi import ORDERS_BODY, bearer_scheme, errors, session_scheme

BY_ID = errors(404, 422)  # what a read of one thing by its id or code can answer
CHANGE = errors(400, 404, 409, 413, 422)  # what a change with a JSON body can answer


def single_valued_query(request: Request) -> None:
    """A query parameter the schema declares as one value, given twice, is refused (422), not silently read as
    its last copy: ``?outlet=A&outlet=B`` would otherwise answer for B alone."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    repeated = [{"type": "repeated", "loc": ("query", field.alias), "msg": "give this parameter once",
                 "input": request.query_params.getlist(field.alias)}
                for field in dependant.query_params
                if not field_annotation_is_sequence(field.field_info.annotation)
                and len(request.query_params.getlist(field.alias)) > 1]
    if repeated:
        raise RequestValidationError(repeated)


router = APIRouter(prefix="/api", responses=errors(401, 403),
                   dependencies=[Depends(bearer_scheme), Depends(session_scheme),  # the schema's security
                                 Depends(single_valued_query)])
Caller = Annotated[Principal, Depends(current_principal)]


class Corrections(BaseModel):
    fields: Annotated[dict[str, str], Field(min_length=1)]  # at least one
    force: bool = False  # keep a value that fails its check (audited), as `finarchive correct --force`


class Rejection(BaseModel):
    reason: Annotated[str, Field(pattern=r"\S")]  # the outlet sees it: not blank


def _arc(request: Request):
    return request.app.state.archive


def _changed(request: Request, doc_id: int, principal: Principal, *, with_text: bool = False) -> dict[str, Any]:
    """Reindex a changed document and return its fresh view."""
    arc = _arc(request)
    index_documents(arc, [doc_id])
    with arc.sessions() as session:
        return _views.document_data(session, arc, principal, doc_id, with_text=with_text)


# -- who am I ------------------------------------------------------------------------------------
@router.get("/me", tags=["users"])
def me(principal: Caller) -> dict[str, Any]:
    return {"username": principal.username, "role": principal.role, "outlet": principal.outlet_code,
            "permissions": sorted(principal.permissions)}


# -- upload --------------------------------------------------------------------------------------
@router.post("/upload", status_code=202, tags=["upload"], responses=errors(400, 404, 413, 422, 507))
def upload(request: Request, principal: Caller, files: Annotated[list[UploadFile], File()],
           outlet: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    """Take scans in; each is read in the background. Follow ``status_url`` to see what became of it."""
    target = principal.upload_outlet(outlet)
    uploads = request.app.state.uploads
    # an empty file among others is quarantined with its reason like any bad file, the others taken in;
    # only a request with nothing in it at all is refused
    refuse_empty = all(f.size == 0 for f in files)
    # all or nothing: the whole request is measured against the quota's room before a byte is stored
    tickets = uploads.accept_all([(f.filename, f.file) for f in files], outlet=target, actor=principal.username,
                                 refuse_empty=refuse_empty)
    with _arc(request).sessions() as session:
        return {"uploads": [_views.ticket_for(session, principal, t) for t in tickets]}


@router.get("/uploads/{upload_id}", tags=["upload"], responses=BY_ID)
def upload_status(request: Request, principal: Caller, upload_id: str) -> dict[str, Any]:
    status = request.app.state.uploads.status(upload_id)
    scope = principal.outlet_scope
    if scope is not None and status["outlet"] is not None and status["outlet"] not in scope:
        raise NotFoundError(f"no upload {upload_id}")
    with _arc(request).sessions() as session:
        return _views.upload_status_for(session, principal, status)


# -- documents -----------------------------------------------------------------------------------
@router.get("/documents", tags=["documents"], responses=errors(400, 422))
def search(request: Request, principal: Caller, q: str = "", page: Annotated[int, Query(ge=1)] = 1,
           per_page: Annotated[int, Query(ge=1, le=200)] = _views.PAGE_SIZE, doc_type: str | None = None,
           outlet: str | None = None, status: str | None = None, date_from: str | None = None,
           date_to: str | None = None, amount_min: str | None = None, amount_max: str | None = None,
           inn: str | None = None, order_no: str | None = None, original_state: str | None = None,
           year: Annotated[str | None, Query(pattern=r"^\s*(\d{4})?\s*$")] = None,  # the facet: four digits
           facets: bool = True) -> dict[str, Any]:
    """Full text plus filters, facet counts and highlighted snippets. An outlet sees only its own documents."""
    filters = _views.search_params(locals())
    result = _views.search_documents(_arc(request), principal, q, filters, page=page, per_page=per_page,
                                     facets=facets)
    return {"page": page, "per_page": per_page, **_views.result_data(result)}


@router.get("/documents/{doc_id}", tags=["documents"], responses=BY_ID)
def get_document(request: Request, principal: Caller, doc_id: int, text: bool = False) -> dict[str, Any]:
    arc = _arc(request)
    with arc.sessions() as session:
        return _views.document_data(session, arc, principal, doc_id, with_text=text)


@router.get("/documents/{doc_id}/pages", tags=["documents"], responses=BY_ID)
def document_pages(request: Request, principal: Caller, doc_id: int) -> list[dict[str, Any]]:
    with _arc(request).sessions() as session:
        return _views.pages_data(_views.readable_document(session, principal, doc_id))


def _page_file(request: Request, principal: Principal, doc_id: int, number: int, kind: str) -> FileResponse:
    arc = _arc(request)
    with arc.sessions() as session:
        document = _views.readable_document(session, principal, doc_id)
        page = next((p for p in document.pages if p.number == number), None)
        key = None if page is None else (page.thumbnail or page.image if kind == "thumbnail" else page.image)
    if key is None:
        raise NotFoundError(f"document {doc_id} has no {kind} of page {number}")
    path = arc.blobs.path(key)
    if not path.exists():
        raise NotFoundError(f"the {kind} of page {number} is missing from the blob store")
    return FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}/pages/{number}/image", tags=["documents"], response_class=FileResponse,
            responses=BY_ID)
def page_image(request: Request, principal: Caller, doc_id: int, number: int) -> FileResponse:
    return _page_file(request, principal, doc_id, number, "image")


@router.get("/documents/{doc_id}/pages/{number}/thumbnail", tags=["documents"], response_class=FileResponse,
            responses=BY_ID)
def page_thumbnail(request: Request, principal: Caller, doc_id: int, number: int) -> FileResponse:
    return _page_file(request, principal, doc_id, number, "thumbnail")


@router.get("/documents/{doc_id}/original", tags=["documents"], response_class=FileResponse, responses=BY_ID)
def download_original(request: Request, principal: Caller, doc_id: int) -> FileResponse:
    """The untouched file as it was received."""
    arc = _arc(request)
    with arc.sessions() as session:
        d = _views.readable_document(session, principal, doc_id)
        sha, name, media = d.sha256, d.filename, d.media_type
    path = arc.blobs.path(arc.blobs.original_key(sha))
    if not path.exists():
        raise NotFoundError(f"the original of document {doc_id} is missing from the blob store")
    return FileResponse(path, media_type=media or "application/octet-stream", filename=name)


@router.get("/documents/{doc_id}/pdf", tags=["documents"], response_class=FileResponse, responses=BY_ID)
def download_pdf(request: Request, principal: Caller, doc_id: int) -> FileResponse:
    """The searchable PDF (page images with an invisible text layer)."""
    arc = _arc(request)
    with arc.sessions() as session:
        d = _views.readable_document(session, principal, doc_id)
        key, stem = d.searchable_pdf, d.filename.rsplit(".", 1)[0]
    if key is None or not arc.blobs.path(key).exists():
        raise NotFoundError(f"document {doc_id} has no searchable PDF")
    return FileResponse(arc.blobs.path(key), media_type="application/pdf", filename=f"{stem}.pdf")


@router.get("/documents/{doc_id}/fields", tags=["documents"], responses=BY_ID)
def document_fields(request: Request, principal: Caller, doc_id: int) -> dict[str, Any]:
    arc = _arc(request)
    with arc.sessions() as session:
        document = _views.readable_document(session, principal, doc_id)
        return {f.name: {"value": f.value, "confidence": f.confidence, "page": f.page, "box": f.box,
                         "source": f.source, "note": f.note, "extracted_value": f.extracted_value,
                         "updated_by": f.updated_by}
                for f in document.fields}


@router.post("/documents/{doc_id}/correct", tags=["verification"], responses=CHANGE)
def correct(request: Request, principal: Caller, doc_id: int, body: Corrections) -> dict[str, Any]:
    """Correct fields (``{"fields": {"total": "1234.50"}}``; ``doc_type`` corrects the type)."""
    principal.require(Permission.VERIFY)
    if not body.fields:
        raise InvalidInputError("no fields to correct")
    with _arc(request).transaction() as session:
        document = _views.readable_document(session, principal, doc_id)
        for name, value in body.fields.items():
            correct_field(session, document, name, value, actor=principal.username, force=body.force)
    return _changed(request, doc_id, principal)


@router.post("/documents/{doc_id}/verify", tags=["verification"], responses=errors(404, 409, 422))
def verify(request: Request, principal: Caller, doc_id: int, force: bool = False) -> dict[str, Any]:
    """Accept the document as it stands; refused (422) while validation finds an error, unless ``force``."""
    principal.require(Permission.VERIFY)
    with _arc(request).transaction() as session:
        verify_document(session, _views.readable_document(session, principal, doc_id), actor=principal.username,
                        force=force)
    return _changed(request, doc_id, principal)


@router.post("/documents/{doc_id}/reject", tags=["verification"], responses=CHANGE)
def reject(request: Request, principal: Caller, doc_id: int, body: Rejection) -> dict[str, Any]:
    """Reject for a rescan; the outlet sees the reason."""
    principal.require(Permission.VERIFY)
    with _arc(request).transaction() as session:
        reject_document(session, _views.readable_document(session, principal, doc_id), body.reason,
                        actor=principal.username)
    return _changed(request, doc_id, principal)


PAGE_LINKS = {"Link": {"description": 'The neighbouring pages: `<URL>; rel="next"`, `<URL>; rel="prev"` (RFC 8288), '
                                     "absent on the last and first page", "schema": {"type": "string"}}}


def _page_links(request: Request, response: Response, page: KeysetPage[Any]) -> None:
    """The keyset page's neighbours in a ``Link`` header: this request's URL with their ``cursor``."""
    links = [f'<{request.url.include_query_params(cursor=cursor)}>; rel="{rel}"'
             for rel, cursor in (("next", page.next), ("prev", page.previous)) if cursor]
    if links:
        response.headers["Link"] = ", ".join(links)


@router.get("/review", tags=["verification"], responses={**errors(422), 200: {"headers": PAGE_LINKS}})
def review(request: Request, response: Response, principal: Caller, outlet: str | None = None,
           doc_type: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
           cursor: str | None = None) -> list[dict[str, Any]]:
    """The verification queue: needs_review documents, oldest first, ``limit`` a page (keyset pages: the
    ``Link`` header gives the next and previous page's URL; their ``cursor`` is opaque)."""
    principal.require(Permission.VERIFY)
    with _arc(request).sessions() as session:
        page = review_queue_page(session, outlet=outlet, doc_type=doc_type, cursor=cursor or None, limit=limit)
        _page_links(request, response, page)
        return _views.queue_data(page.items)


# -- outlets -------------------------------------------------------------------------------------
@router.get("/outlets/{code}", tags=["outlets"], responses=BY_ID)
def outlet(request: Request, principal: Caller, code: str) -> dict[str, Any]:
    """What head office received from the outlet, what it rejected (with reasons), which originals it owes."""
    with _arc(request).sessions() as session:
        return _views.outlet_overview(session, principal, code)


# -- orders --------------------------------------------------------------------------------------
ORDER_FORMATS = {"application/json": "json", "application/x-ndjson": "jsonl", "text/csv": "csv"}


@router.post("/orders/import", tags=["orders"], responses=errors(400, 409, 413, 422), openapi_extra=ORDERS_BODY)
async def import_orders(request: Request, principal: Caller) -> dict[str, Any]:
    """Orders from the CRM/ERP: the request body is CSV (``text/csv``) or JSON (``application/json``),
    as `finarchive orders import` reads them. Orders are upserted by number; waiting documents are linked."""

    principal.require(Permission.ORDERS_WRITE)
    kind = ORDER_FORMATS.get(request.headers.get("content-type", "").split(";")[0].strip().lower())
    if kind is None:
        raise InvalidInputError(f"send orders as one of: {', '.join(ORDER_FORMATS)}")
    return _views.import_orders_file(_arc(request), principal, await request.body(), kind)


@router.get("/orders/{order_no:path}", tags=["orders"], responses=BY_ID)
def get_order(request: Request, principal: Caller, order_no: str) -> dict[str, Any]:
    """The order with every linked document, suggestions, what is missing and the originals' states."""
    arc = _arc(request)
    with arc.sessions() as session:
        return _views.order_data(session, arc, principal, order_no)


class EmbedRequest(BaseModel):
    hours: float | None = None  # [embed] ttl_hours when absent, at most [embed] max_hours


@router.post("/orders/{order_no:path}/embed", tags=["orders"], responses=errors(400, 404, 413, 422))
def mint_embed(request: Request, principal: Caller, order_no: str, body: EmbedRequest | None = None) -> dict[str, Any]:
    """A signed, expiring link to the order's read-only view, for the CRM's order card (no login)."""
    from archive import embed, orders

    principal.require(Permission.ORDERS_READ)
    arc = _arc(request)
    with arc.transaction() as session:
        order = orders.get_order(session, order_no)
        link = embed.mint(arc.settings, order.order_no, hours=body.hours if body else None)
        embed.audit_minted(session, link, actor=principal.username)
    return link.as_dict()


class LinkRequest(BaseModel):
    document_id: int
    action: Literal["link", "confirm", "reject"] = "link"


@router.post("/orders/{order_no:path}/links", tags=["orders"], responses=CHANGE)
def link(request: Request, principal: Caller, order_no: str, body: LinkRequest) -> dict[str, Any]:
    """Link a document to the order by hand, or confirm or reject a suggested link."""
    from archive import orders

    principal.require(Permission.ORDERS_WRITE)
    actions = {"link": orders.link_document, "confirm": orders.confirm_link, "reject": orders.reject_link}
    if body.action not in actions:
        raise InvalidInputError(f"action must be one of {', '.join(actions)}")
    arc = _arc(request)
    with arc.transaction() as session:
        _views.readable_document(session, principal, body.document_id)
        actions[body.action](session, order_no, body.document_id, actor=principal.username)
    index_documents(arc, [body.document_id])
    with arc.sessions() as session:
        return _views.order_data(session, arc, principal, order_no)


# -- counterparties -----------------------------------------------------------------------------
class FileRequest(BaseModel):
    document_id: int
    item: str | None = None  # a dossier item (bank_details); none: the document counts as its doc type


@router.get("/counterparties/incomplete", tags=["counterparties"],
            responses={**errors(422), 200: {"headers": PAGE_LINKS}})
def incomplete_counterparties(request: Request, response: Response, principal: Caller, cursor: str | None = None,
                              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """The counterparties whose dossier lacks items, by INN: each with its `name`, the dossier `kinds` that
    lack something and what (`missing`), and its dossier's `url`; `limit` a page (keyset pages: pass `next` or
    `previous` back as `cursor`, or follow the `Link` header). An outlet sees those with documents or orders of
    its own, as `finarchive counterparty incomplete` lists them all."""
    arc = _arc(request)
    with arc.sessions() as session:
        page = _views.incomplete_dossiers_data(session, arc, principal, cursor=cursor or None, limit=limit)
    _page_links(request, response, KeysetPage(items=[], next=page["next"], previous=page["previous"]))
    return page


@router.get("/counterparties/{inn}", tags=["counterparties"], responses=errors(400, 404, 422))
def get_counterparty(request: Request, principal: Caller, inn: str, cursor: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """A counterparty's dossier by INN: its `documents` (a page, newest first: pass `documents_next` or
    `documents_previous` back as `cursor`), `orders`, `originals_owed` and `completeness` against the dossier
    kinds that apply to it (400: not an INN; 404: nothing of it you may see)."""
    arc = _arc(request)
    with arc.sessions() as session:
        return _views.dossier_data(session, arc, principal, inn, cursor=cursor, limit=limit)


@router.post("/counterparties/{inn}/documents", tags=["counterparties"], responses=CHANGE)
def file_into_dossier(request: Request, principal: Caller, inn: str, body: FileRequest) -> dict[str, Any]:
    """File a document into the dossier by hand (a card of bank details carries no INN of its own)."""
    return _views.change_dossier(_arc(request), principal, inn, body.document_id, item=body.item)


@router.delete("/counterparties/{inn}/documents/{doc_id}", tags=["counterparties"],
               responses=errors(400, 404, 409, 422))
def unfile_from_dossier(request: Request, principal: Caller, inn: str, doc_id: int) -> dict[str, Any]:
    """Take a document filed by hand out of the dossier."""
    return _views.change_dossier(_arc(request), principal, inn, doc_id, remove=True)


# -- paper originals -----------------------------------------------------------------------------
class TransitionRequest(BaseModel):
    to: str
    note: str | None = None


class Codes(BaseModel):
    codes: list[str]


class RegisterRequest(BaseModel):
    outlet: str | None = None


class BoxRequest(BaseModel):
    code: Annotated[str, Field(pattern=r"\S")]  # a box needs a code: not empty, not blank
    location: str | None = None


def _original_for(session, principal: Principal, code: str):
    from archive import originals

    principal.require(Permission.ORIGINALS, Permission.READ_ALL, Permission.ORIGINALS_OWN)
    absent = NotFoundError(f"no original {code.strip().upper()}")  # the same words, whoever's it is
    try:
        original = originals.get_original(session, code)
    except NotFoundError:
        raise absent from None
    own = original.outlet_id is not None and original.outlet_id == principal.outlet_id
    if not (principal.can(Permission.ORIGINALS) or principal.can(Permission.READ_ALL) or own):
        raise absent
    return original


def _index_originals(request: Request, document_ids: list[int]) -> None:
    if document_ids:
        index_documents(_arc(request), sorted(set(document_ids)))


@router.get("/originals/{code}", tags=["originals"], responses=BY_ID)
def get_original(request: Request, principal: Caller, code: str) -> dict[str, Any]:
    """One paper original with its whole history."""
    from archive import originals

    with _arc(request).sessions() as session:
        original = _original_for(session, principal, code)
        return originals.original_view(session, original.barcode)


@router.post("/originals/{code}/transitions", tags=["originals"], responses=CHANGE)
def move_original(request: Request, principal: Caller, code: str, body: TransitionRequest) -> dict[str, Any]:
    """Move an original to another state, as the state machine allows (409 otherwise)."""
    from archive import originals

    principal.require(Permission.ORIGINALS)
    with _arc(request).transaction() as session:
        original = _original_for(session, principal, code)
        originals.transition(session, original, body.to, actor=principal.username, note=body.note)
        doc_id, barcode = original.document_id, original.barcode
    _index_originals(request, [doc_id])
    with _arc(request).sessions() as session:
        return originals.original_view(session, barcode)


@router.post("/originals/receive", tags=["originals"], responses=errors(400, 409, 413, 422))
def receive_originals(request: Request, principal: Caller, body: Codes) -> dict[str, Any]:
    """Originals whose barcodes were scanned at head office become ``received``; registers are compared."""
    from archive import originals

    principal.require(Permission.ORIGINALS)
    with _arc(request).transaction() as session:
        report = originals.receive(session, body.codes, actor=principal.username)
        ids = [originals.get_original(session, c).document_id for c in report.received + report.unexpected]
    _index_originals(request, ids)
    return report.as_dict()


@router.get("/originals/registers/", tags=["originals"])
def list_registers(request: Request, principal: Caller) -> list[dict[str, Any]]:
    """Transfer registers, newest first (an outlet sees its own)."""
    principal.require(Permission.ORIGINALS, Permission.ORIGINALS_OWN)
    stmt = select(TransferRegister).order_by(TransferRegister.id.desc()).limit(200)
    if not principal.can(Permission.ORIGINALS):
        stmt = stmt.where(TransferRegister.outlet_id == principal.outlet_id)
    with _arc(request).sessions() as session:
        return [{"code": r.code, "outlet": r.outlet.code, "state": r.state,
                 "created_at": r.created_at.isoformat(timespec="seconds"), "created_by": r.created_by,
                 "pdf_url": f"/api/originals/registers/{r.code}/pdf" if r.pdf else None}
                for r in session.scalars(stmt)]


@router.post("/originals/registers/", tags=["originals"], status_code=201, responses=CHANGE)
def create_register(request: Request, principal: Caller, body: RegisterRequest) -> dict[str, Any]:
    """Put an outlet's expected originals on a new transfer register (an outlet makes its own)."""
    return _views.make_register(_arc(request), principal, body.outlet)


@router.get("/originals/registers/{code}/pdf", tags=["originals"], response_class=FileResponse, responses=BY_ID)
def register_pdf(request: Request, principal: Caller, code: str) -> FileResponse:
    principal.require(Permission.ORIGINALS, Permission.ORIGINALS_OWN)
    arc = _arc(request)
    with arc.sessions() as session:
        register = session.scalar(select(TransferRegister).where(TransferRegister.code == code.strip().upper()))
        if register is None or (not principal.can(Permission.ORIGINALS) and register.outlet_id != principal.outlet_id):
            raise NotFoundError(f"no register {code}")
        key = register.pdf
    if key is None:
        raise NotFoundError(f"register {code} has no PDF")
    return FileResponse(arc.blobs.path(key), media_type="application/pdf", filename=f"{code}.pdf")


@router.post("/originals/boxes/", tags=["originals"], status_code=201, responses=errors(400, 409, 413, 422))
def create_box(request: Request, principal: Caller, body: BoxRequest) -> dict[str, Any]:
    from archive import originals

    principal.require(Permission.ORIGINALS)
    with _arc(request).transaction() as session:
        box = originals.create_box(session, body.code, location=body.location, actor=principal.username)
        return {"code": box.code, "location": box.location, "state": box.state}


@router.post("/originals/boxes/{code}/file", tags=["originals"], responses=CHANGE)
def file_into_box(request: Request, principal: Caller, code: str, body: Codes) -> dict[str, Any]:
    """File received originals into a box: they become ``archived``."""
    from archive import originals

    principal.require(Permission.ORIGINALS)
    with _arc(request).transaction() as session:
        codes = list(dict.fromkeys(c.strip().upper() for c in body.codes if c.strip()))  # each once
        filed = originals.file_originals(session, code, codes, actor=principal.username)
        result = {"box": code, "filed": [o.barcode for o in filed]}
        ids = [o.document_id for o in filed]
    _index_originals(request, ids)
    return result


# -- reports -------------------------------------------------------------------------------------
@router.get("/reports/outstanding", tags=["reports"], responses=BY_ID)
def outstanding(request: Request, principal: Caller, outlet: str | None = None,
                overdue_only: bool = False) -> list[dict[str, Any]]:
    """Originals still owed, by outlet, overdue first (an outlet sees its own)."""
    from archive import originals

    if not principal.can(Permission.ORIGINALS) and not principal.can(Permission.REPORTS):
        principal.require(Permission.ORIGINALS_OWN)
        outlet = principal.outlet_code
    with _arc(request).sessions() as session:
        return originals.outstanding_report(session, outlet=outlet, overdue_only=overdue_only)


@router.get("/reports/stats", tags=["reports"])
def stats(request: Request, principal: Caller) -> JSONResponse:
    principal.require(Permission.REPORTS)
    with _arc(request).sessions() as session:  # a read: the commits fold the counts' rows (archive/counts.py)
        return JSONResponse(archive_stats(session))


# -- sessions (admin) ----------------------------------------------------------------------------
@router.get("/sessions", tags=["users"], responses=errors(422))
def sessions(request: Request, principal: Caller, user: str | None = None) -> list[dict[str, Any]]:
    """The open browser sessions (who, since when, last seen, from where), newest first."""
    from archive.users import list_sessions

    principal.require(Permission.USERS)
    with _arc(request).sessions() as session:
        return [{k: (v.isoformat(timespec="seconds") if hasattr(v, "isoformat") else v)
                 for k, v in _views.session_data(row).items()} for row in list_sessions(session, username=user)]


@router.post("/sessions/{session_id}/revoke", tags=["users"], responses=errors(404, 409, 422))
def revoke(request: Request, principal: Caller, session_id: int) -> dict[str, Any]:
    """End a browser session at once: its cookie answers 401 from now on."""
    from archive.users import revoke_session

    principal.require(Permission.USERS)
    with _arc(request).transaction() as session:
        row = revoke_session(session, _views.db_id(session_id, "session"), actor=principal.username)
        return {"id": row.id, "revoked": True}
