"""A second look at the words a page's reading was unsure of.

Tesseract reads a page line by line. A line that mixes sizes, or that runs into a table's rules, comes
back as noise with low confidence: a ТОРГ-12's bold title with the boxed number and date cells to its
right read "ЕЕ АЕ" for "УТ-7665 15.01.2025". The same words cut out on their own read cleanly.

So after a page is read, runs of unsure words are cut out with a margin of their own height, narrowed to
their table cell (split at the rules between cells), and read again, each on its own, in process
(tesserocr keeps the models loaded). A run's new words replace the old only when they cover it and are
read with clearly more confidence.

A photo enlarged for its letters' height (capture/preprocess.py's flatten_photo) is blurred: its cut-outs
are read sharpened (an unsharp mask of BLUR_SIGMA), and its page is read again however many of its words are
unsure, as most of a blurred form's are. Sharpening the whole sheet gains as many values as it loses; a
cut-out's sharpened reading is kept only where it reads clearly more surely (MIN_GAIN, MIN_NEW), as any is.

Only some runs are read again: those that carry digits (amounts, dates, numbers), those that stand beside
much larger print, and those read as plain noise. Misspelt words of a form's body gain little from a
second look. Words read with fair confidence are never touched, because a digit misread with confidence
is as likely to be misread again.
"""

from __future__ import annotations

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
NOISE = 0.35  # a run read with less confidence than this is noise, not a misspelt word
RULE_INK = 160  # grey below this is ink
RULE_SHARE = 0.85  # a column (row) this much inked across the cut-out is a cell's rule
MIN_COVER = 0.7  # the new words must span this share of the run's width
MIXED_SIZE = 1.4  # a sure word this many times taller than the run: a title beside a cell
MAX_RUNS = 40  # runs read again per page, the least sure first (a page of noise is not re-read whole)
MAX_UNSURE_SHARE = 0.5  # a page where most words are unsure is noise or a photo: not re-read
PAD_X = 3.0  # margin left and right, in run heights (a cut-off word's box is often too short)
PAD_Y = 0.6  # margin above and below, in run heights (clipped at the lines above and below)
BORDER = 12  # white pixels around a cut-out
REREAD_PSM = 6  # a cut-out is one block of text (a line, or a cell's lines)
BLUR_SIGMA = 2.5  # pixels: the unsharp mask of an enlarged photo's cut-outs (its print blurred over 2-3 px)
BLUR_AMOUNT = 1.0  # the mask's strength: the cut-out plus this times itself less its blurred copy


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
        run = set(range(n, k + 1))
        middle = (y0 + y1) / 2
        beside = [w for i, w in enumerate(words) if i not in run  # the words of the same row, any line
                  and (w.box[1] * scale <= middle <= w.box[3] * scale or y0 <= (w.box[1] + w.box[3]) / 2 * scale <= y1)]
        digits = any(ch.isdigit() for i in run for ch in words[i].text)
        mixed = any((w.box[3] - w.box[1]) * scale >= MIXED_SIZE * (y1 - y0) for w in beside if w.confidence >= UNSURE)
        noise = sum(words[i].confidence for i in run) / len(run) < NOISE
        if not digits and not mixed and not noise:  # misspelt words of a form's body: a second look rarely pays
            n = k + 1
            continue
        left = x0 - PAD_X * h
        right = x1 + PAD_X * h
        for other in beside:  # never into the words beside it: they would come back twice
            if other.box[2] * scale <= x0:
                left = max(left, other.box[2] * scale + 2)
            elif other.box[0] * scale >= x1:
                right = min(right, other.box[0] * scale - 2)
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
    blurred: bool = False,
) -> tuple[OcrWord, ...]:
    """``words`` (in page pixels, read from ``image`` at ``scale`` times the page's size) with their
    unsure runs replaced by a clearer second reading where there is one. ``blurred``: the image is a photo
    enlarged for its letters' height; its cut-outs are read sharpened, and however many words are unsure."""
    if not words:
        return words
    unsure = sum(w.confidence < UNSURE for w in words)
    if not unsure or (unsure > MAX_UNSURE_SHARE * len(words) and not blurred):
        return words
    height, width = image.shape[:2]
    runs = _runs(words, scale, width, height)
    runs.sort(key=lambda r: sum(words[i].confidence for i in r.indices) / len(r.indices))
    runs = runs[:MAX_RUNS]
    if not runs:
        return words
    runs = [_inside_rules(cell, image, words, scale) for run in runs for cell in _cells(run, image, words, scale)]
    cuts = []
    for run in runs:
        x0, y0, x1, y1 = run.crop
        cut = cv2.copyMakeBorder(image[y0:y1, x0:x1], BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=255)
        cuts.append(_sharpened(cut) if blurred else cut)
    try:
        found = tesseract.ocr_arrays(cuts, languages=languages, dpi=dpi, psm=REREAD_PSM, tmp=tmp, timeout=timeout)
    except (OcrError, RuntimeError):  # RuntimeError: tesserocr's
        return words  # the first reading stands
    replacements: dict[int, list[OcrWord]] = {}
    for run, read in zip(runs, found, strict=True):  # one reading per cut
        x0, y0, x1, y1 = run.crop
        dx, dy = x0 - BORDER, y0 - BORDER  # a word's box in the cut-out plus this is its box in the image
        slack = (run.band[1] - run.band[0]) * 0.3
        new = [replace(w, text=w.text.strip("|")) for w in read  # a cell's rule read as a bar: "|29.12.2025"
               if run.band[0] - slack <= (w.box[1] + w.box[3]) / 2 + dy <= run.band[1] + slack
               and any(ch.isalnum() for ch in w.text) and w.confidence >= UNSURE]  # specks read as letters out
        if not new:
            continue
        old_left = min(words[i].box[0] for i in run.indices) * scale
        old_right = max(words[i].box[2] for i in run.indices) * scale
        covered = min(old_right, max(w.box[2] for w in new) + dx) - max(old_left, min(w.box[0] for w in new) + dx)
        if covered < MIN_COVER * (old_right - old_left):
            continue  # part of the run read again and the rest lost: the first reading keeps it all
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


