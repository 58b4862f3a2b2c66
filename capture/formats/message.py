"""E-mail files: an ``.eml`` (RFC 822, parsed as the mailbox source parses a fetched message) and an
Outlook ``.msg`` (an OLE compound file of MAPI properties). The message itself is a document of its own
(its headers and text, kept as the file given), and its attachments are documents too, taken as the
mailbox source takes them (:data:`capture.sources.ACCEPTED_EXTENSIONS`)."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from capture.exceptions import CorruptFileError, OversizedFileError
from capture._files import read_within
from capture.formats._layout import Cell, Row

MAX_MESSAGE_BYTES = 100 * 1024 * 1024
HEADER_PREFIXES = (b"received:", b"return-path:", b"from:", b"to:", b"subject:", b"date:", b"message-id:",
                   b"mime-version:", b"delivered-to:", b"x-", b"content-type:", b"reply-to:", b"cc:", b"sender:")


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Message:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    date: str
    body: str
    attachments: tuple[Attachment, ...]


def looks_like_eml(head: bytes) -> bool:
    """The file starts with RFC 822 header lines, among them a From or a MIME-Version."""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")[:40]
    names = [ln.split(b":", 1)[0].strip().lower() + b":" for ln in lines if ln[:1] not in (b" ", b"\t") and b":" in ln]
    if not lines or not lines[0].lower().startswith(HEADER_PREFIXES):
        return False
    return b"from:" in names and (b"mime-version:" in names or b"subject:" in names or b"date:" in names)


def read_eml(path: str) -> Message:
    from capture.sources import parse_message

    name = os.path.basename(path)
    raw = read_within(path, MAX_MESSAGE_BYTES)
    import email
    import email.policy

    try:
        parsed = parse_message(raw, account="file", folder="", uidvalidity="", uid=name)
        date = str(email.message_from_bytes(raw, policy=email.policy.default).get("date", "") or "")
    except Exception as exc:  # the email package raises many kinds on a broken message
        raise CorruptFileError(f"{name}: письмо не читается / the message cannot be parsed: {exc}", path=path) from exc
    return Message(parsed.sender, parsed.recipients, parsed.subject, date, parsed.body_text,
                   tuple(Attachment(a.filename, a.data) for a in parsed.attachments))


def _msg_text(ole: Any, stream: str) -> str:  # olefile has no stubs
    for suffix, encoding in (("001F", "utf-16-le"), ("001E", "cp1251")):
        name = f"{stream}{suffix}"
        if ole.exists(name):
            return ole.openstream(name).read().decode(encoding, "replace").rstrip("\x00")
    return ""


def read_msg(path: str) -> Message:
    """An Outlook message's sender, subject, text and attached files (MAPI properties by their tags)."""
    import olefile

    from capture.sources._mail import ACCEPTED_EXTENSIONS

    name = os.path.basename(path)
    if os.path.getsize(path) > MAX_MESSAGE_BYTES:
        raise OversizedFileError(f"{name} is over the limit of {MAX_MESSAGE_BYTES} bytes", path=path)
    try:
        ole = olefile.OleFileIO(path)
    except (OSError, ValueError) as exc:
        raise CorruptFileError(f"{name}: письмо Outlook не читается / the .msg cannot be read: {exc}",
                               path=path) from exc
    try:
        attachments: list[Attachment] = []
        storages = sorted({entry[0] for entry in ole.listdir() if entry[0].startswith("__attach_version1.0_")})
        for storage in storages:
            filename = (_msg_text(ole, f"{storage}/__substg1.0_3707") or _msg_text(ole, f"{storage}/__substg1.0_3704")
                        or f"attachment-{len(attachments) + 1}")
            filename = PurePath(filename.replace("\\", "/")).name
            data_stream = f"{storage}/__substg1.0_37010102"
            if not ole.exists(data_stream) or os.path.splitext(filename)[1].lower() not in ACCEPTED_EXTENSIONS:
                continue  # an embedded message or an object, or a file of a kind no reader takes
            attachments.append(Attachment(filename, ole.openstream(data_stream).read()))
        sender = _msg_text(ole, "__substg1.0_0C1F") or _msg_text(ole, "__substg1.0_0C1A")
        recipients = tuple(r for r in _msg_text(ole, "__substg1.0_0E04").split(";") if r.strip())
        return Message(sender, recipients, _msg_text(ole, "__substg1.0_0037"), "", _msg_text(ole, "__substg1.0_1000"),
                       tuple(attachments))
    except (OSError, ValueError, UnicodeError) as exc:
        raise CorruptFileError(f"{name}: письмо Outlook повреждено / a damaged .msg: {exc}", path=path) from exc
    finally:
        ole.close()


def message_rows(message: Message, width: int = 110) -> list[Row]:
    """The message as rows of a readable page: its headers, the names of its attachments, its text."""
    rows: list[Row] = [
        (Cell("От:"), Cell(message.sender or "—", 0.1)),
        (Cell("Кому:"), Cell(", ".join(message.recipients) or "—", 0.1)),
        (Cell("Тема:"), Cell(message.subject or "—", 0.1)),
    ]
    if message.date:
        rows.append((Cell("Дата:"), Cell(message.date, 0.1)))
    if message.attachments:
        rows.append((Cell("Вложения:"), Cell(", ".join(a.filename for a in message.attachments), 0.1)))
    rows.append(())
    for paragraph in message.body.splitlines():
        text = " ".join(paragraph.split())
        rows += [(Cell(line),) for line in textwrap.wrap(text, width)] if text else [()]
    return rows
