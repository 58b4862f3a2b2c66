"""Mail messages, rules and a real Maildir (the IMAP source is tested against Dovecot in
tests/archive/test_intake.py)."""

from __future__ import annotations

import mailbox
import os
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path

import pytest

from capture.sources import (
    MailAccount,
    MailRule,
    SourceConfigError,
    match_rule,
    open_mailbox,
    parse_message,
)
from capture.sources._mail import body_pdf


def _raw(sender: str = "shop@spb01.example", subject: str = "Сканы", to: str = "scans@hq.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Магазин <{sender}>"
    msg["To"] = to
    msg["Cc"] = "boss@hq.example"
    msg["Subject"] = subject
    msg.set_content("Добрый день, накладные во вложении.")
    msg.add_attachment(b"%PDF-1.4 a", maintype="application", subtype="pdf", filename="Накладная №5.pdf")
    msg.add_attachment(b"%PDF-1.4 b", maintype="application", subtype="pdf")  # no name: by MIME type
    msg.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="../../etc/scan.png")
    msg.add_attachment(b"hello", maintype="application", subtype="octet-stream", filename="notes.txt")
    return msg.as_bytes()


def test_a_message_gives_its_addresses_text_and_accepted_attachments() -> None:
    msg = parse_message(_raw(), account="scans", folder="INBOX", uidvalidity="17", uid="4")
    assert msg.key == "scans/INBOX;17;4"
    assert msg.sender == "shop@spb01.example"
    assert msg.recipients == ("scans@hq.example", "boss@hq.example")
    assert msg.subject == "Сканы" and "накладные" in msg.body_text
    names = [a.filename for a in msg.attachments]
    assert names[0] == "Накладная №5.pdf" and names[1].endswith(".pdf") and names[2] == "scan.png"
    assert len(names) == 3  # a .txt is not a document we read
    assert msg.attachments[0].data == b"%PDF-1.4 a"


def test_the_first_matching_rule_wins_and_all_its_patterns_must_match() -> None:
    msg = parse_message(_raw(subject="[MSK-03] накладные"), account="scans", folder="INBOX", uidvalidity="1", uid="1")
    rules = [
        MailRule(name="wrong account", account="other", sender="spb01"),
        MailRule(name="both", sender=r"@SPB01\.example$", subject="^nothing"),
        MailRule(name="spb", sender=r"@spb01\.example$", recipient="^scans@", outlet="SPB-01"),
        MailRule(name="subject", subject=r"^\[MSK-03\]", outlet="MSK-03"),
    ]
    first, later = match_rule(rules, msg), match_rule(rules[3:], msg)
    assert first is not None and first.name == "spb"
    assert later is not None and later.outlet == "MSK-03"
    assert match_rule(rules[:2], msg) is None


@pytest.mark.parametrize("raw, message", [
    ({"action": "burn"}, "action"),
    ({"action": "move"}, "folder"),
    ({"subject": "("}, "bad pattern"),
    ({"colour": "red"}, "unknown"),
])
def test_bad_rules_are_configuration_errors(raw: dict, message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        MailRule.from_config(raw)


def test_rule_config_accepts_from_and_to() -> None:
    rule = MailRule.from_config({"from": "a@b", "to": "c@d", "outlet": "X"})
    assert (rule.sender, rule.recipient, rule.name) == ("a@b", "c@d", "rule 1")


def test_plain_imap_is_refused_off_loopback() -> None:
    account = MailAccount(name="far", host="192.0.2.10", port=143, tls=False)
    with pytest.raises(SourceConfigError, match="loopback"):
        open_mailbox(account)


def _subject(message: mailbox.MaildirMessage) -> str:
    return str(make_header(decode_header(message["subject"])))


def test_maildir_messages_are_read_unseen_and_marked_or_moved(tmp_path: Path) -> None:
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    keys = [box.add(_raw(subject=s)) for s in ("один", "два", "три")]
    account = MailAccount.from_config({"name": "local", "kind": "maildir", "path": str(tmp_path / "Maildir")})
    source = open_mailbox(account)
    messages = {m.subject: m for m in source.messages()}
    assert set(messages) == {"один", "два", "три"} and messages["один"].uid in keys
    source.apply(messages["один"], "seen")
    source.apply(messages["два"], "flag")
    source.apply(messages["три"], "move", "Archived")
    source.close()

    again = open_mailbox(account)
    assert sorted(m.subject for m in again.messages()) == ["два"]  # seen and moved ones are gone from UNSEEN
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=False)
    flags = {_subject(box.get_message(k)): box.get_message(k).get_flags() for k in box.iterkeys()}
    assert flags == {"один": "S", "два": "F"}
    assert [_subject(m) for m in box.get_folder("Archived")] == ["три"]


def test_a_message_body_becomes_a_pdf_with_the_same_bytes_each_time(tmp_path: Path) -> None:
    msg = parse_message(_raw(), account="scans", folder="INBOX", uidvalidity="1", uid="9")
    first = body_pdf(msg, tmp_path / "a.pdf").read_bytes()
    assert first[:5] == b"%PDF-" and body_pdf(msg, tmp_path / "b.pdf").read_bytes() == first


def test_an_oversized_maildir_message_is_sized_by_its_file_and_never_read_whole(tmp_path: Path) -> None:
    """The size comes from the file's stat: a message far over max_message_mb yields its header only (as
    oversized), the small one after it is read as usual. Before, every message was read into memory (twice:
    get_message, get_bytes) before its size was looked at."""
    import tracemalloc

    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    big_key = box.add(_raw(subject="огромное"))
    box.add(_raw(subject="обычное"))
    (big_file,) = [p for p in (tmp_path / "Maildir" / "new").iterdir() if p.name.startswith(big_key)]
    os.truncate(big_file, 96 * 1024 * 1024)  # a real 96 MB file (sparse: its tail reads as zeros)
    account = MailAccount.from_config({"name": "local", "kind": "maildir", "path": str(tmp_path / "Maildir"),
                                       "max_message_mb": 1})
    tracemalloc.start()
    try:
        messages = {m.subject: m for m in open_mailbox(account).messages()}
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert set(messages) == {"огромное", "обычное"}
    assert messages["огромное"].oversized and messages["огромное"].size == 96 * 1024 * 1024
    assert messages["огромное"].attachments == ()
    assert not messages["обычное"].oversized and messages["обычное"].attachments
    assert peak < 8 * 1024 * 1024  # the 96 MB were never in memory


def test_an_oversized_maildir_message_is_saved_whole_in_pieces(tmp_path: Path) -> None:
    """What the quarantine keeps of a message too large to read: its file, copied byte for byte, never
    whole in memory."""
    import hashlib
    import tracemalloc

    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    big_key = box.add(_raw(subject="огромное"))
    (big_file,) = [p for p in (tmp_path / "Maildir" / "new").iterdir() if p.name.startswith(big_key)]
    os.truncate(big_file, 96 * 1024 * 1024)
    account = MailAccount.from_config({"name": "local", "kind": "maildir", "path": str(tmp_path / "Maildir"),
                                       "max_message_mb": 1})
    source = open_mailbox(account)
    (message,) = list(source.messages())
    tracemalloc.start()
    try:
        saved = source.download(message, tmp_path / "message.eml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (saved, big_file)]
    assert digest[0] == digest[1] and peak < 16 * 1024 * 1024
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["message.eml"]  # no temporary left
