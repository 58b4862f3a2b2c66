"""A second OCR engine for pages printed in Latin script: PP-OCR (PaddleOCR's models run by ONNX Runtime
through ``rapidocr-onnxruntime``, whose wheel carries the models).

Tesseract stays the engine of every page: it reads Russian and English, gives the searchable PDF its
text, and tells which script a page is in. But on faint thermal till slips in Latin script (the
foreign-currency and imported-goods receipts of a retail chain, the SROIE receipts of bench/) its
reading loses what a neural line recogniser keeps: on the first 30 SROIE receipts the printed date was
in tesseract's text for 24 and in PP-OCR's for 30 (docs/benchmarks.md). PP-OCR's bundled recogniser
knows Latin letters, digits and Chinese, and no Cyrillic, so it is asked only about pages whose
tesseract reading is in Latin script (:func:`is_latin_page`) and unsure (:func:`reads_poorly`: clean
print reads as well by tesseract), and its words replace tesseract's only when they hold most of the
text tesseract found (:func:`better`). Where the two engines read one stretch of a line alike, letter for
letter, tesseract's spaces and punctuation are kept (PP-OCR runs words together and drops a line's
last comma); where they read it differently, the surer engine's words stand (:func:`fuse`).

PP-OCR finds text lines and reads each as a whole; it often leaves out the spaces of tightly set print
("ABCHOTRADING"). Each character comes with the position the recogniser read it at, so a line is cut
into words where it says a space is, and where the step from one character to the next is much longer
than the line's usual step (:data:`WORD_GAP`). A word's confidence is the mean of its characters'.

The engine is optional: ``[ocr] latin_engine`` picks ``auto`` (PP-OCR when installed), ``ppocr``
(required: a machine without it fails loudly) or ``tesseract`` (never).
"""

from __future__ import annotations

import functools
import logging
import re
import statistics
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from capture.types import OcrWord
from finarchive.errors import MissingDependencyError

ENGINES = ("auto", "ppocr", "tesseract")
# A step between two characters' centres this many times the line's median step is a space
# (measured on SROIE: 1.5 cuts dates in two, 2.2 glues labels to values; 1.7 keeps both whole).
WORD_GAP = 1.7
# A page is in Latin script when tesseract read at least this many letters of it surely, all Latin but
# for at most MAX_RUSSIAN_WORDS words that can only be Russian: PP-OCR's model reads no Cyrillic, and an
# English contract that names a Russian customer must keep the name.
SURE = 0.5
MIN_LETTERS = 20
MAX_RUSSIAN_WORDS = 1
# Cyrillic letters with a Latin twin: a Latin word misread by rus+eng comes out in these ("ТАХ" for "TAX").
_TWINS = frozenset("АВЕКМНОРСТУХаеокрсух")
# A page tesseract read this surely (mean confidence over its letters) keeps its reading: PP-OCR is for
# poor print. Clean print reads as well by either, and PP-OCR runs tight words together.
WELL_READ = 0.9
# PP-OCR's words replace tesseract's only when they hold at least this share of tesseract's characters:
# a page PP-OCR finds little on (a faded photo, a page of small print it did not detect) keeps its reading.
MIN_SHARE = 0.6
# Where the engines read a stretch differently, tesseract's words stand when it read each of them at least
# this surely and more surely than PP-OCR read its own (PP-OCR is rarely unsure, so this is seldom).
TESSERACT_SURE = 0.85
# A number tesseract cut at its decimal point ("101. 00"): PP-OCR's one word stands.
_BROKEN_NUMBER = re.compile(r"\d[.,] \d")


def available() -> bool:
    """Whether PP-OCR can run here (``rapidocr-onnxruntime`` and ONNX Runtime installed)."""
    from importlib.util import find_spec  # found, not imported: a worker that never meets a Latin page pays nothing

    return find_spec("onnxruntime") is not None and find_spec("rapidocr_onnxruntime") is not None


def wanted(setting: str) -> bool:
    """Whether pages in Latin script are read by PP-OCR under ``[ocr] latin_engine = setting``."""
    if setting not in ENGINES:
        raise ValueError(f"[ocr] latin_engine must be one of {', '.join(ENGINES)}, not {setting!r}")
    if setting == "tesseract":
        return False
    if available():
        return True
    if setting == "ppocr":
        raise MissingDependencyError(
            "[ocr] latin_engine = ppocr, but rapidocr-onnxruntime is not installed (make install installs it)")
    return False


