"""Users, roles and rights, password hashing and API tokens.

Passwords are hashed with scrypt (stdlib) and a per-user salt; API tokens are random and only their
SHA-256 is stored, so a leaked database leaks neither. What each role may do is one table,
:data:`ROLE_PERMISSIONS`; the web pages and the REST API both ask :meth:`Principal.require`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.models import ApiToken, Document, Outlet, Role, User, WebSession, utcnow
from finarchive.errors import ExitCode, FinarchiveError, InvalidInputError, NotFoundError, PermissionDeniedError


class AuthenticationError(FinarchiveError):
    """Wrong user name, password or token, or the user is disabled."""

    exit_code = ExitCode.PERMISSION_DENIED
    http_status = 401


class Permission(StrEnum):
    READ_ALL = "read_all"  # every document
    READ_OWN = "read_own"  # the documents of the user's own outlet
    UPLOAD_ANY = "upload_any"  # upload for any outlet
    UPLOAD_OWN = "upload_own"  # upload for the user's own outlet
    VERIFY = "verify"  # correct fields, verify, reject
    ORDERS_READ = "orders_read"
    ORDERS_WRITE = "orders_write"  # import orders, link documents
    ORIGINALS = "originals"  # receive, box, move paper originals
    ORIGINALS_OWN = "originals_own"  # see what the own outlet owes
    REPORTS = "reports"
    USERS = "users"  # see and revoke users' sessions (admin)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OUTLET: frozenset({Permission.READ_OWN, Permission.UPLOAD_OWN, Permission.ORIGINALS_OWN}),
    Role.ACCOUNTANT: frozenset({
        Permission.READ_ALL, Permission.UPLOAD_ANY, Permission.VERIFY, Permission.ORDERS_READ,
        Permission.ORDERS_WRITE, Permission.ORIGINALS, Permission.REPORTS,
    }),
    Role.MANAGER: frozenset({Permission.READ_ALL, Permission.ORDERS_READ, Permission.REPORTS}),
    Role.ADMIN: frozenset(Permission),
}

SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
MIN_PASSWORD = 8
TOKEN_PREFIX = "fa_"
TOKEN_TOUCH = dt.timedelta(minutes=1)  # how stale ApiToken.last_used_at may get


@dataclass(frozen=True)
class Principal:
    """Who is asking: a logged-in user or the owner of an API token."""

    user_id: int
    username: str
    role: Role
    outlet_id: int | None = None
    outlet_code: str | None = None
    full_name: str | None = None
    language: str | None = None  # the user's desk language, None: the browser's

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self.role]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, *permissions: Permission) -> None:
        """Allow when the user has any of ``permissions``; otherwise PermissionDeniedError."""
        if not any(p in self.permissions for p in permissions):
            raise PermissionDeniedError(f"{self.username} ({self.role}) may not do this")

    @property
    def outlet_scope(self) -> tuple[str, ...] | None:
        """The outlets whose documents this user may see (None: all)."""
        if self.can(Permission.READ_ALL):
            return None
        return (self.outlet_code,) if self.outlet_code else ()

    def may_read(self, document: Document) -> bool:
        if self.can(Permission.READ_ALL):
            return True
        return self.can(Permission.READ_OWN) and self.outlet_id is not None and document.outlet_id == self.outlet_id

    def check_read(self, document: Document) -> Document:
        """The document, if this user may see it. Others' documents are reported as absent, not forbidden."""
        if not self.may_read(document):
            raise NotFoundError(f"no document {document.id}")
        return document

    def upload_outlet(self, requested: str | None) -> str | None:
        """The outlet an upload is filed under: an outlet user's own, whatever they ask for."""
        if self.can(Permission.UPLOAD_ANY):
            return requested or None
        self.require(Permission.UPLOAD_OWN)
        if requested and requested != self.outlet_code:
            raise PermissionDeniedError(f"{self.username} may upload only for outlet {self.outlet_code}")
        return self.outlet_code


def principal_of(user: User) -> Principal:
    return Principal(user_id=user.id, username=user.username, role=Role(user.role), outlet_id=user.outlet_id,
                     outlet_code=user.outlet.code if user.outlet else None, full_name=user.full_name,
                     language=user.language)


