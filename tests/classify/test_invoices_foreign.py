"""Invoices of foreign suppliers with no per-issuer template: the document's own date over an order's or
a due date, numbers under German/Dutch labels and under a column headed by the document's name."""

from __future__ import annotations

from classify import extract_fields, normalise_currency, normalise_date
from tests.classify.pagetext import page, text_page


def _got(text: str) -> dict[str, str]:
    return {k: v.value for k, v in extract_fields("invoice", [text_page(text)]).items()}


def test_invoice_date_wins_over_the_order_date_above_it() -> None:
    got = _got("""Retail Invoice
Invoice No : # BLR_WFLD20151000982590
Order Date: 15-10-2015
Invoice Date: 20-10-2015""")
    assert got["date"] == "2015-10-20"
    assert got["number"] == "BLR_WFLD20151000982590"


def test_month_names_with_a_stray_space_or_a_day_s_point() -> None:
    assert normalise_date("Invoice Date: August 3 , 2014") == "2014-08-03"
    assert normalise_date("Rechnungsdatum 7. Mai 2014") == "2014-05-07"
    assert normalise_date("billing period July 1 - July 31 , 2014") == "2014-07-31"  # not 1 July 2031


def test_german_invoice_number_label_beats_a_contract_number() -> None:
    got = _got("""Rechnung Seite 1
Rechnungsnr. 30064443 Kundennr. 47774
Rechnungsdatum 7. Mai 2014
Contract No. CON02858""")
    assert got["number"] == "30064443" and got["date"] == "2014-05-07"


def test_number_and_date_in_columns_under_their_headers() -> None:
    p = page([
        (100, 100, "Kopie factuur"),
        (100, 200, "Klant"), (600, 200, "Order"), (1300, 200, "Factuur datum"), (1800, 200, "Factuur"),
        (2100, 200, "Vervaldatum"),
        (100, 250, "SCONL0303006280999"), (600, 250, "SCONL000000444"), (1400, 250, "8-9-2022"),
        (1700, 250, "VF1005193039"), (2130, 250, "22-9-2022"),
    ])
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert got["number"] == "VF1005193039"
    assert got["date"] == "2022-09-08"


def test_rupees_before_a_negative_amount() -> None:
    assert normalise_currency("Promotional Discount of Rs -40.00") == "INR"


def test_letterhead_name_without_its_address_after_a_dash_or_the_title_beside_it() -> None:
    got = _got("""QualityHosting AG - Uferweg 40-42 - D-63571 Gelnhausen
iViveLabs Ltd.
Rechnungsnr. 30064443""")
    assert got["seller_name"] == "QualityHosting AG"
    assert _got("Amazon Web Services Invoice\nInvoice Number: 42183017")["seller_name"] == "Amazon Web Services"
    assert _got("Coolblue B.V.\nFACTUUR.\nFactuurnummer: 993548900")["seller_name"] == "Coolblue B.V."
