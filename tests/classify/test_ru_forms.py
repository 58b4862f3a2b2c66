"""Other programs' print forms of Russian bills, acts and ТОРГ-12: party cells whose role label stands beside
their middle line, a bank's caption over the payee's INN, an INN label ending its column, acts titled in words
of their own. Generated cases; every party, number and address here is invented."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

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


def test_an_acts_date_is_its_titles_not_its_contracts() -> None:
    """«от» read in Latin look-alikes after the act's number; the basis line's contract date is another paper's."""
    text = "\n".join(["Акт выполненных работ № 52 ot 7 марта 2026 г.",
                      f"Исполнитель: ООО «Вектор», ИНН {SELLER_INN}",
                      "Основание: Договор № 14/26 от 11.01.2026", "Итого: 5 210,00"])
    assert _values("act", text_page(text))["date"] == "2026-03-07"


def test_a_bills_payee_under_its_bank_is_the_seller_not_the_bank() -> None:
    """The payment block: the bank's name (with its БИК) first, the payee's name over «Получатель»; the supplier
    line below prints the payee's name with its INN (its role label lost in reading)."""
    text = "\n".join([
        "АО «Светлый Банк» БИК 044525000", "Банк получателя Сч. № 30101810400000000225",
        f"ИНН {SELLER_INN} Сч. № 40702810900000001234", "ИП Лебедева Анна Сергеевна", "Получатель",
        "Счет на оплату № 75 от 02.03.2026 г.",
        f"ИП Лебедева Анна Сергеевна, ИНН {SELLER_INN}, 344011, г. Ростов-на-Дону, ул. Садовая, д. 9",
        f"Покупатель: АО «Рассвет», ИНН {BUYER_INN}", "Всего к оплате: 1 200,00"])
    got = given(analyse([text_page(text)], hints={"doc_type": "invoice"}, today=TODAY))
    assert got["seller_name"] == "ИП Лебедева Анна Сергеевна"
    assert got["seller_address"] == "344011, г. Ростов-на-Дону, ул. Садовая, д. 9"


def test_a_quote_mark_read_beside_the_opening_guillemet_is_dropped() -> None:
    text = f"Акт № 52 от 07.03.2026\nИсполнитель: ООО «“Вектор», ИНН {SELLER_INN}\nИтого: 5 210,00"
    assert _values("act", text_page(text))["seller_name"] == "ООО «Вектор»"


def test_the_sellers_inn_printed_again_in_the_signatories_block_is_not_the_buyers() -> None:
    """A УПД whose buyer INN label OCR read as «WHH/KNN»; the signatories' blocks repeat both parties' INN/KPP."""
    text = "\n".join([
        "Счёт-фактура № 12 от 02.03.2026", "Продавец: ООО «Вектор»",
        f"ИНН/КПП продавца: {SELLER_INN}/344501001", "Покупатель: АО «Рассвет»",
        f"WHH/KNN покупателя: {BUYER_INN}/290101001",
        f"Ответственный: ООО «Вектор», ИНН/КПП {SELLER_INN}/344501001 ООО «Рассвет», ИНН/КПП {BUYER_INN}/290101001"])
    got = _values("upd", text_page(text))
    assert (got["seller_inn"], got["buyer_inn"], got["buyer_kpp"]) == (SELLER_INN, BUYER_INN, "290101001")
    repeated = text.replace(f"WHH/KNN покупателя: {BUYER_INN}/290101001", "нечитаемо")
    got = _values("upd", text_page(repeated))
    assert got["buyer_inn"] == BUYER_INN and got.get("buyer_kpp") == "290101001"


def test_a_kpp_read_in_one_word_with_a_misread_inn_is_flagged_when_that_word_is_unsure() -> None:
    misread = SELLER_INN[:-1] + str((int(SELLER_INN[-1]) + 1) % 10)  # its check digit fails
    text = f"Счёт-фактура № 12 от 02.03.2026\nПродавец: ООО «Вектор»\nИНН/КПП продавца: {misread}/344501001"
    unsure = extract_fields("vat_invoice", [text_page(text, confidence=0.5)])["seller_kpp"]
    sure = extract_fields("vat_invoice", [text_page(text)])["seller_kpp"]
    assert unsure.confidence < 0.5 <= sure.confidence


