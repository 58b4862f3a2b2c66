"""Till slips as OCR reads them: the total under misread labels, after rounding, checked against the
cash tendered and the change; the seller and its address at the top; dates with misread digits."""

from __future__ import annotations

import pytest

from classify import extract_fields
from tests.classify.pagetext import text_page


def _total(text: str) -> str | None:
    got = extract_fields("receipt", [text_page(text)])
    return got["total"].value if "total" in got else None


def test_total_label_read_with_one_letter_wrong() -> None:
    assert _total("""SOME SHOP
Tatal Sales (Inclusive of GST) : 27.40
CASH : 30.00
Change : 2.60""") == "27.40"


def test_final_total_after_rounding_is_taken_over_the_total_before_it() -> None:
    assert _total("""Total (Excluding GST): 54.23
Total (Inclusive of GST): 57.48
Rounding Adj: 0.02
TOTAL: 57.50""") == "57.50"


def test_rounding_printed_after_the_last_total_is_applied() -> None:
    assert _total("""Total (Excluding GST): 45.30
GST Payable: 2.72
Total (Inclusive of GST): 48.02
Rounding Adj: -0.02""") == "48.00"


def test_quantities_rates_discounts_savings_and_tax_summaries_are_no_total() -> None:
    assert _total("""Total Sales Inclusive GST @6% 9.40
Total Qty: 5
Total Discount RM 0.00
Total Savings 0.00
(Total Included GST @ 6% : 0.53)""") == "9.40"


def test_cash_tendered_less_change_picks_the_total_it_agrees_with() -> None:
    # the tax summary's "Total" row comes last, but the cash paid says which total is the amount due
    assert _total("""Total Sales RM 26.50
CASH : 50.00
Change : 23.50
Total : 25.00 1.50""") == "26.50"


def test_no_total_labelled_but_the_amount_paid_is_printed() -> None:
    assert _total("""Total Sales (Inclusive GST) RM 18.62 x
Rounding RM 18.60
CASH RM 20.00
CHANGE RM 1.40""") == "18.60"


def test_amount_read_with_a_space_for_its_point_or_glued_to_its_currency() -> None:
    assert _total("Total After Adj Incl GST 76 45") == "76.45"
    assert _total("Nett Total: RM6.30") == "6.30"
    assert _total("Grand Total Rs 2150") == "2150.00"
    assert _total("TOTAL RM7 OO") == "7.00"  # its zeros read as the letter, its point as a space
    assert _total("TOTAL 23:50") == "23.50"  # its point read as a colon
    assert _total("Total 12:30:15") is None  # a time is no amount


def test_a_whole_number_with_no_currency_is_no_total() -> None:
    assert _total("Total items 24") is None
    assert _total("Total 24") is None


def _names(text: str) -> dict[str, str]:
    got = extract_fields("receipt", [text_page(text)])
    return {k: v.value for k, v in got.items() if k in ("seller_name", "seller_address")}


def test_generated_slips_give_their_sellers_name_and_address() -> None:
    """Slips made up by samples/letterheads.py (names, streets and towns of syllables, English and Russian
    layouts) with seeds the labeller was not trained on: their name and address as printed."""
    import random

    from samples.letterheads import letterhead

    rng = random.Random(4242)
    slips = [letterhead(rng) for _ in range(40)]
    names = addresses = 0
    for slip in slips:
        got = _names("\n".join(slip.lines))
        names += got.get("seller_name") == slip.name
        addresses += got.get("seller_address") == slip.address
    assert names >= 34 and addresses >= 36, (names, addresses)


@pytest.mark.parametrize("doc_type", ["invoice", "vat_invoice"])
def test_a_latin_letterhead_typed_as_an_invoice_is_read_as_a_slips(doc_type: str) -> None:
    """A till slip headed "TAX INVOICE" or "INVOICE" may be typed an invoice: with no role's label on it, its
    letterhead gives the seller's name and address as the slip's would (the labeller's rows, not a rule's)."""
    import random

    from samples.letterheads import letterhead

    rng = random.Random(4244)
    slips = [letterhead(rng, "en") for _ in range(40)]
    same = addresses = 0
    for slip in slips:
        text = "\n".join(slip.lines)
        got = extract_fields(doc_type, [text_page(text)])
        typed = {k: v.value for k, v in got.items() if k in ("seller_name", "seller_address")}
        same += typed == _names(text)
        addresses += typed.get("seller_address") == slip.address
    assert same == len(slips) and addresses >= 36, (same, addresses)


