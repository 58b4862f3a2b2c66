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

import contextlib
import dataclasses
import datetime as dt
import errno
import fcntl
import functools
import getpass
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import audit
from archive._failpoints import failpoint
from archive.blobs import sha256_file
from archive.counts import FoldWatch
from archive.indexing import index_documents, index_documents_soon, index_missing, reindex
from archive.orders import auto_link
from archive.originals import expect_original
from archive.reconcile import link_copies
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
from archive.quarantine import quarantine_file, russian_first
from archive.routes import route_committed
from archive.reading import Reader, ReadingSettings, inspect_with, plan_file, read_or_failed
from capture import CaptureError, PageJob, PageResult, merge_pdfs, read_page, stages
from capture._files import entry_problem
from capture.executor import FileTimeoutError, JobTimeoutError, SerialExecutor, TimeLimited
from capture.stages import stage
from capture.types import OcrWord, PageText, TextSource
from classify.types import Extraction
from finarchive.errors import ArchiveBusyError, DiskFullError, IntakeStoppedError
from finarchive.names import printable

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from archive.learning import MemoryCache
    from classify.learned import SupplierMemory

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
    refused: tuple[str, str] | None = None  # (reason, message): its source refused it (a ZIP's bad member)


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
                {"file": printable(o.item.path), "source": printable(o.item.source_ref or o.item.path),
                 "outcome": o.outcome.value, "reason": o.reason,
                 "message": None if o.message is None else printable(o.message),
                 "quarantine": None if o.quarantine_path is None else printable(o.quarantine_path)}
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
    lock: int | None = None  # fd of the document's lock file, held while its pages are read

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.jobs)

    @property
    def to_read(self) -> list[PageJob]:
        """The page jobs without a result yet (a resumed document's checkpointed pages are not read again)."""
        return [j for j in self.jobs if j.index not in self.results]

    def release(self) -> None:
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


# A file's pages are fed to the executor in slices of this many, taking turns with the files after
# it: a document of 20,000 pages never holds back the others.
FEED_SLICE = 8
FEEDING_AT_ONCE = 3  # files whose pages are being fed at the same time
LOCK_NAME = ".reading.lock"
CHECKPOINT = "page-{n}.result.json"  # one page's reading, kept until its document is committed
INDEX_PENDING = "index-pending"  # folder in the home: one empty file per document committed, not indexed yet


# Reasons that say nothing is wrong with the file itself: it is listed, not copied to the quarantine, and
# a later run takes it (a file still being written; one this process may not read).
LISTED_ONLY: frozenset[str] = frozenset({"changing", "unreadable"})


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_disk_full(exc: BaseException) -> bool:
    """``exc`` (or what caused it) says a disk or quota is full."""
    for current in _chain(exc):
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(current).lower()
        if "database or disk is full" in text or "no space left on device" in text:
            return True  # SQLite's error (through SQLAlchemy or the search index), or an errno lost on the way
    return False


def is_database_locked(exc: BaseException) -> bool:
    """``exc`` (or what caused it) is SQLite's "database is locked" after its busy timeout (another process
    holds a write lock), or PostgreSQL's lock timeout: the archive's state, not the file's."""
    for current in _chain(exc):
        text = str(current).lower()
        if "database is locked" in text or "database table is locked" in text or "lock timeout" in text:
            return True
    return False


def stops_intake(exc: BaseException) -> bool:
    """``exc`` stops intake as a whole instead of failing one file: a full disk or a database held locked."""
    return is_disk_full(exc) or is_database_locked(exc)


def intake_stop(exc: BaseException) -> IntakeStoppedError:
    """The error that stops intake for ``exc`` (one :func:`stops_intake` said yes to)."""
    if not is_disk_full(exc):
        return ArchiveBusyError(
            "База данных занята: приём файлов остановлен, ничего не потеряно; запустите импорт снова / "
            "the database stayed locked by another process (a long backup, a query left open) past its "
            "busy timeout: intake stopped, no file was quarantined and nothing taken in is lost; run the "
            "import again when it is free (documents already received are finished then)")
    return disk_full(exc)


