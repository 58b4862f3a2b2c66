"""Is the archived page text at least as rich as plain tesseract's? Per set of images with truth files.

For every page image with a truth file, the truth values (the fields of `extract --json`'s contract as the
truth gives them) are looked for in two texts of the same image:

- ours: the page text `finarchive import` archives (capture.read_page with the archive's default reading
  settings, derived files written as in import);
- plain: `tesseract IMG - -l rus+eng` (OMP_THREAD_LIMIT=1), PDF pages rendered to PNG at 300 dpi first.

A value counts as present when one of its printed forms occurs in the text, compared without spaces and
case (a date as 18.05.2025, 18.05.25, 18/05/2025 or «18 мая 2025»; an amount as 21989.00, 21 989,00 or
21,989.00). It prints, per set, the share of values present in each text and the CPU seconds per page of
each (tesseract's own processes included). Born-digital PDF pages are left out: neither side runs OCR.

    python bench/reading.py                          # samples/, samples/photos/, SROIE, invoice2data, ru-dev halves
    python bench/reading.py --set photos=/tmp/ph     # any folder of images with NAME.truth.json (or key/)
    python bench/reading.py --generate-photos 30     # also 30 freshly generated photos (held seed 2031)

SROIE (../shared/bench/sroie), invoice2data and the Russian dev set (bench/ru-dev) are split into a tuning and a
held half by bench/accuracy.py's fixed rule; both halves are reported, and nothing was tuned on a held half.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "bench"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
# The seed of the generated photos reported as held: the photo flattening was tuned on samples/photos and
# tests/photos.py only, never on photos of this seed (seed 77, the first fresh set, was looked at).
HELD_PHOTO_SEED = 2031
SKIP_FIELDS = {"currency"}  # a code the document may print as a sign or a word; not a value as printed
MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря")
MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december")
# Quotes are dropped on both sides: «03» марта 2026 is a printed form of 2026-03-03, ООО «Вектор» of ООО "Вектор".
QUOTES = str.maketrans({"«": "", "»": "", "“": "", "”": "", "„": "", "'": "", '"': "", "ё": "е"})


@dataclass(frozen=True)
class Item:
    image: Path
    values: dict[str, str]  # field name -> value as the truth gives it
    group: str = ""  # the document (renders of one share it): the halves split by it
    half: str = ""  # its half by bench/accuracy.py's rule over the whole set (office files included)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.lower().translate(QUOTES))


def printed_forms(field: str, value: str) -> set[str]:
    """The ways a value may be printed, squashed."""
    forms = {squash(value)}
    date = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if date:
        y, m, d = date.groups()
        for sep in ".", "/", "-":
            forms |= {f"{d}{sep}{m}{sep}{y}", f"{d}{sep}{m}{sep}{y[2:]}"}
        forms.add(f"{m}/{d}/{y}")  # the American order
        english = MONTHS_EN[int(m) - 1]
        for day in {d, d.lstrip("0")}:
            forms.add(f"{day}{MONTHS_RU[int(m) - 1]}{y}")
            for month in {english, english[:3]}:  # 12 Dec 2018, 12 December 2018, Dec 12, 2018
                forms |= {f"{day}{month}{y}", f"{month}{day},{y}", f"{month}{day}{y}"}
    money = re.fullmatch(r"(?:rm)?\s*(\d+)[.,](\d{2})", value.strip().lower())
    if money and (field in {"total", "vat", "amount"} or field.endswith("_total")):  # card_total, cash_total
        whole, cents = money.groups()
        grouped = f"{int(whole):,}"
        forms |= {f"{whole}.{cents}", f"{whole},{cents}", f"{whole}-{cents}", f"{grouped}.{cents}",
                  f"{grouped.replace(',', '.')},{cents}"}  # 21,989.00 and 21.989,00
    return {squash(f) for f in forms}


def occurs(field: str, value: str, text: str) -> bool:
    squashed = squash(text)
    return any(form and form in squashed for form in printed_forms(field, value))


def truth_items(folder: Path) -> list[Item]:
    """The images of a folder with truth files, read as bench/accuracy.py reads its sets (samples' NAME.truth.json,
    SROIE's img/ + key/, ru-dev's NAME.json)."""
    from bench.accuracy import half_of, invoice2data_cases, ru_dev_cases, samples_cases, sroie_cases

    if (folder / "img").is_dir() and (folder / "key").is_dir():
        cases = sroie_cases(folder)
    elif folder.name == "invoice2data":
        cases = invoice2data_cases(folder)
    elif any(folder.glob("*.truth.json")):
        cases = samples_cases(folder)
    else:
        cases = ru_dev_cases(folder)
    half = half_of(cases)  # over every document of the set, as bench/accuracy.py splits it, before the images are taken
    return [Item(c.path, {k: v for k, v in c.fields.items() if k not in SKIP_FIELDS and v}, c.group or c.path.stem,
                 half[c.group or c.path.stem])
            for c in cases if c.path.suffix.lower() in IMAGE_SUFFIXES]


def halves(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """The tuning and the held half, by bench/accuracy.py's fixed rule (documents sorted by SHA-256 of name)."""
    from bench.accuracy import Case, half_of

    if all(i.half for i in items):  # split as the whole set is (truth_items)
        return [i for i in items if i.half == "tuning"], [i for i in items if i.half == "held"]
    cases = [Case(i.image, None, i.values, group=i.group) for i in items]
    half = half_of(cases)
    return [i for i in items if half[i.group] == "tuning"], [i for i in items if half[i.group] == "held"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    return time.process_time() + children_cpu()


def read_ours(item: Item, derived: Path) -> tuple[list[str], float]:
    """The page texts import archives, and the CPU seconds they cost."""
    from archive.reading import Reader, ReadingSettings
    from capture import read_page

    reader = Reader(ReadingSettings())
    start = own_cpu()
    jobs = reader.plan(reader.inspect(item.image), derived_dir=derived)
    texts = [read_page(job).page.text for job in jobs if not job.has_text_layer]
    return texts, own_cpu() - start


def read_plain(item: Item, tmp: Path, languages: str) -> tuple[list[str], float]:
    """`tesseract IMG - -l LANGS` over every page (PDF pages rendered to 300-dpi PNGs, outside the timing)."""
    from capture import inspect_file

    if item.image.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        info = inspect_file(item.image)
        pdf = pdfium.PdfDocument(str(item.image))
        pages = []
        for i in range(len(pdf)):
            if info.text_layer[i]:
                continue
            target = tmp / f"{item.image.stem}-{i}.png"
            pdf[i].render(scale=300 / 72).to_pil().convert("L").save(target)
            pages.append(target)
        pdf.close()
    else:
        pages = [item.image]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    start = children_cpu()
    texts = [subprocess.run(["tesseract", str(p), "-", "-l", languages], env=env, capture_output=True,
                            text=True, check=False).stdout for p in pages]
    return texts, children_cpu() - start


def measure(name: str, items: list[Item], languages: str, misses: bool = False) -> dict[str, object]:
    found = {"ours": 0, "plain": 0}
    total = pages = 0
    cpu = {"ours": 0.0, "plain": 0.0}
    by_field: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="finarchive-reading-") as tmp_name:
        tmp = Path(tmp_name)
        for n, item in enumerate(items):
            plain_texts, plain_cpu = read_plain(item, tmp, languages)
            if not plain_texts:
                continue  # born-digital: no OCR on either side
            our_texts, our_cpu = read_ours(item, tmp / f"derived-{n}")
            cpu["ours"] += our_cpu
            cpu["plain"] += plain_cpu
            pages += len(plain_texts)
            ours, plain = "\n".join(our_texts), "\n".join(plain_texts)
            for field, value in item.values.items():
                total += 1
                hit = (occurs(field, value, ours), occurs(field, value, plain))
                found["ours"] += hit[0]
                found["plain"] += hit[1]
                if misses and not all(hit):
                    where = "plain only" if hit[1] else "ours only" if hit[0] else "neither"
                    print(f"  {item.image.name}: {field} in {where}", flush=True)
                counts = by_field.setdefault(field, [0, 0, 0])
                counts[0] += hit[0]
                counts[1] += hit[1]
                counts[2] += 1
    row: dict[str, object] = {
        "set": name, "pages": pages, "values": total,
        "ours": found["ours"] / total if total else 0.0, "plain": found["plain"] / total if total else 0.0,
        "cpu_ours": cpu["ours"] / max(pages, 1), "cpu_plain": cpu["plain"] / max(pages, 1),
        "by_field": {f: {"ours": c[0] / c[2], "plain": c[1] / c[2], "n": c[2]} for f, c in sorted(by_field.items())},
    }
    print(f"{name:14} {pages:4d} pages {total:5d} values   ours {row['ours']:.1%}   plain {row['plain']:.1%}   "
          f"CPU s/page ours {row['cpu_ours']:.2f} plain {row['cpu_plain']:.2f}", flush=True)
    return row