@pytest.mark.parametrize("title", ["PAYMENT RECEIPT", "Sales Invoice", "RECEIPT"])
def test_no_name_from_the_rows_under_the_documents_own_body(title: str) -> None:
    """A document that begins with its title and its own "label: value" row with a date prints no letterhead:
    the table's head in title case under them ("Room Details Check In Check Out Nights") is no seller's name,
    nor the title's first word; a letterhead over the title still gives the name."""
    body = [title, "Guest Name: Tarvel Date: 14/03/2024", "Room Details Check In Check Out Nights",
            "Harbour View 12, 14/03/2024 15/03/2024 1", "Room Charges 180.00", "Grand Total 180.00"]
    assert "seller_name" not in _names("\n".join(body))
    assert _names("\n".join(["VORMEL LODGES", *body])).get("seller_name") == "VORMEL LODGES"


@pytest.mark.parametrize("title", ["Cash Sale", "CASH BILL", "Official Receipt"])
def test_a_slips_title_over_a_name_with_its_registration_number_is_no_name(title: str) -> None:
    """The slip's title on its top row is no name; the name under it is, less its registration number."""
    slip = [title, "TARVEL HOLVIK TRADING (004417229-K)", "12, Jalan Dunmoor 3,", "Kampung Tarsen,",
            "Phone: 03-4417 2290", "Date: 14/03/2024", "TOTAL 18.00"]
    assert _names("\n".join(slip)).get("seller_name") == "TARVEL HOLVIK TRADING"


def test_a_thank_you_for_shopping_line_is_no_name() -> None:
    slip = ["TQ FOR SHOPPING WITH tarvel.com", "TARVEL HOLVIK BOOKS", "12, Dunmoor Road,", "Phone: 03-4417 2290",
            "Date: 14/03/2024", "TOTAL 18.00"]
    assert _names("\n".join(slip)).get("seller_name") == "TARVEL HOLVIK BOOKS"


def test_a_stop_between_a_word_and_the_postcode_is_a_comma() -> None:
    """OCR reads a faint comma as a stop, the space after it lost: "HOLVIK.52310" is "HOLVIK,52310"."""
    got = _names("""VORMEL KITCHEN SDN BHD
NO. 7, TARSEN ROAD, HOLVIK.52310 DUNMOOR.
Tel No.: 03-4417 2290
TAX INVOICE""")
    assert got["seller_address"] == "NO. 7, TARSEN ROAD, HOLVIK,52310 DUNMOOR."


def test_a_postcodes_row_with_the_phone_after_it_ends_the_address_less_the_phone() -> None:
    """Generated slips whose phone follows the postcode and town on their row (or is on the row under it),
    with a "label : number" row after it: the postcode's row is the address's last, the phone and the
    label's row no part of it."""
    import random

    from samples.letterheads import letterhead

    rng = random.Random(4243)
    slips = [letterhead(rng, phone_after_postcode=True) for _ in range(40)]
    addresses = sum(_names("\n".join(slip.lines)).get("seller_address") == slip.address for slip in slips)
    assert addresses >= 36, addresses


def test_a_label_and_number_row_under_the_address_is_no_part_of_it() -> None:
    assert _names("""VORMEL KITCHEN SDN BHD
NO. 7, TARSEN ROAD,
52310 HOLVIK, DUNMOOR. Tel No.: 03-4417 2290
Outlet No : 4471
TAX INVOICE""")["seller_address"] == "NO. 7, TARSEN ROAD, 52310 HOLVIK, DUNMOOR."
    assert _names("""Vormel Kitchen Sdn Bhd
Lot 7, Tarsen Road
52310 Holvik, Dunmoor
Store ID ; 4471
H/P: 012-441 7229
Cashier: 3""")["seller_address"] == "Lot 7, Tarsen Road 52310 Holvik, Dunmoor"


def test_seller_is_the_legal_name_under_a_brand_without_its_registration_number() -> None:
    got = _names("""Velmora
Tarkin Grocers Of Oldvale Sdn Bhd (73194-K)
Lot 12, 14 Fennick Avenue,
Bramton Road 3, Westerly Park,
62190 Harwick, Dunmoor
TEL: 05-6120 4417""")
    assert got["seller_name"] == "Tarkin Grocers Of Oldvale Sdn Bhd"
    assert got["seller_address"] == "Lot 12, 14 Fennick Avenue, Bramton Road 3, Westerly Park, 62190 Harwick, Dunmoor"


