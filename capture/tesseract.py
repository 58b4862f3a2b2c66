"""The one wrapper of the tesseract program (through pytesseract).

Tesseract always runs with ``OMP_THREAD_LIMIT=1``: finarchive parallelises across pages, which on
two cores is about three times faster than tesseract's own threads. One run reads the words (TSV)
and, when asked, writes the one-page searchable PDF too: a page is never OCRed twice for that.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass

import pytesseract

from capture.exceptions import OcrError, OcrTimeoutError
from capture.types import OcrWord
from finarchive.errors import MissingDependencyError

INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng"
LANGUAGE_PACKAGES = {"rus": "tesseract-ocr-rus", "eng": "tesseract-ocr-eng", "osd": "tesseract-ocr-osd"}
MIN_VERSION = (4, 0)
DEFAULT_TIMEOUT = 180.0


@dataclass(frozen=True)
class OcrOutput:
    words: tuple[OcrWord, ...]
    pdf: bytes | None = None


@dataclass(frozen=True)
class Orientation:
    rotate: int  # degrees to turn the image clockwise so that its text is upright
    confidence: float


def limit_threads() -> None:
    """Make every tesseract this process starts single-threaded."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


@functools.lru_cache(maxsize=1)
def version() -> tuple[int, ...]:
    """The installed tesseract's version, e.g. ``(5, 3, 0)``; raises when it is missing."""
    try:
        found = pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError, subprocess.SubprocessError) as exc:
        raise MissingDependencyError(f"tesseract is not installed; install it with: {INSTALL_HINT}") from exc
    numbers = tuple(int(n) for n in re.findall(r"\d+", str(found))[:3])
    if numbers[:2] < MIN_VERSION:
        raise MissingDependencyError(
            f"tesseract {found} is too old (need {MIN_VERSION[0]}.{MIN_VERSION[1]} or newer); "
            f"install a newer one with: {INSTALL_HINT}"
        )
    return numbers


@functools.lru_cache(maxsize=8)
def installed_languages() -> frozenset[str]:
    version()
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError, subprocess.SubprocessError) as exc:
        raise MissingDependencyError(f"tesseract cannot list its languages: {exc}") from exc


def check_languages(languages: str) -> None:
    """Raise :class:`MissingDependencyError` naming the package to install for missing data."""
    wanted = [lang for lang in languages.split("+") if lang]
    missing = [lang for lang in wanted if lang not in installed_languages()]
    if missing:
        packages = " ".join(LANGUAGE_PACKAGES.get(m, f"tesseract-ocr-{m}") for m in missing)
        raise MissingDependencyError(
            f"tesseract language data missing: {', '.join(missing)}; install with: apt-get install -y {packages}"
        )


def ocr(
    image_path: str,
    *,
    languages: str = "rus+eng",
    dpi: int = 300,
    pdf: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    psm: int | None = None,
    by_program: bool = False,
) -> OcrOutput:
    """OCR one page image file: words with boxes and confidences, and optionally its PDF. Read by this
    process's engine, its models loaded once (:func:`in_process`), else (or ``by_program``) by the program."""
    check_languages(languages)
    if in_process() and not by_program:
        return _ocr_in_process(image_path, languages, int(dpi), pdf, timeout, psm)
    limit_threads()
    extensions = ["tsv", "pdf"] if pdf else ["tsv"]
    config = f"--dpi {int(dpi)}"
    if psm is not None:
        config += f" --psm {int(psm)}"
    config += " -c tessedit_create_tsv=1"
    if pdf:
        config += " -c tessedit_create_pdf=1"
    with tempfile.TemporaryDirectory(prefix="finarchive-ocr-") as tmp:
        base = os.path.join(tmp, "out")
        _run(image_path, base, " ".join(extensions), languages, config, timeout)
        try:
            with open(base + ".tsv", encoding="utf-8", errors="replace") as fh:
                words = parse_tsv(fh.read())
            pdf_bytes = None
            if pdf:
                with open(base + ".pdf", "rb") as fh:
                    pdf_bytes = fh.read()
        except OSError as exc:
            raise OcrError(f"tesseract wrote no output for {image_path}: {exc}", path=image_path) from exc
    return OcrOutput(words=words, pdf=pdf_bytes)


def detect_orientation(image_path: str, *, timeout: float = 60.0) -> Orientation | None:
    """Tesseract's orientation detection (``--psm 0``); ``None`` when it cannot tell."""
    check_languages("osd")
    limit_threads()
    with tempfile.TemporaryDirectory(prefix="finarchive-osd-") as tmp:
        base = os.path.join(tmp, "out")
        try:
            _run(image_path, base, "osd", "osd", "--psm 0", timeout)
        except OcrTimeoutError:
            raise
        except OcrError:
            return None  # "Too few characters", etc.
        try:
            with open(base + ".osd", encoding="utf-8") as fh:
                text = fh.read()
        except OSError:
            return None
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    if not rotate:
        return None
    return Orientation(int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0)


