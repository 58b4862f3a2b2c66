"""Who is asking: a browser session (its id in the signed cookie, the session itself kept on the server) or an
API token (machines); the client's address (``X-Forwarded-For`` only from ``[web] trusted_proxies``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path

from fastapi import Request

from archive.embed import server_secret
from archive.users import AuthenticationError, Principal, principal_for_session, principal_for_token

SESSION_COOKIE = "finarchive_session"


def load_or_create_secret(home: Path) -> str:
    """The session-signing secret kept in the archive's home, generated on first use (mode 600)."""
    return server_secret(home)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


SESSION_KEY = "sid"  # the key of the server-side session's id inside the signed cookie


def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, by API token or by the browser session; 401 otherwise."""
    arc = request.app.state.archive
    token = bearer_token(request)
    with arc.transaction() as session:
        if token is not None:
            return principal_for_token(session, token)
        sid = request.session.get(SESSION_KEY)
        if not isinstance(sid, str):
            raise AuthenticationError("log in first")
        try:
            return principal_for_session(session, sid)
        except AuthenticationError:
            request.session.clear()
            raise


def optional_principal(request: Request) -> Principal | None:
    try:
        return current_principal(request)
    except AuthenticationError:
        return None


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(values: Iterable[str]) -> tuple[Network, ...]:
    """``[web] trusted_proxies``: addresses or networks (``10.0.0.0/8``) of reverse proxies."""
    return tuple(ipaddress.ip_network(str(v).strip(), strict=False) for v in values)


def _in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(request: Request) -> str | None:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the last address in
    ``X-Forwarded-For`` that is not itself a trusted proxy. Nobody else can choose what it says."""
    peer = request.client.host if request.client else None
    trusted: tuple[Network, ...] = getattr(request.app.state, "trusted_proxies", ())
    if peer is None or not trusted or not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            return hop
    return peer