def _sharpened(cut: np.ndarray) -> np.ndarray:
    """The cut-out unsharp-masked (BLUR_SIGMA, BLUR_AMOUNT); saturated to 0-255."""
    blur = cv2.GaussianBlur(cut, (0, 0), BLUR_SIGMA)
    return cv2.addWeighted(cut, 1 + BLUR_AMOUNT, blur, -BLUR_AMOUNT, 0)


def _rule_columns(image: np.ndarray, crop: tuple[int, int, int, int]) -> np.ndarray:
    """Columns of the cut-out (relative to it) inked over its whole height: a table's vertical rules. A
    thin or slightly slanted rule is inked in one of three neighbouring columns on each row. Given the
    image transposed (and the crop as ``(top, left, bottom, right)``), the horizontal rules' rows."""
    x0, y0, x1, y1 = crop
    band = image[y0:y1, x0:x1]  # the whole cut-out's height: a letter's stem is no taller than its line
    if band.size == 0:
        return np.zeros(0, dtype=np.int64)
    dark = cv2.dilate((band < RULE_INK).astype(np.uint8), np.ones((1, 3), np.uint8))
    return np.nonzero(dark.mean(axis=0) >= RULE_SHARE)[0]


def _cells(run: _Run, image: np.ndarray, words: Sequence[OcrWord], scale: int) -> list[_Run]:
    """The run split at the rules between its words: each table cell is read on its own."""
    x0, y0, x1, y1 = run.crop
    inside = [c + x0 for c in _rule_columns(image, run.crop)
              if not any(words[i].box[0] * scale <= c + x0 <= words[i].box[2] * scale for i in run.indices)]
    groups: list[list[int]] = []
    for i in run.indices:
        if groups and not any(words[groups[-1][-1]].box[2] * scale < c < words[i].box[0] * scale for c in inside):
            groups[-1].append(i)
        else:
            groups.append([i])
    if len(groups) == 1:
        return [run]
    out = []
    for n, group in enumerate(groups):
        left = x0 if n == 0 else max(c for c in inside if c < words[group[0]].box[0] * scale) + 2
        right = x1 if n == len(groups) - 1 else min(c for c in inside if c > words[group[-1]].box[2] * scale) - 1
        top = min(words[i].box[1] for i in group) * scale
        bottom = max(words[i].box[3] for i in group) * scale
        out.append(_Run(tuple(group), (int(left), y0, int(right), y1), (top, bottom)))
    return out


def _inside_rules(run: _Run, image: np.ndarray, words: Sequence[OcrWord], scale: int) -> _Run:
    """The run's cut-out narrowed to its table cell: a column inked over the cut-out's height, left or
    right of its words, is a cell's rule, and the rule and what lies beyond it are left out; then the
    same for rows above and below."""
    x0, y0, x1, y1 = run.crop
    columns = _rule_columns(image, run.crop)
    first = min(words[i].box[0] for i in run.indices) * scale - x0
    last = max(words[i].box[2] for i in run.indices) * scale - x0
    left = [c for c in columns if c < first]
    right = [c for c in columns if c > last]
    new_x0 = x0 + (max(left) + 2 if left else 0)
    new_x1 = x0 + (min(right) - 1 if right else x1 - x0)
    if new_x1 - new_x0 <= 4:
        return run
    # and the cell's rules above and below: the rows inked across the narrowed cut-out (its columns, turned)
    rows = _rule_columns(image.T, (y0, int(new_x0), y1, int(new_x1)))
    above = [r for r in rows if r + y0 < run.band[0]]
    below = [r for r in rows if r + y0 > run.band[1]]
    new_y0 = y0 + (max(above) + 2 if above else 0)
    new_y1 = y0 + (min(below) - 1 if below else y1 - y0)
    if new_y1 - new_y0 <= 4:
        new_y0, new_y1 = y0, y1
    return _Run(run.indices, (int(new_x0), int(new_y0), int(new_x1), int(new_y1)), run.band)


def _to_page(box: tuple[int, int, int, int], dx: int, dy: int, scale: int) -> tuple[int, int, int, int]:
    left, top, right, bottom = box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy
    return (left // scale, top // scale, -(-right // scale), -(-bottom // scale))
