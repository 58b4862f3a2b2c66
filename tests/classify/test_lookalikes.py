"""The one table of look-alike characters every parser reads (classify/data/lookalikes.toml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classify import _lookalikes as la

ROOT = Path(__file__).resolve().parents[2]


def test_twins_pair_up_and_are_of_their_script() -> None:
    assert len(la.LATIN_TWINS) == len(la.CYRILLIC_TWINS)
    assert all(la.is_latin(ch) for ch in la.LATIN_TWINS)
    assert all(la.is_cyrillic(ch) for ch in la.CYRILLIC_TWINS)
    assert la.to_latin(la.to_cyrillic(la.LATIN_TWINS)) == la.LATIN_TWINS
    assert not set(la.LATIN_ONLY.lower()) & set(la.LATIN_TWINS.lower()) - set("b")  # b: only its capital has a twin


@pytest.mark.parametrize(("word", "expected"), [
    ("СЧEТ", "СЧЕТ"),          # Cyrillic word with a Latin E: Cyrillic
    ("Invoicе", "Invoice"),    # Latin word (v, n, i) with a Cyrillic е: Latin
    ("TOTAL", "TOTAL"),        # twins only: left as read
    ("ТОТАL", "TOTAL"),        # L is Latin only: the whole word Latin
    ("Пoлучaтeль", "Получатель"),
])
def test_one_script_per_word(word: str, expected: str) -> None:
    assert la.one_script(word) == expected


def test_digits_and_their_letters() -> None:
    assert la.as_digits("78IЗ0O", "013") == "781300"
    assert la.as_digits("SB", "0") == "SB"  # only the digits asked for
    assert set(la.letters_for("0")) == {"O", "o", "О", "о"}
    assert la.letter_for("0", cyrillic=True, lower=False) == "О"
    assert la.letter_for("0", cyrillic=False, lower=True) == "o"
    assert la.letter_for("3", cyrillic=True, lower=True) == "з"
    assert la.letter_for("5", cyrillic=True, lower=False) is None


def test_symbols() -> None:
    assert la.fix_symbols("А—12 ‘x’") == "А-12 'x'"
    assert la.fix_symbols("¥—", "-") == "¥-"


def test_no_parser_keeps_a_table_of_its_own() -> None:
    """The look-alike sets of the table appear in classify's code only as the table's module reads them."""
    pattern = re.compile(r"OoОо|ОоOo|АВСЕНКМ|ABCEHKM|ЗзlI|lI\|")
    for path in (ROOT / "classify").glob("*.py"):
        if path.name in {"_lookalikes.py", "_parties.py"}:
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), path.name


def test_capitals_alike() -> None:
    from classify._lookalikes import capitals_alike

    assert capitals_alike("N0V", "NOV") and capitals_alike("JUM", "JUN") and capitals_alike("jum", "JUN")
    assert not capitals_alike("JUX", "JUN") and not capitals_alike("JU", "JUN")
