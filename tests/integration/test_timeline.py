"""``GET /timeline`` on the real node: a story reprinted by the hub and two members is one story
and three articles, per period of the zone asked for, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.settings import Settings
from ann.sources import load_registry
from indexer.article import Article
from indexer.clusters import cluster_pending
from mirror.invent import EnglishWriter
from search_api.app import create_app
from tests.support.api_corpus import index_documents, private_alias
from tests.support.writes import as_stored

pytestmark = pytest.mark.integration

HUB, MEMBERS = "asianews", ("dawn", "thestar")


def _article(source_id: str, slug: str, title: str, body: str, published: datetime,
             original: str | None = None) -> dict[str, Any]:
    source = load_registry().get(source_id)
    url = f"https://www.{source.domains[0]}/news/{slug}"
    article = Article(url=url, title=title, body=body, published_at=published,
                      source_id=source.id, source_name=source.name, country=source.country,
                      language="en", word_count=len(body.split()), original_paper=original)
    return as_stored(article, fetched_at=published)


@pytest.fixture(scope="module")
def api(services: Settings, es: Elasticsearch) -> Iterator[tuple[TestClient, str]]:
    """Story S on the hub and two members on 1 March (UTC), story T on the evening of 1 March
    UTC (2 March in Tokyo), story U on 2 March; really clustered. Yields the API and S's
    coined name, which only S's copies contain."""
    writer = EnglishWriter(seed=0)
    stories = [d for d in (writer.document(slot, "MY") for slot in range(40))
               if len(" ".join(d.paragraphs).split()) > 250][:3]
    s, t, u = stories
    body = "\n".join(s.paragraphs)
    docs = [
        _article(HUB, "s-hub", s.title, body, datetime(2025, 3, 1, 10, tzinfo=UTC),
                 original="Dawn"),
        _article(MEMBERS[0], "s", s.title, body, datetime(2025, 3, 1, 9, tzinfo=UTC)),
        _article(MEMBERS[1], "s", s.title, body, datetime(2025, 3, 1, 11, tzinfo=UTC)),
        _article("koreaherald", "t", t.title, "\n".join(t.paragraphs),
                 datetime(2025, 3, 1, 20, tzinfo=UTC)),
        _article(MEMBERS[0], "u", u.title, "\n".join(u.paragraphs),
                 datetime(2025, 3, 2, 3, tzinfo=UTC)),
    ]
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, docs)
        assert cluster_pending(es, settings.index_alias) == (5, 2)  # two copies joined S
        es.indices.refresh(index=settings.index_alias)
        with TestClient(create_app(settings)) as client:
            yield client, s.keyword


def _points(answer: dict[str, Any]) -> dict[tuple[str | None, str], tuple[int, int, int]]:
    return {(series["key"], p["period"]): (p["articles"], p["stories"], p["all_articles"])
            for series in answer["series"] for p in series["points"]}


def test_a_story_on_the_hub_and_two_members_is_one_story_and_three_articles(
    api: tuple[TestClient, str],
) -> None:
    client, keyword = api
    answer = client.get("/timeline", params={"q": keyword})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stories_exact"] is True
    # all_articles: what the filters select without q, for the share
    assert _points(body) == {(None, "2025-03-01"): (3, 1, 4), (None, "2025-03-02"): (0, 0, 1)}
    assert body["series"][0]["points"][0]["share"] == 0.75
    split = client.get("/timeline", params={"q": keyword, "split": "source"}).json()
    assert _points(split) == {
        **{(source, "2025-03-01"): (1, 1, 1) for source in (HUB, *MEMBERS)},
        ("koreaherald", "2025-03-01"): (0, 0, 1), ("dawn", "2025-03-02"): (0, 0, 1)}


def test_periods_are_days_of_the_zone_asked_for_and_from_to_too(
    api: tuple[TestClient, str],
) -> None:
    client, _ = api
    utc = client.get("/timeline").json()
    assert _points(utc) == {(None, "2025-03-01"): (4, 2, 4), (None, "2025-03-02"): (1, 1, 1)}
    tokyo = client.get("/timeline", params={"tz": "Asia/Tokyo"}).json()
    assert _points(tokyo) == {(None, "2025-03-01"): (3, 1, 3), (None, "2025-03-02"): (2, 2, 2)}
    second = client.get("/timeline", params={"tz": "Asia/Tokyo", "from": "2025-03-02"}).json()
    assert _points(second) == {(None, "2025-03-02"): (2, 2, 2)}
    month = client.get("/timeline", params={"interval": "month", "split": "country"}).json()
    # the hub has no country of its own: its copy is in no country's series
    assert _points(month) == {("PK", "2025-03-01"): (2, 2, 2), ("MY", "2025-03-01"): (1, 1, 1),
                              ("KR", "2025-03-01"): (1, 1, 1)}
    bad = client.get("/timeline", params={"tz": "Mars/Olympus"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "tz"]


def test_csv_by_format_or_accept_has_the_same_counts(api: tuple[TestClient, str]) -> None:
    client, keyword = api
    by_param = client.get("/timeline", params={"q": keyword, "format": "csv"})
    by_accept = client.get("/timeline", params={"q": keyword}, headers={"Accept": "text/csv"})
    assert by_param.headers["content-type"].startswith("text/csv")
    assert by_param.text == by_accept.text
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert [(r["period"], r["articles"], r["stories"], r["share"]) for r in rows] == [
        ("2025-03-01", "3", "1", "0.750000"), ("2025-03-02", "0", "0", "0.000000")]


def test_beyond_the_exact_cap_stories_are_the_cardinality_estimate(
    services: Settings, api: tuple[TestClient, str],
) -> None:
    client, keyword = api
    alias = client.app.state.api.backend.alias  # type: ignore[attr-defined]
    settings = services.model_copy(update={"index_alias": alias,
                                           "api_timeline_exact_stories": 0})
    with TestClient(create_app(settings)) as estimating:
        body = estimating.get("/timeline", params={"q": keyword}).json()
    assert body["stories_exact"] is False
    assert _points(body)[(None, "2025-03-01")] == (3, 1, 4)