def test_legal_form_misread_and_wrapped_onto_its_own_line() -> None:
    assert _names("""KORVELL PAPER
CO. (M) SDN BHD
(Co. No. 208371-P)
No 4, Lane 9/27C, Orrin Heights""")["seller_name"] == "KORVELL PAPER CO. (M) SDN BHD"
    assert _names("""MR. Q.¥.Z. (M) SDN BHD
Co-REG:741502-K
LOT 2203-A & 2203-B, ORRIN ROAD 6""")["seller_name"] == "MR. Q.Y.Z. (M) SDN BHD"
    assert _names("""77 DAILY MART S/B (408261-V)
LOT P.T. 1174, TELLMOR ROAD,""")["seller_name"] == "77 DAILY MART S/B"


def test_a_phone_label_inside_a_word_does_not_cut_a_name() -> None:
    got = extract_fields("invoice", [text_page("""Счёт на оплату № 5 от 01.02.2025
Продавец: АО «Телесфера» (2)""")])
    assert got["seller_name"].value == "АО «Телесфера»"


def test_legal_form_read_with_wrong_letters_is_written_as_printed() -> None:
    assert _names("""VORTANI HOLDINGS SON. GHD. (2:71842-T)
NO.9, 11 & 23, KELLOW STREET,""")["seller_name"] == "VORTANI HOLDINGS SDN. BHD."


def test_a_legal_name_below_the_phone_line_is_not_the_seller() -> None:
    got = _names("""MELLORY PAPER SHOP
NO. 14G&16G, ORCHID ROAD
61250 TALVERN
Tel: +604-2291 8830
Supplied by KESTON SUPPLY SDN BHD""")
    assert got["seller_name"] == "MELLORY PAPER SHOP"


def test_receipt_address_runs_from_under_the_name_to_the_phone_line() -> None:
    got = _names("""KORVELL PAPER
CO. (M) SDN BHD
(Co. No. 208371-P)
(GST Reg No. 004172650000)
No 4, Lane 9/27C, Orrin Heights
63100 Bramport, Westmarch
Tel : 04-2271 6650""")
    assert got["seller_address"] == "No 4, Lane 9/27C, Orrin Heights 63100 Bramport, Westmarch"


def test_receipt_address_skips_the_tax_number_and_stops_at_a_mobile_number() -> None:
    got = _names("""QL Fresh-Mart Sdn Bhd (390217-W)
GST Reg No 000472019381
Tellow Road 2
31750 Harrowgate
Dunmore Valley.
Mobile /Whatsapps : +6013-402 1189""")
    assert got["seller_address"] == "Tellow Road 2 31750 Harrowgate Dunmore Valley."


def test_no_address_from_a_contract_paragraph() -> None:
    got = _names("""ООО «Вектор», ОГРН 1025491829912, именуемое в дальнейшем «Исполнитель», в лице \
генерального директора Новикова Л. С., действующего на основании Устава, с одной стороны, \
и гражданин Иванов Андрей Дмитриевич
именуемый в дальнейшем «Заказчик», с другой стороны, вместе именуемые «Стороны», заключили настоящий Договор""")
    assert "seller_address" not in got


def _date(text: str) -> str | None:
    got = extract_fields("receipt", [text_page(text)])
    return got["date"].value if "date" in got else None


def test_date_month_with_its_zero_misread_is_repaired_only_inside_a_date() -> None:
    assert _date("CASH! 512-07 19/83/2016 20:14") == "2016-03-19"
    assert _date("Date: 27/64/2019") == "2019-04-27"
    assert _date("Total 17/83") is None


def test_no_date_from_mixed_marks_or_impossible_years() -> None:
    assert _date("""KRT2-07 - 3/66
HQX4 - 20/1000
14-05-19 17:42""") == "2019-05-14"
    assert _date("ORD #41 -REG #3- 12/09/2017 21:18:40") == "2017-09-12"


@pytest.mark.parametrize("printed", [
    "Date:24/O5/2018",  # a zero read as O after the slash
    "Date : 24I05I2018", "DATE 24l05l2018",  # both slashes read as I or l
    "Date: 24,05,2018", "Date: 24:05:2018",  # both read as another mark
    "Date: 24 05 2018",  # read as spaces
    "Date: 20180524",  # the year first, printed with no separators
    "Date: 24/05/20 18 10:01",  # a space read inside the year
    "DATE: 24705/2018", "Date: 24/0512018", "DATE: 24705/18",  # one slash read as 7 or 1, the other read
    "Date: 24/05/201B", "Date: 24/O5/2O1B",  # an eight of the year read as B
    "Date 24/0518 502:32PM", "Date: 2405/18",  # one slash lost before a two-digit year
])
def test_a_labelled_date_whose_separators_or_digits_ocr_misread(printed: str) -> None:
    assert _date(f"SHOP\nInv No: 12\n{printed}\nTOTAL 5.00") == "2018-05-24"


