"""Exceptions of the capture sources (folders, mailboxes, ZIP archives, manifests)."""

from __future__ import annotations

from finarchive.errors import ConfigurationError, FinarchiveError, InvalidInputError


class SourceError(FinarchiveError):
    """A source could not deliver its files."""


class UnsafeArchiveError(SourceError):
    """A ZIP archive tries to write outside its folder, or unpacks to far more than it weighs."""

    exit_code = InvalidInputError.exit_code
    http_status = InvalidInputError.http_status
    reason = "unsafe_archive"


class DamagedArchiveError(UnsafeArchiveError):
    """A ZIP archive that is cut short or whose members do not match their checksums."""

    reason = "corrupt"


class EncryptedArchiveError(UnsafeArchiveError):
    """A ZIP archive whose members are protected by a password."""

    reason = "encrypted"


class ManifestError(SourceError):
    """A batch manifest (CSV) cannot be read."""

    exit_code = InvalidInputError.exit_code
    http_status = InvalidInputError.http_status


class MailboxError(SourceError):
    """A mailbox cannot be reached or refused a command."""

    exit_code = 1


class SourceConfigError(SourceError):
    """A watched folder, mail account or rule is configured wrongly."""

    exit_code = ConfigurationError.exit_code
