"""Russian documents as OCR reads their print: label variants, look-alikes in words and signs, a form's table
cells, an address's printed form. Generated cases; every party, number and address here is invented."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from classify import FIELD_THRESHOLD, analyse, extract_fields
from classify.types import Extraction
from tests.classify.pagetext import page, text_page

TODAY = date(2026, 11, 24)


def inn10(head: str) -> str:
    """A ten-digit INN with its check digit, from nine digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return head + str(sum(int(d) * w for d, w in zip(head, weights, strict=True)) % 11 % 10)


SELLER_INN, BUYER_INN = inn10("632104517"), inn10("526301882")


def given(result: Extraction) -> dict[str, str]:
    """The values `extract` and `import` give: a field read less surely than the threshold is left out."""
    return {name: f.value for name, f in result.fields.items() if f.confidence >= FIELD_THRESHOLD}


@pytest.mark.parametrize("on", ["на", "ма"])
def test_a_closing_line_gives_the_total_with_its_preposition_misread(on: str) -> None:
    text = (f"Акт № 31 от 14.02.2026\nИсполнитель: ООО «Вектор», ИНН {SELLER_INN}\nИтого: 210 00\n"
            f"Оказано услуг 3, {on} сумму 5 210,00 руб.\nПять тысяч двести десять рублей 00 копеек")
    assert extract_fields("act", [text_page(text)])["total"].value == "5210.00"


def test_a_dollar_sign_read_for_a_five_in_a_bill_in_roubles_is_no_currency() -> None:
    text = (f"Счет на оплату № 44 от 02.03.2026\nПоставщик: ООО «Вектор», ИНН {SELLER_INN}\n"
            "1 Кабель $ шт $15,00 $15,00\nВсего к оплате: 1 575,00\n"
            "Одна тысяча пятьсот семьдесят пять рублей 00 копеек")
    assert extract_fields("invoice", [text_page(text)])["currency"].value == "RUB"
    # with no other mark the sign is the currency
    assert extract_fields("invoice", [text_page("Invoice No. 9 dated 3 March 2026\nTotal $ 75.00")])[
        "currency"].value == "USD"


def _bill(seller_row: str, *more: str) -> str:
    return "\n".join(["Счет на оплату № 52 от 02.03.2026", seller_row, *more,
                      f"Покупатель (Заказчик): АО «Рассвет», ИНН {BUYER_INN}", "Всего к оплате: 1 200,00 руб."])


def test_an_address_ends_before_a_phone_whatever_its_label_was_read_as() -> None:
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д.",
                 "17, ren.: +7 (846) 201-33-45")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


@pytest.mark.parametrize("garbled", ["443010, г. Самара, ya. Лесная, д. 17",
                                     "443010, г. Самара, ул. Лесная, д. 5, 4. 17", "443010, г. Самара, 4. 17"])
