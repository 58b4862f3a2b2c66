"""Document type: keyword rules for a cold start, and a trained model (character n-grams, robust to
OCR noise) whose probabilities are blended with the rules when a model is given.

scikit-learn trains the model; it is kept and predicted as plain numpy arrays (classify/_linear.py), so
classifying never imports scikit-learn. The model file is a pickle of ``{"format": MODEL_FORMAT, "labels":
[...], "model": {...}}`` (numbers, strings and numpy arrays only) written to a temporary file in the target
folder and moved over the old one with ``os.replace``. A file of format 1 (the scikit-learn pipeline itself,
written before) is still read.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from pathlib import Path

from classify._linear import TextModel, text_model_of
from classify._slip import SLIP_TYPES
from classify._title import HEAD, SURE, find_title, form_reference, self_reference, text_lines
from classify.catalogue import DOC_TYPES
from classify.exceptions import ModelError
from classify.normalise import fold_text

MODEL_FORMAT = 2
PIPELINE_FORMAT = 1  # the scikit-learn pipeline pickled whole: read still (importing scikit-learn)
MODEL_FILENAME = "classifier.pkl"
TITLE_ROWS = 8  # keywords in the first rows of a document (its title) count double
TITLE_BOOST = 2.0
MODEL_WEIGHT = 0.6  # share of the model in the blended probability; the rules have the rest
MIN_SCORE = 4.0  # below this keyword score a document with no model is "other"

# Confidence in a type the document's title names: agreed by the keyword rules (and the model), or not;
# a title on a sure title line (large, or with the document's number and date) or on another head line.
AGREED = {SURE: 0.95, HEAD: 0.85}
DISAGREED = {SURE: 0.75, HEAD: 0.6}
SLIP = 0.85  # a till's slip of roll paper named another type by its words (a till slip headed «TAX INVOICE»)
NOISY = 0.45  # at most this sure of a type its words give, with no title, on a page read mostly as noise


def keyword_scores(text: str) -> dict[str, float]:
    """Each type's keyword score over ``text`` (the first rows counted twice)."""
    folded = fold_text(text)
    head = "\n".join(folded.splitlines()[:TITLE_ROWS])
    scores = dict.fromkeys(DOC_TYPES, 0.0)
    for name, spec in DOC_TYPES.items():
        for keyword, weight in spec.keywords:
            if keyword in folded:
                scores[name] += weight * (TITLE_BOOST if keyword in head else 1.0)
    return scores


def rule_probabilities(text: str) -> dict[str, float]:
    scores = keyword_scores(text)
    top = max(scores.values())
    if top < MIN_SCORE:
        scores["other"] = max(scores["other"], MIN_SCORE)
    total = sum(scores.values()) or 1.0
    return {name: s / total for name, s in scores.items()}


def type_probabilities(text: str, model: Classifier | None = None) -> dict[str, float]:
    """Each type's probability by the keyword rules, blended with the model's when one is given."""
    probs = rule_probabilities(text)
    if model is not None:
        learned = model.probabilities(text)
        probs = {name: MODEL_WEIGHT * learned.get(name, 0.0) + (1 - MODEL_WEIGHT) * p for name, p in probs.items()}
    return probs


def classify_text(text: str, model: Classifier | None = None, *,
                  lines: Sequence[tuple[str, float]] | None = None, slip: bool = False,
                  noisy: bool = False) -> tuple[str, float]:
    """The document type of ``text`` and a confidence in 0..1.

    The title decides first (:mod:`classify._title`; ``lines`` are the head rows with how sure each is a
    title line, by default the first lines of ``text``): the keyword rules and the model only confirm it,
    and choose among the types of a title that names several. A document without a title is typed by the
    rules and the model alone. ``slip``: the document is a till's slip of roll paper
    (:func:`classify._slip.till_slip`), a receipt whatever its words name, unless a shift's report. ``noisy``:
    the first page is read mostly as noise (:func:`classify._title.mostly_noise`, a phone photo OCR could not
    read); with no title read, what its few words suggest («other», most often) is no sure type: at most
    :data:`NOISY`, so the document goes to review."""
    doc_type, confidence, titled = _typed(text, model, lines)
    if slip and doc_type not in SLIP_TYPES:
        return "receipt", SLIP
    if noisy and not titled:
        return doc_type, min(confidence, NOISY)
    return doc_type, confidence


