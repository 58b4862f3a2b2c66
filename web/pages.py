"""Server-rendered pages: login, search, document, verification desk, order, outlet."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.indexing import index_documents
from archive.models import Role
from archive.users import (
    AuthenticationError,
    Permission,
    Principal,
    authenticate,
    close_session,
    list_sessions,
    open_session,
    record_login,
    record_login_failure,
    revoke_session,
    revoke_user_sessions,
    set_language,
)
from archive.verification import (
    DOC_TYPES,
    correct_field,
    next_in_queue,
    reject_document,
    review_queue_page,
    review_queue_size,
    validation_errors,
    verify_document,
)
from web import _views
from finarchive.errors import InvalidInputError
from web._auth import SESSION_KEY, client_address, current_principal, optional_principal
from web._security import rotate_token
from web import _i18n
from web._templates import LANGUAGE_KEY, query_with, render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]

HOME_BY_ROLE: dict[Role, str] = {
    Role.OUTLET: "/outlet",
    Role.ACCOUNTANT: "/review",
    Role.MANAGER: "/search",
    Role.ADMIN: "/search",
}


def _render(request: Request, name: str, principal: Principal | None, status_code: int = 200,
            headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    return render(request, name, {"user": principal, **context}, status_code=status_code, headers=headers)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(url: str | None) -> str | None:
    return url if url and url.startswith("/") and not url.startswith("//") else None


# -- login ---------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return _render(request, "login.html", optional_principal(request), next=_safe_next(next) or "", error=None)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "") -> Response:
    """Log in; a user name or client address with too many recent failures is refused (429) unchecked."""
    arc, throttle = request.app.state.archive, request.app.state.login_throttle
    username, address = username.strip(), client_address(request)
    wait = throttle.retry_after(username, address)
    if wait is not None:
        return _render(request, "login.html", None, status_code=429, next=_safe_next(next) or "",
                       error="locked", wait_minutes=-(-wait // 60), headers={"Retry-After": str(wait)})
    try:
        with arc.transaction() as session:
            principal = authenticate(session, username, password)
            record_login(session, principal, address)
            sid = open_session(session, principal, address=address, user_agent=request.headers.get("user-agent"))
    except AuthenticationError as exc:
        locked_for = throttle.failed(username, address)
        with arc.transaction() as session:
            record_login_failure(session, username, address, locked_for=locked_for)
        return _render(request, "login.html", None, status_code=401, next=_safe_next(next) or "", error="wrong",
                       detail=str(exc))
    throttle.succeeded(username, address)
    _clear_session(request)
    request.session[SESSION_KEY] = sid
    rotate_token(request)
    return _see_other(_safe_next(next) or HOME_BY_ROLE[principal.role])


def _clear_session(request: Request) -> None:
    """A fresh session (login, logout) that keeps only the language chosen in this browser."""
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if isinstance(language, str):
        request.session[LANGUAGE_KEY] = language


@router.post("/language")
def choose_language(request: Request, language: Annotated[str, Form()], next: Annotated[str, Form()] = "") -> Response:
    """The desk's language: saved as the user's setting when logged in, else kept for this browser's session."""
    if language not in _i18n.LANGUAGES:
        raise InvalidInputError(f"«{language}»: one of {', '.join(_i18n.LANGUAGES)}")
    principal = optional_principal(request)
    if principal is not None:
        with request.app.state.archive.transaction() as session:
            set_language(session, principal.user_id, language, actor=principal.username)
    request.session[LANGUAGE_KEY] = language
    return _see_other(_safe_next(next) or "/")


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """Log out: the server forgets the session, so a copy of the cookie is worthless from now on."""
    sid = request.session.get(SESSION_KEY)
    if isinstance(sid, str):
        principal = optional_principal(request)
        with request.app.state.archive.transaction() as session:
            close_session(session, sid, actor=principal.username if principal else "?")
    _clear_session(request)
    return _see_other("/login")


@router.get("/")
def home(principal: Caller) -> RedirectResponse:
    return _see_other(HOME_BY_ROLE[principal.role])


