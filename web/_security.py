"""Cross-site request forgery protection and the security headers of every response.

CSRF: a synchroniser token kept in the signed session (``session["csrf"]``). Pages render it masked with
a fresh one-time pad on each response (so a compressed page does not leak it, BREACH) as a hidden
``csrf_token`` input in each form and in ``<meta name="csrf-token">`` for ``static/app.js``, which sends it
as the ``X-CSRF-Token`` header. Every unsafe request that comes with the session cookie (and every login)
must carry it; a request authenticated by ``Authorization: Bearer`` carries no ambient credential and is
exempt. An ``Origin`` (or, without one, a ``Referer``) naming another host is refused as well.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import Request
from markupsafe import Markup, escape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finarchive.errors import PermissionDeniedError
from web._auth import SESSION_COOKIE, bearer_token
from web._i18n import N_

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
TOKEN_BYTES = 32
ALWAYS_PROTECTED = frozenset({"/login"})  # login CSRF: no session cookie yet, protected all the same
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class CsrfError(PermissionDeniedError):
    """A state-changing request without the page's CSRF token, or sent from another site."""


# -- the token -------------------------------------------------------------------------------------
def _session_token(request: Request) -> bytes:
    """The session's secret token, made on first use (it lives as long as the session)."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, str):
        stored = secrets.token_urlsafe(TOKEN_BYTES)
        request.session[SESSION_KEY] = stored
    return base64.urlsafe_b64decode(stored + "=" * (-len(stored) % 4))


def rotate_token(request: Request) -> None:
    """A new token (at login: a token seen before the login is worthless after it)."""
    request.session[SESSION_KEY] = secrets.token_urlsafe(TOKEN_BYTES)


def csrf_token(request: Request) -> str:
    """The token to put in a page: the session's token masked with a fresh random pad."""
    secret = _session_token(request)
    pad = secrets.token_bytes(len(secret))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, secret, strict=True))).decode()


def csrf_input(request: Request) -> Markup:
    """The hidden form input carrying the token (for the templates)."""
    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{escape(csrf_token(request))}">')


def _unmask(token: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    if len(raw) != 2 * TOKEN_BYTES:
        return None
    pad, masked = raw[:TOKEN_BYTES], raw[TOKEN_BYTES:]
    return bytes(a ^ b for a, b in zip(pad, masked, strict=True))


def _same_host(url: str, host: str) -> bool:
    return bool(host) and urlsplit(url).netloc.lower() == host.lower()


def _check_origin(request: Request, trusted: Iterable[str]) -> None:
    """An Origin (or Referer) header, when the browser sent one, must name this site or a trusted one."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        if origin.rstrip("/") in trusted or _same_host(origin, host):
            return
        raise CsrfError(N_("refused: the request comes from another site") + f" ({origin})")
    referer = request.headers.get("referer")
    if referer and not (_same_host(referer, host) or any(referer.startswith(t + "/") for t in trusted)):
        raise CsrfError(N_("refused: the request comes from another site") + " (Referer)")


def _needs_check(request: Request) -> bool:
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return False
    return SESSION_COOKIE in request.cookies or request.url.path in ALWAYS_PROTECTED


async def csrf_protect(request: Request) -> None:
    """FastAPI dependency on every route: refuse an unsafe cookie request without the session's token."""
    if not _needs_check(request):
        return
    _check_origin(request, request.app.state.trusted_origins)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get(SESSION_KEY)
    if not sent or not isinstance(expected, str):
        raise CsrfError(N_("refused: the CSRF token is missing (reload the page and try again)"))
    got = _unmask(sent)
    if got is None or not hmac.compare_digest(got, _session_token(request)):
        raise CsrfError(N_("refused: the CSRF token is wrong or stale (reload the page and try again)"))


# -- headers ---------------------------------------------------------------------------------------
class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (pages, API, static files, errors)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1"))
                        for k, v in (headers or SECURITY_HEADERS).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                if b"content-security-policy" in present:  # a response with its own policy (the embedded
                    present.add(b"x-frame-options")  # view) says who may frame it with frame-ancestors
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in self.headers if k not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
