"""Train the letterhead labeller (classify/letterhead.py), the lexicon of letterhead words (classify/lexicon.py)
and the seller memory (classify/sellers.py); write them under classify/models/.

Training data, and nothing else:
- ../shared/bench/sroie-train: every receipt's task-1 lines (``box/*.csv``: position and transcript as
  printed), laid out as a page and cut into rows as OCR's words are; each row labelled name / address / other
  by where its text stands in the receipt's key (``key/*.json``: company, address);
- with ``--ocr``, also the same receipts as the pipeline's OCR read them, where bench/accuracy.py cached that
  reading (``python bench/accuracy.py --set sroie-train --ocr-only``), labelled the same way;
- generated letterheads (samples/letterheads.py), English and Russian, with made-up names and streets.
The labeller's features describe a kind of line (classify/letterhead.py), never a shop's words; the
lexicon and the memory learn the words of sroie-train's keys (company and address as printed), nothing else.
The public sroie/ set is never read here: its halves measure the models (bench/accuracy.py).

The labeller labels each row by its own features and its neighbours'. With ``--context`` a second stage adds
the first stage's labels of the rows around it, trained on the first stage's labels of rows it was not trained
on (each receipt's from a first stage fitted without it), as it will see them; the bundled model has none.

    python scripts/train_letterhead.py              # train and write the models
    python scripts/train_letterhead.py --check      # and report a 5-fold check first
    python scripts/train_letterhead.py --check-only # the check alone
    python scripts/train_letterhead.py --ocr        # also on the cached OCR of sroie-train
    python scripts/train_letterhead.py --context    # and a context stage
    python scripts/train_letterhead.py --cross-check  # the whole extraction's seller fields, 5 folds, on the
                                                      # cached OCR of sroie-train; nothing written
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

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


VOCABULARY_SHOPS = 10  # a word is a feature when the top rows of this many shops print it (never one shop's word)


def vocabulary(shops: list[tuple[str, list[Row]]]) -> frozenset[str]:
    """The words the top rows of at least :data:`VOCABULARY_SHOPS` different shops print (``shops``: each
    reading's shop, by its key's company name, and its rows): words of a kind of line, "tel", "total",
    "street", a legal form, and none of a shop's own name or street."""
    by_shop: dict[str, set[str]] = {}
    for shop, rows in shops:
        by_shop.setdefault(shop, set()).update(w for r in letterhead.header_rows(rows)
                                               for w in letterhead.words_of(r.text))
    counts = Counter(w for words in by_shop.values() for w in words)
    return frozenset(w for w, n in counts.items() if n >= VOCABULARY_SHOPS)


def _labelled(rows: list[Row], name: str, address: str,
              words: frozenset[str]) -> tuple[list[dict[str, float]], list[str]]:
    head = letterhead.header_rows(rows)
    return letterhead.features(head, words), [row_label(r.text, name, address) for r in head]


Reading = tuple[str, list[Row], str, str]  # (receipt id, its rows, the key's company, the key's address)


def sroie_train(ocr: bool = False) -> list[Reading]:
    """Each training receipt's rows with its key: its task-1 lines, and with ``ocr`` its cached OCR too."""
    out = []
    pages_by_ocr = _cached_ocr() if ocr else {}
    for key in sorted((TRAIN / "key").glob("*.json")):
        truth = json.loads(key.read_text(encoding="utf-8"))
        name, address = truth.get("company", ""), truth.get("address", "")
        box = TRAIN / "box" / f"{key.stem}.csv"
        if box.exists():
            rows = document_rows([box_page(box.read_text(encoding="utf-8", errors="replace"))])
            out.append((key.stem, rows, name, address))
        if key.stem in pages_by_ocr:
            out.append((key.stem, document_rows(pages_by_ocr[key.stem]), name, address))
    return out


def labelled(readings: list[Reading], words: frozenset[str]) -> list[Group]:
    """(receipt id, features, labels) of each reading's top rows."""
    return [(gid, *_labelled(rows, name, address, words)) for gid, rows, name, address in readings]


def _cached_ocr() -> dict[str, list[PageText]]:
    sys.path.insert(0, str(REPO / "bench"))
    import accuracy

    found = {}
    for case in accuracy.sroie_cases(TRAIN):
        cached = accuracy.cached_pages(case)
        if cached is not None:
            found[case.path.stem] = cached
    return found


def generated_set(count: int = GENERATED, seed: int = SEED) -> list[Reading]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        slip = generated(rng)
        out.append((f"generated-{n}", document_rows([text_page(slip.lines, rng)]), slip.name, slip.address))
    return out


Group = tuple[str, list[dict[str, float]], list[str]]  # (receipt id, its rows' features, their labels)


