"""Throughput of `finarchive import` against the OCR limit measured in the same run.

The OCR limit: plain tesseract (`tesseract PAGE stdout -l rus+eng tsv`, OMP_THREAD_LIMIT=1), one process
per core, over the same pages already rendered to PNG (so the reference does no PDF work at all).
Ours: `finarchive import` into a fresh archive (SQLite, local blobs, FTS5) over the original files —
hashing, storing, rendering, preprocessing, OCR, classification, commit and indexing included.
Only scanned pages are used (born-digital PDFs skip OCR and would flatter us). Besides wall-clock
pages/min it prints CPU seconds per page of each side (all child processes included), a ratio that other
load on a shared machine does not distort, and where our CPU time goes: a profile by stage (decode, clean,
orientation, OCR, re-reads, barcode/QR, classification, derived files, commit, index, start-up), charged by
the processes themselves (capture/stages.py, ``FINARCHIVE_STAGE_LOG``) in the same run.

    python bench/throughput.py                    # samples/ scans
    python bench/throughput.py --generate 40      # plus 40 generated unseen documents (samples/generate.py)
    python bench/throughput.py --files DIR --repeat 2
    python bench/throughput.py --via watch --generate 180   # a backlog of about 200 pages in an inbox
    python bench/throughput.py --files EMPTY_DIR --generate 60 --upright-only --max-pages 30   # 30 unseen pages
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from capture.stages import STAGE_LOG_ENV, read_log

REPO = Path(__file__).resolve().parents[1]
SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}


class CpuMeter:
    """CPU seconds of a process tree, through a cgroup (v1 cpuacct) the processes are started in: every
    descendant (forkserver workers, their tesseracts) counts, whatever else runs on the machine.
    ``seconds()`` is None where no cgroup can be made (not root, no cpuacct hierarchy)."""

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self, name: str) -> None:
        self.path: Path | None = self.ROOT / f"finarchive-bench-{os.getpid()}-{name}"
        try:
            self.path.mkdir(exist_ok=True)
        except OSError:
            self.path = None

    def preexec(self):
        if self.path is None:
            return None
        tasks = str(self.path / "tasks")
        return lambda: Path(tasks).write_text(str(os.getpid()))

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def close(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.rmdir()


def scanned_files(folder: Path) -> list[Path]:
    """Files whose pages need OCR (images, TIFFs, image-only PDFs)."""
    from capture import inspect_file

    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SCAN_SUFFIXES:
            continue
        info = inspect_file(path)
        if not info.has_text_layer:
            out.append(path)
    return out


def upright(files: list[Path]) -> list[Path]:
    """Files whose truth says no page is turned (generated samples carry meta.scan[].turned_cw)."""
    out = []
    for path in files:
        truth = path.with_name(path.stem + ".truth.json")
        scans = json.loads(truth.read_text(encoding="utf-8")).get("meta", {}).get("scan", []) if truth.exists() else []
        if not any(s.get("turned_cw") for s in scans):
            out.append(path)
    return out


def render_pages(files: list[Path], out: Path, dpi: int = 300) -> list[Path]:
    """Every page of every file as a PNG, the way a plain-tesseract user would feed them."""
    from PIL import Image

    pages: list[Path] = []
    for n, path in enumerate(files):
        if path.suffix.lower() == ".pdf":
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            for i in range(len(pdf)):
                target = out / f"{n:04d}-{i:03d}.png"
                pdf[i].render(scale=dpi / 72).to_pil().convert("L").save(target)
                pages.append(target)
            pdf.close()
        else:
            with Image.open(path) as img:
                for i in range(getattr(img, "n_frames", 1)):
                    img.seek(i)
                    target = out / f"{n:04d}-{i:03d}.png"
                    img.convert("L").save(target)
                    pages.append(target)
    return pages


def plain_tesseract(pages: list[Path], workers: int, languages: str, meter: CpuMeter) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(page: Path) -> None:
        subprocess.run(["tesseract", str(page), "stdout", "-l", languages, "tsv"], env=env, check=True,
                       capture_output=True, preexec_fn=meter.preexec())

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, pages))
    return time.monotonic() - started


# The profile's rows, in the order a page meets them; stages not listed follow, then the remainder.
STAGE_ORDER = ("start-up", "model load", "intake", "decode", "text layer", "photo check", "clean", "orientation",
               "ocr", "re-read", "second look", "barcode/QR", "derived files", "checkpoint", "classification",
               "commit", "index", "page, other", "pipeline, other")
REMAINDER = "rest: workers' start, exit"  # the cgroup's total less what the stages were charged


def stage_log(home: Path) -> Path:
    return home.parent / f"{home.name}-stages.jsonl"


def print_profile(spent: dict[str, float], total: float | None, pages: int, plain_per_page: float | None) -> None:
    """Where our CPU time went, a row a stage: seconds, seconds a page, share of the whole."""
    rows = [(name, spent[name]) for name in STAGE_ORDER if name in spent]
    rows += sorted((name, s) for name, s in spent.items() if name not in STAGE_ORDER)
    whole = total if total is not None else sum(spent.values())
    if total is not None:
        rows.append((REMAINDER, total - sum(spent.values())))
    print("         CPU profile of finarchive by stage (s = CPU seconds of all its processes):")
    print(f"         {'stage':<26} {'s':>7} {'s/page':>7} {'share':>6}")
    for name, seconds in rows:
        print(f"         {name:<26} {seconds:7.2f} {seconds / max(pages, 1):7.3f} {seconds / whole:6.1%}")
    print(f"         {'total':<26} {whole:7.2f} {whole / max(pages, 1):7.3f}")
    if plain_per_page is not None:
        print(f"         {'(plain tesseract)':<26} {plain_per_page * pages:7.2f} {plain_per_page:7.3f}")


def finarchive_import(files: list[Path], workers: int, home: Path, meter: CpuMeter) -> tuple[float, dict]:
    exe = Path(sys.executable).with_name("finarchive")
    env = dict(os.environ, FINARCHIVE_HOME=str(home), FINARCHIVE_OCR_WORKERS=str(workers))
    subprocess.run([str(exe), "init"], env=env, check=True, capture_output=True)
    env[STAGE_LOG_ENV] = str(stage_log(home))
    started = time.monotonic()
    proc = subprocess.run([str(exe), "import", "--json", "--no-progress", *map(str, files)], env=env,
                          capture_output=True, text=True, preexec_fn=meter.preexec(), check=False)
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 10):
        raise SystemExit(f"finarchive import failed ({proc.returncode}): {proc.stderr}")
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1])


def finarchive_watch(files: list[Path], workers: int, home: Path, meter: CpuMeter) -> tuple[float, dict]:
    """The backlog case: the files wait in an outlet's inbox; `finarchive watch --once` takes them all."""
    exe = Path(sys.executable).with_name("finarchive")
    env = dict(os.environ, FINARCHIVE_HOME=str(home), FINARCHIVE_OCR_WORKERS=str(workers))
    subprocess.run([str(exe), "init"], env=env, check=True, capture_output=True)
    env[STAGE_LOG_ENV] = str(stage_log(home))
    inbox = home.parent / f"{home.name}-inbox"
    outlet = inbox / "BENCH-01"
    outlet.mkdir(parents=True)
    for n, path in enumerate(files):
        shutil.copyfile(path, outlet / f"{n:04d}-{path.name}")
    started = time.monotonic()
    proc = subprocess.run([str(exe), "watch", "--once", "--inbox", str(inbox), "--stable", "0.2", "--no-mail",
                           "--json", "-q"], env=env, capture_output=True, text=True, preexec_fn=meter.preexec(),
                           check=False)
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 10):
        raise SystemExit(f"finarchive watch failed ({proc.returncode}): {proc.stderr}")
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1])