def disk_full(exc: BaseException) -> DiskFullError:
    where = getattr(exc, "filename", None) or ""
    return DiskFullError(
        "Диск заполнен: приём файлов остановлен, ничего не потеряно; освободите место и запустите импорт снова / "
        f"no space left on the device{f' ({where})' if where else ''}: intake stopped, nothing taken in is lost; "
        "free some space and run the import again (documents already received are finished then)")


_OWN_PACKAGES = frozenset({"archive", "capture", "classify", "search", "finarchive", "web", "cli"})


def failure_reason(exc: BaseException) -> str:
    """The quarantine reason for an exception raised while taking in or reading one file."""
    reason = getattr(exc, "reason", None)
    # only our own errors' reasons: a UnicodeError's or an SSLError's `reason` is a sentence, not a code
    if isinstance(reason, str) and reason and type(exc).__module__.partition(".")[0] in _OWN_PACKAGES:
        return reason
    if isinstance(exc, MemoryError):
        return "oversized"
    if isinstance(exc, OSError):
        return "unreadable"
    return "read_failed"


def failure_message(exc: BaseException) -> str:
    """What went wrong, Russian first (:func:`russian_first` by the exception's reason)."""
    text = str(exc)
    if isinstance(exc, CaptureError):
        message = text or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    path = getattr(exc, "path", None)
    name = os.path.basename(os.fspath(path)) if isinstance(path, str | os.PathLike) else ""
    return russian_first(failure_reason(exc), message, name)


def _named_as_given(message: str, item: IntakeItem, filename: str) -> str:
    """``message`` speaking of the file by the name it was given (a ZIP's or a mail's member, unpacked under a
    work name such as ``0001.pdf``), not by the name of its unpacked copy."""
    work_name = Path(item.path).name
    return message.replace(work_name, filename) if work_name and filename and work_name != filename else message


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on ``path`` (released when the fd is closed or the process dies), or None when
    another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _checkpoint_path(derived_dir: str | None, index: int) -> Path | None:
    return Path(derived_dir) / CHECKPOINT.format(n=index + 1) if derived_dir else None


