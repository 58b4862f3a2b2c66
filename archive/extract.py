"""`extract`: read, classify and extract files without touching any archive (DESIGN.md's JSON contract)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import classify
from capture import CaptureError, PageJob, PageResult, inspect_file, plan_pages, read_page
from classify.types import Extraction


def extraction_json(file: str, extraction: Extraction, pages: int) -> dict[str, Any]:
    """One line of `finarchive extract --json`: exactly DESIGN.md's keys; per-field detail (confidence,
    page, box, the text as read, and the validation problems that name the field) under ``details``."""
    details: dict[str, Any] = {}
    for name, f in extraction.fields.items():
        details[name] = {"confidence": round(f.confidence, 4), "page": f.page,
                         "box": list(f.box) if f.box else None, "raw": f.raw}
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


def _read_indexed(item: tuple[int, PageJob]) -> PageResult:
    return read_page(item[1])


def extract_files(
    paths: Iterable[str | os.PathLike[str]],
    executor,  # type: ignore[no-untyped-def]
    *,
    languages: str = "rus+eng",
    dpi: int = 300,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    model=None,  # type: ignore[no-untyped-def]
    latin_engine: str = "auto",
) -> Iterator[dict[str, Any]]:
    """One JSON-able dict per file, in the order given; pages of all files are read in parallel."""
    files = [str(p) for p in paths]
    model = model if model is not None else classify.default_classifier()
    limits: dict[str, Any] = {}
    if max_bytes:
        limits["max_bytes"] = max_bytes
    if max_pixels:
        limits["max_pixels"] = max_pixels
    lines: dict[int, dict[str, Any]] = {}
    page_count: dict[int, int] = {}
    results: dict[int, dict[int, PageResult | BaseException]] = {}
    jobs: list[tuple[int, PageJob]] = []
    for n, file in enumerate(files):
        try:
            inspect_file(Path(file), **limits)
            planned = [replace(job, latin_engine=latin_engine)
                       for job in plan_pages(file, languages=languages, dpi=dpi, derived_dir=None)]
        except CaptureError as exc:
            lines[n] = {"file": file, "error": str(exc), "reason": exc.reason}
            continue
        except OSError as exc:
            lines[n] = {"file": file, "error": str(exc), "reason": "unreadable"}
            continue
        page_count[n] = len(planned)
        results[n] = {}
        jobs.extend((n, job) for job in planned)

    def finish(n: int) -> dict[str, Any]:
        got = [results[n][i] for i in sorted(results[n])]
        pages = [r.page for r in got if not isinstance(r, BaseException)]
        errors = [r for r in got if isinstance(r, BaseException)]
        if not pages:
            error = errors[0] if errors else None
            return {"file": files[n], "error": str(error) if error else "no pages",
                    "reason": getattr(error, "reason", "read_failed")}
        return extraction_json(files[n], classify.analyse(pages, model=model), page_count[n])

    emitted = 0
    for (n, job), result in executor.map_unordered(_read_indexed, jobs):
        results[n][job.index] = result
        if len(results[n]) == page_count[n]:
            lines[n] = finish(n)
        while emitted in lines:
            yield lines.pop(emitted)
            emitted += 1
    while emitted < len(files):
        yield lines.pop(emitted)
        emitted += 1
