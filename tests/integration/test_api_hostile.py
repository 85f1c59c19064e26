"""The API on the real node facing hostile content and clients: markup in an article comes back
escaped in highlights, an edited cursor is a 422, a request the engine refuses is a 400 with its
reason."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.messages import Discovery, RawPage
from ann.settings import Settings
from indexer.article import Article
from indexer.documents import to_document
from indexer.mapping import index_name
from search_api.app import create_app
from tests.support.api_corpus import corpus_documents, index_documents, private_alias

pytestmark = pytest.mark.integration

SCRIPT = '<script>alert("x")</script>'


def _hostile_document() -> dict[str, object]:
    url = "https://www.dawn.com/news/1900002/markup"
    article = Article(url=url, title=f"{SCRIPT} Monsoon markup", source_id="dawn",
                      body=f'Monsoon rains <img src=x onerror="alert(1)"> & {SCRIPT} flooded.',
                      standfirst="<b>Monsoon</b> standfirst")
    page = RawPage(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC),
                   source_id="dawn", discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(b""))
    return to_document(article, page)


@pytest.fixture(scope="module")
def api(services: Settings, es: Elasticsearch) -> Iterator[tuple[TestClient, str]]:
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, [*corpus_documents(10), _hostile_document()])
        with TestClient(create_app(settings)) as client:
            yield client, settings.index_alias


def test_highlights_are_html_with_the_articles_own_markup_escaped(
    api: tuple[TestClient, str]
) -> None:
    answer = api[0].get("/search", params={"q": "markup monsoon"})
    assert answer.status_code == 200, answer.text
    highlights = answer.json()["hits"][0]["highlights"]
    fragments = " ".join(f for field in highlights.values() for f in field)
    assert "<mark>Monsoon</mark>" in fragments and "<mark>markup</mark>" in fragments
    assert "&lt;script&gt;" in fragments and "&lt;img" in fragments and "&amp;" in fragments
    assert "<script" not in fragments and "<img" not in fragments and "<b>" not in fragments


def test_an_edited_cursor_is_a_422(api: tuple[TestClient, str]) -> None:
    client = api[0]
    params: dict[str, str | int] = {"q": "monsoon", "sort": "newest", "size": 2}
    cursor = client.get("/search", params=params).json()["next_cursor"]
    payload, mac = cursor.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["a"][0] -= 1  # one millisecond earlier: a valid shape, not the API's cursor
    edited = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    answer = client.get("/search", params={**params, "cursor": f"{edited}.{mac}"})
    assert answer.status_code == 422, answer.text
    assert "cursor is malformed or was edited" in answer.text
    assert client.get("/search", params={**params, "cursor": cursor}).status_code == 200


def test_a_request_the_engine_refuses_is_a_400_with_its_reason(
    api: tuple[TestClient, str], es: Elasticsearch
) -> None:
    client, alias = api
    es.indices.put_settings(index=alias, settings={"index.max_result_window": 20})
    try:
        answer = client.get("/search", params={"page": 2, "size": 15})
    finally:
        es.indices.put_settings(index=alias, settings={"index.max_result_window": None})
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith("search backend refused the request: ")
    assert "Result window is too large" in detail and index_name(alias) not in detail
