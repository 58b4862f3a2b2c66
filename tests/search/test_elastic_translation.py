"""The Elasticsearch request a parsed query becomes (no server needed; behaviour is in test_backends)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from search import BackendUnavailableError, SearchQuery, make_backend
from search.elastic import MAPPINGS, SETTINGS, search_body
from search.query import compile_query


def body(text: str, **options: Any) -> dict:
    return search_body(*compile_query(SearchQuery(text=text, **options)))


def _match_texts(node: object) -> list[str]:
    """Every piece of user text in the request: the ``query`` of each multi_match."""
    found: list[str] = []
    if isinstance(node, dict):
        if "multi_match" in node:
            found.append(node["multi_match"]["query"])
        for value in node.values():
            found.extend(_match_texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_match_texts(value))
    return found


def test_words_phrases_exclusions_and_prefixes() -> None:
    request = body('накладная "товарная накладная" -возврат наклад* a OR b')
    must, must_not = request["query"]["bool"]["must"], request["query"]["bool"]["must_not"]
    assert [m.get("multi_match", {}).get("type") for m in must] == ["best_fields", "phrase", "phrase_prefix", None]
    assert must[3]["bool"]["minimum_should_match"] == 1
    assert _match_texts(must_not) == ["возврат"]
    assert request["highlight"]["pre_tags"] == ["<mark>"] and request["highlight"]["encoder"] == "html"


def test_filters_rights_facets_and_paging() -> None:
    request = body("type:waybill outlet:msk-01 total:1000..5000 inn:7707083893 order:3K-000781",
                   outlets=(), facets=True, limit=5, offset=10)
    assert request["query"]["bool"]["must"] == [{"match_all": {}}]
    assert {"term": {"doc_type": "waybill"}} in request["query"]["bool"]["filter"]
    assert {"term": {"outlet_key": "MSK-01"}} in request["query"]["bool"]["filter"]
    assert {"range": {"total": {"gte": 1000.0}}} in request["query"]["bool"]["filter"]
    assert {"match_none": {}} in request["query"]["bool"]["filter"]
    assert set(request["aggs"]) == {"doc_type", "outlet", "status", "original_state", "year"}
    assert (request["from_"], request["size"]) == (5 * 2, 5)
    assert request["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}


@pytest.mark.parametrize("text", ['"', "(", "AND OR", "*", "NEAR(", ":", '"a', "a:b:c d", "{x}"])
def test_user_text_only_reaches_match_queries(text: str) -> None:
    try:
        request = body(text)
    except Exception as exc:
        assert type(exc).__name__ == "QuerySyntaxError"
        return
    dumped = json.dumps(request, ensure_ascii=False)
    assert "query_string" not in dumped
    for piece in _match_texts(request):
        assert piece.strip("*") and "(" not in piece


def test_mapping_has_russian_and_english_text_and_typed_filters() -> None:
    body_field = MAPPINGS["properties"]["body"]
    analysed = {body_field["fields"]["ru"]["analyzer"], body_field["fields"]["en"]["analyzer"]}
    assert analysed == {"russian_text", "english_text"}
    analyzers = SETTINGS["analysis"]["analyzer"]
    assert "russian_stemmer" in str(analyzers["russian_text"]) and "english_stemmer" in str(analyzers["english_text"])
    assert MAPPINGS["properties"]["total"]["type"] == "scaled_float"
    assert MAPPINGS["properties"]["date"]["type"] == "date"


def test_an_unreachable_server_is_backend_unavailable(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError):
        make_backend("elasticsearch", url="http://127.0.0.1:9", index="x", request_timeout=2)
