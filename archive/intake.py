"""Intake: the glue between the sources (watched folders, mailboxes, batches) and the pipeline.

Every source turns what it finds into :class:`archive.pipeline.IntakeItem` s, one file per document:

* a user's file becomes its *pieces* (:func:`pieces_of`): a ZIP archive its members (with a CSV
  manifest's outlet, type and order), an e-mail file (.eml, .msg) itself and its attachments, a multi-page
  scan with separator or cover sheets its parts
  (written into the work folder; the original is never touched), anything else itself;
* each piece's ``on_done`` reports to the *group* of its user file; when every piece of the group has
  an outcome, the source settles the file: a watched file moves to ``processed/<date>/<outlet>/`` (or is
  deleted) when all went in, and to the quarantine with a reason file when something could not; a mail
  message gets its rule's action (seen, flag, move).

Nothing a user gave us is moved or deleted before its documents are committed. A crash leaves the
file where it was: on restart :meth:`Pipeline.resume` finishes documents left in ``received`` and the
file's pieces are found again as duplicates (by SHA-256) and settled — no loss, no duplicates.

The intake ledger (:class:`archive.models.IntakeRecord`) is written by the pipeline for every item;
:func:`ledger_summary` and :func:`ledger_entries` read it for ``finarchive stats`` and the web UI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select

from archive.blobs import sha256_file
from archive.config import Settings
from archive.models import IntakeOutcome, IntakeRecord
from archive.pipeline import (
    FileOutcome,
    ImportSummary,
    IntakeItem,
    Pipeline,
    expand_paths,
    intake_stop,
    quarantined_before,
    failure_message,
    failure_reason,
    stops_intake,
)
from archive.quarantine import quarantine_file
from capture._files import DEFAULT_MAX_PIXELS, entry_problem, sniff
from capture.barcodes import SCAN_DPI, split_at_sheets
from capture.exceptions import CaptureError
from capture.formats import read_message
from capture._hook import reading_hook
from capture.executor import FileTimeoutError
from capture.pages import inspect_file
from capture.sources import (
    MANIFEST_NAME,
    InboxFile,
    InboxObserver,
    MailAccount,
    Mailbox,
    MailboxError,
    MailMessage,
    MailRule,
    ManifestEntry,
    SourceConfigError,
    SourceError,
    StableFiles,
    UnsafeArchiveError,
    ZipLimits,
    body_pdf,
    match_rule,
    normalise_name,
    open_files,
    open_mailbox,
    read_manifest,
    unpack_zip,
)
from finarchive.errors import InvalidInputError
from finarchive.names import printable

log = logging.getLogger(__name__)

Report = Callable[[str, dict[str, Any]], None]

# Outcomes after which a user's file may leave its inbox: its content is in the archive.
SETTLED_OK: frozenset[str] = frozenset({IntakeOutcome.ARCHIVED, IntakeOutcome.DUPLICATE})
# Outcomes after which a piece needs nothing more from its source (the quarantine holds a copy).
FINAL: frozenset[str] = SETTLED_OK | {IntakeOutcome.QUARANTINED}


def _no_report(event: str, info: dict[str, Any]) -> None:
    return None


# -- pieces: one file per document ------------------------------------------------------------------
@dataclass(frozen=True)
class Piece:
    """One document-file a user's file yields."""

    path: str
    filename: str
    ref: str  # source reference: the user's file, plus ``!member`` or ``#pages=…`` when it is a part
    outlet: str | None = None
    hints: Mapping[str, str] = field(default_factory=dict)
    work: tuple[str, ...] = ()  # folders of ours the piece lies in (removed once its group is settled)
    refused: tuple[str, str] | None = None  # (reason, message): a ZIP member refused alone, quarantined as such


@dataclass(frozen=True)
class PieceOptions:
    work_dir: Path
    barcodes: bool = True
    barcode_dpi: int = SCAN_DPI
    zip_limits: ZipLimits = field(default_factory=ZipLimits)
    max_pixels: int = DEFAULT_MAX_PIXELS  # a page rendered for the barcode pass is never larger


MESSAGE_DEPTH = 3  # a message attached to a message attached to a message: deeper ones are documents only


def _digest_dir(work_dir: Path, kind: str, path: Path) -> Path:
    return work_dir / kind / sha256_file(path)[:24]


def _is_zip(path: Path) -> bool:
    """A ZIP archive of documents: named .zip and a ZIP inside (a .docx is a ZIP too, but a document)."""
    if path.suffix.lower() != ".zip":
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _is_message(path: Path) -> bool:
    try:
        return sniff(str(path))[1] == "message"
    except (CaptureError, OSError):
        return False


def _attachment_pieces(path: Path, *, ref: str, outlet: str | None, hints: Mapping[str, str],
                       options: PieceOptions, depth: int) -> list[Piece]:
    """The attachments of an e-mail file (.eml, .msg), each a document, written into the work folder."""
    try:
        attachments = read_message(str(path)).attachments
    except CaptureError:
        return []  # the message itself is quarantined by the pipeline with its reason
    folder = _digest_dir(options.work_dir, "message", path)
    folder.mkdir(parents=True, exist_ok=True)
    pieces: list[Piece] = []
    for n, attachment in enumerate(attachments, 1):
        target = folder / f"{n:02d}-{re.sub(r'[^A-Za-z0-9._-]+', '_', attachment.filename)[:120]}"
        if not target.exists():
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(attachment.data)
            tmp.replace(target)
        for piece in _split(target, filename=attachment.filename, ref=f"{ref}!{attachment.filename}", outlet=outlet,
                            hints=hints, options=options, depth=depth + 1):
            pieces.append(dataclasses.replace(piece, work=(*piece.work, str(folder))))
    return pieces


