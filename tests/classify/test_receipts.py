"""Till slips as OCR reads them: the total under misread labels, after rounding, checked against the
cash tendered and the change; the seller and its address at the top; dates with misread digits."""

from __future__ import annotations

from classify import extract_fields
from tests.classify.pagetext import text_page


def _total(text: str) -> str | None:
    got = extract_fields("receipt", [text_page(text)])
    return got["total"].value if "total" in got else None


def test_total_label_read_with_one_letter_wrong() -> None:
    assert _total("""SOME SHOP
Tatal Sales (Inclusive of GST) : 32.70
CASH : 40.00
Change : 7.30""") == "32.70"


def test_final_total_after_rounding_is_taken_over_the_total_before_it() -> None:
    assert _total("""Total (Excluding GST): 61.80
Total (Inclusive of GST): 67.98
Rounding Adj: 0.02
TOTAL: 68.00""") == "68.00"


def test_rounding_printed_after_the_last_total_is_applied() -> None:
    assert _total("""Total (Excluding GST): 39.16
GST Payable: 2.36
Total (Inclusive of GST): 41.52
Rounding Adj: -0.02""") == "41.50"


def test_quantities_rates_discounts_savings_and_tax_summaries_are_no_total() -> None:
    assert _total("""Total Sales Inclusive GST @6% 8.70
Total Qty: 6
Total Discount RM 0.00
Total Savings 0.00
(Total Included GST @ 6% : 0.49)""") == "8.70"


def test_cash_tendered_less_change_picks_the_total_it_agrees_with() -> None:
    # the tax summary's "Total" row comes last, but the cash paid says which total is the amount due
    assert _total("""Total Sales RM 21.20
CASH : 100.00
Change : 78.80
Total : 20.00 1.20""") == "21.20"


def test_no_total_labelled_but_the_amount_paid_is_printed() -> None:
    assert _total("""Total Sales (Inclusive GST) RM 22.94 x
Rounding RM 22.90
CASH RM 50.00
CHANGE RM 27.10""") == "22.90"


def test_amount_read_with_a_space_for_its_point_or_glued_to_its_currency() -> None:
    assert _total("Total After Adj Incl GST 98 35") == "98.35"
    assert _total("Nett Total: RM7.70") == "7.70"
    assert _total("Grand Total Rs 1939") == "1939.00"
    assert _total("TOTAL RM7 OO") == "7.00"  # its zeros read as the letter, its point as a space
    assert _total("TOTAL 23:50") == "23.50"  # its point read as a colon
    assert _total("Total 12:30:15") is None  # a time is no amount


def test_a_whole_number_with_no_currency_is_no_total() -> None:
    assert _total("Total items 24") is None
    assert _total("Total 24") is None


def _names(text: str) -> dict[str, str]:
    got = extract_fields("receipt", [text_page(text)])
    return {k: v.value for k, v in got.items() if k in ("seller_name", "seller_address")}


def test_seller_is_the_legal_name_under_a_brand_without_its_registration_number() -> None:
    got = _names("""Geoventure
Taste Of The World Sdn Bhd (96585-A)
Lot 38, 39 101 Boulevard,
Jalan Kenari 5, Bandar Puchong Jaya,
47170 Puchong, Selangor
TEL: 03-8079 0255""")
    assert got["seller_name"] == "Taste Of The World Sdn Bhd"


def test_legal_form_misread_and_wrapped_onto_its_own_line() -> None:
    assert _names("""POPULAR BOOK
CO. (M) SDN BHD
(Co. No. 113825-W)
No 8, Jalan 7/118B, Desa Tun Razak""")["seller_name"] == "POPULAR BOOK CO. (M) SDN BHD"
    assert _names("""MR. D.I.¥. (M) SDN BHD
Co-REG:860671-D
LOT 1851-A & 1851-B, JALAN KPB 6""")["seller_name"] == "MR. D.I.Y. (M) SDN BHD"
    assert _names("""99 SPEED MART S/B (519537-X)
LOT P.T. 2811, JALAN ANGSA,""")["seller_name"] == "99 SPEED MART S/B"


def test_a_phone_label_inside_a_word_does_not_cut_a_name() -> None:
    got = extract_fields("invoice", [text_page("""Счёт на оплату № 5 от 01.02.2025
Продавец: АО «Телесфера» (2)""")])
    assert got["seller_name"].value == "АО «Телесфера»"


