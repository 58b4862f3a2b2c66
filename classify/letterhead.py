"""A learned labeller of a document's top lines as the seller's name, its address, or other.

Till slips and letterheads print the seller's name and address at the top with no label; which lines
they are is told by position, by the look of the line (capitals, digits, length, print size) and by its
words: legal forms and address words of the locale data (classify/partywords.py), and the words the
training documents taught. The model is a logistic regression over hashed features of a row and of
its neighbours, trained by ``scripts/train_letterhead.py`` on the SROIE training receipts (its
task-1 lines and keys) and on generated letterheads; it is stored under classify/models/ with a format
version, as numpy arrays (classify/_linear.py: predicting never imports scikit-learn), and loaded once.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from classify._layout import Row
from classify._linear import HashedModel, hashed_model_of
from classify.partywords import party_words

FORMAT = 2  # 2: the weights as numpy arrays (1 was the scikit-learn pipeline pickled whole)
MODEL_PATH = Path(__file__).resolve().parent / "models" / "letterhead.pkl"
MAX_ROWS = 20  # rows of the first page the labeller looks at
LABELS = ("name", "address", "other")

_WORD = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"(?<!\d)\d{5,6}(?!\d)")
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_AMOUNT = re.compile(r"\b\d+[.,]\d{2}\b")
_REG = re.compile(r"\(?\b[A-Z]?\d{4,}\s*[-~]\s*[A-Z]\b\)?")
_PHONE = re.compile(r"\+?\(?\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}")


def _shape(word: str) -> str:
    """A word's shape: letters to a/A, digits to 9, runs squeezed ("No.12" -> "Aa.9")."""
    s = re.sub(r"[^\W\d_]", lambda m: "A" if m.group().isupper() else "a", word)
    s = re.sub(r"\d", "9", s)
    return re.sub(r"(.)\1+", r"\1", s)


def _bucket(value: float, step: float, top: float) -> str:
    return str(round(min(value, top) / step))


def _own(row: Row, extent: tuple[int, int, int, int], heights: float) -> dict[str, float]:
    """Features of one row that do not depend on its place among the others."""
    words = party_words()
    text = row.text
    letters = [c for c in text if c.isalpha()]
    chars = text.replace(" ", "")
    n = max(len(chars), 1)
    upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
    digits = sum(c.isdigit() for c in chars) / n
    punct = sum(not c.isalnum() for c in chars) / n
    x0, y0, x1, y1 = row.box
    width = max(extent[2] - extent[0], 1)
    height = (y1 - y0) / heights if heights else 1.0
    centre = ((x0 + x1) / 2 - extent[0]) / width
    cyrillic = sum("а" <= c.lower() <= "я" or c in "ёЁ" for c in letters) / max(len(letters), 1)
    conf = sum(w.confidence for w in row.words) / len(row.words) if row.words else 1.0
    f: dict[str, float] = {
        "bias": 1.0,
        f"len={_bucket(len(chars), 5, 60)}": 1.0,
        f"words={min(len(text.split()), 8)}": 1.0,
        f"upper={_bucket(upper, 0.25, 1)}": 1.0,
        f"digits={_bucket(digits, 0.1, 1)}": 1.0,
        f"punct={_bucket(punct, 0.1, 0.5)}": 1.0,
        f"height={_bucket(height, 0.25, 2.5)}": 1.0,
        f"centre={_bucket(centre, 0.1, 1)}": 1.0,
        f"width={_bucket((x1 - x0) / width, 0.1, 1)}": 1.0,
        f"cyr={_bucket(cyrillic, 0.5, 1)}": 1.0,
        f"conf={_bucket(conf, 0.1, 1)}": 1.0,
        "legal_form": float(bool(_regex("legal_forms").search(text))),
        "legal_form_end": float(bool(re.search(_regex_text("legal_forms") + r"\W*$", text, re.I))),
        "address_word": min(len(_regex("address_words").findall(text)), 3) / 3,
        "not_address": float(bool(_regex("not_address").search(text))),
        "seller_label": float(bool(re.match(r"\W*" + words.pattern("seller_labels") + r"\b", text, re.I))),
        "postcode": float(bool(_POSTCODE.search(text))),
        "date": float(bool(_DATE.search(text))),
        "amount": float(bool(_AMOUNT.search(text))),
        "reg": float(bool(_REG.search(text))),
        "phone": float(bool(_PHONE.search(text))),
        "comma_end": float(text.rstrip().endswith(",")),
        "quote": float("«" in text or '"' in text),
    }
    tokens = _WORD.findall(text.lower())
    for token in tokens:
        f[f"w={token if not any(c.isdigit() for c in token) else _shape(token)}"] = 1.0
    for word in text.split()[:6]:
        f[f"s={_shape(word)}"] = 1.0
    if tokens:
        f[f"first={tokens[0] if not tokens[0].isdigit() else '9'}"] = 1.0
        f[f"last={tokens[-1] if not tokens[-1].isdigit() else '9'}"] = 1.0
    return f


