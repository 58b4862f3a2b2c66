"""Extraction over synthetic OCR pages with boxes: values right of and under their labels, totals at
the bottom, parties by role, and ``analyse`` end to end with its review decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from capture.types import PageText
from classify import analyse, extract_fields
from classify.types import FieldValue
from tests.classify.pagetext import page, text_page

TODAY = date(2026, 11, 24)


def test_value_in_another_column_on_the_same_row() -> None:
    # a Z-report: labels in the left column, values in the right one (two tesseract blocks)
    p = page([
        (100, 100, "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ"),
        (100, 160, "СМЕНА №"), (100, 200, "ДАТА, ВРЕМЯ"), (100, 240, "ИТОГ"), (100, 280, "НАЛИЧНЫМИ"),
        (100, 320, "БЕЗНАЛИЧНЫМИ"), (100, 360, "РН ККТ"), (100, 400, "ФН"),
        (600, 161, "274"), (600, 202, "23.08.25 22:10"), (600, 241, "149281.05"), (600, 279, "34330.31"),
        (600, 322, "114950.74"), (600, 360, "0005432233229579"), (600, 401, "7281261578566534"),
    ])
    got = {k: v.value for k, v in extract_fields("z_report", [p]).items()}
    assert got["shift_no"] == "274"
    assert got["date"] == "2025-08-23"
    assert got["total"] == "149281.05"
    assert got["cash_total"] == "34330.31"
    assert got["card_total"] == "114950.74"
    assert got["kkt_reg_no"] == "0005432233229579"
    assert got["fn_no"] == "7281261578566534"


def test_value_under_its_label() -> None:
    p = page([
        (100, 100, "Унифицированная форма № ТОРГ-12"),
        (1200, 200, "Номер документа"), (1600, 200, "Дата составления"),
        (400, 240, "ТОВАРНАЯ НАКЛАДНАЯ"), (1250, 240, "0001-032266"), (1650, 240, "15.07.2025"),
    ])
    got = extract_fields("waybill", [p])
    assert got["number"].value == "0001-032266"
    assert got["date"].value == "2025-07-15"
    assert got["number"].page == 1 and got["number"].box is not None
    assert got["number"].box[0] >= 1250  # the box is the value's, not the label's


def test_field_carries_box_confidence_and_raw() -> None:
    p = page([(100, 100, "Счёт на оплату № 3K-000781 от 14.03.2026")], confidence=0.8)
    f = extract_fields("invoice", [p])["number"]
    assert f.value == "ЗК-000781" and f.raw == "3K-000781"
    assert 0 < f.confidence < 1
    assert f.box is not None
    x0, y0, x1, _ = f.box
    assert y0 == 100 and x1 > x0 > 100


def test_parties_side_by_side_take_the_inn_of_their_column() -> None:
    # a contract's requisites as a table of two columns: each role heads its column, both INNs on one row
    p = page([
        (100, 100, "ДОГОВОР ПОСТАВКИ № 5/26 от 12.01.2026"),
        (100, 200, "Поставщик: ООО «Альфа»"), (1300, 200, "Покупатель: АО «Бета»"),
        (100, 240, "ИНН 500100732259 КПП 500101001"), (1300, 240, "ИНН 7736207543 КПП 773601001"),
    ], block_per_column=False)
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert got["seller_inn"] == "500100732259" and got["seller_kpp"] == "500101001"
    assert got["buyer_inn"] == "7736207543"


def test_totals_at_the_bottom_and_vat_by_arithmetic() -> None:
    p = text_page("""Счёт на оплату № 2718 от 21.06.2025
