"""Mailboxes: IMAP (TLS, or plain on loopback) and Maildir, messages parsed into frozen records, rules.

A message is identified by ``account/folder;UIDVALIDITY;UID`` (Maildir: its unique file key), and
each attachment by that key plus its SHA-256: the intake ledger remembers them, so a message fetched
twice creates nothing new. Fetching never marks a message seen (``BODY.PEEK``); the rule's action
(seen, flag, move) is applied only after the message's documents are committed.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import hashlib
import imaplib
import ipaddress
import mailbox
import os
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any, Protocol

from capture.sources.exceptions import MailboxError, SourceConfigError

# Attachment types taken as documents: by file extension, and by MIME type for nameless parts.
ACCEPTED_EXTENSIONS: frozenset[str] = frozenset({
    ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp",  # scans and photos
    ".xml", ".xlsx", ".xls", ".docx", ".odt", ".eml", ".msg",  # electronic documents (capture/formats)
})
ACCEPTED_MIME: Mapping[str, str] = MappingProxyType({
    "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tiff",
    "image/heic": ".heic", "image/heif": ".heif", "image/webp": ".webp", "application/xml": ".xml",
    "text/xml": ".xml", "message/rfc822": ".eml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
})
ACTIONS: frozenset[str] = frozenset({"seen", "flag", "move", "none"})
# What a mail client attaches on its own, never a document: signatures, cards, invitations, Outlook's TNEF.
MAIL_EXTRAS: frozenset[str] = frozenset({
    "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
    "application/pgp-keys", "text/vcard", "text/x-vcard", "text/calendar", "application/ms-tnef",
})


@dataclass(frozen=True)
class MailAccount:
    """One mailbox to read. ``kind`` is ``imap`` or ``maildir``."""

    name: str
    kind: str = "imap"
    host: str = "127.0.0.1"
    port: int = 993
    tls: bool = True  # IMAP over TLS (port 993); plain IMAP is allowed on loopback only
    starttls: bool = False
    ca_file: str = ""  # PEM file of the CA to trust instead of the system's (a company's own mail server)
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    path: str = ""  # Maildir folder
    search: str = "UNSEEN"  # IMAP SEARCH criteria; Maildir understands UNSEEN and ALL
    timeout: float = 30.0
    max_message_mb: float = 300.0  # a larger message is not parsed: saved in pieces, quarantined whole

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> MailAccount:
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise SourceConfigError(f"mail account: unknown keys {', '.join(sorted(unknown))}")
        if "name" not in raw:
            raise SourceConfigError("mail account: `name` is required")
        account = cls(**dict(raw))
        if account.kind not in MAILBOXES:
            raise SourceConfigError(f"mail account {account.name}: kind {account.kind!r}, expected imap or maildir")
        if account.kind == "maildir" and not account.path:
            raise SourceConfigError(f"mail account {account.name}: a Maildir account needs `path`")
        return account


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class MailMessage:
    account: str
    folder: str
    uidvalidity: str
    uid: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    attachments: tuple[MailAttachment, ...]
    body_text: str = field(default="", repr=False)
    # attachments of a kind we do not take by their name or type (a .rar, a .bmp, an octet-stream): given to
    # the pipeline all the same, which reads them by their bytes or quarantines them with the reason
    others: tuple[MailAttachment, ...] = ()
    size: int | None = None  # when over the account's max_message_mb: only its header was read (see download)

    @property
    def oversized(self) -> bool:
        return self.size is not None

    @property
    def key(self) -> str:
        """Stable identity in its mailbox: ``account/folder;UIDVALIDITY;UID``."""
        return f"{self.account}/{self.folder};{self.uidvalidity};{self.uid}"


@dataclass(frozen=True)
class MailRule:
    """Which messages to take (regexes, case-insensitive, all given must match) and what to do with them."""

    name: str
    sender: str | None = None
    recipient: str | None = None
    subject: str | None = None
    account: str | None = None  # only messages of this account
    outlet: str | None = None
    doc_type: str | None = None
    action: str = "seen"  # seen | flag | move | none
    folder: str | None = None  # the target of `move`
    body: bool | None = None  # take the message text as a document too (default: [mail] body)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], index: int = 0) -> MailRule:
        data = {"name": f"rule {index + 1}", **dict(raw)}
        data.setdefault("sender", data.pop("from", None))
        data.setdefault("recipient", data.pop("to", None))
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise SourceConfigError(f"mail rule {data['name']}: unknown keys {', '.join(sorted(unknown))}")
        rule = cls(**data)
        if rule.action not in ACTIONS:
            raise SourceConfigError(f"mail rule {rule.name}: action {rule.action!r}, expected one of {sorted(ACTIONS)}")
        if rule.action == "move" and not rule.folder:
            raise SourceConfigError(f"mail rule {rule.name}: action move needs `folder`")
        for pattern in (rule.sender, rule.recipient, rule.subject):
            if pattern:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise SourceConfigError(f"mail rule {rule.name}: bad pattern {pattern!r}: {exc}") from exc
        return rule

    def matches(self, message: MailMessage) -> bool:
        tests: tuple[tuple[str | None, Iterable[str]], ...] = (
            (self.sender, (message.sender,)),
            (self.recipient, message.recipients),
            (self.subject, (message.subject,)),
        )
        if self.account and self.account != message.account:
            return False
        return all(
            pattern is None or any(re.search(pattern, value, re.IGNORECASE) for value in values)
            for pattern, values in tests
        )


def match_rule(rules: Iterable[MailRule], message: MailMessage) -> MailRule | None:
    """The first rule the message matches, or None (the message is left alone)."""
    return next((rule for rule in rules if rule.matches(message)), None)


def _attachment_name(part: EmailMessage, index: int) -> str | None:
    """The attachment's file name when we take it as a document, else None."""
    name = part.get_filename()
    if name:
        name = PurePath(name.replace("\\", "/")).name  # never a path from a sender
    ext = os.path.splitext(name or "")[1].lower()
    if ext in ACCEPTED_EXTENSIONS:
        return name
    mime_ext = ACCEPTED_MIME.get(part.get_content_type())
    if mime_ext and not ext:
        return (name or f"attachment-{index}") + mime_ext
    return None