def _flatten(groups: list[Group]) -> tuple[list[dict[str, float]], list[str]]:
    return [x for _, f, _ in groups for x in f], [y for _, _, ys in groups for y in ys]


def _folds(groups: list[Group], folds: int) -> list[set[str]]:
    """The receipt ids of each fold (a receipt's readings together), in a fixed order."""
    ids = sorted({g[0] for g in groups})
    return [{i for n, i in enumerate(ids) if n % folds == k} for k in range(folds)]


def _probabilities(model: Any, rows_features: list[dict[str, float]]) -> list[dict[str, float]]:
    return [dict(zip(model.classes_, map(float, p), strict=True)) for p in model.predict_proba(rows_features)] \
        if rows_features else []


def fit(groups: list[Group], context: bool = False, folds: int = 5) -> tuple[Any, Any]:
    """The first stage fitted on every row, and the context stage (None without ``context``) fitted on the
    first stage's labels of each receipt's rows by a first stage fitted without that receipt."""
    first = letterhead.make_model()
    first.fit(*_flatten(groups))
    if not context:
        return first, None
    staged: list[Group] = []
    for held in _folds(groups, folds):
        model = letterhead.make_model()
        model.fit(*_flatten([g for g in groups if g[0] not in held]))
        for gid, f, ys in (g for g in groups if g[0] in held):
            staged.append((gid, letterhead.context_features(f, _probabilities(model, f)), ys))
    second = letterhead.make_model()
    second.fit(*_flatten(staged))
    return first, second


def predict(first: Any, second: Any, rows_features: list[dict[str, float]]) -> list[str]:
    probs = _probabilities(first, rows_features)
    if second is not None and rows_features:
        probs = _probabilities(second, letterhead.context_features(rows_features, probs))
    return [max(p, key=p.__getitem__) for p in probs]


def check(groups: list[Group], folds: int = 5, context: bool = False) -> str:
    """Row accuracy per label on the SROIE training receipts, each receipt's rows predicted by models
    trained without it (the generated letterheads are in every fold's training data)."""
    right: dict[str, list[int]] = {lab: [0, 0] for lab in letterhead.LABELS}
    made = [g for g in groups if g[0].startswith("generated")]
    real = [g for g in groups if not g[0].startswith("generated")]
    for held in _folds(real, folds):
        first, second = fit([g for g in real if g[0] not in held] + made, context, folds)
        for _, f, ys in (g for g in real if g[0] in held):
            for want, got in zip(ys, predict(first, second, f), strict=True):
                right[want][1] += 1
                right[want][0] += want == got
    return "  ".join(f"{lab} {r}/{n} = {r / n:.1%}" for lab, (r, n) in right.items() if n)


def train_lexicon(without: frozenset[str] = frozenset()) -> lexicon.Lexicon:
    """The lexicon of the words sroie-train's letterheads print (its keys' company and address), less the
    receipts ``without``."""
    texts = []
    for key in sorted((TRAIN / "key").glob("*.json")):
        if key.stem in without:
            continue
        truth = json.loads(key.read_text(encoding="utf-8"))
        texts += [truth.get("company", ""), truth.get("address", "")]
    return lexicon.train(texts, f"sroie-train keys ({len(texts) // 2} receipts)")


def train_sellers(without: frozenset[str] = frozenset()) -> sellers.SellerMemory:
    """The memory of the sellers sroie-train's receipts name (its keys' company and address), less the
    receipts ``without``."""
    pairs = []
    for key in sorted((TRAIN / "key").glob("*.json")):
        if key.stem in without:
            continue
        truth = json.loads(key.read_text(encoding="utf-8"))
        pairs.append((truth.get("company", ""), truth.get("address", "")))
    return sellers.train(pairs, f"sroie-train keys ({len(pairs)} receipts)")


