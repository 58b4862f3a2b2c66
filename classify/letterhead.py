"""A learned labeller of a document's top lines as the seller's name, its address, or other.

Till slips and letterheads print the seller's name and address at the top with no label; which lines
they are is told by the kind of line it is, never by a particular shop's words: its place in the letterhead
(its index, the gap above it, where it stands from the row with a legal form, whether a phone or a tax row
came above), its look (capitals, digits, punctuation, length, print size, the shapes of its words) and the
kinds of words the locale data names (classify/partywords.py: legal forms, address words, the words of
other lines), a postcode-like number, a house number first, a phone; and the words of the model's vocabulary,
those the top rows of ten shops or more print in its training ("tel", "total", "street", "sdn"), never a
word of one shop's name or street. A logistic regression over hashed
features of a row and its neighbours'; a model may add a context stage over those and the first stage's
labels of the rows around it (``scripts/train_letterhead.py --context``; the bundled model has none).
Trained by ``scripts/train_letterhead.py`` on the SROIE training receipts (their task-1 lines and keys) and
on generated letterheads; stored under classify/models/ with a format version, as numpy arrays
(classify/_linear.py: predicting never imports scikit-learn), and loaded once.
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

FORMAT = 3  # 3: and a context stage over the neighbours' first labels; 2: one stage as numpy arrays; 1: pickled
MODEL_PATH = Path(__file__).resolve().parent / "models" / "letterhead.pkl"
MAX_ROWS = 20  # rows of the first page the labeller looks at
LABELS = ("name", "address", "other")

_POSTCODE = re.compile(r"(?<!\d)\d{5,6}(?!\d)")
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_AMOUNT = re.compile(r"\b\d+[.,]\d{2}\b")
_REG = re.compile(r"\(?\b[A-Z]?\d{4,}\s*[-~]\s*[A-Z]\b\)?")
_WORD = re.compile(r"[^\W\d_]{2,}")
_PHONE = re.compile(r"\+?\(?\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}")
_POSTCODE_TOWN = re.compile(r"(?<!\d)\d{5,6}(?!\d)[,.]?\s+[^\W\d_]{2,}")  # "12345 Springfield", "101000, г."
_TOWN_POSTCODE = re.compile(r"[^\W\d_]{2,}[,.]?\s+\d{5,6}\W*$")  # "London 12345" ending a row
_HOUSE = re.compile(r"\W*(?:[^\W\d_]{1,4}[.,:]?\s*)?\d+[^\W_]?(?:\s*[-/&]\s*\d+[^\W_]?)?\s*[,.]?\s+[^\W\d_]")
_SLASH_NUMBER = re.compile(r"[^\W_]*\d+[^\W_]*/\d*[^\W_]+")  # "7/10", "U13/BG", "SS21/58"
_LABEL = re.compile(r"^\W*[^\W\d_]{2,}(?:\s+[^\W\d_]+){0,2}\s*[.:]\s*\S")  # "Tel: ...", "Cashier : 1"
# A row that is a label and a number, nothing else: a registration, a tax number, a phone, a site's or a
# till's number ("Reg No : 123456-X", "Tel: 03-1234 5678", "Site : 12"; its colon read as a semicolon).
LABEL_NUMBER = re.compile(r"^\W*[^\W\d_]{2,}(?:[\s./]+[^\W\d_]+){0,3}\s*\.?\s*[:;]+\s*\(?\+?[^\W\d_]{0,3}\d"
                          r"[\d\s\-/().+]*[^\W\d_]{0,2}\W*$")


def label_number(text: str) -> bool:
    """Whether a row is :data:`LABEL_NUMBER`'s, its label no address's word ("No: 12" is a house's number)."""
    return bool(LABEL_NUMBER.match(text)) and not _regex("address_words").match(text.lstrip(" (\"'"))


PHONE_NUMBER = re.compile(r"\+?\(?\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}")


def postcode_then_phone(text: str) -> re.Match[str] | None:
    """A postcode and its town with a phone number after them on the same row ("12345 Town, State.
    Tel: 01-234 5678"): the postcode-and-town match, or None."""
    town = _POSTCODE_TOWN.search(text)
    return town if town and PHONE_NUMBER.search(text, town.end()) else None


def _shape(word: str) -> str:
    """A word's shape: letters to a/A, digits to 9, runs squeezed ("No.12" -> "Aa.9")."""
    s = re.sub(r"[^\W\d_]", lambda m: "A" if m.group().isupper() else "a", word)
    s = re.sub(r"\d", "9", s)
    return re.sub(r"(.)\1+", r"\1", s)


def _bucket(value: float, step: float, top: float) -> str:
    return str(round(min(value, top) / step))


def _own(row: Row, extent: tuple[int, int, int, int], heights: float,
         vocabulary: frozenset[str] = frozenset()) -> dict[str, float]:
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
        "stop_end": float(text.rstrip().endswith(".")),
        "commas": min(text.count(","), 4) / 4,
        "quote": float("«" in text or '"' in text),
        "postcode_town": float(bool(_POSTCODE_TOWN.search(text) or _TOWN_POSTCODE.search(text))),
        "house_first": float(bool(_HOUSE.match(text))),
        "slash_number": float(bool(_SLASH_NUMBER.search(text))),
        "label": float(bool(_LABEL.match(text))),
        "label_number": float(label_number(text)),
        "postcode_phone": float(bool(postcode_then_phone(text))),
        "brackets": float("(" in text or ")" in text),
    }
    for token in _WORD.findall(text.casefold()):  # a word of many receipts' lines ("tel", "total"), never a shop's
        if token in vocabulary:
            f[f"w={token}"] = 1.0
    tokens = text.split()
    f[f"numbers={_bucket(sum(any(c.isdigit() for c in t) for t in tokens) / max(len(tokens), 1), 0.25, 1)}"] = 1.0
    for word in tokens[:6]:  # the kinds of its words: "Aa", "A.", "9-9", not the words themselves
        f[f"s={_shape(word)}"] = 1.0
    if tokens:
        f[f"first={_shape(tokens[0])}"] = 1.0
        f[f"last={_shape(tokens[-1])}"] = 1.0
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