def _split(path: Path, *, filename: str, ref: str, outlet: str | None, hints: Mapping[str, str],
           options: PieceOptions, depth: int = 0) -> list[Piece]:
    whole = [Piece(path=str(path), filename=filename, ref=ref, outlet=outlet, hints=dict(hints))]
    if depth < MESSAGE_DEPTH and _is_message(path):  # the message is kept as a document; its attachments too
        return whole + _attachment_pieces(path, ref=ref, outlet=outlet, hints=hints, options=options, depth=depth)
    if not options.barcodes:
        return whole
    folder = _digest_dir(options.work_dir, "split", path)
    try:
        plan = split_at_sheets(path, folder, dpi=options.barcode_dpi, max_pixels=options.max_pixels)
    except CaptureError:
        return whole  # the pipeline will judge the file and quarantine it with its reason
    if not plan.needed:
        return whole
    stem, suffix = os.path.splitext(filename)
    pieces = []
    for n, part in enumerate(plan.parts, 1):
        cover = part.cover
        part_ref = f"{ref}#pages={part.pages[0] + 1}-{part.pages[-1] + 1}"
        if cover is not None and cover.key:
            part_ref += f";key={cover.key}"
        pieces.append(Piece(
            path=str(part.path), filename=f"{stem}.part{n:02d}{os.path.splitext(str(part.path))[1] or suffix}",
            ref=part_ref, outlet=(cover.outlet if cover and cover.outlet else outlet),
            hints={**hints, **part.hints}, work=(str(folder),),
        ))
    return pieces


def pieces_of(path: str | os.PathLike[str], *, ref: str, outlet: str | None = None,
              hints: Mapping[str, str] | None = None, options: PieceOptions,
              manifest: Mapping[str, ManifestEntry] | None = None) -> list[Piece]:
    """The document-files of one user's file. Raises :class:`UnsafeArchiveError` for a hostile ZIP."""
    p = Path(path)
    reading_hook("split", p)
    base_hints = dict(hints or {})
    if not _is_zip(p):
        return _split(p, filename=p.name, ref=ref, outlet=outlet, hints=base_hints, options=options)
    dest = _digest_dir(options.work_dir, "zip", p)
    unpacked = unpack_zip(p, dest, options.zip_limits)  # each member's bytes in a file of ours, its name beside
    inner = dict(manifest or {})
    for member in unpacked.members:
        if normalise_name(member.name) == MANIFEST_NAME:
            inner = {**read_manifest(member.path, origin=member.name), **inner}
    pieces: list[Piece] = []
    for member in unpacked.members:
        name = normalise_name(member.name)
        if name == MANIFEST_NAME:
            continue
        entry = inner.get(name)
        member_outlet = entry.outlet if entry and entry.outlet else outlet
        member_hints = {**base_hints, **(entry.hints if entry else {})}
        for piece in _split(member.path, filename=PurePosixPath(name).name, ref=f"{ref}!{name}",
                            outlet=member_outlet, hints=member_hints, options=options):
            pieces.append(dataclasses.replace(piece, work=(*piece.work, str(dest))))
    for bad in unpacked.refused:  # each its own quarantine entry, a copy of the archive that holds it
        name = normalise_name(bad.name)
        entry = inner.get(name)
        pieces.append(Piece(path=str(p), filename=f"{p.stem}!{PurePosixPath(name).name}{p.suffix}",
                            ref=f"{ref}!{name}", outlet=entry.outlet if entry and entry.outlet else outlet,
                            hints=base_hints, work=(str(dest),), refused=(bad.reason, bad.message)))
    return pieces


def limited_pieces(pipeline: Pipeline, path: str | os.PathLike[str], **kwargs: Any) -> list[Piece]:
    """:func:`pieces_of` in the pipeline's inspection child (sniffing, a ZIP's unpacking, an e-mail's parsing, the
    barcode pass over a scan's pages): ``page_seconds`` without progress (a page rendered, a member unpacked)
    and it is killed from outside, :class:`FileTimeoutError` (the file is refused ``timeout``)."""
    return pipeline.limited(functools.partial(pieces_of, **kwargs), os.fspath(path), progressive=True)


def file_items(archive, path: str | os.PathLike[str], *, source: str, ref: str, outlet: str | None = None,
               settle: Callable[[list[FileOutcome]], None] | None = None,
               split: Callable[..., list[Piece]] = pieces_of) -> list[IntakeItem]:
    """The intake items of one user's file (an upload): its pieces, as :func:`pieces_of` makes them (an
    e-mail file's attachments, a ZIP's members, a batch scan's parts), or the file itself if splitting fails."""
    s: Settings = archive.settings
    options = PieceOptions(work_dir=s.path("watch", "work"), barcodes=bool(s.get("watch", "barcodes")),
                           barcode_dpi=int(s.get("watch", "barcode_dpi")), max_pixels=s.max_pixels)
    p = Path(path)
    try:
        pieces = split(p, ref=ref, outlet=outlet, options=options)  # limited_pieces: under a time limit
    except (UnsafeArchiveError, SourceError, FileTimeoutError) as exc:  # a hostile ZIP: quarantined, as by import
        reason = getattr(exc, "reason", "unsafe_archive")
        q = quarantine_file(s.quarantine_dir, p, reason=reason, message=str(exc), extra={"source_kind": source})
        record_intake(archive, source=source, source_ref=ref, filename=p.name, outcome=IntakeOutcome.QUARANTINED,
                      reason=reason, message=q.message, outlet=outlet, quarantine_path=q.path, once=q.again)
        return []
    except CaptureError:
        pieces = [Piece(path=str(p), filename=p.name, ref=ref, outlet=outlet)]  # the pipeline judges it
    return _group_items(pieces, source=source, settle=settle or (lambda outcomes: None))


