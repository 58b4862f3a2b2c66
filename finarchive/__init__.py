"""finarchive: shared basics used by every package (version, the root exception)."""

from finarchive.errors import (
    ConfigurationError,
    ConflictError,
    FinarchiveError,
    InvalidInputError,
    MissingDependencyError,
    NotFoundError,
    PermissionDeniedError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "FinarchiveError",
    "InvalidInputError",
    "MissingDependencyError",
    "NotFoundError",
    "PermissionDeniedError",
    "__version__",
]