def test_a_misread_date_needs_its_label_and_a_valid_day_and_month() -> None:
    assert _date("SHOP\nRef 24 05 2018\nTOTAL 5.00") is None
    assert _date("SHOP\nDate: 24,13,2018\nTOTAL 5.00") is None
    assert _date("SHOP\nDate: 20181324\nTOTAL 5.00") is None
    assert _date("SHOP\nDate: 24/0518:05\nTOTAL 5.00") is None  # the day, the month and the time
    assert _date("SHOP\n24/05/20 18:01\nTOTAL 5.00") == "2020-05-24"  # a two-digit year and the time


def test_date_printed_with_the_time_of_sale_at_the_bottom_of_a_long_slip() -> None:
    lines = "\n".join(f"ITEM {n} 1 x 2.00 2.00" for n in range(45))
    assert _date(f"SHOP\n{lines}\n22/08/2019 12:51 3021") == "2019-08-22"
    assert _date(f"SHOP\n{lines}\nSERVED 22/08/2019 THANK YOU") == "2019-08-22"  # no time, no date above it
    assert _date(f"SHOP 03/04/2019\n{lines}\nSERVED 22/08/2019 THANK YOU") == "2019-04-03"


def test_a_one_read_as_a_letter_before_the_days_second_digit_is_a_one() -> None:
    assert _date("SHOP\nl2/03/2018\nTOTAL 5.00") == "2018-03-12"  # not 2 March
    assert _date("SHOP\nI2-03-2018 10:15\nTOTAL 5.00") == "2018-03-12"
    assert _date("SHOP\nxl2/03/2018\nTOTAL 5.00") == "2018-03-02"  # inside a word: the letter is the word's


def test_a_name_read_unsurely_is_left_out_and_flagged() -> None:
    from classify import analyse

    text = "ORCHARD ibS (KEY SDN BHD\nLot 3, Tellmor Road 23/1,\n62300 Harwick, Dunmoor.\nTOTAL 12.00"
    sure = analyse([text_page(text, confidence=0.95)], hints={"doc_type": "receipt"})
    assert sure.values()["seller_name"] == "ORCHARD ibS (KEY SDN BHD"
    unsure = analyse([text_page(text, confidence=0.5)], hints={"doc_type": "receipt"})
    assert "seller_name" not in unsure.values() and "seller_address" not in unsure.values()
    flagged = {f for p in unsure.problems if p.code == "low_confidence" for f in p.fields}
    assert {"seller_name", "seller_address"} <= flagged
    assert unsure.values()["total"] == "12.00"  # a total is checked by its sums, not by how it was read


def test_cash_less_change_does_not_overrule_a_larger_labelled_total() -> None:
    # the change misread (8.00 for 6.00): the labelled total stands
    assert _total("""Total RM Incl. of GST 4.00
Cash -10. 00
CHANGE 8. 00
Item 2.00""") == "4.00"


def test_paid_by_card_to_the_cent_when_no_total_is_read() -> None:
    assert _total("""Description Qty Price Amount
Totd/Sulés [Inclusive GST @6.00%: a6
Master Card 71.20""") == "71.20"


def test_the_sum_of_one_tax_class_is_no_total() -> None:
    assert _total("""Total 0% supplies: 14.33
Total 6% supplies (excl. GST): 52.10
Total 6% supplies (Inc. GST): 55.23
Total 0% supplies: 14.33""") == "55.23"


def test_the_sellers_name_is_no_logo_read_as_letters_no_title_and_no_address_line() -> None:
    from dataclasses import replace

    from tests.classify.pagetext import page

    rows = [(100, 40, "Adrodegr"), (100, 100, "TOKO LENVARA MAJU"), (100, 160, "NO.38 TERRIN ROAD 4/2"),
            (100, 220, "62810 HALWICK"), (100, 280, "TAX INVOICE"), (100, 340, "TOTAL 12.00")]
    p = page(rows)
    logo = replace(p, words=tuple(replace(w, confidence=0.1) if w.line == 0 else w for w in p.words))
    assert extract_fields("receipt", [logo])["seller_name"].value == "TOKO LENVARA MAJU"
    # with no name printed, neither the title nor an address line is taken for one
    bare = page([(100, 40, "TAX INVOICE"), (100, 100, "Lot 3, Fennick Road 14/2"),
                 (100, 160, "41870 Harwick, Dunmoor"), (100, 220, "TOTAL 12.00")])
    assert "seller_name" not in extract_fields("receipt", [bare])


