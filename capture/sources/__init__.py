"""Sources that deliver files to the archive: watched inbox folders, mailboxes, ZIP archives and CSV
manifests. They know nothing of the database; :mod:`archive.intake` feeds what they find to the pipeline."""

from capture.sources._files import (
    InboxFile,
    StableFiles,
    is_temporary_name,
    open_files,
    open_for_writing,
    outlet_of,
    scan_inbox,
)
from capture.sources._mail import (
    MailAccount,
    MailAttachment,
    Mailbox,
    MailMessage,
    MailRule,
    body_pdf,
    match_rule,
    open_mailbox,
    parse_message,
)
from capture.sources._manifest import MANIFEST_NAME, ManifestEntry, normalise_name, parse_manifest, read_manifest
from capture.sources._watch import InboxObserver
from capture.sources._zip import RefusedMember, Unpacked, ZipLimits, check_zip, unpack_zip
from capture.sources.exceptions import (
    DamagedArchiveError,
    EncryptedArchiveError,
    MailboxError,
    ManifestError,
    SourceConfigError,
    SourceError,
    UnsafeArchiveError,
)

__all__ = [
    "MANIFEST_NAME",
    "DamagedArchiveError",
    "EncryptedArchiveError",
    "InboxFile",
    "InboxObserver",
    "MailAccount",
    "MailAttachment",
    "MailMessage",
    "MailRule",
    "Mailbox",
    "MailboxError",
    "ManifestEntry",
    "ManifestError",
    "RefusedMember",
    "SourceConfigError",
    "SourceError",
    "StableFiles",
    "Unpacked",
    "UnsafeArchiveError",
    "ZipLimits",
    "body_pdf",
    "check_zip",
    "is_temporary_name",
    "match_rule",
    "normalise_name",
    "open_files",
    "open_for_writing",
    "open_mailbox",
    "outlet_of",
    "parse_manifest",
    "parse_message",
    "read_manifest",
    "scan_inbox",
    "unpack_zip",
]
