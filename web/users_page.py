"""The administrator's users and API tokens (``/admin/users``): add a user, change a password, disable or
enable, mint a token (shown once) or revoke one — each through archive/users.py, as the CLI does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from archive.models import ApiToken, Role, User, WebSession, utcnow
from archive.users import (
    MIN_PASSWORD,
    Permission,
    Principal,
    add_user,
    list_users,
    mint_token,
    revoke_token,
    set_active,
    set_email,
    set_password,
    tokens_of,
)
from finarchive.errors import InvalidInputError, NotFoundError
from web import _views
from web._auth import current_principal
from web._templates import render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]


def _password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(f"пароль не короче {MIN_PASSWORD} символов / a password of at least {MIN_PASSWORD} "
                                "characters")
    return password


def _user(session, user_id: int) -> User:
    user = session.get(User, _views.db_id(user_id, "user"))
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    return user


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, principal: Caller) -> HTMLResponse:
    principal.require(Permission.USERS)
    with request.app.state.archive.sessions() as session:
        tokens = dict(session.execute(select(ApiToken.user_id, func.count()).where(ApiToken.revoked.is_(False))
                                      .group_by(ApiToken.user_id)).tuples().all())
        now = utcnow()
        sessions = dict(session.execute(
            select(WebSession.user_id, func.count()).where(WebSession.revoked_at.is_(None), WebSession.expires_at > now)
            .group_by(WebSession.user_id)).tuples().all())
        rows = [{"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "email": u.email,
                 "outlet": u.outlet.code if u.outlet else None, "active": u.active, "created_at": u.created_at,
                 "tokens": tokens.get(u.id, 0), "sessions": sessions.get(u.id, 0)} for u in list_users(session)]
    return render(request, "users.html", {"user": principal, "rows": rows, "roles": list(Role),
                                          "min_password": MIN_PASSWORD})


@router.post("/admin/users")
def users_add(request: Request, principal: Caller, username: Annotated[str, Form()], role: Annotated[str, Form()],
              full_name: Annotated[str, Form()] = "", outlet: Annotated[str, Form()] = "",
              email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "") -> RedirectResponse:
    """A new user; without a password it is a machine's, which logs in with tokens only."""
    principal.require(Permission.USERS)
    if role not in set(Role):
        raise InvalidInputError(f"role «{role}»: one of {', '.join(Role)}")
    with request.app.state.archive.transaction() as session:
        user = add_user(session, username, _password(password) if password else None, role,
                        outlet_code=outlet.strip() or None if role == Role.OUTLET else None,
                        full_name=full_name.strip() or None, email=email, actor=principal.username)
        user_id = user.id
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


def _user_page(request: Request, principal: Principal, user_id: int, *, new_token: str | None = None,
               status_code: int = 200) -> HTMLResponse:
    with request.app.state.archive.sessions() as session:
        u = _user(session, user_id)
        shown = {"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "email": u.email,
                 "outlet": u.outlet.code if u.outlet else None, "active": u.active, "created_at": u.created_at,
                 "has_password": bool(u.password_hash), "language": u.language}
        tokens = [{"id": t.id, "name": t.name, "created_at": t.created_at, "last_used_at": t.last_used_at,
                   "revoked": t.revoked} for t in tokens_of(session, u.id)]
    headers = {"Cache-Control": "no-store"} if new_token else None  # the token is shown once, never cached
    return render(request, "user.html", {"user": principal, "account": shown, "tokens": tokens,
                                         "new_token": new_token, "min_password": MIN_PASSWORD},
                  status_code=status_code, headers=headers)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, principal: Caller, user_id: int) -> HTMLResponse:
    principal.require(Permission.USERS)
    return _user_page(request, principal, user_id)


@router.post("/admin/users/{user_id}/password")
def user_password(request: Request, principal: Caller, user_id: int,
                  password: Annotated[str, Form()]) -> RedirectResponse:
    """A new password: every browser session of the user is logged out."""
    principal.require(Permission.USERS)
    with request.app.state.archive.transaction() as session:
        set_password(session, _user(session, user_id).username, _password(password), actor=principal.username)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/email")
def user_email(request: Request, principal: Caller, user_id: int,
               email: Annotated[str, Form()] = "") -> RedirectResponse:
    principal.require(Permission.USERS)
    with request.app.state.archive.transaction() as session:
        set_email(session, _user(session, user_id).username, email, actor=principal.username)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/active")
def user_active(request: Request, principal: Caller, user_id: int,
                active: Annotated[bool, Form()]) -> RedirectResponse:
    """Disable (its tokens revoked, its sessions logged out) or enable a user; never oneself."""
    principal.require(Permission.USERS)
    if user_id == principal.user_id and not active:
        raise InvalidInputError("нельзя отключить самого себя / you cannot disable yourself")
    with request.app.state.archive.transaction() as session:
        set_active(session, _user(session, user_id).username, active, actor=principal.username)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/tokens", response_class=HTMLResponse)
def user_token(request: Request, principal: Caller, user_id: int, name: Annotated[str, Form()]) -> HTMLResponse:
    """Mint a token and show it this once (the archive keeps only its hash)."""
    principal.require(Permission.USERS)
    name = name.strip()
    if not name:
        raise InvalidInputError("a token needs a name (what uses it)")
    with request.app.state.archive.transaction() as session:
        token = mint_token(session, _user(session, user_id).username, name, actor=principal.username)
    return _user_page(request, principal, user_id, new_token=token, status_code=201)


@router.post("/admin/users/{user_id}/tokens/{token_id}/revoke")
def user_token_revoke(request: Request, principal: Caller, user_id: int, token_id: int) -> RedirectResponse:
    principal.require(Permission.USERS)
    with request.app.state.archive.transaction() as session:
        row = session.get(ApiToken, _views.db_id(token_id, "token"))
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"no API token {token_id} of user {user_id}")
        revoke_token(session, row.id, actor=principal.username)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
