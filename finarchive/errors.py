"""The root of every finarchive exception, and the exit codes the CLI maps them to.

Each package has its own exceptions module deriving from :class:`FinarchiveError`; every subclass
names one :class:`ExitCode`. The CLI turns them into exit codes in one handler (``cli/_common.py``),
the web app into HTTP statuses in one handler. :data:`EXIT_CODE_MEANINGS` is the one place the codes
are explained: the CLI's ``--help`` epilog and docs/cli.md are generated from it.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `finarchive` exits with. The values are a published interface: never renumber one."""

    OK = 0
    UNEXPECTED = 1
    BAD_INPUT = 2
    CONFIGURATION = 3
    NOT_FOUND = 4
    MISSING_DEPENDENCY = 5
    CONFLICT = 6
    PERMISSION_DENIED = 7
    PARTIAL = 10
    CHECK_FAILED = 11
    DISK_FULL = 12
    ARCHIVE_BUSY = 13
    INTERRUPTED = 130


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.UNEXPECTED: "unexpected error (a bug: the traceback is printed, please report it)",
    ExitCode.BAD_INPUT: "bad input or usage, or a damaged backup",
    ExitCode.CONFIGURATION: "configuration (no archive, bad settings)",
    ExitCode.NOT_FOUND: "not found",
    ExitCode.MISSING_DEPENDENCY: "missing external program",
    ExitCode.CONFLICT: "conflict (a refused transition; a backup that could not be completed)",
    ExitCode.PERMISSION_DENIED: "permission denied",
    ExitCode.PARTIAL: "the batch finished but some files were quarantined or failed",
    ExitCode.CHECK_FAILED: "the archive is damaged: `check` found problems it could not repair, or `backup` an "
                           "original missing or damaged (kept from the earlier backup)",
    ExitCode.DISK_FULL: "no space left on a disk the archive writes to: intake stopped, nothing lost",
    ExitCode.ARCHIVE_BUSY: "the database stayed locked by another process: intake stopped, nothing lost",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def exit_codes_text() -> str:
    """The exit codes as one line each, for ``--help`` and docs/cli.md."""
    return "\n".join(f"{int(code):>3}  {EXIT_CODE_MEANINGS[code]}" for code in ExitCode)


class FinarchiveError(Exception):
    """Base of all finarchive errors. ``exit_code`` is what the CLI exits with."""

    exit_code: int = ExitCode.UNEXPECTED
    http_status: int = 500

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message, *args)
        self.message = message or self.__class__.__doc__ or self.__class__.__name__

    def __str__(self) -> str:
        return self.message


class ConfigurationError(FinarchiveError):
    """The configuration is invalid or the archive is not initialised."""

    exit_code = ExitCode.CONFIGURATION
    http_status = 500


class NotFoundError(FinarchiveError):
    """The requested object does not exist."""

    exit_code = ExitCode.NOT_FOUND
    http_status = 404


class InvalidInputError(FinarchiveError):
    """The input given by the user is not acceptable."""

    exit_code = ExitCode.BAD_INPUT
    http_status = 422


class MissingDependencyError(FinarchiveError):
    """An external program finarchive needs is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY
    http_status = 500


class ConflictError(FinarchiveError):
    """The operation conflicts with the current state (e.g. destruction of a held original)."""

    exit_code = ExitCode.CONFLICT
    http_status = 409


class PermissionDeniedError(FinarchiveError):
    """The user may not do this."""

    exit_code = ExitCode.PERMISSION_DENIED
    http_status = 403


class CheckFailedError(FinarchiveError):
    """`finarchive check` found the archive inconsistent: database, blobs, derived files or index disagree."""

    exit_code = ExitCode.CHECK_FAILED
    http_status = 500


class IntakeStoppedError(FinarchiveError):
    """Intake cannot go on for any file (the archive's fault, not the file's): it stops, quarantines
    nothing, and what was taken in stays ``received`` for the next run."""


class DiskFullError(IntakeStoppedError):
    """No space is left on a device the archive writes to; intake stopped, nothing taken in is lost."""

    exit_code = ExitCode.DISK_FULL
    http_status = 507


class ArchiveBusyError(IntakeStoppedError):
    """The database stayed locked by another process longer than its busy timeout; intake stopped."""

    exit_code = ExitCode.ARCHIVE_BUSY
    http_status = 503
