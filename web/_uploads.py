"""Uploads from the browser and the API: saved under the archive's home, then run through the pipeline
in a background thread, so the request returns at once with a ticket to follow."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from archive.intake import file_items, limited_pieces
from archive.models import Document, IntakeOutcome, IntakeRecord
from archive.pipeline import IntakeItem, Pipeline
from finarchive.errors import DiskFullError, InvalidInputError

CHUNK = 1024 * 1024
UPLOADS_DIR = "uploads"
log = logging.getLogger("finarchive.web")


@dataclass(frozen=True)
class UploadTicket:
    upload_id: str
    filename: str
    size: int
    sha256: str
    outlet: str | None
    state: str  # queued | duplicate
    duplicate_of: int | None = None
    status_url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def safe_filename(name: str | None) -> str:
    base = Path(name or "upload").name
    base = re.sub(r"[^\w.\- ()\[\]№]+", "_", base, flags=re.UNICODE).strip(" .") or "upload"
    return base[:200]


def default_executor_factory(workers: int) -> Callable[[], Any]:
    def make():
        from capture import PoolExecutor, SerialExecutor

        return SerialExecutor() if workers <= 1 else PoolExecutor(workers)

    return make


def _size_of(folder: Path) -> int:
    """The bytes of the files under ``folder``, while the worker may be removing a finished upload's files
    (os.walk skips a folder that vanished; a file that vanished holds nothing)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


def _remaining(stream: IO[bytes]) -> int:
    """The bytes left to read in an uploaded file (spooled by the server before the handler runs)."""
    here = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(here)
    return end - here


_SETTLED_OK = frozenset({IntakeOutcome.ARCHIVED, IntakeOutcome.DUPLICATE})


def _newest_by_ref(records: Sequence[IntakeRecord]) -> list[IntakeRecord]:
    newest: dict[str | None, IntakeRecord] = {}
    for r in records:  # oldest first: a later row for the same member (a retry) replaces the earlier
        newest[r.source_ref] = r
    return list(newest.values())


def _member(session: Any, upload_id: str, r: IntakeRecord) -> dict[str, Any]:
    """One document of a many-document upload. A duplicate's document id is not shown: it may be another
    outlet's (the ticket says as much as :func:`web._views.ticket_for` would)."""
    archived = r.outcome == "archived"
    return {"member": (r.source_ref or "")[len(upload_id) + 1:], "filename": r.filename, "state": r.outcome,
            "document_id": r.document_id if archived else None,
            "status": session.scalar(select(Document.status).where(Document.id == r.document_id))
            if archived and r.document_id is not None else None,
            "reason": r.reason, "message": r.message}


def _together(states: Sequence[str]) -> str:
    if IntakeOutcome.PENDING in states:
        return IntakeOutcome.PENDING
    ok = [s in _SETTLED_OK for s in states]
    if all(ok):
        return IntakeOutcome.ARCHIVED
    if any(ok):
        return "partly_archived"
    return IntakeOutcome.QUARANTINED if IntakeOutcome.QUARANTINED in states else IntakeOutcome.FAILED