def test_zero_and_the_letter_o_are_told_apart_by_their_word_in_an_address() -> None:
    got = _names("""KEDAI TORVELA
L0T 7, GR0UND FLOOR, ORCHID ROAD 2/1A,
628O0 TALVERN, DUNMOOR
TEL: 04-2291 8830""")
    assert got["seller_address"] == "LOT 7, GROUND FLOOR, ORCHID ROAD 2/1A, 62800 TALVERN, DUNMOOR"


def test_a_name_read_with_digits_for_letters_is_written_with_the_letters() -> None:
    assert _names("""KESTREL M0RVAN 5dn Bhd (406215-K)
NO. 5, ORCHID ROAD 1, 62800 TALVERN""")["seller_name"] == "KESTREL MORVAN Sdn Bhd"


def test_a_title_above_the_name_is_passed_over_and_an_address_above_the_name_is_taken() -> None:
    got = _names("""TAX INVOICE
Stopfuel Orrin Heights 2
LOT PTD 20417
Tellmor Road 10/10
72630 Harrowgate, Dunmore
Westvale Fuel Enterprise
GST No: 000418275630""")
    assert got == {"seller_name": "Westvale Fuel Enterprise",
                   "seller_address": "LOT PTD 20417 Tellmor Road 10/10 72630 Harrowgate, Dunmore"}


def test_s_b_read_with_digits_is_a_legal_form_but_a_street_numbered_5_8_is_not() -> None:
    assert _names("""77 KEDAI TORVELA 5/8 (408261-V)
LOT P.T. 1174, TELLMOR ROAD,
62150 HARWICK, DUNMOOR""")["seller_name"] == "77 KEDAI TORVELA S/B"
    assert _names("""KEDAI BUKU LENVARA
ROAD SS 5/8 (KTV)
62301 ORRIN HEIGHTS""")["seller_name"] == "KEDAI BUKU LENVARA"


def test_full_stops_read_for_the_commas_between_address_parts_are_commas() -> None:
    got = _names("""KEDAI TORVELA SDN BHD
Lot 12. 14 Fennick Avenue. Bramton Road 3. Westerly Park
NO.2 ROAD SR 1/9.SECTION 9. 62190 Harwick. Dunmoor D.E.
TEL: 04-2291 8830""")
    assert got["seller_address"] == ("Lot 12, 14 Fennick Avenue, Bramton Road 3, Westerly Park NO.2 ROAD SR 1/9,"
                                     "SECTION 9, 62190 Harwick, Dunmoor D.E.")


def test_a_legal_name_as_ocr_misreads_its_punctuation() -> None:
    assert _names("""VELKO PLANKS SDN. BHD. (572140-D)
LOT 5, TELLMOR ROAD, 62400 HARWICK""")["seller_name"] == "VELKO PLANKS SDN. BHD."  # printed stops kept
    assert _names("""ORVEL MING STATIONERY B BOOKS
NO. 53, KELLOW STREET, 62600 DUNMOOR""")["seller_name"] == "ORVEL MING STATIONERY & BOOKS"


def test_ones_and_zeros_read_as_letters_inside_an_address_number() -> None:
    got = _names("""KEDAI BUKU LENVARA SDN BHD
NO 4, ROAD 9/ll7C, ORRIN HEIGHTS
LOT 32I4, MILE 6 1/2, 6210D HARWICK
TEL: 04-2291 8830""")
    assert got["seller_address"] == "NO 4, ROAD 9/117C, ORRIN HEIGHTS LOT 3214, MILE 6 1/2, 62100 HARWICK"


def test_an_addresss_abbreviations_and_commas_as_ocr_misreads_them() -> None:
    got = _names("""KEDAI BUKU LENVARA SDN BHD
NO, 14G ¢ 16G, KELLOW STREET,, 62600 DUNMOOR
TEL: 04-2291 8830""")
    assert got["seller_address"] == "NO. 14G & 16G, KELLOW STREET, 62600 DUNMOOR"
    assert _names("""KEDAI BUKU LENVARA SDN BHD
NO; 2-1&2 GROUND FLOOR, 62500 TALVERN
TEL: 04-2291 8830""")["seller_address"] == "NO: 2-1&2 GROUND FLOOR, 62500 TALVERN"


def test_a_total_inclusive_of_tax_with_inclusive_misread_is_the_total() -> None:
    assert _total("""SOME SHOP
312.00
Cash Promotion 40.00
Rounding Adj: 0.00
Tota! lnclusive GST: 272.00
GST Summary: Amount Tax
SR 256.60 15.40""") == "272.00"


