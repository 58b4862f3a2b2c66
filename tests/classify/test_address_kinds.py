"""Kinds of till-slip address as OCR reads them, each put to the extractor in generated cases (made-up words,
numbers and codes; samples/letterheads.py's syllables): where an address's value starts and ends, and what
its reading's marks say of it."""

from __future__ import annotations

import random

from classify import extract_fields
from samples.letterheads import word
from tests.classify.pagetext import text_page


def _names(text: str) -> dict[str, str]:
    got = extract_fields("receipt", [text_page(text)])
    return {k: v.value for k, v in got.items() if k in ("seller_name", "seller_address")}


def _code(rng: random.Random, unit: bool = True) -> str:
    """A street's or a section's code of capitals and a 5 or a 1: "U5", "KL1"; with ``unit`` also with a
    unit's letter after it, "PJU1A"."""
    letters = "".join(rng.choice("ABCDEFGHJKMNPRTUWXYZ") for _ in range(rng.randint(1, 3)))
    return letters + rng.choice("15") + (rng.choice(("", "", rng.choice("ABCDEFG"))) if unit else "")


def test_a_codes_five_or_one_is_left_as_read() -> None:
    """A code of capitals with a 5 or a 1 is no word whose letter OCR read as a digit ("U5" is no "US"), also
    run into the word before it ("SeksyenU5"); words of letters with a digit for one are still put right."""
    from classify._parties import fix_lookalikes

    rng = random.Random(9301)
    for _ in range(60):
        code, area = _code(rng), word(rng).capitalize()
        assert fix_lookalikes(f"Jalan {area} {code},") == f"Jalan {area} {code},"
        assert fix_lookalikes(f"{area}{code},") == f"{area}{code},"
    for _ in range(30):
        w = word(rng)
        assert fix_lookalikes(f"{w[:1].upper()}{w[1:-1]}1") == f"{w[:1].upper()}{w[1:-1]}l"  # "Te1" is "Tel"
        assert fix_lookalikes("5" + w.upper()[1:]) == "S" + w.upper()[1:]  # "5ELVOR" is "SELVOR"


def test_an_address_with_a_codes_digit_run_into_a_word_keeps_it() -> None:
    """Generated slips whose address holds a section's code run into the word before it and a stop read for
    the comma before the postcode ("TarsenU5.52310"): the code as printed, the stop a comma."""
    rng = random.Random(9302)
    right = 0
    for _ in range(30):
        code = _code(rng, unit=False)
        area, street, town = (word(rng).capitalize() for _ in range(3))
        postcode, house = rng.randint(10000, 99999), rng.randint(1, 99)
        text = f"""{word(rng).upper()} TRADING SDN BHD
Lot {house}, Jalan {street} {rng.randint(2, 9)}/{rng.randint(2, 9)},
{area}{code}.{postcode} {town},
Tel: 03-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}
TAX INVOICE
Date: 12/03/2021"""
        got = _names(text).get("seller_address", "")
        right += got.endswith(f"{area}{code},{postcode} {town}.")
    assert right == 30, right
