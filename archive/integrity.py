"""`finarchive check`: the database, the blob store, the derived files and the search index against each other.

What is checked, for every document row:

* its original is in the blob store and still hashes to its name (``original_missing``,
  ``original_damaged``: nothing here can rebuild what a user gave us; restore it from a backup);
* its derived files — each page's image and thumbnail, the searchable PDF — exist
  (``derived_missing``: rebuilt from the original by reading the pages again, through the same
  :class:`archive.reading.Reader` and :func:`capture.read_page` as an import);
* it is in the search index once it is past ``received`` (``not_indexed``: indexed again), and the
  index holds no document the database does not (``index_orphan``: taken out of the index);
* it is not left ``received`` by an interrupted run (``unfinished``: ``finarchive process`` finishes it).

And for the blob store: an original no document names (``orphan_original``) is reported and kept — it
may be a file being imported right now, or one whose reading failed and was quarantined; derived files
of no document (``orphan_derived``) likewise. With ``repair=True`` what can be rebuilt is rebuilt and
each finding says whether it was.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive import audit
from archive.indexing import index_documents
from archive.models import Document, DocumentStatus, Page
from archive.reading import Reader, ReadingSettings
from capture import CaptureError, merge_pdfs, read_page

if TYPE_CHECKING:
    from archive.store import Archive


class Finding(StrEnum):
    ORIGINAL_MISSING = "original_missing"
    ORIGINAL_DAMAGED = "original_damaged"
    DERIVED_MISSING = "derived_missing"
    NOT_INDEXED = "not_indexed"
    INDEX_ORPHAN = "index_orphan"
    UNFINISHED = "unfinished"
    ORPHAN_ORIGINAL = "orphan_original"
    ORPHAN_DERIVED = "orphan_derived"


# Findings that mean the archive is damaged (`check` exits 11 while one is left unrepaired); the others
# are reported for the administrator to look at.
ERRORS = frozenset({Finding.ORIGINAL_MISSING, Finding.ORIGINAL_DAMAGED, Finding.DERIVED_MISSING,
                    Finding.NOT_INDEXED, Finding.INDEX_ORPHAN})

REMEDY: dict[Finding, str] = {
    Finding.ORIGINAL_MISSING: "restore the original from a backup (`finarchive restore --check` finds it there)",
    Finding.ORIGINAL_DAMAGED: "restore the original from a backup (`finarchive restore --check` finds it there)",
    Finding.DERIVED_MISSING: "`finarchive check --repair` reads the pages again from the original",
    Finding.NOT_INDEXED: "`finarchive check --repair` indexes it",
    Finding.INDEX_ORPHAN: "`finarchive check --repair` takes it out of the index",
    Finding.UNFINISHED: "`finarchive process` finishes it",
    Finding.ORPHAN_ORIGINAL: "kept: import the file again, or remove it by hand once you know what it is",
    Finding.ORPHAN_DERIVED: "kept: harmless, remove it by hand",
}


@dataclass(frozen=True)
class Problem:
    """One thing found wrong; ``repaired`` once ``check --repair`` put it right."""

    finding: Finding
    message: str
    document_id: int | None = None
    subject: str = ""  # the original's SHA-256, a blob-store key, ...
    repaired: bool = False
    repair_error: str | None = None

    @property
    def is_error(self) -> bool:
        return self.finding in ERRORS and not self.repaired

    def as_dict(self) -> dict[str, Any]:
        return {"finding": self.finding.value, "message": self.message, "document_id": self.document_id,
                "subject": self.subject, "error": self.finding in ERRORS, "repaired": self.repaired,
                "repair_error": self.repair_error, "remedy": REMEDY[self.finding]}


@dataclass
class CheckReport:
    documents: int = 0
    originals_verified: int = 0
    derived_files: int = 0
    indexed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error is left (warnings may be)."""
        return not any(p.is_error for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "documents": self.documents, "originals_verified": self.originals_verified,
                "derived_files": self.derived_files, "indexed": self.indexed,
                "problems": [p.as_dict() for p in self.problems]}