def words_of(text: str) -> set[str]:
    """The words of a row that may be features (with a vocabulary that holds them)."""
    return set(_WORD.findall(text.casefold()))


def features(rows: Sequence[Row], vocabulary: frozenset[str] = frozenset()) -> list[dict[str, float]]:
    """A feature dict for each row: its own, its place, and its neighbours' (prefixed p:, n:, pp:)."""
    if not rows:
        return []
    boxes = [r.box for r in rows]
    extent = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
              max(b[3] for b in boxes))
    heights = sorted(b[3] - b[1] for b in boxes)[len(boxes) // 2]
    own = [_own(r, extent, heights, vocabulary) for r in rows]
    form = next((i for i, f in enumerate(own) if f["legal_form"]), None)
    out = []
    for i, f in enumerate(own):
        g = dict(f)
        g[f"index={min(i, 12)}"] = 1.0
        g[f"from_form={'none' if form is None else max(-3, min(i - form, 8))}"] = 1.0
        above = own[:i]
        g["phone_above"] = float(any(a["phone"] or a["not_address"] for a in above))
        g["postcode_above"] = float(any(a["postcode"] for a in above))
        g["date_above"] = float(any(a["date"] or a["amount"] for a in above))
        for prefix, j in (("p:", i - 1), ("n:", i + 1), ("pp:", i - 2)):
            if 0 <= j < len(own):
                g.update({prefix + k: v for k, v in own[j].items() if not k.startswith(("s=", "first=", "last="))})
            else:
                g[prefix + "none"] = 1.0
        gap = rows[i].box[1] - rows[i - 1].box[3] if i else 0
        g[f"gap={_bucket(gap / heights if heights else 0, 0.5, 3)}"] = 1.0
        out.append(g)
    return out


CONTEXT = (-1, 1)  # the rows around a row whose first-stage labels the context stage reads


def context_features(rows_features: Sequence[dict[str, float]],
                     first: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """The context stage's features of each row: its own and its neighbours' (:func:`features`), and the
    first stage's labels of it, of the rows around it and of all the rows above it (``first``: each row's
    probability of each label)."""
    out = []
    for i, f in enumerate(rows_features):
        g = dict(f)
        for label in LABELS:
            g[f"c0:{label}={_bucket(first[i][label], 0.2, 1)}"] = 1.0
            for d in CONTEXT:
                j = i + d
                g[f"c{d}:{label}=" + (_bucket(first[j][label], 0.2, 1) if 0 <= j < len(first) else "none")] = 1.0
        out.append(g)
    return out


def _as_dicts(model: HashedModel, rows_features: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    probs = model.predict_proba(rows_features)
    return [dict(zip(model.classes_, map(float, p), strict=True)) for p in probs]


@dataclass(frozen=True)
class Labeller:
    model: HashedModel  # the first stage: exported from the scikit-learn pipeline FeatureHasher → LogisticRegression
    trained_on: str
    context: HashedModel | None = None  # the context stage, over the first stage's labels of the neighbours
    vocabulary: frozenset[str] = frozenset()  # the words that are features: printed on many training receipts

    def probabilities(self, rows: Sequence[Row]) -> list[dict[str, float]]:
        if not rows:
            return []
        f = features(rows, self.vocabulary)
        first = _as_dicts(self.model, f)
        return first if self.context is None else _as_dicts(self.context, context_features(f, first))

    def labels(self, rows: Sequence[Row]) -> list[str]:
        return [max(p, key=p.__getitem__) for p in self.probabilities(rows)]


def make_model() -> Any:
    """The untrained model: hashed features into a regularised multinomial logistic regression."""
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(FeatureHasher(n_features=2 ** 16, input_type="dict", alternate_sign=False),
                         LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced"))


def _exported(model: Any) -> HashedModel:
    return model if isinstance(model, HashedModel) else hashed_model_of(model)


def save(model: Any, path: Path, trained_on: str, context: Any = None,
         vocabulary: frozenset[str] = frozenset()) -> None:
    """Write fitted :func:`make_model` pipelines (exported to numpy arrays) or :class:`HashedModel` s: the
    first stage and the context stage (None: the first stage alone labels)."""
    data = {"format": FORMAT, "model": _exported(model).payload(), "trained_on": trained_on,
            "context": None if context is None else _exported(context).payload(), "vocabulary": sorted(vocabulary)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(data))
    tmp.replace(path)


def load(path: Path) -> Labeller:
    data = pickle.loads(path.read_bytes())  # our own bundled file, written by save()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: letterhead model of another format (want {FORMAT}); "
                         "retrain it with scripts/train_letterhead.py")
    context = data.get("context")
    return Labeller(HashedModel.of_payload(data["model"]), str(data.get("trained_on", "")),
                    None if context is None else HashedModel.of_payload(context),
                    frozenset(data.get("vocabulary", ())))


@cache
def default_labeller() -> Labeller | None:
    """The bundled model, loaded once; None when it is absent (the rules alone then find the seller)."""
    return load(MODEL_PATH) if MODEL_PATH.exists() else None
