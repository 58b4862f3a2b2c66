"""Print forms of Russian documents as accounting programs other than 1C lay them out: a ТОРГ-12 whose parties
print their requisites and bank on one line beside a role label centred on the cell, a text layer that runs a
label cell into its value («ОснованиеЗаказ № …»), a totals row whose amount due a program prints as a float with
one place. Generated cases; every party, number and amount here is invented."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from classify import analyse, extract_fields
from tests.classify.pagetext import page, text_page
from tests.classify.test_ru_noisy import given


def inn10(rng: random.Random) -> str:
    head = "".join(str(rng.randrange(10)) for _ in range(9))
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return head + str(sum(int(d) * w for d, w in zip(head, weights, strict=True)) % 11 % 10)


def digits(rng: random.Random, n: int, head: str = "") -> str:
    return head + "".join(str(rng.randrange(10)) for _ in range(n - len(head)))


def _party(rng: random.Random, name: str) -> tuple[str, str, str]:
    inn = inn10(rng)
    first = (f"{name}, ИНН {inn}, КПП {inn[:4]}01001, {digits(rng, 6, '1')}, г. Энск, ул. Лесная, д. "
             f"{rng.randrange(1, 90)}, тел.: +7 (900) {digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 2)}, р/сч "
             f"{digits(rng, 20, '40702810')}, в банке")
    second = f"ПАО Банк, БИК {digits(rng, 9, '04')}, к/с {digits(rng, 20, '30101810')}"
    return inn, first, second


@pytest.mark.parametrize("seed", range(4))
def test_a_waybills_party_rows_naming_their_bank_keep_the_role_beside_them(seed: int) -> None:
    """ТОРГ-12 laid out as a spreadsheet export: the consignor's requisites across the top with no label, then
    each of the consignee, supplier and payer as two lines right of its role label, which stands between them;
    the first line ends «…, р/сч …, в банке» — a bank's name on the row is no role of the row's own."""
    rng = random.Random(seed)
    seller_inn, seller_1, seller_2 = _party(rng, "ООО «Вектор»")
    buyer_inn, buyer_1, buyer_2 = _party(rng, "АО «Рассвет»")
    rows = [(2900, 80, "Унифицированная форма № ТОРГ-12"), (100, 200, seller_1), (100, 240, seller_2),
            (2900, 240, "по ОКПО"), (1100, 300, "организация-грузоотправитель, адрес, телефон, факс, банковские")]
    y = 450
    for role, (first, second) in (("Грузополучатель", (buyer_1, buyer_2)), ("Поставщик", (seller_1, seller_2)),
                                  ("Плательщик", (buyer_1, buyer_2))):
        rows += [(450, y, first), (450 - 20 * len(role) - 20, y + 18, role), (2900, y + 18, "по ОКПО"),
                 (450, y + 38, second), (1200, y + 76, "организация, адрес, телефон, факс, банковские реквизиты")]
        y += 110
    rows.append((250, y, f"ОснованиеЗаказ № {rng.randrange(100, 999)}"))
    got = {k: v.value for k, v in extract_fields("waybill", [page(rows, block_per_column=False)]).items()}
    assert got["seller_inn"] == seller_inn
    assert got["buyer_inn"] == buyer_inn


@pytest.mark.parametrize("order", ["47", "2026-318", "ЗК-00912"])
def test_a_basis_label_run_into_its_order_gives_the_order(order: str) -> None:
    text = f"Товарная накладная № 5 от 02.03.2026\nОснованиеЗаказ № {order}\nдоговор, заказ-наряд"
    assert extract_fields("waybill", [text_page(text)])["order_no"].value == order


def test_a_basis_label_run_into_the_customer_is_no_order() -> None:
    text = "Товарная накладная № 5 от 02.03.2026\nОснованиеЗаказчика № 31 распоряжение"
    assert "order_no" not in extract_fields("waybill", [text_page(text)])


def _float_text(value: Decimal) -> str:
    return str(float(value))  # as a program prints a float: «54890.0», «1234.5»


@pytest.mark.parametrize("seed", range(5))
def test_a_totals_row_whose_parts_add_up_gives_a_one_place_total_surely(seed: int) -> None:
    """A счёт-фактура's «Всего к оплате» row: the net and the VAT with their kopecks, the amount due a float."""
    rng = random.Random(seed)
    total = Decimal(rng.randrange(100, 9999)) * 10 + Decimal(rng.choice((0, 5))) / 10
    vat = (total * 20 / 120).quantize(Decimal("0.01"))
    net = total - vat
    text = (f"Счет-фактура № {rng.randrange(10, 999)} от 01.03.2026\nПродавец: ООО «Вектор»\n"
            f"Всего к оплате {net:.2f} Х {vat:.2f} {_float_text(total)}")
    assert "." in _float_text(total) and len(_float_text(total).split(".")[1]) == 1
    result = analyse([text_page(text)], hints={"doc_type": "vat_invoice"}, today=date(2026, 11, 24))
    assert given(result)["total"] == f"{total:.2f}"