@functools.cache
def _get_engine():
    """One engine per process, models loaded once; one thread, as every OCR worker has one core."""
    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def is_latin_page(words: Sequence[OcrWord]) -> bool:
    """Whether a page's reading is in Latin script: its surely read letters Latin, and no Russian words."""
    latin = russian = 0
    for word in words:
        if word.confidence < SURE:
            continue
        letters = [ch for ch in word.text if ch.isalpha()]
        latin += sum(1 for ch in letters if "a" <= ch.lower() <= "z")
        if len(letters) >= 3 and all("\u0400" <= ch <= "\u04ff" for ch in letters) and (
                any(ch not in _TWINS for ch in letters)):
            russian += 1
    return latin >= MIN_LETTERS and russian <= MAX_RUSSIAN_WORDS


def reads_poorly(words: Sequence[OcrWord]) -> bool:
    """Whether tesseract's reading of a page is unsure enough for PP-OCR to be worth asking."""
    letters = sum(len(w.text) for w in words)
    if not letters:
        return False
    return sum(w.confidence * len(w.text) for w in words) / letters < WELL_READ


def read(image: np.ndarray, scale: int = 1) -> tuple[OcrWord, ...]:
    """The words of an upright page image (grey or colour), with boxes in the page's pixels
    (``image`` is ``scale`` times the page's size)."""
    result, _ = _get_engine()(image, return_word_box=True)
    return words_from_lines(result or (), scale)


def read_lines_where(image: np.ndarray, keep: Callable[[tuple[int, int, int, int]], bool]) -> tuple[OcrWord, ...]:
    """:func:`read` of only the text lines whose detected box (left, top, right, bottom, in ``image``'s pixels)
    ``keep`` accepts: the detector runs on the whole page as before, the recogniser (most of PP-OCR's time on
    a form) only on the lines kept. The steps are RapidOCR's own (its ``__call__`` with word boxes), the lines
    chosen between its detection and its angle classifier."""
    engine = _get_engine()
    img = engine.load_img(image)
    raw_h, raw_w = img.shape[:2]
    img, ratio_h, ratio_w = engine.preprocess(img)
    record: dict[str, dict[str, float]] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    img, record = engine.maybe_add_letterbox(img, record)
    boxes, _ = engine.auto_text_det(img)
    if boxes is None:
        return ()
    origin = engine._get_origin_points(boxes, record, raw_h, raw_w)
    chosen = [i for i, quad in enumerate(origin)
              if keep((int(quad[:, 0].min()), int(quad[:, 1].min()), int(quad[:, 0].max()), int(quad[:, 1].max())))]
    if not chosen:
        return ()
    boxes = [boxes[i] for i in chosen]
    crops = engine.get_crop_img_list(img, boxes)
    if engine.use_cls:
        crops, _, _ = engine.text_cls(crops)
    found, _ = engine.text_rec(crops, True)
    found = engine.cal_rec_boxes(crops, boxes, found)
    for line in found:
        if line[2]:
            line[2] = engine._get_origin_points(line[2], record, raw_h, raw_w).astype(np.int32).tolist()
    lines = [[origin[i].tolist(), *line] for i, line in zip(chosen, found, strict=True)
             if float(line[1]) >= engine.text_score]
    return words_from_lines(lines)