Поставщик: ООО «Гаджет Опт», ИНН 7736207543, КПП 773601001, 191040, г. Санкт-Петербург, ул. Садовая, д. 82
Покупатель: АО «Мобайл Трейд», ИНН 500100732259
Основание: Заказ № ЗК-000781
1 Внешний аккумулятор 2 шт 1110,00 2220,00
Итого: 2 220,00
В том числе НДС (20%): 370,00
Всего к оплате: 2 220,00
Две тысячи двести двадцать рублей 00 копеек""")
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert got["number"] == "2718" and got["date"] == "2025-06-21"
    assert got["total"] == "2220.00" and got["vat"] == "370.00"
    assert got["seller_inn"] == "7736207543" and got["seller_kpp"] == "773601001"
    assert got["buyer_inn"] == "500100732259"
    assert got["order_no"] == "ЗК-000781"
    assert got["seller_name"] == "ООО «Гаджет Опт»"
    assert got["seller_address"] == "191040, г. Санкт-Петербург, ул. Садовая, д. 82"
    assert got["currency"] == "RUB"


def test_table_total_row_takes_the_rightmost_amount() -> None:
    p = text_page("""ТОВАРНАЯ НАКЛАДНАЯ 0001-032266 15.07.2025
Итого 63 x 28290,83 x 5658,17 33949,00
Всего по накладной 63 x 28290,83 x 5658,17 33949,00""")
    got = {k: v.value for k, v in extract_fields("waybill", [p]).items()}
    assert got["total"] == "33949.00" and got["vat"] == "5658.17"


def test_inn_with_bad_check_digit_is_left_out_and_flagged() -> None:
    p = text_page("""Счёт на оплату № 12 от 01.02.2026
Поставщик: ООО «Ромашка», ИНН 7736207544
Итого: 100,00 руб.""")
    result = analyse([p], today=TODAY)
    assert "seller_inn" not in result.fields
    assert "inn_checksum" in {x.code for x in result.problems}
    assert result.needs_review


def test_english_invoice_labels() -> None:
    p = text_page("""Tsifrovoy Mir LLC
48 Krasny Ave., Novosibirsk 630099, Russia INVOICE
INN 5410532495 KPP 541043001
Invoice No.: INV-2026-9163
Date: 6 Mar 2026
Order No.: ORD-2026-28691
Bill to:
TechnoLine LLC
INN 5406505989
Subtotal: 1,554.06
VAT 0%: 0.00
Total EUR: 1,554.06""")
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert got["number"] == "INV-2026-9163"
    assert got["date"] == "2026-03-06"
    assert got["order_no"] == "ORD-2026-28691"
    assert got["total"] == "1554.06"
    assert got["seller_inn"] == "5410532495"
    assert got["buyer_inn"] == "5406505989"
    assert got["currency"] == "EUR"
    assert got["seller_name"] == "Tsifrovoy Mir LLC"


def test_analyse_clean_document_is_not_sent_to_review() -> None:
    p = text_page("""ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ
ИНН 7736207543
СМЕНА № 210
ДАТА, ВРЕМЯ 14.04.2025 21:58
ИТОГ 221260.20
НАЛИЧНЫМИ 39492.54
БЕЗНАЛИЧНЫМИ 181767.66
РН ККТ 0000268163227201
ФН 9960525231765899""")
    result = analyse([p], today=TODAY)
    assert result.doc_type == "z_report"
    assert result.confidence >= 0.55
    assert not result.needs_review, result.problems
    assert result.values()["seller_inn"] == "7736207543"


def test_a_waybill_without_its_number_total_and_order_goes_to_review() -> None:
    """Missing key fields are gaps a person fills: the document is not `processed` (issue 20)."""
    p = text_page("""ТОВАРНАЯ НАКЛАДНАЯ
Поставщик: ООО «Берёзка», ИНН 7707083893
Грузополучатель: магазин
Товар принят без претензий""")
    result = analyse([p], today=TODAY)
    assert result.doc_type == "waybill"
    missing = {n for p in result.problems if p.code == "missing_field" for n in p.fields}
    assert {"number", "total", "order_no"} <= missing
    assert result.needs_review


def test_analyse_z_report_sum_mismatch_goes_to_review() -> None:
    p = text_page("""ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ
