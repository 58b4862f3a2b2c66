"""Locale data about parties: legal forms, name and address labels, address words, the words of a
letterhead's other lines; one JSON file a language under classify/data/ (``parties.<lang>.json``).

Every entry is a regular expression matched as a whole word, case ignored. The files of all languages
are merged: a Russian document may print an English legal form and the other way round.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("ru", "en")
KINDS = ("legal_forms", "seller_labels", "address_labels", "address_words", "not_address", "region_words",
         "departments", "registrations", "block_words", "document_marks")


@dataclass(frozen=True)
class PartyWords:
    legal_forms: tuple[str, ...]
    seller_labels: tuple[str, ...]
    address_labels: tuple[str, ...]
    address_words: tuple[str, ...]
    not_address: tuple[str, ...]
    region_words: tuple[str, ...] = ()  # the parts of an address above its town: a region, a district
    departments: tuple[str, ...] = ()  # a company's department a letterhead prints after its name
    registrations: tuple[str, ...] = ()  # the labels of a company's registration and tax numbers
    block_words: tuple[str, ...] = ()  # what a party's block holds, after its role in the block's label
    document_marks: tuple[str, ...] = ()  # marks a document carries that are no party's name («ORIGINAL», «Page»)

    def pattern(self, kind: str) -> str:
        """The entries of ``kind`` as one alternation, longest first so that "sold by" wins over "sold"."""
        entries = sorted(getattr(self, kind), key=len, reverse=True)
        return "(?:" + "|".join(entries) + ")"

    def word_regex(self, kind: str) -> re.Pattern[str]:
        """The entries of ``kind`` as whole words (no letter or digit on either side)."""
        return re.compile(r"(?<![^\W_])" + self.pattern(kind) + r"(?![^\W_])", re.IGNORECASE)


def _read(path: Path) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for kind in KINDS:
        for entry in data.get(kind, []):
            try:
                re.compile(entry)
            except re.error as exc:
                raise ValueError(f"{path.name}: {kind}: {entry!r} is no regular expression ({exc})") from exc
    return data


@cache
def party_words(languages: tuple[str, ...] = LANGUAGES, data_dir: Path = DATA) -> PartyWords:
    """The party words of ``languages`` merged, read from ``data_dir``'s ``parties.<lang>.json`` files."""
    merged: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for lang in languages:
        data = _read(data_dir / f"parties.{lang}.json")
        for kind in KINDS:
            merged[kind] += [e for e in data.get(kind, []) if e not in merged[kind]]
    return PartyWords(**{kind: tuple(v) for kind, v in merged.items()})
