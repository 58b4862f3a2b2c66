"""Reading pages: the heavy, picklable :func:`read_page` run in worker processes, and helpers.

For each page: load it (PDF pages rendered by pdfium at ``job.dpi``, TIFF frames, images); if the
PDF page has its own text layer, take its words (no OCR); else clean the image and OCR it once,
checking the orientation only when the result looks bad. A page still bad after that is read once more
from an enhanced copy (:func:`capture.preprocess.enhance_page`: coloured ink kept dark, stripes and dark
surroundings whitened, small pages enlarged, thin strokes thickened), and a small page of small print is
read from that copy first; pages that read well pay nothing. Derived files for the web viewer and the
searchable PDF are written into ``job.derived_dir``:
``page-<n>.png`` (cleaned 8-bit grayscale), ``page-<n>.thumb.jpg`` (about 200 px wide) and
``page-<n>.pdf`` (one page, image plus invisible text, from the same tesseract run).
"""

from __future__ import annotations

import math
import os
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from time import perf_counter

import cv2
import numpy as np
from PIL import Image, ImageOps

from capture import _quality, _reread, engines, formats, stages
from capture.stages import stage
from capture._entry import merge_pdfs
from capture._hook import reading_hook
from capture._lookalike_words import fix_lookalike_words
from capture._files import image_dpi, load_frame, open_image, open_pdf, sniff
from capture.barcodes import read_codes
from capture.exceptions import CaptureError, CorruptFileError, OcrError
from capture.pages import plan_pages
from capture.pdftext import read_text_layer
from capture.preprocess import (
    CleanedPage,
    clean_page,
    enhance_page,
    flatten_photo,
    has_background,
    has_ink,
    ink_share,
    is_small_print,
    lines_run_vertically,
    may_have_background,
    rotate_right_angle,
)
from capture.types import OcrWord, PageJob, PageResult, PageText, TextSource
from finarchive.errors import MissingDependencyError

log = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 200
PNG_COMPRESSION = 1  # 0..9: zlib's fastest; a clean A4 page is still well under a megabyte
PDF_JPEG_QUALITY = 80  # the page image inside the searchable PDF
MIN_INK_FOR_ORIENTATION = 0.002  # a blank page is not turned, whatever tesseract says
# The rotations tried when tesseract's orientation detection cannot tell.
FALLBACK_ROTATIONS = (180,)
OSD_MAX_WIDTH = 1400  # pixels: orientation is judged on a copy no wider than this
# A turned reading that tesseract's OSD did not ask for replaces the upright one only when it scores this
# many times better: two readings of noise differ by chance, and an upright page is the common case.
UNASKED_ROTATION_MARGIN = 1.5
# Colour modes read in colour for the enhanced second try (the first reading uses luminance).
COLOUR_MODES = frozenset({"RGB", "RGBA", "CMYK", "P", "YCbCr", "LAB", "HSV"})
# A page this many times taller than wide (upright) is a strip of roll paper: a till slip, a Z-report,
# a terminal's slip (A4 portrait is 1.41). Such a page is one column whose labels sit at the left
# margin and values at the right, and tesseract's automatic layout (psm 3) cuts it into a column of
# labels and a column of values, losing the values' last characters at the cut ("149281." for
# "149281.05"). Read as one column of variable-size text (psm 4) the rows stay whole.
STRIP_ASPECT = 1.6
PHOTO_DPI = 300  # the dpi a flattened photo is announced at (its letters are brought to that size)
# A photographed sheet enlarged this many times or more (letters under 12 px: a form photographed at 80-130
# dpi) has its numbers read again (read_numbers_again); till slips photographed closer are enlarged less.
SMALL_PHOTO_SCALE = 2.0
STRIP_PSM = 4
# A photographed sheet of small blurred print that still reads badly after every step has its large print (a
# form's title, its number and date) read again from a copy LARGE_PRINT_SCALE of its size: the small print
# blurs there below what tesseract takes for letters, and read as sparse text (psm 11) the large print is no
# longer lost in the noise tesseract's layout makes of the small print around it. Its words read at
# LARGE_PRINT_SURE or more, of MIN_LARGE_WORD characters or more, replace the unsure words under them.
LARGE_PRINT_SCALE = 0.5
LARGE_PRINT_PSM = 11
LARGE_PRINT_SURE = 0.8
MIN_LARGE_WORD = 3