СМЕНА № 210
ДАТА, ВРЕМЯ 14.04.2025 21:58
ИТОГ 221260.20
НАЛИЧНЫМИ 39492.54
БЕЗНАЛИЧНЫМИ 181767.00""")
    result = analyse([p], today=TODAY)
    assert result.needs_review
    assert "z_report_sum" in {x.code for x in result.problems}


def test_impossible_date_is_left_out_and_flagged() -> None:
    # a till slip whose year OCR misread: after today, so a misreading for sure
    p = text_page("""ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ
СМЕНА № 210
ДАТА, ВРЕМЯ 14.04.2037 21:58
ИТОГ 221260.20
НАЛИЧНЫМИ 39492.54
БЕЗНАЛИЧНЫМИ 181767.66""")
    result = analyse([p], today=TODAY)
    assert "date" not in result.values()
    assert result.needs_review
    flagged = next(x for x in result.problems if x.code == "date_in_future")
    assert "2037-04-14" in flagged.message and flagged.fields == ("date",)


def test_hints_override_guesses() -> None:
    p = text_page("Какой-то текст без признаков\nещё строка")
    result = analyse([p], hints={"doc_type": "waybill", "order_no": "3k-000781"}, today=TODAY)
    assert result.doc_type == "waybill" and result.confidence == 1.0
    assert result.fields["order_no"].value == "ЗК-000781"


def test_unreadable_text_goes_to_review_as_other() -> None:
    p = text_page("ыва олдж 123 ...")
    result = analyse([p], today=TODAY)
    assert result.needs_review
    assert "low_confidence_type" in {x.code for x in result.problems}


def test_empty_document() -> None:
    result = analyse([], today=TODAY)
    assert result.doc_type == "other" and result.needs_review and result.fields == {}


def test_text_running_down_a_turned_page_is_read_in_rows() -> None:
    # a landscape report scanned turned 90°: each line is a column of tall word boxes, lines go leftwards
    from capture.types import OcrWord, PageText

    lines = ["DAILY SALES REPORT", "Store code: OUT-7612", "Business date: 27 Mar 2025", "Total sales: RUB 589,990.93"]
    words = []
    for n, line in enumerate(lines):
        x = 3000 - n * 100
        y = 200
        for word in line.split():
            words.append(OcrWord(word, 0.9, (x, y, x + 40, y + len(word) * 30), n, n))
            y += len(word) * 30 + 30
    p = PageText(number=1, width=3508, height=2480, words=tuple(words))
    result = analyse([p], today=TODAY)
    assert result.doc_type == "sales_report"
    got = result.values()
    assert got["outlet_code"] == "OUT-7612"
    assert got["date"] == "2025-03-27"
    assert got["total"] == "589990.93"
    box = result.fields["total"].box
    assert box is not None and box[0] == 2700  # boxes stay as they were read


def test_vat_as_the_total_less_the_net_and_a_zero_rate_in_brackets() -> None:
    p = text_page("""Товарная накладная № 0005-693194 от 16 июня 2025 г.
Итого без НДС: 27 300-00
Всего с НДС: 32 760-00""")
    got = {k: v.value for k, v in extract_fields("waybill", [p]).items()}
    assert got["total"] == "32760.00" and got["vat"] == "5460.00"
    p = text_page("""Счёт на оплату № УТ-7117 от 15 июля 2025 г.
Итого: 19 316,00
НДС (0%): 0,00
Всего к оплате: 19 316,00""")
    assert extract_fields("invoice", [p])["vat"].value == "0.00"


def test_kpp_label_read_with_p_as_r_and_an_order_number_ending_a_sentence() -> None:
    p = text_page("""Tsifrovoy Mir LLC
INN 5410532495 КРР 541043001
The Provider shall service the device purchased under Order No. 3K-007236. The price is""")
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert got["seller_kpp"] == "541043001"
    assert got["order_no"] == "ЗК-007236"


def test_order_number_wrapped_onto_the_next_line_and_clause_numbers_are_no_number() -> None:
    p = text_page("""Договор № СО-2025/7472 от 22.02.2025
