"""Cursor paging, similar articles and every `/search` answer against its response model, on the
real Elasticsearch node, over a known corpus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import create_app
from search_api.models import SearchResponse
from tests.support.api_corpus import (
    Doc,
    corpus_documents,
    index_documents,
    private_alias,
)

pytestmark = pytest.mark.integration


@dataclass
class Corpus:
    api: TestClient
    docs: list[Doc]


def _written_as_its_model_writes(response: httpx.Response) -> None:
    """``/search`` writes its answer from the engine's data, never building its response model
    (``search_api/routes/search.py``): each answer must be byte for byte what the model validated
    from it writes — the same fields in the same order, defaults where the engine has no value,
    dates as pydantic writes them."""
    if response.url.path == "/search" and response.status_code == 200:
        response.read()
        model = SearchResponse.model_validate_json(response.content)
        assert response.content == model.model_dump_json().encode("utf-8")


def _checking(api: TestClient) -> TestClient:
    """``api``, every ``/search`` answer it gets checked against the response model."""
    api.event_hooks = {**api.event_hooks, "response": [_written_as_its_model_writes]}
    return api


@pytest.fixture(scope="module")
def corpus(services: Settings, es: Elasticsearch) -> Iterator[Corpus]:
    with private_alias(services, es) as settings:
        docs = index_documents(es, settings.index_alias, corpus_documents())
        with TestClient(create_app(settings)) as api:
            yield Corpus(_checking(api), docs)


def _walk(api: TestClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a search by cursor; each page is checked on the way."""
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        answer = api.get("/search", params={**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert page["hits"], "no page is empty: the one before it would have said it was the last"
        assert page["total"] == (pages[0]["total"] if pages else page["total"])
        assert (page["facets"] == {}) == (cursor is not None)
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 100


def _ids(pages: list[dict[str, Any]]) -> list[str]:
    return [hit["id"] for page in pages for hit in page["hits"]]


def _expected(docs: list[Doc], topic: str | None, sources: set[str] | None) -> set[str]:
    return {d.id for d in docs
            if (topic is None or d.topic == topic) and (sources is None or d.source_id in sources)}


@pytest.mark.parametrize(
    ("params", "topic", "sources"),
    [
        ({"sort": "relevance", "q": "monsoon", "size": 7}, "flood", None),
        ({"sort": "relevance", "q": "monsoon", "size": 5}, "flood", None),  # last page full
        ({"sort": "relevance", "size": 9}, None, None),  # every score equal
        ({"sort": "newest", "size": 7}, None, None),
        ({"sort": "oldest", "size": 4, "source": ["dawn", "thestar"]}, None, {"dawn", "thestar"}),
        ({"sort": "newest", "q": "semiconductor", "size": 3}, "chips", None),
    ],
)
def test_walking_every_page_by_cursor_returns_each_match_exactly_once_in_order(
    corpus: Corpus, params: dict[str, Any], topic: str | None, sources: set[str] | None
) -> None:
    pages = _walk(corpus.api, params)
    ids = _ids(pages)
    expected = _expected(corpus.docs, topic, sources)
    assert len(ids) == len(set(ids)) == pages[0]["total"] == len(expected)
    assert set(ids) == expected
    one_page = corpus.api.get("/search", params={**params, "size": 100}).json()
    assert ids == [hit["id"] for hit in one_page["hits"]], "cursor order = the order of one page"
    assert one_page["next_cursor"] is None


def test_dates_order_the_cursor_walk_and_undated_articles_come_last(corpus: Corpus) -> None:
    dates = {d.id: d.published_at for d in corpus.docs}
    for sort in ("newest", "oldest"):
        walked = [dates[i] for i in _ids(_walk(corpus.api, {"sort": sort, "size": 6}))]
        dated = [d for d in walked if d is not None]
        assert walked[len(dated):] == [None] * (len(walked) - len(dated))
        assert dated == sorted(dated, reverse=sort == "newest")
        assert len(dated) < len(walked)


def test_numbered_pages_hand_over_to_the_cursor(corpus: Corpus) -> None:
    params: dict[str, Any] = {"sort": "newest", "size": 8}
    walked = _ids(_walk(corpus.api, params))
    first = corpus.api.get("/search", params={**params, "page": 1}).json()
    second = corpus.api.get("/search", params={**params, "page": 2}).json()
    third = corpus.api.get("/search", params={**params, "cursor": second["next_cursor"]}).json()
    assert [h["id"] for p in (first, second, third) for h in p["hits"]] == walked[:24]
    last_page = -(-len(walked) // 8)
    assert corpus.api.get("/search", params={**params, "page": last_page}).json()[
        "next_cursor"] is None


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"cursor": "not a cursor!"}, "cursor is malformed"),
        ({"cursor": "eyJ2IjoxfQ"}, "cursor is malformed"),  # {"v":1}
        ({"q": "floods"}, "another query or other filters"),
        ({"source": "dawn"}, "another query or other filters"),
        ({"sort": "oldest"}, "made for sort=relevance"),
        ({"page": 2}, "either 'page' or 'cursor'"),
    ],
)
def test_a_bad_or_foreign_cursor_is_a_422_that_says_why(
    corpus: Corpus, change: dict[str, Any], complaint: str
) -> None:
    params: dict[str, Any] = {"q": "monsoon", "size": 5}
    cursor = corpus.api.get("/search", params=params).json()["next_cursor"]
    answer = corpus.api.get("/search", params={**params, "cursor": cursor, **change})
    assert answer.status_code == 422, answer.text
    assert complaint in answer.text