def test_legal_form_read_with_wrong_letters_is_written_as_printed() -> None:
    assert _names("""SINNATHAMBY HOLDINGS SON. GHD. (2:49336-T)
NO.17, 18 & 41, JALAN BESAR,""")["seller_name"] == "SINNATHAMBY HOLDINGS SDN. BHD."


def test_a_legal_name_below_the_phone_line_is_not_the_seller() -> None:
    got = _names("""SANYU STATIONERY SHOP
NO. 31G&33G, JALAN SETIA INDAH
40170 SETIA ALAM
Tel: +603-3362 4137
Supplied by US SUPPLY SDN BHD""")
    assert got["seller_name"] == "SANYU STATIONERY SHOP"


def test_receipt_address_runs_from_under_the_name_to_the_phone_line() -> None:
    got = _names("""POPULAR BOOK
CO. (M) SDN BHD
(Co. No. 113825-W)
(GST Reg No. 001492992000)
No 8, Jalan 7/118B, Desa Tun Razak
56000 Kuala Lumpur, Malaysia
SUNWAY VELOCITY
Tel : 03-55235214""")
    assert got["seller_address"] == "No 8, Jalan 7/118B, Desa Tun Razak 56000 Kuala Lumpur, Malaysia"


def test_receipt_address_skips_the_tax_number_and_a_branch_line_and_stops_at_a_mobile_number() -> None:
    got = _names("""TF Value-Mart Sdn Bhd (482123-U)
Bantong-2
GST Reg No 000184401920
Jalan Tras Batu 1
28700 Bentong
Pahang Darul Makmur.
Mobile /Whatsapps : +6012-918 7937""")
    assert got["seller_address"] == "Jalan Tras Batu 1 28700 Bentong Pahang Darul Makmur."


def test_no_address_from_a_contract_paragraph() -> None:
    got = _names("""ООО «Вектор», ОГРН 1025491829912, именуемое в дальнейшем «Исполнитель», в лице генерального директора \
Новикова Л. С., действующего на основании Устава, с одной стороны, и гражданин Иванов Андрей Дмитриевич
именуемый в дальнейшем «Заказчик», с другой стороны, вместе именуемые «Стороны», заключили настоящий Договор""")
    assert "seller_address" not in got


def _date(text: str) -> str | None:
    got = extract_fields("receipt", [text_page(text)])
    return got["date"].value if "date" in got else None


def test_date_month_with_its_zero_misread_is_repaired_only_inside_a_date() -> None:
    assert _date("CASH! 418-82 17/83/2017 21:35") == "2017-03-17"
    assert _date("Date: 30/64/2018") == "2018-04-30"
    assert _date("Total 17/83") is None


def test_no_date_from_mixed_marks_or_impossible_years() -> None:
    assert _date("""JAQ1-04 - 2/66
GFI2 - 20/1000
28-03-18 18:05""") == "2018-03-28"
    assert _date("ORD #60 -REG #2- 24/06/2018 22:43:04") == "2018-06-24"


def test_date_printed_with_the_time_of_sale_at_the_bottom_of_a_long_slip() -> None:
    lines = "\n".join(f"ITEM {n} 1 x 2.00 2.00" for n in range(45))
    assert _date(f"SHOP\n{lines}\n10/06/2018 13:04 1010") == "2018-06-10"


def test_a_name_read_unsurely_is_left_out_and_flagged() -> None:
    from classify import analyse

    text = "GARDEN ibS (KEY SDN BHD\nLot 3, Jalan Pelabur 23/1,\n40300 Shah Alam, Selangor.\nTOTAL 12.00"
    sure = analyse([text_page(text, confidence=0.95)], hints={"doc_type": "receipt"})
    assert sure.values()["seller_name"] == "GARDEN ibS (KEY SDN BHD"
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
Master Card 63.80""") == "63.80"


def test_the_sum_of_one_tax_class_is_no_total() -> None:
    assert _total("""Total 0% supplies: 20.67