# -- passwords -------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64), with a fresh 16-byte salt."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(f"a password needs at least {MIN_PASSWORD} characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    expected = base64.b64decode(digest)
    got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(expected))
    return hmac.compare_digest(got, expected)


# -- users -----------------------------------------------------------------------------------------
def _outlet(session: Session, code: str) -> Outlet:
    outlet = session.scalar(select(Outlet).where(Outlet.code == code))
    if outlet is None:
        outlet = Outlet(code=code, name=code)
        session.add(outlet)
        session.flush()
    return outlet


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def add_user(session: Session, username: str, password: str | None, role: Role | str, *,
             outlet_code: str | None = None, full_name: str | None = None, email: str | None = None,
             actor: str = "system") -> User:
    """Create a user. Outlet users need their outlet (created when it is new); others have none."""
    role = Role(role)
    username = username.strip()
    if not username:
        raise InvalidInputError("a user needs a name")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInputError(f"user {username!r} exists already")
    if role is Role.OUTLET and not outlet_code:
        raise InvalidInputError("an outlet user needs --outlet")
    user = User(username=username, role=role.value, full_name=full_name, email=_email(email),
                password_hash=hash_password(password) if password else None,
                outlet_id=_outlet(session, outlet_code).id if outlet_code else None, active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.created", object_type="user", object_id=user.id,
                 new=f"{username} ({role.value})", outlet=outlet_code)
    return user


