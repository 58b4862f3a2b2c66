"""Frozen results of classification and extraction."""

from __future__ import annotations

from dataclasses import dataclass, field

from capture.types import Box


@dataclass(frozen=True)
class FieldValue:
    """One extracted field: its normalised value, confidence 0..1, and where it was read."""

    name: str
    value: str
    confidence: float
    page: int | None = None  # 1-based
    box: Box | None = None
    raw: str | None = None  # the text as printed/read, before normalisation
    source: str = "extracted"  # "extracted" by the generic rules, "learned" from the supplier memory
    note: str | None = None  # where a learned value came from («learned from 3 verified documents of …»)


@dataclass(frozen=True)
class Problem:
    """A validation finding; ``severity`` "error" sends the document to review."""

    code: str  # e.g. "inn_checksum", "vat_arithmetic", "low_confidence", "date_in_future"
    message: str
    fields: tuple[str, ...] = ()
    severity: str = "error"  # "error" | "warning"


@dataclass(frozen=True)
class Extraction:
    """Document type, its confidence, the fields, and what validation found."""

    doc_type: str
    confidence: float
    fields: dict[str, FieldValue] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    needs_review: bool = False

    def values(self) -> dict[str, str]:
        """Field name → normalised value, as in the ``extract --json`` contract."""
        return {name: f.value for name, f in self.fields.items()}