def test_similar_articles_share_the_topic_and_never_include_the_article(corpus: Corpus) -> None:
    for topic in ("flood", "chips", "cricket"):
        article = next(d for d in corpus.docs if d.topic == topic)
        answer = corpus.api.get(f"/articles/{article.id}/similar", params={"size": 10})
        assert answer.status_code == 200, answer.text
        result = answer.json()
        ids = [hit["id"] for hit in result["hits"]]
        assert result["id"] == article.id and article.id not in ids
        assert len(ids) == 10
        assert {d.topic for d in corpus.docs if d.id in ids} == {topic}
        assert all("body" not in hit for hit in result["hits"])


def test_similar_answers_404_for_an_unknown_article_and_422_for_a_bad_id_or_size(
    corpus: Corpus,
) -> None:
    assert corpus.api.get(f"/articles/{'0' * 32}/similar").status_code == 404
    assert corpus.api.get("/articles/not-an-id!/similar").status_code == 422
    article = corpus.docs[0].id
    assert corpus.api.get(f"/articles/{article}/similar", params={"size": 51}).status_code == 422
    assert corpus.api.get(f"/articles/{article}/similar", params={"size": 0}).status_code == 422


def test_every_kind_of_search_answer_is_what_its_response_model_writes(
    services: Settings, es: Elasticsearch,
) -> None:
    """Stories of several copies (collapsed, their copies listed), highlights, facets, filters,
    cursor pages, no hits, and documents without the fields clustering and later writers add:
    the answers the other tests do not reach, checked as every ``/search`` answer here is."""
    stored = corpus_documents(4)
    for n, doc in enumerate(stored):
        doc["cluster_id"] = stored[n % 5]["id"]  # stories of one or two pages
    for doc in stored[-3:]:  # as a document indexed before these fields existed
        for name in ("cluster_id", "credit", "original_paper", "standfirst"):
            doc.pop(name, None)
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, stored)
        with TestClient(create_app(settings)) as client:
            api = _checking(client)
            folded = api.get("/search", params={"collapse": "true", "size": 20}).json()
            assert folded["stories"] == 5
            assert sorted(len(h["copies"]) for h in folded["hits"]) == [0, 1, 1, 1, 1, 2]
            unclustered = next(h for h in folded["hits"] if h["cluster_id"] is None)
            assert unclustered["credit"] == [] and unclustered["standfirst"] is None
            first = api.get("/search", params={"q": "monsoon rains", "sort": "newest", "size": 3})
            assert first.json()["hits"][0]["highlights"]["body"]
            api.get("/search", params={"cursor": first.json()["next_cursor"],
                                       "q": "monsoon rains", "sort": "newest", "size": 3})
            api.get("/search", params={"source": "dawn", "from": "2025-03-01", "size": 0})
            nothing = api.get("/search", params={"q": "volcano"}).json()
            assert nothing["total"] == 0 and nothing["hits"] == []
