"""The ASGI application: pages for people, a REST API for machines, one error handler for both."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from finarchive.errors import FinarchiveError
from web._auth import SESSION_COOKIE, load_or_create_secret
from web._security import SECURITY_HEADERS, SecurityHeadersMiddleware, csrf_protect
from web._templates import templates
from web._throttle import LoginPolicy, LoginThrottle
from web._uploads import Uploads

HERE = Path(__file__).parent
SESSION_HOURS = 12


def create_app(archive, *, secret: str | None = None,
               executor_factory: Callable[[], Any] | None = None,
               login_throttle: LoginThrottle | None = None) -> FastAPI:
    """The web app over an opened archive. ``executor_factory`` makes the page executor for uploads;
    ``login_throttle`` counts failed logins (by default one with the policy of the settings' ``[web]``)."""
    from web.api import router as api_router
    from web.pages import router as page_router

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
    app.state.uploads = Uploads(archive, executor_factory)
    app.state.login_throttle = login_throttle or LoginThrottle(LoginPolicy.from_settings(web_settings))
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
    app.add_middleware(SecurityHeadersMiddleware, headers=headers)  # outermost: every response, errors too
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api_router)
    app.include_router(page_router)

    @app.exception_handler(FinarchiveError)
    async def finarchive_error(request: Request, exc: FinarchiveError) -> Response:
        status = exc.http_status
        if request.url.path.startswith("/api/"):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=status,
                                headers=headers)
        if status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": str(exc),
                                                                  "user": None}, status_code=status)

    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.uploads.close()
