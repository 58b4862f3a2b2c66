"""The one reading of a file, shared by `finarchive import` and `finarchive extract`.

Both commands plan a file's pages with the same settings, read them with the same
:func:`capture.read_page`, and analyse the pages with the same model through :meth:`Reader.analyse`,
so the doc_type and fields of a file are the same whichever command read it. The settings are the
archive's (``finarchive.toml`` in ``FINARCHIVE_HOME`` and ``FINARCHIVE_*`` variables), their defaults
when there is none; the classifier is the archive's own trained model (`finarchive train`) when there
is one, else the bundled one.

A field the extractor is unsure of (confidence below :data:`classify.FIELD_THRESHOLD`, or named by an
error) is taken out of the fields and kept in the problems with the value it was read as: a value we
are unsure of is flagged, never given as if it were read.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import classify
from archive.config import Settings
from capture import FileInfo, PageJob, PageResult, PageText, inspect_file, plan_pages
from capture.barcodes import PRINT_FORM_FORMATS
from capture.stages import stage
from classify.types import Extraction, FieldValue, Problem


@dataclass(frozen=True)
class ReadingSettings:
    """Everything that decides how a file is read and analysed."""

    languages: str = "rus+eng"
    dpi: int = 300
    ocr_timeout: float = 180.0
    latin_engine: str = "auto"
    max_bytes: int = 200 * 1024 * 1024
    max_pixels: int = 178_956_970
    max_pages: int = 50_000
    models_dir: Path | None = None  # where the archive's trained model lives, if it has one
    code_formats: tuple[str, ...] = ("QRCode",)  # barcodes read on each page: with 1C's when there are link rules

    @classmethod
    def of(cls, settings: Settings) -> ReadingSettings:
        return cls(
            languages=settings.languages,
            dpi=int(settings.get("ocr", "dpi")),
            ocr_timeout=float(settings.get("ocr", "timeout")),
            latin_engine=settings.latin_engine,  # a bad setting fails here, before any file is taken
            max_bytes=settings.max_file_bytes,
            max_pixels=settings.max_pixels,
            max_pages=settings.max_pages,
            models_dir=settings.models_dir,
            code_formats=PRINT_FORM_FORMATS if settings.get("barcodes", "links") else ("QRCode",),
        )


class Reader:
    """Plans a file's pages and analyses what was read from them; one per run (the model is loaded once)."""

    def __init__(self, settings: ReadingSettings) -> None:
        self.settings = settings
        self._model: classify.Classifier | None = None
        self._model_loaded = False

    @property
    def model(self) -> classify.Classifier | None:
        if not self._model_loaded:
            self._model_loaded = True
            path = self.settings.models_dir / classify.MODEL_FILENAME if self.settings.models_dir else None
            with stage("model load"):
                self._model = (classify.load_classifier(path) if path is not None and path.exists()
                               else classify.default_classifier())
        return self._model

    def inspect(self, path: str | os.PathLike[str]) -> FileInfo:
        """The file's kind and pages; raises :class:`capture.CaptureError` for a file that cannot be read."""
        return inspect_with(self.settings, path)

    def plan(self, info: FileInfo, *, derived_dir: str | os.PathLike[str] | None = None) -> list[PageJob]:
        """One job per page of the inspected file, with this reading's settings."""
        return plan_file(info, self.settings, derived_dir)

    def analyse(self, pages: Sequence[PageText], *, hints: Mapping[str, str] | None = None,
                memory: Any = None, jobs: Sequence[PageJob] = ()) -> Analysis:
        """Type, fields and problems of a document read from ``pages`` (a page that failed carries its error).

        ``memory`` is what the archive learned from its own verified documents (import only); a file
        outside an archive is analysed without it. ``jobs`` are the pages' jobs: an ЭДО XML's fields are
        the XML's own (archive.electronic), not read from its pages."""
        if jobs and jobs[0].kind == "edo_xml":
            from archive.electronic import edo_extraction

            return settle(edo_extraction(jobs[0].path, hints))
        if jobs and jobs[0].kind == "message":  # a covering letter; its attachments are the documents
            hints = {**(hints or {}), "doc_type": "other"}
        learned = {"memory": memory} if memory is not None else {}
        return settle(classify.analyse(pages, hints=hints, model=self.model, **learned))


def inspect_with(settings: ReadingSettings, path: str | os.PathLike[str]) -> FileInfo:
    """:meth:`Reader.inspect`, a module-level function: it is sent to a child process (archive/pipeline.py)."""
    return inspect_file(Path(path), max_bytes=settings.max_bytes, max_pixels=settings.max_pixels,
                        max_pages=settings.max_pages)


def plan_file(info: FileInfo, settings: ReadingSettings,
              derived_dir: str | os.PathLike[str] | None = None) -> list[PageJob]:
    """:meth:`Reader.plan`, a module-level function: it is sent to a child process (archive/pipeline.py)."""
    s = settings
    return [
        dataclasses.replace(job, ocr_timeout=s.ocr_timeout, latin_engine=s.latin_engine, code_formats=s.code_formats)
        for job in plan_pages(info.path, languages=s.languages, dpi=s.dpi, derived_dir=derived_dir,
                              max_bytes=s.max_bytes, max_pixels=s.max_pixels, info=info)
    ]


def read_or_failed(job: PageJob, result: PageResult | BaseException) -> PageText:
    """The page as read, or an empty page carrying the error when it could not be read."""
    if isinstance(result, BaseException):
        message = f"{getattr(result, 'reason', type(result).__name__)}: {result}"
        return PageText(number=job.index + 1, width=0, height=0, words=(), error=message)
    return result.page


@dataclass(frozen=True)
class Analysis:
    """A document's extraction (only fields read surely) and the values read unsurely, left out of it."""

    extraction: Extraction
    unsure: dict[str, FieldValue] = dataclasses.field(default_factory=dict)


def settle(extraction: Extraction) -> Analysis:
    """Take the fields read unsurely out of ``fields``; each keeps a problem naming it and its value."""
    unsure = {name: f for name, f in extraction.fields.items() if f.confidence < classify.FIELD_THRESHOLD}
    if not unsure:
        return Analysis(extraction)
    problems = list(extraction.problems)
    for name, f in unsure.items():
        problems.append(Problem("unsure_value", f"{name} read as {f.value!r} with confidence {f.confidence:.2f}; "
                                                "left out for review", (name,), severity="warning"))
    fields = {name: f for name, f in extraction.fields.items() if name not in unsure}
    return Analysis(dataclasses.replace(extraction, fields=fields, problems=tuple(problems)), unsure)
