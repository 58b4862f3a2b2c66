"""The linear models predicted with numpy (classify/_linear.py) give scikit-learn's probabilities, and
classifying a document imports no scikit-learn."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from capture import read_document
from classify import letterhead
from classify._linear import char_wb_ngrams, hashed_model_of, murmurhash3_32, text_model_of
from classify.classifier import PIPELINE_FORMAT, Classifier, _pipeline, load_classifier, save_classifier
from classify.extract import make_doc
from classify.normalise import fold_text
from samples.letterheads import letterhead as generated_letterhead
from tests.classify.pagetext import text_page

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_texts() -> tuple[list[str], list[str]]:
    """The texts of samples/' born-digital PDFs (their text layers: no OCR) with their types, and each again
    with a line dropped and words run together, as OCR does."""
    import json

    texts, labels = [], []
    for pdf in sorted(REPO.glob("samples/*.pdf")):
        pages = read_document(pdf)
        if not pages or pages[0].page.source != "pdf_text":
            continue
        text = "\n".join(r.page.text for r in pages)
        truth = json.loads(pdf.with_name(pdf.stem + ".truth.json").read_text(encoding="utf-8"))
        lines = text.splitlines()
        for variant in (text, "\n".join(lines[1:]).replace(" ", "", 3)):
            texts.append(fold_text(variant))
            labels.append(truth["doc_type"])
    assert len(set(labels)) >= 5
    return texts, labels


def test_char_ngrams_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
    for text in ("a", "ab", "abc", "Счёт  на\tоплату №12", "x  yz\nИНН 7701234567", ""):
        assert char_wb_ngrams(text, 2, 4) == analyse(text)


def test_murmurhash_is_scikit_learns() -> None:
    from sklearn.utils import murmurhash3_32 as reference

    rng = random.Random(5)
    for _ in range(300):
        key = "".join(rng.choice("abcАБВ=:0 9") for _ in range(rng.randrange(0, 23))).encode("utf-8")
        assert murmurhash3_32(key) == reference(key, seed=0)


def test_type_probabilities_are_scikit_learns_on_the_samples(sample_texts, tmp_path: Path) -> None:
    texts, labels = sample_texts
    pipeline = _pipeline().fit(texts, labels)
    exported = text_model_of(pipeline)
    assert exported.classes_ == tuple(pipeline.classes_)
    probed = [*texts, "", "zz"]
    np.testing.assert_allclose(exported.predict_proba(probed), pipeline.predict_proba(probed), rtol=0, atol=1e-9)
    # a model of format 1 (the pipeline pickled whole) is read, and saved again in numpy form
    legacy = Classifier(pipeline, tuple(pipeline.classes_), PIPELINE_FORMAT)
    save_classifier(legacy, tmp_path / "m.pkl")
    again = load_classifier(tmp_path / "m.pkl")
    assert again.probabilities(texts[0]) == pytest.approx(legacy.probabilities(texts[0]), abs=1e-6)


def test_two_types_give_the_logistic_function() -> None:
    texts = ["счет на оплату", "счет на оплату поставщик", "кассовый чек", "кассовый чек итог"]
    pipeline = _pipeline().fit(texts, ["invoice", "invoice", "receipt", "receipt"])
    np.testing.assert_allclose(text_model_of(pipeline).predict_proba(texts), pipeline.predict_proba(texts), atol=1e-9)


def test_letterhead_probabilities_are_scikit_learns() -> None:
    rng = random.Random(41)
    rows_features, labels = [], []
    for n in range(40):
        slip = generated_letterhead(rng, "ru" if n % 2 else "en")
        rows = letterhead.header_rows(make_doc([text_page("\n".join(slip.lines))]).rows)
        for row, f in zip(rows, letterhead.features(rows), strict=True):
            rows_features.append(f)
            labels.append("name" if row.text in slip.name else "address" if row.text in slip.address else "other")
    pipeline = letterhead.make_model().fit(rows_features, labels)
    exported = hashed_model_of(pipeline)
    np.testing.assert_allclose(exported.predict_proba(rows_features), pipeline.predict_proba(rows_features), atol=1e-9)


def test_classifying_and_labelling_a_letterhead_import_no_scikit_learn() -> None:
    code = (
        "import sys\n"
        "import classify\n"
        "from classify import letterhead\n"
        "from classify.extract import make_doc\n"
        "from tests.classify.pagetext import text_page\n"
        "model = classify.default_classifier()\n"
        "assert model.predict('Кассовый чек\\nИтог 100.00')[0] == 'receipt'\n"
        "rows = letterhead.header_rows(make_doc([text_page('ООО Ромашка\\nг. Москва, ул. Ленина, д. 5')]).rows)\n"
        "assert len(letterhead.default_labeller().labels(rows)) == 2\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