def test_an_address_stops_before_the_documents_own_rows() -> None:
    got = _names("""PAYMENT RECEIPT
HARBOUR LIGHT INN
Sunset Resort Marina, 31/12/2017 01/01/2018 1
12, Harbour Street, Riverside, Chennai
Booking ID Payment Mode
ABCD1234 Cash at Hotel
DESCRIPTION RATE AMOUNT
Room Charges Rs 2150 x 1 Night Rs 2150
Grand Total Rs 2150""")
    # not the stay's dates, not the booking's table, not the charges
    assert got == {"seller_name": "HARBOUR LIGHT INN", "seller_address": "12, Harbour Street, Riverside, Chennai"}


def test_a_slips_own_phrase_run_together_is_no_name() -> None:
    assert _names("""GOODSSOLDARENOTRETURNABLE.THANKYOU
TKL CASH & CARRY
(004217391 V)
NO.15 ROAD TKV2, ORRIN HEIGHTS,
62000 HARWICK, DUN.""")["seller_name"] == "TKL CASH & CARRY"


def test_what_was_received_or_paid_less_the_change_finds_the_total_under_unknown_labels() -> None:
    # "Net Amt" is no label of the amount due, but the cash received less the change is printed
    assert _total("""Item Qty Price Amount
00007311 5 14.00 70.00 SR
00006120 4 12.00 48.00 SR
Gross Amt 118.00
GST (6%) 0.00
Net Amt: 118.00
Received 120.00
Change 2.00
SR @ 0% 118.00 0.00""") == "118.00"
    assert _total("""Code Desc Qty RM D% Amt
418802 Slice Cake 1 7.40 0 7.40
Qty 2 19.85
ana 19.85
Pay 19.85
Change 0.00""") == "19.85"
    # "Total payable" is no payment received
    assert _total("""Total payable 12.00
Change 0.00""") == "12.00"


def test_an_address_row_ocr_split_or_ran_together_is_still_the_address() -> None:
    assert _names("""TORVAPACK TRADING SDN BHD (2081734-M)
14KELLOWROAD4ORRINHEIGHTS62100HW
TEL:04-22918830 FAX: 04-22918831""")["seller_address"] == "14KELLOWROAD4ORRINHEIGHTS62100HW"
    assert _names("""Lenvara Maju Sdn Bhd
(4172 1-M)
No.3, Road SS21/39,62400 Harwick
Dun moor
(GST ID No: 000417293058)""")["seller_address"] == "No.3, Road SS21/39,62400 Harwick Dun moor"


def test_an_address_ocr_garbled_is_left_out_and_flagged_not_given() -> None:
    from classify import analyse

    def address(line: str) -> tuple[str | None, bool]:
        text = f"TELLMOR TRADING SDN BHD\nNO. 7, {line}\n62300 HARWICK, DUNMOOR.\nTOTAL 12.00"
        got = analyse([text_page(text)], hints={"doc_type": "receipt"})
        flagged = any("seller_address" in p.fields for p in got.problems if p.code == "low_confidence")
        return got.values().get("seller_address"), flagged

    assert address("ORRIN ROAD 3/2,") == ("NO. 7, ORRIN ROAD 3/2, 62300 HARWICK, DUNMOOR.", False)
    for garbled in ("OrrinRoad 3/2,", "ORRIN R0AD8ANK3G,", "ORRIN ROAD lel:03-6095 2052", "ORRIN ROAD 3/2HOLViKTON,"):
        assert address(garbled) == (None, True), garbled



def test_an_invoices_unlabelled_letterhead_address_read_alike_by_rules_and_labeller_is_given_sure() -> None:
    from classify import analyse

    text = """TARKIN GROCERS SDN BHD (73194-K)
Lot 12, Fennick Avenue 3/1,
62190 Harwick, Dunmoor.
Tel: 05-6120 4417
TAX INVOICE
Invoice No: 4471 Date: 12/03/2021
TOTAL 5.00"""
    got = analyse([text_page(text)], hints={"doc_type": "invoice"}).fields
    assert got["seller_address"].value == "Lot 12, Fennick Avenue 3/1, 62190 Harwick, Dunmoor."
    assert got["seller_address"].confidence >= 0.5  # the rules' header address alone is below it


def test_initials_closing_an_address_keep_their_last_stop() -> None:
    got = _names("""TARKIN GROCERS SDN BHD (73194-K)
Lot 12, Fennick Avenue 3/1,
62190 Harwick, Dunmoor D.E
Tel: 05-6120 4417
TOTAL 5.00""")
    assert got["seller_address"] == "Lot 12, Fennick Avenue 3/1, 62190 Harwick, Dunmoor D.E."


