"""Accuracy of classification and field extraction, per type and per field, on labelled sets.

Sets (each a folder; the OCR of every file is cached under bench/out/ocr-cache keyed by the file's bytes, capture/'s
sources and the OCR engines' versions, so readings of other reading code are never mixed in):
- ``samples``: samples/ with its ``*.truth.json`` files (or any folder made by samples/generate.py);
- ``sroie``: ../shared/bench/sroie (100 real receipts; seller_name, seller_address, date, total);
- ``invoice2data``: ../shared/bench/invoice2data (12 real invoices; number, date, total, currency, seller_name);
- ``ru-dev``: bench/ru-dev (Russian bills, acts, УПД, ТОРГ-12, счета-фактуры, receipts, Z-reports, contracts; photos,
  scans, PDFs and a real DOCX; every field of DESIGN's table the document prints; bench/ru-dev/README.md says which
  are real).

A set's file may be an image, a PDF or an office file (:data:`SUFFIXES`: what the product analyses with classify);
each is read by ``capture.read_document``, the page route `finarchive import` and `extract` take.

Pages are read by the real pipeline (``capture.read_document``) in a process pool of 2; the timing
reported is of a cold read (pages/min of OCR + analysis) when the cache was empty, and of the analysis
alone otherwise.

    python bench/accuracy.py                           # all three sets
    python bench/accuracy.py --set samples --dir /tmp/unseen
    python bench/accuracy.py --set sroie --verbose      # print every mismatch
    python bench/accuracy.py --ocr-only                 # just fill the cache
    python bench/accuracy.py --rules-only               # keyword rules alone (default: the bundled model)

Public sets (sroie, invoice2data and the real Russian dev set) are split into a tuning half and a held half
by a fixed rule (:func:`half_of`: the documents sorted by the SHA-256 of their name, the first half is tuning);
both are reported apart. Tune rules on the tuning half only; docs/benchmarks.md quotes the held half.

    python bench/accuracy.py --set sroie --half held    # the held half alone

Values are compared after normalising, with case and white space ignored (SROIE's labels space punctuation
freely) and a number sign before a document number ignored.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# ../shared/bench beside the project's root (or beside the folder of worktrees that holds it)
SHARED_BENCH = next((p / "shared" / "bench" for p in (REPO.parent, REPO.parent.parent)
                     if (p / "shared" / "bench").is_dir()), REPO.parent / "shared" / "bench")
CACHE = REPO / "bench" / "out" / "ocr-cache"
CACHE_VERSION = 12  # 12: every page's QR codes (PageText.codes) are in its reading

sys.path.insert(0, str(REPO))

from capture.sources._mail import ACCEPTED_EXTENSIONS  # noqa: E402  (after the project's root is on the path)

# every file the product takes and analyses with classify (scans, photos, PDFs, office files), read as import reads
# it (capture.read_document); and a plain-text document, read by this bench alone (_text_file_pages). Not ЭДО XML
# and e-mails: import takes an XML's fields from the XML itself and a letter's from its attachments, not scored here.
SUFFIXES = (set(ACCEPTED_EXTENSIONS) - {".xml", ".eml", ".msg"}) | {".txt"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".heic", ".heif", ".webp"}  # what plain tesseract reads


@dataclass
class Case:
    path: Path
    doc_type: str | None  # None when the set does not label types
    fields: dict[str, str]
    languages: str = "rus+eng"
    group: str = ""  # the document (renders of one invoice share it); the halves split by it


# -- the halves ------------------------------------------------------------------------------------
HALVES = ("tuning", "held")


def half_of(cases: Sequence[Case]) -> dict[str, str]:
    """Each document's half, by a fixed rule: the documents sorted by the SHA-256 of their name (the
    file's stem; renders of one document share it), the first half (rounded up) is "tuning", the rest
    "held". Rules and models are tuned on the tuning half only; docs/benchmarks.md quotes the held half."""
    names = sorted({c.group or c.path.stem for c in cases}, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    cut = (len(names) + 1) // 2
    return {n: HALVES[i >= cut] for i, n in enumerate(names)}


def in_half(cases: Sequence[Case], half: str, halves: dict[str, str]) -> list[Case]:
    """The cases of ``half`` ("all": every case), by ``halves`` (:func:`half_of` over the whole set)."""
    return [c for c in cases if half == "all" or halves[c.group or c.path.stem] == half]


@dataclass
class Tally:
    n: int = 0
    right: int = 0  # predicted and equal
    predicted: int = 0  # present in the output
    expected: int = 0  # present in the truth

    def add(self, expected: str | None, got: str | None, name: str = "") -> bool:
        self.n += 1
        if expected is not None:
            self.expected += 1
        if got is not None:
            self.predicted += 1
        ok = expected is not None and got is not None and _same_field(name, expected, got)
        self.right += ok
        return ok

    def line(self) -> str:
        precision = self.right / self.predicted if self.predicted else 0.0
        recall = self.right / self.expected if self.expected else 0.0
        return (f"exact {recall:6.1%} ({self.right}/{self.expected})  precision {precision:6.1%} "
                f"({self.right}/{self.predicted} given)")


@dataclass
class Report:
    name: str
    types: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    sure_types: Tally = field(default_factory=Tally)  # a type given below the review threshold counts as not given
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    pages: int = 0
    ocr_seconds: float = 0.0
    analyse_seconds: float = 0.0
    review: int = 0
    docs: int = 0
    misses: list[str] = field(default_factory=list)


def _same(expected: str, got: str) -> bool:
    return _fold(expected) == _fold(got)


def _same_field(name: str, expected: str, got: str) -> bool:
    if name == "number":  # a number sign before it is no part of the number ("# BLR_WFLD2015...")
        expected, got = expected.lstrip("#№ "), got.lstrip("#№ ")
    return _same(expected, got)


def _fold(text: str) -> str:
    """Case and white space left out: SROIE's own labels space punctuation as they please ("NO.1" and
    "NO. 1", "28,JALAN" and "28, JALAN" for the same print), so spacing is no part of a match."""
    return re.sub(r"\s+", "", text).casefold()


# -- OCR with a cache ------------------------------------------------------------------------------
ENGINE = os.environ.get("ACCURACY_OCR", "pipeline")  # "plain": tesseract without preprocessing


@functools.lru_cache(maxsize=1)
def _reading_code() -> str:
    """What the reading of a file depends on besides its bytes: capture/'s sources and the engines' versions.

    A cache filled while reading code changes (one checkout after another, worktrees sharing a cache) would
    otherwise mix readings of different code under one key and its figures be of no one commit."""
    h = hashlib.sha256()
    for source in sorted((REPO / "capture").rglob("*.py")):
        h.update(source.relative_to(REPO).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
    for package in ("tesserocr", "rapidocr-onnxruntime", "onnxruntime", "opencv-python-headless", "numpy"):
        try:
            h.update(f"{package}={metadata.version(package)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=none;".encode())
    try:
        version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False).stdout
    except OSError:
        version = "none"
    h.update(version.splitlines()[0].encode() if version else b"none")
    return h.hexdigest()[:16]


def _digest(path: Path, languages: str) -> str:
    from capture import ppocr

    # the pipeline reads Latin pages by PP-OCR when it is installed: a reading without it is another reading
    engine = ("" if ppocr.available() else "no-ppocr:") if ENGINE == "pipeline" else f"{ENGINE}:"
    h = hashlib.sha256(f"v{CACHE_VERSION}:{_reading_code()}:{engine}{languages}:".encode())
    h.update(path.read_bytes())
    return h.hexdigest()


def _page_to_json(page) -> dict:
    return {"number": page.number, "width": page.width, "height": page.height, "source": str(page.source),
            "rotation": page.rotation, "skew": page.skew, "error": page.error,
            "words": [[w.text, w.confidence, list(w.box), w.line, w.block] for w in page.words],
            "codes": list(page.codes)}


def _page_from_json(data: dict):
    from capture.types import OcrWord, PageText, TextSource

    words = tuple(OcrWord(t, c, tuple(b), ln, bl) for t, c, b, ln, bl in data["words"])
    return PageText(number=data["number"], width=data["width"], height=data["height"], words=words,
                    source=TextSource(data["source"]), rotation=data["rotation"], skew=data["skew"],
                    error=data["error"], codes=tuple(data.get("codes", ())))  # no codes: cached before QR


def _text_file_pages(path: Path):
    """A plain-text document as one page: a line per text line, words boxed on a fixed grid."""
    from capture.types import OcrWord, PageText, TextSource

    words = []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for n, line in enumerate(lines):
        for m in re.finditer(r"\S+", line):
            x0 = m.start() * 25
            words.append(OcrWord(m.group(), 1.0, (x0, n * 50, x0 + len(m.group()) * 25, n * 50 + 40), n, 0))
    return [PageText(1, 2550, max(len(lines), 1) * 50, tuple(words), source=TextSource.PDF_TEXT)]


def _plain_tesseract(path: Path, languages: str):
    """Plain tesseract over the image as it is (no preprocessing): a reference for the real pipeline."""
    import pytesseract
    from PIL import Image

    from capture.types import OcrWord, PageText

    image = Image.open(path).convert("L")
    data = pytesseract.image_to_data(image, lang=languages, output_type=pytesseract.Output.DICT)
    words = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        if not text.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = line_ids.setdefault(key, len(line_ids))
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        words.append(OcrWord(text, max(float(data["conf"][i]), 0.0) / 100, (x, y, x + w, y + h), line,
                             data["block_num"][i]))
    return [PageText(1, image.width, image.height, tuple(words))]


def _read(path_lang: tuple[str, str]) -> tuple[str, list[dict], float]:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    path, languages = Path(path_lang[0]), path_lang[1]
    start = time.perf_counter()
    if path.suffix.lower() == ".txt":
        pages = _text_file_pages(path)
    elif ENGINE == "plain" and path.suffix.lower() in IMAGE_SUFFIXES:
        pages = _plain_tesseract(path, languages)
    else:
        from capture import read_document

        pages = [r.page for r in read_document(path, languages=languages)]
    return str(path), [_page_to_json(p) for p in pages], time.perf_counter() - start


def cached_pages(case: Case) -> list | None:
    """The cached reading of one case, or None when it was not read yet."""
    key = CACHE / f"{_digest(case.path, case.languages)}.json"
    return [_page_from_json(p) for p in json.loads(key.read_text())] if key.exists() else None


def read_all(cases: Sequence[Case], workers: int = 2) -> tuple[dict[Path, list], float]:
    """Pages of every case (from the cache, or read and cached); and the seconds spent reading."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out: dict[Path, list] = {}
    todo: list[tuple[str, str]] = []
    keys: dict[str, Path] = {}
    for case in cases:
        key = CACHE / f"{_digest(case.path, case.languages)}.json"
        keys[str(case.path)] = key
        if key.exists():
            out[case.path] = [_page_from_json(p) for p in json.loads(key.read_text())]
        else:
            todo.append((str(case.path), case.languages))
    seconds = 0.0
    if todo:
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for path, pages, _ in pool.map(_read, todo):
                tmp = keys[path].with_suffix(".tmp")
                tmp.write_text(json.dumps(pages, ensure_ascii=False))
                os.replace(tmp, keys[path])
                out[Path(path)] = [_page_from_json(p) for p in pages]
                print(f"  read {Path(path).name}", file=sys.stderr, flush=True)
        seconds = time.perf_counter() - start
    return out, seconds