def test_an_address_with_a_latin_letter_for_the_house_marker_or_an_empty_part_is_flagged() -> None:
    for address in ("344011, г. Ростов-на-Дону, A. 9", "344011, . Ростов-на-Дону, ул. Садовая, д. 9",
                    "г. Садовая, ул., д. 9"):
        text = _bill_row(address)
        assert "seller_address" not in given(analyse([text_page(text)], hints={"doc_type": "invoice"}, today=TODAY))
    whole = _bill_row("344011, г. Ростов-на-Дону, ул. Садовая, д. 9")
    assert given(analyse([text_page(whole)], hints={"doc_type": "invoice"}, today=TODAY))["seller_address"] == (
        "344011, г. Ростов-на-Дону, ул. Садовая, д. 9")


def _bill_row(address: str) -> str:
    return "\n".join(["Счет на оплату № 75 от 02.03.2026 г.",
                      f"Поставщик (Исполнитель): ООО «Вектор», ИНН {SELLER_INN}, {address}",
                      f"Покупатель (Заказчик): АО «Рассвет», ИНН {BUYER_INN}", "Всего к оплате: 1 200,00"])


def test_a_statutes_date_wrapped_under_its_reference_is_not_the_documents() -> None:
    """A счёт-фактура's header: «к постановлению Правительства …» over «от 26 мая 2011 г. № 900»; the title's
    own number and date read only as «… 14.04.2026 (1)»."""
    text = "\n".join(["Приложение № 1", "к постановлению Правительства Российской Федерации",
                      "от 26 мая 2011 г. № 900", "`` 57 14.04.2026 (1)", "Продавец: ООО «Вектор»"])
    assert _values("vat_invoice", text_page(text))["date"] == "2026-04-14"


def test_a_statutory_forms_first_address_with_its_sellers_rows_unread_is_flagged() -> None:
    """The seller's rows read as noise; the first legible address is the consignee's (its label unread too)."""
    text = "\n".join(["Счёт-фактура № 57 от 14.04.2026 (1)", "Е ЛИ ЕЯ = = (2)", "ARE ce eee ak Pe ane (2а)",
                      "we AN Трейд», 163000, г. Архангельск, ул. Попова, д. 3 (4)", "Валюта: российский рубль"])
    got = given(analyse([text_page(text)], hints={"doc_type": "vat_invoice"}, today=TODAY))
    assert "seller_address" not in got
    readable = text.replace("Е ЛИ ЕЯ = = (2)", "Продавец: ООО «Вектор»").replace(
        "ARE ce eee ak Pe ane (2а)", "Адрес: 344011, г. Ростов-на-Дону, ул. Садовая, д. 9 (2а)")
    got = given(analyse([text_page(readable)], hints={"doc_type": "vat_invoice"}, today=TODAY))
    assert got["seller_address"] == "344011, г. Ростов-на-Дону, ул. Садовая, д. 9"


def test_an_order_number_read_unsurely_on_a_russian_document_is_flagged() -> None:
    def read(confidence: float) -> float:
        p = page([(100, 100, "Акт № 52 от 07.03.2026"), (100, 160, f"Исполнитель: ООО «Вектор», ИНН {SELLER_INN}"),
                  (100, 220, "Основание: Договор № 14 от 11.01.2026, Заказ № 2026-418")])
        words = tuple(w if w.text != "2026-418" else type(w)(w.text, confidence, w.box, w.line, w.block)
                      for w in p.words)
        return extract_fields("act", [type(p)(p.number, p.width, p.height, words)])["order_no"].confidence

    assert read(0.3) < 0.5 <= read(0.9)


def test_an_acts_title_with_its_first_word_lost_still_names_it() -> None:
    text = "\n".join(["_-«-<мередачи услуг №318 от 14.02.2026 г",
                      "ООО «Вектор», именуемое в дальнейшем Исполнитель, и АО «Рассвет», именуемое Заказчик,",
                      "подписали настоящий акт к Договору оказания услуг № 318/Д", "Итого: 5 210,00"])
    result = analyse([text_page(text)], today=TODAY)
    assert result.doc_type == "act"
    assert given(result)["number"] == "318"
    bill = "Счет на оплату услуг № 44 от 02.03.2026\nПоставщик: ООО «Вектор»\nВсего к оплате: 1 200,00"
    assert analyse([text_page(bill)], today=TODAY).doc_type == "invoice"


