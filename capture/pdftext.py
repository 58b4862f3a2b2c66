"""Words of a PDF page's own text layer (born-digital PDFs), read with pdfplumber.

Boxes are scaled from PDF points into the pixel space of the page rendered at ``dpi`` (300 by
default), the same space OCR boxes live in; every word has confidence 1.0; words are grouped into
lines by their vertical position so :attr:`PageText.text` reads top to bottom, left to right.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from capture.exceptions import CorruptFileError, EncryptedFileError
from capture.types import OcrWord, PageText, TextSource

# A page "has a text layer" when it carries at least this many letters and digits ...
MIN_TEXT_CHARS = 20
# ... and at most this share of its characters are unmapped glyphs (cid:NN), controls or private-use.
MAX_GARBAGE_SHARE = 0.10
# ... and at least this share of its words look like words (letters of one script, or numbers).
MIN_WORDLIKE_SHARE = 0.5

_GARBAGE_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})


@dataclass(frozen=True)
class TextLayerStats:
    chars: int  # letters and digits
    garbage: int  # unmapped glyphs, controls, private-use characters
    total: int
    words: int
    wordlike: int

    @property
    def usable(self) -> bool:
        if self.chars < MIN_TEXT_CHARS or self.total == 0:
            return False
        if self.garbage / self.total > MAX_GARBAGE_SHARE:
            return False
        return self.words > 0 and self.wordlike / self.words >= MIN_WORDLIKE_SHARE


def open_plumber(path: str):  # -> pdfplumber.PDF
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(path)
    except PdfminerException as exc:  # pdfplumber wraps whatever pdfminer raised
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        if isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedFileError(f"{os.path.basename(path)} is protected by a password", path=path) from exc
        raise CorruptFileError(f"{os.path.basename(path)}: pdfminer cannot parse it: {exc}", path=path) from exc
    except PDFPasswordIncorrect as exc:
        raise EncryptedFileError(
            f"{os.path.basename(path)} is protected by a password", path=path
        ) from exc
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CorruptFileError(f"{os.path.basename(path)} is a damaged PDF: {exc}", path=path) from exc


def text_layer_stats(page: Any) -> TextLayerStats:
    """Measure how much real text a pdfplumber page carries."""
    chars = page.chars
    text = "".join(c.get("text", "") for c in chars)
    garbage = text.count("(cid:") * 5  # pdfminer spells an unmapped glyph as "(cid:NN)"
    garbage += sum(1 for ch in text if unicodedata.category(ch) in _GARBAGE_CATEGORIES)
    alnum = sum(1 for ch in text if ch.isalnum())
    tokens = "".join(ch if not ch.isspace() else " " for ch in text).split()
    words = [t for t in tokens if any(ch.isalnum() for ch in t)]
    wordlike = sum(1 for t in words if is_wordlike(t))
    return TextLayerStats(alnum, garbage, max(len(text), 1), len(words), wordlike)


def is_wordlike(token: str) -> bool:
    """A token that reads as a word or a number, not a jumble of glyphs."""
    core = token.strip(".,:;!?()[]«»\"'—–-№/%")
    if not core:
        return False
    if any(ch.isdigit() for ch in core):
        return sum(ch.isdigit() or ch in ".,:/-" for ch in core) >= len(core) * 0.6
    letters = [ch for ch in core if ch.isalpha()]
    if len(letters) < len(core) * 0.8:
        return False
    scripts = {_script(ch) for ch in letters}
    return len(scripts) == 1


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0]


def pages_with_text_layer(path: str) -> list[bool]:
    """For every page of the PDF, whether its own text layer is good enough to skip OCR."""
    with open_plumber(path) as pdf:
        flags = []
        for page in pdf.pages:
            try:
                flags.append(text_layer_stats(page).usable)
            except Exception:  # pdfminer raises anything on broken content streams
                flags.append(False)
            page.close()
        return flags


def read_text_layer(path: str, index: int, *, dpi: int = 300) -> PageText:
    """The words of page ``index`` (0-based) from the PDF's text layer."""
    with open_plumber(path) as pdf:
        page = pdf.pages[index]
        scale = dpi / 72.0
        raw = page.extract_words(keep_blank_chars=False, use_text_flow=True)
        page_width, page_height = float(page.width), float(page.height)
        rotation = sideways_turn(raw, int(getattr(page, "rotation", 0) or 0))
        if rotation:  # the characters of a sideways line follow each other down (or up) the page
            raw = page.extract_words(keep_blank_chars=False, use_text_flow=False,
                                     char_dir_rotated="ttb" if rotation == 270 else "btt")
        page.close()
    if rotation:
        raw = [turn_word(w, rotation, page_width, page_height) for w in raw]
        page_width, page_height = page_height, page_width
    width = round(page_width * scale)
    height = round(page_height * scale)
    words = group_lines(raw, scale=scale, width=width, height=height)
    return PageText(
        number=index + 1,
        width=width,
        height=height,
        words=tuple(words),
        source=TextSource.PDF_TEXT,
        rotation=rotation,
    )


