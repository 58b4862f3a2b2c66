"""The pipeline that takes files into the archive.

The steps, in order, for every file:

1. ``intake``       hash → duplicate? → inspect (bad files to quarantine) → store the untouched bytes →
                    Document(received) and its intake record, committed;
2. ``read_pages``   every page is a job for the executor (split, preprocess, OCR or PDF text layer),
                    pages of many documents in flight at once so every core stays busy;
3. ``analyse``      classify, extract fields, validate (classify.analyse);
4. ``commit``       one transaction: pages, fields, status, outlet, original, order links, audit;
5. ``index``        the committed rows go to the search backend.

Only ``commit`` writes a document's content; ``intake`` records that it arrived. A document left in
``received`` by a crash is picked up again by :meth:`Pipeline.resume`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.blobs import sha256_file
from archive.indexing import index_documents
from archive.orders import auto_link
from archive.originals import expect_original
from archive.models import (
    Document,
    DocumentStatus,
    Field,
    FieldSource,
    IntakeOutcome,
    IntakeRecord,
    Outlet,
    Page,
    utcnow,
)
from archive.quarantine import quarantine_file
from archive.reading import Reader, ReadingSettings, read_or_failed
from capture import CaptureError, PageJob, PageResult, merge_pdfs, read_page
from capture.types import OcrWord, PageText, TextSource
from classify.types import Extraction

Progress = Callable[[str, dict[str, Any]], None]


def _no_progress(event: str, info: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class IntakeItem:
    """One file offered to the archive by a source."""

    path: str
    filename: str | None = None
    source: str = "import"
    source_ref: str | None = None
    outlet_code: str | None = None
    hints: dict[str, str] = field(default_factory=dict)  # doc_type, order_no from a cover sheet/manifest
    on_done: Callable[[FileOutcome], None] | None = None  # the source's own follow-up (move, mark seen)


@dataclass(frozen=True)
class FileOutcome:
    item: IntakeItem
    outcome: IntakeOutcome
    document_id: int | None = None
    reason: str | None = None
    message: str | None = None
    quarantine_path: str | None = None
    status: str | None = None
    doc_type: str | None = None
    pages: int = 0


@dataclass
class ImportSummary:
    files: int = 0
    archived: int = 0
    duplicates: int = 0
    quarantined: int = 0
    failed: int = 0
    pages: int = 0
    needs_review: int = 0
    seconds: float = 0.0
    outcomes: list[FileOutcome] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: FileOutcome) -> None:
        self.outcomes.append(outcome)
        self.files += 1
        if outcome.outcome == IntakeOutcome.ARCHIVED:
            self.archived += 1
            self.pages += outcome.pages
            if outcome.status == DocumentStatus.NEEDS_REVIEW:
                self.needs_review += 1
            key = outcome.doc_type or "other"
            self.by_type[key] = self.by_type.get(key, 0) + 1
        elif outcome.outcome == IntakeOutcome.DUPLICATE:
            self.duplicates += 1
        elif outcome.outcome == IntakeOutcome.QUARANTINED:
            self.quarantined += 1
        else:
            self.failed += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "archived": self.archived,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "failed": self.failed,
            "pages": self.pages,
            "needs_review": self.needs_review,
            "seconds": round(self.seconds, 2),
            "by_type": dict(sorted(self.by_type.items())),
            "problems": [
                {"file": o.item.path, "outcome": o.outcome.value, "reason": o.reason, "message": o.message,
                 "quarantine": o.quarantine_path}
                for o in self.outcomes
                if o.outcome in (IntakeOutcome.QUARANTINED, IntakeOutcome.FAILED)
            ],
        }


@dataclass
class _InFlight:
    """A document whose pages are being read."""

    document_id: int
    item: IntakeItem
    sha256: str
    jobs: list[PageJob]
    text_layer_pdf: str | None  # blob key of the original when it is a born-digital PDF
    results: dict[int, PageResult | BaseException] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.jobs)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "system"


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files given, and every file under folders given (recursive, sorted, dot-files skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if sub.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield sub
        else:
            yield path


class Pipeline:
    """Runs the steps over files from any source. One per archive and executor."""

    def __init__(
        self,
        archive,  # type: ignore[no-untyped-def]
        executor=None,  # type: ignore[no-untyped-def]
        *,
        actor: str | None = None,
        progress: Progress | None = None,
        index: bool = True,
    ) -> None:
        self.archive = archive
        self.settings = archive.settings
        # The one reading `extract` uses too (archive/reading.py); a bad setting fails here, before any file
        self.reader = Reader(ReadingSettings.of(self.settings))
        self.executor = executor
        self.actor = actor or default_actor()
        self.progress = progress or _no_progress
        self.index = index
        # The steps a commit runs inside its transaction after the document's own rows; orders and
        # originals register here (see archive/orders.py, archive/originals.py).
        self.commit_hooks: list[Callable[[Session, Document, Pipeline], None]] = list(COMMIT_HOOKS)

    # -- public ---------------------------------------------------------------------------------
    def run(self, items: Iterable[IntakeItem]) -> ImportSummary:
        """Take every item in: intake, read pages in parallel, analyse, commit, index."""
        started = time.monotonic()
        summary = ImportSummary()
        executor = self.executor or self._default_executor()
        own_executor = self.executor is None
        try:
            self._drive(iter(items), executor, summary)
        finally:
            if own_executor:
                executor.close()
        summary.seconds = time.monotonic() - started
        return summary

    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        outlet_code: str | None = None,
        source: str = "import",
        hints: dict[str, str] | None = None,
    ) -> ImportSummary:
        items = (
            IntakeItem(path=str(p), source=source, source_ref=str(p.resolve()), outlet_code=outlet_code,
                       hints=dict(hints or {}))
            for p in expand_paths(paths)
        )
        return self.run(items)

    def resume(self) -> ImportSummary:
        """Read again every document a crash left in ``received``."""
        with self.archive.sessions() as session:
            rows = session.execute(
                select(Document.id, Document.sha256, Document.filename, Document.source, Document.source_ref,
                       Outlet.code)
                .outerjoin(Outlet, Document.outlet_id == Outlet.id)
                .where(Document.status == DocumentStatus.RECEIVED)
                .order_by(Document.id)
            ).all()
        items = [
            IntakeItem(path=str(self.archive.blobs.path(self.archive.blobs.original_key(sha))), filename=name,
                       source=src, source_ref=ref, outlet_code=outlet, hints={"_resume_document": str(doc_id)})
            for doc_id, sha, name, src, ref, outlet in rows
        ]
        return self.run(items)

    # -- the loop ---------------------------------------------------------------------------------
    def _default_executor(self):  # type: ignore[no-untyped-def]
        from capture import PoolExecutor

        return PoolExecutor(self.settings.workers)

    def _drive(self, items: Iterator[IntakeItem], executor, summary: ImportSummary) -> None:  # type: ignore[no-untyped-def]
        """Feed the executor lazily: a file is taken in only when its pages are about to be read."""
        flights: dict[tuple[str, int], _InFlight] = {}

        def page_jobs() -> Iterator[PageJob]:
            for item in items:
                flight = self._intake(item, summary)
                if flight is None:
                    continue
                for job in flight.jobs:
                    flights[(job.path, job.index)] = flight
                    yield job

        for job, result in executor.map_unordered(read_page, page_jobs()):
            flight = flights.pop((job.path, job.index))
            flight.results[job.index] = result
            self.progress("page", {"file": flight.item.path, "page": job.index + 1})
            if flight.complete:
                outcome = self._finish(flight)
                summary.add(outcome)
                self._done(outcome)

    def _done(self, outcome: FileOutcome) -> None:
        self.progress("file", {"outcome": outcome})
        if outcome.item.on_done is not None:
            outcome.item.on_done(outcome)

    # -- step 1: intake ---------------------------------------------------------------------------
    def _intake(self, item: IntakeItem, summary: ImportSummary) -> _InFlight | None:
        path = Path(item.path)
        filename = item.filename or path.name
        resume_id = item.hints.get("_resume_document")
        try:
            if not path.is_file():
                raise FileNotFoundError(f"{path} is not a file")
            digest = sha256_file(path)
        except OSError as exc:
            outcome = FileOutcome(item, IntakeOutcome.FAILED, reason="unreadable", message=str(exc))
            self._ledger(item, outcome, filename=filename)
            summary.add(outcome)
            self._done(outcome)
            return None

        if resume_id is None:
            with self.archive.sessions() as session:
                existing = session.scalar(select(Document.id).where(Document.sha256 == digest))
            if existing is not None:
                outcome = FileOutcome(item, IntakeOutcome.DUPLICATE, document_id=existing, reason="duplicate",
                                      message=f"already archived as document {existing}")
                self._ledger(item, outcome, filename=filename, sha256=digest)
                summary.add(outcome)
                self._done(outcome)
                return None

        try:
            info = self.reader.inspect(path)
        except CaptureError as exc:
            outcome = self._quarantine(item, path, filename, digest, exc.reason, str(exc))
            summary.add(outcome)
            self._done(outcome)
            return None

        blobs = self.archive.blobs
        _, key = blobs.put_file(path, digest)
        derived = blobs.derived_dir(digest)
        jobs = self.reader.plan(dataclasses.replace(info, path=str(blobs.path(key))), derived_dir=str(derived))
        text_layer = (key if info.media_type == "application/pdf" and jobs and all(j.has_text_layer for j in jobs)
                      else None)

        if resume_id is not None:
            document_id = int(resume_id)
        else:
            with self.archive.transaction() as session:
                outlet = self._outlet(session, item.outlet_code)
                document = Document(
                    sha256=digest, filename=filename, media_type=info.media_type, size=path.stat().st_size,
                    source=item.source, source_ref=item.source_ref, outlet=outlet,
                    status=DocumentStatus.RECEIVED, page_count=len(jobs),
                )
                session.add(document)
                session.flush()
                document_id = document.id
                session.add(IntakeRecord(
                    source=item.source, source_ref=item.source_ref, filename=filename, sha256=digest,
                    size=document.size, outlet_code=item.outlet_code, outcome=IntakeOutcome.PENDING,
                    document_id=document_id,
                ))
                audit.record(session, actor=self.actor, action="document.received", object_type="document",
                             object_id=document_id, document_id=document_id, source=item.source,
                             filename=filename, sha256=digest)
        self.progress("intake", {"file": item.path, "pages": len(jobs)})
        return _InFlight(document_id=document_id, item=item, sha256=digest, jobs=jobs, text_layer_pdf=text_layer)

    def _quarantine(self, item: IntakeItem, path: Path, filename: str, digest: str | None, reason: str,
                    message: str) -> FileOutcome:
        q = quarantine_file(
            self.settings.quarantine_dir, path, reason=reason, message=message, filename=filename,
            extra={"sha256": digest or "", "source_kind": item.source, "outlet": item.outlet_code or ""},
        )
        outcome = FileOutcome(item, IntakeOutcome.QUARANTINED, reason=reason, message=message,
                              quarantine_path=q.path)
        self._ledger(item, outcome, filename=filename, sha256=digest)
        return outcome

    def _ledger(self, item: IntakeItem, outcome: FileOutcome, *, filename: str, sha256: str | None = None) -> None:
        size = None
        try:
            size = Path(item.path).stat().st_size
        except OSError:
            pass
        with self.archive.transaction() as session:
            session.add(IntakeRecord(
                source=item.source, source_ref=item.source_ref, filename=filename, sha256=sha256, size=size,
                outlet_code=item.outlet_code, outcome=outcome.outcome, reason=outcome.reason,
                message=outcome.message, quarantine_path=outcome.quarantine_path,
                document_id=outcome.document_id,
            ))

    @staticmethod
    def _outlet(session: Session, code: str | None) -> Outlet | None:
        if not code:
            return None
        outlet = session.scalar(select(Outlet).where(Outlet.code == code))
        if outlet is None:
            outlet = Outlet(code=code)
            session.add(outlet)
        return outlet

    # -- steps 3-5: analyse, commit, index ----------------------------------------------------------
    def _finish(self, flight: _InFlight) -> FileOutcome:
        results = [flight.results[j.index] for j in flight.jobs]
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures and len(failures) == len(results):
            return self._fail_document(flight, failures[0])
        pages = [(read_or_failed(job, r), None if isinstance(r, BaseException) else r)
                 for job, r in zip(flight.jobs, results, strict=True)]
        # The same analysis as `extract` (archive/reading.py). What the archive learned from its own
        # verified documents goes in here, and only here: `memory=` (a file outside an archive has none).
        extraction = self.reader.analyse(
            [p for p, _ in pages], hints={k: v for k, v in flight.item.hints.items() if not k.startswith("_")},
        ).extraction
        outcome = self._commit(flight, pages, extraction)
        if self.index:
            index_documents(self.archive, [flight.document_id])
        return outcome

    def _fail_document(self, flight: _InFlight, exc: BaseException) -> FileOutcome:
        """No page could be read: quarantine a copy, and drop the received row (the blob stays)."""
        reason = getattr(exc, "reason", "read_failed")
        message = str(exc) or type(exc).__name__
        blob = self.archive.blobs.path(self.archive.blobs.original_key(flight.sha256))
        filename = flight.item.filename or Path(flight.item.path).name
        q = quarantine_file(self.settings.quarantine_dir, blob, reason=reason, message=message, filename=filename,
                            extra={"sha256": flight.sha256, "source": flight.item.path})
        with self.archive.transaction() as session:
            document = session.get(Document, flight.document_id)
            if document is not None:
                session.delete(document)
            for rec in session.scalars(select(IntakeRecord).where(IntakeRecord.document_id == flight.document_id)):
                rec.outcome = IntakeOutcome.QUARANTINED
                rec.reason = reason
                rec.message = message
                rec.quarantine_path = q.path
                rec.document_id = None
        return FileOutcome(flight.item, IntakeOutcome.QUARANTINED, reason=reason, message=message,
                           quarantine_path=q.path)

    def _searchable_pdf(self, flight: _InFlight, results: list[PageResult | None]) -> str | None:
        if flight.text_layer_pdf:
            return flight.text_layer_pdf
        page_pdfs = [r.page_pdf for r in results if r is not None and r.page_pdf]
        if not page_pdfs or len(page_pdfs) != len(results):
            return None
        out = self.archive.blobs.derived_dir(flight.sha256) / "searchable.pdf"
        merge_pdfs(page_pdfs, str(out))
        return self.archive.blobs.key_of(out)

    def _commit(self, flight: _InFlight, pages: list[tuple[PageText, PageResult | None]],
                extraction: Extraction) -> FileOutcome:
        blobs = self.archive.blobs
        searchable = self._searchable_pdf(flight, [r for _, r in pages])
        with self.archive.transaction() as session:
            document = session.get(Document, flight.document_id)
            if document is None:  # removed while we were reading
                return FileOutcome(flight.item, IntakeOutcome.FAILED, reason="vanished",
                                   message="the document was deleted during processing")
            document.pages.clear()
            document.fields.clear()
            session.flush()
            for page, result in pages:
                document.pages.append(Page(
                    number=page.number, width=page.width, height=page.height, text_source=page.source.value,
                    rotation=page.rotation, skew=page.skew, mean_confidence=round(page.mean_confidence, 4),
                    text=page.text, words=[_word_row(w) for w in page.words],
                    image=blobs.key_of(result.cleaned_image) if result and result.cleaned_image else None,
                    thumbnail=blobs.key_of(result.thumbnail) if result and result.thumbnail else None,
                    error=page.error,
                ))
            for fv in extraction.fields.values():
                document.fields.append(Field(
                    name=fv.name, value=fv.value, confidence=round(fv.confidence, 4), page=fv.page,
                    box=list(fv.box) if fv.box else None, raw=fv.raw,
                    source=FieldSource.HINT if fv.name in flight.item.hints else FieldSource.EXTRACTED,
                    extracted_value=fv.value,
                ))
            problems = [
                {"code": p.code, "message": p.message, "fields": list(p.fields), "severity": p.severity}
                for p in extraction.problems
            ]
            page_errors = [page.error for page, _ in pages if page.error]
            problems += [{"code": "page_unreadable", "message": e, "fields": [], "severity": "error"}
                         for e in page_errors]
            apply_extraction(document, extraction)
            document.problems = problems
            document.page_count = len(pages)
            document.searchable_pdf = searchable
            document.processed_at = utcnow()
            document.status = (
                DocumentStatus.NEEDS_REVIEW if extraction.needs_review or page_errors else DocumentStatus.PROCESSED
            )
            session.flush()
            for hook in self.commit_hooks:
                hook(session, document, self)
            for rec in session.scalars(select(IntakeRecord).where(IntakeRecord.document_id == document.id)):
                rec.outcome = IntakeOutcome.ARCHIVED
            audit.record(session, actor=self.actor, action="document.processed", object_type="document",
                         object_id=document.id, document_id=document.id, new=document.status,
                         doc_type=document.doc_type, confidence=round(extraction.confidence, 3),
                         fields=len(extraction.fields), problems=len(problems))
            return FileOutcome(flight.item, IntakeOutcome.ARCHIVED, document_id=document.id,
                               status=document.status, doc_type=document.doc_type, pages=len(pages))


def _word_row(w: OcrWord) -> list[Any]:
    return [w.text, round(w.confidence, 3), *w.box, w.line, w.block]


def word_of(row: list[Any]) -> OcrWord:
    """The inverse of the JSON row stored in Page.words."""
    text, conf, x0, y0, x1, y1, line, block = row
    return OcrWord(text=text, confidence=conf, box=(x0, y0, x1, y1), line=line, block=block)


def page_text_of(page: Page) -> PageText:
    """A stored page as the classify package reads it (for re-extraction and training)."""
    return PageText(number=page.number, width=page.width, height=page.height,
                    words=tuple(word_of(r) for r in page.words or []), source=TextSource(page.text_source),
                    rotation=page.rotation, skew=page.skew, error=page.error)


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_money(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def apply_extraction(document: Document, extraction: Extraction) -> None:
    """Copy the key fields onto the document's own columns (for listing, filters and linking)."""
    values = extraction.values()
    document.doc_type = extraction.doc_type
    document.doc_type_confidence = round(extraction.confidence, 4)
    refresh_key_fields(document, values)


def refresh_key_fields(document: Document, values: dict[str, str]) -> None:
    document.number = values.get("number")
    document.doc_date = _parse_date(values.get("date"))
    document.total = _parse_money(values.get("total"))
    document.currency = values.get("currency")
    document.order_no = values.get("order_no")
    document.seller_inn = values.get("seller_inn")
    document.buyer_inn = values.get("buyer_inn")


def expect_paper_original(session: Session, document: Document, pipeline: Pipeline) -> None:
    expect_original(session, document, pipeline.settings, actor=pipeline.actor)


def link_to_orders(session: Session, document: Document, pipeline: Pipeline) -> None:
    auto_link(session, document, actor=pipeline.actor, settings=pipeline.settings)


# Hooks run inside the commit transaction, in this order, with (session, document, pipeline).
COMMIT_HOOKS: list[Callable[[Session, Document, Pipeline], None]] = [expect_paper_original, link_to_orders]