Total 6% supplies (excl. GST): 69.36
Total 6% supplies (Inc. GST): 73.82
Total 0% supplies: 20.67""") == "73.82"


def test_the_sellers_name_is_no_logo_read_as_letters_no_title_and_no_address_line() -> None:
    from dataclasses import replace

    from tests.classify.pagetext import page

    rows = [(100, 40, "Adrodegr"), (100, 100, "PERNIAGAAN ZHENG HUI"), (100, 160, "NO.59 JALAN PERMAS 9/5"),
            (100, 220, "81760 JOHOR BAHRU"), (100, 280, "TAX INVOICE"), (100, 340, "TOTAL 12.00")]
    p = page(rows)
    logo = replace(p, words=tuple(replace(w, confidence=0.1) if w.line == 0 else w for w in p.words))
    assert extract_fields("receipt", [logo])["seller_name"].value == "PERNIAGAAN ZHENG HUI"
    # with no name printed, neither the title nor an address line is taken for one
    bare = page([(100, 40, "TAX INVOICE"), (100, 100, "Lot 3, Jalan Pelabur 23/1"),
                 (100, 160, "40300 Shah Alam, Selangor"), (100, 220, "TOTAL 12.00")])
    assert "seller_name" not in extract_fields("receipt", [bare])


def test_zero_and_the_letter_o_are_told_apart_by_their_word_in_an_address() -> None:
    got = _names("""KEDAI RUNCIT MAWAR
L0T 12, GR0UND FLOOR, JALAN MAWAR 2/1A,
433O0 KAJANG, SELANGOR
TEL: 03-8736 1200""")
    assert got["seller_address"] == "LOT 12, GROUND FLOOR, JALAN MAWAR 2/1A, 43300 KAJANG, SELANGOR"


def test_a_name_read_with_digits_for_letters_is_written_with_the_letters() -> None:
    assert _names("""TUKANG J0HAN 5dn Bhd (123456-K)
NO. 5, JALAN MELATI 1, 43000 KAJANG""")["seller_name"] == "TUKANG JOHAN Sdn Bhd"


def test_a_title_above_the_name_is_passed_over_and_an_address_above_the_name_is_taken() -> None:
    got = _names("""TAX INVOICE
KedaiFuel Seri Permas 2
LOT PTD 101051
Jalan Permas 10/10
81750 Masai, Johor
Lembah Fuel Enterprise
GST No: 000123456789""")
    assert got == {"seller_name": "Lembah Fuel Enterprise",
                   "seller_address": "LOT PTD 101051 Jalan Permas 10/10 81750 Masai, Johor"}


def test_s_b_read_with_digits_is_a_legal_form_but_a_street_numbered_5_8_is_not() -> None:
    assert _names("""99 KEDAI MURAH 5/8 (519537-X)
LOT P.T. 2811, JALAN ANGSA,
41150 KLANG, SELANGOR""")["seller_name"] == "99 KEDAI MURAH S/B"
    assert _names("""KEDAI BUKU MAJU
JALAN SS 5/8 (PJU)
47301 PETALING JAYA""")["seller_name"] == "KEDAI BUKU MAJU"


def test_full_stops_read_for_the_commas_between_address_parts_are_commas() -> None:
    got = _names("""KEDAI RUNCIT MAWAR SDN BHD
Lot 38. 39 Boulevard. Jalan Kenari 5. Bandar Puchong Jaya
NO.2 JLN SR 1/9.SEKSYEN 9. 47170 Puchong. Selangor D.E.
TEL: 03-8736 1200""")
    assert got["seller_address"] == ("Lot 38, 39 Boulevard, Jalan Kenari 5, Bandar Puchong Jaya NO.2 JLN SR 1/9,"
                                     "SEKSYEN 9, 47170 Puchong, Selangor D.E.")


def test_a_legal_name_as_ocr_misreads_its_punctuation() -> None:
    assert _names("""HAI-0 MAJU BHD (169199-V)
LOT 5, JALAN KAPAR, 41400 KLANG""")["seller_name"] == "HAI-O MAJU BHD"  # a letter O, joined by a hyphen
    assert _names("""KANO HANDEL. SDN BHD
LOT 5, JALAN KAPAR, 41400 KLANG""")["seller_name"] == "KANO HANDEL SDN BHD"  # no stop before the form
    assert _names("""SKCA TIMBER SDN. BHD. (946207-D)
LOT 5, JALAN KAPAR, 41400 KLANG""")["seller_name"] == "SKCA TIMBER SDN. BHD."  # printed stops kept
    assert _names("""TEO HENG STATIONERY B BOOKS
NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI""")["seller_name"] == "TEO HENG STATIONERY & BOOKS"


def test_ones_and_zeros_read_as_letters_inside_an_address_number() -> None:
    got = _names("""KEDAI BUKU MAJU SDN BHD
