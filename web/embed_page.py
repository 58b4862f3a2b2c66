"""The embedded order view: what a CRM shows in its order card — the order's scans with thumbnails and what
it still lacks — read-only, by a signed expiring link instead of a login (archive/embed.py).

Only the link's order is shown, and only the pages of documents confirmed linked to it; an expired or
changed link is refused (403). The CRM's origins allowed to frame the view are ``[embed] frame_ancestors``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select

from archive import embed, orders
from archive.models import LinkState, OrderLink, Page
from finarchive.errors import ConfigurationError, NotFoundError
from web._templates import render

router = APIRouter(include_in_schema=False)

# The view's own security headers: framing by the CRM only, no referrer carrying the signed link away.
POLICY = ("default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; "
          "frame-ancestors {ancestors}")


def frame_ancestors(settings) -> str:
    """``[embed] frame_ancestors`` as a CSP source list (none configured: 'none', the view is not framed)."""
    origins = settings.get("embed", "frame_ancestors") or []
    if not isinstance(origins, list) or not all(isinstance(o, str) and o.strip() for o in origins):
        raise ConfigurationError("[embed] frame_ancestors: список адресов / a list of origins")
    bad = [o for o in origins if o != "'self'" and not o.startswith(("https://", "http://"))]
    if bad or any(ch in o for o in origins for ch in " ;,\"\n"):
        raise ConfigurationError(f"[embed] frame_ancestors: не адрес / not an origin: {(bad or origins)[0]!r} "
                                 "(https://crm.example.ru or 'self')")
    return " ".join(o.rstrip("/") for o in origins) or "'none'"


def _headers(request: Request) -> dict[str, str]:
    return {"Content-Security-Policy": POLICY.format(ancestors=request.app.state.frame_ancestors),
            "Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store"}


def _key(request: Request) -> bytes:
    key: bytes = request.app.state.embed_key  # set by create_app
    return key


@router.get("/embed/orders/{order_no:path}", response_class=HTMLResponse)
def embedded_order(request: Request, order_no: str, expires: str = "", sig: str = "") -> HTMLResponse:
    headers = _headers(request)
    try:
        expires_at = embed.verify(_key(request), order_no, expires, sig)
    except embed.EmbedRefused as exc:
        return render(request, "embed.html", {"user": None, "order": None, "refused": str(exc)}, status_code=403,
                      headers=headers)
    arc = request.app.state.archive
    with arc.sessions() as session:
        view = orders.order_view(session, order_no, arc.settings)
        for row in view["documents"]:
            pages = session.scalars(select(Page).where(Page.document_id == row["document_id"])
                                    .order_by(Page.number)).all()
            row["pages"] = [{"number": p.number,
                             "thumbnail": _page_url(order_no, row["document_id"], p.number, expires, sig, "thumbnail")
                             if (p.thumbnail or p.image) else None,
                             "image": _page_url(order_no, row["document_id"], p.number, expires, sig, "image")
                             if p.image else None} for p in pages]
    return render(request, "embed.html", {"user": None, "order": view, "refused": None, "expires_at": expires_at},
                  headers=headers)


def _page_url(order_no: str, doc_id: int, number: int, expires: str, sig: str, kind: str) -> str:
    from urllib.parse import urlencode

    query = urlencode({"order": order_no, "expires": expires, "sig": sig})
    return f"/embed/pages/{doc_id}/{number}/{kind}?{query}"


@router.get("/embed/pages/{doc_id}/{number}/{kind}")
def embedded_page(request: Request, doc_id: int, number: int, kind: str, order: str = "", expires: str = "",
                  sig: str = "") -> Response:
    """A page's thumbnail or image, for a link to an order the document is confirmed linked to."""
    headers = _headers(request)
    try:
        embed.verify(_key(request), order, expires, sig)
    except embed.EmbedRefused as exc:
        return Response(str(exc), status_code=403, media_type="text/plain; charset=utf-8", headers=headers)
    if kind not in ("thumbnail", "image"):
        raise NotFoundError(f"no {kind} of a page")
    arc = request.app.state.archive
    with arc.sessions() as session:
        found = orders.get_order(session, order)
        linked = session.scalar(select(OrderLink.id).where(OrderLink.order_id == found.id,
                                                           OrderLink.document_id == doc_id,
                                                           OrderLink.state == LinkState.CONFIRMED))
        page = session.scalar(select(Page).where(Page.document_id == doc_id, Page.number == number))
        key = None if page is None or linked is None else (page.thumbnail or page.image if kind == "thumbnail"
                                                          else page.image)
    if key is None:
        raise NotFoundError(f"no page {number} of document {doc_id} in order {order}")
    path: Path = arc.blobs.path(key)
    if not path.exists():
        raise NotFoundError(f"the {kind} of page {number} is missing from the blob store")
    return FileResponse(path, headers={**headers, "Cache-Control": "private, max-age=600"})