# -- groups: settle a user's file when all its pieces are done -----------------------------------------
class _Group:
    """The pieces of one user's file; ``settle`` runs once all have reported."""

    def __init__(self, pieces: Sequence[Piece], settle: Callable[[list[FileOutcome]], None]) -> None:
        self.pieces = list(pieces)
        self.outcomes: list[FileOutcome] = []
        self._settle = settle
        self.settled = False

    def done(self, outcome: FileOutcome) -> None:
        self.outcomes.append(outcome)
        if len(self.outcomes) == len(self.pieces) and not self.settled:
            self.settled = True
            self._settle(self.outcomes)
            if all(o.outcome in FINAL for o in self.outcomes):  # else kept: a retry reuses the parts
                for work in {w for p in self.pieces for w in p.work}:
                    shutil.rmtree(work, ignore_errors=True)


def _group_items(pieces: Sequence[Piece], *, source: str, settle: Callable[[list[FileOutcome]], None]
                 ) -> list[IntakeItem]:
    group = _Group(pieces, settle)
    return [
        IntakeItem(path=p.path, filename=p.filename, source=source, source_ref=p.ref, outlet_code=p.outlet,
                   hints=dict(p.hints), on_done=group.done, refused=p.refused)
        for p in pieces
    ]


def _kept(outcome: FileOutcome) -> bool:
    """The piece's content is in the archive, or in the quarantine as a copy of its own."""
    if outcome.outcome in SETTLED_OK:
        return True
    return (outcome.outcome == IntakeOutcome.QUARANTINED and outcome.quarantine_path is not None
            and Path(outcome.quarantine_path).exists())


def _problem(outcomes: Iterable[FileOutcome]) -> tuple[str, str]:
    bad = [o for o in outcomes if o.outcome not in SETTLED_OK]
    reasons = sorted({o.reason or o.outcome for o in bad})
    message = "; ".join(f"{o.item.filename or Path(o.item.path).name}: {o.message or o.reason}" for o in bad)
    return ",".join(reasons) or "failed", message


def record_intake(archive, *, source: str, source_ref: str,
                  filename: str, outcome: IntakeOutcome, reason: str | None = None, message: str | None = None,
                  outlet: str | None = None, sha256: str | None = None, quarantine_path: str | None = None,
                  size: int | None = None, once: bool = False) -> None:
    """A ledger row for something a source handled without the pipeline (e.g. a hostile ZIP); with ``once``,
    none when the ledger lists it quarantined into that entry already (a file quarantined again)."""
    with archive.transaction() as session:
        if once and quarantined_before(session, source=source, source_ref=source_ref,
                                       quarantine_path=quarantine_path, reason=reason):
            return
        session.add(IntakeRecord(source=source, source_ref=source_ref, filename=filename, sha256=sha256, size=size,
                                 outlet_code=outlet, outcome=outcome, reason=reason, message=message,
                                 quarantine_path=quarantine_path))


# -- watched folders -----------------------------------------------------------------------------------
AFTER_ACTIONS: frozenset[str] = frozenset({"move", "delete"})
SERVICE_OUTCOMES_KEPT = 1000  # the newest file outcomes a long-running service keeps in its summary


