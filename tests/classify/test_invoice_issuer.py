"""A Latin invoice's seller found with no label is given only when something else the invoice prints backs it: a
legal form, its e-mail or web domain, its name printed again, its registration number under it; a name printed in
the «Bill to» block is the buyer's. Otherwise it is left out and flagged, never given wrong.

Generated invoices of the kinds: names, domains and numbers are made up per case."""

from __future__ import annotations

import random

import pytest

from classify import FIELD_THRESHOLD, analyse
from tests.classify.pagetext import page, text_page

_SYLLABLES = ("ka", "ro", "vel", "mi", "dun", "sa", "tor", "le", "bri", "no", "quen", "ha")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _invoice(top: list[str], body: list[str], rng: random.Random, footer: tuple[str, ...] = ()) -> str:
    number = rng.randint(10_000, 99_999_999)
    return "\n".join([*top, "INVOICE", f"Invoice Number: {number}", "Invoice Date: March 9, 2021", *body,
                      "Subtotal: $120.00", "Tax: $0.00", "Total: $120.00", *footer])


def _seller(text: str) -> tuple[str | None, list[str]]:
    result = analyse([text_page(text)])
    given = result.fields.get("seller_name")
    value = str(given.value) if given is not None and given.confidence >= FIELD_THRESHOLD else None
    return value, [p.message for p in result.problems if "seller_name" in p.fields]


def _bill_to(rng: random.Random) -> list[str]:
    return ["Bill To:", f"{_word(rng)} {_word(rng)}", f"{rng.randint(1, 99)} {_word(rng)} Road", "Springfield"]


@pytest.mark.parametrize("seed", range(6))
def test_a_name_at_the_top_with_nothing_backing_it_is_left_out_and_flagged(seed: int) -> None:
    rng = random.Random(seed)
    name = f"{_word(rng)} {_word(rng)}"
    got, flags = _seller(_invoice([name, f"{_word(rng).lower()}@mailbox.com"], _bill_to(rng), rng))
    assert got is None
    assert any(name in m for m in flags), flags


@pytest.mark.parametrize("seed", range(6))
def test_its_domain_its_initials_or_its_name_printed_again_back_it(seed: int) -> None:
    rng = random.Random(100 + seed)
    first, second, third = _word(rng), _word(rng), _word(rng)
    name = f"{first} {second} {third}"
    backing = [
        f"billing@{first.lower()}.com",  # its first word
        f"www.{first.lower()}{second.lower()}{third.lower()}.co.uk",  # its words run together
        f"{first[0]}{second[0]}{third[0]}.{first.lower()}.com/help".lower(),  # its initials
        f"Thank you for choosing {name}.",  # printed again
    ][seed % 4]
    got, _ = _seller(_invoice([name, "12 Harbour Road", "Bristol BS1 4DJ"], _bill_to(rng), rng, (backing,)))
    assert got == name, backing


@pytest.mark.parametrize("form", ["Ltd", "GmbH", "B.V.", "S.A.", "JSC", "Inc."])
def test_a_legal_form_or_a_registration_number_backs_it(form: str) -> None:
    rng = random.Random(form)
    name = f"{_word(rng)} {_word(rng)}"
    got, _ = _seller(_invoice([f"{name} {form}", "12 Harbour Road"], _bill_to(rng), rng))
    assert got == f"{name} {form}"
    got, _ = _seller(_invoice([name, f"VAT Reg No: GB {rng.randint(100, 999)} {rng.randint(1000, 9999)} 12"],
                              _bill_to(rng), rng))
    assert got == name


@pytest.mark.parametrize("seed", range(4))
def test_a_name_printed_in_the_bill_to_block_is_the_buyers(seed: int) -> None:
    """A window envelope's address at the top (the seller's logo an image OCR read nothing of), the same name under
    «Bill to:»: the buyer's, even with its own domain printed."""
    rng = random.Random(200 + seed)
    name = f"{_word(rng)} {_word(rng)} Ltd"
    bill = ["Bill To:", name, f"{rng.randint(1, 99)} {_word(rng)} Road"]
    got, flags = _seller(_invoice([name, f"{rng.randint(1, 99)} {_word(rng)} Road"], bill, rng))
    assert got is None
    assert any("buyer" in m for m in flags), flags