def parse_message(raw: bytes, *, account: str, folder: str, uidvalidity: str, uid: str) -> MailMessage:
    """The message's addresses, subject, text body and accepted attachments."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    attachments: list[MailAttachment] = []
    others: list[MailAttachment] = []
    for index, part in enumerate(msg.walk(), 1):
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        if disposition is None and part.get_content_maintype() == "text":
            continue
        name = _attachment_name(part, index)
        if name is None and (disposition != "attachment" or part.get_content_type() in MAIL_EXTRAS):
            continue
        payload = part.get_payload(decode=True)  # bytes, or None for an empty part
        data = payload if isinstance(payload, bytes) else b""
        if name is None:  # attached, but of a kind we do not know by its name: the pipeline judges its bytes
            given = part.get_filename()
            others.append(MailAttachment(filename=PurePath((given or f"attachment-{index}").replace("\\", "/")).name,
                                         content_type=part.get_content_type(), data=data))
            continue
        attachments.append(MailAttachment(filename=name, content_type=part.get_content_type(), data=data))
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    recipients = tuple(addr for _, addr in getaddresses(msg.get_all("to", []) + msg.get_all("cc", [])) if addr)
    return MailMessage(
        account=account, folder=folder, uidvalidity=str(uidvalidity), uid=str(uid),
        message_id=str(msg.get("message-id", "")).strip(), sender=parseaddr(str(msg.get("from", "")))[1],
        recipients=recipients, subject=str(msg.get("subject", "")), attachments=tuple(attachments),
        body_text=text if isinstance(text, str) else "", others=tuple(others),
    )


class Mailbox(Protocol):
    account: MailAccount

    def messages(self) -> Iterator[MailMessage]: ...

    def apply(self, message: MailMessage, action: str, folder: str | None = None) -> None: ...

    def download(self, message: MailMessage, path: Path) -> Path: ...

    def close(self) -> None: ...


DOWNLOAD_CHUNK = 4 * 1024 * 1024  # bytes of a message fetched at a time when it is saved whole (oversized)


def _save(path: Path, chunks: Iterable[bytes]) -> Path:
    """``chunks`` written to ``path`` through a temporary file, fsynced: a cut download leaves no file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP))
    except (OSError, ValueError):
        return False


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapMailbox:
    """One IMAP folder over TLS (or plain IMAP on loopback), read with ``BODY.PEEK[]``."""

    def __init__(self, account: MailAccount) -> None:
        self.account = account
        if not account.tls and not account.starttls and not _is_loopback(account.host):
            raise SourceConfigError(
                f"mail account {account.name}: plain IMAP to {account.host} would send the password in clear; "
                "set tls = true (or starttls = true), plain is allowed on loopback only"
            )
        try:
            # the server's certificate is checked (chain and host name) against the system's CAs or ca_file
            context = ssl.create_default_context(cafile=account.ca_file or None)
            if account.tls:
                self.conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    account.host, account.port, ssl_context=context, timeout=account.timeout)
            else:
                self.conn = imaplib.IMAP4(account.host, account.port, timeout=account.timeout)
                if account.starttls:
                    self.conn.starttls(context)
            self.conn.login(account.user, account.password)
            self.uidvalidity = self._uidvalidity(account.folder)
            self._check(self.conn.select(_quote(account.folder)), f"select {account.folder}")
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise MailboxError(f"mail account {account.name} ({account.host}:{account.port}): {exc}") from exc

    @staticmethod
    def _check(response: tuple[str, list[Any]], what: str) -> list[Any]:
        typ, data = response
        if typ != "OK":
            raise MailboxError(f"IMAP {what}: {typ} {data!r}")
        return data

    def _uidvalidity(self, folder: str) -> str:
        data = self._check(self.conn.status(_quote(folder), "(UIDVALIDITY)"), f"status {folder}")
        found = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"")
        if not found:
            raise MailboxError(f"IMAP status {folder}: no UIDVALIDITY in {data!r}")
        return found.group(1).decode()

    def messages(self) -> Iterator[MailMessage]:
        try:
            data = self._check(self.conn.uid("SEARCH", self.account.search), "search")
            for uid in (data[0] or b"").split():
                # its size first: a message over the limit is never downloaded (only its header, for the rules)
                head = self._check(self.conn.uid("FETCH", uid.decode(), "(RFC822.SIZE BODY.PEEK[HEADER])"),
                                   f"fetch {uid!r}")
                found = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(
                    p[0] if isinstance(p, tuple) else p for p in head if isinstance(p, tuple | bytes)))
                size = int(found.group(1)) if found else 0
                if size > self.account.max_message_mb * 1024 * 1024:
                    header = next((p[1] for p in head if isinstance(p, tuple)), b"")
                    yield dataclasses.replace(
                        parse_message(header, account=self.account.name, folder=self.account.folder,
                                      uidvalidity=self.uidvalidity, uid=uid.decode()), size=size)
                    continue
                parts = self._check(self.conn.uid("FETCH", uid.decode(), "(BODY.PEEK[])"), f"fetch {uid!r}")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if raw is None:
                    continue
                yield parse_message(raw, account=self.account.name, folder=self.account.folder,
                                    uidvalidity=self.uidvalidity, uid=uid.decode())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"mail account {self.account.name}: {exc}") from exc

    def download(self, message: MailMessage, path: Path) -> Path:
        """The message's bytes as the server holds them, saved to ``path`` in pieces of DOWNLOAD_CHUNK
        (``BODY.PEEK[]<offset.length>``): a message of any size, never whole in memory, never marked seen."""
        if message.uidvalidity != self.uidvalidity:
            raise MailboxError(f"{message.key}: the folder's UIDVALIDITY changed; not touching the message")

        def chunks() -> Iterator[bytes]:
            offset = 0
            while True:
                try:
                    parts = self._check(self.conn.uid("FETCH", message.uid,
                                                      f"(BODY.PEEK[]<{offset}.{DOWNLOAD_CHUNK}>)"),
                                        f"fetch {message.uid!r}")
                except (OSError, imaplib.IMAP4.error) as exc:  # the server or the network, not our disk
                    raise MailboxError(f"{message.key}: download failed: {exc}") from exc
                data = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if data is None:
                    if offset == 0:
                        raise MailboxError(f"{message.key}: the message is gone")
                    return
                if data:
                    yield data
                offset += len(data)
                if len(data) < DOWNLOAD_CHUNK:
                    return

        return _save(path, chunks())  # a full disk is ours, raised as it is

    def _ensure_folder(self, folder: str) -> None:
        typ, _ = self.conn.create(_quote(folder))  # NO when it exists already: fine
        if typ not in ("OK", "NO"):
            raise MailboxError(f"IMAP create {folder}: {typ}")

    def apply(self, message: MailMessage, action: str, folder: str | None = None) -> None:
        if message.uidvalidity != self.uidvalidity:
            raise MailboxError(f"{message.key}: the folder's UIDVALIDITY changed; not touching the message")
        uid = message.uid
        try:
            if action == "seen":
                self._check(self.conn.uid("STORE", uid, "+FLAGS", r"(\Seen)"), "store seen")
            elif action == "flag":
                self._check(self.conn.uid("STORE", uid, "+FLAGS", r"(\Flagged)"), "store flagged")
            elif action == "move":
                target = folder or ""
                self._ensure_folder(target)
                if b"MOVE" in b" ".join(c.encode() if isinstance(c, str) else c for c in self.conn.capabilities):
                    self._check(self.conn.uid("MOVE", uid, _quote(target)), f"move to {target}")
                else:
                    self._check(self.conn.uid("COPY", uid, _quote(target)), f"copy to {target}")
                    self._check(self.conn.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), "store deleted")
                    self._check(self.conn.expunge(), "expunge")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"{message.key}: {action} failed: {exc}") from exc

    def close(self) -> None:
        try:
            self.conn.close()
            self.conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