def default_sets(generated: Path | None) -> list[tuple[str, list[Item]]]:
    samples = REPO / "samples"
    sets = [("samples", truth_items(samples)), ("photos", truth_items(samples / "photos"))]
    if generated is not None:
        sets.append(("photos-generated", truth_items(generated)))
    for name, folder in (("sroie", SHARED / "sroie"), ("invoice2data", SHARED / "invoice2data"),
                         ("ru-dev", REPO / "bench" / "ru-dev")):
        if folder.is_dir():
            tuning, held = halves(truth_items(folder))
            sets += [(f"{name} tuning", tuning), (f"{name} held", held)]
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=DIR",
                    help="measure only these folders (repeatable)")
    ap.add_argument("--generate-photos", type=int, default=0, metavar="N",
                    help="also N phone photos generated afresh (samples/generate.py --photo-share 1)")
    ap.add_argument("--photo-seed", type=int, default=HELD_PHOTO_SEED,
                    help=f"the generator's seed for --generate-photos (default {HELD_PHOTO_SEED}: never tuned on)")
    ap.add_argument("--languages", default="rus+eng")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="only the default sets whose name starts so (repeatable: --only sroie --only photos)")
    ap.add_argument("--limit", type=int, default=0, help="at most N images of each set (a quick look)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--misses", action="store_true",
                    help="print each value one text holds and the other lacks (image and field)")
    args = ap.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory(prefix="finarchive-photos-") as gen_name:
        generated = None
        if args.generate_photos:
            generated = Path(gen_name)
            subprocess.run([sys.executable, str(REPO / "samples" / "generate.py"), "--out", str(generated),
                            "--count", str(args.generate_photos), "--seed", str(args.photo_seed), "--photo-share", "1"],
                           check=True, capture_output=True)
        if args.set:
            sets = [(spec.split("=", 1)[0], truth_items(Path(spec.split("=", 1)[1]))) for spec in args.set]
        else:
            sets = default_sets(generated)
        if args.only:
            sets = [(name, items) for name, items in sets if any(name.startswith(o) for o in args.only)]
        if args.limit:
            sets = [(name, items[: args.limit]) for name, items in sets]
        rows = [measure(name, items, args.languages, args.misses) for name, items in sets if items]
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