1.1. Исполнитель обязуется оказать услуги по обслуживанию смартфона, приобретённого по заказу №
ЗК-004982, а Заказчик обязуется принять и оплатить эти услуги.
4.3. Стороны договорились о порядке заказа
4.4. Заказчик вправе в любое время проверять ход работ""")
    assert extract_fields("contract", [p])["order_no"].value == "ЗК-004982"


def test_currency_after_its_label_s_sub_labels_and_a_lone_yen_sign_is_a_tick() -> None:
    p = text_page("""Универсальный передаточный документ № 8085 от 05.12.2025
Валюта: наименование, код: Российский рубль, 643 (7)
¥ v ¥""")
    assert extract_fields("upd", [p])["currency"].value == "RUB"


def test_the_customer_is_no_order_and_an_order_number_after_a_sentence_break() -> None:
    p = text_page("""Договор № 787/26 от 09.01.2026
1.1. Исполнитель обязуется оказать Заказчику услуги по настройке и подключению мобильного
устройства Xiaomi, IMEI 351311764038597, приобретённого Заказчиком по заказу.
№ ЗК-001933, а Заказчик обязуется принять и оплатить эти услуги.""")
    assert extract_fields("contract", [p])["order_no"].value == "ЗК-001933"


def test_an_order_s_date_is_not_the_document_s() -> None:
    p = text_page("""Унифицированная форма № ТОРГ-12
Поставщик: ООО «Альфа», ИНН 7841874948
Основание: заказ покупателя 3K-003477 от 14.01.2025
ТОВАРНАЯ НАКЛАДНАЯ""")
    assert "date" not in extract_fields("waybill", [p])


def test_inn_label_ending_its_line_and_a_totals_row_with_no_vat() -> None:
    p = text_page("""Договор № 425/26 от 09.04.2026
Общество с ограниченной ответственностью «Северный Ветер» (ООО «Северный Ветер»), ИНН
7813755032, именуемое в дальнейшем «Исполнитель»""")
    assert extract_fields("contract", [p])["seller_inn"].value == "7813755032"
    p = text_page("""Универсальный передаточный документ № 155 от 08.11.2025
Всего к оплате (9) 70 150,00 х 0,00 70 150,00""")
    got = {k: v.value for k, v in extract_fields("upd", [p]).items()}
    assert got["total"] == "70150.00" and got["vat"] == "0.00"


def test_fiscal_drive_label_misread_as_latin_letters() -> None:
    # tesseract reads the "ФН" of a Z-report as "OH"; the 16 digits after it are the fiscal drive's number
    p = page([
        (100, 100, "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ"), (100, 160, "РН ККТ"), (100, 200, "OH"), (100, 240, "ФД"),
        (600, 160, "0007000609961083"), (600, 201, "7380916850056908"), (600, 240, "89331"),
    ])
    got = {k: v.value for k, v in extract_fields("z_report", [p]).items()}
    assert got["fn_no"] == "7380916850056908"
    assert got["kkt_reg_no"] == "0007000609961083"
    # the same letters inside a sentence are no label
    q = page([(100, 100, "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ"), (100, 160, "Сказал он 7380916850056908")])
    assert "fn_no" not in extract_fields("z_report", [q])


def test_totals_row_arithmetic_outvotes_one_misread_amount() -> None:
    head = """СЧЁТ-ФАКТУРА № 1187 от 12.03.2025
Продавец: ООО «Гаджет Опт», ИНН 7736207543, КПП 773601001
1 Смартфон 796 шт 17 470,00 139 760,00 без акциза 20% 27 952,00 167 712,00
"""
    # the total misread (330 for 310): net and VAT agree at 20%, so the total is their sum
    p = text_page(head + "Всего к оплате (9) 258 965,90 х 51 793,18 330 759,08")
    got = extract_fields("vat_invoice", [p])
    assert got["total"].value == "310759.08" and got["vat"].value == "51793.18"
    assert got["total"].confidence < 0.9  # derived, not read
    # the VAT misread (3000,46 for 8000,46): the total less the net is 20% of the net
    q = text_page(head + "Всего к оплате (9) 40002,30 х 3000,46 48002,76")
    got = extract_fields("vat_invoice", [q])
    assert got["total"].value == "48002.76" and got["vat"].value == "8000.46"
    # nothing agrees: the total stands as read and no VAT is made up
    r = text_page(head + "Всего к оплате (9) 40002,30 х 3000,46 49002,76")
    got = extract_fields("vat_invoice", [r])
    assert got["total"].value == "49002.76" and "vat" not in got


def test_inn_and_kpp_labels_as_ocr_misreads_them() -> None:
    # "ИНН/КПП продавца" read as "VIHH/KNIN" (И as "VI", П as "N", "IN")
    p = text_page("""Универсальный передаточный документ
