"""Invoices of foreign suppliers with no per-issuer template: the document's own date over an order's or
a due date, numbers under German/Dutch labels and under a column headed by the document's name."""

from __future__ import annotations

from classify import extract_fields, normalise_currency, normalise_date
from tests.classify.pagetext import page, text_page


def _got(text: str) -> dict[str, str]:
    return {k: v.value for k, v in extract_fields("invoice", [text_page(text)]).items()}


def test_invoice_date_wins_over_the_order_date_above_it() -> None:
    got = _got("""Retail Invoice
Invoice No : # HYD_WFQL20190700415236
Order Date: 11-07-2019
Invoice Date: 16-07-2019""")
    assert got["date"] == "2019-07-16"
    assert got["number"] == "HYD_WFQL20190700415236"


def test_month_names_with_a_stray_space_or_a_day_s_point() -> None:
    assert normalise_date("Invoice Date: March 9 , 2021") == "2021-03-09"
    assert normalise_date("Rechnungsdatum 12. Juni 2020") == "2020-06-12"
    assert normalise_date("billing period May 1 - May 31 , 2022") == "2022-05-31"  # not 1 May 2031


def test_german_invoice_number_label_beats_a_contract_number() -> None:
    got = _got("""Rechnung Seite 1
Rechnungsnr. 51820377 Kundennr. 62915
Rechnungsdatum 12. Juni 2020
Contract No. CON07431""")
    assert got["number"] == "51820377" and got["date"] == "2020-06-12"


def test_number_and_date_in_columns_under_their_headers() -> None:
    p = page([
        (100, 100, "Kopie factuur"),
        (100, 200, "Klant"), (600, 200, "Order"), (1300, 200, "Factuur datum"), (1800, 200, "Factuur"),
        (2100, 200, "Vervaldatum"),
        (100, 250, "KLTNR0419007350128"), (600, 250, "KLTNR000000815"), (1400, 250, "14-3-2023"),
        (1700, 250, "VF2007264158"), (2130, 250, "28-3-2023"),
    ])
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert got["number"] == "VF2007264158"
    assert got["date"] == "2023-03-14"


def test_rupees_before_a_negative_amount() -> None:
    assert normalise_currency("Promotional Discount of Rs -40.00") == "INR"


def test_letterhead_name_without_its_address_after_a_dash_or_the_title_beside_it() -> None:
    got = _got("""Serverwerk Tolmann AG - Birkenallee 12-14 - D-34127 Vellinghausen
Kundenfirma Ltd.
Rechnungsnr. 51820377""")
    assert got["seller_name"] == "Serverwerk Tolmann AG"
    assert _got("Norvane Cloud Services Invoice\nbilling@norvane.com\nInvoice Number: 73019452")[
        "seller_name"] == "Norvane Cloud Services"  # (its domain backs a name found by its place alone)
    assert _got("Velduin B.V.\nFACTUUR.\nFactuurnummer: 460213875")["seller_name"] == "Velduin B.V."


def _titled(title: str, body: str) -> dict[str, str]:
    """An invoice whose top row holds a logo's letters OCR garbled, then the seller's name and the title in a
    column of their own; the bill-to block under it, and a body line that may name the seller again."""
    from classify import FIELD_THRESHOLD, analyse

    p = page([(100, 100, "nOrthwlnd"), (700, 110, title), (100, 200, "Account number:"),
              (100, 260, "Invoice Number: 7716"), (100, 320, "Invoice Date: March 9 , 2021"),
              (100, 380, "Bill to Address:"), (100, 440, "ATTN: Kestrel Labs Limited"),
              (100, 500, body), (100, 560, "Total for this invoice $12.40")])
    result = analyse([p])
    return {k: str(f.value) for k, f in result.fields.items() if f.confidence >= FIELD_THRESHOLD}


def test_a_name_before_the_invoices_title_is_the_seller_when_the_body_names_it_again() -> None:
    """«Northwind Cloud Services Invoice» beside a logo: the words before the title are the seller's name when
    the body prints them again («Thanks for using Northwind Cloud Services»); a title's own words («Commercial
    Invoice») and a name the body does not repeat give no name by this rule."""
    again = "Thanks for using Northwind Cloud Services, we are writing to send your invoice."
    assert _titled("Northwind Cloud Services Invoice", again).get("seller_name") == "Northwind Cloud Services"
    assert _titled("Northwind Cloud Services Invoice", "We are writing to send your invoice.").get(
        "seller_name") != "Northwind Cloud Services"
    assert "Commercial" not in _titled("Commercial Invoice", "Thanks for your commercial order.").get(
        "seller_name", "")


def test_a_department_after_the_letterheads_name_is_no_part_of_it() -> None:
    """A letterhead's first line naming the sender's department after the company («Lumen Customer Service»,
    «Lumen Service Clients», «Lumen Kundenservice»): the company's name is the words before it."""
    from classify import analyse

    for line in ("Lumen Customer Service", "Lumen Service Clients", "Lumen Kundenservice", "Lumen Billing Department"):
        p = text_page(f"{line}\n12 Harbour Road\nBristol BS1 4DJ\nwww.lumen.com\nInvoice No. 5521\n"
                      "Invoice Date: March 9, 2021\nTotal 40.00 EUR")
        assert analyse([p]).fields["seller_name"].value == "Lumen", line
