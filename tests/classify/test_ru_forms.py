"""Other programs' print forms of Russian bills, acts and ТОРГ-12: party cells whose role label stands beside
their middle line, a bank's caption over the payee's INN, an INN label ending its column, acts titled in words
of their own. Generated cases; every party, number and address here is invented."""

from __future__ import annotations

from datetime import date

from classify import analyse, extract_fields
from tests.classify.pagetext import page, text_page
from tests.classify.test_ru_noisy import given

TODAY = date(2026, 11, 24)


def inn10(head: str) -> str:
    """A ten-digit INN with its check digit, from nine digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return head + str(sum(int(d) * w for d, w in zip(head, weights, strict=True)) % 11 % 10)


SELLER_INN, BUYER_INN = inn10("344511207"), inn10("290370614")


def _values(doc_type: str, p) -> dict[str, str]:
    return {k: v.value for k, v in extract_fields(doc_type, [p]).items()}


def test_a_waybills_party_cells_with_the_role_beside_their_middle_line() -> None:
    """ТОРГ-12 as a web program prints it: each party's text wraps over two or three lines, its role label
    stands left of the second, and «ИНН:» ends the first line with a codes box beside it."""
    p = page([
        (1900, 100, "Унифицированная форма № ТОРГ-12"),
        (500, 200, "ООО «Вектор»; Адрес: 344011, г. Ростов-на-Дону, ул. Садовая, д. 9; ИНН:"), (2300, 200, "Код"),
        (100, 240, f"Грузоотправитель {SELLER_INN}; Расчетный счет: 40702810900000001234"),
        (500, 320, f"АО «Рассвет», Адрес: 163000, г. Архангельск, ул. Попова, д. 3, ИНН: {BUYER_INN} КПП:"),
        (100, 360, "Грузополучатель 290101001 Банк: ПАО Банк"),
        (500, 440, "ООО «Вектор»; Адрес: 344011, г. Ростов-на-Дону, ул. Садовая, д. 9; ИНН:"),
        (100, 480, f"Поставщик {SELLER_INN}; Расчетный счет: 40702810900000001234"),
        (500, 560, f"АО «Рассвет», Адрес: 163000, г. Архангельск, ул. Попова, д. 3, ИНН: {BUYER_INN} КПП:"),
        (100, 600, "Плательщик 290101001 Банк: ПАО Банк"),
        (100, 680, "Основание По заказу № 47 от 02.03.2026 г."),
    ], block_per_column=False)
    got = _values("waybill", p)
    assert got["seller_inn"] == SELLER_INN
    assert got["buyer_inn"] == BUYER_INN
    assert got["order_no"] == "47"


def test_a_short_number_without_its_sign_is_no_order() -> None:
    text = f"Товарная накладная № 5 от 02.03.2026\nПоставщик ООО «Вектор», ИНН {SELLER_INN}\nЗаказ 12 шт."
    assert "order_no" not in _values("waybill", text_page(text))


def test_the_payees_inn_under_its_banks_caption_is_the_sellers() -> None:
    """A 1C-style bill whose supplier line prints no INN: the payment block's «Банк получателя» caption ends the
    bank's cell; the INN row under it is the payee's (the seller's), not the bank's."""
    text = "\n".join([
        "ООО «Вектор»", "Образец заполнения платежного поручения", "Банк ПАО Банк БИК 044525000",
        "Банк получателя Сч. № 30101810400000000225",
        f"ИНН {SELLER_INN} КПП 344501001 Сч. № 40702810900000001234", "ООО «Вектор»", "Получатель",
        "Счет на оплату №75 от 02.03.2026 г.", "Поставщик:ООО «Вектор»",
        f"Покупатель:АО «Рассвет»; ИНН: {BUYER_INN}; КПП: 290101001", "Всего к оплате: 1 200,00"])
    got = _values("invoice", text_page(text))
    assert got["seller_inn"] == SELLER_INN
    assert got["seller_kpp"] == "344501001"
    assert got["buyer_inn"] == BUYER_INN


def test_a_banks_own_inn_on_its_captions_row_is_no_partys() -> None:
    text = "\n".join([f"Банк получателя: ПАО Банк, ИНН {BUYER_INN}", "Счет на оплату № 75 от 02.03.2026",
                      f"Поставщик: ООО «Вектор», ИНН {SELLER_INN}", "Всего к оплате: 1 200,00"])
    got = _values("invoice", text_page(text))
    assert got["seller_inn"] == SELLER_INN
    assert "buyer_inn" not in got


def test_an_act_titled_in_words_of_its_own_gives_its_number_and_date() -> None:
    text = "\n".join([
        "ООО «Вектор»", "АКТ приема-передачи услуг №318 от 14.02.2026 г.",
        "ООО «Вектор», именуемый в дальнейшем Исполнитель, с одной стороны, и АО «Рассвет», подписали настоящий",
        "акт к Договору", "№ 318/Д от 01.02.2026 г. о нижеследующем:", "Итого: 5 210,00"])
    got = given(analyse([text_page(text)], hints={"doc_type": "act"}, today=TODAY))
    assert got["number"] == "318"
    assert got["date"] == "2026-02-14"
