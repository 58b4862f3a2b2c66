"""capture: taking files in and reading their pages (page splitting, PDF text layers,
preprocessing, OCR) into frozen :mod:`capture.types` records."""

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
from capture.read import merge_pdfs, read_document, read_page, searchable_pdf
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