@pytest.mark.parametrize("amount", ["738.0", "12 450.5"])
def test_a_one_place_total_with_no_parts_beside_it_stays_unsure(amount: str) -> None:
    """An amount with one kopeck digit and nothing on its row to check it by: a digit may have been lost."""
    text = f"Счет-фактура № 12 от 01.03.2026\nПродавец: ООО «Вектор»\nВсего к оплате {amount}"
    result = analyse([text_page(text)], hints={"doc_type": "vat_invoice"}, today=date(2026, 11, 24))
    assert "total" not in given(result)


IN_WORDS = [("4215.0", "Четыре тысячи двести пятнадцать рублей 00 копеек"),
            ("18730.5", "Восемнадцать тысяч семьсот тридцать рублей 50 копеек"),
            ("962.0", "Девятьсот шестьдесят два рубля 00 копеек")]


def _sole_traders_bill(amount: str, words: str, vat_line: str = "В том числе НДС 0,00") -> str:
    return (f"Счет на оплату № 58 от 10 февраля 2026 г.\nПоставщик: ИП Соколова Анна Петровна, ИНН 500100732259\n"
            f"Итого: {amount}\n{vat_line}\nВсего к оплате: {amount}\nВсего наименований 3, на сумму {amount} руб.\n"
            f"{words}")


@pytest.mark.parametrize(("amount", "words"), IN_WORDS)
def test_a_one_place_total_the_sum_in_words_says_is_sure(amount: str, words: str) -> None:
    result = analyse([text_page(_sole_traders_bill(amount, words))], hints={"doc_type": "invoice"},
                     today=date(2026, 11, 24))
    assert given(result)["total"] == f"{Decimal(amount):.2f}"


@pytest.mark.parametrize(("amount", "words"), IN_WORDS)
def test_a_one_place_total_the_words_disagree_with_stays_unsure(amount: str, words: str) -> None:
    other = words.replace("рубл", "тысяч рубл", 1) if "тысяч" not in words else words.replace("тысяч", "", 1)
    result = analyse([text_page(_sole_traders_bill(amount, other))], hints={"doc_type": "invoice"},
                     today=date(2026, 11, 24))
    assert "total" not in given(result)


@pytest.mark.parametrize(("amount", "words"), IN_WORDS)
def test_a_bills_vat_line_printed_with_a_zero_is_no_vat(amount: str, words: str) -> None:
    """«В том числе НДС 0,00» and no other VAT amount: the seller pays no VAT, its program prints the line."""
    got = extract_fields("invoice", [text_page(_sole_traders_bill(amount, words))])
    assert got["vat"].value == "0.00"


def test_a_zero_vat_line_beside_a_vat_amount_gives_no_zero() -> None:
    text = _sole_traders_bill("4215.00", IN_WORDS[0][1], "В том числе НДС 0,00\nСумма НДС: 702,50")
    got = extract_fields("invoice", [text_page(text)])
    assert got.get("vat") is None or got["vat"].value != "0.00"


@pytest.mark.parametrize("seed", range(3))
def test_a_preambles_seat_ends_before_its_signatory(seed: int) -> None:
    """An act's preamble: «ООО «…» (далее — «Оператор»), … имеющее местонахождение <адрес> в лице директора …»."""
    rng = random.Random(seed)
    address = f"{digits(rng, 6, '3')}, г. Энск, ул. Лесная, д. {rng.randrange(1, 90)}, стр. {rng.randrange(1, 6)}"
    text = (f"АКТ оказания услуг № {rng.randrange(10, 999)} от 28.02.2026\n"
            f"ООО «Вектор» (далее — «Оператор»), организованное по законам Российской Федерации и имеющее "
            f"местонахождение {address} в лице генерального директора Иванова И. И., действующего на основании "
            f"Устава, с одной стороны, и АО «Рассвет» (далее — «Клиент»), с другой, составили настоящий Акт\n"
            f"Итого: 1200.00")
    got = extract_fields("act", [text_page(text)])
    assert got["seller_address"].value == address


SOLE_TRADERS = [("Соколова", "Анна", "Петровна"), ("Морозов", "Игорь", "Викторович"), ("Белова", "Ольга", "Ильинична")]


@pytest.mark.parametrize("misread", ["WN", "VIN", "Wn"])
@pytest.mark.parametrize(("surname", "name", "patronymic"), SOLE_TRADERS)
def test_a_sole_traders_form_read_in_latin_look_alikes_names_the_seller(
        misread: str, surname: str, name: str, patronymic: str) -> None:
    """«ИП» in a photo's small print read as «WN»: И as W (or VI), П as N, before the trader's full name."""
    text = (f"Счет на оплату № 58 от 10 февраля 2026 г.\n"
            f"Поставщик {misread} {surname} {name} {patronymic}, ИНН 500100732259, 143000, г. Энск, ул. Лесная, д. 4\n"
            f"Покупатель: ООО «Вектор», ИНН 7702070139")
    got = extract_fields("invoice", [text_page(text)])
    assert got["seller_name"].value == f"ИП {surname} {name} {patronymic}"


