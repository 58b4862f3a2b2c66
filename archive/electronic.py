"""The exact reading of an ЭДО XML (capture.formats.edo) as an :class:`Extraction`: its type from the
document's function, its fields as the XML states them (confidence 1.0, boxed where the rendered page shows
them), and what validation finds (an INN failing its check digits, VAT that does not add up) as problems.
``extract`` and ``import`` both get it through :meth:`archive.reading.Reader.analyse`."""

from __future__ import annotations

import os
from collections.abc import Mapping

import classify
from capture.formats import edo_reading
from classify.types import Extraction, FieldValue, Problem

# The fields a cover sheet, manifest or mail rule may add to an electronic document; its type and the
# values it states are the document's own and are not overridden.
HINTED = ("order_no",)


def edo_extraction(path: str | os.PathLike[str], hints: Mapping[str, str] | None = None) -> Extraction:
    reading = edo_reading(path)
    doc = reading.document
    note = f"из электронного документа ЭДО (формат ФНС {doc.format_version}) / from the ЭДО XML"
    fields = {name: FieldValue(name, value, 1.0, page=page, box=box, raw=raw, note=note)
              for name, (value, raw, page, box) in reading.fields.items()}
    for name in HINTED:
        if hints and hints.get(name):
            fields[name] = FieldValue(name, classify.normalise_number(hints[name]), 1.0, raw=hints[name])
    problems = list(classify.validate(doc.doc_type, fields))
    if hints and hints.get("doc_type") and hints["doc_type"] != doc.doc_type:
        problems.append(Problem("hint_ignored", f"тип {hints['doc_type']} из подсказки не применён: документ "
                                f"ЭДО с функцией {doc.function} — {doc.doc_type} / the hinted type is not applied "
                                "to an ЭДО document, whose function states its type", severity="warning"))
    return Extraction(doc.doc_type, 1.0, fields, tuple(problems),
                      needs_review=any(p.severity == "error" for p in problems))
