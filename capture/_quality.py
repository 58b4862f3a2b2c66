"""How good an OCR result looks: decides whether orientation must be checked."""

from __future__ import annotations

from collections.abc import Sequence

from capture.pdftext import is_wordlike
from capture.types import OcrWord

# Below these the page is probably turned (or very poor): check the orientation.
MIN_MEAN_CONFIDENCE = 0.60
MIN_WORDLIKE_SHARE = 0.55
MIN_WORDS = 4


def score(words: Sequence[OcrWord]) -> float:
    """Confidence-weighted count of plausible words: higher is better, comparable between rotations."""
    return sum(w.confidence for w in words if len(w.text) >= 2 and is_wordlike(w.text))


def mean_confidence(words: Sequence[OcrWord]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def wordlike_share(words: Sequence[OcrWord]) -> float:
    long = [w for w in words if len(w.text) >= 2]
    if not long:
        return 0.0
    return sum(1 for w in long if is_wordlike(w.text)) / len(long)


def looks_bad(words: Sequence[OcrWord]) -> bool:
    if len(words) < MIN_WORDS:
        return True
    return mean_confidence(words) < MIN_MEAN_CONFIDENCE or wordlike_share(words) < MIN_WORDLIKE_SHARE
