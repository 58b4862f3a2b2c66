"""Exceptions of the search package."""

from __future__ import annotations

from finarchive.errors import ExitCode, FinarchiveError, InvalidInputError


class SearchError(FinarchiveError):
    """The search index failed."""


class QuerySyntaxError(SearchError):
    """The search query cannot be understood (a filter with a bad value, an unknown filter)."""

    exit_code = InvalidInputError.exit_code
    http_status = 400


class BackendUnavailableError(SearchError):
    """The search backend cannot be reached or opened."""

    exit_code = ExitCode.UNEXPECTED
    http_status = 503
