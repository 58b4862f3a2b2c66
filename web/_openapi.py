"""What the OpenAPI schema says about security and errors: the two ways a caller authenticates, and the one
shape every refusal of the API has (``error``, ``message``; ``detail`` for a request that fails validation)."""

from __future__ import annotations

from typing import Any

from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import BaseModel

from web._auth import SESSION_COOKIE

# Declared for the schema only (auto_error=False): web._auth.current_principal does the checking, token first.
bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="bearerToken", bearerFormat="fa_…",
    description="An API token (`finarchive users token`), sent as `Authorization: Bearer <token>`.")
session_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, scheme_name="sessionCookie",
    description="The browser session of a logged-in user (signed cookie). An unsafe request (POST, DELETE) "
                "made with it also needs the session's CSRF token in `X-CSRF-Token`.")


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ApiError(BaseModel):
    """Every refusal of the API."""

    error: str  # the kind: NotFoundError, PermissionDeniedError, RequestValidationError, …
    message: str  # what was wrong, in words
    detail: list[ValidationIssue] | None = None  # 422 of a request that fails validation: each wrong part


DESCRIPTIONS = {
    400: "The request is malformed: a body that cannot be parsed, an INN or a search filter that cannot be one.",
    401: "No credentials, or an unknown, expired or revoked token or session.",
    403: "The caller's role lacks the right, or a cookie request lacks its CSRF token.",
    404: "Nothing of that id or code that the caller may see.",
    409: "The request conflicts with the archive's state (a duplicate, a transition the state machine forbids).",
    413: "The request body is larger than `[web] max_upload_mb`; nothing was stored.",
    422: "The request fails validation, or its values fail the archive's checks.",
    507: "The upload queue and the quarantine are full (`[web] quarantine_quota_mb`); nothing was stored.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of an operation for the error codes it can answer, all with :class:`ApiError`."""
    return {code: {"model": ApiError, "description": DESCRIPTIONS[code]} for code in codes}


# The orders import reads its body itself (CSV, JSON or JSON lines, as `finarchive orders import`): the schema
# says which media types it takes; a text body's content is for the import's row checks, not for JSON Schema.
ORDERS_BODY = {"requestBody": {"required": True, "description": "Orders as `finarchive orders import` reads them.",
                               "content": {"text/csv": {"schema": {}},
                                           "application/json": {"schema": {"type": "array",
                                                                           "items": {"type": "object"}}},
                                           "application/x-ndjson": {"schema": {}}}}}
