"""The reading's entry points as the importing process sees them, without importing the reading code.

``capture.read`` imports OpenCV, numpy's image code and the engines: about 0.3–0.6 CPU-s. The pool's workers
are forked from a fork server that has imported it already (finarchive/forkserver.py), so the importing
process, which only hands pages to them and joins their PDFs, need not import it too: a one-page batch paid
that import twice. :func:`read_page` is what is sent to a worker (pickled by its name, so a worker finds it
here) and imports the reading code where it runs, once; a serial executor imports it on the first page.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable

from capture.types import PageJob, PageResult


def read_page(job: PageJob) -> PageResult:
    """Read one page (:func:`capture.read.read_page`), importing the reading code on the first call."""
    from capture.read import read_page as read

    return read(job)


def merge_pdfs(page_pdfs: Iterable[str | os.PathLike[str]], out_path: str | os.PathLike[str]) -> str:
    """Join one-page PDFs into one document PDF (written atomically); returns ``out_path``. (pypdf only: the
    importing process joins the pages its workers wrote without the reading code.)"""
    from pypdf import PdfWriter

    out_path = os.fspath(out_path)
    writer = PdfWriter()
    for pdf in page_pdfs:
        writer.append(os.fspath(pdf))
    fd, tmp = tempfile.mkstemp(prefix=".merge-", suffix=".pdf", dir=os.path.dirname(os.path.abspath(out_path)))
    try:
        with os.fdopen(fd, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out_path
