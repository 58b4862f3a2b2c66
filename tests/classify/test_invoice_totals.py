"""A Latin invoice's total: the amount due or the total over subtotals, net amounts and taxes; when a sure label of
the amount due and one of the total disagree (a payment made, a fee added, a misreading), no total is given and
the document is flagged with both. Generated invoices of the kind."""

from __future__ import annotations

import random

import pytest

from classify import FIELD_THRESHOLD, analyse
from tests.classify.pagetext import text_page


def _invoice(rng: random.Random, totals: list[str]) -> str:
    name = "".join(rng.choice(("ka", "ro", "vel", "mi", "dun", "sa")) for _ in range(3)).capitalize()
    return "\n".join([f"{name} Ltd", f"www.{name.lower()}.com", "INVOICE", f"Invoice Number: {rng.randint(100, 99999)}",
                      "Invoice Date: March 9, 2021", "Bill To:", "Kestrel Labs", "Description Qty Rate Amount",
                      "Widget 2 $50.00 $100.00", *totals])


def _total(text: str) -> tuple[str | None, list[str]]:
    result = analyse([text_page(text)])
    f = result.fields.get("total")
    given = str(f.value) if f is not None and f.confidence >= FIELD_THRESHOLD else None
    return given, [p.message for p in result.problems if "total" in p.fields]


@pytest.mark.parametrize("totals", [
    ["Subtotal: $100.00", "VAT 20%: $20.00", "Total: $120.00"],
    ["Amount due: $120.00", "Subtotal: $100.00", "VAT 20%: $20.00", "Total: $120.00"],
    ["Subtotal: $100.00", "VAT 20%: $20.00", "Total: $120.00", "Balance due: $0.00"],  # paid in full
    ["Total excl. VAT: $100.00", "VAT 20%: $20.00", "Total incl. VAT: $120.00"],
    ["Total HT 100.00 $", "TVA 20% 20.00 $", "Total TTC 120.00 $"],
    ["Razem netto 100.00 USD", "VAT 20% 20.00", "Do zapłaty: 120.00 USD"],
    ["Exclusief BTW $ 100.00", "BTW 20% $ 20.00", "Totaal $ 120.00"],
])
def test_the_total_over_subtotals_net_amounts_and_a_zero_balance(totals: list[str]) -> None:
    got, flags = _total(_invoice(random.Random(str(totals)), totals))
    assert got == "120.00", flags


@pytest.mark.parametrize("seed", range(4))
def test_a_total_and_an_amount_due_that_disagree_give_no_total(seed: int) -> None:
    rng = random.Random(seed)
    total, due = rng.randint(101, 900), rng.randint(901, 2000)
    lines = [f"Subtotal: ${total - 20}.00", "VAT: $20.00", f"Total: ${total}.00", f"Total due: ${due}.00"]
    if seed % 2:
        lines = [f"Amount due: ${due}.00", *lines[:3]]
    got, flags = _total(_invoice(rng, lines))
    assert got is None
    assert any("another total label" in m for m in flags), flags
