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


def _slip(rng: random.Random, address_rows: list[str], after: list[str]) -> str:
    name = f"{word(rng).upper()} {rng.choice(('TRADING', 'STORE', 'BAKERY'))} SDN BHD"
    return "\n".join([name, *address_rows, *after, "TAX INVOICE", f"Date: {rng.randint(1, 28):02d}/03/2021",
                      "Description Qty Price Amount", f"{word(rng).upper()} 1 {rng.randint(2, 90)}.50"])


def _address_rows(rng: random.Random) -> list[str]:
    street, area, town = (word(rng).capitalize() for _ in range(3))
    return [f"Lot {rng.randint(1, 300)}, Jalan {street} {rng.randint(2, 9)},", f"Taman {area},",
            f"{rng.randint(10000, 99999)} {town}."]


def test_a_phone_row_whose_short_label_ocr_misread_is_no_part_of_the_address() -> None:
    """The phone's row under the address with its label misread ("1e1", "Te1", "TeI" for "Tel") and its colon
    read as a semicolon: the address ends over it."""
    rng = random.Random(9303)
    right = 0
    for _ in range(30):
        rows = _address_rows(rng)
        label, colon = rng.choice(("1e1", "Te1", "TeI", "lel", "7el")), rng.choice((":", ";", " ;"))
        phone = f"{label} {colon} +6 0{rng.randint(1, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        right += _names(_slip(rng, rows, [phone])).get("seller_address") == " ".join(rows)
    assert right == 30, right


def test_a_misread_phone_label_and_its_number_make_a_phone_row() -> None:
    """What ends an address where the labeller doubts the phone's row (read faintly): a short label of any
    letters or digits, its colon or a semicolon, a number of eight digits or more; not an address's row."""
    from classify._parties import _PHONE_ROW

    rng = random.Random(9304)
    for _ in range(30):
        label = rng.choice(("1e1", "Te1", "TeI", "lel", "7el", "T3l"))
        prefix, area = rng.choice(("+6 ", "+60", "")), rng.randint(1, 9)
        number = f"{prefix}0{area} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        assert _PHONE_ROW.match(f"{label}{rng.choice((':', ' ;', ' : '))} {number}")
        street = word(rng).capitalize()
        assert not _PHONE_ROW.match(f"No: {rng.randint(1, 99)}, Jalan {street} {rng.randint(2, 9)},")
        assert not _PHONE_ROW.match(f"Lot {rng.randint(1, 99)} : {rng.randint(10000, 99999)} {street}")


def _address_read(rows: list[str], rng: random.Random) -> tuple[str | None, bool]:
    """A generated slip's address as `extract` and `import` give it (archive.reading.settle), and whether it is
    flagged unsure (garbled, or read with too little confidence)."""
    from archive.reading import settle
    from classify import analyse

    phone = f"Tel: 03-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    got = settle(analyse([text_page(_slip(rng, rows, [phone]))], hints={"doc_type": "receipt"}))
    flagged = "seller_address" in got.unsure or any(
        "seller_address" in p.fields for p in got.extraction.problems if p.code == "low_confidence")
    return got.extraction.values().get("seller_address"), flagged


def test_an_address_row_read_with_its_words_run_together_in_capitals_is_flagged() -> None:
    """A row of capitals read with its spaces lost ("TARSENHOLVIKROAD,DUNMOOR") has lost its marks with them: the
    address is left out and flagged. Words of one capitalised word that long ("Marbelsterokaro") and rows of
    capitals with their spaces are given."""
    rng = random.Random(9305)
    for _ in range(20):
        street, area, town = (word(rng, parts=(3, 3)).upper() for _ in range(3))
        postcode, house = rng.randint(10000, 99999), rng.randint(1, 300)
        spaced = [f"LOT {house}, JALAN {street},", f"TAMAN {area},", f"{postcode} {town}."]
        assert _address_read(spaced, rng) == (" ".join(spaced), False)
        glued = f"JALAN{street}{area}"
        if len(glued) >= 14:
            assert _address_read([f"LOT {house}, {glued},", f"{postcode} {town}."], rng) == (None, True), glued
        long = word(rng, parts=(5, 6)).capitalize()
        if len(long) >= 14:
            rows = [f"Lot {house}, Jalan {long},", f"{postcode} {town.capitalize()}."]
            assert _address_read(rows, rng) == (" ".join(rows), False), long