Счёт-фактура № УТ-560 от 29 декабря 2025 г.
Продавец: ООО «Альфа-Электроника»
VIHH/KNIN продавца: 6685030220/668543001
Покупатель: АО «Вектор»
VHH/KNN покупателя: 7802085298/780245001""")
    got = {k: v.value for k, v in extract_fields("upd", [p]).items()}
    assert (got["seller_inn"], got["seller_kpp"]) == ("6685030220", "668543001")
    assert got["buyer_inn"] == "7802085298"


def test_a_total_under_half_the_net_is_some_other_amount() -> None:
    # a till slip whose tax summary ends in "Total <net> <tax>", the last total on the slip, and whose own
    # total OCR misspelt ("Tatal"), so that its label is weaker
    p = text_page("""ASIA MART SDN BHD
TAX INVOICE
Total Sales (Excluding GST) : 31.03
Total GST : 1.65
Tatal Sales (Inclusive of GST) : 32.70
CASH : 50.00
GST SUMMARY Amount(RM) Tax(RM)
Total 31.03 0.09""")
    assert extract_fields("receipt", [p])["total"].value == "32.70"


@pytest.mark.parametrize(("printed", "iso"), [
    ("Date: 1170572018", "2018-05-11"),  # slashes read as 1 and 7
    ("Date: 0309/2017", "2017-09-03"),  # the first slash lost
    ("Date : 27,032018", "2018-03-27"),  # the second one lost
])
def test_a_labelled_date_with_misread_separators_is_read_less_surely(printed: str, iso: str) -> None:
    def date_of(line: str) -> FieldValue:
        return extract_fields("receipt", [text_page(f"SANYU STATIONERY SHOP\nCASH SALE\n{line}\nTOTAL 12.00")])["date"]
    clean = date_of("Date: " + ".".join(reversed(iso.split("-"))) + " 13:01")
    alone, timed = date_of(printed), date_of(printed + " 13:01")
    assert alone.value == timed.value == clean.value == iso
    # less sure than the same date printed whole; the sale's time after it makes it surer, never as sure
    assert alone.confidence < timed.confidence < clean.confidence
    assert alone.confidence <= 0.6


def test_digits_after_a_date_label_that_make_no_date_are_left_alone() -> None:
    p = text_page("CASH SALE\nDate: 4571392018\nTOTAL 12.00")  # day 45: no date
    assert "date" not in extract_fields("receipt", [p])


def test_an_inn_with_any_digits_look_alike_is_checked_by_its_check_digits() -> None:
    """«$» and «S» read for 5, «B» for 8 in an INN: put right only when the check digits then hold; with no role
    word read, the second INN is the buyer's even when the first failed its check."""
    text = ("Счёт-фактура № 12 от 04.03.2026\nИНН/КПП продавца: 7707083894/770701001\n"
            "ИННКЛП noxynarens, $401123457/540101001")
    got = {k: v.value for k, v in extract_fields("vat_invoice", [text_page(text)]).items()}
    assert got["buyer_inn"] == "5401123457" and got["buyer_kpp"] == "540101001"
    assert "seller_inn" not in got
    wrong = text.replace("$401123457", "$401123458")  # no look-alike makes it valid: left out
    assert "buyer_inn" not in extract_fields("vat_invoice", [text_page(wrong)])