def _typed(text: str, model: Classifier | None,
           lines: Sequence[tuple[str, float]] | None) -> tuple[str, float, bool]:
    """The type, its confidence, and whether a title named it."""
    probs = type_probabilities(text, model)
    ranked = sorted(probs.items(), key=lambda kv: -kv[1])
    (best, p1), (_, p2) = ranked[0], ranked[1]
    confidence = p1 / (p1 + p2) if p1 + p2 else 0.0
    scores = keyword_scores(text)
    if model is None:  # how much keyword evidence there is at all
        confidence *= min(1.0, max(scores[best], MIN_SCORE) / 12.0)
    title = (find_title(lines if lines is not None else text_lines(text)) or self_reference(fold_text(text))
             or form_reference(text))
    if title is None:
        return best, round(confidence, 3), False
    if len(title.types) == 1:
        named = title.types[0]
        if named == best:
            return named, round(max(confidence, AGREED[title.strength]), 3), True
        return named, DISAGREED[title.strength], True
    among = {name: probs.get(name, 0.0) for name in title.types}
    named = max(among, key=lambda n: among[n])
    share = among[named] / sum(among.values()) if sum(among.values()) else 1 / len(among)
    return named, round(min(AGREED[title.strength], 0.5 + 0.45 * share), 3), True


@dataclass(frozen=True)
class Classifier:
    """A trained model: ``probabilities(text)`` → type → probability. ``pipeline`` predicts as scikit-learn's
    does (``predict_proba``, ``classes_``): a :class:`~classify._linear.TextModel`, or a format-1 pipeline."""

    pipeline: object
    labels: tuple[str, ...]
    format: int = MODEL_FORMAT

    def probabilities(self, text: str) -> Mapping[str, float]:
        probs = self.pipeline.predict_proba([fold_text(text)])[0]  # type: ignore[attr-defined]
        classes = self.pipeline.classes_  # type: ignore[attr-defined]
        return {str(c): float(p) for c, p in zip(classes, probs, strict=True)}

    def predict(self, text: str) -> tuple[str, float]:
        return classify_text(text, self)


def _pipeline() -> Any:  # a scikit-learn Pipeline (scikit-learn ships no type hints)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1, max_features=60000),
        LogisticRegression(C=10.0, max_iter=2000),
    )


def train_classifier(texts: Sequence[str], labels: Sequence[str], path: str | os.PathLike[str]) -> Classifier:
    """Train on OCR texts and their confirmed types; write the model to ``path`` atomically."""
    if len(texts) != len(labels) or not texts:
        raise ModelError("training needs as many labels as texts, and at least one of each")
    unknown = sorted(set(labels) - set(DOC_TYPES))
    if unknown:
        raise ModelError(f"unknown document types in the labels: {', '.join(unknown)}")
    if len(set(labels)) < 2:
        raise ModelError("training needs documents of at least two types")
    pipeline = _pipeline()
    pipeline.fit([fold_text(t) for t in texts], list(labels))
    _slim(pipeline)
    model = Classifier(text_model_of(pipeline), tuple(str(c) for c in pipeline.classes_))
    save_classifier(model, path)
    return model


def save_classifier(model: Classifier, path: str | os.PathLike[str]) -> None:
    """Write ``model`` in format 2 (a format-1 pipeline is exported to numpy arrays first)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text_model = model.pipeline
    if not isinstance(text_model, TextModel):
        _slim(text_model)
        text_model = text_model_of(text_model)
    payload = {"format": MODEL_FORMAT, "labels": list(model.labels), "model": text_model.payload()}
    fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _slim(pipeline: Any) -> None:
    """Keep the linear model's weights in float32: the file is half the size (the bundled model stays under
    5 MB) and the scores differ below the seventh digit."""
    import numpy as np

    for _, step in getattr(pipeline, "steps", []):
        for name in ("coef_", "intercept_"):
            value = getattr(step, name, None)
            if isinstance(value, np.ndarray) and value.dtype == np.float64:
                setattr(step, name, value.astype(np.float32))


def load_classifier(path: str | os.PathLike[str]) -> Classifier:
    """Load a model written by :func:`train_classifier`; a file of another format is refused."""
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
    except FileNotFoundError as exc:
        raise ModelError(f"no classifier model at {path}") from exc
    except Exception as exc:  # a truncated or foreign file
        raise ModelError(f"cannot read classifier model {path}: {exc}") from exc
    found = payload.get("format") if isinstance(payload, dict) else None
    if found == MODEL_FORMAT:
        return Classifier(TextModel.of_payload(payload["model"]), tuple(payload["labels"]))
    if found == PIPELINE_FORMAT:
        return Classifier(payload["pipeline"], tuple(payload["labels"]), PIPELINE_FORMAT)
    raise ModelError(f"classifier model {path} has format {found!r}; this version reads formats "
                     f"{PIPELINE_FORMAT} and {MODEL_FORMAT}: retrain it with `finarchive train`")


def default_model_path() -> Path:
    return Path(__file__).parent / "data" / MODEL_FILENAME


def default_classifier() -> Classifier | None:
    """The model bundled with the package (trained on generated samples), if it is there."""
    path = default_model_path()
    if not path.exists():
        return None
    try:
        return load_classifier(path)
    except ModelError:
        return None
