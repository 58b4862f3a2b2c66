"""Matching keys for document and order numbers: case and Latin/Cyrillic look-alikes folded."""

from __future__ import annotations

# Cyrillic letters (and the digit-like З) that OCR and people confuse with Latin ones, folded to one form
_LOOKALIKES = str.maketrans(
    {"А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O", "Р": "P",
     "Т": "T", "Х": "X", "У": "Y", "З": "3", "Ё": "E"}
)


def code_key(value: str) -> str:
    """``ЗК-000781``, ``3K-000781`` and ``зк-000781`` all give the same key."""
    return "".join(value.split()).upper().translate(_LOOKALIKES)
