"""Kinds of Russian documents whose fields are printed but read with their labels lost: generated cases (every
party, amount and word here is invented or drawn at random)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from decimal import Decimal

import pytest

from capture.types import PageText
from classify import extract_fields
from classify._layout import page_rows
from classify.normalise import amount_in_words_ru, find_currencies
from tests.classify.pagetext import page
from tests.classify.test_ru_forms import inn10

_ONES = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять", "одиннадцать",
         "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать",
         "девятнадцать"]
_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
         "девяносто"]
_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
             "девятьсот"]


def _under_thousand(n: int, *, feminine: bool = False) -> list[str]:
    out = [_HUNDREDS[n // 100]]
    rest = n % 100
    if rest < 20:
        out.append(_ONES[rest])
    else:
        out += [_TENS[rest // 10], _ONES[rest % 10]]
    if feminine and out[-1] in ("один", "два"):
        out[-1] = {"один": "одна", "два": "две"}[out[-1]]
    return [w for w in out if w]


def in_words(amount: Decimal) -> str:
    """``amount`` (under a million roubles) as a bill writes it out: «Десять тысяч … рублей 05 копеек»."""
    roubles, kopecks = int(amount), int(amount * 100) % 100
    words = []
    if roubles >= 1000:
        thousands = roubles // 1000
        last = thousands % 10 if thousands % 100 not in range(11, 20) else 0
        scale = "тысяча" if last == 1 else "тысячи" if last in (2, 3, 4) else "тысяч"
        words += [*_under_thousand(thousands, feminine=True), scale]
    words += _under_thousand(roubles % 1000)
    return f"{' '.join(words).capitalize()} рублей {kopecks:02d} копеек"


def test_amounts_in_words_generated_read_back() -> None:
    rng = random.Random(13)
    for _ in range(200):
        amount = Decimal(rng.randrange(1000, 99_999_999)) / 100
        assert amount_in_words_ru(in_words(amount), whole=True) == f"{amount:.2f}"


def test_an_amount_in_words_broken_by_a_misread_word_is_not_read_whole() -> None:
    """«Шесть тыкич четыреста рублей»: the thousands' word misread, what is left is no amount at all."""
    text = in_words(Decimal("6400.00")).replace("тысяч", "тыкич")
    assert amount_in_words_ru(text, whole=True) is None
    assert amount_in_words_ru(text) == "400.00"  # (read loosely, only the tail: why the whole reading is asked)


def _bill(rng: random.Random, *, words: Callable[[Decimal], str] = in_words,
          extra: str | None = None) -> tuple[PageText, Decimal]:
    """A bill whose totals' labels were lost (cut off at the page's edge: «Всего наименований N, на сум»), its
    lines' amounts and the total in figures alone at the right, the sum in words under the table."""
    amounts = [Decimal(rng.randrange(10_000, 2_000_000)) / 100 for _ in range(rng.randint(2, 5))]
    total = sum(amounts, Decimal(0))
    one_place = rng.random() < 0.5  # a program printing a float's one place («10995.0»)

    def shown(a: Decimal) -> str:
        return f"{a:.1f}" if one_place and a * 10 == int(a * 10) else f"{a:.2f}".replace(".", rng.choice(".,"))

    rows = [(100, 100, f"Счет на оплату № {rng.randint(10, 999)} от 10 февраля 2026 г."),
            (100, 200, "Поставщик: ООО «Лесная Тропа», ИНН 3445112072"),
            (100, 260, "Покупатель: ООО «Зелёный Мыс», ИНН 2903706140"),
            (100, 340, "Товары (работы, услуги) Кол-во Ед. Цена Сумма")]
    y = 400
    for n, a in enumerate(amounts, 1):
        rows.append((100, y, f"{n} Товар номер {n} 1 шт {shown(a)} {shown(a)}"))
        y += 50
    rows.append((1800, y + 40, shown(total)))
    if extra:
        rows.append((1800, y + 90, extra))
    rows.append((100, y + 160, f"Всего наименований {len(amounts)}, на сум"))
    rows.append((100, y + 200, words(total)))
    return page(rows, block_per_column=False), total


@pytest.mark.parametrize("seed", range(12))
def test_a_total_whose_label_was_lost_is_the_sum_in_words_printed_in_figures(seed: int) -> None:
    p, total = _bill(random.Random(seed))
    got = extract_fields("invoice", [p])
    assert got["total"].value == f"{total:.2f}"
    assert got["total"].confidence >= 0.5