def test_latin_capitals_before_a_name_without_a_patronymic_are_no_sole_trader() -> None:
    text = ("Счет на оплату № 58 от 10 февраля 2026 г.\nПоставщик WN Лесная Торговая Компания, ИНН 500100732259\n"
            "Покупатель: ООО «Вектор», ИНН 7702070139")
    got = extract_fields("invoice", [text_page(text)])
    assert "seller_name" not in got or not got["seller_name"].value.startswith("ИП")


def _upd_text(currency_line: str) -> str:
    return ("Универсальный передаточный документ\nСчет-фактура № 318 от 12.05.2026 (1)\n"
            f"Продавец: ООО «Вектор» (2)\nИНН/КПП продавца: {inn10(random.Random(3))}//770101001 (2б)\n"
            f"{currency_line} (7)\nВсего к оплате 1000,00 Х 200,00 1200,00")


@pytest.mark.parametrize(("line", "code"), [
    ("Валюта: наименование, код Рубли, 643", "RUB"),  # a program's plural name
    ("Валюта: наименование, код Российский рубль, 643", "RUB"),
    ("Валюта: наименование, код Рубпи, 643", "RUB"),  # the name misread, its ОКВ code beside it read
    ("Валюта: наименование, код Доллар США, 840", "USD"),
    ("Валюта: наименование, код Евро, 978", "EUR"),
])
def test_a_currency_line_names_its_currency_by_name_or_by_its_numeric_code(line: str, code: str) -> None:
    """Line (7) of a УПД or счёт-фактура prints the currency's name and its ISO numeric (ОКВ) code; a program may
    print the name in the plural («Рубли»), and OCR may misread the name but read the code."""
    assert extract_fields("upd", [text_page(_upd_text(line))])["currency"].value == code


def test_a_currency_line_with_no_name_or_code_read_gives_no_currency() -> None:
    assert "currency" not in extract_fields("upd", [text_page(_upd_text("Валюта: наименование, код Рубпи, 6А3"))])


@pytest.mark.parametrize("seed", range(4))
def test_a_consignees_inn_above_the_buyers_labelled_one_is_not_the_buyers(seed: int) -> None:
    """A УПД printing its consignee in full on line (4) («Грузополучатель и его адрес: <company>, ИНН …, КПП …,
    <address>», goods delivered to another company) above line (6б) «ИНН/КПП покупателя: …»: the label naming the
    buyer says whose INN and KPP are the buyer's; the consignee's, read first under a buyer-side role, are not."""
    rng = random.Random(seed)
    seller, consignee, buyer = inn10(rng), inn10(rng), inn10(rng)
    text = (f"Универсальный передаточный документ\nСчет-фактура № {rng.randrange(10, 999)} от 12.05.2026 (1)\n"
            "Продавец: ООО «Вектор» (2)\nАдрес: 101000, г. Энск, ул. Лесная, д. 5 (2а)\n"
            f"ИНН/КПП продавца: {seller}//{seller[:4]}01001 (2б)\nГрузоотправитель и его адрес: он же (3)\n"
            f"Грузополучатель и его адрес: ООО «Склад», ИНН {consignee}, КПП {consignee[:4]}01001, 101000, г. Энск, "
            "ул. Полевая, д. 9 (4)\nПокупатель: АО «Рассвет» (6)\nАдрес: 101000, г. Энск, ул. Садовая, д. 2 (6а)\n"
            f"ИНН/КПП покупателя: {buyer} /{buyer[:4]}01001 (6б)\nВсего к оплате 1000,00 Х 200,00 1200,00")
    got = {k: v.value for k, v in extract_fields("upd", [text_page(text)]).items()}
    assert (got["seller_inn"], got["seller_kpp"]) == (seller, f"{seller[:4]}01001")
    assert (got["buyer_inn"], got["buyer_kpp"]) == (buyer, f"{buyer[:4]}01001")


def test_a_consignee_who_is_the_buyer_keeps_the_buyers_inn() -> None:
    rng = random.Random(9)
    buyer = inn10(rng)
    text = (f"Универсальный передаточный документ\nГрузополучатель и его адрес: АО «Рассвет», ИНН {buyer}, КПП "
            f"{buyer[:4]}01001 (4)\nПокупатель: АО «Рассвет» (6)\nИНН/КПП покупателя: {buyer} /{buyer[:4]}01001 (6б)")
    got = {k: v.value for k, v in extract_fields("upd", [text_page(text)]).items()}
    assert (got["buyer_inn"], got["buyer_kpp"]) == (buyer, f"{buyer[:4]}01001")