def measured_pages(args: argparse.Namespace, tmp: Path) -> tuple[list[Path], list[Path]]:
    """The scanned files a run measures (--files, plus --generate N made with seed 4242, less turned ones with
    --upright-only) and their pages rendered to PNG under ``tmp``, for plain tesseract to read."""
    files = scanned_files(args.files)
    if args.generate:
        gen = tmp / "generated"
        subprocess.run([sys.executable, str(REPO / "samples" / "generate.py"), "--out", str(gen),
                        "--count", str(args.generate), "--seed", "4242"], check=True, capture_output=True)
        files += scanned_files(gen)
    if args.upright_only:
        files = upright(files)
    rendered = tmp / "rendered"
    rendered.mkdir()
    pages = render_pages(files, rendered)
    if args.max_pages:  # a batch: the first files whose pages add up to at most N (render_pages names a page nnnn-…)
        taken: list[int] = []
        for n in range(len(files)):
            own = sum(int(p.name[:4]) == n for p in pages)
            if len(taken) and sum(int(p.name[:4]) in taken for p in pages) + own > args.max_pages:
                break
            taken.append(n)
        files = [files[n] for n in taken]
        pages = [p for p in pages if int(p.name[:4]) in taken]
    return files, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=Path, default=REPO / "samples")
    ap.add_argument("--generate", type=int, default=0, help="also generate N unseen documents")
    ap.add_argument("--max-pages", type=int, default=0, help="a batch of the first files holding at most N pages")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--languages", default="rus+eng")
    ap.add_argument("--repeat", type=int, default=1, help="alternate reference and ours N times")
    ap.add_argument("--via", choices=["import", "watch"], default="import",
                    help="measure `finarchive import`, or `finarchive watch --once` over a backlog in an inbox")
    ap.add_argument("--upright-only", action="store_true",
                    help="leave out documents with turned pages (their orientation check costs a second OCR pass "
                         "that plain tesseract never makes), to measure the pipeline's own overhead")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="finarchive-bench-") as tmp_name:
        tmp = Path(tmp_name)
        files, pages = measured_pages(args, tmp)
        print(f"{len(files)} scanned files, {len(pages)} pages, {args.workers} worker(s)")
        ratios = []
        cpu_ratios: list[float] = []
        for round_no in range(args.repeat):
            ref_meter, our_meter = CpuMeter(f"ref{round_no}"), CpuMeter(f"ours{round_no}")
            ref = plain_tesseract(pages, args.workers, args.languages, ref_meter)
            home = tmp / f"home-{round_no}"
            run = finarchive_watch if args.via == "watch" else finarchive_import
            ours, summary = run(files, args.workers, home, our_meter)
            ref_s, our_s = ref_meter.seconds(), our_meter.seconds()
            ref_meter.close()
            our_meter.close()
            ref_ppm = len(pages) / ref * 60
            our_ppm = summary["pages"] / ours * 60
            ratios.append(our_ppm / ref_ppm)
            print(f"round {round_no + 1}: plain tesseract {ref_ppm:.1f} pages/min ({ref:.1f} s); "
                  f"finarchive {args.via} {our_ppm:.1f} pages/min ({ours:.1f} s, {summary['archived']} archived, "
                  f"{summary['quarantined']} quarantined); ratio {our_ppm / ref_ppm:.2f}")
            ref_cpu = None
            if ref_s is not None and our_s is not None:
                ref_cpu, our_cpu = ref_s / len(pages), our_s / max(summary["pages"], 1)
                cpu_ratios.append(ref_cpu / our_cpu)
                print(f"         CPU seconds per page: plain tesseract {ref_cpu:.2f}, finarchive {our_cpu:.2f}; "
                      f"ratio {ref_cpu / our_cpu:.2f}; cores kept busy: plain "
                      f"{ref_s / (args.workers * ref):.0%}, finarchive {our_s / (args.workers * ours):.0%}")
            if stage_log(home).exists():
                print_profile(read_log(stage_log(home)), our_s, summary["pages"], ref_cpu)
            shutil.rmtree(home, ignore_errors=True)
        print(f"ratio to the OCR limit: {min(ratios):.2f} (worst) / {max(ratios):.2f} (best) "
              f"over {len(ratios)} round(s)")
        if cpu_ratios:
            print(f"CPU-time ratio (other load on the machine does not distort it): "
                  f"{min(cpu_ratios):.2f} (worst) / {max(cpu_ratios):.2f} (best)")


if __name__ == "__main__":
    main()