def _goods_rows(nets: list[Decimal], rate: int) -> list[str]:
    rows = []
    for n, net in enumerate(nets, 1):
        vat = (net * rate / 100).quantize(Decimal("0.01"))
        rows.append(f"{n} | Товар {n} | 796 | шт | 1 | {_ru(net)} | {_ru(net)} | без акциза | {rate}% | {_ru(vat)} | "
                    f"{_ru(net + vat)} | --")
    return rows


def _ru(amount: Decimal) -> str:
    whole, kop = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{kop}"


def _table_form(nets: list[Decimal], rate: int, totals: str, *, drop: int | None = None) -> str:
    """A счёт-фактура whose totals row lost its label in reading (noise where «Всего к оплате» stood)."""
    goods = _goods_rows(nets, rate)
    if drop is not None:  # a goods row whose gross was misread: no pair, missing from the sum
        goods[drop] = goods[drop].rsplit("|", 2)[0] + "| 6S6,0~ | --"
    return "\n".join(["Счёт-фактура № 17 от 03.03.2026", f"Продавец: ООО «Вектор» ИНН/КПП {SELLER_INN}/344501001",
                      *goods, totals, "Руководитель организации"])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("drop", [None, 0])
def test_a_statutory_tables_unlabelled_totals_row_by_its_arithmetic(seed: int, drop: int | None) -> None:
    """The totals row of a счёт-фактура, УПД or ТОРГ-12 read with its label as noise: the lowest row whose net and
    gross agree at a VAT rate, the goods rows above it adding up to it (one misread goods row may be missing),
    gives the total and the VAT (gross less net)."""
    rng = random.Random(seed)
    rate = rng.choice([20, 10])
    nets = [Decimal(rng.randrange(10_000, 9_000_000)) / 100 for _ in range(rng.randrange(2, 6))]
    vats = [(n * rate / 100).quantize(Decimal("0.01")) for n in nets]
    net, vat = sum(nets, Decimal(0)), sum(vats, Decimal(0))
    totals = f"] || fv PE || {_ru(net)} | ee | 8 2S {_ru(vat)[-6:]} {_ru(net + vat)}"
    for doc_type in ("vat_invoice", "upd", "waybill"):
        got = given(analyse([text_page(_table_form(nets, rate, totals, drop=drop))], hints={"doc_type": doc_type},
                            today=TODAY))
        assert got.get("total") == f"{net + vat:.2f}", doc_type
        assert got.get("vat") == f"{vat:.2f}", doc_type


def test_a_goods_row_larger_than_the_last_pair_row_is_no_totals_row() -> None:
    """The arithmetic never makes a goods row the total: with the totals row unread, the last goods row holds no
    more than one above it, so nothing is given."""
    nets = [Decimal("9100.00"), Decimal("2500.50")]
    text = _table_form(nets, 20, "Всего к оплате ~~ ee ##")
    got = given(analyse([text_page(text)], today=TODAY))
    assert "total" not in got


def _misread(inn: str) -> str:
    """The INN with one digit misread: its check digit fails."""
    return inn[:3] + str((int(inn[3]) + 2) % 10) + inn[4:]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("seller_inn", ["misread", "digit too many"])
def test_the_row_after_the_sellers_with_its_role_unread_is_the_buyers(seed: int, seller_inn: str) -> None:
    """An act or a bill whose seller's INN was misread (its check fails, or a digit too many) and whose buyer's
    role word went unread: the buyer's INN on the next party row is not the seller's; on a bill or an act it
    is the buyer's."""
    rng = random.Random(seed)
    seller = inn10(f"{rng.randrange(10**8, 10**9)}")
    buyer = inn10(f"{rng.randrange(10**8, 10**9)}")
    read = _misread(seller) if seller_inn == "misread" else seller + str(rng.randrange(10))
    for doc_type, title, roles in (("act", "Акт № 31 от 14.02.2026", "Исполнитель"),
                                   ("invoice", "Счет на оплату № 31 от 14.02.2026", "Поставщик (Исполнитель):")):
        text = "\n".join([title, f"{roles} ООО «Вектор», ИНН {read}, КПП 344501001, 344011, г. Ростов-на-Дону",
                          f"Зака ООО «Рассвет», ИНН {buyer}, КПП 290101001, 163000, г. Архангельск",
                          "Итого: 5 210,00"])
        got = _values(doc_type, text_page(text))
        assert got.get("seller_inn") is None, doc_type
        assert got.get("seller_kpp") != "290101001", doc_type
        assert got.get("buyer_inn") == buyer, doc_type


