"""Snippets: which of a document's texts gives it, and the window shown."""

from __future__ import annotations

from search._snippet import first_snippet
from search.stemming import terms


def test_without_words_to_mark_the_first_text_with_words_gives_the_snippet() -> None:
    assert first_snippet(("Акт сверки взаимных расчётов", "ИНН 7701000000", "act-3.pdf"), ()) == (
        "Акт сверки взаимных расчётов"
    )
    assert first_snippet(("", "ИНН 7701000000", "act-3.pdf"), ()) == "ИНН 7701000000"
    assert first_snippet(("", "", ""), ()) == ""


def test_the_first_text_with_a_match_gives_the_snippet() -> None:
    texts = ("Акт сверки взаимных расчётов", "ИНН 7701000000", "act-3.pdf")
    assert first_snippet(texts, tuple(terms("7701000000"))) == "ИНН <mark>7701000000</mark>"
    assert first_snippet(texts, tuple(terms("сверка"))) == "Акт <mark>сверки</mark> взаимных расчётов"
    assert first_snippet(texts, tuple(terms("нет"))) == "Акт сверки взаимных расчётов"