def test_a_total_paid_is_what_was_handed_over_and_the_total_is_paid_less_change() -> None:
    assert _total("""SHOP
Bun 1 RM4.15
Total (Incl GST) RM37.48
Rounding RM0.02
Grand TotaiRM37.50
Total Paid RM50 .00
Change RM12.50""") == "37.50"
    got = extract_fields("receipt", [text_page("SHOP\nBun 1 RM4.15\nTotal Paid: RM4.15")])
    assert got["total"].value == "4.15" and got["total"].confidence >= 0.5  # nothing else labelled a total


def test_ttl_is_a_total_and_exchange_no_change() -> None:
    got = extract_fields("receipt", [text_page("SHOP\n2x 4.50 RM9.00\nSUBTOTAL RM9.00\nTTL CASH RM9.00")])
    assert got["total"].value == "9.00" and got["total"].confidence >= 0.5
    assert _total("""SHOP
TOTAL QUANTITY 2
SUB-TOTAL 2.50
CASH 10.00
CHANGE 7.50
EXCHANGE WITHIN 7 DAYS""") == "2.50"  # cash less change; "exchange" is no change


def test_a_space_read_inside_a_totals_cents() -> None:
    got = extract_fields("receipt", [text_page("SHOP\nTotal 0% supplies: 17.36\nTotal Payable: 48.3 0\nThank you")])
    assert got["total"].value == "48.30"
    assert got["total"].confidence >= 0.5  # both cents read: not a total with one of them lost


def test_a_comma_closing_the_address_is_its_full_stop_misread() -> None:
    """An address ends with no comma: OCR reads a till slip's small final full stop as one."""
    got = _names("""TARKIN GROCERS SDN BHD (73194-K)
Lot 12, Fennick Avenue 3/1,
62190 Harwick, Dunmoor,
Tel: 05-6120 4417
TOTAL 5.00""")
    assert got["seller_address"] == "Lot 12, Fennick Avenue 3/1, 62190 Harwick, Dunmoor."


def test_a_comma_before_the_phone_on_the_address_row_is_no_full_stop() -> None:
    from classify._parties import _tidy_address

    rows = ["Lot 12, Fennick Avenue 3/1,", "62190 Harwick, Dunmoor, Tel: 05-6120 4417"]
    assert _tidy_address(rows) == "Lot 12, Fennick Avenue 3/1, 62190 Harwick, Dunmoor"
    assert _tidy_address(["Lot 12, Fennick Avenue 3/1, 62190 Harwick, Dunmoor"]).endswith("Dunmoor")


def test_address_rows_with_a_house_number_and_a_postcode_are_given_under_the_tax_rows() -> None:
    """A name wrapped on two rows, its registration and tax rows, then the address: a house number and a
    postcode make the address sure enough to be given, however the labeller doubts its look."""
    from classify import analyse
    from classify._parties import learned_letterhead
    from classify.extract import make_doc

    text = """3170922
ORVANE BRISK
PAPERWORKS SDN.BHD
CO REG NO : 310247-K
GST ID : 000611093312
17-19, JLN TERAVEN MOSS
DELL 63150 HARWICK CARNE
TEL : 04-2271 6650
TAX INVOICE
16-04-2018 14:51
TOTAL RM5.00"""
    pages = [text_page(text)]
    address = learned_letterhead(make_doc(pages))[1]
    assert address is not None and address.value == "17-19, JLN TERAVEN MOSS DELL 63150 HARWICK CARNE"
    assert address.confidence >= 0.6  # the labeller's look alone gives these rows 0.55
    given = analyse(pages, hints={"doc_type": "receipt"}).fields
    assert given["seller_address"].value == address.value
    assert given["seller_address"].confidence >= 0.5


def test_a_branch_line_over_the_house_number_is_left_out_of_the_address() -> None:
    """A branch's name the labeller doubts, over the row that begins with the house number: the address
    begins at the house number."""
    from classify._parties import learned_letterhead
    from classify.extract import make_doc

    text = """ORVANE BRISKWARE SDN BHD
ORVA Mossdale
Lot 12 Fennick Avenue 3/1
62190 Harwick, Dunmoor
Tel: 05-6120 4417"""
    address = learned_letterhead(make_doc([text_page(text)]))[1]
    assert address is not None and address.value == "Lot 12 Fennick Avenue 3/1 62190 Harwick, Dunmoor"


