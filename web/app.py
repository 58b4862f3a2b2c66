"""The ASGI application: pages for people, a REST API for machines, one error handler for both."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from archive.embed import embed_key
from finarchive.errors import ConfigurationError, FinarchiveError
from web._auth import SESSION_COOKIE, load_or_create_secret, optional_principal, parse_proxies
from web._limits import DEFAULT_MAX_BODY_MB, MB, BodyLimitMiddleware
from web._security import SECURITY_HEADERS, SecurityHeadersMiddleware, csrf_protect
from web._i18n import check_settings
from web import _i18n
from web._templates import language_of, render
from web._throttle import LoginPolicy, LoginThrottle
from web._uploads import Uploads

HERE = Path(__file__).parent
SESSION_HOURS = 12
DEFAULT_QUARANTINE_QUOTA_MB = 2048


def _megabytes(section: dict[str, Any], key: str, default: int) -> int:
    try:
        value = float(section.get(key, default))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"[web] {key} = {section.get(key)!r}: {exc}") from exc
    if value <= 0:
        raise ConfigurationError(f"[web] {key} must be above 0")
    return int(value * MB)


def jsonable(errors: Any) -> Any:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors)


def _error_response(request: Request, status: int, name: str, message: str) -> Response:
    """JSON under /api/; for a browser, a login for 401 (keeping the page asked for, query and all) and an
    error page with the navigation otherwise."""
    if request.url.path.startswith("/api/"):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": name, "message": message}, status_code=status, headers=headers)
    if status == 401:
        asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(asked, safe='/')}", status_code=303)
    principal = optional_principal(request)
    _i18n.use(language_of(request, principal))
    shown = _i18n.gettext(message)  # a message of our catalogue, or with what it is about after it
    if shown == message and " (" in message:
        head, sep, tail = message.partition(" (")
        shown = _i18n.gettext(head) + sep + tail
    return render(request, "error.html", {"status": status, "message": shown, "user": principal}, status_code=status)


def create_app(archive, *, secret: str | None = None,
               executor_factory: Callable[[], Any] | None = None,
               login_throttle: LoginThrottle | None = None) -> FastAPI:
    """The web app over an opened archive. ``executor_factory`` makes the page executor for uploads;
    ``login_throttle`` counts failed logins (by default one with the policy of the settings' ``[web]``)."""
    from web.api import router as api_router
    from web.pages import router as page_router
    from web.approvals_page import router as approvals_router
    from web.documents_page import router as documents_router
    from web.mail_page import router as mail_router
    from web.orders_page import router as orders_router
    from web.registers_page import router as registers_router
    from web.users_page import router as users_router
    from web.dossiers_page import router as dossiers_router
    from web.embed_page import frame_ancestors
    from web.embed_page import router as embed_router
    from web.routes_page import router as routes_router
    from web.tasks_page import router as tasks_router

    web_settings = archive.settings.values.get("web") or {}

    app = FastAPI(
        title="finarchive",
        version="0.1.0",
        description="Financial archive: documents, verification, orders, paper originals. "
                    "Authenticate with `Authorization: Bearer <token>` (`finarchive users token`).",
        docs_url=None,  # Swagger UI would load its scripts from a CDN: nothing is fetched from the internet
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
        dependencies=[Depends(csrf_protect)],  # every route: unsafe cookie requests need the CSRF token
    )
    app.state.archive = archive
    app.state.language, app.state.timezone = check_settings(web_settings)
    max_body, quota = _megabytes(web_settings, "max_upload_mb", DEFAULT_MAX_BODY_MB), \
        _megabytes(web_settings, "quarantine_quota_mb", DEFAULT_QUARANTINE_QUOTA_MB)
    app.state.uploads = Uploads(archive, executor_factory, quota_bytes=quota)
    try:
        app.state.trusted_proxies = parse_proxies(web_settings.get("trusted_proxies", []))
    except ValueError as exc:
        raise ConfigurationError(f"[web] trusted_proxies: {exc}") from exc
    app.state.login_throttle = login_throttle or LoginThrottle(LoginPolicy.from_settings(web_settings))
    app.state.embed_key = embed_key(Path(archive.settings.home))  # signs the CRM's order links (archive/embed.py)
    app.state.frame_ancestors = frame_ancestors(archive.settings)
    app.state.trusted_origins = frozenset(o.rstrip("/") for o in web_settings.get("trusted_origins", []))
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret or load_or_create_secret(Path(archive.settings.home)),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=bool(web_settings.get("secure_cookies", False)),
    )
    headers = dict(SECURITY_HEADERS)
    if web_settings.get("secure_cookies", False):  # browsers then refuse plain HTTP for a year
        headers["Strict-Transport-Security"] = "max-age=31536000"
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body)  # 413 before a too large body is read
    app.add_middleware(SecurityHeadersMiddleware, headers=headers)  # outermost: every response, errors too
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api_router)
    app.include_router(documents_router)  # the document list (before /documents/{id} of the pages)
    app.include_router(orders_router)  # suggestions, link forms, import (before /orders/{order_no} of the pages)
    app.include_router(registers_router)  # an outlet's transfer registers
    app.include_router(page_router)
    app.include_router(users_router)  # the administrator's users and tokens
    app.include_router(mail_router)  # the [mail] accounts and rules
    app.include_router(tasks_router)  # «Мои задачи» (archive/tasks.py)
    app.include_router(approvals_router)  # согласование (archive/approvals.py)
    app.include_router(routes_router)  # the administrator's [[routes]] (archive/routes.py)
    app.include_router(dossiers_router)  # досье контрагента (archive/dossiers.py)
    app.include_router(embed_router)  # the CRM's signed order view, no login (archive/embed.py)

    @app.exception_handler(FinarchiveError)
    async def finarchive_error(request: Request, exc: FinarchiveError) -> Response:
        return _error_response(request, exc.http_status, type(exc).__name__, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "HTTPException", "message": str(exc.detail)}, status_code=exc.status_code,
                                headers=exc.headers)
        return _error_response(request, exc.status_code, "HTTPException", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        wrong = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        if request.url.path.startswith("/api/"):  # web._openapi.ApiError, with each wrong part
            detail = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                      for e in exc.errors()]
            return JSONResponse({"error": "RequestValidationError", "message": f"bad request: {wrong}",
                                 "detail": jsonable(detail)}, status_code=422)
        return _error_response(request, 422, "RequestValidationError", f"bad request: {wrong}")

    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.uploads.close()
