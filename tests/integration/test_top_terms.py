"""``GET /top-terms`` on the real node, over stories the mirror writes: a query about one of its
topics is characterised by that topic's own words, never by a stopword."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.settings import Settings
from indexer.article import Article
from mirror.invent import EnglishWriter
from mirror.writer import load_data, load_topics
from search_api.app import create_app
from search_api.top_terms import stopwords
from tests.support.api_corpus import index_documents, private_alias
from tests.support.writes import as_stored

pytestmark = pytest.mark.integration

STORIES = 200
TOPIC, QUERY = "weather", "rainfall | shelters | meteorological"


def _words(texts: tuple[str, ...]) -> set[str]:
    """Lower-cased words of templates, their {slots} left out."""
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z]+", re.sub(r"{\w+}", " ",
                                                                                 text))}


def distinctive_words(topic: str) -> set[str]:
    """Words of the topic's titles and sentences that no other topic and no generic sentence
    of the mirror's English data uses."""
    data = load_data("english.yaml")
    topics = {t.name: _words((*t.titles, *t.sentences, *t.subjects)) for t in load_topics(data)}
    others = set().union(*(w for name, w in topics.items() if name != topic))
    return topics[topic] - others - _words(tuple(data["generic"]))


@pytest.fixture(scope="module")
def api(services: Settings, es: Elasticsearch) -> Iterator[TestClient]:
    """The mirror's first 200 English stories (all its topics), as a Malaysian paper's."""
    writer = EnglishWriter(seed=0)
    docs = []
    for slot in range(STORIES):
        story = writer.document(slot, "MY")
        url = f"https://www.thestar.com.my/news/{slot}"
        body = "\n".join(story.paragraphs)
        article = Article(url=url, title=story.title, body=body, source_id="thestar",
                          country="MY", language="en", word_count=len(body.split()),
                          published_at=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=slot))
        docs.append(as_stored(article))
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, docs)
        with TestClient(create_app(settings)) as client:
            yield client


def test_a_query_about_a_mirror_topic_is_characterised_by_that_topics_words(
    api: TestClient, report: Callable[[str], None],
) -> None:
    answer = api.get("/top-terms", params={"q": QUERY, "size": 10})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    terms = [t["term"] for t in body["terms"]]
    own = distinctive_words(TOPIC)
    report(f"sampled {body['sampled']}; top terms {terms}; the {TOPIC} topic's own: "
           f"{[t for t in terms if t in own]}")
    assert 0 < body["sampled"] < STORIES
    assert len([t for t in terms if t in own]) >= 6, (terms, sorted(own))
    assert not set(terms) & set(stopwords())


def test_without_a_query_nothing_sets_the_archive_apart_from_itself(api: TestClient) -> None:
    """The foreground is the background: no word is significant (and no error)."""
    answer = api.get("/top-terms", params={"size": 5})
    assert answer.status_code == 200 and answer.json()["terms"] == []