NO 8, JALAN 7/ll8B, DESA TUN RAZAK
LOT 28I1, BATU 8 1/2, 4600D PETALING JAYA
TEL: 03-8736 1200""")
    assert got["seller_address"] == "NO 8, JALAN 7/118B, DESA TUN RAZAK LOT 2811, BATU 8 1/2, 46000 PETALING JAYA"


def test_an_addresss_abbreviations_and_commas_as_ocr_misreads_them() -> None:
    got = _names("""KEDAI BUKU MAJU SDN BHD
NO, 31G ¢ 33G, JALAN BESAR,, 39100 BRINCHANG
TEL: 03-8736 1200""")
    assert got["seller_address"] == "NO. 31G & 33G, JALAN BESAR, 39100 BRINCHANG"
    assert _names("""KEDAI BUKU MAJU SDN BHD
NO; 1-1&2 GROUND FLOOR, 43200 CHERAS
TEL: 03-8736 1200""")["seller_address"] == "NO: 1-1&2 GROUND FLOOR, 43200 CHERAS"
    assert _names("""KEDAI BUKU MAJU SDN BHD
Lot 3, Jalan Pelabur 23:1,
40300 Shah Alam, Selangor.
TEL: 03-8736 1200""")["seller_address"] == "Lot 3, Jalan Pelabur 23/1, 40300 Shah Alam, Selangor."


def test_an_outlets_line_after_the_postcode_is_part_of_the_address() -> None:
    got = _names("""99 KEDAI MURAH S/B (519537-X)
LOT P.T. 2811, JALAN ANGSA,
403ooKLANG, SELANGOR
1245-DESA SRI HARTAMAS
GST ID. NO : 000181747712""")
    assert got["seller_address"] == "LOT P.T. 2811, JALAN ANGSA, 40300 KLANG, SELANGOR 1245-DESA SRI HARTAMAS"


def test_a_total_inclusive_of_tax_with_inclusive_misread_is_the_total() -> None:
    assert _total("""SOME SHOP
251.00
Cash Promotion 34.00
Rounding Adj: 0.00
Tota! Incusive GST: 217.00
GST Summary: Amount Tax
SR 195.28 11.72""") == "217.00"


def test_an_address_stops_before_the_documents_own_rows() -> None:
    got = _names("""PAYMENT RECEIPT
SEASIDE INN
Sunset Resort Marina, 31/12/2017 01/01/2018 1
12, Harbour Street, Riverside, Chennai
Booking ID Payment Mode
ABCD1234 Cash at Hotel
DESCRIPTION RATE AMOUNT
Room Charges Rs 1939 x 1 Night Rs 1939
Grand Total Rs 1939""")
    # not the stay's dates, not the booking's table, not the charges
    assert got == {"seller_name": "SEASIDE INN", "seller_address": "12, Harbour Street, Riverside, Chennai"}


def test_a_slips_own_phrase_run_together_is_no_name() -> None:
    assert _names("""GOODSSOLDARENOTRETURNABLE.THANKYOU
SLF CASH & CARRY
(002107265 V)
NO.15 JLN TSJ2, TMN SUBANG JASA,
40000 SHAH ALAM, SEL.""")["seller_name"] == "SLF CASH & CARRY"


def test_what_was_received_or_paid_less_the_change_finds_the_total_under_unknown_labels() -> None:
    # "Net Amt" is no label of the amount due, but the cash received less the change is printed
    assert _total("""Item Qty Price Amount
00004285 5 16.00 80.00 SR
00002348 4 14.00 56.00 SR
Gross Amt 136.00
GST (6%) 0.00
Net Amt: 136.00
Received 150.00
Change 14.00
SR @ 0% 136.00 0.00""") == "136.00"
    assert _total("""Code Desc Qty RM D% Amt
231027 Slice Cake 1 8.70 0 8.70
Qty 2 25.15
ana 25.15
Pay 25.15
Change 0.00""") == "25.15"
    # "Total payable" is no payment received
    assert _total("""Total payable 12.00
Change 0.00""") == "12.00"


def test_an_address_row_ocr_split_or_ran_together_is_still_the_address() -> None:
    assert _names("""VIVOPACK TRADING SDN BHD (1070687-M)
14JALANMANIS4TAMANSEGAR56100KL
TEL:03-91334364 FAX: 03-91310522""")["seller_address"] == "14JALANMANIS4TAMANSEGAR56100KL"
    assert _names("""Gerbang Maju Sdn Bhd
(6535 1-M)
No.3, Jalan SS21/39,47400 Petaling Jaya
Se langor
(GST ID No: 000504664064)""")["seller_address"] == "No.3, Jalan SS21/39,47400 Petaling Jaya Se langor"