def test_on_a_form_with_consignees_an_unroled_row_after_the_sellers_is_nobodys() -> None:
    """A УПД's row after the seller's (its INN read) with no role read may be a consignor's or a consignee's."""
    text = "\n".join(["Счёт-фактура № 12 от 02.03.2026", f"Продавец: ООО «Вектор», ИНН {_misread(SELLER_INN)}",
                      f"еe ww АО «Рассвет», ИНН {BUYER_INN}", "Валюта: Российский рубль"])
    got = _values("upd", text_page(text))
    assert got.get("seller_inn") is None
    assert got.get("buyer_inn") is None


def test_a_buyers_role_word_misread_on_its_row_still_names_it() -> None:
    """«Пожузатель» for «Покупатель» on the row after the seller's (which printed no INN): the buyer's INN."""
    text = "\n".join(["Счет на оплату № 26 от 20.09.2026 г.", "Поставщик ООО «Вектор»",
                      f"Пожузатель АО «Рассвет», ИНН: {BUYER_INN} КПП: 290101001", "Итого: 1 599,00"])
    got = _values("invoice", text_page(text))
    assert got.get("buyer_inn") == BUYER_INN
    assert "seller_inn" not in got


def test_the_preambles_second_party_is_not_the_seller() -> None:
    """An act photographed with its title and first party cut off: the name after «и» is the preamble's second party
    (the customer), not the seller, so no seller's name is given."""
    text = "\n".join(["в лице директора Петрова И. И., действующего на основании Устава,",
                      "и АО «Рассвет», именуемое в", "дальнейшем «Заказчик», подписали настоящий акт о нижеследующем:",
                      "1 Работа 1 шт 1 200,00 1 200,00", "Итого: 1 200,00"])
    got = given(analyse([text_page(text)], hints={"doc_type": "act"}, today=TODAY))
    assert got.get("seller_name") != "АО «Рассвет»"
    first = "ООО «Вектор», именуемое в дальнейшем «Исполнитель», в лице директора Петрова И. И.,\n" + text
    assert given(analyse([text_page(first)], hints={"doc_type": "act"}, today=TODAY)).get("seller_name") == (
        "ООО «Вектор»")


@pytest.mark.parametrize("ob", ["об", "06", "o6", "0б"])
def test_an_acts_title_with_ob_read_in_digit_look_alikes(ob: str) -> None:
    """«Акт об оказании услуг № … от …» with «об» read as «06»: the title's number and date, not «06» nor the basis
    line's contract date."""
    text = "\n".join([f"Акт {ob} оказании услуг № 26-4410 от 12 марта 2026 г.",
                      f"Исполнитель ООО «Вектор», ИНН {SELLER_INN}", "Основание: Договор № 7 от 11.01.2026",
                      "Итого: 5 210,00"])
    result = analyse([text_page(text)], today=TODAY)
    got = given(result)
    assert result.doc_type == "act"
    assert got["number"] == "26-4410"
    assert got["date"] == "2026-03-12"


def test_a_total_read_alike_twice_outvotes_a_larger_misread_vat() -> None:
    """The VAT's kopecks separator lost («НДС 20%: 522483» for 5 224,83) makes it larger than the total; the total
    read alike on two rows stands (and the VAT is not given), read once it is flagged."""
    rows = ["Акт № 52 от 07.03.2026", f"Исполнитель: ООО «Вектор», ИНН {SELLER_INN}", "Итого: 31 349,00",
            "В том числе НДС 20%: 522483", "Всего оказано услуг 4, на сумму 31 349,00 руб."]
    got = given(analyse([text_page("\n".join(rows))], hints={"doc_type": "act"}, today=TODAY))
    assert got["total"] == "31349.00"
    assert "vat" not in got
    once = given(analyse([text_page("\n".join(rows[:-1]))], hints={"doc_type": "act"}, today=TODAY))
    assert "total" not in once
