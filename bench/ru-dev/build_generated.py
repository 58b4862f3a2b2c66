"""Make the generated part of the Russian dev set: the statutory 1C/ФНС forms of samples/_forms.py,
printed and photographed by a phone (samples/_photo.py), scanned, or born-digital.

    python bench/ru-dev/build_generated.py          # (re)writes bench/ru-dev/gen_*.{jpg,png,pdf,json}
    python bench/ru-dev/build_generated.py receipt  # only the documents whose name contains a word given

Each ``gen_NAME.EXT`` gets ``gen_NAME.json``: {"doc_type", "fields", "source"} with the fields as DESIGN.md
normalises them. Deterministic: the plan below and seed 1137 give the same bytes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "samples"
sys.path.insert(0, str(SAMPLES))

from generate import Item, write  # noqa: E402

SEED = 1137
# (doc_type, variant, formats): one document per format, named gen_<doc_type>_<nn>
PLAN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("invoice", "1c", ("photo", "photo", "pdf_text", "jpg")),
    ("invoice", "1c-offer", ("photo", "pdf_text", "png")),
    ("invoice", "1c-contract", ("photo", "pdf_text")),
    ("act", "1c", ("photo", "photo", "photo", "pdf_text", "jpg", "pdf")),
    ("upd", "1c", ("photo", "photo", "photo", "pdf_text", "jpg", "png")),
    ("waybill", "1c", ("photo", "photo", "pdf_text", "jpg", "png")),
    ("vat_invoice", "1c", ("photo", "photo", "pdf_text", "jpg", "pdf")),
    ("receipt", "1c", ("photo", "photo", "photo", "photo", "photo", "jpg", "jpg", "png", "png")),
    ("z_report", "1c", ("photo", "photo", "photo", "jpg", "png")),
)


def plan() -> list[Item]:
    items: list[Item] = []
    for doc_type, variant, formats in PLAN:
        done = len([it for it in items if it.doc_type == doc_type])
        for i, fmt in enumerate(formats, done + 1):
            items.append(Item(f"gen_{doc_type}_{i:02d}", doc_type, "ru", variant, fmt,
                              mode="L" if fmt == "png" else None))
    return items


def main(only: list[str]) -> int:
    for item in plan():
        if only and not any(word in item.name for word in only):
            continue
        path = write(item, SEED, HERE)
        full = HERE / f"{item.name}.truth.json"
        truth = json.loads(full.read_text(encoding="utf-8"))
        full.unlink()
        meta = truth["meta"]
        source = {"kind": "generated", "generator": "samples/generate.py (samples/_forms.py)", "seed": SEED,
                  "layout": meta.get("layout"), "format": meta["format"],
                  "photo": {k: meta["photo"][k] for k in ("background", "size", "rotation", "tilt", "cast")}
                  if "photo" in meta else None}
        write_truth(item.name, truth["doc_type"], truth["fields"], source)
        print(f"{path.name}  {path.stat().st_size // 1024} KB")
    return 0


def write_truth(name: str, doc_type: str, fields: dict[str, str], source: dict) -> None:
    """``NAME.json`` of the set: {"doc_type", "fields", "source"}."""
    out = {"doc_type": doc_type, "fields": fields, "source": source}
    (HERE / f"{name}.json").write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