def cross_check(readings: list[Reading], folds: int = 5, context: bool = False,
                misses: list[str] | None = None) -> str:
    """The whole extraction's seller_name and seller_address on sroie-train's cached pipeline OCR, each
    fold's receipts read by a labeller, a lexicon and a seller memory trained without them (the fold's
    task-1 lines and OCR readings both left out); scored as bench/accuracy.py scores (exact, case and white
    space ignored): recall and precision out of 100."""
    sys.path.insert(0, str(REPO / "bench"))
    import accuracy

    import classify
    from classify import letterhead as lh

    cases = accuracy.sroie_cases(TRAIN)
    pages = {c.path: p for c in cases if (p := accuracy.cached_pages(c)) is not None}
    cases = [c for c in cases if c.path in pages]
    if not cases:
        return "no cached OCR of sroie-train (bench/accuracy.py --set sroie-train --ocr-only)"
    ids = sorted(c.path.stem for c in cases)
    made = generated_set()
    # the types as the product and bench/accuracy.py read them: the bundled classifier (trained on generated
    # documents, none of sroie-train), not the keyword rules alone
    model = classify.default_classifier()
    tallies: dict[str, accuracy.Tally] = {}
    saved = lh.default_labeller, lexicon.default_lexicon, sellers.default_memory
    try:
        for k in range(folds):
            held = frozenset(i for n, i in enumerate(ids) if n % folds == k)
            kept = [r for r in readings if r[0] not in held]
            words = vocabulary([(name or gid, rows) for gid, rows, name, _ in kept + made])
            first, second = fit(labelled(kept, words) + labelled(made, words), context, folds)
            labeller = lh.Labeller(lh._exported(first), f"without fold {k}",
                                   None if second is None else lh._exported(second), words)
            known, memory = train_lexicon(held), train_sellers(held)
            lh.default_labeller = lambda labeller=labeller: labeller  # type: ignore[assignment]
            lexicon.default_lexicon = lambda known=known: known  # type: ignore[assignment]
            sellers.default_memory = lambda memory=memory: memory  # type: ignore[assignment]
            report = accuracy.score(f"fold {k}", [c for c in cases if c.path.stem in held], pages,
                                    ("seller_name", "seller_address"), model=model, verbose=misses is not None)
            if misses is not None:
                misses += report.misses
            for name, t in report.fields.items():
                total = tallies.setdefault(name, accuracy.Tally())
                total.n, total.right = total.n + t.n, total.right + t.right
                total.predicted, total.expected = total.predicted + t.predicted, total.expected + t.expected
    finally:
        lh.default_labeller, lexicon.default_lexicon, sellers.default_memory = saved
    return "  ".join(f"{name} recall {100 * t.right / max(t.expected, 1):.1f} precision "
                     f"{100 * t.right / max(t.predicted, 1):.1f} ({t.right}/{t.expected}, {t.predicted} given)"
                     for name, t in sorted(tallies.items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=letterhead.MODEL_PATH)
    parser.add_argument("--lexicon-out", type=Path, default=lexicon.MODEL_PATH)
    parser.add_argument("--sellers-out", type=Path, default=sellers.MODEL_PATH)
    parser.add_argument("--check", action="store_true", help="also report a 5-fold check")
    parser.add_argument("--check-only", action="store_true", help="the check alone, no model written")
    parser.add_argument("--ocr", action="store_true",
                        help="also the pipeline's cached OCR of sroie-train (bench/accuracy.py --set sroie-train "
                             "--ocr-only), not only its task-1 lines")
    parser.add_argument("--context", action="store_true",
                        help="also a context stage over the first stage's labels of the neighbours (tried on "
                             "2026-12-02: it cut SROIE tuning receipts' addresses short; not in the bundled model)")
    parser.add_argument("--cross-check", action="store_true",
                        help="report the whole extraction's seller_name and seller_address on sroie-train's "
                             "cached OCR, 5 folds by receipt (labeller, lexicon and memory trained without each), "
                             "and write nothing")
    parser.add_argument("--verbose", "-v", action="store_true", help="with --cross-check, list every miss")
    args = parser.parse_args(argv)
    readings = sroie_train(ocr=args.ocr)
    if args.cross_check:
        misses: list[str] | None = [] if args.verbose else None
        print("5-fold cross-check (sroie-train cached OCR, each fold's receipts held out):",
              cross_check(readings, context=args.context, misses=misses))
        print("\n".join(misses or ()))
        return 0
    words = vocabulary([(name or gid, rows) for gid, rows, name, _ in readings + generated_set()])
    real, made = labelled(readings, words), labelled(generated_set(), words)
    print(f"sroie-train: {len(real)} readings of {len({g[0] for g in real})} receipts; generated: {len(made)}; "
          f"{len(words)} words of {VOCABULARY_SHOPS}+ shops")
    if args.check or args.check_only:
        print("5-fold row accuracy (sroie-train receipts held out):", check(real + made, context=args.context))
    if args.check_only:
        return 0
    first, second = fit(real + made, context=args.context)
    source = "task-1 lines" + (" and cached OCR" if args.ocr else "")
    letterhead.save(first, args.out, f"sroie-train ({len(real)} readings: {source}) + {len(made)} generated "
                    f"(seed {SEED})", context=second, vocabulary=words)
    print(f"wrote {args.out}")
    known = train_lexicon()
    lexicon.save(known, args.lexicon_out)
    print(f"wrote {args.lexicon_out} ({len(known.counts)} words)")
    memory = train_sellers()
    sellers.save(memory, args.sellers_out)
    print(f"wrote {args.sellers_out} ({len(memory.names)} names, {len(memory.addresses)} addresses)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
