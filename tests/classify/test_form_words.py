"""A statutory form whose title OCR could not read is typed by the form's own fixed words (its parties'
boxes, its lines, its form code), read with look-alikes and one letter wrong; a title that was read still
decides. Texts are generated: the form's fixed words, garbled the ways OCR garbles them."""

from __future__ import annotations

import pytest

from classify import TYPE_THRESHOLD, analyse
from classify._title import form_reference, one_edit
from classify.classifier import classify_text, default_classifier
from tests.classify.pagetext import text_page

TORG_WORDS = ("Грузоотправитель", "Грузополучатель", "Поставщик", "Плательщик", "Основание")


def wrong_letter(word: str, at: int) -> str:
    """``word`` with its letter at ``at`` read as another."""
    return word[:at] + ("н" if word[at] != "н" else "и") + word[at + 1:]


def lost_letter(word: str, at: int) -> str:
    return word[:at] + word[at + 1:]


def latin_twins(word: str) -> str:
    """``word`` with its Cyrillic letters that have Latin twins read in Latin."""
    return word.translate(str.maketrans("аеорсхАЕОРСХ", "aeopcxAEOPCX"))


def torg12(words: tuple[str, ...], *, title: str = "ТОВАРН НАКЛ") -> str:
    """A ТОРГ-12 as a photo's OCR reads it: its title unread, its parties' boxes as ``words``."""
    party = "ООО «Рассвет», ИНН 7712345678, 101000, г. Москва, ул. Садовая, д. 5"
    rows = [f"{w} {party}" for w in words[:4]]
    return "\n".join(["Унифицированная форма", *rows, f"{words[4]} Договор поставки",
                      f"{title} 17 03.02.2026", "1 Бумага офисная шт 10 250.00 2500.00",
                      "Итого 2500.00", "Груз принял", "Отпуск груза произвел"])


GARBLED = [
    tuple(wrong_letter(w, 3) for w in TORG_WORDS),
    tuple(lost_letter(w, 4) for w in TORG_WORDS),
    tuple(latin_twins(w) for w in TORG_WORDS),
    tuple(latin_twins(wrong_letter(w, 2)).upper() for w in TORG_WORDS),
]


@pytest.mark.parametrize("words", GARBLED)
def test_a_torg12_whose_title_went_unread_is_a_waybill_by_its_boxes_read_with_one_letter_wrong(
        words: tuple[str, ...]) -> None:
    result = analyse([text_page(torg12(words))])
    assert result.doc_type == "waybill"
    assert result.confidence >= TYPE_THRESHOLD


def test_a_title_that_was_read_outweighs_the_form_words_of_the_body() -> None:
    text = torg12(TORG_WORDS, title="Счет на оплату №")
    text = "Счет на оплату № 17 от 03.02.2026\n" + text
    assert classify_text(text, default_classifier())[0] == "invoice"


def test_fewer_of_a_forms_words_than_it_needs_name_no_form() -> None:
    assert form_reference("Грузоотправитель ООО «Рассвет»\nГрузополучатель ООО «Заря»\nИтого 100") is None
    assert form_reference("\n".join(TORG_WORDS)) is not None


@pytest.mark.parametrize("read, word, alike", [
    ("грузополучагель", "грузополучатель", True),
    ("грузополучтель", "грузополучатель", True),
    ("грузопоолучатель", "грузополучатель", True),
    ("грузопопучагель", "грузополучатель", False),  # two letters wrong
    ("грузополучатель", "грузополучатель", False),  # the word itself is no misreading
])
def test_one_edit_is_one_letter_wrong_added_or_lost(read: str, word: str, alike: bool) -> None:
    assert one_edit(read, word) is alike


def test_a_short_word_of_a_form_is_read_exactly() -> None:
    # «по ОКУД» read «по ОКУП» is no form code: a short word one letter apart is as often another word
    words = ("Грузоотправитель", "Грузополучатель", "Поставщик", "по ОКУП", "Итого")
    assert form_reference("\n".join(words)) is None


def test_a_vat_invoice_whose_title_went_unread_is_typed_among_the_forms_that_share_its_lines() -> None:
    text = "\n".join(["Испpавление № --", "Продавец ООО «Рассвет»", "Грузоотпраеитель он же",
                      "Грузополучатель ООО «Заря»", "Покупатель ООО «Заря»",
                      "Документ об отгрузке № 1-3 от 03.02.2026",
                      "Идентификатор государственного контракта, договора (соглашения)", "Итого 2500.00"])
    found = form_reference(text)
    assert found is not None and set(found.types) == {"vat_invoice", "upd"}
    assert classify_text(text, default_classifier())[0] in found.types


def test_a_form_code_one_digit_off_is_another_forms_code() -> None:
    words = ("Грузоотправитель", "Грузополучатель", "Поставщик", "по ОКУД", "0330212")
    assert form_reference("\n".join(words)) is not None
    assert form_reference("\n".join((*words[:3], "0330213"))) is None