@dataclass(frozen=True)
class _Loaded:
    image: Image.Image  # 8-bit grayscale
    dpi: int
    photo: bool = False  # a phone photo made flat (capture.preprocess.flatten_photo): image is the flat sheet
    enlarged: float = 1.0  # how much the flat sheet was enlarged for its letters' height


@dataclass(frozen=True)
class _Reading:
    words: tuple
    pdf: bytes | None
    rotation: int
    image_path: str
    score: float
    gray: np.ndarray  # the upright (unturned) image read
    scale: int = 1  # gray's size over the page's: words are given in page pixels


def read_page(job: PageJob) -> PageResult:
    """Read one page. A page that fails comes back with ``page.error`` set; a file that cannot
    be opened at all raises its :class:`CaptureError`."""
    reading_hook("page", job.path)
    if job.kind in formats.KINDS:  # an electronic document: its own text, drawn for the viewer
        return formats.read_electronic_page(job)
    start = perf_counter()
    number = job.index + 1
    try:
        with stage("page, other"):
            if job.derived_dir:
                os.makedirs(job.derived_dir, exist_ok=True)
            try:
                if job.kind == "pdf" and job.has_text_layer:
                    result = _read_text_layer_page(job)
                else:
                    with stage("decode"):
                        loaded = _load(job)  # raises for an unopenable file
                    result = _read_by_ocr(job, loaded)
            except _PageFailure as failure:
                error = failure.error
                page = PageText(number=number, width=0, height=0, words=(), error=f"{error.reason}: {error}")
                result = PageResult(job=job, page=page)
    finally:
        stages.flush("page")
    return replace(result, seconds=round(perf_counter() - start, 3))


class _PageFailure(Exception):
    """Carries a page-level CaptureError out of the reading steps."""

    def __init__(self, error: CaptureError) -> None:
        super().__init__(str(error))
        self.error = error


# --- loading ---------------------------------------------------------------------------------


def _load(job: PageJob) -> _Loaded:
    if job.kind == "pdf":
        return _render_pdf_page(job.path, job.index, job.dpi, job.max_pixels)
    media_type, _ = sniff(job.path)
    with open_image(job.path, media_type, max_pixels=job.max_pixels) as image:
        try:
            frame = load_frame(image, job.index, job.path, job.max_pixels)
        except CaptureError as exc:
            raise _PageFailure(exc) from exc
        return _Loaded(frame, image_dpi(image, default=job.dpi))


def _render_pdf_page(path: str, index: int, dpi: int, max_pixels: int) -> _Loaded:
    pdf = open_pdf(path)
    try:
        try:
            page = pdf[index]
            width, height = page.get_size()
            scale = dpi / 72.0
            if width * height * scale * scale > max_pixels:
                scale = math.sqrt(max_pixels / (width * height))  # a huge page: render smaller
            bitmap = page.render(scale=scale, grayscale=True)
            image = bitmap.to_pil().convert("L")
        except Exception as exc:  # pdfium reports failures as bare exceptions
            raise _PageFailure(
                CorruptFileError(f"page {index + 1} of {os.path.basename(path)} cannot be rendered: {exc}", path=path)
            ) from exc
        return _Loaded(image, round(scale * 72))
    finally:
        pdf.close()


# --- the two ways of reading -------------------------------------------------------------------