# -- the sets --------------------------------------------------------------------------------------
def samples_cases(folder: Path) -> list[Case]:
    cases = []
    for truth in sorted(folder.glob("*.truth.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        cases.append(Case(folder / data["file"], data["doc_type"], dict(data["fields"])))
    return cases


def sroie_cases(folder: Path) -> list[Case]:
    from classify.normalise import normalise_date, normalise_money

    cases = []
    for key in sorted((folder / "key").glob("*.json")):
        data = json.loads(key.read_text(encoding="utf-8"))
        fields = {"seller_name": data.get("company"), "seller_address": data.get("address"),
                  "date": normalise_date(data.get("date") or "", day_first=True),
                  "total": normalise_money(data.get("total") or "")}
        cases.append(Case(folder / "img" / f"{key.stem}.jpg", "receipt",
                          {k: v for k, v in fields.items() if v}, languages="eng"))
    return cases


def invoice2data_cases(folder: Path) -> list[Case]:
    cases = []
    for truth in sorted(folder.glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        item = data[0] if isinstance(data, list) else data
        amount = item.get("amount")
        fields = {"number": item.get("invoice_number"), "date": (item.get("date") or "")[:10] or None,
                  "total": f"{float(amount):.2f}" if amount is not None else None,
                  "currency": item.get("currency"), "seller_name": item.get("issuer")}
        fields = {k: str(v) for k, v in fields.items() if v}
        for doc in sorted(folder.glob(f"{truth.stem}.*")):
            if doc.suffix.lower() in SUFFIXES:
                cases.append(Case(doc, None, fields, languages="eng", group=truth.stem))
    return cases


def ru_dev_cases(folder: Path) -> list[Case]:
    """bench/ru-dev: ``NAME.EXT`` beside ``NAME.json`` = {"doc_type", "fields", "source"}."""
    cases = []
    for truth in sorted(folder.glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "doc_type" not in data:
            continue  # not a truth file
        for doc in sorted(folder.glob(f"{truth.stem}.*")):
            if doc.suffix.lower() in SUFFIXES:
                cases.append(Case(doc, data["doc_type"], dict(data["fields"]), group=truth.stem))
    return cases


SETS = {
    "samples": (lambda: REPO / "samples", samples_cases, None),
    "sroie": (lambda: SHARED_BENCH / "sroie", sroie_cases, ("date", "total", "seller_name", "seller_address")),
    # for training the letterhead labeller (scripts/train_letterhead.py) on its OCR: never a measure
    "sroie-train": (lambda: SHARED_BENCH / "sroie-train", sroie_cases,
                    ("date", "total", "seller_name", "seller_address")),
    "invoice2data": (lambda: SHARED_BENCH / "invoice2data", invoice2data_cases,
                     ("number", "date", "total", "currency", "seller_name")),
    "ru-dev": (lambda: REPO / "bench" / "ru-dev", ru_dev_cases, None),
}


GENERATED_SETS = {"samples"}  # made by our generator with a seed: not split; every other set is split into halves


# -- scoring ---------------------------------------------------------------------------------------
def _known_sellers() -> dict[str, set[str]]:
    """The names and addresses the bundled seller memory holds, folded as values are compared."""
    from classify import sellers

    path = Path(sellers.__file__).resolve().parent / "models" / "sellers.json"
    if not path.exists():
        return {}
    memory = sellers.load(path)
    return {"seller_name": {_fold(v) for v in memory.names}, "seller_address": {_fold(v) for v in memory.addresses}}


def score(name: str, cases: Sequence[Case], pages: dict[Path, list], only: Iterable[str] | None,
          model=None, verbose: bool = False, by_memory: bool = False) -> Report:
    import classify
    from archive.reading import settle
    from classify.analyse import TYPE_THRESHOLD

    known = _known_sellers() if by_memory else {}

    report = Report(name)
    start = time.perf_counter()
    for case in cases:
        doc_pages = pages[case.path]
        report.pages += len(doc_pages)
        # what `extract` and `import` give: a field read unsurely is left out and flagged (archive.reading)
        result = settle(classify.analyse(doc_pages, model=model)).extraction
        report.docs += 1
        report.review += result.needs_review
        got = result.values()
        if case.doc_type is not None:
            ok = report.types[case.doc_type].add(case.doc_type, result.doc_type)
            sure = result.confidence >= TYPE_THRESHOLD  # below it the type is flagged for review, not given
            report.sure_types.add(case.doc_type, result.doc_type if sure else None)
            if not ok:
                report.misses.append(f"{case.path.name}: type {case.doc_type} -> {result.doc_type} "
                                     f"({result.confidence:.2f})")
        wanted = list(only) if only else sorted(set(case.fields) | _key_fields(case.doc_type))
        for fname in wanted:
            expected = case.fields.get(fname)
            if expected is None and fname not in got:
                continue
            ok = report.fields[fname].add(expected, got.get(fname), fname)
            if fname in known and expected is not None:  # split by whether the seller memory holds the truth
                seen = "seen" if _fold(str(expected)) in known[fname] else "unseen"
                report.fields[f"{fname} ({seen})"].add(expected, got.get(fname), fname)
            if not ok and verbose:
                report.misses.append(f"{case.path.name}: {fname} want {expected!r} got {got.get(fname)!r}")
    report.analyse_seconds = time.perf_counter() - start
    return report


def _key_fields(doc_type: str | None) -> set[str]:
    import classify

    spec = classify.DOC_TYPES.get(doc_type or "")
    return set(spec.fields) if spec else set()


def print_report(report: Report) -> None:
    print(f"\n== {report.name}: {report.docs} documents, {report.pages} pages, "
          f"{report.review} sent to review")
    if report.types:
        total = Tally()
        for t, tally in sorted(report.types.items()):
            print(f"  type {t:<14} {tally.right}/{tally.n} = {tally.right / tally.n:6.1%}")
            total.n += tally.n
            total.right += tally.right
        print(f"  type {'ALL':<14} {total.right}/{total.n} = {total.right / total.n:6.1%}")
        sure = report.sure_types
        print(f"  type {'given':<14} precision {sure.right / max(sure.predicted, 1):6.1%} "
              f"({sure.right}/{sure.predicted} given at the review threshold's confidence or more)")
    for fname, tally in sorted(report.fields.items()):
        print(f"  field {fname:<15} {tally.line()}")
    if report.fields:  # every field of every document pooled: the "fields" and "precision"
        fields = [t for f, t in report.fields.items() if " (" not in f]  # not the --by-memory parts again
        pooled = Tally(right=sum(t.right for t in fields), predicted=sum(t.predicted for t in fields),
                       expected=sum(t.expected for t in fields))
        print(f"  field {'ALL':<15} {pooled.line()}")
    minutes = (report.ocr_seconds + report.analyse_seconds) / 60
    if report.ocr_seconds:
        print(f"  speed: {report.pages / minutes:.1f} pages/min (cold OCR with 2 workers + analysis)")
    print(f"  analysis alone: {report.pages / (report.analyse_seconds / 60 or 1e-9):.0f} pages/min "
          f"({report.analyse_seconds / max(report.docs, 1) * 1000:.1f} ms/document)")
    for miss in report.misses:
        print(f"    - {miss}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), help="set(s) to run (default: all)")
    parser.add_argument("--dir", type=Path, help="folder for the set (default: its usual place)")
    parser.add_argument("--model", type=Path, help="a trained classifier file to use")
    parser.add_argument("--rules-only", action="store_true", help="classify by keyword rules alone, no model")
    parser.add_argument("--ocr-only", action="store_true", help="fill the OCR cache and stop")
    parser.add_argument("--cached-only", action="store_true",
                        help="score only the documents whose reading is cached (read nothing)")
    parser.add_argument("--train", type=Path, metavar="MODEL",
                        help="train a classifier on the set's texts and types, write it to MODEL and stop "
                             "(the bundled classify/data/classifier.pkl is made from a set generated with a seed "
                             "no benchmark uses)")
    parser.add_argument("--half", choices=("both", "all", *HALVES), default="both",
                        help="both: the tuning and the held half reported apart (default); all: the whole set; "
                             "or one half (samples/ and --dir sets are not split: they are generated)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-seller-memory", action="store_true",
                        help="extract without the seller memory (classify/sellers.py): names and addresses as "
                             "for a shop never seen in its training")
    parser.add_argument("--by-memory", action="store_true",
                        help="also score seller_name and seller_address apart for the values the seller memory "
                             "holds (seen in its training) and those it does not (unseen)")
    parser.add_argument("--ocr", choices=("pipeline", "plain"), default=ENGINE,
                        help="pipeline: capture.read_document (default); plain: tesseract on the image as is")
    args = parser.parse_args(argv)
    os.environ["ACCURACY_OCR"] = args.ocr  # for the worker processes
    globals()["ENGINE"] = args.ocr
    import classify

    if args.no_seller_memory:
        import classify.sellers

        classify.sellers.MODEL_PATH = Path(os.devnull) / "none"  # an absent memory: values are left as read
        classify.sellers.default_memory.cache_clear()
    # the product's classifier: the bundled model unless another is given or --rules-only
    model = None if args.rules_only else (
        classify.load_classifier(args.model) if args.model else classify.default_classifier())
    for name in args.set or [s for s in SETS if s != "sroie-train"]:
        where, make, only = SETS[name]
        folder = args.dir or where()
        cases = make(folder)
        halves_of = half_of(cases)  # over the whole set, whatever is scored of it
        if args.cached_only:
            cases = [c for c in cases if cached_pages(c) is not None]
        pages, seconds = read_all(cases, args.workers)
        if args.ocr_only:
            print(f"{name}: {len(cases)} files cached ({seconds:.0f} s)")
            continue
        if args.train:
            import classify

            labelled = [(c, c.doc_type) for c in cases if c.doc_type]
            texts = ["\n".join(p.text for p in pages[c.path]) for c, _ in labelled]
            classify.train_classifier(texts, [doc_type for _, doc_type in labelled], args.train)
            print(f"trained on {len(labelled)} documents of {name} ({folder}) -> {args.train}")
            continue
        split = name not in GENERATED_SETS and not args.dir
        halves = (HALVES if args.half == "both" else (args.half,)) if split else ("all",)
        for half in halves:
            part = in_half(cases, half, halves_of)
            label = name if half == "all" else f"{name} ({half} half)"
            report = score(label, part, pages, only, model=model, verbose=args.verbose, by_memory=args.by_memory)
            report.ocr_seconds = seconds * len(part) / max(len(cases), 1)
            print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