def save_checkpoint(result: PageResult) -> None:
    """Keep one page's reading beside its derived files, so a resumed document reads only what is missing."""
    path = _checkpoint_path(result.job.derived_dir, result.job.index)
    if path is None:
        return
    page = result.page
    data = {
        "page": {"number": page.number, "width": page.width, "height": page.height, "source": page.source.value,
                 "rotation": page.rotation, "skew": page.skew, "error": page.error,
                 "words": [_word_row(w) for w in page.words], "codes": list(page.codes)},
        "cleaned_image": result.cleaned_image, "thumbnail": result.thumbnail, "page_pdf": result.page_pdf,
        "seconds": result.seconds,
    }
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def load_checkpoint(job: PageJob) -> PageResult | None:
    """A page read before a crash, when its checkpoint and every derived file it names are still there."""
    path = _checkpoint_path(job.derived_dir, job.index)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw = data["page"]
        files = [data.get(k) for k in ("cleaned_image", "thumbnail", "page_pdf")]
        if any(f and not os.path.isfile(f) for f in files):
            return None
        page = PageText(number=int(raw["number"]), width=int(raw["width"]), height=int(raw["height"]),
                        words=tuple(word_of(r) for r in raw["words"]), source=TextSource(raw["source"]),
                        rotation=int(raw["rotation"]), skew=float(raw["skew"]), error=raw.get("error"),
                        codes=tuple(str(c) for c in raw["codes"]))  # none: read before QR, read again
        return PageResult(job=job, page=page, cleaned_image=files[0], thumbnail=files[1], page_pdf=files[2],
                          seconds=float(data.get("seconds", 0.0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged checkpoint: the page is read again


def quarantined_before(session: Session, *, source: str, source_ref: str | None, quarantine_path: str | None,
                       reason: str | None) -> bool:
    """The ledger lists this file (source and reference) quarantined into this entry for this reason."""
    def same(column: Any, value: str | None) -> Any:
        return column.is_(None) if value is None else column == printable(value)

    return session.scalar(select(IntakeRecord.id).where(
        IntakeRecord.source == source, same(IntakeRecord.source_ref, source_ref),
        IntakeRecord.outcome == IntakeOutcome.QUARANTINED, same(IntakeRecord.quarantine_path, quarantine_path),
        same(IntakeRecord.reason, reason)).limit(1)) is not None


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "system"


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files given, and every entry under folders given (recursive, sorted, dot-files skipped).

    Folders are walked without following symlinks; every entry that is not a folder is yielded, symlinks,
    FIFOs and sockets included, for :meth:`Pipeline.run` to list with their reason (they are never opened).
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not path.is_symlink():
            unlisted: list[OSError] = []  # folders we may not list (permission denied): listed, not skipped
            for dirpath, dirnames, filenames in os.walk(path, onerror=unlisted.append):
                yield from (Path(err.filename) for err in unlisted if err.filename)
                unlisted.clear()
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                folder = Path(dirpath)
                for name in sorted(filenames + [d for d in dirnames if (folder / d).is_symlink()]):
                    if not name.startswith("."):
                        yield folder / name
                dirnames[:] = [d for d in dirnames if not (folder / d).is_symlink()]
            yield from (Path(err.filename) for err in unlisted if err.filename)
        else:
            yield path


class Pipeline:
    """Runs the steps over files from any source. One per archive and executor."""

    def __init__(
        self,
        archive,
        executor=None,
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
        self.count_folds = FoldWatch()  # folds the counts' rows its commits leave, once they pile up
        self._memory_cache: MemoryCache | None = None
        # The steps a commit runs inside its transaction after the document's own rows; orders and
        # originals register here (see archive/orders.py, archive/originals.py).
        self.commit_hooks: list[Callable[[Session, Document, Pipeline], None]] = list(COMMIT_HOOKS)
        # where a file is inspected and its pages planned (sniffing, opening a PDF, counting pages): one child
        # process, killed when stuck past page_seconds, as a page's reading is (see limited)
        self._inspector: SerialExecutor | None = None

    # -- public ---------------------------------------------------------------------------------
    def run(self, items: Iterable[IntakeItem]) -> ImportSummary:
        """Take every item in: intake, read pages in parallel, analyse, commit, index."""
        started = time.monotonic()
        stages.charge_start_up()
        summary = ImportSummary()
        executor = self.executor or self._default_executor()
        own_executor = self.executor is None
        try:
            with stage("pipeline, other"):
                try:
                    self._drive(iter(items), executor, summary)
                finally:
                    if own_executor:
                        executor.close()
                    self.close()
                    self._flush_index()
        finally:
            stages.flush("run")
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
        """Finish every document a crash left in ``received`` (each from its first unread page), and index
        committed documents a crash left out of the search index."""
        return self.run(self.resume_items())

    def resume_items(self) -> list[IntakeItem]:
        """The documents a crash left in ``received`` and no other process is reading, as items to run
        (before or among new files); the search index is put right first (:meth:`recover_index`)."""
        removed = self.archive.blobs.clean_incoming()
        if removed:
            log.info("removed %d half-written blobs a crash left in %s", len(removed), removed[0].parent)
        self.recover_index()
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
            if not self._being_read(sha)
        ]
        return items

    def _being_read(self, sha256: str) -> bool:
        """Another process holds the document's reading lock (a second import running at the same time)."""
        lock = self.archive.blobs.path(self.archive.blobs.derived_key(sha256)) / LOCK_NAME
        if not lock.exists():
            return False
        fd = _try_lock(lock)
        if fd is None:
            return True
        os.close(fd)
        return False

    # -- the search index after a crash --------------------------------------------------------------
    @property
    def _index_pending_dir(self) -> Path:
        return Path(self.settings.home) / INDEX_PENDING

    def _mark_unindexed(self, document_id: int) -> None:
        folder = self._index_pending_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / str(document_id)).touch()

    def _index(self, document_id: int) -> None:
        """Index a committed document, searchable within a second; its mark goes once the search index
        has committed it (one search commit a second for a whole batch). A failure, or a kill before that
        commit, leaves the mark for :meth:`recover_index` to redo."""
        mark = self._index_pending_dir / str(document_id)
        try:
            index_documents_soon(self.archive, [document_id], lambda: mark.unlink(missing_ok=True))
        except Exception as exc:  # the commit stands; the next start-up indexes it
            if stops_intake(exc):
                raise intake_stop(exc) from exc
            log.warning("document %s committed but not indexed (%s); indexed at the next start", document_id, exc)

    def _flush_index(self) -> None:
        """The end of a run: what the search index holds back is committed before the run returns."""
        if not self.index or "search" not in self.archive.__dict__:  # no document given to the index
            return
        try:
            self.archive.search.flush()
        except Exception as exc:
            if stops_intake(exc):
                raise intake_stop(exc) from exc
            log.warning("the last documents are committed but not indexed (%s); indexed at the next start", exc)

    def recover_index(self) -> int:
        """Index the committed documents a kill between commit and search commit left out of the search
        index (marked in ``index-pending/``) and any other the index lacks when it holds fewer documents
        than the database (found by comparing ids); an empty or unreadable index is rebuilt. Returns how
        many documents were indexed."""
        if not self.index:
            return 0
        try:
            return self._recover_index()
        except Exception as exc:
            if stops_intake(exc):
                raise intake_stop(exc) from exc
            raise

    def _recover_index(self) -> int:
        with self.archive.sessions() as session:
            committed = session.scalar(select(func.count()).select_from(Document)
                                       .where(Document.status != DocumentStatus.RECEIVED)) or 0
        try:
            indexed = self.archive.search.count()
        except Exception:  # an index that cannot even count is rebuilt
            indexed = -1
        folder = self._index_pending_dir
        marks = sorted(folder.iterdir()) if folder.is_dir() else []
        marked = [int(m.name) for m in marks if m.name.isdigit()]
        if indexed < 0 or indexed == 0 < committed:  # an empty or unreadable index: rebuilt whole
            count = reindex(self.archive)
        elif indexed < committed:  # some documents missing (a kill before a search commit): those only
            count = index_missing(self.archive, also=marked)
        else:
            if marked:
                index_documents(self.archive, marked)
            count = len(marked)
        if count:
            self.progress("reindexed", {"documents": count})
        self._clear_committed_checkpoints(marked)
        for mark in marks:
            mark.unlink(missing_ok=True)
        return count

    def _clear_committed_checkpoints(self, ids: list[int]) -> None:
        """Page checkpoints of documents a kill caught after their commit: read and stored, not needed."""
        with self.archive.sessions() as session:
            shas = session.scalars(select(Document.sha256).where(
                Document.id.in_(ids), Document.status != DocumentStatus.RECEIVED)).all()
        for sha in shas:
            folder = self.archive.blobs.path(self.archive.blobs.derived_key(sha))
            if folder.is_dir():
                for path in folder.glob(CHECKPOINT.format(n="*")):
                    path.unlink(missing_ok=True)

    # -- the loop ---------------------------------------------------------------------------------
    def _default_executor(self):
        from capture import PoolExecutor

        return PoolExecutor(self.settings.workers, languages=self.settings.languages)

    def _drive(self, items: Iterator[IntakeItem], executor, summary: ImportSummary) -> None:
        """Feed the executor lazily: a file is taken in only when its pages are about to be read, and the
        pages of a few files are fed in turns, so a huge document never holds back the files after it.

        This is the one boundary for per-file failures: whatever one file (or one of its pages) raises
        becomes that file's outcome (quarantined with its reason), and the batch goes on. Only a full
        disk stops it (:class:`DiskFullError`): documents in flight stay ``received`` for the next run.
        """
        flights: dict[tuple[str, int], _InFlight] = {}
        feeding: deque[tuple[_InFlight, list[PageJob]]] = deque()
        read = TimeLimited(read_page, self.settings.page_seconds)

        def page_jobs() -> Iterator[PageJob]:
            more = True
            while more or feeding:
                if more and len(feeding) < FEEDING_AT_ONCE:
                    item = next(items, None)
                    if item is None:
                        more = False
                        continue
                    with stage("intake"):
                        flight = self._intake(item, summary)
                    if flight is None:
                        continue
                    if flight.complete:  # every page was read before a crash
                        self._settle(flight, summary)
                        continue
                    feeding.append((flight, flight.to_read))
                    continue
                flight, jobs = feeding.popleft()
                part, rest = jobs[:FEED_SLICE], jobs[FEED_SLICE:]
                if rest:
                    feeding.append((flight, rest))
                for job in part:
                    flights[(job.path, job.index)] = flight
                    yield job

        try:
            for job, result in executor.map_unordered(read, page_jobs()):
                flight = flights.pop((job.path, job.index))
                if isinstance(result, BaseException) and stops_intake(result):
                    raise intake_stop(result) from result
                if isinstance(result, PageResult):
                    try:
                        with stage("checkpoint"):
                            save_checkpoint(result)
                    except OSError as exc:
                        if stops_intake(exc):
                            raise intake_stop(exc) from exc
                flight.results[job.index] = result
                failpoint("page_read")
                self.progress("page", {"file": flight.item.path, "page": job.index + 1})
                if flight.complete:
                    self._settle(flight, summary)
        finally:
            for flight in {id(f): f for f in flights.values()}.values():
                flight.release()
            for flight, _ in feeding:
                flight.release()

    def _settle(self, flight: _InFlight, summary: ImportSummary) -> None:
        """Analyse, commit and index a document whose pages are all read; a failure quarantines the file."""
        try:
            try:
                outcome = self._finish(flight)
            except IntakeStoppedError:
                raise
            except Exception as exc:  # the per-file boundary: one document never stops a batch
                if stops_intake(exc):
                    raise intake_stop(exc) from exc
                log.exception("document %s (%s) failed after reading", flight.document_id, flight.item.path)
                outcome = self._fail_document(flight, exc)
        finally:
            flight.release()
        self._clear_checkpoints(flight)
        summary.add(outcome)
        self._done(outcome)
        stages.flush("document")

    @staticmethod
    def _clear_checkpoints(flight: _InFlight) -> None:
        for job in flight.jobs:
            path = _checkpoint_path(job.derived_dir, job.index)
            if path is not None:
                path.unlink(missing_ok=True)

    def _done(self, outcome: FileOutcome) -> None:
        self.progress("file", {"outcome": outcome})
        if outcome.item.on_done is not None:
            outcome.item.on_done(outcome)

    # -- step 1: intake ---------------------------------------------------------------------------
    def _intake(self, item: IntakeItem, summary: ImportSummary) -> _InFlight | None:
        """Take one file in; whatever goes wrong becomes its outcome (listed, quarantined), never a stop."""
        try:
            flight, outcome = self._take_in(item)
        except IntakeStoppedError:
            raise
        except Exception as exc:  # the per-file boundary
            if stops_intake(exc):
                raise intake_stop(exc) from exc
            if not isinstance(exc, CaptureError | OSError):
                log.exception("taking in %s failed", item.path)
            outcome = self._contain(item, exc)
        if outcome is not None:
            summary.add(outcome)
            self._done(outcome)
        return flight if outcome is None else None

    def _contain(self, item: IntakeItem, exc: BaseException) -> FileOutcome:
        """The outcome of a file whose intake raised: a quarantined copy with the reason, or, when even the
        copy fails (an unreadable file), a listed failure. Never raises but for a full disk."""
        path = Path(item.path)
        filename = item.filename or path.name
        reason, message = failure_reason(exc), failure_message(exc)
        try:
            if reason not in LISTED_ONLY and entry_problem(path) is None:
                return self._quarantine(item, path, filename, None, reason, message)
        except Exception as again:  # the copy failed too: list it
            if stops_intake(again):
                raise intake_stop(again) from again
            message = f"{message}; its copy to the quarantine failed too: {failure_message(again)}"
        outcome = FileOutcome(item, IntakeOutcome.FAILED, reason=reason, message=message)
        try:
            self._ledger(item, outcome, filename=filename)
        except Exception as again:  # listed in the summary all the same
            if stops_intake(again):
                raise intake_stop(again) from again
        return outcome

    def _take_in(self, item: IntakeItem) -> tuple[_InFlight | None, FileOutcome | None]:
        path = Path(item.path)
        filename = item.filename or path.name
        resume_id = item.hints.get("_resume_document")
        problem = entry_problem(path)
        if problem is not None:  # a symlink, FIFO, socket or device is listed, never opened
            reason, message = problem
            outcome = FileOutcome(item, IntakeOutcome.FAILED, reason=reason, message=message)
            self._ledger(item, outcome, filename=filename)
            return None, outcome
        if item.refused is not None:  # its source could not give it whole: quarantined as it is, with the reason
            # the source's own message already names the member as the user gave it («day.zip!torn.pdf»)
            return None, self._quarantine(item, path, filename, None, *item.refused, renamed=False)
        digest = sha256_file(path)

        if resume_id is None:
            existing = self._existing(digest)
            if existing is not None:
                return None, self._duplicate(item, filename, digest, existing)

        try:
            info = self.limited(functools.partial(inspect_with, self.reader.settings), str(path))
        except CaptureError as exc:
            return None, self._quarantine(item, path, filename, digest, exc.reason, str(exc))

        blobs = self.archive.blobs
        _, key = blobs.put_file(path, digest)
        derived = blobs.derived_dir(digest)
        lock = _try_lock(derived / LOCK_NAME)
        if lock is None:  # another import is reading this very content now
            existing = self._existing(digest)
            return None, self._duplicate(item, filename, digest, existing)
        try:
            jobs = self.limited(functools.partial(plan_file, settings=self.reader.settings, derived_dir=str(derived)),
                                 dataclasses.replace(info, path=str(blobs.path(key))))
            text_layer = (key if info.media_type == "application/pdf" and jobs and all(j.has_text_layer for j in jobs)
                          else None)

            results: dict[int, PageResult | BaseException] = {}
            if resume_id is not None:
                document_id = int(resume_id)
                for job in jobs:  # pages read before the crash are not read again
                    done = load_checkpoint(job)
                    if done is not None:
                        results[job.index] = done
            else:
                document_id_or_none = self._receive(item, filename, digest, info.media_type, path.stat().st_size,
                                                    len(jobs))
                if document_id_or_none is None:  # the same content was received by another import just now
                    os.close(lock)
                    return None, self._duplicate(item, filename, digest, self._existing(digest))
                document_id = document_id_or_none
                failpoint("received")
        except BaseException:
            os.close(lock)
            raise
        self.progress("intake", {"file": item.path, "pages": len(jobs) - len(results)})
        return _InFlight(document_id=document_id, item=item, sha256=digest, jobs=jobs, text_layer_pdf=text_layer,
                         results=results, lock=lock), None

    def close(self) -> None:
        """Stop the inspection child (each run does at its end; one is started again when needed)."""
        if self._inspector is not None:
            self._inspector.close()
            self._inspector = None

    def limited(self, fn: Callable[[Any], Any], arg: Any, *, progressive: bool = False) -> Any:
        """``fn(arg)`` for one file's inspection, under ``page_seconds`` enforced from outside: in a child process
        killed when stuck (a malicious PDF that pdfium's open, or a decoder, never returns from), so this process
        and the batch go on. A time-out is :class:`FileTimeoutError`: the file is quarantined ``timeout``.
        ``progressive``: ``page_seconds`` without progress (a file split page after page, capture/executor.py)."""
        if self._inspector is None:
            self._inspector = SerialExecutor(languages=self.settings.languages)
        try:
            return self._inspector.call(fn, arg, self.settings.page_seconds, progressive=progressive)
        except FileTimeoutError:
            raise
        except JobTimeoutError as exc:
            raise FileTimeoutError(f"{exc} (inspecting the file)") from exc

    def _existing(self, digest: str) -> int | None:
        with self.archive.sessions() as session:
            return session.scalar(select(Document.id).where(Document.sha256 == digest))

    def _duplicate(self, item: IntakeItem, filename: str, digest: str, existing: int | None) -> FileOutcome:
        where = (f"already archived as document {existing}" if existing is not None
                 else "being taken in by another import")
        outcome = FileOutcome(item, IntakeOutcome.DUPLICATE, document_id=existing, reason="duplicate", message=where)
        self._ledger(item, outcome, filename=filename, sha256=digest)
        return outcome

    def _receive(self, item: IntakeItem, filename: str, digest: str, media_type: str, size: int,
                 pages: int, *, retry: bool = True) -> int | None:
        """The new Document(received) and its intake record, committed; None when a concurrent import
        committed the same content first (the unique SHA-256 says so)."""
        try:
            with self.archive.transaction() as session:
                outlet = self._outlet(session, item.outlet_code)
                document = Document(
                    sha256=digest, filename=filename, media_type=media_type, size=size,
                    source=item.source, source_ref=item.source_ref, outlet=outlet,
                    status=DocumentStatus.RECEIVED, page_count=pages,
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
        except IntegrityError:
            if self._existing(digest) is not None:
                return None
            if retry:  # another import created the same outlet at the same moment: it exists now
                return self._receive(item, filename, digest, media_type, size, pages, retry=False)
            raise
        return document_id

    def _quarantine(self, item: IntakeItem, path: Path, filename: str, digest: str | None, reason: str,
                    message: str, *, renamed: bool = True) -> FileOutcome:
        if renamed:
            message = _named_as_given(message, item, filename)
        q = quarantine_file(
            self.settings.quarantine_dir, path, reason=reason, message=message, filename=filename,
            extra={"sha256": digest or "", "source_kind": item.source, "outlet": item.outlet_code or "",
                   "source_ref": printable(item.source_ref or "")},
        )
        outcome = FileOutcome(item, IntakeOutcome.QUARANTINED, reason=reason, message=q.message,
                              quarantine_path=q.path)
        self._ledger(item, outcome, filename=filename, sha256=digest, once=q.again)
        return outcome

    def _ledger(self, item: IntakeItem, outcome: FileOutcome, *, filename: str, sha256: str | None = None,
                once: bool = False) -> None:
        """The item's ledger row; with ``once``, none when the ledger has this outcome for it already (a
        file quarantined again into its earlier entry: one entry, one row)."""
        size = None
        with contextlib.suppress(OSError):
            size = Path(item.path).stat().st_size
        with self.archive.transaction() as session:
            if once and quarantined_before(session, source=item.source, source_ref=item.source_ref,
                                           quarantine_path=outcome.quarantine_path, reason=outcome.reason):
                return
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
        failures = [r for r in results if isinstance(r, BaseException) or r.page.error]
        if failures and len(failures) == len(results):  # not one page could be read: a damaged file
            return self._fail_document(flight, _page_failure(failures[0]))
        pages = [(read_or_failed(job, r), None if isinstance(r, BaseException) else r)
                 for job, r in zip(flight.jobs, results, strict=True)]
        # The same analysis as `extract` (archive/reading.py). What the archive learned from its own
        # verified documents goes in here, and only here: `memory=` (a file outside an archive has none).
        with stage("classification"):
            extraction = self.reader.analyse(
                [p for p, _ in pages], hints={k: v for k, v in flight.item.hints.items() if not k.startswith("_")},
                memory=self._memory(), jobs=flight.jobs,
            ).extraction
        with stage("commit"):
            if self.index:
                self._mark_unindexed(flight.document_id)  # removed once indexed; a kill in between is seen at start
            outcome = self._commit(flight, pages, extraction)
        self._clear_checkpoints(flight)  # a kill before this is seen by its index mark (recover_index)
        failpoint("committed")
        if self.index and outcome.outcome == IntakeOutcome.ARCHIVED:
            with stage("index"):
                self._index(flight.document_id)
            failpoint("indexed")
        return outcome

    def _memory(self) -> SupplierMemory:
        """The supplier memory as verified documents left it, read again when a lesson changed."""
        from archive.learning import MemoryCache

        if self._memory_cache is None:
            self._memory_cache = MemoryCache()
        with self.archive.sessions() as session:
            return self._memory_cache.get(session)

    def _fail_document(self, flight: _InFlight, exc: BaseException) -> FileOutcome:
        """No page could be read (or the document failed after reading): quarantine a copy, and drop the
        received row (the blob stays)."""
        reason, message = failure_reason(exc), failure_message(exc)
        blob = self.archive.blobs.path(self.archive.blobs.original_key(flight.sha256))
        filename = flight.item.filename or Path(flight.item.path).name
        message = _named_as_given(message, flight.item, filename)
        q = quarantine_file(self.settings.quarantine_dir, blob, reason=reason, message=message, filename=filename,
                            extra={"sha256": flight.sha256, "source": flight.item.path})
        with self.archive.transaction() as session:
            # its ledger rows before the document goes: deleting it sets their document_id to NULL
            records = list(session.scalars(select(IntakeRecord).where(IntakeRecord.document_id == flight.document_id)))
            document = session.get(Document, flight.document_id)
            if document is not None:
                session.delete(document)
            again = q.again and quarantined_before(session, source=flight.item.source,
                                                   source_ref=flight.item.source_ref, quarantine_path=q.path,
                                                   reason=reason)
            for rec in records:
                rec.document_id = None
                if rec.outcome == IntakeOutcome.PENDING and again:  # listed in that entry already: one row
                    session.delete(rec)
                elif rec.outcome == IntakeOutcome.PENDING:  # its own row, not a concurrent duplicate's
                    rec.outcome = IntakeOutcome.QUARANTINED
                    rec.reason = reason
                    rec.message = q.message
                    rec.quarantine_path = q.path
        return FileOutcome(flight.item, IntakeOutcome.QUARANTINED, reason=reason, message=q.message,
                           quarantine_path=q.path)

    def _searchable_pdf(self, flight: _InFlight, results: list[PageResult | None]) -> str | None:
        if flight.text_layer_pdf:
            return flight.text_layer_pdf
        page_pdfs = [r.page_pdf for r in results if r is not None and r.page_pdf]
        if not page_pdfs or len(page_pdfs) != len(results):
            return None
        out = self.archive.blobs.derived_dir(flight.sha256) / "searchable.pdf"
        with stage("derived files"):
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
                    text=page.text, words=[_word_row(w) for w in page.words], codes=list(page.codes),
                    image=blobs.key_of(result.cleaned_image) if result and result.cleaned_image else None,
                    thumbnail=blobs.key_of(result.thumbnail) if result and result.thumbnail else None,
                    error=page.error,
                ))
            for fv in extraction.fields.values():
                document.fields.append(Field(
                    name=fv.name, value=fv.value, confidence=round(fv.confidence, 4), page=fv.page,
                    box=list(fv.box) if fv.box else None, raw=fv.raw,
                    source=FieldSource.HINT if fv.name in flight.item.hints else FieldSource(fv.source),
                    extracted_value=fv.value, note=fv.note,
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
            for rec in session.scalars(select(IntakeRecord).where(  # its own row, not a duplicate's
                    IntakeRecord.document_id == document.id, IntakeRecord.outcome == IntakeOutcome.PENDING)):
                rec.outcome = IntakeOutcome.ARCHIVED
            audit.record(session, actor=self.actor, action="document.processed", object_type="document",
                         object_id=document.id, document_id=document.id, new=document.status,
                         doc_type=document.doc_type, confidence=round(extraction.confidence, 3),
                         fields=len(extraction.fields), problems=len(problems))
            return FileOutcome(flight.item, IntakeOutcome.ARCHIVED, document_id=document.id,
                               status=document.status, doc_type=document.doc_type, pages=len(pages))


class PageUnreadableError(CaptureError):
    """A page came back with its error (the reader's own, e.g. a damaged frame)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _page_failure(result: PageResult | BaseException) -> BaseException:
    """The exception that says why a page could not be read."""
    if isinstance(result, BaseException):
        return result
    error = result.page.error or "unreadable"
    code, _, text = error.partition(": ")
    if code.replace("_", "").isalnum() and code.islower() and text:
        return PageUnreadableError(text, code)
    return PageUnreadableError(error, "read_failed")


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
                    rotation=page.rotation, skew=page.skew, error=page.error, codes=tuple(page.codes or ()))


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


def check_register_sequence(session: Session, document: Document, pipeline: Pipeline) -> None:
    """A Z-report: its register's shifts checked again; a doubtful shift number goes to review."""
    from archive.zreports import flag_doubtful

    flag_doubtful(session, document, actor=pipeline.actor)


def fold_counts(session: Session, document: Document, pipeline: Pipeline) -> None:
    """The counts' rows the commits left (archive/counts.py) folded once they pile up, so that reading a
    count stays a few rows however long since the last fold; most commits look at two ids and go on."""
    pipeline.count_folds(session)


# Hooks run inside the commit transaction, in this order, with (session, document, pipeline). Routes come
# last: their conditions and messages see the document with its original, order links and review status.
COMMIT_HOOKS: list[Callable[[Session, Document, Pipeline], None]] = [
    expect_paper_original, link_to_orders, check_register_sequence, link_copies, route_committed, fold_counts]