def _read_text_layer_page(job: PageJob) -> PageResult:
    try:
        with stage("text layer"):
            page = read_text_layer(job.path, job.index, dpi=job.dpi)
    except CaptureError:
        raise
    except Exception as exc:  # pdfminer raises anything on broken content streams
        raise _PageFailure(CorruptFileError(f"text layer of page {job.index + 1}: {exc}", path=job.path)) from exc
    if not job.derived_dir:
        return PageResult(job=job, page=page)
    with stage("derived files"):
        return _write_text_layer_derived(job, page)


def _write_text_layer_derived(job: PageJob, page: PageText) -> PageResult:
    loaded = _render_pdf_page(job.path, job.index, job.dpi, job.max_pixels)
    gray = rotate_right_angle(np.asarray(loaded.image, dtype=np.uint8), page.rotation)  # upright, as its words
    png, thumb = _derived_paths(job)
    _write_png(gray, png)
    _write_thumbnail(gray, thumb)
    page_pdf = _extract_pdf_page(job)
    return PageResult(job=job, page=page, cleaned_image=png, thumbnail=thumb, page_pdf=page_pdf)


# --- the route of a scanned page ------------------------------------------------------------------
# A page with no text layer goes through these steps, top to bottom (as OCRmyPDF's pipeline does). Each
# step looks at the page's properties and either acts or passes the page on as it is: a clean upright scan
# is cleaned and read once, and pays nothing for the steps that are not for it. The OCR engines are behind
# capture/engines: the steps never name one.


@dataclass(frozen=True)
class _Page:
    """A page on its way through the steps."""

    job: PageJob
    loaded: _Loaded
    tmp: str  # a folder for the images tesseract reads
    want_pdf: bool
    cleaned: CleanedPage | None = None
    best: _Reading | None = None
    route: str = ""  # which first reading the page got: sideways, small print or upright


def flatten_photo_page(page: _Page) -> _Page:
    """A phone photo of a sheet (its margins are a desk, not paper) becomes the flat sheet, evenly lit, its
    letters brought to a readable height; a scan is left as it is, after a look at its margins."""
    gray = np.asarray(page.loaded.image, dtype=np.uint8)
    colour = None
    if not has_background(gray):  # a desk as light as the paper in grey may still differ from it in colour,
        if not may_have_background(gray):  # or papers as light as the sheet lie all round it (its edges tell)
            return page
        colour = _colour_array(page.job)
        if colour is None:
            return page
    if colour is None:
        colour = _colour_array(page.job)
    flat = flatten_photo(colour if colour is not None else gray)
    if flat is None:
        return page
    # letters now have the height of 10-12 pt print at 300 dpi, whatever the photo's nominal dpi was
    return replace(page, loaded=_Loaded(Image.fromarray(flat.image), PHOTO_DPI, photo=True, enlarged=flat.scale))


def clean(page: _Page) -> _Page:
    """Dark scanner borders whitened, the page straightened, impulse noise taken out."""
    return replace(page, cleaned=clean_page(page.loaded.image))


def read_sideways(page: _Page) -> _Page:
    """A page whose lines visibly run up or down is turned a quarter: OSD says which way, and it is read
    once, upright. A page OSD cannot tell about goes on to the usual reading."""
    gray = _cleaned(page).image
    if not lines_run_vertically(gray):
        return page
    found = _engine().orientation(_osd_image(gray, page.tmp), job=page.job)
    if found is None or found.rotate not in (90, 270):
        return page
    reading = _ocr_image(gray, found.rotate, page)
    if _quality.looks_bad(reading.words):
        plain = _ocr_image(gray, 0, page, again=True)
        reading = plain if plain.score > reading.score else reading
    return replace(page, best=reading, route="sideways")


def read_small_print(page: _Page) -> _Page:
    """Small print (a receipt photographed or scanned at low resolution) is read from the enhanced,
    enlarged copy first, as that is the one that usually reads; the page as it is when that looks bad."""
    cleaned = _cleaned(page)
    if page.best is not None or not is_small_print(cleaned.image):
        return page
    best = _read_enhanced_copy(page, 0)
    if _quality.looks_bad(best.words):
        plain = _ocr_image(cleaned.image, 0, page, again=True)
        best = plain if plain.score > best.score else best
    return replace(page, best=best, route="small print")