def sideways_turn(raw: Sequence[dict[str, Any]], page_rotation: int = 0) -> int:
    """Degrees (clockwise) to turn a page whose text, as displayed (its /Rotate applied), runs down or up
    the page, so that it reads left to right: 270 for text running down, 90 for text running up, else 0.
    The extractors read rows, as on a page OCR turned upright. Which way is told by the page's /Rotate
    (upright content shown turned), else by the words' direction."""
    letters: dict[str, int] = {}
    for word in raw:
        direction = str(word.get("direction", "ltr"))
        letters[direction] = letters.get(direction, 0) + len(str(word.get("text", "")))
    total = sum(letters.values())
    sideways = letters.get("ttb", 0) + letters.get("btt", 0)
    if not total or sideways <= total / 2:
        return 0
    if page_rotation % 360 in (90, 270):
        return 360 - page_rotation % 360
    return 270 if letters.get("ttb", 0) >= letters.get("btt", 0) else 90


def turn_word(word: dict[str, Any], rotation: int, width: float, height: float) -> dict[str, Any]:
    """A word's box (points, top-left origin) on a page of ``width`` x ``height`` turned clockwise."""
    x0, top, x1, bottom = float(word["x0"]), float(word["top"]), float(word["x1"]), float(word["bottom"])
    if rotation == 270:  # (x, y) -> (y, width - x)
        box = (top, width - x1, bottom, width - x0)
    elif rotation == 90:  # (x, y) -> (height - y, x)
        box = (height - bottom, x0, height - top, x1)
    else:
        return word
    return {**word, "x0": box[0], "top": box[1], "x1": box[2], "bottom": box[3]}


def group_lines(
    raw: Sequence[dict[str, Any]], *, scale: float, width: int, height: int
) -> list[OcrWord]:
    """Cluster words into lines by vertical overlap; order lines top-down, words left-right."""
    items = sorted(
        (w for w in raw if str(w.get("text", "")).strip()),
        key=lambda w: (float(w["top"]), float(w["x0"])),
    )
    lines: list[list[dict[str, Any]]] = []
    spans: list[tuple[float, float]] = []
    for word in items:
        top, bottom = float(word["top"]), float(word["bottom"])
        middle = (top + bottom) / 2
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            line_top, line_bottom = spans[i]
            if line_top <= middle <= line_bottom:
                lines[i].append(word)
                spans[i] = (min(line_top, top), max(line_bottom, bottom))
                break
        else:
            lines.append([word])
            spans.append((top, bottom))
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    words: list[OcrWord] = []
    for line_no, i in enumerate(order):
        for word in sorted(lines[i], key=lambda w: float(w["x0"])):
            box = (
                _clamp(float(word["x0"]) * scale, width),
                _clamp(float(word["top"]) * scale, height),
                _clamp(float(word["x1"]) * scale, width),
                _clamp(float(word["bottom"]) * scale, height),
            )
            words.append(OcrWord(text=str(word["text"]), confidence=1.0, box=box, line=line_no))
    return words


def _clamp(value: float, limit: int) -> int:
    return max(0, min(round(value), limit))