def test_the_seller_in_the_column_beside_the_bill_to_block_is_not_the_buyers() -> None:
    """«Bill To:» on the left, the seller's requisites in a column of their own on the right: only the block's own
    column is the buyer's."""
    rng = random.Random(7)
    name = f"{_word(rng)} {_word(rng)}"
    buyer = f"{_word(rng)} {_word(rng)}"
    p = page([(100, 100, name), (100, 160, "INVOICE"), (100, 220, "Invoice Number: 4471"),
              (100, 280, "Invoice Date: March 9, 2021"),
              (100, 400, "Bill To:"), (1500, 400, name),
              (100, 460, buyer), (1500, 460, f"support@{name.split()[0].lower()}.com"),
              (100, 520, "8 Mill Lane"), (100, 640, "Total: $75.00")])
    result = analyse([p])
    assert result.fields["seller_name"].value == name
    assert result.fields["seller_name"].confidence >= FIELD_THRESHOLD


@pytest.mark.parametrize("title", ["RECHNUNG", "FACTURE", "Factuur", "INVOICE", "ORIGINAL", "Copy", "Page 1 of 2"])
def test_a_title_or_a_mark_at_the_top_is_no_seller_even_printed_again(title: str) -> None:
    rng = random.Random(title)
    text = _invoice([title, "12 Harbour Road"], _bill_to(rng), rng, (f"{title} 4471",))
    got, flags = _seller(text)
    assert got is None, flags


@pytest.mark.parametrize("seed", range(4))
def test_a_registration_line_naming_another_company_makes_the_top_name_unsure(seed: int) -> None:
    """The customer's window address at the top (a legal name), the issuer named by the footer's registration line
    (its legal form, its court register, its VAT number): conflicting, so no seller; the footer agreeing backs it."""
    rng = random.Random(300 + seed)
    top = f"{_word(rng)} {_word(rng)} Ltd"
    issuer = f"{_word(rng)} {_word(rng)} GmbH"
    register = (f"{issuer} - Amtsgericht {_word(rng)} HRB {rng.randint(1000, 99999)} - "
                f"USt-IdNr DE{rng.randint(10**8, 10**9 - 1)}")
    got, flags = _seller(_invoice([top, "12 Mill Lane"], [], rng, (register,)))
    assert got is None and any(issuer in m for m in flags), flags
    agreeing = f"{top} - Registered in England No. {rng.randint(10**6, 10**7 - 1)}"
    got, _ = _seller(_invoice([top, "12 Mill Lane"], [], rng, (agreeing,)))
    assert got == top


def test_a_period_after_from_is_no_seller() -> None:
    rng = random.Random(9)
    got, _ = _seller(_invoice(["Invoice", "From: 1 March 2021", "To: 31 March 2021"], [], rng))
    assert got is None or "March" not in got


@pytest.mark.parametrize(("seller_label", "buyer_label"), [("Bill From:", "Bill To:"), ("Sprzedawca:", "Nabywca:"),
                                                           ("Lieferant:", "Rechnungsempfänger:"),
                                                           ("Fournisseur :", "Destinataire :")])
def test_the_name_under_a_sellers_label_heading_its_column(seller_label: str, buyer_label: str) -> None:
    """The seller's label alone over its block, the buyer's block in the column beside it: the name under the
    seller's label, not the buyer's beside it."""
    rng = random.Random(seller_label)
    seller, buyer = f"{_word(rng)} {_word(rng)}", f"{_word(rng)} {_word(rng)}"
    p = page([(100, 100, "INVOICE"), (100, 160, "Invoice Number: 4471"), (100, 220, "Invoice Date: March 9, 2021"),
              (100, 340, seller_label), (1300, 340, buyer_label),
              (100, 400, seller), (1300, 400, buyer),
              (100, 460, "12 Harbour Road"), (1300, 460, "8 Mill Lane"), (100, 640, "Total: $75.00")])
    result = analyse([p])
    assert result.fields["seller_name"].value == seller
    assert result.fields["seller_name"].confidence >= FIELD_THRESHOLD


def test_two_legal_names_side_by_side_are_no_one_name() -> None:
    """Two parties' rows printed side by side with no labels read (their legal names on one row): not one name."""
    rng = random.Random(11)
    one, two = f"{_word(rng)} {_word(rng)} GmbH", f"{_word(rng)} {_word(rng)} GmbH"
    p = page([(100, 100, one), (1300, 100, two), (100, 160, "Hauptstr. 1"), (1300, 160, "Musterweg 8"),
              (100, 260, "Rechnung"), (100, 320, "Rechnungsnummer: 4471"), (100, 380, "Rechnungsdatum: 12.03.2021"),
              (100, 500, "Gesamtbetrag 119,00 EUR")])
    result = analyse([p])
    given = result.fields.get("seller_name")
    assert given is None or given.confidence < FIELD_THRESHOLD or given.value in (one, two)
