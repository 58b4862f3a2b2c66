"""Errors of the classify package."""

from __future__ import annotations

from finarchive.errors import ConfigurationError, FinarchiveError


class ClassifyError(FinarchiveError):
    """Classification or extraction failed."""


class ModelError(ClassifyError, ConfigurationError):
    """The classifier model cannot be trained, read, or is of another format version."""

    exit_code = ConfigurationError.exit_code