def test_the_sum_in_words_alone_with_no_figures_of_it_is_no_total() -> None:
    rng = random.Random(3)
    p, _ = _bill(rng, words=lambda total: in_words(total + Decimal("1.50")))
    assert "total" not in extract_fields("invoice", [p])


def test_the_sum_in_words_under_a_larger_printed_amount_is_no_total() -> None:
    """The page prints an amount larger than the one in words: the words name some part (an advance, a line), not
    the total."""
    rng = random.Random(5)
    p, _ = _bill(rng, extra="4 999 999,50")
    assert "total" not in extract_fields("invoice", [p])


def test_the_vat_in_words_is_no_total() -> None:
    rng = random.Random(7)
    p, _ = _bill(rng, words=lambda total: "в т.ч. НДС " + in_words(total))
    assert "total" not in extract_fields("invoice", [p])


# -- a form's currency row: the rouble's name in any of its forms, or the currency's numeric code ----------------
def _upd_currency_row(value: str) -> PageText:
    return page([(100, 100, "Универсальный передаточный документ Счет-фактура № 17 от 03.03.2026 (1)"),
                 (400, 180, "Продавец: ООО «Лесная Тропа» (2)"),
                 (400, 220, "ИНН/КПП продавца: 3445112072/344501001 (2б)"),
                 (400, 300, "Покупатель: ООО «Зелёный Мыс» (6)"),
                 (400, 340, "ИНН/КПП покупателя: 2903706140/290301001 (6б)"),
                 (400, 380, f"Валюта: наименование, код {value} (7)")], block_per_column=False)


@pytest.mark.parametrize(("printed", "code"), [
    ("Рубли, 643", "RUB"), ("'Рубли, 643", "RUB"), ("Российский рубль, 643", "RUB"), ("рубль", "RUB"),
    ("xx oo 643", "RUB"),  # the name garbled, the code read
    ("Рубли, 810", "RUB"),  # the rouble's old code, still on some forms
    ("Доллар США, 840", "USD"), ("Евро, 978", "EUR"),
])
def test_a_forms_currency_row_by_the_roubles_word_or_the_numeric_code(printed: str, code: str) -> None:
    got = extract_fields("upd", [_upd_currency_row(printed)])
    assert got["currency"].value == code


def test_a_currency_rows_unknown_number_is_no_currency() -> None:
    assert "currency" not in extract_fields("upd", [_upd_currency_row("наименование 123")])


@pytest.mark.parametrize("word", ["рубли", "рублях", "рублями", "рублям", "рублю", "рублем", "Рублей", "РУБЛЯ"])
def test_the_roubles_word_in_every_case_is_a_rouble(word: str) -> None:
    assert find_currencies(f"Цены указаны в {word} с учетом НДС") == {"RUB": 1}


def test_a_word_that_begins_like_the_rouble_is_none() -> None:
    """«Рублёвское шоссе», a street named after a place: an address, no currency."""
    assert find_currencies("121609, г. Москва, Рублевское ш., д. 5") == {}


# -- a reading that gives some words twice: the same text in the same box, once on no line of its own -------------
def _twice(p: PageText, *, at: int) -> PageText:
    """``p`` with the words below ``at`` (a table's amounts) given again first, on line -1 (no line of their own),
    as a number reader merged into the page's words may give them."""
    again = [dataclasses.replace(w, line=-1, block=-1) for w in p.words if w.box[1] >= at]
    return dataclasses.replace(p, words=(*again, *p.words))


