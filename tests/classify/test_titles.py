"""The document's own title decides its type; body words do not outvote it (generated texts)."""

from __future__ import annotations

import random

import pytest

from capture.types import OcrWord, PageText
from classify import analyse, classify_text, extract_fields
from classify._title import RULES, find_title, numbered, text_lines

# body words of a contract («Исполнитель», «Заказчик», «договор», «стороны») under each title
BODY = ("Исполнитель: ООО «Альфа», именуемое в дальнейшем Исполнитель, и Заказчик: ООО «Бета»\n"
        "по договору № 7 от 01.02.2026; стороны договора претензий не имеют. Предмет договора: услуги.\n"
        "Реквизиты сторон. Ответственность сторон. Заказчик. Исполнитель. Договор.")


@pytest.mark.parametrize(("title", "doc_type"), [
    ("Счет на оплату № 315 от 4 марта 2026 г.", "invoice"),
    ("Счет-оферта № 12 от 04.03.2026", "invoice"),
    ("СЧЕТ-ДОГОВОР № 88 от 04.03.2026", "invoice"),
    ("Счёт № 5 от 04.03.2026", "invoice"),
    ("Акт № 41 от 04.03.2026", "act"),
    ("АКТ выполненных работ", "act"),
    ("Акт об оказании услуг № 3", "act"),
    ("Акт сверки взаимных расчетов за 1 квартал", "other"),
    ("ТОВАРНАЯ НАКЛАДНАЯ № 77 от 04.03.2026", "waybill"),
    ("Счет-фактура № 901 от 4 марта 2026 г.", "vat_invoice"),
    ("КАССОВЫЙ ЧЕК", "receipt"),
    ("ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ", "z_report"),
    ("Договор № 14 от 04.03.2026", "contract"),
])
def test_title_outvotes_body_words(title: str, doc_type: str) -> None:
    got, confidence = classify_text(f"ООО «Альфа»\n{title}\n{BODY}")
    assert got == doc_type
    assert confidence >= 0.55  # the title's word is trusted, not sent to review for the body's words


def test_upd_named_beside_its_vat_invoice_line() -> None:
    text = "Универсальный передаточный документ   Счет-фактура № 12 от 04.03.2026\nСтатус: 1\nПродавец: ООО «Альфа»"
    assert classify_text(text)[0] == "upd"
    text = "Статус: 2   Счет-фактура № 12 от 04.03.2026 (1)\nПродавец: ООО «Альфа»\nТовар (груз) передал"
    assert classify_text(text)[0] == "upd"


def test_english_titles() -> None:
    bill = "INVOICE\nInvoice No. 55 dated 3 March 2026\nBill to: Beta LLC\nAmount due 10.00"
    assert classify_text(bill)[0] == "invoice"
    assert classify_text("Beta Shop\nRECEIPT\nTotal 10.00\nCash 20.00\nChange 10.00")[0] == "receipt"
    # a tax invoice may be a VAT invoice or a till slip: the rules choose between them
    slip = "Beta Mart\nTAX INVOICE\nCashier: 3\nTotal 10.60\nCash 20.00\nChange 9.40\nThank you, please come again"
    assert classify_text(slip)[0] == "receipt"


def test_agreement_raises_confidence() -> None:
    _, agreed = classify_text("Счет на оплату № 5 от 04.03.2026\nБанк получателя БИК 044525225\nВсего к оплате")
    _, disagreed = classify_text(f"Счет на оплату № 5 от 04.03.2026\n{BODY}")
    assert agreed > disagreed


def test_title_lines_are_sure_when_numbered() -> None:
    assert numbered("Счет на оплату № 315 от 4 марта 2026 г.")
    assert numbered("Invoice No. INV-7 dated 03.03.2026")
    assert not numbered("Утверждена постановлением от 25.12.1998 № 132")  # a date, then another paper's number
    title = find_title(text_lines("ООО «Альфа»\nДоговор № 3 от 01.01.2026\nАкт выполненных работ"))
    assert title is not None and title.types == ("contract",)  # the numbered line first


def test_every_rule_names_known_types() -> None:
    from classify import DOC_TYPES

    assert all(set(rule.types) <= set(DOC_TYPES) and set(rule.over) <= set(DOC_TYPES) for rule in RULES)