def check_archive(arc: Archive, *, repair: bool = False, actor: str = "system") -> CheckReport:
    """Check the opened archive ``arc``; with ``repair``, rebuild what can be rebuilt (see the module).

    Every original is read and hashed: on a large archive this takes as long as reading the blob store."""
    report = CheckReport()
    with arc.sessions() as session:
        documents = list(session.scalars(select(Document).options(selectinload(Document.pages))
                                         .order_by(Document.id)))
        report.documents = len(documents)
        damaged: set[int] = set()
        for document in documents:
            problem = _original_problem(arc, document)
            if problem is None:
                report.originals_verified += 1
            else:
                damaged.add(document.id)
                report.problems.append(problem)
            if document.status == DocumentStatus.RECEIVED:
                report.problems.append(Problem(Finding.UNFINISHED, f"document {document.id} ({document.filename}) "
                                               "was left unread by an interrupted run", document.id,
                                               document.sha256))
                continue
            missing = _missing_derived(arc, document)
            report.derived_files += _derived_count(arc, document) - len(missing)
            if missing:
                problem = Problem(Finding.DERIVED_MISSING, f"document {document.id}: {len(missing)} derived "
                                  f"file(s) missing, e.g. {missing[0]}", document.id, missing[0])
                if repair:
                    problem = _repaired(problem, functools.partial(_regenerate, arc, session, document, actor),
                                        blocked="its original is missing or damaged" if document.id in damaged
                                        else None)
                report.problems.append(problem)
        report.problems += _index_problems(arc, documents, report, repair)
        report.problems += _orphans(arc, {d.sha256 for d in documents})
    return report


def _repaired(problem: Problem, fix: Callable[[], object], *, blocked: str | None = None) -> Problem:
    if blocked is not None:
        return replace(problem, repair_error=f"cannot be rebuilt: {blocked}")
    try:
        fix()
    except (CaptureError, OSError, ValueError) as exc:  # what reading a file again may raise: reported
        return replace(problem, repair_error=f"{type(exc).__name__}: {exc}")
    return replace(problem, repaired=True)


# --- originals ------------------------------------------------------------------------------------

def _original_problem(arc: Archive, document: Document) -> Problem | None:
    sha = document.sha256
    if not arc.blobs.has(sha):
        return Problem(Finding.ORIGINAL_MISSING, f"document {document.id}: original {sha} is missing",
                       document.id, sha)
    if not arc.blobs.verify(sha):
        return Problem(Finding.ORIGINAL_DAMAGED, f"document {document.id}: original {sha} does not match its hash",
                       document.id, sha)
    return None


# --- derived files --------------------------------------------------------------------------------

def _page_keys(page: Page) -> list[str]:
    return [key for key in (page.image, page.thumbnail) if key]


def _own_pdf(arc: Archive, document: Document) -> str | None:
    """The key of the searchable PDF made for the document; None for a born-digital PDF, which is its own."""
    pdf = document.searchable_pdf
    return pdf if pdf and pdf != arc.blobs.original_key(document.sha256) else None


def _derived_count(arc: Archive, document: Document) -> int:
    return sum(len(_page_keys(p)) for p in document.pages) + (1 if _own_pdf(arc, document) else 0)


def _exists(arc: Archive, key: str) -> bool:
    try:
        return arc.blobs.path(key).is_file()
    except ValueError:  # a key leaving the store is as good as missing
        return False


def _missing_derived(arc: Archive, document: Document) -> list[str]:
    missing = [key for page in document.pages for key in _page_keys(page) if not _exists(arc, key)]
    pdf = _own_pdf(arc, document)
    if pdf and not _exists(arc, pdf):
        missing.append(pdf)
    return missing


