"""Each article's text analysed by its language, on the real node with the analysis plugin: a
query finds a Chinese article whatever script it is typed in, a Japanese article through another
form of its verb and a Korean one through another particle on its noun — through the article's
``localized.<language>`` copy (``indexer.mapping``), which the plain and bigram fields cannot do.

The fixture articles are written here: short, real-looking news text in each language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.settings import Settings
from indexer.article import Article
from search_api.app import create_app
from tests.support.api_corpus import index_documents, private_alias
from tests.support.writes import as_stored

pytestmark = pytest.mark.integration

ARTICLES: dict[str, tuple[str, str, str]] = {
    # language: (source, title, body)
    "zh": ("sinchew", "国行：第三季经济增长放缓至4.1%",
           "国家银行周三发布数据显示，受出口疲软影响，大马第三季经济增长放缓至4.1%，"
           "低于市场预期。"),
    "ja": ("japannews", "首相、大阪の食堂で名物うどんを食べる",
           "首相は金曜日、視察先の大阪で地元の食堂を訪れ、店主と話しながら名物のうどんを"
           "食べる予定だ。"),  # no た anywhere: the standard field would match its characters
    "ko": ("koreaherald", "서울시, 모든 학교가 친환경 급식 제공",
           "서울시는 내년부터 관내 모든 학교가 친환경 급식을 제공하도록 관련 예산을 늘린다고 "
           "밝혔다."),
    "en": ("thestar", "Economy slows in third quarter",
           "Bank Negara said on Wednesday that the economy grew 4.1 per cent in the third "
           "quarter as exports weakened."),
}


@dataclass(frozen=True)
class Indexed:
    api: TestClient
    es: Elasticsearch
    alias: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def indexed(services: Settings, es: Elasticsearch) -> Iterator[Indexed]:
    docs = []
    for language, (source, title, body) in ARTICLES.items():
        url = f"https://www.example-{source}.com/news/{language}-1"
        article = Article(url=url, title=title, body=body, source_id=source, language=language,
                          word_count=len(body.split()),
                          published_at=datetime(2025, 11, 5, tzinfo=UTC))
        docs.append(as_stored(article))
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, docs)
        with TestClient(create_app(settings)) as api:
            yield Indexed(api, es, settings.index_alias,
                          {d["language"]: d["id"] for d in docs})


def _found(indexed: Indexed, q: str) -> set[str]:
    answer = indexed.api.get("/search", params={"q": q})
    assert answer.status_code == 200, answer.text
    by_id = {v: k for k, v in indexed.ids.items()}
    return {by_id[hit["id"]] for hit in answer.json()["hits"]}


def _found_without_localized(indexed: Indexed, q: str) -> int:
    """What the fields every document has (standard, English, bigrams) find alone."""
    fields = ["title", "body", "title.en", "body.en", "title.cjk", "body.cjk"]
    answer = indexed.es.search(index=indexed.alias, query={"simple_query_string": {
        "query": q, "fields": fields, "default_operator": "and"}})
    return int(answer["hits"]["total"]["value"])


@pytest.mark.parametrize(("q", "language"), [
    ("經濟增長", "zh"),  # traditional characters; the article is simplified
    ("经济增长", "zh"),
    ("食べた", "ja"),  # past tense; the article has the dictionary form 食べる
    ("학교에", "ko"),  # noun + locative particle; the article has 학교가 (subject particle)
])
def test_a_query_finds_its_article_through_the_articles_language(
    indexed: Indexed, q: str, language: str,
) -> None:
    assert _found(indexed, q) == {language}


@pytest.mark.parametrize("q", ["經濟增長", "食べた", "학교에"])
def test_the_fields_every_article_has_do_not_find_them(indexed: Indexed, q: str) -> None:
    assert _found_without_localized(indexed, q) == 0


def test_the_localized_copy_is_not_returned_with_a_hit(indexed: Indexed) -> None:
    answer = indexed.api.get("/search", params={"q": "食べた"}).json()
    [hit] = answer["hits"]
    assert "localized" not in hit
    article = indexed.api.get(f"/articles/{indexed.ids['ja']}").json()
    assert "localized" not in article and article["body"] == ARTICLES["ja"][2]


@pytest.mark.parametrize(("q", "language", "marked"), [
    ("經濟", "zh", "<mark>经济</mark>"),  # the simplified word the traditional query matched
    ("食べた", "ja", "<mark>食べる</mark>"),  # the whole word, not 食 and べ apart
    ("학교에", "ko", "<mark>학교</mark>가"),  # the noun, its particle left out
])
def test_the_highlights_mark_what_the_language_matched(
    indexed: Indexed, q: str, language: str, marked: str,
) -> None:
    [hit] = indexed.api.get("/search", params={"q": q}).json()["hits"]
    assert hit["id"] == indexed.ids[language]
    assert any(marked in fragment for fragment in hit["highlights"]["body"]), hit["highlights"]
    assert not any(name.startswith("localized") for name in hit["highlights"])
