"""The bundled linear models predicted with numpy alone: scikit-learn trains them, and is never imported to use
them (importing it costs about 2 CPU-s, as much as reading two pages).

A trained scikit-learn pipeline is exported to plain arrays (:func:`text_model_of`, :func:`hashed_model_of`)
and those are what the model files hold; the prediction does here what the pipeline's steps do — the
character n-grams of ``TfidfVectorizer(analyzer="char_wb")`` with its idf weights and l2 norm, or
``FeatureHasher``'s MurmurHash3 of feature names — then the logistic regression's decision function and its
probabilities (softmax; the logistic function for two classes). tests/classify/test_linear.py checks the
probabilities against scikit-learn's own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's vectorizers squeeze white space


@dataclass(frozen=True)
class Linear:
    """A logistic regression's weights: ``coef`` (classes × features, or 1 × features for two classes)."""

    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]

    def probabilities(self, rows: Sequence[Mapping[int, float]]) -> np.ndarray:
        """Each row's probability of each class (rows are sparse: feature index → value)."""
        decision = np.empty((len(rows), self.coef.shape[0]), dtype=np.float64)
        for i, row in enumerate(rows):
            if row:
                index = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
                value = np.fromiter(row.values(), dtype=np.float64, count=len(row))
                decision[i] = self.coef[:, index].astype(np.float64) @ value
            else:
                decision[i] = 0.0
        decision += self.intercept.astype(np.float64)
        if self.coef.shape[0] == 1:  # two classes: the logistic function of the one decision
            positive = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        decision -= decision.max(axis=1, keepdims=True)
        exp = np.exp(decision)
        return exp / exp.sum(axis=1, keepdims=True)

    def payload(self) -> dict[str, Any]:
        return {"coef": self.coef, "intercept": self.intercept, "classes": list(self.classes)}

    @classmethod
    def of_payload(cls, data: Mapping[str, Any]) -> Linear:
        return cls(np.asarray(data["coef"]), np.asarray(data["intercept"]), tuple(str(c) for c in data["classes"]))


# --- texts: character n-grams within words, tf-idf ---------------------------------------------------


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """The n-grams (``low`` ≤ n ≤ ``high``) of each word padded with a space, as scikit-learn's ``char_wb``."""
    grams: list[str] = []
    for bare in _WHITE_SPACES.sub(" ", text.lower()).split():
        word = f" {bare} "
        length = len(word)
        for n in range(low, high + 1):
            if length <= n:  # the whole word is the last n-gram it gives
                grams.append(word)
                break
            grams.extend(word[i:i + n] for i in range(length - n + 1))
    return grams


@dataclass(frozen=True)
class TextModel:
    """Tf-idf of character n-grams, then a logistic regression; ``predict_proba`` and ``classes_`` as the
    scikit-learn pipeline it was exported from."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    linear: Linear

    @property
    def classes_(self) -> tuple[str, ...]:
        return self.linear.classes

    def features(self, text: str) -> dict[int, float]:
        counts = Counter(self.vocabulary[g] for g in char_wb_ngrams(text, *self.ngram_range) if g in self.vocabulary)
        row = {i: ((1.0 + math.log(c)) if self.sublinear_tf else float(c)) * float(self.idf[i])
               for i, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in row.values()))
        return {i: v / norm for i, v in row.items()} if norm else row

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        return self.linear.probabilities([self.features(t) for t in texts])

    def payload(self) -> dict[str, Any]:
        return {"kind": "char-tfidf", "vocabulary": dict(self.vocabulary), "idf": self.idf,
                "ngram_range": list(self.ngram_range), "sublinear_tf": self.sublinear_tf,
                "linear": self.linear.payload()}

    @classmethod
    def of_payload(cls, data: Mapping[str, Any]) -> TextModel:
        low, high = data["ngram_range"]
        return cls(data["vocabulary"], np.asarray(data["idf"]), (int(low), int(high)), bool(data["sublinear_tf"]),
                   Linear.of_payload(data["linear"]))


def text_model_of(pipeline: Any) -> TextModel:
    """The numpy form of a fitted ``make_pipeline(TfidfVectorizer(analyzer="char_wb", ...), LogisticRegression())``."""
    vectorizer, regression = (step for _, step in pipeline.steps)
    if (vectorizer.analyzer != "char_wb" or not vectorizer.lowercase or vectorizer.strip_accents is not None
            or vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.preprocessor is not None):
        raise ValueError("only a lower-casing char_wb tf-idf with idf weights and the l2 norm is exported")
    low, high = vectorizer.ngram_range
    vocabulary = {str(g): int(i) for g, i in vectorizer.vocabulary_.items()}
    return TextModel(vocabulary, np.asarray(vectorizer.idf_), (int(low), int(high)),
                     bool(vectorizer.sublinear_tf), _linear_of(regression))


def _linear_of(regression: Any) -> Linear:
    return Linear(np.asarray(regression.coef_), np.asarray(regression.intercept_),
                  tuple(str(c) for c in regression.classes_))


# --- feature dicts: hashed ---------------------------------------------------------------------------


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32 bits) of ``data``, signed, as scikit-learn's ``murmurhash3_32``."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed & mask
    whole = len(data) // 4 * 4
    for block in np.frombuffer(data[:whole], dtype="<u4").tolist() if whole else ():
        k = (block * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    tail = data[whole:]
    k = 0
    for shift, byte in enumerate(tail):
        k |= byte << (8 * shift)
    if tail:
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


@dataclass(frozen=True)
class HashedModel:
    """Feature dicts hashed into ``n_features`` columns (``FeatureHasher(alternate_sign=False)``), then a logistic
    regression; ``predict_proba`` and ``classes_`` as the scikit-learn pipeline it was exported from."""

    n_features: int
    linear: Linear

    @property
    def classes_(self) -> tuple[str, ...]:
        return self.linear.classes

    def features(self, row: Mapping[str, float]) -> dict[int, float]:
        out: dict[int, float] = {}
        for name, value in row.items():
            if value == 0:  # as FeatureHasher: a zero is no feature
                continue
            h = murmurhash3_32(name.encode("utf-8"))
            if h == -(1 << 31):  # abs() has no int32 for it: scikit-learn's own index
                index = (2147483647 - (self.n_features - 1)) % self.n_features
            else:
                index = abs(h) % self.n_features
            out[index] = out.get(index, 0.0) + float(value)
        return out

    def predict_proba(self, rows: Iterable[Mapping[str, float]]) -> np.ndarray:
        return self.linear.probabilities([self.features(r) for r in rows])

    def payload(self) -> dict[str, Any]:
        return {"kind": "hashed", "n_features": self.n_features, "linear": self.linear.payload()}

    @classmethod
    def of_payload(cls, data: Mapping[str, Any]) -> HashedModel:
        return cls(int(data["n_features"]), Linear.of_payload(data["linear"]))


def hashed_model_of(pipeline: Any) -> HashedModel:
    """The numpy form of a fitted ``make_pipeline(FeatureHasher(input_type="dict", alternate_sign=False),
    LogisticRegression())``."""
    hasher, regression = (step for _, step in pipeline.steps)
    if hasher.input_type != "dict" or hasher.alternate_sign:
        raise ValueError("only a dict FeatureHasher without alternating signs is exported")
    return HashedModel(int(hasher.n_features), _linear_of(regression))
