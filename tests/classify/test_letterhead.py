"""The learned letterhead labeller (classify/letterhead.py) and the locale data it reads."""

from __future__ import annotations

import json
import pickle
import random
import re
from pathlib import Path

import pytest

from classify import letterhead, partywords
from classify.extract import make_doc
from samples.letterheads import _SYLLABLES
from samples.letterheads import letterhead as generated
from tests.classify.pagetext import text_page


def test_the_bundled_model_is_loaded_once_and_labels_a_generated_slips_rows() -> None:
    labeller = letterhead.default_labeller()
    assert labeller is not None and labeller is letterhead.default_labeller()
    slip = generated(random.Random(777), "en")
    rows = letterhead.header_rows(make_doc([text_page("\n".join(slip.lines))]).rows)
    labels = labeller.labels(rows)
    name_rows = [r.text for r, lab in zip(rows, labels, strict=True) if lab == "name"]
    address_rows = [r.text for r, lab in zip(rows, labels, strict=True) if lab == "address"]
    assert " ".join(address_rows) == slip.address
    assert slip.name in " ".join(name_rows)
    assert all(lab == "other" for r, lab in zip(rows, labels, strict=True) if r.text.startswith(("TEL", "FAX")))


def test_a_rows_features_describe_its_kind_never_its_shops_words() -> None:
    labeller = letterhead.default_labeller()
    assert labeller is not None
    rng = random.Random(4242)
    made_up = re.compile("(?:" + "|".join(_SYLLABLES) + ")+")
    for _ in range(20):
        slip = generated(rng)
        shop = {w for w in re.findall(r"[^\W\d_]{4,}", f"{slip.name} {slip.address}".casefold())
                if made_up.fullmatch(w)}  # the made-up words of its name and street, not its trade or form
        rows = letterhead.header_rows(make_doc([text_page("\n".join(slip.lines))]).rows)
        for row, f in zip(rows, letterhead.features(rows, labeller.vocabulary), strict=True):
            names = {t for key in f for t in re.findall(r"[^\W\d_]+", key.casefold())}
            assert not shop & names, (row.text, shop & names)  # the shop's name and street are no feature


def test_a_context_stage_is_trained_saved_and_read_back(tmp_path: Path) -> None:
    from scripts import train_letterhead

    groups = train_letterhead.labelled(train_letterhead.generated_set(40, seed=99), frozenset())
    first, second = train_letterhead.fit(groups, context=True, folds=3)
    assert second is not None
    path = tmp_path / "letterhead.pkl"
    letterhead.save(first, path, "generated", context=second)
    labeller = letterhead.load(path)
    assert labeller.context is not None
    slip = generated(random.Random(31), "en")
    rows = letterhead.header_rows(make_doc([text_page("\n".join(slip.lines))]).rows)
    f = letterhead.features(rows)
    want = second.predict_proba(letterhead.context_features(f, [dict(zip(first.classes_, p, strict=True))
                                                                 for p in first.predict_proba(f)]))
    got = labeller.probabilities(rows)
    for w, g in zip(want, got, strict=True):
        assert [g[c] for c in second.classes_] == pytest.approx(list(w), abs=1e-6)
    assert train_letterhead.predict(first, second, f) == labeller.labels(rows)


def test_a_model_of_another_format_is_refused_with_the_way_to_retrain(tmp_path: Path) -> None:
    old = tmp_path / "letterhead.pkl"
    old.write_bytes(pickle.dumps({"format": letterhead.FORMAT + 1, "model": None}))
    with pytest.raises(ValueError, match="train_letterhead"):
        letterhead.load(old)


def test_locale_data_of_every_language_is_merged_and_a_bad_entry_is_named(tmp_path: Path) -> None:
    words = partywords.party_words()
    assert words.word_regex("legal_forms").search("ООО «Ромашка»")
    assert words.word_regex("legal_forms").search("Northwind Traders Ltd")
    assert words.word_regex("address_words").search("ул. Ленина, д. 5")
    assert not words.word_regex("address_words").search("Ленинградская")  # whole words only
    (tmp_path / "parties.xx.json").write_text(json.dumps({"legal_forms": ["(unclosed"]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"parties\.xx\.json: legal_forms"):
        partywords.party_words(("xx",), data_dir=tmp_path)
