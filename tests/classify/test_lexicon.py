"""The learned lexicon of letterhead words (classify/lexicon.py) and the shapes of misread words."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from classify import extract_fields, lexicon
from classify._lookalikes import shape
from classify._parties import fix_lookalikes
from samples.letterheads import word
from tests.classify.pagetext import text_page

# made-up words, so that nothing here is a real place
RNG = random.Random(4711)
STREET = word(RNG).upper() + "LOMAR"
TOWN, REGION = (word(RNG, parts=(3, 3)).upper() for _ in range(2))


def _lexicon() -> lexicon.Lexicon:
    return lexicon.train([f"NO. 5, JALUR {STREET} 3/1, 40150 {TOWN} {REGION}"] * 2 + ["SOME SHOP", "LUMPAR"])


def _misread(known: str) -> str:
    """``known`` as OCR misreads it by shape: its first m as rn, or an inner l or o as a digit."""
    for letter, read in (("m", "rn"), ("l", "1"), ("o", "0")):
        at = known.lower().find(letter, 1, len(known) - 1)
        if at > 0:
            return known[:at] + read + known[at + 1:]
    raise AssertionError(f"{known!r} has no letter to misread")


def test_words_of_one_shape_are_the_same_word_misread() -> None:
    assert shape("HARWINCi") == shape("Harwing")  # "Ci" for "G", "I" for "l"
    assert shape("ORRIN8ANK") == shape("orrinbank")
    assert shape("rnart") == shape("MART")
    assert shape("MART") != shape("NART")


def test_a_misread_known_word_is_put_right_in_the_case_it_was_printed() -> None:
    lx = _lexicon()
    misread = STREET[:-5] + "1ORNAR"  # "L" read as 1, "M" as rn
    assert lx.correct(f"No. 5, Jalur {misread.capitalize()} 3/1") == f"No. 5, Jalur {STREET.capitalize()} 3/1"
    assert lx.correct(f"40150 {TOWN}{REGION}") == f"40150 {TOWN} {REGION}"  # two known words run together
    one_off = REGION[:3] + ("X" if REGION[3] != "X" else "Y") + REGION[4:]  # one letter put for another
    assert lx.correct(one_off) == REGION


def test_known_short_and_numbered_words_and_unknown_words_are_left_as_read() -> None:
    lx = _lexicon()
    assert lx.correct("SOME SHOP") == "SOME SHOP"
    assert lx.correct("U13/EG 40150 SS21/58 7/118B") == "U13/EG 40150 SS21/58 7/118B"
    assert lx.correct("LUMPUR") == "LUMPUR"  # one letter from a word seen once only: another word
    assert lx.correct(REGION[1:]) == REGION[1:]  # a letter less is as often another word
    assert lx.correct("ООО «Ромашка»") == "ООО «Ромашка»"


def test_the_bundled_lexicon_puts_a_slips_misread_address_right() -> None:
    bundled = lexicon.default_lexicon()
    assert bundled is not None and bundled is lexicon.default_lexicon()
    known = max((w for w in bundled.counts if len(w) >= 6 and any(c in w[1:-1] for c in "mlo")),
                key=lambda w: (bundled.counts[w], w)).upper()  # a common word it knows
    slip = text_page(f"{TOWN} TRADING\nLOT 7, {_misread(known)} {REGION},\n40150 {STREET}\nTOTAL 5.00")
    assert known in extract_fields("receipt", [slip])["seller_address"].value.upper()


def test_a_capital_eight_inside_a_word_of_capitals_is_a_b() -> None:
    assert fix_lookalikes(f"JALUR {STREET[:2]}8{STREET[2:]}") == f"JALUR {STREET[:2]}B{STREET[2:]}"
    assert fix_lookalikes("8TH FLOOR, SS8/88") == "8TH FLOOR, SS8/88"


def test_a_lexicon_of_another_format_is_refused_and_one_saved_loads_the_same(tmp_path: Path) -> None:
    lx = _lexicon()
    lexicon.save(lx, tmp_path / "lexicon.json")
    assert lexicon.load(tmp_path / "lexicon.json").counts == lx.counts
    (tmp_path / "old.json").write_text(json.dumps({"format": lexicon.FORMAT + 1, "counts": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="train_letterhead"):
        lexicon.load(tmp_path / "old.json")


def test_a_known_word_ocr_split_in_two_is_joined_and_two_words_are_not() -> None:
    lx = _lexicon()
    street = STREET[:1] + STREET[1:].lower()
    assert lx.correct(f"No. 5, Jalur {street[:1]} {street[1:]} 3/1") == f"No. 5, Jalur {street} 3/1"
    assert lx.correct(f"40150 {TOWN[:3]} {TOWN[3:]}, {REGION}") == f"40150 {TOWN}, {REGION}"
    assert lx.correct("SOME SHOP") == "SOME SHOP"  # two words it knows
    assert lx.correct(f"{TOWN[:3]} {REGION[3:]}") == f"{TOWN[:3]} {REGION[3:]}"  # no word it knows together


def test_a_capital_read_for_another_of_its_look() -> None:
    lex = lexicon.train(["PELICAN MART", "PELICAN MART", "QUILL DEPOT", "QUILL DEPOT", "DELL", "DELL", "DELI", "DELI"])
    assert lex.correct("PELICAN NART") == "PELICAN MART"  # an N for an M
    assert lex.correct("QUILL DEPCT") == "QUILL DEPOT"  # a C for an O
    assert lex.correct("DELJ") == "DELJ"  # J is no look-alike of I or L
    assert lex.correct("DEL1") == "DEL1"  # DELI or DELL: two known words alike, left as read
    assert lex.correct("Pelican Nart") == "Pelican Nart"  # capitals only


def test_a_known_word_with_an_inner_letter_lost_or_read_twice_is_put_right() -> None:
    """A known word of six letters or more seen often enough with a letter inside it lost ("Industral") or read
    once more (a letter doubled, a stroke read as one: "Strreet", "Buildiing"): the word. A letter more or less at
    its start or its end makes another word ("Lane" and "Plane", "Enterprise" and "Enterprises"), and a word seen
    once may be another: those are left as read."""
    rng = random.Random(4712)
    for _ in range(30):
        known, once = (word(rng, parts=(3, 3)).upper() for _ in range(2))
        if len(known) < 7:
            continue
        lx = lexicon.train([f"JALAN {known}"] * 2 + [once])
        at = rng.randint(1, len(known) - 2)
        for misread in (known[:at] + known[at + 1:], known[:at] + known[at] + known[at:]):
            if lx.known(misread):
                continue
            assert lx.correct(f"12, Jalan {misread.capitalize()}") == f"12, Jalan {known.capitalize()}", misread
        for edge in (known[1:], known[:-1], "W" + known, known + "S", once[:2] + once[3:]):
            if not lx.known(edge):
                assert lx.correct(edge) == edge, (known, edge)