@pytest.mark.parametrize("seed", range(6))
def test_a_forms_totals_row_whose_amounts_were_read_twice(seed: int) -> None:
    """A УПД's goods table whose cells were read as bare amounts (labels lost), each amount given twice: its totals
    row (net, VAT, gross at a rate) is read once, as if given once."""
    rng = random.Random(seed)
    nets = [Decimal(rng.randrange(10_000, 900_000)) / 100 for _ in range(rng.randint(2, 4))]
    vats = [(n * Decimal("0.2")).quantize(Decimal("0.01")) for n in nets]
    rows = [(100, 100, f"Универсальный передаточный документ Счет-фактура № {rng.randint(10, 999)} от 03.03.2026 (1)"),
            (400, 180, "Продавец: ООО «Лесная Тропа» (2)"), (400, 220, "ИНН/КПП продавца: 3445112072/344501001 (2б)")]
    y = 1200
    for n, v in zip(nets, vats, strict=True):
        rows += [(1300, y, f"{n:.2f}".replace(".", ",")), (1900, y, f"{v:.2f}"), (2200, y, f"{n + v:.2f}")]
        y += 70
    net, vat = sum(nets, Decimal(0)), sum(vats, Decimal(0))
    rows += [(1300, y, f"{net:.2f}"), (1900, y, f"{vat:.2f}"), (2200, y, f"{net + vat:.2f}")]
    p = page(rows)
    once, twice = extract_fields("upd", [p]), extract_fields("upd", [_twice(p, at=1200)])
    assert once["total"].value == twice["total"].value == f"{net + vat:.2f}"
    assert once["vat"].value == twice["vat"].value == f"{vat:.2f}"


def test_two_printed_words_alike_in_two_boxes_are_both_kept() -> None:
    p = page([(100, 100, "Итого 100,00 100,00")])
    assert [r.text for r in page_rows(p)] == ["Итого 100,00 100,00"]
    assert [r.text for r in page_rows(_twice(p, at=0))] == ["Итого 100,00 100,00"]


# -- a счёт-фактура's or УПД's party lines with their labels lost: the form's line numbers say whose ---------------
def _numbered_form(rng: random.Random, seller_mark: str, buyer_mark: str, *, consignee: str = "(4)",
                   doc_title: str = "Универсальный передаточный документ") -> tuple[PageText, dict[str, str]]:
    """The form's left column (the labels «Продавец», «ИНН/КПП продавца» …) read as nothing, its values and the
    line numbers at the right read."""
    parties = {}
    for who in ("seller", "buyer", "consignee"):
        head = f"{rng.randint(10, 79):02d}{rng.randint(1, 99):02d}{rng.randint(10000, 99999)}"
        parties[f"{who}_inn"], parties[f"{who}_kpp"] = inn10(head), f"{head[:4]}01001"
    rows = [(100, 100, f"{doc_title} Счет-фактура № {rng.randint(10, 999)} от 03.03.2026 (1)"),
            (900, 280, f"{parties['seller_inn']}/{parties['seller_kpp']} {seller_mark}"), (900, 330, "(2а)"),
            (900, 420, f"{parties['consignee_inn']}/{parties['consignee_kpp']} {consignee}"),
            (900, 610, f"{parties['buyer_inn']}/{parties['buyer_kpp']} {buyer_mark}"), (900, 650, "(6а)")]
    return page(rows, block_per_column=False), parties


@pytest.mark.parametrize(("seller_mark", "buyer_mark"), [("(2б)", "(6б)"), ("(26)", "(66)"), ("(2b)", "(6)"),
                                                         ("(2)", "( 6б )")])
@pytest.mark.parametrize("doc_type", ["upd", "vat_invoice"])
def test_a_numbered_forms_party_pairs_by_their_line_numbers(seller_mark: str, buyer_mark: str, doc_type: str) -> None:
    p, parties = _numbered_form(random.Random(seller_mark + buyer_mark), seller_mark, buyer_mark)
    got = {k: v.value for k, v in extract_fields(doc_type, [p]).items()}
    for key in ("seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp"):
        assert got.get(key) == parties[key], key


def test_a_consignees_line_number_names_no_party() -> None:
    """Line (4), the consignee's, is neither the seller's nor the buyer's: its pair stays unread when the buyer's
    line number is lost too."""
    p, parties = _numbered_form(random.Random(1), "(2б)", "", consignee="(4)")
    got = {k: v.value for k, v in extract_fields("upd", [p]).items()}
    assert got.get("seller_inn") == parties["seller_inn"]
    assert parties["consignee_inn"] not in got.values()
    assert "buyer_inn" not in got or got["buyer_inn"] == parties["buyer_inn"]


def test_a_bills_numbers_in_brackets_name_no_party() -> None:
    """A bill has no numbered lines: a «(2)» after a pair there is no seller's line."""
    p, parties = _numbered_form(random.Random(2), "(2)", "(6)", doc_title="Счет на оплату")
    got = {k: v.value for k, v in extract_fields("invoice", [p]).items()}
    assert parties["buyer_inn"] not in got.values()