def _regenerate(arc: Archive, session: Session, document: Document, actor: str) -> None:
    """Read again, from the original, the pages whose derived files are missing (and all of them when the
    searchable PDF is), as an import reads them; the pages' text and fields are left as they are."""
    blobs = arc.blobs
    reader = Reader(ReadingSettings.of(arc.settings))
    info = reader.inspect(blobs.path(blobs.original_key(document.sha256)))
    jobs = reader.plan(info, derived_dir=str(blobs.derived_dir(document.sha256)))
    pages = {p.number: p for p in document.pages}
    pdf = _own_pdf(arc, document)
    want_pdf = pdf is not None
    page_pdfs: list[str] = []
    read_again = 0
    for job in jobs:
        page = pages.get(job.index + 1)
        own_pdf = Path(job.derived_dir or "") / f"page-{job.index + 1}.pdf"
        needed = page is not None and any(not _exists(arc, key) for key in _page_keys(page))
        if needed or (want_pdf and not own_pdf.is_file()):
            result = read_page(job)
            read_again += 1
            if result.page.error:
                raise OSError(f"page {job.index + 1} cannot be read again: {result.page.error}")
            if page is not None:
                page.image = blobs.key_of(result.cleaned_image) if result.cleaned_image else page.image
                page.thumbnail = blobs.key_of(result.thumbnail) if result.thumbnail else page.thumbnail
            if result.page_pdf:
                own_pdf = Path(result.page_pdf)
        page_pdfs.append(str(own_pdf))
    if pdf is not None:
        merge_pdfs(page_pdfs, blobs.path(pdf))
    audit.record(session, actor=actor, action="document.derived_rebuilt", object_type="document",
                 object_id=document.id, document_id=document.id, pages_read=read_again)
    session.commit()


# --- the search index -----------------------------------------------------------------------------

def _index_problems(arc: Archive, documents: list[Document], report: CheckReport,
                    repair: bool) -> list[Problem]:
    indexed = arc.search.doc_ids()
    ids = {d.id for d in documents}
    out: list[Problem] = []
    missing = [d for d in documents if d.status != DocumentStatus.RECEIVED and d.id not in indexed]
    orphans = sorted(indexed - ids)
    report.indexed = len(indexed & ids)
    missing_problems = [Problem(Finding.NOT_INDEXED, f"document {d.id} ({d.filename}) is not in the search index",
                                d.id) for d in missing]
    orphan_problems = [Problem(Finding.INDEX_ORPHAN, f"the search index holds document {i}, which the database "
                               "does not", i) for i in orphans]
    if repair and missing:
        fixed = _repaired(missing_problems[0], lambda: index_documents(arc, [d.id for d in missing]))
        missing_problems = [replace(p, repaired=fixed.repaired, repair_error=fixed.repair_error)
                            for p in missing_problems]
        report.indexed += len(missing) if fixed.repaired else 0
    if repair and orphans:
        fixed = _repaired(orphan_problems[0], lambda: arc.search.delete(orphans))
        orphan_problems = [replace(p, repaired=fixed.repaired, repair_error=fixed.repair_error)
                           for p in orphan_problems]
    out += missing_problems + orphan_problems
    return out


# --- the blob store -------------------------------------------------------------------------------

def _names(root: Path, depth: int) -> Iterator[Path]:
    """Entries ``depth`` levels below ``root`` (the store's ``ab/cd/<sha256>`` layout), skipping temp files."""
    if depth == 0:
        yield root
        return
    if not root.is_dir():
        return
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if not entry.name.startswith("."):
            yield from _names(Path(entry.path), depth - 1)


def _orphans(arc: Archive, shas: set[str]) -> list[Problem]:
    root = arc.settings.blob_dir
    out = [Problem(Finding.ORPHAN_ORIGINAL, f"the original {p.name} belongs to no document", None, p.name)
           for p in _names(root / "originals", 3) if p.is_file() and p.name not in shas]
    out += [Problem(Finding.ORPHAN_DERIVED, f"the derived files {p.name} belong to no document", None, p.name)
            for p in _names(root / "derived", 3) if p.is_dir() and p.name not in shas]
    return out
