"""Train the letterhead labeller (classify/letterhead.py) and the lexicon of letterhead words
(classify/lexicon.py); write classify/models/letterhead.pkl and classify/models/lexicon.json.

Training data, and nothing else:
- ../shared/bench/sroie-train: every receipt's task-1 lines (``box/*.csv``: position and transcript),
  laid out as a page and cut into rows as OCR's words are; each row labelled name / address / other
  by where its text stands in the receipt's key (``key/*.json``: company, address);
- the same receipts as the pipeline's OCR read them, where bench/accuracy.py cached that reading
  (``python bench/accuracy.py --set sroie-train --ocr-only``), labelled the same way;
- generated letterheads (samples/letterheads.py), English and Russian, with made-up names and streets.
The lexicon learns the words of sroie-train's keys (company and address as printed), nothing else.
The public sroie/ set is never read here: its halves measure the models (bench/accuracy.py).

    python scripts/train_letterhead.py              # train and write the model
    python scripts/train_letterhead.py --check      # and report a 5-fold check first
    python scripts/train_letterhead.py --check-only # the check alone
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from capture.types import OcrWord, PageText  # noqa: E402
from classify import letterhead, lexicon, sellers  # noqa: E402
from classify._layout import Row, document_rows  # noqa: E402
from classify._parties import _REG_AFTER, _cut  # noqa: E402
from samples.letterheads import letterhead as generated  # noqa: E402

TRAIN = next((p / "shared" / "bench" / "sroie-train" for p in (REPO.parent, REPO.parent.parent)
              if (p / "shared" / "bench" / "sroie-train").is_dir()), REPO.parent / "shared" / "bench" / "sroie-train")
GENERATED = 300
SEED = 20261201  # generated letterheads; no benchmark uses this seed


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def row_label(text: str, name: str, address: str) -> str:
    """name / address / other: where the row's text stands in the key, allowing for OCR's misreads
    (at least 80% of the row's characters found, in order, in the field). What the extractor leaves out
    of a row it takes (a registration number after the name, a phone after the address) is not counted."""
    t = _fold(_cut(_REG_AFTER.sub("", text)))
    if len(t) < 2:
        return "other"
    best, label = 0.0, "other"
    for value, which in ((_fold(name), "name"), (_fold(address), "address")):
        if not value:
            continue
        if t in value:
            return which
        matched = sum(b.size for b in SequenceMatcher(None, t, value, autojunk=False).get_matching_blocks())
        if matched / len(t) > best:
            best, label = matched / len(t), which
    return label if best >= 0.8 else "other"


def box_page(csv_text: str) -> PageText:
    """A receipt's task-1 lines as a page of words: each line's words spread over its box."""
    words = []
    for n, line in enumerate(csv_text.splitlines()):
        parts = line.split(",", 8)
        if len(parts) < 9 or not parts[8].strip():
            continue
        xs, ys = [int(v) for v in parts[0:8:2]], [int(v) for v in parts[1:8:2]]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        text = parts[8]
        per = (x1 - x0) / max(len(text), 1)
        for m in re.finditer(r"\S+", text):
            words.append(OcrWord(m.group(), 1.0, (int(x0 + m.start() * per), y0, int(x0 + m.end() * per), y1), n, 0))
    width = max((w.box[2] for w in words), default=1)
    height = max((w.box[3] for w in words), default=1)
    return PageText(1, width, height, tuple(words))


def text_page(lines: Sequence[str], rng: random.Random) -> PageText:
    """Generated lines laid out as a slip: centred or left, the first lines sometimes in larger print."""
    words = []
    y = 40
    centred = rng.random() < 0.6
    for n, text in enumerate(lines):
        h = 34 if n == 0 and rng.random() < 0.5 else 22
        cw = h * 0.55
        x = int(300 - len(text) * cw / 2) if centred else 20
        for m in re.finditer(r"\S+", text):
            words.append(OcrWord(m.group(), rng.uniform(0.85, 1.0),
                                 (x + int(m.start() * cw), y, x + int(m.end() * cw), y + h), n, 0))
        y += h + rng.randint(4, 12)
    return PageText(1, 640, y + 40, tuple(words))


def _labelled(rows: list[Row], name: str, address: str) -> tuple[list[dict[str, float]], list[str]]:
    head = letterhead.header_rows(rows)
    return letterhead.features(head), [row_label(r.text, name, address) for r in head]


def sroie_train(ocr: bool = True) -> list[tuple[str, list[dict[str, float]], list[str]]]:
    """(receipt id, features, labels) of each training receipt's rows: task-1 lines, and OCR if cached."""
    out = []
    pages_by_ocr = _cached_ocr() if ocr else {}
    for key in sorted((TRAIN / "key").glob("*.json")):
        truth = json.loads(key.read_text(encoding="utf-8"))
        name, address = truth.get("company", ""), truth.get("address", "")
        box = TRAIN / "box" / f"{key.stem}.csv"
        if box.exists():
            f, y = _labelled(document_rows([box_page(box.read_text(encoding="utf-8", errors="replace"))]),
                             name, address)
            out.append((key.stem, f, y))
        if key.stem in pages_by_ocr:
            f, y = _labelled(document_rows(pages_by_ocr[key.stem]), name, address)
            out.append((key.stem, f, y))
    return out


def _cached_ocr() -> dict[str, list[PageText]]:
    sys.path.insert(0, str(REPO / "bench"))
    import accuracy

    found = {}
    for case in accuracy.sroie_cases(TRAIN):
        cached = accuracy.cached_pages(case)
        if cached is not None:
            found[case.path.stem] = cached
    return found


def generated_set(count: int = GENERATED, seed: int = SEED) -> list[tuple[str, list[dict[str, float]], list[str]]]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        slip = generated(rng)
        f, y = _labelled(document_rows([text_page(slip.lines, rng)]), slip.name, slip.address)
        out.append((f"generated-{n}", f, y))
    return out


Group = tuple[str, list[dict[str, float]], list[str]]  # (receipt id, its rows' features, their labels)


def _flatten(groups: list[Group]) -> tuple[list[dict[str, float]], list[str]]:
    return [x for _, f, _ in groups for x in f], [y for _, _, ys in groups for y in ys]


def check(groups: list[Group], folds: int = 5) -> str:
    """Row accuracy per label on the SROIE training receipts, each receipt's rows predicted by a model
    trained without it (the generated letterheads are in every fold's training data)."""
    ids = sorted({g[0] for g in groups})
    right: dict[str, list[int]] = {lab: [0, 0] for lab in letterhead.LABELS}
    for k in range(folds):
        held = {i for n, i in enumerate(ids) if n % folds == k}
        model = letterhead.make_model()
        model.fit(*_flatten([g for g in groups if g[0] not in held]))
        for _, f, ys in (g for g in groups if g[0] in held and not g[0].startswith("generated")):
            for want, got in zip(ys, model.predict(f) if f else [], strict=True):
                right[want][1] += 1
                right[want][0] += want == got
    return "  ".join(f"{lab} {r}/{n} = {r / n:.1%}" for lab, (r, n) in right.items() if n)


def train_lexicon() -> lexicon.Lexicon:
    """The lexicon of the words sroie-train's letterheads print (its keys' company and address)."""
    texts = []
    for key in sorted((TRAIN / "key").glob("*.json")):
        truth = json.loads(key.read_text(encoding="utf-8"))
        texts += [truth.get("company", ""), truth.get("address", "")]
    return lexicon.train(texts, f"sroie-train keys ({len(texts) // 2} receipts)")


def train_sellers() -> sellers.SellerMemory:
    """The memory of the sellers sroie-train's receipts name (its keys' company and address)."""
    pairs = []
    for key in sorted((TRAIN / "key").glob("*.json")):
        truth = json.loads(key.read_text(encoding="utf-8"))
        pairs.append((truth.get("company", ""), truth.get("address", "")))
    return sellers.train(pairs, f"sroie-train keys ({len(pairs)} receipts)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=letterhead.MODEL_PATH)
    parser.add_argument("--lexicon-out", type=Path, default=lexicon.MODEL_PATH)
    parser.add_argument("--sellers-out", type=Path, default=sellers.MODEL_PATH)
    parser.add_argument("--check", action="store_true", help="also report a 5-fold check")
    parser.add_argument("--check-only", action="store_true", help="the check alone, no model written")
    parser.add_argument("--no-ocr", action="store_true", help="the task-1 lines only, not the cached OCR")
    args = parser.parse_args(argv)
    real = sroie_train(ocr=not args.no_ocr)
    made = generated_set()
    print(f"sroie-train: {len(real)} readings of {len({g[0] for g in real})} receipts; generated: {len(made)}")
    if args.check or args.check_only:
        print("5-fold row accuracy (sroie-train receipts held out):", check(real + made))
    if args.check_only:
        return 0
    model = letterhead.make_model()
    model.fit(*_flatten(real + made))
    letterhead.save(model, args.out, f"sroie-train ({len(real)} readings) + {len(made)} generated (seed {SEED})")
    print(f"wrote {args.out}")
    words = train_lexicon()
    lexicon.save(words, args.lexicon_out)
    print(f"wrote {args.lexicon_out} ({len(words.counts)} words)")
    memory = train_sellers()
    sellers.save(memory, args.sellers_out)
    print(f"wrote {args.sellers_out} ({len(memory.names)} names, {len(memory.addresses)} addresses)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