def read_upright(page: _Page) -> _Page:
    """The one reading of an ordinary page: the cleaned page as it lies."""
    if page.best is not None:
        return page
    return replace(page, best=_ocr_image(_cleaned(page).image, 0, page), route="upright")


def fix_orientation(page: _Page) -> _Page:
    """The reading looks bad: ask OSD, try what it says (or 180), keep the best.

    A rotation OSD did not name must beat the upright reading by UNASKED_ROTATION_MARGIN: otherwise an
    upright page that reads as noise either way was kept turned whenever the turned noise scored a little
    higher. A blank page is not turned, whatever OSD says."""
    first = _best(page)
    if page.route == "sideways" or not _quality.looks_bad(first.words):
        return page
    if ink_share(_cleaned(page).image) < MIN_INK_FOR_ORIENTATION:
        return page
    found = _engine().orientation(_osd_image(first.gray, page.tmp), job=page.job)
    if found is not None and found.rotate == 0:
        return page
    asked = found is not None
    candidates = (found.rotate,) if found is not None else FALLBACK_ROTATIONS
    margin = 1.0 if asked else UNASKED_ROTATION_MARGIN
    best = first
    for rotation in candidates:
        reading = _ocr_image(first.gray, rotation, page, first.scale, again=True)
        if reading.score > best.score * margin:
            best = reading
    return replace(page, best=best)


def read_enhanced(page: _Page) -> _Page:
    """A page still read badly is read once more from the enhanced copy (coloured ink kept dark, stripes
    and dark surroundings whitened, small pages enlarged, thin strokes thickened); the better reading stays."""
    first = _best(page)
    if page.route != "upright" or not _quality.looks_bad(first.words) or not has_ink(_cleaned(page).image):
        return page
    reading = _read_enhanced_copy(page, first.rotation, again=True)
    return replace(page, best=reading) if reading.score > first.score else page


def take_second_look(page: _Page) -> _Page:
    """The second-look engines a page's properties call for (capture/engines: PP-OCR for Latin script read
    poorly, the unsure words cut out and read again: an enlarged photo's sharpened), the first that gives
    words winning. One that fails leaves the reading as it was."""
    best = _best(page)
    upright = rotate_right_angle(best.gray, best.rotation)
    for engine in engines.SECOND_LOOKS:
        if not engine.wanted(page.job, best.words):
            continue
        try:
            words = engine.look(best.words, upright, best.scale, job=page.job, dpi=page.loaded.dpi, tmp=page.tmp,
                                enlarged=page.loaded.enlarged)
        except (RuntimeError, ValueError, cv2.error) as exc:
            log.warning("%s failed on %s page %d, the reading before it kept: %s", engine.name, page.job.path,
                        page.job.index + 1, exc)
            continue
        if words is not None:
            return replace(page, best=replace(best, words=words))
    return page


def read_numbers_again(page: _Page) -> _Page:
    """A photographed form of small blurred print (enlarged SMALL_PHOTO_SCALE times or more) has its numbers read
    by the number engine too (capture/engines: PP-OCR), which reads blurred digits that tesseract reads as other
    digits; where the two differ its numbers are put in. A scan, a till slip photographed close, or a failing
    engine leaves the reading as it was."""
    best = _best(page)
    if not page.loaded.photo or page.loaded.enlarged < SMALL_PHOTO_SCALE:
        return page
    upright = rotate_right_angle(best.gray, best.rotation)
    for engine in engines.NUMBER_LOOKS:
        if not engine.wanted(page.job, best.words):
            continue
        try:
            words = engine.look(best.words, upright, best.scale, page.loaded.enlarged)
        except (RuntimeError, ValueError, cv2.error) as exc:
            log.warning("%s failed on %s page %d, the reading before it kept: %s", engine.name, page.job.path,
                        page.job.index + 1, exc)
            return page
        return replace(page, best=replace(best, words=words))
    return page


