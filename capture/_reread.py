"""A second look at the words a page's reading was unsure of.

Tesseract reads a page line by line, and a line that mixes sizes (a bold title and, to its right, a
boxed cell with the document's number and date, as on a ТОРГ-12) or that runs into a table's rules is
read as noise ("ЕЕ АЕ" for "УТ-7665 15.01.2025") with low confidence, while the same words cut out
on their own read cleanly. So after a page is read, runs of unsure words are cut out with a margin of
their own height and read again, each on its own but all in one tesseract run (the models load once); a run's new
words replace the old only when they are read with clearly more confidence. Words read with fair
confidence are never touched: a digit misread with confidence is as likely misread again.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture import tesseract
from capture.exceptions import OcrError
from capture.types import OcrWord

UNSURE = 0.6  # a word read with less confidence than this is read again
MIN_GAIN = 0.15  # the new reading's mean confidence must beat the old by this much
MIN_NEW = 0.7  # and reach this
MIN_LETTERS = 3  # a run shorter than this (and no wider than two heights) is not read again
MAX_RUNS = 40  # runs read again per page, the least sure first (a page of noise is not re-read whole)
MAX_UNSURE_SHARE = 0.5  # a page where most words are unsure is noise or a photo: not re-read
PAD_X = 1.5  # margin left and right, in run heights (a cut-off word's box is often too short)
PAD_Y = 0.6  # margin above and below, in run heights (clipped at the lines above and below)
BORDER = 12  # white pixels around a cut-out
REREAD_PSM = 6  # a cut-out is one block of text (a line, or a cell's lines)


@dataclass(frozen=True)
class _Run:
    indices: tuple[int, ...]  # positions in the page's words
    crop: tuple[int, int, int, int]  # in the image's pixels
    band: tuple[int, int]  # the run's own top and bottom, in the image's pixels


def _runs(words: Sequence[OcrWord], scale: int, width: int, height: int) -> list[_Run]:
    """Consecutive unsure words of one line, each with the region cut out for it (clipped so as not to
    reach into the sure words beside it)."""
    out: list[_Run] = []
    n = 0
    while n < len(words):
        word = words[n]
        if word.confidence >= UNSURE or not any(ch.isalnum() for ch in word.text):
            n += 1
            continue
        k = n
        while k + 1 < len(words) and words[k + 1].line == word.line and words[k + 1].confidence < UNSURE:
            k += 1
        boxes = [words[i].box for i in range(n, k + 1)]
        x0, y0 = min(b[0] for b in boxes) * scale, min(b[1] for b in boxes) * scale
        x1, y1 = max(b[2] for b in boxes) * scale, max(b[3] for b in boxes) * scale
        h = max(y1 - y0, 8 * scale)
        letters = sum(ch.isalnum() for i in range(n, k + 1) for ch in words[i].text)
        if letters < MIN_LETTERS and x1 - x0 < 2 * h:  # a speck, a stroke of a signature: nothing to gain
            n = k + 1
            continue
        left = x0 - PAD_X * h
        right = x1 + PAD_X * h
        if n > 0 and words[n - 1].line == word.line:
            left = max(left, words[n - 1].box[2] * scale + 2)
        if k + 1 < len(words) and words[k + 1].line == word.line:
            right = min(right, words[k + 1].box[0] * scale - 2)
        top, bottom = y0 - PAD_Y * h, y1 + PAD_Y * h
        for other in words:  # never into the lines above and below: their words would come back too
            if other.line == word.line or other.box[2] * scale <= left or other.box[0] * scale >= right:
                continue
            if other.box[3] * scale <= y0 + h * 0.25:
                top = max(top, other.box[3] * scale + 1)
            elif other.box[1] * scale >= y1 - h * 0.25:
                bottom = min(bottom, other.box[1] * scale - 1)
        crop = (max(0, int(left)), max(0, int(top)), min(width, int(right)), min(height, int(bottom)))
        if crop[2] - crop[0] > 4 and crop[3] - crop[1] > 4:
            out.append(_Run(tuple(range(n, k + 1)), crop, (y0, y1)))
        n = k + 1
    return out


def reread_unsure(
    words: tuple[OcrWord, ...],
    image: np.ndarray,
    scale: int,
    *,
    languages: str,
    dpi: int,
    tmp: str,
    timeout: float,
) -> tuple[OcrWord, ...]:
    """``words`` (in page pixels, read from ``image`` at ``scale`` times the page's size) with their
    unsure runs replaced by a clearer second reading where there is one."""
    if not words:
        return words
    unsure = sum(w.confidence < UNSURE for w in words)
    if not unsure or unsure > MAX_UNSURE_SHARE * len(words):
        return words
    height, width = image.shape[:2]
    runs = _runs(words, scale, width, height)
    runs.sort(key=lambda r: sum(words[i].confidence for i in r.indices) / len(r.indices))
    runs = runs[:MAX_RUNS]
    if not runs:
        return words
    paths = []
    for n, run in enumerate(runs):
        x0, y0, x1, y1 = run.crop
        cut = cv2.copyMakeBorder(image[y0:y1, x0:x1], BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=255)
        path = os.path.join(tmp, f"reread-{id(image)}-{n}.pgm")
        if not cv2.imwrite(path, cut):
            return words
        paths.append(path)
    try:
        found = tesseract.ocr_many(paths, languages=languages, dpi=dpi, psm=REREAD_PSM, timeout=timeout)
    except OcrError:
        return words  # the first reading stands
    finally:
        for path in paths:
            os.unlink(path)
    replacements: dict[int, list[OcrWord]] = {}
    for run, read in zip(runs, found):
        x0, y0, x1, y1 = run.crop
        dx, dy = x0 - BORDER, y0 - BORDER  # a word's box in the cut-out plus this is its box in the image
        slack = (run.band[1] - run.band[0]) * 0.3
        new = [replace(w, text=w.text.strip("|")) for w in read  # a cell's rule read as a bar: "|29.12.2025"
               if run.band[0] - slack <= (w.box[1] + w.box[3]) / 2 + dy <= run.band[1] + slack
               and any(ch.isalnum() for ch in w.text)]
        if not new:
            continue
        old_conf = sum(words[i].confidence for i in run.indices) / len(run.indices)
        new_conf = sum(w.confidence for w in new) / len(new)
        if new_conf < MIN_NEW or new_conf < old_conf + MIN_GAIN:
            continue
        first = words[run.indices[0]]
        new.sort(key=lambda w: w.box[0])
        replacements[run.indices[0]] = [
            replace(w, box=_to_page(w.box, dx, dy, scale), line=first.line, block=first.block)
            for w in new]
        for i in run.indices[1:]:
            replacements[i] = []
    if not replacements:
        return words
    out: list[OcrWord] = []
    for i, word in enumerate(words):
        out.extend(replacements.get(i, [word]))
    return tuple(out)


def _to_page(box: tuple[int, int, int, int], dx: int, dy: int, scale: int) -> tuple[int, int, int, int]:
    left, top, right, bottom = box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy
    return (left // scale, top // scale, -(-right // scale), -(-bottom // scale))
