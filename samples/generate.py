"""Generate realistic sample scans of financial documents with their truth files.

    python samples/generate.py                         # the committed set (about 30 files) into samples/
    python samples/generate.py --out DIR --count N --seed S   # N other documents, chosen at random
    python samples/generate.py --photos                # the committed phone photos, into samples/photos/
    python samples/generate.py --out DIR --count N --photo-share 1   # N random documents, all photographed

Each ``<name>.<ext>`` gets a ``<name>.truth.json``: doc_type, the fields as DESIGN.md normalises them,
language and page count (and, under "meta", how it was drawn and scanned). Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from PIL import Image, ImageOps  # noqa: E402

from _docs import MULTI_PAGE, TEMPLATES, Doc  # noqa: E402
from _forms import FORM_WEIGHTS, FORMS, bill_1c  # noqa: E402
from _layout import ScanLook, random_look, render_image, render_pdf, scan  # noqa: E402
from _photo import photograph_sheet  # noqa: E402

DEFAULT_SEED = 2026
FORMATS = ("png", "jpg", "pdf", "pdf_text", "tif", "photo")
EXTENSION = {"png": "png", "jpg": "jpg", "pdf": "pdf", "pdf_text": "pdf", "tif": "tif", "photo": "jpg"}


@dataclass(frozen=True)
class Item:
    """One file to make: its name, which template, the output format and how it is scanned."""

    name: str
    doc_type: str
    lang: str
    variant: int | str  # index into TEMPLATES[doc_type][lang], "long" for MULTI_PAGE, "1c…" for FORMS
    fmt: str
    turned: tuple[tuple[int, int], ...] = ()  # (page index, degrees clockwise)
    mode: str | None = None  # scan colour mode: "L", "RGB", "1"; None = random


DEFAULT_PLAN: tuple[Item, ...] = (
    Item("z_report_01", "z_report", "ru", 0, "jpg"),
    Item("z_report_02", "z_report", "ru", 0, "png", mode="1"),
    Item("z_report_03", "z_report", "ru", 0, "pdf"),
    Item("sales_report_01", "sales_report", "ru", 0, "png", mode="L"),
    Item("sales_report_02", "sales_report", "ru", 0, "pdf_text"),
    Item("sales_report_03_en", "sales_report", "en", 0, "jpg", turned=((0, 90),)),
    Item("waybill_01", "waybill", "ru", 0, "jpg"),
    Item("waybill_02", "waybill", "ru", 1, "png", mode="1"),
    Item("waybill_03", "waybill", "ru", 0, "pdf"),
    Item("waybill_04_en", "waybill", "en", 0, "jpg"),
    Item("waybill_05", "waybill", "ru", 1, "pdf_text"),
    Item("upd_01", "upd", "ru", 0, "png", mode="1"),
    Item("upd_02", "upd", "ru", 0, "pdf_text"),
    Item("upd_03", "upd", "ru", "long", "pdf"),
    Item("vat_invoice_01", "vat_invoice", "ru", 0, "jpg"),
    Item("vat_invoice_02", "vat_invoice", "ru", 0, "pdf_text"),
    Item("vat_invoice_03", "vat_invoice", "ru", 0, "png", turned=((0, 180),), mode="L"),
    Item("invoice_01", "invoice", "ru", 0, "jpg"),
    Item("invoice_02", "invoice", "ru", 0, "pdf_text"),
    Item("invoice_03_en", "invoice", "en", 0, "png", mode="L"),
    Item("invoice_04_en", "invoice", "en", 0, "pdf_text"),
    Item("contract_01", "contract", "ru", 0, "pdf", turned=((1, 180),)),
    Item("contract_02", "contract", "ru", 0, "tif", mode="1"),
    Item("contract_03", "contract", "ru", 0, "pdf_text"),
    Item("contract_04_en", "contract", "en", 0, "pdf"),
    Item("receipt_01", "receipt", "ru", 0, "jpg"),
    Item("receipt_02", "receipt", "ru", 0, "png", mode="L"),
    Item("receipt_03_en", "receipt", "en", 0, "jpg"),
    Item("receipt_04", "receipt", "ru", 0, "jpg", turned=((0, 270),)),
    Item("other_01", "other", "ru", 0, "jpg"),
    Item("other_02_en", "other", "en", 0, "pdf_text"),
    Item("other_03", "other", "ru", 1, "png", turned=((0, 90),), mode="L"),
)

# Phone photos of printed pages (samples/photos/): desk, perspective, curl, light, stamps, JPEG, low resolution.
PHOTO_PLAN: tuple[Item, ...] = (
    Item("invoice_p01", "invoice", "ru", 0, "photo"),
    Item("invoice_p02", "invoice", "ru", 0, "photo"),
    Item("receipt_p01", "receipt", "ru", 0, "photo"),
    Item("receipt_p02", "receipt", "ru", 0, "photo"),
    Item("z_report_p01", "z_report", "ru", 0, "photo"),
    Item("waybill_p01", "waybill", "ru", 1, "photo"),
    Item("waybill_p02", "waybill", "ru", 0, "photo"),
    Item("upd_p01", "upd", "ru", 0, "photo"),
    Item("vat_invoice_p01", "vat_invoice", "ru", 0, "photo"),
    Item("sales_report_p01", "sales_report", "ru", 0, "photo"),
    Item("receipt_p03_en", "receipt", "en", 0, "photo"),
    Item("other_p01", "other", "ru", 0, "photo"),
)

# The statutory forms as 1C prints them (samples/forms/): born-digital, scanned and photographed.
FORMS_PLAN: tuple[Item, ...] = (
    Item("upd_f01", "upd", "ru", "1c", "pdf_text"),
    Item("upd_f02", "upd", "ru", "1c", "jpg"),
    Item("upd_f03", "upd", "ru", "1c", "photo"),
    Item("waybill_f01", "waybill", "ru", "1c", "pdf_text"),
    Item("waybill_f02", "waybill", "ru", "1c", "png", mode="L"),
    Item("waybill_f03", "waybill", "ru", "1c", "photo"),
    Item("vat_invoice_f01", "vat_invoice", "ru", "1c", "pdf_text"),
    Item("vat_invoice_f02", "vat_invoice", "ru", "1c", "jpg"),
    Item("vat_invoice_f03", "vat_invoice", "ru", "1c", "photo"),
    Item("invoice_f01", "invoice", "ru", "1c", "pdf_text"),
    Item("invoice_f02", "invoice", "ru", "1c-offer", "photo"),
    Item("invoice_f03", "invoice", "ru", "1c-contract", "jpg"),
    Item("invoice_f04", "invoice", "ru", "1c-offer", "pdf_text"),
    Item("invoice_f05", "invoice", "ru", "1c-contract", "photo"),
    Item("act_f01", "act", "ru", "1c", "pdf_text"),
    Item("act_f02", "act", "ru", "1c", "jpg"),
    Item("act_f03", "act", "ru", "1c", "photo"),
    Item("act_f04", "act", "ru", "1c", "pdf"),
    Item("receipt_f01", "receipt", "ru", "1c", "jpg"),
    Item("receipt_f02", "receipt", "ru", "1c", "photo"),
    Item("receipt_f03", "receipt", "ru", "1c", "photo"),
    Item("receipt_f04", "receipt", "ru", "1c", "png", mode="L"),
    Item("z_report_f01", "z_report", "ru", "1c", "jpg"),
    Item("z_report_f02", "z_report", "ru", "1c", "photo"),
)
BILL_TITLES = {"1c": None, "1c-offer": "Счет-оферта", "1c-contract": "Счет-договор"}

# doc_type → weight in a random set, and the share of English documents where a template exists
RANDOM_WEIGHTS = {"z_report": 10, "sales_report": 8, "waybill": 14, "upd": 12, "vat_invoice": 10,
                  "invoice": 12, "contract": 10, "receipt": 14, "other": 5}
ENGLISH_SHARE = 0.2


def random_plan(count: int, seed: int, photo_share: float = 0.0) -> list[Item]:
    """``count`` random documents; ``photo_share`` of the single-page ones are phone photos instead.

    The photo draw has its own generator, so a plan without photos is the same as it always was.
    """
    rng = random.Random(f"plan:{seed}")
    photo_rng = random.Random(f"photo:{seed}")
    items = []
    types, weights = zip(*RANDOM_WEIGHTS.items(), strict=True)
    for i in range(1, count + 1):
        doc_type = rng.choices(types, weights)[0]
        langs = TEMPLATES[doc_type]
        lang = "en" if "en" in langs and (rng.random() < ENGLISH_SHARE or "ru" not in langs) else "ru"
        variant: int | str = rng.randrange(len(langs[lang]))
        if doc_type in MULTI_PAGE and lang == "ru" and rng.random() < 0.25:
            variant = "long"
        multi = doc_type == "contract" or variant == "long"
        fmt = rng.choice(("pdf", "pdf", "pdf_text", "tif") if multi else ("png", "jpg", "jpg", "pdf", "pdf_text"))
        turned = ((0, rng.choice((90, 180, 270))),) if fmt != "pdf_text" and rng.random() < 0.12 else ()
        mode = "1" if fmt == "tif" else None
        if photo_share and not multi and photo_rng.random() < photo_share:
            fmt, turned, mode = "photo", (), None
        items.append(Item(f"{doc_type}_{i:03d}" + ("_en" if lang == "en" else ""), doc_type, lang, variant, fmt,
                          turned, mode))
    return items


def forms_plan(count: int, seed: int, photo_share: float = 0.3) -> list[Item]:
    """``count`` random statutory forms (``--mix forms``): born-digital PDF, scans and phone photos."""
    rng = random.Random(f"forms:{seed}")
    types, weights = zip(*FORM_WEIGHTS.items(), strict=True)
    items = []
    for i in range(1, count + 1):
        doc_type = rng.choices(types, weights)[0]
        variant = rng.choice(tuple(BILL_TITLES)) if doc_type == "invoice" else "1c"
        slip = doc_type in ("receipt", "z_report")
        fmt = "photo" if rng.random() < photo_share else rng.choice(("png", "jpg") if slip else
                                                                    ("png", "jpg", "pdf", "pdf_text"))
        items.append(Item(f"{doc_type}_f{i:03d}", doc_type, "ru", variant, fmt))
    return items


def build(item: Item, seed: int) -> Doc:
    rng = random.Random(f"{seed}:{item.name}")
    if isinstance(item.variant, str) and item.variant.startswith("1c"):
        if item.doc_type == "invoice":
            return bill_1c(rng, BILL_TITLES[item.variant])
        return FORMS[item.doc_type][0](rng)
    if item.variant == "long":
        return MULTI_PAGE[item.doc_type](rng)
    make = TEMPLATES[item.doc_type][item.lang][int(item.variant)]
    return make(rng)


def write(item: Item, seed: int, out: Path) -> Path:
    """Make one document, write its file and truth; returns the file's path."""
    doc = build(item, seed)
    path = out / f"{item.name}.{EXTENSION[item.fmt]}"
    rng = random.Random(f"{seed}:{item.name}:scan")
    looks: list[ScanLook] = []
    photo: dict | None = None
    if item.fmt == "photo":
        if len(doc.sheets) > 1:
            raise ValueError(f"{item.name}: a {len(doc.sheets)}-page document cannot be one phone photo")
        image, photo = photograph_sheet(doc.sheets[0], doc.fields, rng)
        image.save(path, "JPEG", quality=photo["quality"], optimize=True, dpi=(72, 72))
        # what a scan record would say: the page's effective resolution and turn in the photo
        looks.append(ScanLook(dpi=round(300 * photo["page_scale"]), skew=photo["rotation"], mode="RGB"))
    elif item.fmt == "pdf_text":
        render_pdf(doc.sheets, str(path), f"{doc.doc_type} {item.name}")
    else:
        turned = dict(item.turned)
        mode = "1" if item.fmt == "tif" else item.mode
        narrow = doc.sheets[0].width < 1000  # till paper: keep its full resolution
        dense = doc.sheets[0].width > doc.sheets[0].height  # landscape forms with small print
        dpi = 300 if narrow or mode == "1" else rng.choice((240, 300)) if dense else 200 if item.fmt == "png" else None
        base = random_look(rng, mode=mode, dpi=dpi, max_skew=1.5 if dense else 3.0)
        pages = []
        for i, sheet in enumerate(doc.sheets):
            look = ScanLook(**{**asdict(base), "turned_cw": turned.get(i, 0),
                               "skew": base.skew if i == 0 else round(rng.uniform(-1.5, 1.5), 2)})
            looks.append(look)
            pages.append(scan(render_image(sheet), look, rng.randrange(2**32)))
        _save_raster(pages, path, item.fmt, looks[0].dpi, rng.randrange(50, 76))
    truth = {
        "file": path.name,
        "doc_type": doc.doc_type,
        "fields": doc.fields,
        "lang": doc.lang,
        "pages": len(doc.sheets),
        "meta": {
            **doc.meta,
            "format": item.fmt,
            "text_layer": item.fmt == "pdf_text",
            "font": doc.sheets[0].family,
            "scan": [{"dpi": lk.dpi, "skew": lk.skew, "turned_cw": lk.turned_cw, "mode": lk.mode} for lk in looks],
        },
    }
    if photo is not None:
        truth["meta"] = {**truth["meta"], "photo": photo}
    (out / f"{item.name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
    return path


def _save_raster(pages: list, path: Path, fmt: str, dpi: int, quality: int) -> None:
    if fmt == "tif":
        pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4", dpi=(dpi, dpi))
    elif fmt == "pdf":
        pages = [p.convert("L") if p.mode == "1" else p for p in pages]
        fixed = time.gmtime(1767225600)  # 2026-01-01: reproducible bytes
        pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=quality,
                      title=path.stem, creationDate=fixed, modDate=fixed)
    elif fmt == "jpg":
        page = pages[0].convert("L") if pages[0].mode == "1" else pages[0]
        page.save(path, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    else:  # a scanner's PNG: few grey levels (or a small palette) keep it a sensible size
        page = pages[0]
        if page.mode == "L":
            page = ImageOps.posterize(page, 4)
        elif page.mode == "RGB":
            page = page.quantize(32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        page.save(path, "PNG", dpi=(dpi, dpi), optimize=True)
    if fmt in ("png", "jpg") and len(pages) > 1:
        raise ValueError(f"{path.name}: a {len(pages)}-page document cannot be a single {fmt} image")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: samples/)")
    parser.add_argument("--count", type=int, help="make N random documents instead of the committed set")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--only", help="comma-separated: make only the items whose name contains one of these")
    parser.add_argument("--photos", action="store_true",
                        help="make the committed phone photos (default output: samples/photos/)")
    parser.add_argument("--forms", action="store_true",
                        help="make the committed statutory 1C forms (default output: samples/forms/)")
    parser.add_argument("--mix", choices=("classic", "forms"), default="classic",
                        help="with --count: the classic templates (default) or the statutory 1C forms")
    parser.add_argument("--photo-share", type=float, default=0.0,
                        help="with --count: the share of single-page documents photographed by a phone (0..1)")
    args = parser.parse_args(argv)
    if args.photos or args.forms:
        plan = list(PHOTO_PLAN if args.photos else FORMS_PLAN)
        if args.out == HERE:
            args.out = HERE / ("photos" if args.photos else "forms")
    elif args.count is not None and args.mix == "forms":
        plan = forms_plan(args.count, args.seed, args.photo_share if args.photo_share else 0.3)
    else:
        plan = list(DEFAULT_PLAN) if args.count is None else random_plan(args.count, args.seed, args.photo_share)
    if args.only:
        wanted = args.only.split(",")
        plan = [it for it in plan if any(w in it.name for w in wanted)]
    args.out.mkdir(parents=True, exist_ok=True)
    for item in plan:
        path = write(item, args.seed, args.out)
        print(f"{path.name}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