@dataclass(frozen=True)
class WatchOptions:
    inboxes: tuple[Path, ...]
    processed_dir: Path
    work_dir: Path
    quarantine_dir: Path
    mode: str = "native"
    poll_interval: float = 2.0
    stable_seconds: float = 2.0
    decode_patience: float = 30.0
    after: str = "move"
    barcodes: bool = True
    barcode_dpi: int = SCAN_DPI
    mail: bool = True
    mail_interval: float = 300.0
    max_pixels: int = DEFAULT_MAX_PIXELS

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WatchOptions:
        inboxes = overrides.pop("inboxes", None) or settings.get("watch", "inboxes") or []
        values: dict[str, Any] = {
            "inboxes": tuple(Path(str(i)).expanduser().resolve() for i in inboxes),
            "processed_dir": settings.path("watch", "processed"),
            "work_dir": settings.path("watch", "work"),
            "quarantine_dir": settings.quarantine_dir,
            "mode": str(settings.get("watch", "mode")),
            "poll_interval": float(settings.get("watch", "poll_interval")),
            "stable_seconds": float(settings.get("watch", "stable_seconds")),
            "decode_patience": float(settings.get("watch", "decode_patience")),
            "after": str(settings.get("watch", "after")),
            "barcodes": bool(settings.get("watch", "barcodes")),
            "barcode_dpi": int(settings.get("watch", "barcode_dpi")),
            "mail": bool(settings.get("watch", "mail")),
            "mail_interval": float(settings.get("mail", "interval")),
            "max_pixels": settings.max_pixels,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        options = cls(**values)
        if options.after not in AFTER_ACTIONS:
            raise SourceConfigError(f"watch.after = {options.after!r}: expected move or delete")
        if not options.inboxes:
            raise SourceConfigError(
                "no inbox to watch: give --inbox DIR or set inboxes in the watch section of finarchive.toml")
        return options

    @property
    def pieces(self) -> PieceOptions:
        return PieceOptions(work_dir=self.work_dir, barcodes=self.barcodes, barcode_dpi=self.barcode_dpi,
                            max_pixels=self.max_pixels)


# What a file still being written looks like to the decoders (a scanner's or copy tool's pause).
INCOMPLETE_REASONS: frozenset[str] = frozenset({"corrupt", "empty", "invalid_xml"})


def _free_target(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while target.exists():
        target = folder / f"{stem}.{n}{suffix}"
        n += 1
    return target


class FolderIntake:
    """Takes complete files from inbox folders into the archive, exactly once, and settles them."""

    def __init__(self, archive, pipeline: Pipeline, options: WatchOptions, *,
                 stop: threading.Event | None = None, report: Report | None = None) -> None:
        self.archive = archive
        self.pipeline = pipeline
        self.options = options
        self.stop = stop or threading.Event()
        self.report = report or _no_report
        self.files = StableFiles(options.inboxes, options.stable_seconds, complete=self._decodable,
                                 patience=max(options.decode_patience, options.stable_seconds * 10))
        self._resumed: list[IntakeItem] = []  # documents a crash left in ``received``, fed with the first batch
        for inbox in options.inboxes:
            inbox.mkdir(parents=True, exist_ok=True)
            for inner in (options.processed_dir, options.work_dir, options.quarantine_dir):
                if inner.resolve() == inbox or inbox in inner.resolve().parents:
                    raise SourceConfigError(f"{inner} lies inside the watched inbox {inbox}; put it elsewhere")

    def _decodable(self, path: str) -> bool:
        """The file reads as a whole document now; a damaged-looking one may still be being written."""
        try:  # in the pipeline's inspection child, under page_seconds: a file stuck there is the pipeline's to judge
            self.pipeline.limited(functools.partial(inspect_file, max_bytes=self.archive.settings.max_file_bytes,
                                                    max_pixels=self.options.max_pixels,
                                                    max_pages=self.archive.settings.max_pages), path)
        except FileTimeoutError:
            return True
        except CaptureError as exc:
            return exc.reason not in INCOMPLETE_REASONS
        except Exception:  # whatever a half-written file makes a decoder raise
            return False
        return True

    # -- one batch --
    def _items(self, ready: Sequence[InboxFile]) -> Iterator[IntakeItem]:
        for f in ready:
            if self.stop.is_set():
                self.files.release(f.path)  # abandoned before intake: taken again next time
                continue
            path = Path(f.path)
            if not path.exists():
                self.files.release(f.path)
                continue
            whole = [Piece(path=str(path), filename=path.name, ref=str(path), outlet=f.outlet_code)]
            try:
                # an unreadable entry (permission denied) is the pipeline's to list, as in a batch import
                pieces = whole if entry_problem(path) is not None else limited_pieces(
                    self.pipeline, path, ref=str(path), outlet=f.outlet_code, options=self.options.pieces)
            except (UnsafeArchiveError, SourceError, FileTimeoutError) as exc:
                self._reject(f, getattr(exc, "reason", "unsafe_archive"), str(exc))
                continue
            except Exception as exc:  # whatever splitting raised (a file removed meanwhile): the pipeline judges it
                if stops_intake(exc):
                    raise intake_stop(exc) from exc
                pieces = whole
            if not pieces:
                self._reject(f, "empty_batch", "no document in the file (only barcode sheets?)")
                continue
            self.report("taken", {"file": f.path, "outlet": f.outlet_code, "documents": len(pieces)})
            yield from _group_items(pieces, source="watch", settle=functools.partial(self._settle, f))

    def _list_special(self, total: ImportSummary) -> None:
        """Symlinks, FIFOs, sockets and devices in an inbox are never taken (nor opened): each is listed
        `failed` with its reason, in the summary and once in the ledger, and left where it is."""
        for path in self.files.take_special():
            problem = entry_problem(path)
            if problem is None:  # replaced by a regular file meanwhile: it is taken as any file
                continue
            reason, message = problem
            item = IntakeItem(path=path, filename=Path(path).name, source="watch", source_ref=path)
            total.add(FileOutcome(item, IntakeOutcome.FAILED, reason=reason, message=message))
            if not _done_refs(self.archive, "watch", [path], outcomes=frozenset({IntakeOutcome.FAILED})):
                record_intake(self.archive, source="watch", source_ref=path, filename=Path(path).name,
                              outcome=IntakeOutcome.FAILED, reason=reason, message=message)
            self.report("settled", {"file": path, "outcome": "left", "reason": reason, "to": None})

    def _reject(self, f: InboxFile, reason: str, message: str) -> None:
        q = quarantine_file(self.options.quarantine_dir, f.path, reason=reason, message=message, move=True,
                            extra={"source_kind": "watch", "outlet": f.outlet_code or ""})
        record_intake(self.archive, source="watch", source_ref=f.path, filename=Path(f.path).name,
                      outcome=IntakeOutcome.QUARANTINED, reason=reason, message=q.message, outlet=f.outlet_code,
                      quarantine_path=q.path, size=f.size, once=q.again)
        self.files.release(f.path)
        self.report("settled", {"file": f.path, "outcome": "quarantined", "reason": reason, "to": q.path})

    def _settle(self, f: InboxFile, outcomes: list[FileOutcome]) -> None:
        """All pieces reported: move the file on, or to the quarantine. Never lose it. A move that fails
        (a file we may not read moved across file systems, a processed folder we may not write) leaves the
        file where it is, logged, and not taken again until the service restarts: the service goes on."""
        try:
            self._move_on(f, outcomes)
        except Exception as exc:
            if stops_intake(exc):
                raise intake_stop(exc) from exc
            log.error("%s stays in the inbox: it could not be moved on (%s: %s)", printable(f.path),
                      type(exc).__name__, printable(str(exc)))
            self.report("settled", {"file": f.path, "outcome": "left", "to": None,
                                    "reason": failure_reason(exc), "message": failure_message(exc)})
            return  # still "taken": not read again by this run
        self.files.release(f.path)

    def _move_on(self, f: InboxFile, outcomes: list[FileOutcome]) -> None:
        path = Path(f.path)
        try:
            st = path.stat()
        except OSError:
            return
        if (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns):
            # replaced or rewritten since it was taken: this is new content, taken again as a new file
            self.report("settled", {"file": f.path, "outcome": "changed", "to": None})
            return
        if open_files([f.path], writing=False):
            # someone has it open (a writer back after a pause, a viewer): never moved or removed under
            # them; released, it is seen again, and settled then (its content is in: a duplicate)
            self.report("settled", {"file": f.path, "outcome": "in_use", "to": None})
            return
        single = len(outcomes) == 1 and outcomes[0].item.path == f.path
        if all(o.outcome in SETTLED_OK for o in outcomes) or (not single and all(_kept(o) for o in outcomes)):
            # every piece is in the archive, or (a ZIP's bad member, a batch scan's bad part) in the
            # quarantine with a copy of its own and its reason: the file itself is done with
            held = [o.item.source_ref for o in outcomes if o.outcome == IntakeOutcome.QUARANTINED]
            if self.options.after == "delete":
                path.unlink()
                self.report("settled", {"file": f.path, "outcome": "archived", "to": None, "quarantined": held})
                return
            rel = Path(f.relative)
            folder = self.options.processed_dir / dt.date.today().isoformat() / rel.parent
            folder.mkdir(parents=True, exist_ok=True)
            target = _free_target(folder, path.name)
            shutil.move(str(path), target)
            self.report("settled", {"file": f.path, "outcome": "archived", "to": str(target), "quarantined": held})
            return
        copy = outcomes[0].quarantine_path if single else None
        if copy and Path(copy).exists():
            path.unlink()  # the pipeline put a copy and its reason file in the quarantine
            self.report("settled", {"file": f.path, "outcome": "quarantined", "to": copy,
                                    "reason": outcomes[0].reason})
            return
        reason, message = _problem(outcomes)
        q = quarantine_file(self.options.quarantine_dir, path, reason=reason, message=message, move=True,
                            extra={"source_kind": "watch", "outlet": f.outlet_code or ""})
        self.report("settled", {"file": f.path, "outcome": "quarantined", "to": q.path, "reason": reason})

    def _run(self, ready: Sequence[InboxFile]) -> ImportSummary:
        resumed, self._resumed = self._resumed, []  # what a crash left is fed with the first files
        return self.pipeline.run(itertools.chain(resumed, self._items(ready)))

    # -- the service --
    def run_once(self) -> ImportSummary:
        """Take every file waiting now (once it is complete) and return; documents a crash left are finished first."""
        total = ImportSummary()
        self._resumed = self.pipeline.resume_items()
        # a file that never settles is left waiting; one that settles but does not decode gets its patience
        patience = max(60.0, self.options.stable_seconds * 20, self.options.decode_patience * 2)
        last_progress = time.monotonic()
        while not self.stop.is_set():
            self.files.rescan()
            self._list_special(total)
            ready = self.files.ready()
            if ready or self._resumed:
                merge_summaries(total, self._run(ready))
                last_progress = time.monotonic()
                continue
            if not self.files.waiting or time.monotonic() - last_progress > patience:
                break
            self.stop.wait(min(self.options.poll_interval, max(self.options.stable_seconds / 3, 0.05)))
        return total

    def serve(self, *, mail: MailIntake | None = None) -> ImportSummary:
        """Watch until ``stop`` is set: files already waiting are taken first, then new ones as they settle."""
        total = ImportSummary()
        self._resumed = self.pipeline.resume_items()
        observer = InboxObserver(self.files, mode=self.options.mode, poll_interval=self.options.poll_interval)
        next_rescan = 0.0
        next_mail = 0.0
        tick = max(min(self.options.poll_interval, self.options.stable_seconds / 3), 0.05)
        with observer:
            while not self.stop.is_set():
                now = time.monotonic()
                if now >= next_rescan:  # catches what events missed (and every file waiting at start)
                    self.files.rescan()
                    self._list_special(total)
                    next_rescan = now + max(self.options.poll_interval * 5, 10.0)
                ready = self.files.ready()
                if ready or self._resumed:
                    merge_summaries(total, self._run(ready))
                    del total.outcomes[:-SERVICE_OUTCOMES_KEPT]  # counts stay; a service runs for months
                    continue
                if mail is not None and now >= next_mail:
                    merge_summaries(total, mail.run_once().summary)
                    del total.outcomes[:-SERVICE_OUTCOMES_KEPT]
                    next_mail = time.monotonic() + self.options.mail_interval
                    continue
                observer.wake.wait(tick)
                observer.wake.clear()
        return total


def merge_summaries(total: ImportSummary, part: ImportSummary) -> ImportSummary:
    """Add the outcomes and time of ``part`` to ``total`` (one summary for a service run)."""
    for outcome in part.outcomes:
        total.add(outcome)
    total.seconds += part.seconds
    return total


# -- mailboxes -----------------------------------------------------------------------------------------
@dataclass
class MailSummary:
    messages: int = 0  # fetched
    matched: int = 0  # a rule took them
    handled: int = 0  # the rule's action was applied
    unmatched: int = 0  # left alone: no rule
    skipped_attachments: int = 0  # already in the ledger
    summary: ImportSummary = field(default_factory=ImportSummary)

    def as_dict(self) -> dict[str, Any]:
        return {"messages": self.messages, "matched": self.matched, "handled": self.handled,
                "unmatched": self.unmatched, "skipped_attachments": self.skipped_attachments,
                **self.summary.as_dict()}


def mail_accounts(settings: Settings) -> list[MailAccount]:
    return [MailAccount.from_config(raw) for raw in settings.get("mail", "accounts") or []]


def mail_rules(settings: Settings) -> list[MailRule]:
    return [MailRule.from_config(raw, i) for i, raw in enumerate(settings.get("mail", "rules") or [])]


def rule_for(rules: Sequence[MailRule], *, sender: str, recipients: Sequence[str], subject: str,
             account: str = "") -> MailRule | None:
    """The rule a message with these headers would meet (the first that matches), or None: what the mail page
    answers for an administrator checking the rules."""
    message = MailMessage(account=account, folder="", uidvalidity="", uid="", message_id="", sender=sender,
                          recipients=tuple(recipients), subject=subject, attachments=())
    return match_rule(rules, message)


MAIL_CHUNK = 25  # messages whose attachments are read before their rules' actions are applied


def _safe_component(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120] or "_"


class MailIntake:
    """Reads each account, takes matching messages' attachments into the archive, then applies the rule."""

    def __init__(self, archive, pipeline: Pipeline, *, accounts: Sequence[MailAccount],
                 rules: Sequence[MailRule], work_dir: Path, body: bool = False, barcodes: bool = True,
                 stop: threading.Event | None = None, report: Report | None = None,
                 opener: Callable[[MailAccount], Mailbox] = open_mailbox) -> None:
        self.archive = archive
        self.pipeline = pipeline
        self.accounts = list(accounts)
        self.rules = list(rules)
        self.work_dir = work_dir
        self.body = body
        self.options = PieceOptions(work_dir=work_dir, barcodes=barcodes)
        self.stop = stop or threading.Event()
        self.report = report or _no_report
        self.opener = opener

    @classmethod
    def from_settings(cls, archive, pipeline: Pipeline, **kwargs: Any) -> MailIntake:
        s: Settings = archive.settings
        return cls(archive, pipeline, accounts=mail_accounts(s), rules=mail_rules(s),
                   work_dir=s.path("watch", "work"), body=bool(s.get("mail", "body")),
                   barcodes=bool(s.get("watch", "barcodes")), **kwargs)

    def _pieces(self, message: MailMessage, rule: MailRule) -> tuple[list[Piece], int]:
        """The message's document pieces not yet in the ledger, and how many were already there."""
        folder = self.work_dir / "mail" / _safe_component(message.key)
        folder.mkdir(parents=True, exist_ok=True)
        hints = {"doc_type": rule.doc_type} if rule.doc_type else {}
        files: list[tuple[Path, str, str]] = []
        for n, att in enumerate((*message.attachments, *message.others), 1):
            target = folder / f"{n:02d}-{_safe_component(att.filename)}"
            if not target.exists():
                tmp = target.with_name("." + target.name + ".tmp")
                tmp.write_bytes(att.data)
                tmp.replace(target)
            files.append((target, att.filename, f"{message.key};{att.sha256}"))
        if rule.body if rule.body is not None else self.body:
            target = body_pdf(message, folder / "message.pdf")
            files.append((target, f"message-{_safe_component(message.uid)}.pdf", f"{message.key};body"))
        done = _done_refs(self.archive, "mail", [ref for _, _, ref in files], outcomes=FINAL)
        pieces: list[Piece] = []
        for path, filename, ref in files:
            if ref in done:
                continue
            try:  # in the pipeline's inspection child, limited as any file's splitting (limited_pieces)
                split = self.pipeline.limited(functools.partial(_split, filename=filename, ref=ref, outlet=rule.outlet,
                                                                hints=hints, options=self.options),
                                              str(path), progressive=True)
            except FileTimeoutError as exc:  # this attachment stuck: quarantined with the reason, the others go on
                split = [Piece(path=str(path), filename=filename, ref=ref, outlet=rule.outlet, hints=dict(hints),
                               refused=(exc.reason, str(exc)))]
            for piece in split:
                pieces.append(dataclasses.replace(piece, work=(*piece.work, str(folder))))
        return pieces, len(files) - len([f for f in files if f[2] not in done])

    def run_once(self) -> MailSummary:
        """One pass over every account."""
        out = MailSummary()
        for account in self.accounts:
            if self.stop.is_set():
                break
            box = self.opener(account)
            try:
                self._account(box, out)
            finally:
                box.close()
        return out

    def _account(self, box: Mailbox, out: MailSummary) -> None:
        """Messages in chunks: their attachments read and committed, then each message handled by its rule."""
        pending: list[tuple[MailMessage, MailRule, list[FileOutcome], int]] = []
        items: list[IntakeItem] = []
        for message in box.messages():
            if self.stop.is_set():
                break
            out.messages += 1
            rule = match_rule(self.rules, message)
            if rule is None:
                out.unmatched += 1
                continue
            out.matched += 1
            try:
                pieces, skipped = (self._oversized(box, message, rule) if message.oversized
                                   else self._pieces(message, rule))
            except MailboxError as exc:  # the server lost it or the line: left as it is, tried next pass
                self._unfetched(message, rule, out, str(exc))
                continue
            except OSError as exc:  # writing the attachments or the message into the work folder
                if stops_intake(exc):  # a full disk stops mail intake as it stops any (exit 12)
                    raise intake_stop(exc) from exc
                raise
            out.skipped_attachments += skipped
            outcomes: list[FileOutcome] = []
            pending.append((message, rule, outcomes, len(pieces)))
            if pieces:
                items += _group_items(pieces, source="mail", settle=outcomes.extend)
            if len(pending) >= MAIL_CHUNK:
                self._flush(box, pending, items, out)
                pending, items = [], []
        self._flush(box, pending, items, out)

    def _oversized(self, box: Mailbox, message: MailMessage, rule: MailRule) -> tuple[list[Piece], int]:
        """A message over the account's ``max_message_mb`` is not parsed (nor held in memory): it is saved
        as it is, in pieces, and quarantined whole as an ``.eml``, reason `oversized`, once (the ledger
        knows it by ``<key>;oversized``); its rule's action is then applied as to any message handled."""
        ref = f"{message.key};oversized"
        if _done_refs(self.archive, "mail", [ref], outcomes=FINAL):
            return [], 1
        limit = box.account.max_message_mb
        text = (f"письмо «{message.subject}» от {message.sender} больше {limit:g} МБ, сохранено в карантине "
                f"целиком / the message of {(message.size or 0) / 2**20:.1f} MB is over the limit of {limit:g} MB "
                f"(max_message_mb of account {box.account.name}): kept whole in the quarantine, not read")
        folder = self.work_dir / "mail" / _safe_component(message.key)
        folder.mkdir(parents=True, exist_ok=True)
        saved = box.download(message, folder / "message.eml")
        name = (message.subject or f"message-{message.uid}").replace("/", "_")[:120] + ".eml"
        return [Piece(path=str(saved), filename=name, ref=ref, outlet=rule.outlet, work=(str(folder),),
                      refused=("oversized", text))], 0

    def _unfetched(self, message: MailMessage, rule: MailRule, out: MailSummary, text: str) -> None:
        """A message that could not be fetched: listed `failed` (once in the ledger), left in the box."""
        ref = f"{message.key};unfetched"
        item = IntakeItem(path=ref, filename=message.subject or message.key, source="mail", source_ref=ref,
                          outlet_code=rule.outlet)
        out.summary.add(FileOutcome(item, IntakeOutcome.FAILED, reason="unfetched", message=text))
        if not _done_refs(self.archive, "mail", [ref], outcomes=frozenset({IntakeOutcome.FAILED})):
            record_intake(self.archive, source="mail", source_ref=ref, filename=message.subject or message.key,
                          outcome=IntakeOutcome.FAILED, reason="unfetched", message=text, outlet=rule.outlet,
                          size=message.size)
        self.report("message", {"key": message.key, "outcome": "kept", "subject": text})

    def _flush(self, box: Mailbox, pending: list[tuple[MailMessage, MailRule, list[FileOutcome], int]],
               items: list[IntakeItem], out: MailSummary) -> None:
        merge_summaries(out.summary, self.pipeline.run(items))
        for message, rule, outcomes, expected in pending:
            if len(outcomes) != expected or not all(o.outcome in FINAL for o in outcomes):
                self.report("message", {"key": message.key, "outcome": "kept", "subject": message.subject})
                continue  # something failed: leave the message as it is, the next pass retries
            wants_body = rule.body if rule.body is not None else self.body
            if (expected == 0 and not message.attachments and not message.others and not wants_body
                    and not message.oversized):
                self.report("message", {"key": message.key, "outcome": "no_documents", "subject": message.subject})
                continue
            try:
                if rule.action != "none":
                    box.apply(message, rule.action, rule.folder)
            except MailboxError as exc:  # its documents are in; the next pass applies the action again
                self.report("message", {"key": message.key, "outcome": "action_failed", "subject": str(exc)})
                continue
            out.handled += 1
            shutil.rmtree(self.work_dir / "mail" / _safe_component(message.key), ignore_errors=True)
            self.report("message", {"key": message.key, "outcome": rule.action, "rule": rule.name,
                                    "subject": message.subject, "documents": expected})


# -- batches ---------------------------------------------------------------------------------------------
def batch_pieces(paths: Iterable[str | os.PathLike[str]], *, options: PieceOptions, outlet: str | None = None,
                 hints: Mapping[str, str] | None = None, manifest: str | os.PathLike[str] | None = None,
                 on_rejected: Callable[[Path, str, str], None] | None = None,
                 split: Callable[..., list[Piece]] = pieces_of) -> Iterator[tuple[Path, list[Piece]]]:
    """Each user's file of a batch (folders recursive, ZIPs unpacked) with its pieces (``split``: :func:`pieces_of`,
    or :func:`limited_pieces` under a time limit); the manifest's rows (an explicit CSV, or ``manifest.csv`` at the
    root of a folder or ZIP) set outlet, type and order."""
    explicit = read_manifest(manifest) if manifest else {}
    manifest_base = Path(manifest).resolve().parent if manifest else None
    for raw in paths:
        root = Path(raw).resolve()
        local = dict(explicit)
        base = root if root.is_dir() else root.parent
        if root.is_dir() and (root / MANIFEST_NAME).is_file():
            local = {**read_manifest(root / MANIFEST_NAME), **explicit}
        for listed in expand_paths([root]):
            path = listed.parent.resolve() / listed.name  # the entry itself is never followed: it may be a symlink
            if path.name == MANIFEST_NAME:
                continue
            entry = None
            for anchor in (base, manifest_base):
                if anchor is not None and (anchor == path.parent or anchor in path.parents):
                    entry = entry or local.get(normalise_name(path.relative_to(anchor).as_posix()))
            entry = entry or local.get(path.name)
            file_outlet = entry.outlet if entry and entry.outlet else outlet
            file_hints = {**dict(hints or {}), **(entry.hints if entry else {})}
            whole = [Piece(path=str(path), filename=path.name, ref=str(path), outlet=file_outlet, hints=file_hints)]
            if entry_problem(path) is not None:
                yield path, whole  # a symlink, FIFO, socket, device or unreadable entry: the pipeline lists it
                continue
            try:
                pieces = split(path, ref=str(path), outlet=file_outlet, hints=file_hints, options=options,
                               manifest=explicit or None)
            except (UnsafeArchiveError, SourceError, FileTimeoutError) as exc:
                if on_rejected is not None:
                    on_rejected(path, getattr(exc, "reason", "unsafe_archive"), str(exc))
                continue
            except Exception as exc:  # whatever splitting raised, the pipeline judges the file itself
                if stops_intake(exc):
                    raise intake_stop(exc) from exc
                pieces = whole
            yield path, pieces


def import_batch(pipeline: Pipeline, paths: Iterable[str | os.PathLike[str]], *, outlet: str | None = None,
                 hints: Mapping[str, str] | None = None, manifest: str | os.PathLike[str] | None = None,
                 source: str = "import", resume: bool = True) -> ImportSummary:
    """Import folders, files and ZIP archives; an interrupted import run again finishes without duplicates.

    Documents a crash left in ``received`` are finished first; pieces archived before are recognised by
    their SHA-256 and counted as duplicates.
    """
    archive = pipeline.archive
    settings: Settings = archive.settings
    options = PieceOptions(work_dir=settings.path("watch", "work"), barcodes=bool(settings.get("watch", "barcodes")),
                           barcode_dpi=int(settings.get("watch", "barcode_dpi")), max_pixels=settings.max_pixels)
    total = ImportSummary()
    # documents a crash left in ``received`` are fed with the new files, not before them: a huge one
    # resumes from its first unread page and takes turns with the others
    resumed = pipeline.resume_items() if resume else []

    def rejected(path: Path, reason: str, message: str) -> None:
        q = quarantine_file(settings.quarantine_dir, path, reason=reason, message=message,
                            extra={"source_kind": source})
        record_intake(archive, source=source, source_ref=str(path), filename=path.name,
                      outcome=IntakeOutcome.QUARANTINED, reason=reason, message=q.message, quarantine_path=q.path,
                      once=q.again)
        total.add(FileOutcome(IntakeItem(path=str(path), source=source, source_ref=str(path)),
                              IntakeOutcome.QUARANTINED, reason=reason, message=q.message, quarantine_path=q.path))

    def items() -> Iterator[IntakeItem]:
        for _, pieces in batch_pieces(paths, options=options, outlet=outlet, hints=hints, manifest=manifest,
                                      on_rejected=rejected, split=functools.partial(limited_pieces, pipeline)):
            # Every piece goes through the pipeline, whose SHA-256 check skips (and counts) what is in
            # already: a path the ledger knows may hold new content by now, so the path alone proves nothing.
            yield from _group_items(pieces, source=source, settle=lambda outcomes: None)

    return merge_summaries(total, pipeline.run(itertools.chain(resumed, items())))


def _done_refs(archive, source: str, refs: Sequence[str],
               outcomes: frozenset[str] = SETTLED_OK) -> set[str]:
    """The references among ``refs`` the ledger shows settled with one of ``outcomes``."""
    if not refs:
        return set()
    with archive.sessions() as session:
        stored = {printable(ref): ref for ref in refs}  # as the ledger holds them
        return {stored[ref] for ref in session.scalars(select(IntakeRecord.source_ref).where(
            IntakeRecord.source == source, IntakeRecord.source_ref.in_(list(stored)),
            IntakeRecord.outcome.in_(list(outcomes)))).all()}


# -- the ledger ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerCount:
    source: str
    outlet_code: str | None
    outcome: str
    files: int
    last_at: dt.datetime | None


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    received_at: dt.datetime
    source: str
    source_ref: str | None
    filename: str | None
    outlet_code: str | None
    outcome: str
    reason: str | None
    message: str | None
    quarantine_path: str | None
    document_id: int | None
    sha256: str | None


def ledger_summary(archive, *, since: dt.datetime | None = None) -> list[LedgerCount]:
    """What arrived from which source and outlet, by outcome (for ``finarchive stats`` and the web UI)."""
    query = (select(IntakeRecord.source, IntakeRecord.outlet_code, IntakeRecord.outcome, func.count(),
                    func.max(IntakeRecord.received_at))
             .group_by(IntakeRecord.source, IntakeRecord.outlet_code, IntakeRecord.outcome)
             .order_by(IntakeRecord.source, IntakeRecord.outlet_code, IntakeRecord.outcome))
    if since is not None:
        query = query.where(IntakeRecord.received_at >= since)
    with archive.sessions() as session:
        return [LedgerCount(source=s, outlet_code=o, outcome=oc, files=n, last_at=last)
                for s, o, oc, n, last in session.execute(query).all()]


LEDGER_FILTERS: Mapping[str, Any] = MappingProxyType({
    "source": IntakeRecord.source, "outlet_code": IntakeRecord.outlet_code, "outcome": IntakeRecord.outcome,
})


def ledger_entries(archive, *, limit: int = 100, since: dt.datetime | None = None,
                   **filters: str | None) -> list[LedgerEntry]:
    """The newest ledger rows, filtered by ``source``, ``outlet_code``, ``outcome`` (e.g. what was quarantined, why)."""
    unknown = set(filters) - set(LEDGER_FILTERS)
    if unknown:
        raise InvalidInputError(f"unknown ledger filters: {', '.join(sorted(unknown))}")
    query = select(IntakeRecord).order_by(IntakeRecord.received_at.desc(), IntakeRecord.id.desc()).limit(limit)
    for name, value in filters.items():
        if value is not None:
            query = query.where(LEDGER_FILTERS[name] == value)
    if since is not None:
        query = query.where(IntakeRecord.received_at >= since)
    with archive.sessions() as session:
        return [LedgerEntry(id=r.id, received_at=r.received_at, source=r.source, source_ref=r.source_ref,
                            filename=r.filename, outlet_code=r.outlet_code, outcome=r.outcome, reason=r.reason,
                            message=r.message, quarantine_path=r.quarantine_path, document_id=r.document_id,
                            sha256=r.sha256)
                for r in session.scalars(query).all()]

