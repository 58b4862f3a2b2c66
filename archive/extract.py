"""`extract`: read, classify and extract files without touching any archive (DESIGN.md's JSON contract)."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from archive.config import Settings
from archive.quarantine import russian_first
from archive.reading import Analysis, Reader, ReadingSettings, read_or_failed
from capture import CaptureError, Executor, PageJob, PageResult, read_page
from capture.formats import read_edo, read_message


def extraction_json(file: str, analysis: Analysis, pages: int) -> dict[str, Any]:
    """One line of `finarchive extract --json`: exactly DESIGN.md's keys; per-field detail (confidence,
    page, box, the text as read, and the validation problems that name the field) under ``details``.
    A value read unsurely is not among ``fields``: it is under ``details`` with ``"unsure": true``."""
    extraction = analysis.extraction
    details: dict[str, Any] = {}
    for name, f in [*extraction.fields.items(), *analysis.unsure.items()]:
        details[name] = {"confidence": round(f.confidence, 4), "page": f.page,
                         "box": list(f.box) if f.box else None, "raw": f.raw}
        if name in analysis.unsure:
            details[name].update(unsure=True, value=f.value)
        problems = [p.code for p in extraction.problems if name in p.fields]
        if problems:
            details[name]["problems"] = problems
    return {
        "file": file,
        "doc_type": extraction.doc_type,
        "confidence": round(extraction.confidence, 4),
        "fields": extraction.values(),
        "pages": pages,
        "details": details,
    }


def _error_line(file: str, reason: str, message: str) -> dict[str, Any]:
    """The line of a file that could not be read: its reason code and its message, Russian first as `import`
    reports it."""
    return {"file": file, "error": russian_first(reason, message, os.path.basename(file)), "reason": reason}


def _attachments(file: str, executor: Executor, reader: Reader) -> list[dict[str, Any]]:
    """The lines of an e-mail file's attachments (``file!name``), each read as a file of its own."""
    try:
        attachments = read_message(file).attachments
    except CaptureError as exc:
        return [_error_line(file, exc.reason, str(exc))]
    with tempfile.TemporaryDirectory(prefix="finarchive-extract-") as folder:
        paths = []
        for n, attachment in enumerate(attachments, 1):
            path = Path(folder) / f"{n:02d}-{Path(attachment.filename).name}"
            path.write_bytes(attachment.data)
            paths.append(path)
        return [{**line, "file": f"{file}!{attachment.filename}"}
                for line, attachment in zip(extract_files(paths, executor, reader=reader), attachments, strict=True)]


def _read_indexed(item: tuple[int, PageJob]) -> PageResult:
    return read_page(item[1])


def extract_files(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor,
    *,
    reader: Reader | None = None,
) -> Iterator[dict[str, Any]]:
    """One JSON-able dict per file, in the order given; pages of all files are read in parallel.

    ``reader`` (default: the archive's settings, see :mod:`archive.reading`) is the one `import` uses."""
    files = [str(p) for p in paths]
    reader = reader or Reader(ReadingSettings.of(Settings.load()))
    lines: dict[int, dict[str, Any]] = {}
    planned: dict[int, list[PageJob]] = {}
    results: dict[int, dict[int, PageResult | BaseException]] = {}
    jobs: list[tuple[int, PageJob]] = []
    for n, file in enumerate(files):
        try:
            planned[n] = reader.plan(reader.inspect(file))
        except CaptureError as exc:
            lines[n] = _error_line(file, exc.reason, str(exc))
            continue
        except OSError as exc:
            lines[n] = _error_line(file, "unreadable", str(exc))
            continue
        results[n] = {}
        jobs.extend((n, job) for job in planned[n])
    attached = {n: _attachments(files[n], executor, reader) for n, planned_jobs in planned.items()
                if planned_jobs and planned_jobs[0].kind == "message"}

    def finish(n: int) -> dict[str, Any]:
        got = [results[n][job.index] for job in planned[n]]
        errors = [r for r in got if isinstance(r, BaseException)]
        if len(errors) == len(got):
            error = errors[0] if errors else None
            return _error_line(files[n], getattr(error, "reason", "read_failed"), str(error) if error else "no pages")
        pages = [read_or_failed(job, r) for job, r in zip(planned[n], got, strict=True)]
        line = extraction_json(files[n], reader.analyse(pages, jobs=planned[n]), len(planned[n]))
        if n in attached:
            line["attachments"] = attached[n]
        if planned[n][0].kind == "edo_xml":  # the line items the ЭДО document lists, as written in it
            line["items"] = [dataclasses.asdict(item) for item in read_edo(planned[n][0].path).items]
        return line

    emitted = 0
    for (n, job), result in executor.map_unordered(_read_indexed, jobs):
        results[n][job.index] = result
        if len(results[n]) == len(planned[n]):
            lines[n] = finish(n)
        while emitted in lines:
            yield lines.pop(emitted)
            emitted += 1
    while emitted < len(files):
        if emitted not in lines:  # a file with no pages at all
            lines[emitted] = finish(emitted)
        yield lines.pop(emitted)
        emitted += 1
