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
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from time import perf_counter

import cv2
import numpy as np
from PIL import Image, ImageOps

from capture import _quality, ppocr, tesseract
from capture._reread import reread_unsure
from capture._files import image_dpi, load_frame, open_image, open_pdf, sniff
from capture.barcodes import read_codes
from capture.exceptions import CaptureError, CorruptFileError, OcrError
from capture.pages import plan_pages
from capture.pdftext import read_text_layer
from capture.preprocess import (
    CleanedPage,
    clean_page,
    enhance_page,
    has_ink,
    ink_share,
    is_small_print,
    lines_run_vertically,
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
STRIP_PSM = 4


@dataclass(frozen=True)
class _Loaded:
    image: Image.Image  # 8-bit grayscale
    dpi: int


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
    start = perf_counter()
    number = job.index + 1
    if job.derived_dir:
        os.makedirs(job.derived_dir, exist_ok=True)
    try:
        if job.kind == "pdf" and job.has_text_layer:
            result = _read_text_layer_page(job)
        else:
            loaded = _load(job)  # raises for an unopenable file
            result = _read_by_ocr(job, loaded)
    except _PageFailure as failure:
        error = failure.error
        page = PageText(number=number, width=0, height=0, words=(), error=f"{error.reason}: {error}")
        result = PageResult(job=job, page=page)
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
        except Exception as exc:  # noqa: BLE001 - pdfium reports failures as bare exceptions
            raise _PageFailure(
                CorruptFileError(f"page {index + 1} of {os.path.basename(path)} cannot be rendered: {exc}", path=path)
            ) from exc
        return _Loaded(image, int(round(scale * 72)))
    finally:
        pdf.close()


# --- the two ways of reading -------------------------------------------------------------------


def _read_text_layer_page(job: PageJob) -> PageResult:
    try:
        page = read_text_layer(job.path, job.index, dpi=job.dpi)
    except CaptureError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises anything on broken content streams
        raise _PageFailure(CorruptFileError(f"text layer of page {job.index + 1}: {exc}", path=job.path)) from exc
    if not job.derived_dir:
        return PageResult(job=job, page=page)
    loaded = _render_pdf_page(job.path, job.index, job.dpi, job.max_pixels)
    gray = rotate_right_angle(np.asarray(loaded.image, dtype=np.uint8), page.rotation)  # upright, as its words
    png, thumb = _derived_paths(job)
    _write_png(gray, png)
    _write_thumbnail(gray, thumb)
    page_pdf = _extract_pdf_page(job)
    return PageResult(job=job, page=page, cleaned_image=png, thumbnail=thumb, page_pdf=page_pdf)


def _read_by_ocr(job: PageJob, loaded: _Loaded) -> PageResult:
    number = job.index + 1
    cleaned = clean_page(loaded.image)
    want_pdf = job.derived_dir is not None
    with tempfile.TemporaryDirectory(prefix=".ocr-", dir=job.derived_dir) as tmp:
        try:
            best = _read_sideways(cleaned.image, tmp, job, loaded.dpi, want_pdf)
            if best is None:
                best = _read_upright(job, loaded, cleaned, tmp, want_pdf)
            best = _second_look(job, best, loaded.dpi, tmp)
        except OcrError as exc:
            raise _PageFailure(exc) from exc
        height, width = cleaned.image.shape[:2]
        if best.rotation in (90, 270):
            width, height = height, width
        page = PageText(
            number=number,
            width=width,
            height=height,
            words=best.words,
            source=TextSource.OCR,
            rotation=best.rotation,
            skew=cleaned.skew,
            codes=_qr_codes(loaded.image, job),
        )
        if not job.derived_dir:
            return PageResult(job=job, page=page)
        # The viewer's image is the page tesseract read (cleaned, upright), at the page's own size as the
        # words' boxes are.
        image, thumb = _derived_paths(job, ".jpg")
        turned = rotate_right_angle(best.gray, best.rotation)
        if best.scale != 1:
            size = (turned.shape[1] // best.scale, turned.shape[0] // best.scale)
            turned = cv2.resize(turned, size, interpolation=cv2.INTER_AREA)
        if not cv2.imwrite(image, turned, [cv2.IMWRITE_JPEG_QUALITY, PDF_JPEG_QUALITY]):
            raise _PageFailure(OcrError(f"cannot write {image}", path=image))
        _write_thumbnail(rotate_right_angle(cleaned.image, best.rotation), thumb)
        page_pdf = os.path.join(job.derived_dir, f"page-{number}.pdf")
        with open(page_pdf, "wb") as fh:
            fh.write(best.pdf or b"")
    return PageResult(job=job, page=page, cleaned_image=image, thumbnail=thumb, page_pdf=page_pdf)


def _qr_codes(image: Image.Image, job: PageJob) -> tuple[str, ...]:
    """The QR codes on the page as loaded (a receipt's fiscal QR: its values are exact); none when the
    reader fails, for the page's text stands without them."""
    try:
        return read_codes(image)
    except Exception as exc:  # zxing-cpp reports failures as bare exceptions
        log.warning("QR codes of %s page %d not read: %s", job.path, job.index + 1, exc)
        return ()


def _second_look(job: PageJob, best: _Reading, dpi: int, tmp: str) -> _Reading:
    """A page in Latin script read again by PP-OCR (:mod:`capture.ppocr`) when it is installed; any other
    page's unsure words looked at again (:mod:`capture._reread`). Either is optional: when it fails, the
    page's first reading stands."""
    number = job.index + 1
    upright = rotate_right_angle(best.gray, best.rotation)
    if ppocr.is_latin_page(best.words) and ppocr.reads_poorly(best.words) and ppocr.wanted(job.latin_engine):
        try:
            words = ppocr.read(upright, best.scale)
        except (RuntimeError, ValueError, cv2.error) as exc:
            log.warning("PP-OCR failed on %s page %d, tesseract's reading kept: %s", job.path, number, exc)
        else:
            if ppocr.better(words, best.words):
                return replace(best, words=ppocr.fuse(words, best.words))
    try:
        words = reread_unsure(best.words, upright, best.scale, languages=job.languages, dpi=dpi, tmp=tmp,
                              timeout=job.ocr_timeout)
        return replace(best, words=words)
    except (RuntimeError, ValueError, cv2.error) as exc:
        log.warning("second look at unsure words of %s page %d failed: %s", job.path, number, exc)
        return best


def _ocr_image(
    gray: np.ndarray, rotation: int, tmp: str, job: PageJob, dpi: int, want_pdf: bool, scale: int = 1
) -> _Reading:
    # Tesseract reads an uncompressed PGM, whether or not a PDF is wanted: what is read never depends on
    # which derived files are written (`extract` writes none, `import` all), so both read alike.
    # id(gray): the cleaned and the enhanced page are both alive here, and neither's file may be overwritten
    path = os.path.join(tmp, f"page-{rotation}-{id(gray)}.pgm")
    turned = rotate_right_angle(gray, rotation)
    if not cv2.imwrite(path, turned):
        raise OcrError(f"cannot write {path}", path=path)
    # An enlarged page is still announced at the page's dpi: told twice the dpi, tesseract takes more of
    # the enlarged strokes for noise (measured: a purple-ink receipt read 142 words instead of 271).
    height, width = turned.shape[:2]
    psm = STRIP_PSM if height >= STRIP_ASPECT * width else None
    out = tesseract.ocr(path, languages=job.languages, dpi=dpi, pdf=want_pdf, timeout=job.ocr_timeout, psm=psm)
    words = out.words if scale == 1 else tuple(_shrink(w, scale) for w in out.words)
    return _Reading(words, out.pdf, rotation, path, _quality.score(words), gray, scale)


def _shrink(word: OcrWord, scale: int) -> OcrWord:
    left, top, right, bottom = word.box
    return replace(word, box=(left // scale, top // scale, -(-right // scale), -(-bottom // scale)))


def _read_upright(job: PageJob, loaded: _Loaded, cleaned: CleanedPage, tmp: str, want_pdf: bool) -> _Reading:
    """A page not visibly sideways. Normally: the cleaned page; when that looks bad, the orientation
    check (a page upside down is common and cheap to tell), and only then the enhanced copy. Small print
    the other way round: the enhanced copy first, as it is the one that usually reads."""
    turnable = ink_share(cleaned.image) >= MIN_INK_FOR_ORIENTATION
    if is_small_print(cleaned.image):
        best = _read_enhanced(job, loaded, cleaned.skew, None, 0, tmp, want_pdf)
        if _quality.looks_bad(best.words):
            plain = _ocr_image(cleaned.image, 0, tmp, job, loaded.dpi, want_pdf)
            best = plain if plain.score > best.score else best
        if _quality.looks_bad(best.words) and turnable:
            best = _fix_orientation(best.gray, best, tmp, job, loaded.dpi, want_pdf)
        return best
    best = _ocr_image(cleaned.image, 0, tmp, job, loaded.dpi, want_pdf)
    if _quality.looks_bad(best.words) and turnable:
        best = _fix_orientation(cleaned.image, best, tmp, job, loaded.dpi, want_pdf)
    if _quality.looks_bad(best.words) and has_ink(cleaned.image):
        best = _read_enhanced(job, loaded, cleaned.skew, best, best.rotation, tmp, want_pdf)
    return best


def _read_enhanced(
    job: PageJob, loaded: _Loaded, skew: float, first: _Reading | None, rotation: int, tmp: str, want_pdf: bool
) -> _Reading:
    """Read an enhanced copy of the page (from its colours when it has them); with a ``first`` reading,
    keep whichever of the two scores better."""
    source = _colour_array(job)
    if source is None:
        source = np.asarray(loaded.image, dtype=np.uint8)
    enhanced = enhance_page(source, skew=skew)
    reading = _ocr_image(enhanced.image, rotation, tmp, job, loaded.dpi, want_pdf, enhanced.scale)
    return reading if first is None or reading.score > first.score else first


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


def _read_sideways(gray: np.ndarray, tmp: str, job: PageJob, dpi: int, want_pdf: bool) -> _Reading | None:
    """A page whose lines visibly run up or down is turned a quarter: ask OSD which way first and read it
    once, upright. ``None`` when the page is not sideways or OSD cannot tell (then the usual path runs)."""
    if not lines_run_vertically(gray):
        return None
    found = tesseract.detect_orientation(_osd_image(gray, tmp), timeout=job.ocr_timeout)
    if found is None or found.rotate not in (90, 270):
        return None
    reading = _ocr_image(gray, found.rotate, tmp, job, dpi, want_pdf)
    if _quality.looks_bad(reading.words):
        plain = _ocr_image(gray, 0, tmp, job, dpi, want_pdf)
        return plain if plain.score > reading.score else reading
    return reading


def _fix_orientation(
    gray: np.ndarray, first: _Reading, tmp: str, job: PageJob, dpi: int, want_pdf: bool
) -> _Reading:
    """The first reading looks bad: ask tesseract's OSD, try what it says (or 180), keep the best.

    ``gray`` is the image ``first`` was read from (``first.scale`` times the page's size). A rotation
    OSD did not name must beat the upright reading by UNASKED_ROTATION_MARGIN: otherwise an upright page
    that reads as noise either way was kept turned whenever the turned noise scored a little higher."""
    found = tesseract.detect_orientation(_osd_image(gray, tmp), timeout=job.ocr_timeout)
    asked = found is not None and found.rotate != 0
    candidates = (found.rotate,) if asked else FALLBACK_ROTATIONS
    if found is not None and found.rotate == 0:
        return first
    margin = 1.0 if asked else UNASKED_ROTATION_MARGIN
    best = first
    for rotation in candidates:
        reading = _ocr_image(gray, rotation, tmp, job, dpi, want_pdf, first.scale)
        if reading.score > best.score * margin:
            best = reading
    return best


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
    small = cv2.resize(gray, (THUMBNAIL_WIDTH, max(1, int(round(height * factor)))), interpolation=cv2.INTER_AREA)
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
                outcome = PageResult(job=job, page=page)
            results[job.index] = outcome
    finally:
        if own:
            runner.close()
    return [results[i] for i in sorted(results)]


def merge_pdfs(page_pdfs: Iterable[str | os.PathLike[str]], out_path: str | os.PathLike[str]) -> str:
    """Join one-page PDFs into one document PDF (written atomically); returns ``out_path``."""
    from pypdf import PdfWriter

    out_path = os.fspath(out_path)
    writer = PdfWriter()
    for pdf in page_pdfs:
        writer.append(os.fspath(pdf))
    folder = os.path.dirname(os.path.abspath(out_path))
    fd, tmp = tempfile.mkstemp(prefix=".merge-", suffix=".pdf", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out_path


def searchable_pdf(original: str | os.PathLike[str], results: Sequence[PageResult], out_path: str | os.PathLike[str]) -> str:
    """The document's searchable PDF: the original itself when every page had its own text layer,
    else the page PDFs merged into ``out_path``. Pages that failed are left out."""
    if results and all(r.page.source == TextSource.PDF_TEXT and r.page.error is None for r in results):
        return os.fspath(original)
    pdfs = [r.page_pdf for r in results if r.page_pdf and os.path.getsize(r.page_pdf) > 0]
    if not pdfs:
        raise OcrError(f"no page of {os.path.basename(os.fspath(original))} produced a PDF")
    return merge_pdfs(pdfs, out_path)