def test_an_address_run_is_trimmed_only_over_a_house_number() -> None:
    from classify._parties import _trimmed
    from classify.extract import make_doc

    rows = make_doc([text_page("ORVA Mossdale\nFennick Avenue 3/1\n62190 Harwick")]).rows
    doubted = [{"address": 0.4}, {"address": 1.0}, {"address": 1.0}]
    assert _trimmed([0, 1, 2], rows, doubted) == [0, 1, 2]  # no house number begins the next row
    rows = make_doc([text_page("ORVA Mossdale\n12 Fennick Avenue 3/1\n62190 Harwick")]).rows
    assert _trimmed([0, 1, 2], rows, doubted) == [1, 2]
    assert _trimmed([0, 1, 2], rows, [{"address": 0.9}, {"address": 1.0}, {"address": 1.0}]) == [0, 1, 2]


def test_a_capital_and_an_o_read_as_zero_before_a_full_stop_are_an_abbreviation() -> None:
    from classify._parties import fix_lookalikes

    assert fix_lookalikes("ORVANE C0. (M) BHD") == "ORVANE CO. (M) BHD"
    assert fix_lookalikes("TEL N0.: 04-2271") == "TEL NO.: 04-2271"
    assert fix_lookalikes("BLOCK B0 LEVEL 2") == "BLOCK B0 LEVEL 2"  # no stop: a unit's number
    assert fix_lookalikes("UNIT 10. DELL") == "UNIT 10. DELL"


def test_a_slash_read_as_a_colon_in_a_streets_numbers() -> None:
    from classify._parties import _tidy_address

    assert _tidy_address(["Lot 9, Brindle Way 14:2,", "61530 Bramwick, Dunmoor"]) == (
        "Lot 9, Brindle Way 14/2, 61530 Bramwick, Dunmoor")
    assert _tidy_address(["No 41, Fennick Road 7:11B, 62190 Harwick"]).endswith("Fennick Road 7/11B, 62190 Harwick")
    assert _tidy_address(["Unit 3:2 Fennick Court"]) == "Unit 3/2 Fennick Court"
    assert _tidy_address(["Fennick Court 10:30:15"]) == "Fennick Court 10:30:15"  # no street's number


def test_a_legal_name_wrapped_over_two_rows_keeps_its_first_line() -> None:
    """A name too long for the slip's width: its first line over the row with its legal form, when the
    labeller is sure of it; not a brand over the legal name, nor a line of digits or an owner's label."""
    from classify._parties import _name_over_form
    from classify.extract import make_doc

    rows = make_doc([text_page("""NORTHWIND COPPERFIELD
BRINDLE TRADING SDN. BHD (731940-K)
BRINDLE MART
BRINDLE MART SDN BHD
OWNED BY:
12 QUARRY 4417""")]).rows
    assert _name_over_form(rows[0], rows[1], 0.9, True)
    assert not _name_over_form(rows[0], rows[1], 0.6, True)  # the labeller unsure
    assert not _name_over_form(rows[0], rows[1], 0.9, False)  # not the first name row
    assert not _name_over_form(rows[2], rows[3], 0.9, True)  # a brand: its words again on the form's row
    assert not _name_over_form(rows[4], rows[3], 0.9, True)  # an owner's label
    assert not _name_over_form(rows[5], rows[3], 0.9, True)  # digits


def test_a_brand_over_the_legal_name_is_not_its_first_line() -> None:
    from classify._parties import _wraps
    from classify.types import FieldValue

    ruled = FieldValue("seller_name", "quill mart sdn bhd", 0.9)
    assert not _wraps(FieldValue("seller_name", "Quill Mart Owned by: quill mart sdn bhd", 0.9), ruled)
    assert _wraps(FieldValue("seller_name", "NORTHWIND QUILL MART SDN BHD", 0.9),
                  FieldValue("seller_name", "QUILL MART SDN BHD", 0.9))


@pytest.mark.parametrize(("row", "name"), [("VORMEL KITCHEN SDN. BHD.L1 T", "VORMEL KITCHEN SDN. BHD."),
                                           ("VORMEL KITCHEN SDN BHD.L1 T", "VORMEL KITCHEN SDN BHD"),
                                           ("VORMEL KITCHEN SDN. BHD.", "VORMEL KITCHEN SDN. BHD.")])
def test_a_form_that_prints_its_stops_keeps_its_last_one_with_marks_glued_after_it(row: str, name: str) -> None:
    """«SDN. BHD.» read with the row's next marks glued to its last stop («BHD.L1 T»): the stop is the form's, as
    its «SDN.» shows; a form printed with no stops («SDN BHD») gains none from a stop glued to what follows."""
    assert _names(f"{row}\nCO. REG. NO.: 123456-D\nLOT 12, JALAN ORRIN 3, 47301 PETALING JAYA\n"
                  "TOTAL 12.40")["seller_name"] == name