def read_large_print(page: _Page) -> _Page:
    """A photographed form of small blurred print (enlarged SMALL_PHOTO_SCALE times or more) still read badly
    has its large print read from a copy LARGE_PRINT_SCALE of its size, as sparse text; the words read surely
    there take the place of the unsure words under them (put_in_sure_words). Other pages pay nothing."""
    best = _best(page)
    if not page.loaded.photo or page.loaded.enlarged < SMALL_PHOTO_SCALE or not _quality.looks_bad(best.words):
        return page
    upright = rotate_right_angle(_cleaned(page).image, best.rotation)  # not an enhanced copy: its strokes are thick
    size = (max(1, round(upright.shape[1] * LARGE_PRINT_SCALE)), max(1, round(upright.shape[0] * LARGE_PRINT_SCALE)))
    small = cv2.resize(upright, size, interpolation=cv2.INTER_AREA)
    # in a white margin, as the unsure words' cut-outs are (capture/_reread.py): sparse text found against the
    # image's edge has leptonica print an error a word to stderr
    margin = _reread.BORDER
    small = cv2.copyMakeBorder(small, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
    path = os.path.join(page.tmp, "large-print.png")
    if not cv2.imwrite(path, small):
        raise OcrError(f"cannot write {path}", path=path)
    with stage("re-read"):
        out = _engine().read(path, job=page.job, dpi=page.loaded.dpi, pdf=False, psm=LARGE_PRINT_PSM)
    large = tuple(_enlarge(_moved(w, -margin), 1 / LARGE_PRINT_SCALE) for w in out.words)
    words = put_in_sure_words(best.words, large, LARGE_PRINT_SURE)
    return page if words is best.words else replace(page, best=replace(best, words=words))


def put_in_sure_words(words: tuple[OcrWord, ...], other: Sequence[OcrWord], sure: float) -> tuple[OcrWord, ...]:
    """``words`` with the words of another reading of the page (``other``, in the same pixels) that it read at
    ``sure`` or more put in place of the words they cover, unless one of those was read as surely. Each
    line of such words goes in before the first line of ``words`` that starts below it; ``words`` itself
    when none is put in."""
    taken = [w for w in other if w.confidence >= sure and len(w.text) >= MIN_LARGE_WORD]
    covered: set[int] = set()
    added: list[OcrWord] = []
    for word in taken:
        under = [i for i, w in enumerate(words) if _covers(word.box, w.box)]
        if any(words[i].confidence >= sure for i in under):
            continue
        covered.update(under)
        added.append(word)
    if not added:
        return words
    lines = _lines([w for i, w in enumerate(words) if i not in covered])
    for line in _lines(added):
        top = min(w.box[1] for w in line)
        at = next((k for k, old in enumerate(lines) if min(w.box[1] for w in old) > top), len(lines))
        lines.insert(at, [replace(w, block=-1) for w in line])
    block = max((w.block for w in words), default=0) + 1  # the new lines are a block of their own
    return tuple(replace(w, line=n, block=block if w.block == -1 else w.block)
                 for n, line in enumerate(lines) for w in line)


def _covers(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> bool:
    """Whether ``box`` covers at least half of ``other``."""
    width = min(box[2], other[2]) - max(box[0], other[0])
    height = min(box[3], other[3]) - max(box[1], other[1])
    area = (other[2] - other[0]) * (other[3] - other[1])
    return width > 0 and height > 0 and 2 * width * height >= area


def _lines(words: Sequence[OcrWord]) -> list[list[OcrWord]]:
    lines: list[list[OcrWord]] = []
    for word in words:
        if lines and (lines[-1][-1].block, lines[-1][-1].line) == (word.block, word.line):
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _moved(word: OcrWord, by: int) -> OcrWord:
    left, top, right, bottom = word.box
    return replace(word, box=(left + by, top + by, right + by, bottom + by))


def _enlarge(word: OcrWord, factor: float) -> OcrWord:
    left, top, right, bottom = word.box
    return replace(word, box=(round(left * factor), round(top * factor), round(right * factor), round(bottom * factor)))


def fix_lookalikes(page: _Page) -> _Page:
    """Letters read for their look-alikes of the other script or for digits put right word by word
    (capture/_lookalike_words.py: «Мoсква» with a Latin o, «000 «Липа»» for ООО): cheap, for every page."""
    best = _best(page)
    words = fix_lookalike_words(best.words)
    return page if words is best.words else replace(page, best=replace(best, words=words))


OCR_STEPS: tuple[Callable[[_Page], _Page], ...] = (
    flatten_photo_page,
    clean,
    read_sideways,
    read_small_print,
    read_upright,
    fix_orientation,
    read_enhanced,
    take_second_look,
    read_numbers_again,
    read_large_print,
    fix_lookalikes,
)
# The stage of the benchmark's CPU profile (capture/stages.py) each step's own work is charged to; a reading
# of the whole page inside a step is charged to "ocr" (the first) or "re-read" (any other).
STEP_STAGES: dict[Callable[[_Page], _Page], str] = {
    flatten_photo_page: "photo check",
    clean: "clean",
    read_sideways: "orientation",
    read_small_print: "ocr",
    read_upright: "ocr",
    fix_orientation: "orientation",
    read_enhanced: "re-read",
    take_second_look: "second look",
    read_numbers_again: "numbers again",
    read_large_print: "large print",
    fix_lookalikes: "look-alikes",
}


def _read_by_ocr(job: PageJob, loaded: _Loaded) -> PageResult:
    number = job.index + 1
    want_pdf = job.derived_dir is not None
    with tempfile.TemporaryDirectory(prefix=".ocr-", dir=job.derived_dir) as tmp:
        page = _Page(job, loaded, tmp, want_pdf)
        try:
            for step in OCR_STEPS:
                with stage(STEP_STAGES.get(step, step.__name__)):
                    page = step(page)
        except OcrError as exc:
            raise _PageFailure(exc) from exc
        best, cleaned = _best(page), _cleaned(page)
        height, width = cleaned.image.shape[:2]
        if best.rotation in (90, 270):
            width, height = height, width
        with stage("barcode/QR"):
            codes = _qr_codes(page.loaded.image, job)
        text = PageText(number=number, width=width, height=height, words=best.words, source=TextSource.OCR,
                        rotation=best.rotation, skew=cleaned.skew, codes=codes)
        if not job.derived_dir:
            return PageResult(job=job, page=text)
        with stage("derived files"):
            return _write_derived(job, text, best, cleaned)


def _write_derived(job: PageJob, text: PageText, best: _Reading, cleaned: CleanedPage) -> PageResult:
    """The viewer's image, the thumbnail and the one-page searchable PDF of a page read by OCR."""
    # The viewer's image is the very JPEG tesseract read (cleaned, upright): no second encoding.
    assert job.derived_dir is not None
    image, thumb = _derived_paths(job, ".jpg")
    if best.scale == 1:
        shutil.move(best.image_path, image)
    else:  # the viewer shows the page at its own size, as the words' boxes are
        turned = rotate_right_angle(best.gray, best.rotation)
        size = (turned.shape[1] // best.scale, turned.shape[0] // best.scale)
        small = cv2.resize(turned, size, interpolation=cv2.INTER_AREA)
        if not cv2.imwrite(image, small, [cv2.IMWRITE_JPEG_QUALITY, PDF_JPEG_QUALITY]):
            raise _PageFailure(OcrError(f"cannot write {image}", path=image))
    _write_thumbnail(rotate_right_angle(cleaned.image, best.rotation), thumb)
    page_pdf = os.path.join(job.derived_dir, f"page-{text.number}.pdf")
    with open(page_pdf, "wb") as fh:
        fh.write(best.pdf or b"")
    return PageResult(job=job, page=text, cleaned_image=image, thumbnail=thumb, page_pdf=page_pdf)


def _qr_codes(image: Image.Image, job: PageJob) -> tuple[str, ...]:
    """The QR codes on the page as loaded (a receipt's fiscal QR: its values are exact); none when the
    reader fails, for the page's text stands without them."""
    try:
        return read_codes(image, formats=job.code_formats)
    except Exception as exc:  # zxing-cpp reports failures as bare exceptions
        log.warning("QR codes of %s page %d not read: %s", job.path, job.index + 1, exc)
        return ()


def _cleaned(page: _Page) -> CleanedPage:
    assert page.cleaned is not None, "the clean step runs before the readings"
    return page.cleaned


def _best(page: _Page) -> _Reading:
    assert page.best is not None, "read_upright gives every page a reading"
    return page.best


def _engine() -> engines.PageEngine:
    return engines.page_engine()


def _ocr_image(gray: np.ndarray, rotation: int, page: _Page, scale: int = 1, *, again: bool = False) -> _Reading:
    with stage("re-read" if again else "ocr"):
        return _read_image(gray, rotation, page, scale)


def _read_image(gray: np.ndarray, rotation: int, page: _Page, scale: int) -> _Reading:
    # Tesseract reads a JPEG, whether or not a PDF is wanted: what is read never depends on which derived
    # files are written (`extract` writes none, `import` all), so both read alike. Tesseract embeds a JPEG
    # input as it is in the PDF it writes; from a PGM leptonica would encode one (8-10% of a page's OCR).
    # id(gray): the cleaned and the enhanced page are both alive here, and neither's file may be overwritten
    path = os.path.join(page.tmp, f"page-{rotation}-{id(gray)}.jpg")
    turned = rotate_right_angle(gray, rotation)
    if not cv2.imwrite(path, turned, [cv2.IMWRITE_JPEG_QUALITY, PDF_JPEG_QUALITY]):
        raise OcrError(f"cannot write {path}", path=path)
    # An enlarged page is still announced at the page's dpi: told twice the dpi, tesseract takes more of
    # the enlarged strokes for noise (measured: a purple-ink receipt read 142 words instead of 271).
    height, width = turned.shape[:2]
    psm = STRIP_PSM if height >= STRIP_ASPECT * width else None
    out = _engine().read(path, job=page.job, dpi=page.loaded.dpi, pdf=page.want_pdf, psm=psm)
    words = out.words if scale == 1 else tuple(_shrink(w, scale) for w in out.words)
    return _Reading(words, out.pdf, rotation, path, _quality.score(words), gray, scale)


def _shrink(word: OcrWord, scale: int) -> OcrWord:
    left, top, right, bottom = word.box
    return replace(word, box=(left // scale, top // scale, -(-right // scale), -(-bottom // scale)))


def _read_enhanced_copy(page: _Page, rotation: int, *, again: bool = False) -> _Reading:
    """Read an enhanced copy of the page (from its colours when it has them; a flattened photo from itself)."""
    source = None if page.loaded.photo else _colour_array(page.job)
    if source is None:
        source = np.asarray(page.loaded.image, dtype=np.uint8)
    enhanced = enhance_page(source, skew=_cleaned(page).skew)
    return _ocr_image(enhanced.image, rotation, page, enhanced.scale, again=again)


def _colour_array(job: PageJob) -> np.ndarray | None:
    """The page as an RGB array when the file is a colour image, else ``None`` (PDF pages render grey)."""
    if job.kind == "pdf":
        return None
    try:
        media_type, _ = sniff(job.path)
        with open_image(job.path, media_type, max_pixels=job.max_pixels) as image:
            image.seek(job.index)
            if image.mode not in COLOUR_MODES:
                return None
            image.load()
            frame = ImageOps.exif_transpose(image) if image.format == "JPEG" else image
            return np.asarray(frame.convert("RGB"), dtype=np.uint8)
    except (CaptureError, OSError, EOFError, ValueError, SyntaxError):
        return None  # the grey page it was first read from will do


def _osd_image(gray: np.ndarray, tmp: str) -> str:
    """A half-size copy for orientation detection: OSD needs the shape of lines, not fine print,
    and reads a smaller image in about half the time."""
    height, width = gray.shape[:2]
    if width > OSD_MAX_WIDTH:
        factor = OSD_MAX_WIDTH / width
        gray = cv2.resize(gray, (OSD_MAX_WIDTH, max(1, int(height * factor))), interpolation=cv2.INTER_AREA)
    path = os.path.join(tmp, "osd.pgm")
    if not cv2.imwrite(path, gray):
        raise OcrError(f"cannot write {path}", path=path)
    return path


# --- derived files ------------------------------------------------------------------------------


def _derived_paths(job: PageJob, suffix: str = ".png") -> tuple[str, str]:
    assert job.derived_dir is not None
    number = job.index + 1
    return (
        os.path.join(job.derived_dir, f"page-{number}{suffix}"),
        os.path.join(job.derived_dir, f"page-{number}.thumb.jpg"),
    )


def _write_png(gray: np.ndarray, path: str) -> None:
    if not cv2.imwrite(path, gray, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION]):
        raise _PageFailure(OcrError(f"cannot write {path}", path=path))


def _write_thumbnail(gray: np.ndarray, path: str) -> None:
    height, width = gray.shape[:2]
    factor = THUMBNAIL_WIDTH / max(width, 1)
    small = cv2.resize(gray, (THUMBNAIL_WIDTH, max(1, round(height * factor))), interpolation=cv2.INTER_AREA)
    cv2.imwrite(path, small, [cv2.IMWRITE_JPEG_QUALITY, 80])


def _extract_pdf_page(job: PageJob) -> str:
    from pypdf import PdfReader, PdfWriter

    assert job.derived_dir is not None
    out = os.path.join(job.derived_dir, f"page-{job.index + 1}.pdf")
    writer = PdfWriter()
    writer.add_page(PdfReader(job.path).pages[job.index])
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


# --- documents ----------------------------------------------------------------------------------


def read_document(
    path: str | os.PathLike[str],
    *,
    languages: str = "rus+eng",
    executor=None,
    derived_dir: str | os.PathLike[str] | None = None,
    dpi: int = 300,
) -> list[PageResult]:
    """Read every page of a file, in page order (serially unless an executor is given)."""
    from capture.executor import SerialExecutor

    jobs = plan_pages(path, languages=languages, dpi=dpi, derived_dir=derived_dir)
    own = executor is None
    runner = SerialExecutor() if own else executor
    results: dict[int, PageResult] = {}
    try:
        for job, outcome in runner.map_unordered(read_page, jobs):
            if isinstance(outcome, (CaptureError, MissingDependencyError)):
                raise outcome  # the file cannot be read at all, or the machine lacks tesseract
            if isinstance(outcome, BaseException):
                page = PageText(job.index + 1, 0, 0, (), error=f"crashed: {outcome!r}")
                results[job.index] = PageResult(job=job, page=page)
            else:
                results[job.index] = outcome
    finally:
        if own:
            runner.close()
    return [results[i] for i in sorted(results)]


def searchable_pdf(original: str | os.PathLike[str], results: Sequence[PageResult],
                   out_path: str | os.PathLike[str]) -> str:
    """The document's searchable PDF: the original itself when every page had its own text layer,
    else the page PDFs merged into ``out_path``. Pages that failed are left out."""
    if results and all(r.page.source == TextSource.PDF_TEXT and r.page.error is None for r in results):
        return os.fspath(original)
    pdfs = [r.page_pdf for r in results if r.page_pdf and os.path.getsize(r.page_pdf) > 0]
    if not pdfs:
        raise OcrError(f"no page of {os.path.basename(os.fspath(original))} produced a PDF")
    return merge_pdfs(pdfs, out_path)
