"""Batch manifests: a CSV mapping files to outlet, doc type and order number.

Columns (header row required, any order, extra columns ignored): ``file`` (path relative to the
manifest, or a name inside the ZIP it travels in), ``outlet``, ``doc_type`` (or ``type``),
``order_no`` (or ``order``). Semicolon or comma separated (Excel in a Russian locale writes
semicolons); UTF-8 with or without BOM, or cp1251.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from capture.sources.exceptions import ManifestError

MANIFEST_NAME = "manifest.csv"

# header name → our field
COLUMNS: Mapping[str, str] = MappingProxyType({
    "file": "file", "filename": "file", "path": "file", "файл": "file",
    "outlet": "outlet", "outlet_code": "outlet", "точка": "outlet",
    "doc_type": "doc_type", "type": "doc_type", "тип": "doc_type",
    "order_no": "order_no", "order": "order_no", "заказ": "order_no",
})


@dataclass(frozen=True)
class ManifestEntry:
    file: str  # normalised relative path, forward slashes
    outlet: str | None = None
    doc_type: str | None = None
    order_no: str | None = None

    @property
    def hints(self) -> dict[str, str]:
        return {k: v for k, v in {"doc_type": self.doc_type, "order_no": self.order_no}.items() if v}


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ManifestError("the manifest is neither UTF-8 nor cp1251 text")


def normalise_name(name: str) -> str:
    """``.\\scans\\a.pdf`` → ``scans/a.pdf``: how a manifest row and an unpacked member are matched."""
    text = name.strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return str(PurePosixPath(text)) if text else ""


def parse_manifest(text: str, *, origin: str = MANIFEST_NAME) -> dict[str, ManifestEntry]:
    """Entries keyed by normalised file name."""
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ManifestError(f"{origin} is empty") from None
    fields = [COLUMNS.get(h.strip().lower()) for h in header]
    if "file" not in fields:
        raise ManifestError(f"{origin}: no `file` column (header: {', '.join(header)})")
    out: dict[str, ManifestEntry] = {}
    for line_no, row in enumerate(reader, 2):
        if not any(cell.strip() for cell in row):
            continue
        values = {f: cell.strip() or None for f, cell in zip(fields, row, strict=False) if f}
        name = normalise_name(values.get("file") or "")
        if not name:
            raise ManifestError(f"{origin} line {line_no}: no file name")
        out[name] = ManifestEntry(file=name, outlet=values.get("outlet"), doc_type=values.get("doc_type"),
                                  order_no=values.get("order_no"))
    return out


def read_manifest(path: str | os.PathLike[str], *, origin: str | None = None) -> dict[str, ManifestEntry]:
    """The manifest in ``path``; ``origin`` names it in messages (a ZIP member's name: its file is ours)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read the manifest {origin or p}: {exc}") from exc
    return parse_manifest(_decode(raw), origin=origin or p.name)