def test_an_address_word_whose_first_letter_was_read_as_a_digit_is_flagged() -> None:
    """A word of four letters or more after one digit ("3ALAN" for a "J…" word, "9etia"; a 0 or a 5 is put right as
    its letter): OCR's misreading, left out and flagged; an ordinal ("3RD FLOOR") and a house's letter ("12A") are
    no such word."""
    rng = random.Random(9306)
    for _ in range(20):
        street, town = (word(rng, parts=(2, 3)).upper() for _ in range(2))
        postcode = rng.randint(10000, 99999)
        misread = f"{rng.choice('3469')}{street[1:]}" if len(street) >= 5 else f"3{street}"
        rows = [f"NO. {rng.randint(1, 99)}, {misread} {rng.randint(2, 9)},", f"{postcode} {town}."]
        assert _address_read(rows, rng) == (None, True), rows
        rows = [f"3RD FLOOR, {rng.randint(2, 40)}A, JALAN {street},", f"{postcode} {town}."]
        assert _address_read(rows, rng) == (" ".join(rows), False), rows


def test_an_address_with_no_postcode_keeps_the_comma_closing_its_last_row() -> None:
    """A comma closing a whole address's last row (its postcode and town) is its full stop misread; an address
    with no postcode (a building's or a site's rows: its print runs on after them) keeps its comma."""
    from classify._parties import _tidy_address

    rng = random.Random(9307)
    for _ in range(30):
        street, area, town = (word(rng).upper() for _ in range(3))
        rows = [f"NO.{rng.randint(1, 90)}, JALAN {street} {rng.randint(2, 20)}/{rng.randint(2, 20)},",
                f"KAWASAN {area} {town},"]
        assert _tidy_address(rows) == " ".join(rows)
        rows[-1] = f"{rng.randint(10000, 99999)} {town},"
        assert _tidy_address(rows) == " ".join(rows)[:-1] + "."


def test_an_address_with_no_postcode_takes_the_postcodes_row_under_it_with_its_phone() -> None:
    """The postcode's row with the phone printed after the town, which the labeller may take for a phone's row:
    an address run with no postcode ends on it, the phone cut off (samples/letterheads.py's slips of that kind)."""
    from samples.letterheads import letterhead

    rng = random.Random(9308)
    slips = [letterhead(rng, phone_after_postcode=True) for _ in range(80)]
    wrong = [(s.address, got) for s in slips if (got := _names("\n".join(s.lines)).get("seller_address")) != s.address]
    assert not wrong, wrong


def test_an_address_whose_postcodes_row_under_it_was_read_garbled_is_flagged() -> None:
    """An address run with no postcode over a row that begins with its postcode read garbled (a letter among the
    digits, the town run into it: "4O1Z0HOLVIK"): the address's end is lost, so it is left out and flagged; a row
    of a house's number ("12A TAMAN …") or a branch's number ("1237-TMN …") under it is no such row."""
    rng = random.Random(9309)
    for _ in range(20):
        street, town = (word(rng).upper() for _ in range(2))
        rows = [f"NO. {rng.randint(1, 90)}, JALAN {street} {rng.randint(2, 9)}/{rng.randint(2, 9)}"]
        digits = list(str(rng.randint(10000, 99999)))
        digits[rng.randint(1, 3)] = rng.choice("ZOSB")
        assert _address_read([*rows, "".join(digits) + town], rng) == (None, True), digits
        assert _address_read([*rows, f"{rng.randint(1000, 9999)}-TMN {town}"], rng)[1] is False