def _run(image_path: str, base: str, extension: str, languages: str, config: str, timeout: float) -> None:
    try:
        pytesseract.pytesseract.run_tesseract(
            input_filename=image_path,
            output_filename_base=base,
            extension=extension,
            lang=languages,
            config=config,
            timeout=timeout,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise MissingDependencyError(f"tesseract is not installed; install it with: {INSTALL_HINT}") from exc
    except pytesseract.TesseractError as exc:
        message = str(exc.message or exc)
        if "Failed loading language" in message or "Error opening data file" in message:
            raise MissingDependencyError(
                f"tesseract language data missing for {languages}: {message.strip()}; {INSTALL_HINT}"
            ) from exc
        raise OcrError(f"tesseract failed on {os.path.basename(image_path)}: {message.strip()}",
                       path=image_path) from exc
    except RuntimeError as exc:  # pytesseract's "Tesseract process timeout"
        if "timeout" in str(exc).lower():
            raise OcrTimeoutError(
                f"tesseract took longer than {timeout:g} s on {os.path.basename(image_path)}", path=image_path
            ) from exc
        raise OcrError(f"tesseract failed on {os.path.basename(image_path)}: {exc}", path=image_path) from exc


def parse_tsv(tsv: str) -> tuple[OcrWord, ...]:
    """Words of tesseract's TSV output; confidence 0..1, line index from (block, par, line)."""
    pages = parse_tsv_pages(tsv)
    return pages[min(pages)] if pages else ()


def parse_tsv_pages(tsv: str) -> dict[int, tuple[OcrWord, ...]]:
    """Words of a TSV of several images (one tesseract run over a list of files), by page_num (1-based)."""
    reader = csv.reader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header:
        return {}
    col = {name: i for i, name in enumerate(header)}
    lines: dict[tuple[int, int, int, int], int] = {}
    pages: dict[int, list[OcrWord]] = {}
    for row in reader:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        text = row[col["text"]].strip()
        conf = float(row[col["conf"]])
        if not text or conf < 0:
            continue
        page = int(row[col["page_num"]]) if "page_num" in col else 1
        block, par, line = int(row[col["block_num"]]), int(row[col["par_num"]]), int(row[col["line_num"]])
        line_index = lines.setdefault((page, block, par, line), len(lines))
        left, top = int(row[col["left"]]), int(row[col["top"]])
        width, height = int(row[col["width"]]), int(row[col["height"]])
        pages.setdefault(page, []).append(
            OcrWord(
                text=text,
                confidence=round(min(max(conf / 100.0, 0.0), 1.0), 4),
                box=(left, top, left + width, top + height),
                line=line_index,
                block=block,
            )
        )
    return {page: tuple(words) for page, words in pages.items()}


def ocr_many(
    image_paths: list[str], *, languages: str = "rus+eng", dpi: int = 300, psm: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[tuple[OcrWord, ...]]:
    """OCR several small images in one tesseract run (the models are loaded once), each on its own:
    the words of each, in the order given."""
    if not image_paths:
        return []
    check_languages(languages)
    limit_threads()
    config = f"--dpi {int(dpi)}" + (f" --psm {int(psm)}" if psm is not None else "") + " -c tessedit_create_tsv=1"
    with tempfile.TemporaryDirectory(prefix="finarchive-ocr-") as tmp:
        listing = os.path.join(tmp, "images.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(image_paths) + "\n")
        base = os.path.join(tmp, "out")
        _run(listing, base, "tsv", languages, config, timeout)
        try:
            with open(base + ".tsv", encoding="utf-8", errors="replace") as fh:
                pages = parse_tsv_pages(fh.read())
        except OSError as exc:
            raise OcrError(f"tesseract wrote no output for {len(image_paths)} images: {exc}") from exc
    return [pages.get(n + 1, ()) for n in range(len(image_paths))]


# -- cut-outs read in-process ----------------------------------------------------------------------
# The second look at unsure words (capture._reread) reads a few small cut-outs a page. A tesseract process
# costs 0.08 s just to load rus+eng; the worker's page engine (below), its models loaded, reads a cut-out in
# about 10 ms. Without tesserocr (it is a binary wheel) the CLI reads the cut-outs, all of a page in one run.


@functools.lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """The folder of the installed tesseract's language data, as tesseract itself reports it."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30,
                             check=False).stdout  # its exit status is no matter: the folder is in its output
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'"([^"]+)"', out)
    return m.group(1) if m else None


def _engine(languages: str, psm: int):
    api = page_api(languages)
    api.SetPageSegMode(psm)
    return api


def ocr_arrays(
    images: list, *, languages: str = "rus+eng", dpi: int = 300, psm: int = 6, tmp: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[tuple[OcrWord, ...]]:
    """OCR small grey images (numpy arrays), each on its own: in-process with tesserocr when it is
    installed, else one tesseract run over all of them (written to ``tmp``)."""
    if not images:
        return []
    check_languages(languages)
    try:
        api = _engine(languages, psm)
    except (ImportError, RuntimeError):
        api = None
    if api is not None:
        return [_read_array(api, image, dpi) for image in images]
    return ocr_arrays_by_cli(images, languages=languages, dpi=dpi, psm=psm, tmp=tmp, timeout=timeout)


def ocr_arrays_by_cli(
    images: list, *, languages: str = "rus+eng", dpi: int = 300, psm: int = 6, tmp: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[tuple[OcrWord, ...]]:
    """:func:`ocr_arrays` without tesserocr: the images written to ``tmp`` and read in one tesseract run."""
    import cv2

    with tempfile.TemporaryDirectory(prefix="finarchive-cuts-", dir=tmp) as folder:
        paths = []
        for n, image in enumerate(images):
            path = os.path.join(folder, f"cut-{n}.pgm")
            if not cv2.imwrite(path, image):
                raise OcrError(f"cannot write {path}", path=path)
            paths.append(path)
        return ocr_many(paths, languages=languages, dpi=dpi, psm=psm, timeout=timeout)


# -- whole pages read in-process -------------------------------------------------------------------
# A tesseract process spends about 0.3 CPU-s loading rus+eng before it reads a page: a third of an A4 page's
# reading. A worker keeps one engine a language set, its models loaded once (in the fork server, before the
# workers are forked: capture/engines/_preload.py), and reads each page with it: the same TSV words and, from
# the same run, the same one-page searchable PDF as the program. Without tesserocr the program reads.
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
AUTO_PSM = 3  # tesseract's own default: fully automatic page segmentation


@functools.lru_cache(maxsize=1)
def in_process() -> bool:
    """Whether pages can be read in this process (tesserocr is installed and finds the language data)."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata_dir() is not None


def _ocr_in_process(image_path: str, languages: str, dpi: int, pdf: bool, timeout: float,
                    psm: int | None) -> OcrOutput:
    """:func:`ocr` by this process's engine for ``languages`` (tesserocr), the models already loaded."""
    api = page_api(languages)
    api.SetPageSegMode(AUTO_PSM if psm is None else int(psm))
    api.SetVariable("user_defined_dpi", str(int(dpi)))
    api.SetVariable("tessedit_create_pdf", "1" if pdf else "0")
    limit_ms = max(1, int(timeout * 1000))
    started = time.monotonic()
    pdf_bytes = None
    with tempfile.TemporaryDirectory(prefix="finarchive-ocr-") as tmp:
        if pdf:
            base = os.path.join(tmp, "out")
            done = api.ProcessPages(base, image_path, timeout=limit_ms)
            if done:
                try:
                    with open(base + ".pdf", "rb") as fh:
                        pdf_bytes = fh.read()
                except OSError as exc:
                    raise OcrError(f"tesseract wrote no PDF for {image_path}: {exc}", path=image_path) from exc
        else:
            api.SetImageFile(image_path)
            done = api.Recognize(timeout=limit_ms)
    if not done:
        if time.monotonic() - started >= timeout:
            raise OcrTimeoutError(f"tesseract took longer than {timeout:g} s on {os.path.basename(image_path)}",
                                  path=image_path)
        raise OcrError(f"tesseract failed on {os.path.basename(image_path)}", path=image_path)
    words = parse_tsv(TSV_HEADER + (api.GetTSVText(0) or ""))
    api.Clear()  # the page's results and image freed; the models stay loaded
    return OcrOutput(words=words, pdf=pdf_bytes)


_PAGE_ENGINES: dict[str, object] = {}  # apart from the cut-outs' engines: a page's reading changes its psm


def loaded_languages() -> list[str]:
    """The language sets this process has a page engine for (loaded by it, or by the fork server before it)."""
    return sorted(_PAGE_ENGINES)


def page_api(languages: str):
    """This process's engine for whole pages in ``languages`` (created on first use, then kept)."""
    if languages not in _PAGE_ENGINES:
        import tesserocr

        limit_threads()
        _PAGE_ENGINES[languages] = tesserocr.PyTessBaseAPI(path=tessdata_dir() or "", lang=languages)
    return _PAGE_ENGINES[languages]


def _read_array(api, image, dpi: int) -> tuple[OcrWord, ...]:
    import tesserocr
    from PIL import Image

    api.SetImage(Image.fromarray(image))
    api.SetVariable("user_defined_dpi", str(int(dpi)))  # the page engine's: set for each reading
    api.Recognize()
    words: list[OcrWord] = []
    level, line, block = tesserocr.RIL.WORD, -1, 0
    iterator = api.GetIterator()
    if iterator is None:
        return ()
    for word in tesserocr.iterate_level(iterator, level):
        if word.IsAtBeginningOf(tesserocr.RIL.BLOCK):
            block += 1
        if word.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
            line += 1
        try:
            text = (word.GetUTF8Text(level) or "").strip()
        except RuntimeError:  # "No text returned": an empty word
            continue
        box = word.BoundingBox(level)
        if not text or box is None:
            continue
        words.append(OcrWord(text=text, confidence=round(min(max(word.Confidence(level) / 100.0, 0.0), 1.0), 4),
                             box=tuple(box), line=max(line, 0), block=block))
    return tuple(words)
