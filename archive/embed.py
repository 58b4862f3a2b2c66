"""Signed links to the read-only order view a CRM shows in its order card (no login, expiring).

A link names an order and the moment it expires, and carries an HMAC-SHA256 of both made with a key derived
from the server's secret (the ``web-secret`` file in the archive's home, which signs the desk's sessions too;
the derived key is another, so a link never signs a session). Whoever holds the link sees that order's scans
and what it lacks until it expires; a changed order number, expiry or signature is refused. Links are
minted by ``finarchive orders embed-url``, by ``POST /api/orders/{order_no}/embed``, and put into the order
webhooks (``document_linked``, ``order_complete``) so the CRM has one the moment the scans arrive.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy.orm import Session

from archive import audit
from archive.config import Settings
from finarchive.errors import InvalidInputError, PermissionDeniedError

__all__ = ["EmbedLink", "EmbedRefused", "audit_minted", "embed_key", "mint", "server_secret", "verify"]

SECRET_NAME = "web-secret"
PURPOSE = b"finarchive: the embedded order view"
PATH = "/embed/orders/"


class EmbedRefused(PermissionDeniedError):
    """An embed link whose signature does not hold or whose time is over (403)."""


def server_secret(home: Path) -> str:
    """The server's secret kept in the archive's home, generated on first use (mode 600)."""
    path = home / SECRET_NAME
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")
    return secret


def embed_key(home: Path) -> bytes:
    return hmac.new(server_secret(home).encode(), PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, order_no: str, expires: int) -> str:
    mac = hmac.new(key, f"order\n{order_no}\n{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def _epoch(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.UTC).timestamp()) if moment.tzinfo is None else int(moment.timestamp())


@dataclass(frozen=True)
class EmbedLink:
    order_no: str
    path: str  # /embed/orders/<order>?expires=…&sig=…
    url: str  # with [notify] base_url in front, when it is set
    expires_at: dt.datetime  # UTC

    def as_dict(self) -> dict[str, str]:
        return {"order_no": self.order_no, "path": self.path, "url": self.url,
                "expires_at": self.expires_at.isoformat(timespec="seconds") + "Z"}


def _hours(settings: Settings, hours: float | None) -> float:
    wanted = float(hours if hours is not None else settings.get("embed", "ttl_hours"))
    most = float(settings.get("embed", "max_hours"))
    if not 0 < wanted <= most:
        raise InvalidInputError(f"срок ссылки {wanted:g} ч: от 0 до [embed] max_hours = {most:g} / a link's "
                                f"lifetime must be above 0 and at most [embed] max_hours ({most:g} h)")
    return wanted


def mint(settings: Settings, order_no: str, *, hours: float | None = None,
         now: dt.datetime | None = None) -> EmbedLink:
    """A link to the embedded view of ``order_no`` (as stored: normalised), valid for ``hours``
    (``[embed] ttl_hours`` by default, at most ``[embed] max_hours``)."""
    when = (now or dt.datetime.now(dt.UTC).replace(tzinfo=None)).replace(microsecond=0)
    expires_at = when + dt.timedelta(hours=_hours(settings, hours))
    expires = _epoch(expires_at)
    query = urlencode({"expires": expires, "sig": _signature(embed_key(settings.home), order_no, expires)})
    path = f"{PATH}{quote(order_no, safe='')}?{query}"
    base = str(settings.get("notify", "base_url") or "").rstrip("/")
    return EmbedLink(order_no, path, f"{base}{path}" if base else path, expires_at)


def verify(key: bytes, order_no: str, expires: str | None, sig: str | None, *,
           now: dt.datetime | None = None) -> dt.datetime:
    """When the link expires, if its signature holds for ``order_no`` and its time is not over; else
    EmbedRefused (the signature is checked first, so an expired link is only said to be so when genuine)."""
    if not expires or not sig or not expires.isdigit() or len(expires) > 12:
        raise EmbedRefused("ссылка неполная / the link lacks its expiry or signature")
    if not hmac.compare_digest(_signature(key, order_no, int(expires)), sig):
        raise EmbedRefused("подпись ссылки неверна / the link's signature does not hold")
    expires_at = dt.datetime.fromtimestamp(int(expires), dt.UTC).replace(tzinfo=None)
    if expires_at <= (now or dt.datetime.now(dt.UTC).replace(tzinfo=None)):
        raise EmbedRefused(f"срок ссылки истёк {expires_at:%Y-%m-%d %H:%M} UTC / the link expired")
    return expires_at


def audit_minted(session: Session, link: EmbedLink, *, actor: str) -> None:
    """Who was given a link to which order, until when (the link itself is not kept: it is a credential)."""
    audit.record(session, actor=actor, action="embed.minted", object_type="order", new=link.order_no,
                 expires_at=link.as_dict()["expires_at"])