def test_a_kpp_belongs_to_the_party_of_the_inn_before_it_on_its_row() -> None:
    """Role words misread: the second row's INN is the buyer's, and so is the KPP after it."""
    text = ("Акт № 5 от 04.03.2026\nИмени ope\nООО «Альфа», ИНН 7707083893, КГИТ 770701001, г. Москва\n"
            "и ООО «Бета», ИНН 5401123457, КПП 540101001, г. Новосибирск")
    got = {k: v.value for k, v in extract_fields("act", [text_page(text)]).items()}
    assert got["buyer_inn"] == "5401123457"
    assert got.get("seller_kpp") != "540101001"


def test_a_lone_dollar_sign_is_no_currency() -> None:
    text = "Счет на оплату № 7 от 04.03.2026\nПоставщик: ООО «Альфа» $ и\nВсего к оплате: 1 200,00 руб. $"
    assert extract_fields("invoice", [text_page(text)])["currency"].value == "RUB"
    assert extract_fields("invoice", [text_page("Invoice No. 4 dated 3 March 2026\nTotal $ 12.00")])[
        "currency"].value == "USD"


def test_the_title_line_is_no_part_of_the_letterhead_address() -> None:
    text = ("АО «Альфа»\nПолучатель\nСчет на оплату № 2833 от 1 мая 2026 г.\n"
            "Поставщих (Исполнитель): АО «Альфа», ИНН 7707083893\nВсего к оплате: 1 200,00 руб.")
    got = analyse([text_page(text)], today=TODAY).values()
    assert "Счет на оплату" not in got.get("seller_address", "")


def test_an_acts_closing_line_gives_its_total_when_the_totals_row_is_misread() -> None:
    text = ("Акт № 12 от 04.03.2026\nИсполнитель: ООО «Альфа», ИНН 7707083893\nИтого:\nБез налога (НДС)\n"
            "Вceго оkaзaно услуг 2, на сумму 6 400,00 руб.\nШесть тысяч четыреста рублей 00 копеек")
    assert extract_fields("act", [text_page(text)])["total"].value == "6400.00"


def test_the_currencys_confidence_is_its_marks_not_its_rows() -> None:
    """«руб.» read surely in a row of noise read unsurely: the currency is sure."""
    p = page([(100, 100, "Счет на оплату № 7 от 04.03.2026"), (100, 200, "Ee wpa ~mn ;; oo 1200,00 руб.")])
    p = PageText(p.number, p.width, p.height,
                 tuple(replace(w, confidence=0.95 if w.text == "руб." or w.line == 0 else 0.05) for w in p.words))
    got = extract_fields("invoice", [p])["currency"]
    assert got.value == "RUB" and got.confidence >= 0.5


def test_an_inn_and_its_kpp_read_as_one_run_of_digits() -> None:
    """The slash between an INN and its KPP read as a 1 or an l, or lost: the ten digits that pass the
    check and the nine after them are the party's INN and KPP; a run that makes no valid INN stays out."""
    for joined in ("54011234571540101001", "5401123457l540101001", "5401123457540101001"):
        text = f"Счёт-фактура № 12 от 04.03.2026\nПокупатель: ООО «Бета»\nИНН/КПП покупателя: {joined}"
        got = {k: v.value for k, v in extract_fields("vat_invoice", [text_page(text)]).items()}
        assert (got.get("buyer_inn"), got.get("buyer_kpp")) == ("5401123457", "540101001"), joined
    wrong = "Счёт-фактура № 12 от 04.03.2026\nИНН/КПП покупателя: 54011234581540101001"
    assert "buyer_inn" not in extract_fields("vat_invoice", [text_page(wrong)])


