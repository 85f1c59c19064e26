"""The search request translation and the API's input validation (no backend needed for 422s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import create_app
from search_api.params import Filters, SearchParams
from search_api.query import build_search, selection


def test_user_text_only_reaches_simple_query_string() -> None:
    body = build_search(SearchParams(q='"export curbs" +Seoul -Tokyo'))
    [clause] = body["query"]["bool"]["must"]
    assert set(clause) == {"simple_query_string"}
    assert clause["simple_query_string"]["query"] == '"export curbs" +Seoul -Tokyo'
    assert "query_string" not in _keys(body)


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_facets_ignore_their_own_filter_but_apply_the_others() -> None:
    body = build_search(SearchParams.model_validate({"source": ["dawn"], "country": ["PK"]}))
    source_filters = body["aggs"]["source"]["filter"]["bool"]["filter"]
    assert source_filters == [{"terms": {"country": ["PK"]}}]
    assert {"terms": {"source_id": ["dawn"]}} in body["post_filter"]["bool"]["filter"]
    assert len(body["aggs"]["month"]["filter"]["bool"]["filter"]) == 2


def test_date_range_and_paging() -> None:
    body = build_search(SearchParams.model_validate(
        {"from": "2024-01-01", "to": "2024-02-01", "page": 3, "size": 20}))
    assert body["query"]["bool"]["filter"] == [
        {"range": {"published_at": {"gte": "2024-01-01", "lte": "2024-02-01"}}}
    ]
    assert (body["from"], body["size"]) == (40, 20)


@pytest.fixture
def api() -> Iterator[TestClient]:
    settings = Settings(ES_URL="http://127.0.0.1:1")  # never reached: validation fails first
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"size": 1000}, "less than or equal to 100"),
        ({"page": 0}, "greater than or equal to 1"),
        ({"from": "2024-13-01"}, "valid date"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, "'from' must not be after 'to'"),
        ({"page": 500, "size": 100}, "page * size"),
        ({"q": "x" * 501}, "at most 500 characters"),
        ({"sort": "random"}, "relevance"),
    ],
)
def test_bad_parameters_get_a_422_that_says_what_is_wrong(
    api: TestClient, params: dict[str, str | int], complaint: str
) -> None:
    answer = api.get("/search", params=params)
    assert answer.status_code == 422
    assert complaint in answer.text


def test_bad_article_id_is_rejected(api: TestClient) -> None:
    answer = api.get("/articles/not-an-id!")
    assert answer.status_code == 422


def test_provenance_filters_reach_search_and_every_whole_result_set_route() -> None:
    chosen = {"date_source": ["metadata", "page"], "has_byline": True}
    searched = build_search(SearchParams.model_validate(chosen))["query"]["bool"]["filter"]
    selected = selection(Filters.model_validate(chosen))["bool"]["filter"]
    for filters in (searched, selected):
        [dates, byline] = filters
        assert {step["term" if "term" in step else "prefix"]["provenance.published_at"]
                for step in dates["bool"]["should"]} == {"jsonld", "meta:", "hint:", "time"}
        assert byline == {"exists": {"field": "authors"}}