@cache
def _regex_text(kind: str) -> str:
    return r"(?<![^\W_])" + party_words().pattern(kind) + r"(?![^\W_])"


@cache
def _regex(kind: str) -> re.Pattern[str]:
    return re.compile(_regex_text(kind), re.IGNORECASE)


def header_rows(rows: Sequence[Row]) -> list[Row]:
    """The rows of the first page the labeller looks at."""
    if not rows:
        return []
    page = rows[0].page
    return [r for r in rows if r.page == page][:MAX_ROWS]


def features(rows: Sequence[Row]) -> list[dict[str, float]]:
    """A feature dict for each row: its own, its place, and its neighbours' (prefixed p:, n:, pp:)."""
    if not rows:
        return []
    boxes = [r.box for r in rows]
    extent = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
              max(b[3] for b in boxes))
    heights = sorted(b[3] - b[1] for b in boxes)[len(boxes) // 2]
    own = [_own(r, extent, heights) for r in rows]
    out = []
    for i, f in enumerate(own):
        g = dict(f)
        g[f"index={min(i, 12)}"] = 1.0
        for prefix, j in (("p:", i - 1), ("n:", i + 1), ("pp:", i - 2)):
            if 0 <= j < len(own):
                g.update({prefix + k: v for k, v in own[j].items() if not k.startswith(("s=", "first=", "last="))})
            else:
                g[prefix + "none"] = 1.0
        gap = rows[i].box[1] - rows[i - 1].box[3] if i else 0
        g[f"gap={_bucket(gap / heights if heights else 0, 0.5, 3)}"] = 1.0
        out.append(g)
    return out


@dataclass(frozen=True)
class Labeller:
    model: HashedModel  # exported from the scikit-learn pipeline FeatureHasher → LogisticRegression
    trained_on: str

    def probabilities(self, rows: Sequence[Row]) -> list[dict[str, float]]:
        if not rows:
            return []
        probs = self.model.predict_proba(features(rows))
        return [dict(zip(self.model.classes_, map(float, p), strict=True)) for p in probs]

    def labels(self, rows: Sequence[Row]) -> list[str]:
        return [max(p, key=p.__getitem__) for p in self.probabilities(rows)]


def make_model() -> Any:
    """The untrained model: hashed features into a regularised multinomial logistic regression."""
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(FeatureHasher(n_features=2 ** 16, input_type="dict", alternate_sign=False),
                         LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced"))


def save(model: Any, path: Path, trained_on: str) -> None:
    """Write a fitted :func:`make_model` pipeline (exported to numpy arrays) or a :class:`HashedModel`."""
    exported = model if isinstance(model, HashedModel) else hashed_model_of(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps({"format": FORMAT, "model": exported.payload(), "trained_on": trained_on}))
    tmp.replace(path)


def load(path: Path) -> Labeller:
    data = pickle.loads(path.read_bytes())  # our own bundled file, written by save()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: letterhead model of another format (want {FORMAT}); "
                         "retrain it with scripts/train_letterhead.py")
    return Labeller(HashedModel.of_payload(data["model"]), str(data.get("trained_on", "")))


@cache
def default_labeller() -> Labeller | None:
    """The bundled model, loaded once; None when it is absent (the rules alone then find the seller)."""
    return load(MODEL_PATH) if MODEL_PATH.exists() else None
