"""Who is asking: a signed session cookie (pages) or an API token (machines), and the session secret."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import Request

from archive.users import AuthenticationError, Principal, principal_for, principal_for_token

SECRET_NAME = "web-secret"
SESSION_COOKIE = "finarchive_session"


def load_or_create_secret(home: Path) -> str:
    """The session-signing secret kept in the archive's home, generated on first use (mode 600)."""
    path = home / SECRET_NAME
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")
    return secret


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, by API token or by the session cookie; 401 otherwise."""
    arc = request.app.state.archive
    token = bearer_token(request)
    with arc.transaction() as session:
        if token is not None:
            return principal_for_token(session, token)
        user_id = request.session.get("uid")
        if user_id is None:
            raise AuthenticationError("log in first")
        try:
            return principal_for(session, int(user_id))
        except AuthenticationError:
            request.session.clear()
            raise


def optional_principal(request: Request) -> Principal | None:
    try:
        return current_principal(request)
    except AuthenticationError:
        return None