# -- search --------------------------------------------------------------------------------------
@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, principal: Caller, q: str = "", page: int = 1) -> HTMLResponse:
    """The best matches by relevance, a page at a time, down to the :data:`web._views.SEARCH_DEPTH` th."""
    raw = dict(request.query_params)
    filters = _views.search_params(raw)
    size = _views.PAGE_SIZE
    deepest = max(1, _views.SEARCH_DEPTH // size)
    page = min(max(page, 1), deepest)
    result = _views.search_documents(request.app.state.archive, principal, q, filters, page=page, per_page=size)
    pages = max(1, min(-(-result.total // size), deepest))
    return _render(request, "search.html", principal, q=q, filters=filters, result=result, page=page,
                   pages=pages, capped=result.total > pages * size, depth=pages * size,
                   params={"q": q, **filters}, doc_types=DOC_TYPES)


# -- document ------------------------------------------------------------------------------------
@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, principal: Caller, doc_id: int) -> HTMLResponse:
    arc = request.app.state.archive
    with arc.sessions() as session:
        view = _views.document_data(session, arc, principal, doc_id, with_text=False)
    return _render(request, "document.html", principal, doc=view, editing=False)


# -- verification desk ---------------------------------------------------------------------------
@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, principal: Caller, outlet: str = "", doc_type: str = "",
                cursor: str = "") -> HTMLResponse:
    """The queue a page at a time (keyset pages: archive/paging.py), with its size counted in its index."""
    principal.require(Permission.VERIFY)
    with request.app.state.archive.sessions() as session:
        page = review_queue_page(session, outlet=outlet or None, doc_type=doc_type or None, cursor=cursor or None,
                                 limit=_views.QUEUE_PAGE)
        queue = _views.queue_data(page.items)
        size = review_queue_size(session, outlet=outlet or None, doc_type=doc_type or None)
    return _render(request, "review.html", principal, queue=queue, queue_page=page, queue_size=size,
                   outlet=outlet, doc_type=doc_type, doc_types=DOC_TYPES)


@router.get("/review/{doc_id}", response_class=HTMLResponse)
def review_document(request: Request, principal: Caller, doc_id: int, outlet: str = "",
                    doc_type: str = "") -> HTMLResponse:
    """One document at the desk; ``outlet`` and ``doc_type`` are the queue's filters, kept for the next one."""
    principal.require(Permission.VERIFY)
    return _desk_page(request, principal, doc_id, outlet, doc_type)


def _desk_page(request: Request, principal: Principal, doc_id: int, outlet: str, doc_type: str,
               status_code: int = 200, **context: Any) -> HTMLResponse:
    arc = request.app.state.archive
    with arc.sessions() as session:
        view = _views.document_data(session, arc, principal, doc_id)
        queue_size = review_queue_size(session, outlet=outlet or None, doc_type=doc_type or None)
    return _render(request, "document.html", principal, status_code=status_code, doc=view, editing=True,
                   queue_size=queue_size, doc_types=DOC_TYPES, queue_filter={"outlet": outlet, "doc_type": doc_type},
                   **context)


@router.post("/review/{doc_id}/fields")
def review_correct(request: Request, principal: Caller, doc_id: int, name: Annotated[str, Form()],
                   value: Annotated[str, Form()], force: Annotated[bool, Form()] = False) -> RedirectResponse:
    """The form fallback of the desk's inline editing (which uses the API)."""
    principal.require(Permission.VERIFY)
    arc = request.app.state.archive
    with arc.transaction() as session:
        correct_field(session, _views.readable_document(session, principal, doc_id), name, value,
                      actor=principal.username, force=force)
    index_documents(arc, [doc_id])
    return _see_other(f"/review/{doc_id}")


def _after_decision(request: Request, principal: Principal, doc_id: int, outlet: str,
                    doc_type: str) -> RedirectResponse:
    """On to the next document of the same (filtered) queue, or back to the queue when it is done."""
    arc = request.app.state.archive
    index_documents(arc, [doc_id])
    with arc.sessions() as session:
        following = next_in_queue(session, _views.readable_document(session, principal, doc_id),
                                  outlet=outlet or None, doc_type=doc_type or None)
    query = query_with({}, outlet=outlet, doc_type=doc_type)
    return _see_other((f"/review/{following.id}" if following else "/review") + (f"?{query}" if query else ""))


@router.post("/review/{doc_id}/verify")
def review_verify(request: Request, principal: Caller, doc_id: int, outlet: Annotated[str, Form()] = "",
                  doc_type: Annotated[str, Form()] = "", force: Annotated[bool, Form()] = False) -> Response:
    """Accept; while validation finds errors the desk asks first (the same page, with the errors and a
    button that accepts all the same, audited as forced)."""
    principal.require(Permission.VERIFY)
    with request.app.state.archive.transaction() as session:
        document = _views.readable_document(session, principal, doc_id)
        errors = [] if force else validation_errors(document)
        if not errors:
            verify_document(session, document, actor=principal.username, force=force)
    if errors:
        return _desk_page(request, principal, doc_id, outlet, doc_type, status_code=409, confirm_errors=errors)
    return _after_decision(request, principal, doc_id, outlet, doc_type)


@router.post("/review/{doc_id}/reject")
def review_reject(request: Request, principal: Caller, doc_id: int,
                  reason: Annotated[str, Form()] = "", outlet: Annotated[str, Form()] = "",
                  doc_type: Annotated[str, Form()] = "") -> RedirectResponse:
    principal.require(Permission.VERIFY)
    with request.app.state.archive.transaction() as session:
        reject_document(session, _views.readable_document(session, principal, doc_id), reason,
                        actor=principal.username)
    return _after_decision(request, principal, doc_id, outlet, doc_type)


# -- orders --------------------------------------------------------------------------------------
@router.get("/orders", response_class=HTMLResponse)
def orders_page(request: Request, principal: Caller, order_no: str = "") -> Response:
    principal.require(Permission.ORDERS_READ)
    if order_no.strip():
        return _see_other(f"/orders/{quote(order_no.strip(), safe='')}")
    return _render(request, "order.html", principal, order=None)


@router.get("/orders/{order_no:path}", response_class=HTMLResponse)
def order_page(request: Request, principal: Caller, order_no: str) -> HTMLResponse:
    arc = request.app.state.archive
    with arc.sessions() as session:
        order = _views.order_data(session, arc, principal, order_no)
    return _render(request, "order.html", principal, order=order)


# -- outlet --------------------------------------------------------------------------------------
@router.get("/outlet", response_class=HTMLResponse)
def outlet_page(request: Request, principal: Caller, code: str = "", uploaded: int = 0,
                duplicates: int = 0) -> HTMLResponse:
    """An outlet's page; its lists page by ``received``, ``rejected`` and ``owed`` cursors (archive/paging.py)."""
    chosen = principal.outlet_code if principal.role is Role.OUTLET else (code or None)
    overview = None
    if chosen:
        cursors = {name: request.query_params.get(name) or None for name in ("received", "rejected", "owed")}
        with request.app.state.archive.sessions() as session:
            overview = _views.outlet_overview(session, principal, chosen, cursors=cursors)
    return _render(request, "outlet.html", principal, overview=overview, code=chosen or "", uploaded=uploaded,
                   duplicates=duplicates,
                   can_upload=principal.can(Permission.UPLOAD_ANY) or principal.can(Permission.UPLOAD_OWN))


@router.post("/outlet/upload")
def outlet_upload(request: Request, principal: Caller, files: Annotated[list[UploadFile], File()],
                  outlet: Annotated[str, Form()] = "") -> RedirectResponse:
    target = principal.upload_outlet(outlet or None)
    uploads = request.app.state.uploads
    tickets = uploads.accept_all([(f.filename, f.file) for f in files if f.filename], outlet=target,
                                 actor=principal.username)  # all or nothing against the quota, as the API
    with request.app.state.archive.sessions() as session:
        shown = [_views.ticket_for(session, principal, t) for t in tickets]
    query = query_with({}, uploaded=len(shown), duplicates=sum(t["state"] == "duplicate" for t in shown) or None,
                       code=target if target and principal.role is not Role.OUTLET else None)
    return _see_other(f"/outlet?{query}")


# -- originals desk ------------------------------------------------------------------------------
@router.get("/originals", response_class=HTMLResponse)
def originals_page(request: Request, principal: Caller, outlet: str = "", cursor: str = "") -> HTMLResponse:
    """Receive originals by scanning barcodes, file them into boxes, see registers and what outlets owe: the
    counts of every outlet, the items of ``outlet`` (the most overdue one unless chosen) a page at a time."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from archive import originals
    from archive.models import StorageBox, TransferRegister

    principal.require(Permission.ORIGINALS)
    with request.app.state.archive.sessions() as session:
        owed = originals.owed_summary(session)
        chosen = outlet or (owed[0]["outlet"] if owed else "")
        items, items_page = (originals.owed_page(session, outlet=chosen, cursor=cursor or None,
                                                 limit=_views.QUEUE_PAGE) if chosen else ([], None))
        registers = [{"code": r.code, "outlet": r.outlet.code, "state": r.state, "created_at": r.created_at,
                      "pdf": bool(r.pdf)}
                     for r in session.scalars(select(TransferRegister).options(selectinload(TransferRegister.outlet))
                                              .order_by(TransferRegister.id.desc()).limit(30))]
        open_boxes = select(StorageBox).where(StorageBox.state == "open").order_by(StorageBox.code)
        boxes = [{"code": b.code, "location": b.location, "state": b.state} for b in session.scalars(open_boxes)]
    return _render(request, "originals.html", principal, owed=owed, chosen=chosen, items=items,
                   items_page=items_page, registers=registers, boxes=boxes)


# -- sessions (admin) ----------------------------------------------------------------------------
@router.get("/admin/sessions", response_class=HTMLResponse)
def sessions_page(request: Request, principal: Caller, user: str = "") -> HTMLResponse:
    """Who is logged in where: every open browser session, revocable one by one or a user's all at once."""
    principal.require(Permission.USERS)
    with request.app.state.archive.sessions() as session:
        rows = [_views.session_data(s) for s in list_sessions(session, username=user or None)]
    return _render(request, "sessions.html", principal, rows=rows, username=user)


@router.post("/admin/sessions/{session_id}/revoke")
def sessions_revoke(request: Request, principal: Caller, session_id: int) -> RedirectResponse:
    principal.require(Permission.USERS)
    with request.app.state.archive.transaction() as session:
        revoke_session(session, _views.db_id(session_id, "session"), actor=principal.username)
    return _see_other("/admin/sessions")


@router.post("/admin/users/{user_id}/sessions/revoke")
def sessions_revoke_user(request: Request, principal: Caller, user_id: int) -> RedirectResponse:
    principal.require(Permission.USERS)
    with request.app.state.archive.transaction() as session:
        revoke_user_sessions(session, _views.db_id(user_id, "user"), reason="admin", actor=principal.username)
    return _see_other("/admin/sessions")