HEADER_MAX = 256 * 1024  # bytes of an oversized Maildir message read for its header (the rules need no more)
# Maildir info flags (https://cr.yp.to/proto/maildir.html): S seen, F flagged.
MAILDIR_FLAGS: Mapping[str, str] = MappingProxyType({"seen": "S", "flag": "F"})


class MaildirMailbox:
    """A Maildir folder (as Dovecot or Postfix deliver to); the message key is its UID."""

    def __init__(self, account: MailAccount) -> None:
        self.account = account
        path = Path(account.path).expanduser()
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise MailboxError(f"mail account {account.name}: {path} is not a Maildir (no cur/ and new/)")
        self.path = path
        self.box = mailbox.Maildir(str(path), factory=None, create=False)
        self.uidvalidity = "maildir"

    def _files(self) -> Iterator[tuple[str, Path, str]]:
        """Each message's key, file and flags, from the names in new/ and cur/ alone (nothing is opened)."""
        root = self.path
        found: list[tuple[str, Path, str]] = []
        for sub in ("new", "cur"):
            for entry in os.scandir(root / sub):
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                key, _, info = entry.name.partition(self.box.colon)
                found.append((key, Path(entry.path), info[2:] if info.startswith("2,") else ""))
        return iter(sorted(found))

    def messages(self) -> Iterator[MailMessage]:
        """The messages, each sized from its file's stat first: one over ``max_message_mb`` is never read
        whole (only its header, for the rules, at most HEADER_MAX bytes) and is yielded as oversized."""
        only_unseen = self.account.search.upper() == "UNSEEN"
        limit = self.account.max_message_mb * 1024 * 1024
        for key, path, flags in self._files():
            if only_unseen and "S" in flags:
                continue
            try:
                size = path.stat().st_size
                if size > limit:  # not parsed: its header is enough for the rules
                    with open(path, "rb") as fh:
                        head = fh.read(HEADER_MAX)
                    header = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0] + b"\n\n"
                    yield dataclasses.replace(parse_message(header, account=self.account.name,
                                                            folder=self.account.folder,
                                                            uidvalidity=self.uidvalidity, uid=key), size=size)
                    continue
                raw = path.read_bytes()
            except FileNotFoundError:  # moved from new/ to cur/, or removed, by a mail client meanwhile
                continue
            yield parse_message(raw, account=self.account.name, folder=self.account.folder,
                                uidvalidity=self.uidvalidity, uid=key)

    def download(self, message: MailMessage, path: Path) -> Path:
        """The message's file copied to ``path`` (in pieces: never whole in memory)."""
        for key, found, _ in self._files():
            if key == message.uid:
                try:
                    with open(found, "rb") as fh:
                        return _save(path, iter(lambda: fh.read(DOWNLOAD_CHUNK), b""))
                except FileNotFoundError:  # moved from new/ to cur/ meanwhile: looked for again
                    return self.download(message, path)
        raise MailboxError(f"{message.key}: the message is gone")

    def apply(self, message: MailMessage, action: str, folder: str | None = None) -> None:
        try:
            msg = self.box.get_message(message.uid)
        except KeyError as exc:
            raise MailboxError(f"{message.key}: the message is gone") from exc
        if action in MAILDIR_FLAGS:
            msg.set_subdir("cur")
            msg.add_flag(MAILDIR_FLAGS[action])
            self.box[message.uid] = msg
        elif action == "move":
            name = folder or ""
            target = self.box.get_folder(name) if name in self.box.list_folders() else self.box.add_folder(name)
            msg.set_subdir("cur")
            target.add(msg)
            self.box.remove(message.uid)

    def close(self) -> None:
        self.box.close()