def test_the_role_on_an_inns_label_is_whose_it_is() -> None:
    """«ИНН/КПП покупателя» is the buyer's even when the buyer's own row was misread past knowing and the
    last role read was the consignor's (the seller's side)."""
    text = ("Универсальный передаточный документ\nСчёт-фактура № 12 от 04.03.2026\nПродавец: ООО «Альфа»\n"
            "ИНН/КПП продавца: 7707083893/770701001\nГрузоотправитель и его адрес: он же\n"
            "Пкпзатль: ООО «Бета»\nИНН/КПП покупателя: 5401123457/540101001")
    got = {k: v.value for k, v in extract_fields("upd", [text_page(text)]).items()}
    assert (got["seller_inn"], got["buyer_inn"], got["buyer_kpp"]) == ("7707083893", "5401123457", "540101001")


def test_a_sellers_name_in_full_legal_form_after_a_misread_label_in_its_own_column() -> None:
    """A УПД's status box beside the seller's row joins it into one row; the label read with one letter
    wrong («Прадавец»); the legal form written out in full."""
    p = page([(100, 200, "документ"), (700, 200, "Прадавец: Общество с ограниченной ответственностью «Альфа»"),
              (700, 260, "ИНН/КПП продавца: 7707083893/770701001")])
    assert extract_fields("upd", [p])["seller_name"].value == "Общество с ограниченной ответственностью «Альфа»"
    from classify._layout import page_rows, starts_column

    row = page_rows(page([(100, 200, "документ Прадавец: ООО «Альфа»")]))[0]
    assert not starts_column(row, row.text.index("Прадавец"))  # one run of words: no column begins there
    assert starts_column(page_rows(p)[0], page_rows(p)[0].text.index("Прадавец"))


@pytest.mark.parametrize(("address", "whole"), [
    ("191025, г. Санкт-Петербург, ул. Садовая, д. 24", True),
    ("г. Казань, ул. Баумана, 14", True),
    ("г. Санкт-Петербург, ул. 191025, Садовая, д. 24", False),  # lines joined out of order
    ("117342, г. Москва, Ленинский пр-т, A", False),  # the house cut off
    ("119049, г. Москва, ул. Якиманка, | д. 86", False),  # a table's rule read inside it
    ("12 Jalan Ampang, 50450 Kuala Lumpur", True),  # Latin script: not judged by Russian rules
])
def test_a_russian_address_read_out_of_order_or_cut_short_is_no_address(address: str, whole: bool) -> None:
    from classify._parties import whole_russian_address
    from classify.types import FieldValue

    assert whole_russian_address(FieldValue("seller_address", address, 0.9)) is whole


def test_a_full_legal_name_followed_by_its_short_one_gives_the_short_one() -> None:
    text = ("Договор поставки № 17 от 04.03.2026\nг. Москва\n"
            "Акционерное общество «Альфа» (АО «Альфа»), ИНН 7707083893, именуемое в дальнейшем «Поставщик»")
    assert extract_fields("contract", [text_page(text)])["seller_name"].value == "АО «Альфа»"


def test_torg12_requisites_with_the_role_column_beside_each_partys_second_line() -> None:
    """A ТОРГ-12 as other software prints it: each party's requisites over two lines, «ИНН:» ending the first,
    the role (Поставщик, Плательщик) in a left column beside the second, a bank named between the parties; and
    «Расчетный счет: 4070…» (twenty digits after «счёт») is no document number."""
    p = page([
        (400, 100, "ООО «Альфа»; Адрес: 119049, г. Москва, ул. Ленина, д. 2; ИНН:"),
        (100, 140, "Поставщик"), (400, 140, "7707083893; Расчетный счет: 40702810627112622647; Банк: ПАО Сбербанк"),
        (400, 200, "ООО «Бета», Адрес: 630099, г. Новосибирск, ул. Ленина, д. 47, ИНН:"),
        (100, 240, "Плательщик"), (400, 240, "5401123457 КПП: 540101001 Р.сч.:40702810689337615984 Банк: ПАО Сбербанк"),
        (400, 300, "ТОВАРНАЯ НАКЛАДНАЯ"), (900, 300, "Номер документа"), (900, 340, "829"),
    ])
    got = {k: v.value for k, v in extract_fields("waybill", [p]).items()}
    assert (got["seller_inn"], got["buyer_inn"]) == ("7707083893", "5401123457")
    assert got["number"] == "829"
