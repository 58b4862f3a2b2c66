"""The learned seller memory (classify/sellers.py): a till slip's name and address read very close to a
known one are given as the memory holds them; another number, or two known values as close, leave them as
read."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from classify import extract_fields, sellers
from samples.letterheads import word
from tests.classify.pagetext import text_page

# made-up words, so that nothing here is a real shop or place
RNG = random.Random(9173)
SHOP, STREET, TOWN, REGION = (word(RNG, parts=(3, 3)).upper() for _ in range(4))
NAME = f"{SHOP} TRADING SDN BHD"
ADDRESS = f"NO. 12, JALUR {STREET} 4/2, 40150 {TOWN}, {REGION}."


def _memory() -> sellers.SellerMemory:
    other = f"NO. 14, JALUR {STREET} 4/2, 40150 {TOWN}, {REGION}."  # the next house of the street
    return sellers.train([(NAME, ADDRESS), (NAME, ADDRESS), (f"{TOWN} MART", other)])


def test_a_reading_that_lost_marks_or_letters_is_given_as_the_memory_holds_it() -> None:
    memory = _memory()
    assert memory.known("address", ADDRESS.rstrip(".").replace(", 40150", " 40150")) == ADDRESS
    assert memory.known("address", ADDRESS.lower().replace("no. 12,", "no 12")) == ADDRESS
    assert memory.known("name", NAME.replace(" SDN", "SDN")) == NAME
    misread = NAME[:2] + ("I" if NAME[2] != "I" else "L") + NAME[3:]  # one letter put for another
    assert memory.known("name", misread) == NAME
    co = sellers.train([(f"{SHOP} CO. (M) BHD", "")])
    assert co.known("name", f"{SHOP} C0. (M) BHD") == f"{SHOP} CO. (M) BHD"  # a zero read for the letter
    assert co.known("name", f"{SHOP} CO. (M) BHD 2") is None  # a number it does not print


def test_another_number_another_shop_or_a_short_value_is_left_as_read() -> None:
    memory = _memory()
    assert memory.known("address", ADDRESS.replace("NO. 12", "NO. 16")) is None  # the street's next house
    assert memory.known("address", f"LOT 9, {STREET} 40150") is None
    assert memory.known("name", f"{SHOP} TRADE") is None  # short and far
    assert memory.known("name", "") is None


def test_a_reading_that_lost_one_number_needs_to_be_closer_still_and_one_house_it_can_be() -> None:
    lost = ADDRESS.replace("NO. 12, ", "NO ")  # "12" lost, the rest as known
    assert sellers.train([(NAME, ADDRESS)]).known("address", lost) == ADDRESS
    assert _memory().known("address", lost) is None  # number 12 or number 14 of the street
    assert sellers.train([(NAME, ADDRESS)]).known("address", lost.replace(f" {TOWN},", "")) is None


def test_two_known_values_as_close_as_each_other_leave_the_reading_as_it_is() -> None:
    twins = sellers.train([(f"{SHOP} STORE A", ""), (f"{SHOP} STORE E", "")])
    assert twins.known("name", f"{SHOP} STORE B") is None
    assert twins.known("name", f"{SHOP} STORE A") == f"{SHOP} STORE A"


def test_the_bundled_memory_puts_back_what_ocr_lost_of_a_known_address() -> None:
    bundled = sellers.default_memory()
    assert bundled is not None and bundled is sellers.default_memory()
    known = next(a for a in sorted(bundled.addresses) if a.endswith(".") and "," in a and len(a) > 30 and
                 bundled.known("address", a) == a)  # one it tells apart from its others
    lost = re.sub(r",(?=\S)", ", ", known.rstrip("."))  # the final full stop lost, a comma spaced
    slip = text_page(f"{SHOP} TRADING SDN BHD\n{lost}\nTEL: 03-5512 7781\nTOTAL 5.00")
    got = extract_fields("receipt", [slip])
    assert got["seller_address"].value == known
    assert got["seller_address"].confidence >= sellers.KNOWN_CONFIDENCE


def test_a_memory_of_another_format_is_refused_and_one_saved_loads_the_same(tmp_path: Path) -> None:
    memory = _memory()
    sellers.save(memory, tmp_path / "sellers.json")
    loaded = sellers.load(tmp_path / "sellers.json")
    assert (loaded.names, loaded.addresses) == (memory.names, memory.addresses)
    (tmp_path / "old.json").write_text(json.dumps({"format": sellers.FORMAT + 1}), encoding="utf-8")
    with pytest.raises(ValueError, match="train_letterhead"):
        sellers.load(tmp_path / "old.json")


def test_a_known_value_printed_whole_on_the_top_rows_is_found_there() -> None:
    memory = _memory()
    lines = ["THANK YOU FOR SHOPPING", f"{NAME.replace(' ', '')}(771204-K)", *ADDRESS.split(", 40150")]
    assert memory.find("name", lines, 3) == (NAME, 1, 1)  # at its row's start, its registration after it
    assert memory.find("name", [f"{NAME}S"], 3) is None  # another word run on: another name
    top = ["THANK YOU", "NO. 12, JALUR", f"{STREET} 4/2, 40150", f"{TOWN}, {REGION}.", "TEL 05-6120 4417"]
    assert memory.find("address", top, 6) == (ADDRESS, 1, 3)
    assert memory.find("address", top[:3], 6) is None


def test_the_bundled_memory_recognises_a_known_name_the_labeller_passed_over() -> None:
    bundled = sellers.default_memory()
    assert bundled is not None
    known = next(n for n in sorted(bundled.names) if len(n) > 12 and " " in n and n.isupper())
    slip = text_page(f"THANK YOU FOR SHOPPING WITH US\nLOT 7, {STREET} 4/2\n40150 {TOWN}\n"
                     f"{known.replace(' ', '')}(771204-K)\nTOTAL 5.00")
    got = extract_fields("receipt", [slip])
    assert got["seller_name"].value == known
