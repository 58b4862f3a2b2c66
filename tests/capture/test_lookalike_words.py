"""Look-alike letters put right word by word in what OCR read (capture/_lookalike_words.py)."""

from __future__ import annotations

from capture._lookalike_words import fix_lookalike_words
from capture.types import OcrWord


def _read(text: str) -> tuple[OcrWord, ...]:
    """Words as OCR gives them: one line of the text a line of words, boxes side by side."""
    return tuple(OcrWord(word, 0.9, (10 * i, 20 * n, 10 * i + 8, 20 * n + 10), line=n)
                 for n, line in enumerate(text.splitlines()) for i, word in enumerate(line.split()))


def _fixed(text: str) -> str:
    words = fix_lookalike_words(_read(text))
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join(" ".join(line) for line in lines.values())


def test_a_legal_form_read_as_zeros_or_latin_letters_before_a_quoted_name_is_the_legal_form() -> None:
    assert _fixed("Продавец: 000 «Тихий Омут»") == "Продавец: ООО «Тихий Омут»"
    assert _fixed("Покупатель AO „Оттепель», ИНН") == "Покупатель АО „Оттепель», ИНН"
    assert _fixed("3AO «Кедр»") == "ЗАО «Кедр»"


def test_zeros_that_are_a_number_or_before_a_latin_name_stay_digits() -> None:
    assert _fixed("Итого 1 000 000 руб.") == "Итого 1 000 000 руб."
    assert _fixed("000 «North Wind»") == "000 «North Wind»"
    assert _fixed("000\n«Тихий Омут»") == "000\n«Тихий Омут»"  # not the name's own line


def test_a_word_mixing_scripts_takes_one() -> None:
    assert _fixed("г. Мoсква, ИНН/KПП") == "г. Москва, ИНН/КПП"
    assert _fixed("TOTAL RUB/руб LED-12") == "TOTAL RUB/руб LED-12"


def test_digits_inside_a_cyrillic_word_are_its_letters_but_a_number_glued_to_a_word_is_not() -> None:
    assert _fixed("Т0ВАР зак0н") == "ТОВАР закон"
    assert _fixed("стр3 кв30 д.10") == "стр3 кв30 д.10"


def test_a_dollar_sign_between_letters_is_an_s_and_a_currency_sign_stays() -> None:
    assert _fixed("Код: К$Т-318 (ул. Озёрная)") == "Код: KST-318 (ул. Озёрная)"
    assert _fixed("Итого $120.50 или 75$ US$") == "Итого $120.50 или 75$ US$"


def test_words_keep_their_boxes_and_nothing_read_well_is_copied() -> None:
    words = _read("ООО «Липа», г. Москва")
    assert fix_lookalike_words(words) is words
    fixed = fix_lookalike_words(_read("000 «Липа»"))
    assert [w.box for w in fixed] == [w.box for w in _read("000 «Липа»")]


def test_a_code_headed_by_a_three_and_capitals_is_headed_by_letters() -> None:
    """«3К-…» is the З of a Cyrillic heading read as a digit (with a Latin K too); a heading with a Latin-only
    letter, a capital before the 3, no letter, or a code of fewer digits is left as read."""
    assert _fixed("Заказ № 3К-004521 от") == "Заказ № ЗК-004521 от"
    assert _fixed("Order 3K-1290") == "Order ЗК-1290"
    assert _fixed("3D-1200 3G-24 A3-500 М3-2000 33-120 3K-12") == "3D-1200 3G-24 A3-500 М3-2000 33-120 3K-12"


def test_an_address_s_part_marks_read_for_their_look_alikes_are_those_marks() -> None:
    """Blurred print reads a house's «д.» as «a.» or «А», the street's «ул.» as «ya.» or «ух.», a part's stop as a
    comma or not at all; in a line of an address (a postcode, a town's «г.», a street's mark) those are the marks."""
    assert _fixed("620075, г, Самара, ya. Лесная, a. 5, стр, 2") == "620075, г. Самара, ул. Лесная, д. 5, стр. 2"
    assert _fixed("101000, г Тверь, ух. Полевая, A 17, офис 8") == "101000, г. Тверь, ул. Полевая, д. 17, офис 8"
    assert _fixed("Тверь, ул. Полевая, a17, д_3") == "Тверь, ул. Полевая, д.17, д.3"
    assert _fixed("101000, г. Тверь, Садовый ар-т, д, 4") == "101000, г. Тверь, Садовый пр-т, д. 4"


def test_a_wrapped_address_keeps_its_marks_put_right_on_the_next_line() -> None:
    assert _fixed("г. Тверь, ул. Полевая, A\n17, офис 8") == "г. Тверь, ул. Полевая, д.\n17, офис 8"
    assert _fixed("101000, г. Тверь,\nСадовый ар-т, a. 4") == "101000, г. Тверь,\nСадовый пр-т, д. 4"


def test_marks_outside_an_address_and_words_that_only_look_like_marks_stay() -> None:
    assert _fixed("Итого, а 5 шт, уп. 3") == "Итого, а 5 шт, уп. 3"  # no address on the line
    assert _fixed("Доставка, а 12 коробок\nг. Тверь") == "Доставка, а 12 коробок\nг. Тверь"
    assert _fixed("101000, г. Тверь, ул. Полевая, лит. А") == "101000, г. Тверь, ул. Полевая, лит. А"
    assert _fixed("101000, г. Тверь, уп. 12") == "101000, г. Тверь, уп. 12"  # no name after it


def test_a_code_headed_by_a_three_with_its_hyphen_read_as_a_stop_has_both_put_right() -> None:
    assert _fixed("Заказ № 3К.004521 от") == "Заказ № ЗК-004521 от"
    assert _fixed("рис. 3.12345 и 3D.12345, п. 3К.12") == "рис. 3.12345 и 3D.12345, п. 3К.12"


def test_a_town_s_type_printed_after_its_name_keeps_its_comma() -> None:
    assert _fixed("121000, Москва г, Тверская ул, д. 1") == "121000, Москва г, Тверская ул, д. 1"