def _email(address: str | None) -> str | None:
    address = (address or "").strip()
    if address and not re.fullmatch(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+", address):
        raise InvalidInputError(f"«{address}» — не адрес e-mail / not an e-mail address")
    return address or None


def set_email(session: Session, username: str, address: str | None, *, actor: str = "system") -> User:
    """Where the user's tasks, reminders and escalations are e-mailed (None: nowhere)."""
    user = get_user(session, username)
    old, user.email = user.email, _email(address)
    audit.record(session, actor=actor, action="user.email_changed", object_type="user", object_id=user.id,
                 field="email", old=old, new=user.email)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_password(session: Session, username: str, password: str, *, actor: str = "system") -> User:
    """A new password; every browser session of the user is logged out (a stolen cookie dies with it)."""
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    audit.record(session, actor=actor, action="user.password_changed", object_type="user", object_id=user.id)
    revoke_user_sessions(session, user.id, reason="password", actor=actor)
    return user


def set_language(session: Session, user_id: int, language: str | None, *, actor: str) -> None:
    """The user's desk language (None: as the browser asks)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    if user.language != language:
        audit.record(session, actor=actor, action="user.language", object_type="user", object_id=user.id,
                     field="language", old=user.language, new=language)
        user.language = language


def set_active(session: Session, username: str, active: bool, *, actor: str = "system") -> User:
    user = get_user(session, username)
    old = user.active
    user.active = active
    if not active:
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            token.revoked = True
        revoke_user_sessions(session, user.id, reason="disabled", actor=actor)
    audit.record(session, actor=actor, action="user.enabled" if active else "user.disabled",
                 object_type="user", object_id=user.id, old=old, new=active)
    return user


# A hash no password matches, checked for unknown user names so that they take as long as known ones.
_DUMMY_HASH = ("scrypt${n}${r}${p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
               .format(**SCRYPT))
ACTOR_MAX = 128  # AuditEvent.actor


def authenticate(session: Session, username: str, password: str) -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password(password, stored)  # spent for unknown users too: no timing tells who exists
    if user is None or not user.active or not user.password_hash or not matches:
        raise AuthenticationError("wrong user name or password")
    return principal_of(user)


def record_login(session: Session, principal: Principal, address: str | None) -> None:
    """Audit a successful login (``user.logged_in``) with the client's address."""
    audit.record(session, actor=principal.username, action="user.logged_in", object_type="user",
                 object_id=principal.user_id, address=address)


def record_login_failure(session: Session, username: str, address: str | None, *,
                         locked_for: int | None = None) -> None:
    """Audit a failed login (``user.login_failed``): the name tried (a known user's id when it is one) and
    the client's address; ``locked_for`` seconds when this failure started a lockout."""
    name = username.strip()[:ACTOR_MAX] or "?"
    user_id = session.scalar(select(User.id).where(User.username == name))
    audit.record(session, actor=name, action="user.login_failed", object_type="user", object_id=user_id,
                 address=address, locked_for=locked_for)


def principal_for(session: Session, user_id: int) -> Principal:
    """The principal of a logged-in session; a user disabled since is logged out."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise AuthenticationError("the user is disabled or gone")
    return principal_of(user)


# -- API tokens ------------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mint_token(session: Session, username: str, name: str, *, actor: str = "system") -> str:
    """A new API token for ``username``; the only time the token itself is seen."""
    user = get_user(session, username)
    if not user.active:
        raise InvalidInputError(f"user {username!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token))
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="token.created", object_type="api_token", object_id=row.id,
                 new=name, user=username)
    return token


def principal_for_token(session: Session, token: str) -> Principal:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked:
        raise AuthenticationError("unknown or revoked API token")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError("the token's user is disabled")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH:  # not a write on every request
        row.last_used_at = now
    return principal_of(user)


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's API tokens, newest first, revoked ones too (what they were called, when last used)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.id.desc())))


def revoke_token(session: Session, token_id: int, *, actor: str = "system") -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFoundError(f"no API token {token_id}")
    row.revoked = True
    audit.record(session, actor=actor, action="token.revoked", object_type="api_token", object_id=row.id)


# -- browser sessions ------------------------------------------------------------------------------
SESSION_LIFETIME = dt.timedelta(hours=12)
SESSION_TOUCH = dt.timedelta(minutes=1)  # how stale WebSession.last_seen_at may get
SESSION_PREFIX = "fs_"


def open_session(session: Session, principal: Principal, *, address: str | None, user_agent: str | None,
                 lifetime: dt.timedelta = SESSION_LIFETIME) -> str:
    """A new browser session for a logged-in user; returns the id the cookie carries (only its hash is kept)."""
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(user_id=principal.user_id, token_hash=_token_hash(token), created_at=now,
                           last_seen_at=now, expires_at=now + lifetime, address=(address or "")[:64] or None,
                           user_agent=(user_agent or "")[:255] or None))
    session.flush()
    return token


def principal_for_session(session: Session, token: str) -> Principal:
    """The principal of a browser session that is still open: not logged out, revoked, expired or disabled."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise AuthenticationError("the session has ended: log in again")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError("the user is disabled or gone")
    if now - row.last_seen_at > SESSION_TOUCH:  # not a write on every request
        row.last_seen_at = now
    return principal_of(user)


def close_session(session: Session, token: str, *, actor: str) -> None:
    """Log out: the session is revoked, so a copy of its cookie is worthless from now on."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at, row.revoked_reason = utcnow(), "logout"
        audit.record(session, actor=actor, action="user.logged_out", object_type="web_session", object_id=row.id)


def revoke_session(session: Session, session_id: int, *, actor: str) -> WebSession:
    """An admin ends someone's session."""
    row = session.get(WebSession, session_id)
    if row is None:
        raise NotFoundError(f"no session {session_id}")
    if row.revoked_at is None:
        row.revoked_at, row.revoked_reason = utcnow(), "admin"
        audit.record(session, actor=actor, action="session.revoked", object_type="web_session", object_id=row.id,
                     user=row.user.username)
    return row


def revoke_user_sessions(session: Session, user_id: int, *, reason: str, actor: str) -> int:
    """End every open session of a user (password changed, disabled, or an admin's wish); how many."""
    now = utcnow()
    rows = list(session.scalars(select(WebSession).where(WebSession.user_id == user_id,
                                                          WebSession.revoked_at.is_(None))))
    for row in rows:
        row.revoked_at, row.revoked_reason = now, reason
    if rows:
        audit.record(session, actor=actor, action="session.revoked", object_type="user", object_id=user_id,
                     reason=reason, sessions=len(rows))
    return len(rows)


def list_sessions(session: Session, *, username: str | None = None) -> list[WebSession]:
    """The open (not revoked, not expired) sessions, newest first; one user's when ``username``."""
    stmt = (select(WebSession).join(User, WebSession.user_id == User.id)
            .where(WebSession.revoked_at.is_(None), WebSession.expires_at > utcnow())
            .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc()))
    if username:
        stmt = stmt.where(User.username == username)
    return list(session.scalars(stmt))