def _page(lines: list[tuple[str, int]]) -> PageText:
    """Lines of (text, letter height in px), one under another."""
    words, y = [], 100
    for n, (text, h) in enumerate(lines):
        x = 100
        for word in text.split():
            words.append(OcrWord(word, 0.95, (x, y, x + len(word) * h // 2, y + h), n, 0))
            x += (len(word) + 1) * h // 2
        y += h * 2
    return PageText(1, 2480, 3508, tuple(words))


def test_large_print_makes_a_sure_title_line() -> None:
    # a contract in large print with its annex, an act, named in small print at the head: the large decides
    lines = [("ООО «Альфа» ИНН 7707083893", 30), ("ДОГОВОР ПОСТАВКИ", 60), ("Акт приема-передачи: приложение 1", 30)]
    body = [(line, 30) for line in BODY.splitlines()]
    assert analyse([_page(lines + body)]).doc_type == "contract"
    same = [(text, 30) for text, _ in lines]
    assert analyse([_page(same + body)]).doc_type == "act"  # all of one size: the table's order decides


def test_upd_whose_side_box_wraps_its_name() -> None:
    text = ("Универсальный\nСчет-фактура № 20 от 26.10.2025 (1)\nпередаточный документ (акт)\n"
            "Продавец: ООО «Альфа» (2)\n(акт) Документ об отгрузке: № 1-2 от 26.10.2025")
    assert classify_text(text)[0] == "upd"


def test_upd_side_box_words_as_ocr_misreads_them() -> None:
    """A photo's reading loses letters of the side box's «Универсальный / передаточный»; a word read alike
    still names the УПД over its «Счёт-фактура №» line, and alone names it too."""
    text = "ниверсальным mm\nпердаточны Счёт-фактура № 13 от 1 июня 2025 г.\nдокумент Продавец: ООО «Альфа»"
    assert classify_text(text)[0] == "upd"
    alone = find_title(text_lines("ерсальный — | Cust-cpaxtypa № YT-9345\nот 16.04.2025"))
    assert alone is not None and alone.types == ("upd",)
    # an ordinary word of a VAT invoice's head is not one of them
    plain = find_title(text_lines("Счёт-фактура № 13 от 01.06.2025\nВалюта: наименование, код"))
    assert plain is not None and plain.types == ("vat_invoice",)


@pytest.mark.parametrize("title", ["Счет.договор № 25-0356 от 4 июня 2025 г.", "Счет_оферта № 7 от 04.03.2026",
                                   "СЧЕТ, ДОГОВОР № 88 от 04.03.2026"])
def test_a_mark_read_for_a_compound_titles_hyphen(title: str) -> None:
    assert classify_text(f"Получатель\n{title}\n{BODY}")[0] == "invoice"


@pytest.mark.parametrize("verb", ["переданы", "передана", "передаточного"])
def test_a_side_box_word_alike_inside_a_row_of_prose_names_no_upd(verb: str) -> None:
    """A word read alike to the УПД side box's «передаточный» counts where the box stands, beginning its row; inside
    an act's prose («2. Права … переданы в полном объеме») it is an ordinary word."""
    text = f"2. Права на результаты работ {verb} в полном объеме\nИтого: 4 100,00"
    found = find_title(text_lines(text))
    assert found is None or "upd" not in found.types


@pytest.mark.parametrize(("sentence", "doc_type"), [
    ("4. Настоящий акт подписан в двух экземплярах, по одному для каждой из Сторон.", "act"),
    ("Оплата настоящего счета означает согласие с условиями поставки товара.", "invoice"),
    ("9. Настоящий Договор вступает в силу с момента его подписания Сторонами.", "contract"),
])
def test_a_document_whose_title_went_unread_names_itself_in_its_body(sentence: str, doc_type: str) -> None:
    """The title cut off by a photo's frame: «Настоящий акт …», «настоящего счета», «Настоящий Договор …» in the
    body names the type (as a head line's title, no surer)."""
    text = "\n".join(["и ООО «Рассвет», именуемое в дальнейшем Заказчик, подписали о нижеследующем:",
                      "№ Наименование Кол-во Ед. Цена Сумма", "1 Работа 1 шт 1 200,00 1 200,00",
                      "Итого: 1 200,00", sentence])
    assert classify_text(text)[0] == doc_type
    # a title, where one is read, decides still
    assert classify_text("Счет на оплату № 5 от 02.03.2026\n" + text)[0] == "invoice"


@pytest.mark.parametrize(("title", "doc_type"), [
    ("СЧЕТ - ФАКТУРА № 901 от 04.03.2026", "vat_invoice"),
    ("Счет – фактура № 901 от 04.03.2026", "vat_invoice"),
    ("Счёт—фактура № 901 от 04.03.2026", "vat_invoice"),
    ("Счёт. фактура № 901 от 04.03.2026", "vat_invoice"),
    ("СЧЕТ - ОФЕРТА № 12 от 04.03.2026", "invoice"),
    ("Счет – договор № 88 от 04.03.2026", "invoice"),
    ("Акт сдачи - приемки работ № 4 от 04.03.2026", "act"),
    ("ТОВАРНО – ТРАНСПОРТНАЯ НАКЛАДНАЯ № 6 от 04.03.2026", "waybill"),
])
def test_a_titles_hyphen_printed_spaced_as_a_dash_or_read_as_a_mark(title: str, doc_type: str) -> None:
    """How a compound title's hyphen is printed (spaced, a dash) or read (a full stop) is no part of the title:
    the type, and the number and date after it, are read alike."""
    text = f"ООО «Альфа»\n{title}\n{BODY}"
    assert classify_text(text)[0] == doc_type
    got = extract_fields(doc_type, [_page([("ООО «Альфа» ИНН 7707083893", 30), (title, 30)])])
    assert got["number"].value in ("901", "12", "88", "4", "6") and got["date"].value == "2026-03-04"


@pytest.mark.parametrize(("title", "doc_type"), [("С Ч Е Т - Ф А К Т У Р А № 901 от 04.03.2026", "vat_invoice"),
                                               ("А К Т № 4 от 04.03.2026", "act")])
def test_a_title_printed_letter_spaced(title: str, doc_type: str) -> None:
    assert classify_text(f"ООО «Альфа»\n{title}\n{BODY}")[0] == doc_type


def test_a_hyphen_inside_a_patterns_class_is_left_as_it_is() -> None:
    from classify._labels import HYPHEN, any_hyphen

    assert any_hyphen("[а-я]{4,}и|(?:-[а-я]+)") == "[а-я]{4,}и|(?:-[а-я]+)"
    assert any_hyphen("счет[- ]?фактур") == f"счет{HYPHEN}?фактур"
    assert any_hyphen("сдачи-приемки") == f"сдачи{HYPHEN}приемки"


# -- a title on a page read mostly as noise (a phone photo: the desk, a crumpled sheet, specks) ---------------
NOISE_CHARS = "eaorsнтоа~—=.,«»|"
# titles as OCR reads them off such a photo: Latin twins for Cyrillic letters, letters for digits, a bold
# title read broken at other places than its words
NOISY_TITLES = [
    ("TOBAPHAЯ HAKЛAДHAЯ № {n}", "waybill"),
    ("Унифицированная форма № TOPГ-I2", "waybill"),
    ("ТОВАРН АЯН АКЛА ДН АЯ № {n}", "waybill"),
    ("AKT № {n} oт {d}", "act"),
    ("С ЧЕТ-ФАК ТУРА № {n} от {d}", "vat_invoice"),
    ("CЧET HA ОП ЛАТУ № {n}", "invoice"),
    ("KACCOBЫЙ ЧЕК", "receipt"),
]


def _noisy_page(rng: random.Random, title: str, at: int) -> PageText:
    """Rows of specks and desk read as noise (confidence 0.2), the title among them read surely."""
    lines = [" ".join("".join(rng.choice(NOISE_CHARS) for _ in range(rng.randint(1, 5)))
                      for _ in range(rng.randint(2, 7))) for _ in range(at + 8)]
    lines[at] = title
    words = []
    for n, line in enumerate(lines):
        x = 100
        for text in line.split():
            box = (x, 100 + 40 * n, x + 20 * len(text), 132 + 40 * n)
            words.append(OcrWord(text, 0.95 if n == at else 0.2, box, n))
            x += 20 * (len(text) + 1)
    return PageText(number=1, width=2480, height=3508, words=tuple(words))


@pytest.mark.parametrize(("title", "doc_type"), NOISY_TITLES)
@pytest.mark.parametrize("seed", range(3))
def test_the_title_decides_on_a_page_of_noise(title: str, doc_type: str, seed: int) -> None:
    from classify import default_classifier

    rng = random.Random(seed)
    text = title.format(n=rng.randint(2, 999), d=f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2026")
    at = rng.choice((2, 18, 30))  # the head's 15 rows count rows read as text, not the noise above
    got = analyse([_noisy_page(rng, text, at)], model=default_classifier())
    assert got.doc_type == doc_type
    assert got.confidence >= 0.55  # a clear title is not sent to `other` (nor to review) by the noise


def test_a_latin_word_of_twins_stays_latin_on_an_english_page() -> None:
    from classify._title import title_text

    assert title_text("AKTIVE TRADING LTD", russian=False) == "aktive trading ltd"
    assert title_text("TAX INVOICE", russian=True) == "tax invoice"  # a Latin word beside it: the line is Latin
    assert title_text("Form TOPГ-I2", russian=False).endswith("торг-12")


@pytest.mark.parametrize("seed", range(5))
def test_a_page_of_noise_with_no_title_is_no_sure_type(seed: int) -> None:
    from classify import default_classifier

    rng = random.Random(seed)
    junk = " ".join("".join(rng.choice(NOISE_CHARS) for _ in range(4)) for _ in range(5))
    got = analyse([_noisy_page(rng, junk, 3)], model=default_classifier())  # every row noise, none a title
    assert got.confidence < 0.55
    assert "low_confidence_type" in {p.code for p in got.problems} and got.needs_review