def words_from_lines(lines: Sequence[Sequence], scale: int = 1) -> tuple[OcrWord, ...]:
    """Words from PP-OCR's lines: ``[quad, text, confidence, char_boxes, chars, char_confidences]``,
    in reading order (top to bottom; a row's lines are joined again by the extractor's layout)."""
    ordered = sorted(lines, key=lambda r: (min(p[1] for p in r[0]), min(p[0] for p in r[0])))
    words: list[OcrWord] = []
    for number, line in enumerate(ordered):
        quad, text, confidence = line[0], line[1], float(line[2])
        top = int(min(p[1] for p in quad)) // scale
        bottom = -(-int(max(p[1] for p in quad)) // scale)
        if len(line) >= 6 and line[4]:
            pieces = _split(line[3], line[4], line[5])
        else:  # no character positions: the line's spaces only, each word boxed by the line's width
            left, right = min(p[0] for p in quad), max(p[0] for p in quad)
            pieces = [(part, confidence, left, right) for part in text.split()]
        for piece, conf, left, right in pieces:
            part = unicodedata.normalize("NFKC", piece).strip()  # full-width "，" and "：" as ASCII
            if part:
                words.append(OcrWord(part, round(conf, 3), (int(left) // scale, top, -(-int(right) // scale),
                                                              bottom), number, 0))
    return tuple(words)


def _split(boxes: Sequence, chars: Sequence[str],
           confidences: Sequence[float]) -> list[tuple[str, float, float, float]]:
    centres = [(b[0][0] + b[1][0]) / 2 for b in boxes]
    steps = [centres[i + 1] - centres[i] for i in range(len(chars) - 1)
             if chars[i].strip() and chars[i + 1].strip()]
    usual = statistics.median(steps) if steps else 0.0
    groups: list[list[int]] = []
    current: list[int] = []
    for i, ch in enumerate(chars):
        if not ch.strip():
            if current:
                groups.append(current)
            current = []
            continue
        if current and usual > 0 and centres[i] - centres[current[-1]] > WORD_GAP * usual:
            groups.append(current)
            current = []
        current.append(i)
    if current:
        groups.append(current)
    out = []
    for group in groups:
        xs = [p[0] for i in group for p in boxes[i]]
        conf = sum(float(confidences[i]) for i in group) / len(group)
        out.append(("".join(chars[i] for i in group), conf, min(xs), max(xs)))
    return out


def better(ppocr: Sequence[OcrWord], tesseract: Sequence[OcrWord]) -> bool:
    """Whether PP-OCR's reading of a page should replace tesseract's: it holds most of the text."""
    theirs = sum(len(w.text) for w in tesseract if w.confidence >= SURE)
    ours = sum(len(w.text) for w in ppocr)
    return ours > 0 and ours >= MIN_SHARE * theirs


def fuse(ppocr: Sequence[OcrWord], tesseract: Sequence[OcrWord]) -> tuple[OcrWord, ...]:
    """PP-OCR's reading of a page with tesseract's put in where it is better, stretch by stretch.

    A stretch is a run of one PP-OCR line's words and the tesseract words over them (boxes overlapping
    across most of the narrower word, on the same text line). Its letters and digits read alike by both
    engines, tesseract's words are taken when it read them surely (:data:`SURE`): its spacing and its
    punctuation (PP-OCR's model reads many commas as full stops and drops a line's last comma); read
    differently, tesseract's words stand when it is sure of them (:data:`TESSERACT_SURE`) and surer than
    PP-OCR. Lines keep PP-OCR's order and height, so the extractor's rows are the same either way."""
    lines: dict[int, list[OcrWord]] = {}
    for word in ppocr:
        lines.setdefault(word.line, []).append(word)
    taken: set[int] = set()
    out: list[OcrWord] = []
    for number, words in sorted(lines.items()):
        for ours, theirs in _stretches(sorted(words, key=lambda w: w.box[0]), tesseract, taken):
            out.extend(_pick(ours, theirs, number))
    return tuple(out)


def _overlap(a: OcrWord, b: OcrWord) -> bool:
    across = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    return across > 0.3 * min(a.box[2] - a.box[0], b.box[2] - b.box[0])


def _stretches(words: list[OcrWord], tesseract: Sequence[OcrWord], taken: set[int]
               ) -> list[tuple[list[OcrWord], list[OcrWord]]]:
    top, bottom = min(w.box[1] for w in words), max(w.box[3] for w in words)

    def on_line(word: OcrWord) -> bool:
        height = max(1, min(word.box[3] - word.box[1], bottom - top))
        return (min(word.box[3], bottom) - max(word.box[1], top)) / height >= 0.5

    near = [i for i, w in enumerate(tesseract) if i not in taken and on_line(w)]
    groups: list[tuple[set[int], set[int]]] = []  # (indices into words, indices into tesseract)
    for i, word in enumerate(words):
        over = {j for j in near if _overlap(word, tesseract[j])}
        joined = [g for g in groups if g[1] & over]
        ours, theirs = {i}, over
        for g in joined:
            ours, theirs = ours | g[0], theirs | g[1]
            groups.remove(g)
        groups.append((ours, theirs))
    out = []
    for ours, theirs in sorted(groups, key=lambda g: min(g[0])):
        taken |= theirs
        out.append(([words[i] for i in sorted(ours)], sorted((tesseract[j] for j in theirs), key=lambda w: w.box[0])))
    return out


def _letters(words: Sequence[OcrWord]) -> str:
    return "".join(ch for w in words for ch in w.text if ch.isalnum()).casefold()


def _pick(ours: list[OcrWord], theirs: list[OcrWord], line: int) -> list[OcrWord]:
    if not theirs:
        return ours
    sure_ours, sure_theirs = min(w.confidence for w in ours), min(w.confidence for w in theirs)
    if _letters(ours) == _letters(theirs):
        if sure_theirs < SURE or _BROKEN_NUMBER.search(" ".join(w.text for w in theirs)):
            return ours
        confidence = max(sure_ours, sure_theirs)  # two engines read it alike
    elif sure_theirs >= TESSERACT_SURE and sure_theirs > sure_ours:
        confidence = sure_theirs
    else:
        return ours
    top, bottom = min(w.box[1] for w in ours), max(w.box[3] for w in ours)
    return [OcrWord(w.text, confidence, (w.box[0], top, w.box[2], bottom), line, 0) for w in theirs]


# A number as PP-OCR reads one in a form's small print: digits with the punctuation of amounts, dates, INN/KPP
# pairs and order numbers between them (1598,00; 21.07.2025; 7701234567/770101001; 2025-440), or a code of
# capitals, a hyphen and digits (an order's ORD-2025-440, an outlet's MSK-204; a 1C prefix's ЗК- PP-OCR reads
# as 3K-, which the look-alike step puts right).
_NUMBER = re.compile(r"(?:[0-9]|(?<![A-Za-z])[A-Z0-9]{1,4}-[0-9])[0-9.,/:\-]*[0-9]")
# A tax number's digits: an INN of ten or twelve, alone or before its KPP of nine («7701234567/770101001»).
_TAX_NUMBER_LENGTHS = {10: 10, 12: 12, 19: 10, 21: 12}  # the digits read -> the INN's own
MIN_DIGITS = 3  # shorter numbers (a line's number, a quantity) are not worth a change of reading
# A number tesseract has no word over is put in only when PP-OCR read it at least this surely: nothing
# else says it is there; on a row where tesseract read nothing at all (a line of blurred print it lost whole),
# EMPTY_ROW_SURE.
NEW_NUMBER_SURE = 0.9
EMPTY_ROW_SURE = 0.8
# Letters PP-OCR reads for digits inside a tax number («66580S7328»): taken as the digits only when the number
# then has its check digits right.
_TAX_DIGIT_TWINS = "015"
# A number inside a word of PP-OCR's (a label run into it) is taken when it has this many digits (a tax number,
# an account, an amount in full), two letters or more before it or nothing, and no letter after it: a model's
# «A55 8/256GB» or a unit's digits glued to a name are not numbers of their own. A date is taken wherever it
# stands («N304r21.11.2025» for «№ 304 от 21.11.2025»).
PIECE_DIGITS = 6
_DATE = re.compile(r"[0-3][0-9][.,][01][0-9][.,](?:19|20)[0-9]{2}")


def _numbers(ppocr: Sequence[OcrWord]) -> list[tuple[OcrWord, bool]]:
    """The numbers of PP-OCR's words, each with whether it was cut out of a longer word: a word that is a number,
    and the numbers inside a word that runs a label's letters into its value («HH5402350269,KII» for «ИНН
    5402350269, КПП»), each boxed by its share of the word's characters; a word whose look-alike letters
    (``_TAX_DIGIT_TWINS``) make it a tax number with its check digits right, as that number. Numbers run together
    at a comma before four digits or more («541001001,630007»: a KPP and a postcode) are two."""
    from classify import _lookalikes as lookalikes

    out = []
    for word in ppocr:
        as_tax = lookalikes.as_digits(word.text, _TAX_DIGIT_TWINS)
        if as_tax != word.text and _checks(as_tax) and sum(ch.isdigit() for ch in word.text) >= MIN_DIGITS:
            out.append((replace(word, text=as_tax), False))
            continue
        pieces = [span for m in _NUMBER.finditer(word.text) for span in _split_at_commas(word.text, *m.span())]
        left, right, size = word.box[0], word.box[2], max(1, len(word.text))
        for start, end in pieces:
            text = word.text[start:end]
            if sum(ch.isdigit() for ch in text) < MIN_DIGITS:
                continue
            if (start, end) == (0, len(word.text)):
                out.append((word, False))
                continue
            if not _DATE.fullmatch(text) and (
                    sum(ch.isdigit() for ch in text) < PIECE_DIGITS or word.text[end:end + 1].isalpha()
                    or (start and not word.text[max(0, start - 2):start].isalpha() and word.text[start - 1] != ",")):
                continue
            box = (left + (right - left) * start // size, word.box[1], left + -(-(right - left) * end // size),
                   word.box[3])
            out.append((replace(word, text=text, box=box), True))
    return out


_LIST_COMMA = re.compile(r",(?=[0-9]{4})")


def _split_at_commas(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [m.start() for m in _LIST_COMMA.finditer(text, start, end)]
    return list(zip([start, *(cut + 1 for cut in cuts)], [*cuts, end], strict=True))


def fuse_numbers(ppocr: Sequence[OcrWord], tesseract: Sequence[OcrWord]) -> tuple[OcrWord, ...]:
    """Tesseract's reading with PP-OCR's numbers put in where the two read a number differently.

    On blurred small print at 80-130 dpi tesseract's recogniser reads digits as other digits («2308.00» for
    1 598,00, «$47.49» for 947,49) or skips a cell, where PP-OCR's, trained on photographed text, reads them
    right more often; its model has no Cyrillic, so only its numbers are taken. A PP-OCR number replaces the
    tesseract words over it (on its text line, overlapping across most of the narrower word) when they read
    other digits and are mostly digits themselves or unsure (:data:`SURE`): a label tesseract read surely there
    («ИНН», «Итого») is not a misread number, and stays; nor does a number whose digits PP-OCR cut at its box's
    edge (its digits inside tesseract's). Read alike but in pieces («09 04 2025»), PP-OCR's one word stands. A
    number over no tesseract word is put in when PP-OCR is sure of it (:data:`NEW_NUMBER_SURE`; fairly sure,
    :data:`EMPTY_ROW_SURE`, on a row tesseract read nothing on), on the tesseract line beside it. The numbers are
    those of :func:`_numbers` (inside a word that ran its label in too); a code of capitals read alike in either
    script, two numbers tesseract read with a comma between them, and a tax number whose check digits hold in
    tesseract's reading and not in PP-OCR's keep tesseract's reading; labels read surely over the number stay.
    Everything else, the layout and the line numbers, is tesseract's."""
    words = list(tesseract)
    replaced: dict[int, OcrWord | None] = {}
    added: dict[int, list[OcrWord]] = {}  # words put in after tesseract's word of this index (-1: at the end)
    for number, piece in _numbers(ppocr):
        row = [i for i, w in enumerate(words) if _same_line(number, w)]
        over = [i for i in row if i not in replaced and _overlap(number, words[i])]
        if not over:
            sure = NEW_NUMBER_SURE if row else EMPTY_ROW_SURE
            if number.confidence >= sure and not any(_overlap(number, words[i]) for i in row):
                left = [i for i in row if words[i].box[2] <= number.box[0]]
                anchor = max(left, key=lambda i: words[i].box[2]) if left else (min(row) - 1 if row else -1)
                at = words[anchor] if anchor >= 0 else words[row[0]] if row else None
                line, block = (at.line, at.block) if at is not None else (-1, -1)
                added.setdefault(anchor, []).append(replace(number, line=line, block=block))
            continue
        # a label read surely beside the number («ИНН», «КПП») stays; a code's own letters («ORD») are the number's
        labels = [i for i in over if _sure_letters(words[i]) and _plain([words[i]]) not in _plain([number])]
        if labels and len(labels) < len(over):
            over = [i for i in over if i not in labels]
        theirs = [words[i] for i in over]
        digits, ours = _plain(theirs), _plain([number])
        if digits == ours:
            if len(over) == 1 or not any(ch in ".,/-" for ch in number.text):
                continue  # read alike (a number in pieces is PP-OCR's one word; a code's letters of either script)
            if any(w.text[-1] in ",;" for w in theirs[:-1]):
                continue  # two numbers, a comma between them («540245001, 630132,»), that PP-OCR ran together
        elif ours in digits:
            continue  # PP-OCR cut it short
        elif piece and digits in ours:
            continue  # a label's last letter PP-OCR read as a digit before the number («KПП» as «Knn1»)
        elif _checks(digits) and not _checks(ours):
            continue  # tesseract's tax number has its check digits right, PP-OCR's has not
        elif 2 * sum(ch.isdigit() for ch in digits) < len(digits) and min(w.confidence for w in theirs) >= SURE:
            continue  # a word tesseract read surely as letters
        first = next((k for k, w in enumerate(theirs) if any(ch.isdigit() for ch in w.text)), 0)
        over = over[first:] + over[:first]  # the number stands where tesseract's first digits do
        theirs = theirs[first:] + theirs[:first]
        replaced[over[0]] = replace(theirs[0], text=number.text, box=number.box,
                                    confidence=round(min(number.confidence, *(w.confidence for w in theirs)), 3))
        for i in over[1:]:
            replaced[i] = None
    if not replaced and not added:
        return tuple(tesseract)
    out: list[OcrWord] = []
    # put in before tesseract's first word: the numbers on its row to the left of it (those on no row at all
    # go at the end, on lines of their own, below)
    out.extend(w for w in added.get(-1, []) if w.line >= 0)
    for i, word in enumerate(words):
        kept = replaced.get(i, word)
        if kept is not None:
            out.append(kept)
        out.extend(added.get(i, []))
    last = max((w.line for w in words), default=0) + 1
    out.extend(replace(w, line=last + k, block=words[-1].block if words else 0)
               for k, w in enumerate(w for w in added.get(-1, []) if w.line < 0))
    return tuple(out)


def _plain(words: Sequence[OcrWord]) -> str:
    """The words' letters and digits, case folded, their Cyrillic letters that have a Latin twin written as that
    twin (PP-OCR has no Cyrillic: its «YT-4362» is tesseract's «УТ-4362»)."""
    from classify import _lookalikes as lookalikes

    return _letters([replace(w, text=lookalikes.to_latin(w.text)) for w in words])


def _sure_letters(word: OcrWord) -> bool:
    """Whether tesseract read ``word`` surely as letters, with no digit (a label)."""
    return word.confidence >= SURE and any(ch.isalpha() for ch in word.text) and not any(
        ch.isdigit() for ch in word.text)


def _checks(letters: str) -> bool:
    """Whether ``letters`` (a reading's letters and digits) are a tax number whose check digits hold."""
    from classify.normalise import valid_inn

    length = _TAX_NUMBER_LENGTHS.get(len(letters))
    return length is not None and letters.isdigit() and valid_inn(letters[:length])


# A stretch of a line with no tesseract word this many line heights wide may hold a number tesseract skipped.
NUMBER_GAP = 1.0


def may_change_numbers(box: tuple[int, int, int, int], tesseract: Sequence[OcrWord]) -> bool:
    """Whether :func:`fuse_numbers` could take anything from a PP-OCR line with this box (page pixels): it
    can not when the line is covered, without a gap of NUMBER_GAP line heights, by words tesseract read surely
    as letters — a number read there would be refused as "a word tesseract read surely as letters" — so
    PP-OCR need not read it (:func:`read_lines_where`). A line over no tesseract word, over a digit, over
    punctuation alone or over an unsure word is read."""
    left, top, right, bottom = box
    line = OcrWord("", 0.0, box, 0, 0)
    over = sorted((w for w in tesseract if _same_line(line, w) and min(w.box[2], right) > max(w.box[0], left)),
                  key=lambda w: w.box[0])
    gap = NUMBER_GAP * max(1, bottom - top)
    reach = left
    for word in over:
        letters = [ch for ch in word.text if ch.isalnum()]
        if not letters or 2 * sum(ch.isdigit() for ch in letters) >= len(letters) or word.confidence < SURE:
            return True
        if word.box[0] - reach >= gap:
            return True
        reach = max(reach, word.box[2])
    return not over or right - reach >= gap


def _same_line(a: OcrWord, b: OcrWord) -> bool:
    """Whether two words' boxes share most of the lower one's height."""
    height = max(1, min(a.box[3] - a.box[1], b.box[3] - b.box[1]))
    return (min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])) / height >= 0.5