def test_a_streets_word_run_into_the_words_beside_it_is_flagged() -> None:
    """A row of capitals read with its spaces lost around a street's word ("OFFJALANHOLVIK", "NO.4JALANTARSEN2"), too
    short to be a whole row run together: its commas went with its spaces, so the address is left out and flagged;
    read with its spaces, it is given."""
    rng = random.Random(9310)
    for _ in range(20):
        street, side, town = (word(rng, parts=(2, 2)).upper() for _ in range(3))
        postcode, house = rng.randint(10000, 99999), rng.randint(1, 300)
        spaced = [f"{house}, JALAN {street},", f"OFF JALAN {side},", f"{postcode} {town}."]
        assert _address_read(spaced, rng) == (" ".join(spaced), False), spaced
        glued = [f"{house}, JALAN {street},", f"OFFJALAN{side}", f"{postcode} {town}."]
        assert _address_read(glued, rng) == (None, True), glued


def test_an_address_whose_house_number_was_lost_after_its_label_is_flagged() -> None:
    """An address that begins with a house's label and then a word, its number lost ("No Jalan …"): read without its
    number it is wrong, so it is left out and flagged; with the number it is given, and so is one whose label an
    address's word follows, its number after that ("No. Lot 12, …")."""
    rng = random.Random(9311)
    for _ in range(20):
        street, area, town = (word(rng).capitalize() for _ in range(3))
        postcode, house = rng.randint(10000, 99999), rng.randint(1, 99)
        tail = [f"Seksyen {rng.randint(2, 9)}, Bandar {area},", f"{postcode} {town}, {word(rng).capitalize()}"]
        label = rng.choice(("No", "No.", "NO"))
        whole = [f"{label} {house}, Jalan {street} {rng.randint(2, 20)}/{rng.randint(2, 9)},", *tail]
        assert _address_read(whole, rng) == (" ".join(whole), False), whole
        lost = [f"{label} Jalan {street} {rng.randint(2, 20)}/{rng.randint(2, 9)},", *tail]
        assert _address_read(lost, rng) == (None, True), lost
        part = rng.choice(("Lot", "LOT", "Unit", "Block", "Plot"))
        numbered = [f"{label} {part} {house}, Jalan {street} {rng.randint(2, 20)}/{rng.randint(2, 9)},", *tail]
        assert _address_read(numbered, rng) == (" ".join(numbered), False), numbered


def test_a_house_number_one_read_as_its_lookalike_letter_is_put_right() -> None:
    """The house's number 1 after its label read as a capital I or a small l ("NO.I,", "No. l "): the digit; a word
    after the label is left as read."""
    from classify._parties import _tidy_address

    rng = random.Random(9312)
    for _ in range(30):
        street, town = (word(rng).upper() for _ in range(2))
        postcode = rng.randint(10000, 99999)
        label, letter, after = rng.choice(("NO.", "No.", "NO. ")), rng.choice("Il"), rng.choice((",", ""))
        got = _tidy_address([f"{label}{letter}{after} TAMAN {street},", f"{postcode} {town}."])
        assert got == f"{label}1{after} TAMAN {street}, {postcode} {town}.", got
        word_after = f"NO. {street.capitalize()} {rng.randint(2, 9)}, {postcode} {town}."
        assert _tidy_address([word_after]) == word_after


def test_a_speck_read_as_a_colon_between_an_addresss_words_is_dropped() -> None:
    """A colon after a word of a Latin address, before the next word ("Kawasan Perindustrian: Tarsen"): a speck, no
    mark of the address; a house's label's colon before its number ("No: 12") stays."""
    from classify._parties import _tidy_address

    rng = random.Random(9313)
    for _ in range(30):
        area, name, town = (word(rng).capitalize() for _ in range(3))
        postcode, house = rng.randint(10000, 99999), rng.randint(1, 99)
        got = _tidy_address([f"{house}, Jalan {town} 7/4,Kawasan {area}: {name},{postcode} {town}, {area}"])
        assert got == f"{house}, Jalan {town} 7/4,Kawasan {area} {name},{postcode} {town}, {area}", got
        labelled = f"No: {house}, Jalan {name}, {postcode} {town}."
        assert _tidy_address([labelled]) == labelled
