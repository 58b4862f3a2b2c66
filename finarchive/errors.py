"""The root of every finarchive exception, with the exit code the CLI maps it to.

Each package has its own exceptions module deriving from :class:`FinarchiveError`;
the CLI turns them into exit codes in one handler, the web app into HTTP statuses.
"""

from __future__ import annotations


class FinarchiveError(Exception):
    """Base of all finarchive errors. ``exit_code`` is what the CLI exits with."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message, *args)
        self.message = message or self.__class__.__doc__ or self.__class__.__name__

    def __str__(self) -> str:
        return self.message


class ConfigurationError(FinarchiveError):
    """The configuration is invalid or the archive is not initialised."""

    exit_code = 3
    http_status = 500


class NotFoundError(FinarchiveError):
    """The requested object does not exist."""

    exit_code = 4
    http_status = 404


class InvalidInputError(FinarchiveError):
    """The input given by the user is not acceptable."""

    exit_code = 2
    http_status = 422


class MissingDependencyError(FinarchiveError):
    """An external program finarchive needs is not installed."""

    exit_code = 5
    http_status = 500


class ConflictError(FinarchiveError):
    """The operation conflicts with the current state (e.g. destruction of a held original)."""

    exit_code = 6
    http_status = 409


class PermissionDeniedError(FinarchiveError):
    """The user may not do this."""

    exit_code = 7
    http_status = 403
