"""Exceptions of the capture package.

Every error that a file given to us can cause is a :class:`CaptureError` with a short machine
``reason`` (written into the quarantine reason file and the batch summary) and a message a person
can act on. Errors of the machine itself (tesseract missing) are
:class:`finarchive.errors.MissingDependencyError`.
"""

from __future__ import annotations

from finarchive.errors import FinarchiveError, InvalidInputError


class CaptureError(FinarchiveError):
    """A file could not be taken in or read."""

    reason: str = "capture_failed"
    exit_code: int = InvalidInputError.exit_code
    http_status = InvalidInputError.http_status

    def __init__(self, message: str = "", *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class EmptyFileError(CaptureError):
    """The file is empty."""

    reason = "empty"


class CorruptFileError(CaptureError):
    """The file is damaged and cannot be decoded."""

    reason = "corrupt"


class EncryptedFileError(CaptureError):
    """The PDF is protected by a password."""

    reason = "encrypted"


class ActiveContentError(CaptureError):
    """The PDF carries JavaScript or a launch action: it would run on the computer of whoever opens it."""

    reason = "active_content"
    http_status = 415


class OversizedFileError(CaptureError):
    """The file or its image is larger than the configured limit."""

    reason = "oversized"
    http_status = 413


class UnsupportedFileError(CaptureError):
    """The file is not a PDF, TIFF, JPEG or PNG."""

    reason = "unsupported"
    http_status = 415


class OcrError(CaptureError):
    """Tesseract failed on a page."""

    reason = "ocr_failed"
    exit_code = 1
    http_status = 500


class OcrTimeoutError(OcrError):
    """Tesseract took longer than allowed on a page."""

    reason = "ocr_timeout"
