"""Users, password hashing, API tokens and the rights table, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive.models import ApiToken, AuditEvent, Document, Role, User
from archive.users import (
    AuthenticationError,
    Permission,
    add_user,
    authenticate,
    check_password,
    hash_password,
    list_users,
    mint_token,
    principal_for_token,
    set_active,
    set_password,
)
from finarchive.errors import InvalidInputError, NotFoundError, PermissionDeniedError


def test_password_hash_is_salted_scrypt_and_checks() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$")
    assert check_password("correct horse", a) and check_password("correct horse", b)
    assert not check_password("correct hors", a)
    assert not check_password("anything", None)
    with pytest.raises(InvalidInputError):
        hash_password("short")


def test_users_login_disable_and_tokens(archive) -> None:
    with archive.transaction() as s:
        add_user(s, "anna", "s3cret-pass", Role.ACCOUNTANT, full_name="Anna")
        add_user(s, "msk", "outlet-pass", "outlet", outlet_code="MSK-01")
        with pytest.raises(InvalidInputError):
            add_user(s, "anna", "another-pass", Role.ADMIN)
        with pytest.raises(InvalidInputError):
            add_user(s, "nooutlet", "outlet-pass", Role.OUTLET)
    with archive.transaction() as s:
        assert [u.username for u in list_users(s)] == ["anna", "msk"]
        p = authenticate(s, "msk", "outlet-pass")
        assert p.role is Role.OUTLET and p.outlet_code == "MSK-01" and p.outlet_scope == ("MSK-01",)
        with pytest.raises(AuthenticationError):
            authenticate(s, "msk", "wrong-pass!")
        with pytest.raises(AuthenticationError):
            authenticate(s, "nobody", "outlet-pass")
        token = mint_token(s, "anna", "scanner 1")
    with archive.transaction() as s:
        assert token not in {t.token_hash for t in s.scalars(select(ApiToken))}
        assert principal_for_token(s, token).username == "anna"
        with pytest.raises(AuthenticationError):
            principal_for_token(s, token + "x")
        set_password(s, "anna", "new-password")
        set_active(s, "anna", False)
    with archive.transaction() as s:
        with pytest.raises(AuthenticationError):
            authenticate(s, "anna", "new-password")
        with pytest.raises(AuthenticationError):
            principal_for_token(s, token)
        set_active(s, "anna", True)
        assert authenticate(s, "anna", "new-password").role is Role.ACCOUNTANT
        with pytest.raises(NotFoundError):
            set_password(s, "ghost", "whatever-pass")
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[:3] == ["user.created", "user.created", "token.created"]
        assert "user.disabled" in actions and "user.password_changed" in actions
        assert s.scalar(select(User).where(User.username == "anna")).password_hash.startswith("scrypt$")


def test_rights_by_role(sqlite_archive) -> None:
    with sqlite_archive.transaction() as s:
        outlet_user = add_user(s, "spb", "outlet-pass", Role.OUTLET, outlet_code="SPB-02")
        add_user(s, "msk", "outlet-pass", Role.OUTLET, outlet_code="MSK-01")
        mine = Document(sha256="a" * 64, filename="a.png", outlet_id=outlet_user.outlet_id)
        theirs = Document(sha256="b" * 64, filename="b.png", outlet_id=None)
        s.add_all([mine, theirs])
        s.flush()
        p = authenticate(s, "spb", "outlet-pass")
        assert p.may_read(mine) and not p.may_read(theirs)
        with pytest.raises(NotFoundError):
            p.check_read(theirs)
        with pytest.raises(PermissionDeniedError):
            p.require(Permission.VERIFY)
        assert p.upload_outlet(None) == "SPB-02"
        with pytest.raises(PermissionDeniedError):
            p.upload_outlet("MSK-01")
        add_user(s, "boss", "manager-pass", Role.MANAGER)
        m = authenticate(s, "boss", "manager-pass")
        assert m.may_read(theirs) and m.outlet_scope is None
        with pytest.raises(PermissionDeniedError):
            m.require(Permission.VERIFY, Permission.ORIGINALS)
        with pytest.raises(PermissionDeniedError):
            m.upload_outlet("MSK-01")