MAILBOXES: Mapping[str, Callable[[MailAccount], Mailbox]] = MappingProxyType({
    "imap": ImapMailbox, "maildir": MaildirMailbox,
})


def open_mailbox(account: MailAccount) -> Mailbox:
    return MAILBOXES[account.kind](account)


def body_pdf(message: MailMessage, path: str | os.PathLike[str]) -> Path:
    """The message's sender, subject and text as a born-digital PDF (a document like any other)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font, font_path = "DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if font not in pdfmetrics.getRegisteredFontNames():
        if not Path(font_path).exists():
            raise SourceConfigError(f"font {font_path} is missing (apt-get install fonts-dejavu-core)")
        pdfmetrics.registerFont(TTFont(font, font_path))
    out = Path(path)
    tmp = out.with_name(f".{out.name}.tmp")
    c = canvas.Canvas(str(tmp), pagesize=A4, invariant=True)
    height = A4[1]
    lines = [f"От: {message.sender}", f"Тема: {message.subject}", "", *message.body_text.splitlines()]
    y = height - 50
    c.setFont(font, 10)
    for line in lines:
        for start in range(0, max(len(line), 1), 95):
            if y < 40:
                c.showPage()
                c.setFont(font, 10)
                y = height - 50
            c.drawString(40, y, line[start:start + 95])
            y -= 14
    c.showPage()
    c.save()
    tmp.replace(out)
    return out