class Uploads:
    """Accepts uploaded files and imports them one batch at a time in a worker thread."""

    def __init__(self, archive, executor_factory: Callable[[], Any] | None = None, *,
                 quota_bytes: int | None = None) -> None:
        self.archive = archive
        self.folder = Path(archive.settings.home) / UPLOADS_DIR
        self.quota_bytes = quota_bytes  # what uploads waiting to be read and the quarantine may hold together
        self.executor_factory = executor_factory or default_executor_factory(archive.settings.workers)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finarchive-upload")
        self._futures: list[Future[None]] = []
        self._lock = threading.Lock()
        self._reserved = 0  # bytes requests being stored now have claimed of the quota

    def accept_all(self, files: Sequence[tuple[str | None, IO[bytes]]], *, outlet: str | None, actor: str,
                   refuse_empty: bool = True) -> list[UploadTicket]:
        """Store every file of one request and queue them, or none: the request's whole size is checked
        against the quota's room first (and claimed, so two requests at once cannot both take the last room),
        and a failure while storing removes what this request stored. A 507 means nothing of the request
        was kept: the client sends it again, whole, once the quarantine is cleared."""
        sizes = [_remaining(stream) for _, stream in files]
        total = sum(sizes)
        with self._lock:
            room = None if self.quota_bytes is None else self.quota_bytes - self.held_bytes() - self._reserved
            if room is not None and (room <= 0 or total > room):
                raise DiskFullError(self._full_message(total, max(room, 0)))
            self._reserved += total
        stored: list[tuple[UploadTicket, IntakeItem]] = []
        try:
            for name, stream in files:
                stored.append(self._store(name, stream, outlet=outlet, room=None, refuse_empty=refuse_empty))
        except BaseException:
            for _, item in stored:
                shutil.rmtree(Path(item.path).parent, ignore_errors=True)
            raise
        finally:
            with self._lock:
                self._reserved -= total
        for _, item in stored:
            self._queue(item, actor)
        return [ticket for ticket, _ in stored]

    def accept(self, filename: str | None, stream: IO[bytes], *, outlet: str | None, actor: str,
               refuse_empty: bool = True) -> UploadTicket:
        """Store one uploaded file and queue it. An empty one is refused (422) when ``refuse_empty``; else it
        goes the way of every bad file, to the quarantine with its reason (one of several files: the rest
        go on, and its ticket says what became of it). Several files of one request: :meth:`accept_all`."""
        room = None if self.quota_bytes is None else self.quota_bytes - self.held_bytes() - self._reserved
        if room is not None and room <= 0:
            raise DiskFullError(self._full_message())
        ticket, item = self._store(filename, stream, outlet=outlet, room=room, refuse_empty=refuse_empty)
        self._queue(item, actor)
        return ticket

    def _store(self, filename: str | None, stream: IO[bytes], *, outlet: str | None, room: int | None,
               refuse_empty: bool) -> tuple[UploadTicket, IntakeItem]:
        upload_id = uuid.uuid4().hex
        name = safe_filename(filename)
        target = self.folder / upload_id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with open(target, "wb") as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                size += len(chunk)
                if room is not None and size > room:
                    out.close()
                    shutil.rmtree(target.parent, ignore_errors=True)
                    raise DiskFullError(self._full_message())
                digest.update(chunk)
                out.write(chunk)
        if size == 0 and refuse_empty:
            shutil.rmtree(target.parent, ignore_errors=True)
            raise InvalidInputError(f"{name}: the upload is empty")
        sha = digest.hexdigest()
        with self.archive.sessions() as session:
            duplicate_of = session.scalar(select(Document.id).where(Document.sha256 == sha))
        item = IntakeItem(path=str(target), filename=name, source="upload", source_ref=upload_id, outlet_code=outlet)
        return UploadTicket(upload_id=upload_id, filename=name, size=size, sha256=sha, outlet=outlet,
                            state="duplicate" if duplicate_of else "queued", duplicate_of=duplicate_of,
                            status_url=f"/api/uploads/{upload_id}"), item

    def _queue(self, item: IntakeItem, actor: str) -> None:
        self._futures = [f for f in self._futures if not f.done()]
        self._futures.append(self._pool.submit(self._run, item, actor))

    def held_bytes(self) -> int:
        """What uploads not yet read and the quarantine hold on disk now."""
        return sum(_size_of(folder) for folder in (self.folder, Path(self.archive.settings.quarantine_dir)))

    def _full_message(self, wanted: int | None = None, room: int | None = None) -> str:
        sizes = "" if wanted is None or room is None else (
            f" (the request holds {wanted / 2**20:.1f} MB, there is room for {room / 2**20:.1f} MB)")
        return ("карантин и очередь загрузок заполнены, файлы не приняты: разберите карантин / the quarantine and "
                f"the upload queue are full (the [web] quarantine_quota_mb quota){sizes}: nothing of the request "
                "was stored")

    def _run(self, item: IntakeItem, actor: str) -> None:
        executor = self.executor_factory()
        pipeline = None
        try:
            pipeline = Pipeline(self.archive, executor, actor=actor)
            # an e-mail file's attachments, a ZIP's members too; split in the pipeline's inspection child, limited
            items = file_items(self.archive, item.path, source="upload", ref=item.source_ref or "",
                               outlet=item.outlet_code, split=functools.partial(limited_pieces, pipeline))
            pipeline.run(items)
        except Exception:  # the request is long gone: log it, the intake ledger shows it pending
            log.exception("upload %s (%s) failed", item.source_ref, item.filename)
        finally:
            executor.close()
            if pipeline is not None:
                pipeline.close()
            # The pipeline has stored the bytes in the blob store or moved them to quarantine.
            shutil.rmtree(Path(item.path).parent, ignore_errors=True)

    def status(self, upload_id: str) -> dict[str, Any]:
        """What became of an upload: queued, pending (being read), archived, duplicate, quarantined, failed.
        A file of several documents (a ZIP's members, an e-mail file's attachments) lists each in ``members``
        with its own outcome and reason; the upload is ``archived`` when all went in, ``quarantined`` when
        none did, ``partly_archived`` when some did and others are quarantined, ``pending`` until all are done."""
        with self.archive.sessions() as session:
            record = session.scalar(
                select(IntakeRecord).where(IntakeRecord.source == "upload", IntakeRecord.source_ref == upload_id)
                .order_by(IntakeRecord.id.desc())
            )
            parts = session.scalars(
                select(IntakeRecord).where(IntakeRecord.source == "upload",
                                           IntakeRecord.source_ref.startswith(f"{upload_id}!", autoescape=True))
                .order_by(IntakeRecord.id)
            ).all()
            if record is None and not parts:
                return {"upload_id": upload_id, "state": "queued", "outlet": None, "document_id": None}
            members = [_member(session, upload_id, r) for r in _newest_by_ref(parts)]
            if record is None:  # a file of several documents: its state is theirs together
                state = _together([m["state"] for m in members])
                bad = [m for m in members if m["state"] not in _SETTLED_OK] if state != "pending" else []
                return {"upload_id": upload_id, "state": state,
                        "outlet": parts[0].outlet_code, "filename": None, "document_id": None, "status": None,
                        # what kept its members out (a ZIP of one bomb: that member's reason and message)
                        "reason": ",".join(sorted({m["reason"] or m["state"] for m in bad})) or None,
                        "message": "; ".join(m["message"] for m in bad if m["message"]) or None,
                        "members": members}
            status = None
            if record.document_id is not None:
                status = session.scalar(select(Document.status).where(Document.id == record.document_id))
            out = {"upload_id": upload_id, "state": record.outcome, "outlet": record.outlet_code,
                   "filename": record.filename, "document_id": record.document_id, "status": status,
                   "reason": record.reason, "message": record.message}
            return {**out, "members": members} if members else out

    def drain(self, timeout: float | None = None) -> None:
        """Wait for every queued upload (tests, shutdown)."""
        wait(list(self._futures), timeout=timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
