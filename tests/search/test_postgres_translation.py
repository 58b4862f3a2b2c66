"""How the PostgreSQL backend writes terms and queries: quoted lexemes only, positions and weights."""

from __future__ import annotations

import pytest

from search import BackendUnavailableError, make_backend
from search.postgres import tsquery_all, tsquery_any, tsvector_literal
from search.query import parse_text


def test_tsquery_quotes_every_lexeme_and_maps_the_syntax() -> None:
    text, _ = parse_text("\"товарная накладная\" ЗК-0007* invoice OR счёт -возврат it's")
    assert tsquery_all(text.positive) == "('товарн' <-> 'накладн') & 'зк-0007':* & ('invoic' | 'счет') & ('it' <-> 's')"
    assert tsquery_any(text.negative) == "'возврат'"


def test_tsvector_has_positions_weights_and_a_gap_between_parts() -> None:
    literal = tsvector_literal((("Счёт 12", "A"), ("накладная счёт", "D")))
    assert literal == "'счет':1A,5D '12':2A 'накладн':4D"


def test_a_non_postgresql_url_is_refused() -> None:
    with pytest.raises(BackendUnavailableError, match="PostgreSQL URL"):
        make_backend("postgresql", url="sqlite:///x.db")