def test_a_russian_address_with_a_garbled_word_is_flagged_not_given(garbled: str) -> None:
    """«ул.» read as Latin look-alikes; a 4 with a stop before a number where no street stands before it, or in an
    address whose house is marked already: the address is left out and flagged."""
    result = analyse([text_page(_bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, {garbled}"))],
                     today=TODAY)
    assert "seller_address" not in given(result)
    assert any("seller_address" in p.fields for p in result.problems)


@pytest.mark.parametrize("street", ["ул. Лесная", "ул. Новая Заря", "Лесной пр-т", "пер. Почтовый"])
@pytest.mark.parametrize("marker", ["4.", "A.", "А."])
@pytest.mark.parametrize("house", ["17", "3б", "120"])
def test_the_houses_marker_read_as_a_look_alike_after_the_street_is_the_house(street: str, marker: str,
                                                                              house: str) -> None:
    """«д.» read as the digit 4, a Latin or a Cyrillic A, in its place (after the street's part, before the house's
    number, no house marked otherwise): the house's marker, and the address is given whole."""
    read = f"443010, г. Самара, {street}, {marker} {house}"
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, {read}")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["seller_address"] == f"443010, г. Самара, {street}, д. {house}"


def test_a_one_digit_document_number_in_the_title() -> None:
    text = f"Счет-оферта № 5 от 12 марта 2026 г.\nПоставщик: ООО «Вектор», ИНН {SELLER_INN}\nВсего к оплате: 90,00 руб."
    got = extract_fields("invoice", [text_page(text)])
    assert got["number"].value == "5"
    assert got["date"].value == "2026-03-12"


def test_a_role_in_its_own_cell_a_name_in_straight_quotes_and_an_address_wrapped_under_it() -> None:
    """A 1C bill's parties table: «Поставщик» in the left cell with no colon (its bracketed second word wrapped
    under it), the name in straight quotes (nested ones too, the OCR reading them curly), the postcode ending the
    row and the address going on in the next."""
    p = page([
        (100, 100, "Счет-оферта № 5 от 12 марта 2026 г."),
        (100, 200, "Поставщик"), (400, 200, f"ООО “Торговый дом \"Вектор\", ИНН {SELLER_INN}, КПП 632101001, 443010,"),
        (100, 240, "(Исполнитель):"), (400, 240, "Самара г, Лесная ул, дом № 17, строение 2"),
        (100, 320, "Покупатель"), (400, 320, f"АО «Рассвет», ИНН {BUYER_INN}, КПП 526301001, 603000,"),
        (100, 360, "(Заказчик):"), (400, 360, "Нижний Новгород г, Садовая ул, дом № 3"),
        (100, 460, "Всего к оплате: 1 200,00 руб."),
    ], block_per_column=False)
    got = given(analyse([p], today=TODAY))
    assert got["number"] == "5"
    assert got["seller_name"] == 'ООО "Торговый дом "Вектор"'
    assert got["seller_address"] == "443010, Самара г, Лесная ул, дом № 17, строение 2"
    assert got["seller_inn"] == SELLER_INN


@pytest.mark.parametrize("read", ["ООО „Вектор»", "ООО “Вектор»", "ООО ««Вектор»", "ООО «Вектор»»", "ООО «Вектор»"])
def test_a_names_opening_guillemet_misread_as_a_quote_or_read_twice_is_one_guillemet(read: str) -> None:
    text = _bill(f"Поставщик (Исполнитель): {read}, ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17")
    assert given(analyse([text_page(text)], today=TODAY))["seller_name"] == "ООО «Вектор»"


@pytest.mark.parametrize("left", ["документ", "ate denote", "Статус: 2"])
def test_a_upds_seller_cell_with_the_status_boxs_text_read_before_it(left: str) -> None:
    """A УПД's party row joins its status box on the left («документ», or its misreading) with the role's cell, no
    colon after the role, the name's opening guillemet read as a low quote: the seller's name as printed."""
    p = page([
        (100, 100, "Универсальный передаточный документ"), (500, 140, "Счёт-фактура № 12 от 05.03.2026"),
        (100, 200, left), (500, 200, "Продавец ООО „Вектор» @"),
        (500, 240, "Адрес: 443010, г. Самара, ул. Лесная, д. 17"),
        (500, 280, f"ИНН/КПП продавца: {SELLER_INN}/632101001"),
        (500, 320, "Покупатель: АО «Рассвет»"), (500, 400, "Всего к оплате 1 200,00"),
    ], block_per_column=False)
    got = given(analyse([p], today=TODAY))
    assert got["seller_name"] == "ООО «Вектор»"
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


def test_a_till_slips_russian_address_read_whole_under_its_name_is_given() -> None:
    """No label heads a till slip's address; read in its printed form (postcode first, the house named), it is
    given; read out of order (the postcode inside it), it is flagged."""
    def slip(address: list[str]) -> str:
        return "\n".join(["ИП Лебедева Анна Сергеевна", *address, f"ИНН {SELLER_INN}", "КАССОВЫЙ ЧЕК", "ПРИХОД",
                          "05.03.26 12:40", "1. Тетрадь 2 x 45.00 90.00", "ИТОГ 90.00", "НАЛИЧНЫМИ 90.00"])

    got = given(analyse([text_page(slip(["443010, г. Самара,", "ул. Лесная, д. 17"]))], today=TODAY))
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"
    result = analyse([text_page(slip(["г. Самара, ул.", "443010, Лесная, д. 17"]))], today=TODAY)
    assert "seller_address" not in given(result)


@pytest.mark.parametrize("slash", ["1", "", "/", " / "])
def test_an_inn_and_kpp_run_whose_label_ocr_lost_is_the_party_its_misread_role_names(slash: str) -> None:
    """«ИНН/КПП покупателя» read as noise and a role with two letters wrong, the pair with its slash, the slash
    read as a one or lost: its INN passes the check and its KPP is of the same tax office, the seller's is read
    already: the buyer's."""
    kpp = BUYER_INN[:4] + "01001"
    text = (f"Счёт-фактура № 12 от 04.03.2026\nПродавец: ООО «Вектор»\nИНН/КПП продавца: {SELLER_INN}/632101001\n"
            f"Покупатель: АО «Рассвет»\nWOOUNTY пожузателя {BUYER_INN}{slash}{kpp}")
    got = {k: v.value for k, v in extract_fields("vat_invoice", [text_page(text)]).items()}
    assert got["buyer_inn"] == BUYER_INN and got["buyer_kpp"] == kpp
    # a run whose KPP is of another tax office, or whose INN fails its check, is no pair
    other = text.replace(f"{BUYER_INN}{slash}{kpp}", f"{BUYER_INN}{slash}7701{kpp[4:]}")
    assert "buyer_inn" not in extract_fields("vat_invoice", [text_page(other)])


def test_the_kpp_after_a_misread_inn_is_still_read() -> None:
    wrong = SELLER_INN[:-1] + str((int(SELLER_INN[-1]) + 1) % 10)
    text = f"Счёт-фактура № 12 от 04.03.2026\nИНН/КПП покупателя: {wrong}/526301001"
    result = analyse([text_page(text)], today=TODAY)
    assert result.values().get("buyer_kpp") == "526301001"
    assert "buyer_inn" not in result.values()
    assert any(p.code == "inn_checksum" for p in result.problems)


def test_a_till_slip_with_no_title_read_gives_no_unlabelled_inn() -> None:
    """Only the fiscal footer read (ФН, ФД, ФП as bare runs of digits): a ten-digit run there is no letterhead's INN,
    whatever its check digits say; with the title read, the bare INN above it is the seller's."""
    footer = ["0009843332249575", "7380243849159851", "18430", SELLER_INN, "СПАСИБО ЗА ПОКУПКУ!"]
    assert "seller_inn" not in extract_fields("receipt", [text_page("\n".join(footer))])
    slip = ["ООО «Вектор»", SELLER_INN, "КАССОВЫЙ ЧЕК", "ПРИХОД", "ИТОГ 90.00"]
    assert extract_fields("receipt", [text_page("\n".join(slip))])["seller_inn"].value == SELLER_INN


def test_an_abbreviations_full_stop_read_as_a_comma_is_put_back_where_the_part_begins() -> None:
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, 443010, г, Самара, ул. Лесная, д, 17")
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"
    # 1C's order (the part's type after its name) keeps its commas
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, 443010, Самара г, Лесная ул, дом № 17")
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == "443010, Самара г, Лесная ул, дом № 17"


@pytest.mark.parametrize("town", ["г, г.", "г. г.", "г."])
def test_a_forms_address_under_its_name_with_the_towns_type_read_twice_and_its_blank_after_it(town: str) -> None:
    """A счёт-фактура's seller on its row, the address on the row under it with its label lost: two readings of one
    word joined («г, г.») are one, and the form's blank to fill in after the address is no part of it."""
    text = "\n".join(["СЧЁТ-ФАКТУРА № 12 от 05.03.2026", "ООО «Вектор»",
                      f": 443010, {town} Самара, ул. Лесная, д. 17 __",
                      f"ИНН/КПП продавца: {SELLER_INN}/631601001", "Покупатель: ООО «Заря»"])
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


REGIONS = ["443010, Самарская обл, г. Самара, ул. Лесная, д. 17",
           "443010, Самарская обл, Самара г, Лесная ул, дом № 17",
           "420021, Респ. Татарстан, г. Казань, ул. Лесная, д. 17",
           "350000, Краснодарский край, г. Краснодар, ул. Лесная, д. 5",
           "141400, Московская область, г.о. Химки, г. Химки, ул. Лесная, д. 5",
           "443010, Самарская обл, Волжский р-н, с. Воскресенка, ул. Лесная, д. 17"]


@pytest.mark.parametrize("address", REGIONS)
def test_a_region_or_district_between_the_postcode_and_the_town_is_part_of_the_address(address: str) -> None:
    """1C prints the region (and a district) after the postcode, before the town: the address is read whole, not from
    the town on with its postcode left behind."""
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, КПП 632101001, {address}")
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == address
    slip = "\n".join(["ООО «Вектор»", address, f"ИНН {SELLER_INN}", "КАССОВЫЙ ЧЕК", "ПРИХОД", "ИТОГ 90.00"])
    assert given(analyse([text_page(slip)], today=TODAY))["seller_address"] == address


def test_an_address_printed_in_capitals_keeps_its_house_marker() -> None:
    slip = "\n".join(["ООО «ВЕКТОР»", "443010, Г. САМАРА, УЛ. ЛЕСНАЯ, Д. 17", f"ИНН {SELLER_INN}", "КАССОВЫЙ ЧЕК",
                      "ИТОГ 90.00"])
    assert given(analyse([text_page(slip)], today=TODAY))["seller_address"] == "443010, Г. САМАРА, УЛ. ЛЕСНАЯ, Д. 17"


PREAMBLES = [
    (("ООО «Вектор», именуемое в дальнейшем «Исполнитель», с одной стороны, и АО «Заря», именуемое в дальнейшем "
     "«Заказчик», с другой стороны, составили настоящий акт"), "ООО «Вектор»"),
    (("АО «Заря», именуемое в дальнейшем «Заказчик», с одной стороны, и ООО «Вектор», именуемое в дальнейшем "
     "«Исполнитель», с другой стороны, составили настоящий акт"), "ООО «Вектор»"),
    ("ООО «Заря», именуемое в дальнейшем Лицензиат, и ООО «Вектор», именуемый в дальнейшем Лицензиар", "ООО «Вектор»"),
    ("ООО «Заря», именуемое в дальнейшем «Получатель», и ООО «Вектор», именуемое в дальнейшем «Исполнитель»",
     "ООО «Вектор»"),
    (("Общество с ограниченной ответственностью «Вектор» (ООО «Вектор»),\nименуемое в дальнейшем «Подрядчик», и "
     "АО «Заря», именуемое в дальнейшем «Заказчик»"), "ООО «Вектор»"),
    (("Индивидуальный предприниматель Лебедева Анна Сергеевна, именуемая в дальнейшем «Исполнитель», и АО «Заря», "
     "именуемое в дальнейшем «Заказчик»"), "Индивидуальный предприниматель Лебедева Анна Сергеевна"),
]


@pytest.mark.parametrize(("preamble", "seller"), PREAMBLES)
def test_a_preambles_party_named_by_a_sellers_role_is_the_seller_whichever_party_comes_first(preamble: str,
                                                                                             seller: str) -> None:
    """«…, именуемое в дальнейшем «Исполнитель»» names the seller; the customer's role (also one letter off a
    seller's, «Лицензиат»), or «Получатель» (a service's recipient), does not; the town the contract is made in
    («г. Самара» on its own line) is no name."""
    for title in ("Акт № 12 от 05.03.2026 г.", "Договор № 7 от 05.03.2026 г."):
        text = "\n".join([title, "г. Самара", preamble, "1. Исполнитель оказал услуги", "Итого: 1 200,00"])
        assert given(analyse([text_page(text)], today=TODAY)).get("seller_name") == seller


def test_the_town_a_contract_is_made_in_is_no_seller() -> None:
    text = "Договор № 7 от 05.03.2026 г.\nг. Самара\nМы, нижеподписавшиеся, заключили настоящий договор"
    assert "seller_name" not in given(analyse([text_page(text)], today=TODAY))


def test_a_building_marker_with_no_number_is_flagged() -> None:
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17, "
                 "стр. №")
    assert "seller_address" not in given(analyse([text_page(text)], today=TODAY))


def test_a_waybills_supplier_cell_is_the_seller_before_the_consignors_full_name() -> None:
    """ТОРГ-12: the consignor's row prints the full legal name first; the supplier's cell (a stray mark before
    its name, its ООО read as 000) is the seller."""
    p = page([
        (100, 100, "Унифицированная форма № ТОРГ-12"),
        (100, 200, "Грузоотправитель,"),
        (500, 200, f"Общество с ограниченной ответственностью «Вектор», ИНН {SELLER_INN}, 443010, г. Самара"),
        (100, 260, "Поставщик"), (500, 260, f"'000 «Вектор», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17"),
        (100, 320, "Плательщик"), (500, 320, f"АО «Рассвет», ИНН {BUYER_INN}"),
    ], block_per_column=False)
    assert extract_fields("waybill", [p])["seller_name"].value == "ООО «Вектор»"


@pytest.mark.parametrize(("printed", "total"),
                         [("12 345,00", "12345.00"), ("1 2 345,00", None), ("12 345-00", "12345.00")])
def test_a_total_whose_thousands_ocr_read_with_a_space_too_many_is_not_known(printed: str, total: str | None) -> None:
    """«1 2 345,00» is 12 345,00 or 1 234,00, never 2 345,00: left out rather than given wrong."""
    text = (f"Счет на оплату № 44 от 02.03.2026\nПоставщик: ООО «Вектор», ИНН {SELLER_INN}\n"
            f"Всего к оплате: {printed} руб.")
    got = extract_fields("invoice", [text_page(text)]).get("total")
    assert (got.value if got else None) == total


def test_a_foreign_sign_in_a_russian_document_or_beside_no_amount_is_no_currency() -> None:
    bill = (f"Счёт-фактура № 12 от 04.03.2026\nПродавец: ООО «Вектор»\nАдрес £43010, г. Самара\n"
            f"ИНН/КПП продавца: {SELLER_INN}/632101001\nВсего к оплате 1 200,00")
    assert "currency" not in extract_fields("vat_invoice", [text_page(bill)])
    assert "currency" not in extract_fields("invoice", [text_page("Invoice No. 9 dated 3 March 2026\nRef £20088.")])
    assert extract_fields("invoice", [text_page("Invoice No. 9 dated 3 March 2026\nTotal £ 75.00")])[
        "currency"].value == "GBP"


@pytest.mark.parametrize(("read", "address"), [
    ("443010, г. Самара, Лесная ул.., д. 17", "443010, г. Самара, Лесная ул., д. 17"),
    ("443010, г. Самара, ул. ‘Лесная, д. 17", "443010, г. Самара, ул. Лесная, д. 17"),
    ("443010, г. Самара, Лесной пр-т д. 17", "443010, г. Самара, Лесной пр-т, д. 17"),
    ("443010, г. Самара ул. Лесная, д. 17", "443010, г. Самара, ул. Лесная, д. 17"),
    ("443010, г. Самара, Лесная ул., д. 17", "443010, г. Самара, Лесная ул., д. 17"),
    ("443010, г, г. Самара, ул. Лесная, д. 17", "443010, г. Самара, ул. Лесная, д. 17"),
    ("443010, г. Самара, ул. Лесная, д. 17 ____", "443010, г. Самара, ул. Лесная, д. 17"),
])
def test_an_addresss_marks_as_ocr_adds_or_loses_them_are_put_right(read: str, address: str) -> None:
    """A stop read twice, a speck read as a quote before a word, the comma before the house or after the town lost
    (a street with its type after its name keeps its form)."""
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, {read}")
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == address


def test_a_name_under_the_sellers_unread_one_is_not_the_sellers() -> None:
    """No role read on either party's row and the seller's name unreadable: the next party's name and address are
    not the seller's; the seller's address on its own row still is."""
    text = (f"Акт № 31 от 14.02.2026\nVe cenamere ль. AO «Amceceyep», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, "
            f"д. 17\na a АО «Рассвет», ИНН {BUYER_INN}, 603000, г. Нижний Новгород, ул. Садовая, д. 3\n"
            "Всего оказано услуг 1, на сумму 900,00 руб.")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got.get("seller_name") != "АО «Рассвет»"
    assert got.get("seller_address", "").startswith("443010")


def test_a_total_no_more_than_the_vat_it_includes_is_flagged() -> None:
    text = (f"Счет на оплату № 44 от 02.03.2026\nПоставщик: ООО «Вектор», ИНН {SELLER_INN}\n"
            "В том числе НДС 20%: 568-55\nВсего к оплате: 19-00\nВсего наименований 2")
    result = analyse([text_page(text)], today=TODAY)
    assert "total" not in given(result)
    assert "total" in result.fields  # kept, unsure, for the review to show
    ok = text.replace("Всего к оплате: 19-00", "Всего к оплате: 3 411-30")
    assert given(analyse([text_page(ok)], today=TODAY))["total"] == "3411.30"


def test_the_kpp_of_a_row_whose_inn_is_not_the_partys_is_not_the_partys() -> None:
    """The buyer's role misread on its row («Покуатель»): its INN and KPP follow the seller's; the INN is not the
    seller's, so neither is the KPP beside it."""
    wrong = BUYER_INN[:-1] + str((int(BUYER_INN[-1]) + 1) % 10)
    text = (f"Счет на оплату № 44 от 02.03.2026\nПоставщик: ООО «Вектор», ИНН {SELLER_INN}, КЛП 63210100\n"
            f"Покуатель (Закаучи) АО «Рассвет», ИНН {wrong}, КПП 526301001\nВсего к оплате: 90,00")
    got = {k: v.value for k, v in extract_fields("invoice", [text_page(text)]).items()}
    assert got["seller_inn"] == SELLER_INN
    assert "seller_kpp" not in got


def test_a_latin_title_read_as_a_letterhead_on_a_russian_form_is_no_seller() -> None:
    text = ("“DAKTYPA\nСЧЕТ № 30 от 4 ноября 2025 г.\nИСПРАВЛЕНИЕ № — от —\nАдрес: разные слова здесь тоже есть\n"
            "Покупатель: прочие сведения документа\nВсего к оплате: 90,00")
    for doc_type in ("vat_invoice", "invoice"):
        result = analyse([text_page(text)], hints={"doc_type": doc_type}, today=TODAY)
        assert "seller_name" not in given(result)


@pytest.mark.parametrize(("read", "address"), [
    ("443010, г. Самара, ул. Лесная, Д. 17", "443010, г. Самара, ул. Лесная, д. 17"),
    ("443010, г. Самара, ул. Лесная, д. 17: стр. 2", "443010, г. Самара, ул. Лесная, д. 17, стр. 2"),
])
def test_a_house_markers_case_and_a_colon_for_a_comma(read: str, address: str) -> None:
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, {read}")
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == address


def test_a_party_rows_address_ends_at_the_codes_column_beside_it() -> None:
    """ТОРГ-12: the party's row runs on, past a wide gap, into the codes column («Вид деятельности по ОКДП»)."""
    p = page([
        (100, 100, "Унифицированная форма № ТОРГ-12"),
        (100, 200, f"Поставщик ООО «Вектор», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17"),
        (2000, 200, "Вид деятельности по ОКДП"),
        (100, 260, f"Плательщик АО «Рассвет», ИНН {BUYER_INN}"),
    ], block_per_column=False)
    got = given(analyse([p], hints={"doc_type": "waybill"}, today=TODAY))
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


def test_an_address_wrapped_after_its_office_marker_goes_on_to_the_next_row() -> None:
    text = _bill(f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17, офис",
                 "214, тел.: +7 (846) 201-33-45")
    assert given(analyse([text_page(text)], today=TODAY))["seller_address"] == (
        "443010, г. Самара, ул. Лесная, д. 17, офис 214")


@pytest.mark.parametrize(("cash", "card", "want"), [
    ("450.94", "6.08", {"cash_total": "450.94", "card_total": "0.00"}),
    ("0.00", "450.94", {"cash_total": "0.00", "card_total": "450.94"}),
    ("300.00", "6.08", {}),
])
def test_a_till_slips_payments_against_its_total(cash: str, card: str, want: dict[str, str]) -> None:
    """Cash + card = total: the payment read equal to the total leaves the other one zero (its label read in
    pieces, its zeros misread); with neither equal and the sum off, both are left out."""
    slip = "\n".join(["ООО «Вектор»", f"ИНН {SELLER_INN}", "КАССОВЫЙ ЧЕК", "ПРИХОД", "05.03.26 12:40",
                      "1. Тетрадь 1 x 450.94 450.94", "ИТОГ 450.94", f"НАЛИЧНЫМИ {cash}", f"BE ЗНАЛИЧ НЫМИ {card}"])
    got = given(analyse([text_page(slip)], today=TODAY))
    assert {k: got[k] for k in ("cash_total", "card_total") if k in got} == want


def _slip(*rows: str) -> str:
    return "\n".join(["ООО «Вектор»", f"ИНН {SELLER_INN}", "КАССОВЫЙ ЧЕК", "ПРИХОД", "02.03.26 10:21", *rows])


@pytest.mark.parametrize(("tax", "summary"), [("HOC", "CYMMA"), ("HAC", "СУММА"), ("НДС", "CYMMA")])
def test_a_slips_vat_summary_read_in_look_alikes(tax: str, summary: str) -> None:
    """A till slip's VAT summary rows with «НДС» read with its Д as О or А and «СУММА» in Latin look-alikes: the
    summary rows are the VAT (an item's VAT misread, «1963.17» for 1063.17, is not summed)."""
    text = _slip("1. Товар 1х 6 378.00 6 378.00", "НДС 20% 1963.17", "2. Товар 1х 1 239.00 1 239.00",
                 f"{tax} 10% 112.64", "ИТОГ 7617.00", "БЕЗНАЛИЧНЫМИ 7617.00", "СУММА НДС 20% 1063.00",
                 f"{summary} {tax} 10% 112.64")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["vat"] == "1175.64"


@pytest.mark.parametrize("read", ["62 р se", "62", "62 419"])
def test_a_slips_payment_read_without_its_kopecks_is_not_known(read: str) -> None:
    """A till prints its payments with their kopecks: «БЕЗНАЛИЧНЫМИ 62 р se» lost digits; a zero is a zero."""
    text = _slip("1. Товар 1х 62 419.00 62 419.00", "ИТОГ 62 419.00", f"БЕЗНАЛИЧНЫМИ {read}", "НАЛИЧНЫМИ 0")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got.get("card_total") in (None, "62419.00")
    assert got.get("cash_total") in (None, "0.00")
    full = given(analyse([text_page(text.replace(f"БЕЗНАЛИЧНЫМИ {read}", "БЕЗНАЛИЧНЫМИ 62 419.00"))], today=TODAY))
    assert full["card_total"] == "62419.00"


# the pairs of roles of the contracts a bill or an act is made under: the side that supplies is the seller
ROLE_PAIRS = [("Лицензиар", "Лицензиат"), ("Арендодатель", "Арендатор"), ("Подрядчик", "Заказчик"),
              ("Исполнитель", "Заказчик"), ("Поставщик", "Покупатель"), ("Правообладатель", "Лицензиат"),
              ("Субподрядчик", "Подрядчик")]


@pytest.mark.parametrize(("seller", "buyer"), ROLE_PAIRS[:-1])
@pytest.mark.parametrize("buyer_first", [False, True])
def test_a_partys_role_word_says_whose_inn_and_name_it_is(seller: str, buyer: str, buyer_first: bool) -> None:
    rows = [f"{seller}: ООО «Вектор», ИНН {SELLER_INN}, КПП 632101001, 443010, г. Самара, ул. Лесная, д. 17",
            f"{buyer}: АО «Рассвет», ИНН {BUYER_INN}, КПП 526301001"]
    text = "\n".join(["Акт № 7 от 02.03.2026", *(rows[::-1] if buyer_first else rows),
                      "Всего оказано услуг 1, на сумму 1 200,00 руб.", "В том числе НДС 200,00"])
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["seller_inn"] == SELLER_INN and got["buyer_inn"] == BUYER_INN
    assert got["seller_kpp"] == "632101001"
    assert got["seller_name"] == "ООО «Вектор»"
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


def test_a_buyers_role_one_letter_off_a_sellers_is_no_sellers_label() -> None:
    """«Лицензиат» is «Лицензиар» with one letter read for another: a seller's label read with one letter
    misread is still the label, but not where the word is the other side's own."""
    text = (f"Акт № 7 от 02.03.2026\nЛицензиат: АО «Рассвет», ИНН {BUYER_INN}\n"
            f"Лицензиар: ООО «Вектор», ИНН {SELLER_INN}\nИтого: 1 200,00")
    assert given(analyse([text_page(text)], today=TODAY))["seller_name"] == "ООО «Вектор»"


@pytest.mark.parametrize("kpp", ["632101001", "632143001"])
def test_a_kpps_last_six_digits_before_a_town_are_no_postcode(kpp: str) -> None:
    text = _bill(f"Поставщик: ООО «Вектор», ИНН {SELLER_INN}, КПП {kpp}, г. Самара, ул. Лесная, д. 17")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["seller_address"] == "г. Самара, ул. Лесная, д. 17"


def test_a_name_with_a_word_read_unsurely_is_flagged_whatever_follows_the_word() -> None:
    """A name's words as OCR read them, punctuation after them («Плюс»,»): a word read unsurely makes the name
    unsure, and another party's surer «ООО» elsewhere on the page does not make up for it."""
    rows = [(100, 100, "Акт № 7 от 02.03.2026"),
            (100, 200, f"Исполнитель: ООО «Вектор Плюс», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17"),
            (100, 300, f"Заказчик: ООО «Рассвет», ИНН {BUYER_INN}"), (100, 400, "Итого: 1 200,00")]
    sure = page(rows)
    unsure = dataclasses.replace(sure, words=tuple(
        dataclasses.replace(w, confidence=0.4) if w.text in ("Плюс»,", "ООО") and w.box[1] == 200 else w
        for w in sure.words))
    assert given(analyse([sure], today=TODAY))["seller_name"] == "ООО «Вектор Плюс»"
    result = analyse([unsure], today=TODAY)
    assert "seller_name" not in given(result)
    assert any(p.code == "low_confidence" and "seller_name" in p.fields for p in result.problems)


def test_a_contracts_date_is_not_one_its_clauses_cite() -> None:
    """A contract whose own date is blank («___» ______ 2026 г.): the dates in its numbered clauses are the
    laws' and the papers' it cites, not its own."""
    text = ("ДОГОВОР ПОСТАВКИ №\nг. Самара «___» ________ 2026 г.\n"
            "ООО «Вектор», именуемое в дальнейшем «Поставщик», с одной стороны, и АО «Рассвет», именуемое\n"
            "в дальнейшем «Покупатель», заключили настоящий договор о нижеследующем:\n1. ПРЕДМЕТ ДОГОВОРА\n"
            "1.1. Поставщик поставляет товар по спецификации № 4 от\n14.02.2025 г., Покупатель его оплачивает.")
    result = analyse([text_page(text)], today=TODAY)
    assert result.doc_type == "contract"
    assert "date" not in result.values()
    # the date at its head is its own
    dated = text.replace("«___» ________ 2026 г.", "03.03.2026")
    assert analyse([text_page(dated)], today=TODAY).values()["date"] == "2026-03-03"


@pytest.mark.parametrize(("after_kpp", "role"), [(", 443010,", "(Исполнитель):"), (",443010", "(Испопнитель"),
                                                 (", 443010", "(Исполнитель)")])
def test_a_postcode_ending_the_party_row_its_comma_or_its_roles_letter_lost(after_kpp: str, role: str) -> None:
    """The postcode after the KPP ends the party's row, the address goes on under it beside the role cell's
    bracketed second word: its comma lost at the row's end, glued to the KPP, or the role's word read with a
    letter misread, the address is read whole."""
    p = page([
        (100, 100, "Счет-оферта № 5 от 12 марта 2026 г."),
        (100, 200, f"Поставщик ООО «Вектор», ИНН {SELLER_INN}, КПП 632101001{after_kpp}"),
        (100, 240, f"{role} Самара г, Лесная ул, дом № 17, строение 2"),
        (100, 320, f"Покупатель АО «Рассвет», ИНН {BUYER_INN}, КПП 526301001"),
        (100, 460, "Всего к оплате: 1 200,00 руб."),
    ], block_per_column=False)
    got = given(analyse([p], today=TODAY))
    assert got["seller_address"] == "443010, Самара г, Лесная ул, дом № 17, строение 2"


@pytest.mark.parametrize(("kpp", "sure"), [
    (SELLER_INN[:4] + "01001", True),  # its INN's tax office
    (str((int(SELLER_INN[0]) + 1) % 10) + SELLER_INN[1:4] + "01001", False),  # the region's first digit misread
    (SELLER_INN[0] + str((int(SELLER_INN[1]) + 3) % 10) + SELLER_INN[2:4] + "01001", False),  # its second
    ("770101001", True),  # another region's tax office altogether: a company registered elsewhere
])
def test_a_kpp_whose_region_reads_one_digit_off_its_inns_is_unsure(kpp: str, sure: bool) -> None:
    text = f"Счет на оплату № 52 от 02.03.2026\nПоставщик: ООО «Вектор», ИНН {SELLER_INN}, КПП {kpp}\nИтого: 1 200,00"
    assert (given(analyse([text_page(text)], today=TODAY)).get("seller_kpp") == kpp) is sure
    # the same beside an INN whose check failed (a digit of it misread too)
    wrong = SELLER_INN[:-1] + str((int(SELLER_INN[-1]) + 1) % 10)
    text = text.replace(SELLER_INN, wrong)
    assert (given(analyse([text_page(text)], today=TODAY)).get("seller_kpp") == kpp) is sure


def test_a_latin_name_read_in_cyrillic_look_alikes_is_flagged() -> None:
    """A till slip in English whose name OCR read in the Cyrillic twins of its Latin capitals: on a page in Latin
    script no script of it can be trusted (letters of no twin are misread with them), so it is flagged, not given."""
    slip = "\n".join(["{name}", "NO 12, MAIN ROAD, WEST TOWN", "TAX INVOICE", "Date: 03/03/2026 10:21",
                      "1 CABLE USB 2.00 12.00", "TOTAL 12.00", "CASH 20.00", "CHANGE 8.00", "THANK YOU"])
    read = analyse([text_page(slip.format(name="ВЕТА НОМЕ"))], today=TODAY)
    assert "seller_name" not in given(read)
    assert given(analyse([text_page(slip.format(name="BETA CORNER"))], today=TODAY))["seller_name"] == "BETA CORNER"


@pytest.mark.parametrize("joint", ["H/KNN", "ИН/КПП", "MHH/КПП"])
def test_a_joint_labels_kpp_half_takes_the_kpp_after_the_values_slash(joint: str) -> None:
    """«ИНН/КПП покупателя» with its INN half misread and the buyer's INN read with a space inside: the first nine
    digits after the label are no KPP (they are the INN's), nor the seller's because no buyer's role was read
    above; the KPP is what follows the value's slash, and whose the label itself says."""
    kpp = SELLER_INN[:4] + "01001"
    broken = f"{BUYER_INN[:9]} {BUYER_INN[9:]}"
    text = (f"Счёт-фактура № 12 от 04.03.2026\nПродавец: ООО «Зарница»\n{joint} покупателя: {broken}/526301001")
    got = {k: v.value for k, v in extract_fields("vat_invoice", [text_page(text)]).items()}
    assert "seller_kpp" not in got
    assert got.get("buyer_kpp") == "526301001"
    # the seller's pair on its own row stays the seller's
    text = text.replace("Продавец: ООО «Зарница»", f"Продавец: ООО «Зарница»\nИНН/КПП продавца: {SELLER_INN}/{kpp}")
    got = {k: v.value for k, v in extract_fields("vat_invoice", [text_page(text)]).items()}
    assert got["seller_inn"] == SELLER_INN and got["seller_kpp"] == kpp and got.get("buyer_kpp") == "526301001"


@pytest.mark.parametrize("office", [True, False])
def test_an_inn_and_kpp_that_check_each_other_are_sure_however_unsurely_their_word_was_read(office: bool) -> None:
    """The pair read as one word OCR scored at nothing: the INN's check digits hold and the KPP is of its tax office,
    so the digits are given; a KPP of another tax office checks nothing and the pair stays as unsure as read."""
    kpp = (SELLER_INN[:4] if office else "7701") + "01001"
    rows = [(100, 100, "Счёт-фактура № 12 от 04.03.2026"), (100, 200, "Продавец: ООО «Зарница»"),
            (100, 300, f"ИНН/КПП продавца: {SELLER_INN}/{kpp}")]
    sure = page(rows)
    read = dataclasses.replace(sure, words=tuple(
        dataclasses.replace(w, confidence=0.0) if "/" in w.text and w.text[0].isdigit() else w for w in sure.words))
    got = given(analyse([read], today=TODAY))
    assert (got.get("seller_inn"), got.get("seller_kpp")) == ((SELLER_INN, kpp) if office else (None, None))


def test_the_letterhead_labeller_reads_no_row_under_the_other_partys_label() -> None:
    """A bill's letterhead (name, address, tax numbers) over the buyer's block «Bill to:» with its own name and
    address: the buyer's address is not the seller's, so the labeller agrees with the rules on the letterhead's."""
    from classify._parties import learned_letterhead
    from classify.extract import make_doc

    text = ("Vektor Trade JSC INVOICE\n12 Lesnaya St., Samara 443010, Russia\nINN 6321045170 KPP 632101001\n"
            "Invoice No.: INV-7\nDate: March 2, 2026\nBill to:\nRassvet LLC\n5 Pochtovaya St., Tver 170001, Russia\n"
            "INN 5263018820")
    address = learned_letterhead(make_doc([text_page(text)]))[1]
    assert address is None or "Tver" not in str(address.value)


@pytest.mark.parametrize(("form_conf", "name_conf", "sure"), [(0.5, 0.95, True), (0.95, 0.5, False)])
def test_a_legal_forms_abbreviation_read_as_one_does_not_make_its_name_unsure(form_conf: float, name_conf: float,
                                                                            sure: bool) -> None:
    """«ООО» read exactly, scored low by OCR, is one of the locale's short list of forms: the name is as sure as its
    own words; a name word read unsurely still makes the name unsure, whatever its form's score."""
    rows = [(100, 100, "Акт № 7 от 02.03.2026"),
            (100, 200, f"Исполнитель: ООО «Зарница», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17"),
            (100, 300, f"Заказчик: АО «Рассвет», ИНН {BUYER_INN}"), (100, 400, "Итого: 1 200,00")]
    sure_page = page(rows)
    read = dataclasses.replace(sure_page, words=tuple(
        dataclasses.replace(w, confidence=form_conf) if w.text == "ООО"
        else dataclasses.replace(w, confidence=name_conf) if w.text == "«Зарница»," else w for w in sure_page.words))
    assert (given(analyse([read], today=TODAY)).get("seller_name") == "ООО «Зарница»") is sure


def _contract(preamble: list[str], requisites: list[tuple[int, str]]) -> list:
    """A contract of two pages: its title and preamble on the first, the requisites block (left column the
    seller's, right the customer's) on the second."""
    first = page([(100, 100 + 50 * n, line) for n, line in enumerate(["ДОГОВОР № 17/26", *preamble,
                                                                        "1. ПРЕДМЕТ ДОГОВОРА"])])
    second = page([(x, 200 + 50 * n, text) for n, (x, text) in enumerate(requisites)], number=2)
    return [first, dataclasses.replace(second, words=tuple(
        dataclasses.replace(w, line=w.line + 100) for w in second.words))]


def test_a_contracts_seller_address_is_read_in_its_column_of_the_requisites() -> None:
    """The preamble names the parties with no address; the requisites block heads two columns with the roles'
    labels and prints the seller's address after its label in the seller's column."""
    preamble = [f"ООО «Зарница» (ООО «Зарница»), ИНН {SELLER_INN}, именуемое в дальнейшем «Исполнитель», с одной",
                "стороны, и гражданин Петров Глеб Олегович, именуемый в дальнейшем «Заказчик»"]
    rows = _contract(preamble, [(100, "РЕКВИЗИТЫ СТОРОН")])  # no requisites: no address
    blocks = [(100, "Исполнитель:"), (100, "ООО «Зарница»"), (100, f"ИНН {SELLER_INN}"),
              (100, "Адрес: 443010, г. Самара, ул. Лесная, д. 17"), (100, "р/с 40702810000000000001")]
    pages = _contract(preamble, blocks)
    right = pages[1].words + tuple(
        dataclasses.replace(w, box=(w.box[0] + 1200, w.box[1], w.box[2] + 1200, w.box[3]), block=1)
        for w in page([(100, 200, "Заказчик:"), (100, 250, "Петров Глеб Олегович"),
                       (100, 300, "Паспорт 36 00 000001")], number=2).words)
    pages = [pages[0], dataclasses.replace(pages[1], words=right)]
    got = given(analyse(pages, today=TODAY))
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"
    assert "seller_address" not in given(analyse(rows, today=TODAY))
    # the customer's column is not read for the seller's address
    pages[1] = dataclasses.replace(pages[1], words=tuple(w for w in pages[1].words if w.box[0] >= 1200 or (
        w.box[1] != 350)) + tuple(
        dataclasses.replace(w, box=(w.box[0] + 1200, w.box[1], w.box[2] + 1200, w.box[3]), block=1)
        for w in page([(100, 350, "Адрес: 443010, г. Самара, ул. Лесная, д. 17")], number=2).words))
    assert "seller_address" not in given(analyse(pages, today=TODAY))


def test_a_customers_name_wrapped_at_the_lines_end_is_read_whole() -> None:
    preamble = [f"ООО «Зарница», ИНН {SELLER_INN}, именуемое в дальнейшем «Исполнитель», и гражданин Петров",
                "Глеб Олегович, именуемый в дальнейшем «Заказчик», заключили настоящий договор"]
    got = given(analyse(_contract(preamble, [(100, "Страница 2")]), today=TODAY))
    assert got["customer_name"] == "Петров Глеб Олегович"


def test_an_english_contracts_preamble_names_the_seller_with_its_inn() -> None:
    preamble = [f"Vektor Trade LLC, INN {SELLER_INN}, (the \"Provider\"), represented by its Director, and",
                "Петров Глеб Олегович (the \"Customer\"), have concluded this Agreement as follows:"]
    got = given(analyse(_contract(preamble, [(100, "Page 2 of 2")]), today=TODAY))
    assert got["seller_name"] == "Vektor Trade LLC"
    assert got["customer_name"] == "Петров Глеб Олегович"


def test_a_letterheads_address_the_labeller_reads_the_same_is_sure_under_a_legal_name_at_the_top() -> None:
    """A Z-report's letterhead: a legal name (found as a name near the top), its address under it with no postcode
    (so no printed form lifts it): the labeller reads the same rows, so the address is as sure as the labeller."""
    text = ("ООО «Зарница»\nг. Самара, ул. Лесная, д.\n17, офис 4\nИНН " + SELLER_INN +
            "\nОТЧЁТ О ЗАКРЫТИИ СМЕНЫ\nСМЕНА № 12\nДАТА, ВРЕМЯ 23.08.25 22:25\nИТОГО 1 200,00")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["seller_address"] == "г. Самара, ул. Лесная, д. 17, офис 4"


@pytest.mark.parametrize(("label", "address"), [
    ("Адрес:", "443010, г. Самара, ул. Лесная, д. 17"),
    ("Адрес; 443010, г Самара, ул. Лесная, д 17", None),
    ("Адрес: 443010, г. Самара, yn. Лесная, д. 17", None),
    ("Адрес: 443010, г. Самара, уп. Лесная, д. 17", None)])
def test_an_address_after_its_label_as_ocr_reads_them(label: str, address: str | None) -> None:
    """The label ending its line (the address on the next), its colon read as a semicolon, a part's stop lost where
    the part begins, «ул.» read in look-alikes: the address as printed."""
    rows = ["Товарная накладная № 12 от 04.03.2026", "Поставщик:", f"ООО «Зарница», ИНН {SELLER_INN}", label]
    if address:
        rows.append(address)
    rows += ["Покупатель:", f"АО «Рассвет», ИНН {BUYER_INN}", "Адрес: 603000, г. Нижний Новгород, ул. Мира, д. 3"]
    got = given(analyse([text_page("\n".join(rows))], today=TODAY))
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


def test_a_till_slips_street_type_read_in_look_alikes_ends_its_row_and_the_address_wraps() -> None:
    text = "\n".join(["ООО «Зарница»", "443010, г. Самара, yn.", "Лесная, д. 17", f"ИНН {SELLER_INN}", "КАССОВЫЙ ЧЕК",
                      "ПРИХОД", "ИТОГ 90.00"])
    got = {k: v.value for k, v in extract_fields("receipt", [text_page(text)]).items()}
    assert got.get("seller_address") == "443010, г. Самара, ул. Лесная, д. 17"


@pytest.mark.parametrize("sums", [True, False])
def test_a_z_reports_payments_read_unsurely_are_sure_when_they_add_up_to_its_total(sums: bool) -> None:
    """«БЕЗНАЛИЧНЫМИ 1 200, 40» read with a space in its kopecks, scored low: cash + card is the shift's total to the
    kopeck, so both payments are given; when they do not add up, neither is sure."""
    card = "1200, 40" if sums else "1300, 40"
    rows = [(100, 100, "ООО «Зарница»"), (100, 150, f"ИНН {SELLER_INN}"), (100, 200, "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ"),
            (100, 250, "СМЕНА № 12"), (100, 300, "ДАТА, ВРЕМЯ 23.08.25 22:25"), (100, 350, "СУММА ПРИХОДА 1 650,40"),
            (100, 400, "НАЛИЧНЫМИ 450,00"), (100, 450, f"БЕЗНАЛИЧНЫМИ {card}"), (100, 500, "ИТОГ 1 650,40")]
    sure = page(rows)
    read = dataclasses.replace(sure, words=tuple(
        dataclasses.replace(w, confidence=0.0) if w.text in card.split() else w for w in sure.words))
    got = given(analyse([read], today=TODAY))
    assert (got.get("cash_total"), got.get("card_total")) == (("450.00", "1200.40") if sums else (None, None))


def test_a_kpp_label_followed_by_another_number_gives_no_kpp_further_on() -> None:
    """«КПИ 63210 …» (the KPP misread short) and nine digits further on (an account's tail): not the KPP."""
    text = (f"Товарная накладная № 12 от 04.03.2026\nГрузоотправитель: ООО «Зарница», ИНН {SELLER_INN}, КПИ 63210 "
            "г. Самара, 316452780, БИК 043601607")
    assert "seller_kpp" not in extract_fields("waybill", [text_page(text)])
    assert extract_fields("waybill", [text_page(text.replace("КПИ 63210", "КПИ 632101001"))])[
        "seller_kpp"].value == "632101001"


def test_the_sellers_address_is_read_on_the_row_its_name_was_read_from_on_a_tilted_photo() -> None:
    """A form photographed askew: each party row rises to the right, so the consignee's row (read taller) overlaps
    the supplier's band, and the supplier's name box covers more of the consignee's words than of its own: its
    address is still the supplier's row's, the row its name was read from."""
    from capture.types import OcrWord, PageText

    def tilted(line: int, y: int, text: str, height: int) -> list[OcrWord]:
        out, x = [], 100
        for word in text.split():
            width = len(word) * 20
            rise = (x - 100) // 40  # a pixel up every forty across
            out.append(OcrWord(word, 0.95, (x, y - rise, x + width, y - rise + height), line, 0))
            x += width + 20
        return out

    seller = f"Поставщик ООО «Зарница», ИНН {SELLER_INN}, КПП 632101001, 443010, г. Самара, ул. Лесная, д. 17, офис 2"
    words = [*tilted(0, 100, "Товарная накладная № 12 от 04.03.2026", 32),
             *tilted(1, 215, f"Грузополучатель АО «Рассвет», ИНН {BUYER_INN}, 603000, г. Нижний Новгород, "
                             "ул. Мира, д. 3", 44),
             *tilted(2, 262, seller, 16), *tilted(3, 330, f"Плательщик АО «Рассвет», ИНН {BUYER_INN}", 32)]
    got = {k: v.value for k, v in extract_fields("waybill", [PageText(1, 2480, 3508, tuple(words))]).items()}
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17, офис 2"


@pytest.mark.parametrize(("qualifier", "given_no"), [("покупателя", True), ("поку", True), ("покупат", True),
                                                     ("пожупатеяя", False)])
def test_an_orders_label_with_its_qualifier_cut_short_still_labels_it(qualifier: str, given_no: bool) -> None:
    """«Заказ покупателя №» clipped by its cell («Заказ поку №»): the order's number; a qualifier misread
    («пожупатеяя») marks a row read badly (its digits as likely misread), so gives none."""
    text = (f"Товарная накладная № 12 от 04.03.2026\nПоставщик: ООО «Зарница», ИНН {SELLER_INN}\n"
            f"Основание Заказ {qualifier} № 2026-417 от 23.02.2026")
    got = extract_fields("waybill", [text_page(text)])
    assert (got["order_no"].value if "order_no" in got else None) == ("2026-417" if given_no else None)


@pytest.mark.parametrize("read", [
    "443010 г. Самара, ул. Лесная, д. 17, р/с 40702810000000000001, в банке АО «Банк»",
    "443010, г. Самара, ул. Лесная. д. 17, pic 40702810000000000001, в банке АО «Банк»",
    "443010, г. Самара, ул. Лесная, д. 17 40702810000000000001"])
def test_a_party_rows_address_ends_at_its_bank_account_and_its_marks_are_put_right(read: str) -> None:
    """A consignor's row runs on into its bank account (twenty digits, its «р/с» read as anything); the postcode's
    comma lost, the comma after the street's name read as a stop: the address as printed."""
    text = (f"Товарная накладная № 12 от 04.03.2026\nПоставщик ООО «Зарница», ИНН {SELLER_INN}, КПП 632101001.{read}\n"
            f"Плательщик АО «Рассвет», ИНН {BUYER_INN}")
    got = given(analyse([text_page(text)], today=TODAY))
    assert got["seller_address"] == "443010, г. Самара, ул. Лесная, д. 17"


@pytest.mark.parametrize(("under", "number"), [("4712 24.02.2026", "4712"), ("26-4712 24.02.2026", "26-4712"),
                                               ("Страница 1", None)])
def test_a_forms_number_and_date_in_the_cells_under_its_title_whose_headings_went_unread(
        under: str, number: str | None) -> None:
    """ТОРГ-12 prints its number and date in two cells under «Номер документа | Дата составления» beside its title;
    the headings read as noise, the row under the title of a number and a date alone is the form's."""
    text = "\n".join(["Унифицированная форма № ТОРГ-12", f"Поставщик ООО «Зарница», ИНН {SELLER_INN}",
                      "Основание Заказ № 31 от 20.02.2026", "ТОВАРНАЯ НАКЛАДНАЯ и ее ‹ Страница", under,
                      "1 Кабель шт 796 1 100,00 100,00 20% 20,00 120,00"])
    got = {k: v.value for k, v in extract_fields("waybill", [text_page(text)]).items()}
    assert got.get("number") == number
    assert got.get("date") == ("2026-02-24" if number else got.get("date"))


@pytest.mark.parametrize("role", ["Поставщик (Исполнитель):", "Поставщик {Исгкуъчитель }", "Поставщик (Испол-тель)"])
def test_a_sellers_label_with_its_bracketed_second_role_misread(role: str) -> None:
    """Under a bill's payment block (its INN row first), the seller's row whose second role in brackets OCR misread,
    its colon lost or not: the role still labels the name after it."""
    text = f"ИНН {SELLER_INN} КПП 632101001 Сч. № 40702810000000000001\n" + _bill(
        f"{role} ООО «Зарница», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17")
    assert given(analyse([text_page(text)], today=TODAY))["seller_name"] == "ООО «Зарница»"


@pytest.mark.parametrize(("again", "sure"), [("ООО «Вектор Плюс»", True), ("Вектор Плюс", True),
                                             ("ООО «Вектор Плкс»", False), (None, False)])
def test_a_name_read_unsurely_is_sure_when_read_alike_where_it_is_printed_again(again: str | None,
                                                                               sure: bool) -> None:
    """A seller's name whose words OCR scored under the cut is given when its own words are read again, the same
    letters, where the form prints it again (its signatures' block); read once, or read again otherwise (one
    letter off), it stays unsure and flagged."""
    rows = [(100, 100, "Акт № 7 от 02.03.2026"),
            (100, 200, f"Исполнитель: ООО «Вектор Плюс», ИНН {SELLER_INN}, 443010, г. Самара, ул. Лесная, д. 17"),
            (100, 300, f"Заказчик: АО «Рассвет», ИНН {BUYER_INN}"), (100, 400, "Итого: 1 200,00")]
    if again is not None:
        rows.append((100, 600, f"Исполнитель {again} ________ Иванов И. И."))
    first = page(rows)
    read = dataclasses.replace(first, words=tuple(
        dataclasses.replace(w, confidence=0.75) if w.text in ("«Вектор", "Плюс»,") else w for w in first.words))
    result = analyse([read], today=TODAY)
    assert (given(result).get("seller_name") == "ООО «Вектор Плюс»") is sure
    assert any(p.code == "low_confidence" and "seller_name" in p.fields for p in result.problems) is not sure
