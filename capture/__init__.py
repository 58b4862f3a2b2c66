"""capture: taking files in and reading their pages (page splitting, PDF text layers,
preprocessing, OCR) into frozen :mod:`capture.types` records."""

from typing import Any

from capture.exceptions import (
    ActiveContentError,
    CaptureError,
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    OcrError,
    OcrTimeoutError,
    OversizedFileError,
    UnsupportedFileError,
)
from capture.executor import Executor, PoolExecutor, SerialExecutor, WorkerCrashedError
from capture.pages import FileInfo, inspect_file, plan_pages
from capture._entry import merge_pdfs, read_page  # not capture.read's: see capture/_entry.py
from capture.types import Capture, OcrWord, PageJob, PageResult, PageText, TextSource

__all__ = [
    "ActiveContentError",
    "Capture",
    "CaptureError",
    "CorruptFileError",
    "EmptyFileError",
    "EncryptedFileError",
    "Executor",
    "FileInfo",
    "OcrError",
    "OcrTimeoutError",
    "OcrWord",
    "OversizedFileError",
    "PageJob",
    "PageResult",
    "PageText",
    "PoolExecutor",
    "SerialExecutor",
    "TextSource",
    "UnsupportedFileError",
    "WorkerCrashedError",
    "inspect_file",
    "merge_pdfs",
    "plan_pages",
    "read_document",
    "read_page",
    "searchable_pdf",
]


def __getattr__(name: str) -> Any:
    """``read_document`` and ``searchable_pdf`` from the reading code, imported when first asked for (the
    importing process of a pool never needs it: capture/_entry.py)."""
    if name in ("read_document", "searchable_pdf"):
        from capture import read

        return getattr(read, name)
    raise AttributeError(f"module 'capture' has no attribute {name!r}")
