"""The reprint graph on the real node: ``/syndication`` and ``/stories`` against the mirror's own
record of which article is a copy of which (hub reprints and member-to-member copies).

The mirror's pages go through the indexer's real pipeline (extraction, dedup, bulk write, then
clustering), read from the generated tree as the crawler would hand them over; the crawl itself
is tested elsewhere (``test_pipeline.py``) and would only add minutes here.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.messages import Discovery, RawPage
from ann.settings import Settings
from ann.sources import load_registry
from ann.urls import document_id
from indexer.clusters import cluster_pending
from indexer.mapping import ensure_index
from indexer.pipeline import process_batch
from mirror.layout import BODY, resource_dir
from mirror.manifest import ArticleTruth, Manifest
from search_api.app import create_app
from tests.support.api_corpus import private_alias
from tests.support.mirrors import generate

pytestmark = pytest.mark.integration

PER_SITE = 10  # the fewest the mirror writes: the hub's ten are all reprints
COPIES = 8
UNRELATED = 6
"""Articles no one copied, indexed too: they must pair with nothing."""


@dataclass
class Graph:
    api: TestClient
    manifest: Manifest
    indexed: list[ArticleTruth]


def _page(root: Path, article: ArticleTruth) -> RawPage:
    url = urlsplit(article.url)
    directory = resource_dir(root, url.netloc, url.path)
    assert directory is not None
    return RawPage(url=article.url, final_url=article.url, status=200,
                   fetched_at=datetime.now(UTC), source_id=article.source_id,
                   discovery=Discovery(kind="sitemap"),
                   body_z=RawPage.pack_body((directory / BODY).read_bytes()))


@pytest.fixture(scope="module")
def graph(services: Settings, es: Elasticsearch,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    root = tmp_path_factory.mktemp("mirror")
    manifest = generate(root, per_site=PER_SITE, copies=COPIES)
    copies = [a for a in manifest.articles if a.original_url]
    originals = {a.original_url for a in copies}
    others = [a for a in manifest.articles
              if not a.original_url and a.url not in originals][::25][:UNRELATED]
    indexed = [*copies, *(a for a in manifest.articles if a.url in originals), *others]
    with private_alias(services, es) as settings:
        alias = settings.index_alias
        ensure_index(es, alias)
        outcome = process_batch([_page(root, a) for a in indexed], es, alias, load_registry())
        assert not outcome.failures and outcome.total("indexed") == len(indexed), outcome
        for _ in range(10):  # bounded: each run takes up to 500
            if cluster_pending(es, alias)[0] == 0:
                break
        with TestClient(create_app(settings)) as api:
            yield Graph(api, manifest, indexed)


def _when(article: ArticleTruth) -> datetime:
    return datetime.fromisoformat(article.published_at.replace("Z", "+00:00"))


def _expected(graph: Graph, year: int | None = None) -> dict[tuple[str, str], tuple[int, float]]:
    """(origin, republisher) → (stories, median lag in seconds), from the manifest alone."""
    by_url = {a.url: a for a in graph.manifest.articles}
    lags: dict[tuple[str, str], list[float]] = defaultdict(list)
    for copy in graph.indexed:
        if not copy.original_url:
            continue
        original = by_url[copy.original_url]
        if year is None or _when(original).year == year:
            lag = (_when(copy) - _when(original)).total_seconds()
            lags[original.source_id, copy.source_id].append(lag)
    return {pair: (len(values), statistics.median(values)) for pair, values in lags.items()}


def _answered(pairs: list[dict[str, object]]) -> dict[tuple[str, str], tuple[int, float]]:
    found = {}
    for pair in pairs:
        assert pair["dated"] == pair["stories"]  # every mirror article is dated
        found[str(pair["origin"]), str(pair["republisher"])] = (
            int(str(pair["stories"])), float(str(pair["median_lag_seconds"])))
    return found


def test_syndication_counts_and_median_lags_equal_the_mirror(graph: Graph) -> None:
    expected = _expected(graph)
    assert {republisher for _, republisher in expected} - {"asianews"}, "member copies too"
    answer = graph.api.get("/syndication")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert _answered(body["pairs"]) == expected
    assert body["stories"] == len({a.original_url for a in graph.indexed if a.original_url})
    origin = next(o for o, republisher in expected if republisher != "asianews")
    mine = graph.api.get("/syndication", params={"origin": origin}).json()["pairs"]
    assert _answered(mine) == {pair: v for pair, v in expected.items() if pair[0] == origin}
    as_csv = graph.api.get("/syndication", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {(r["origin"], r["republisher"]): (int(r["stories"]), float(r["median_lag_seconds"]))
            for r in rows} == expected


def test_a_range_selects_stories_by_their_first_publication(graph: Graph) -> None:
    years = sorted({_when(a).year for a in graph.indexed if a.original_url})
    year = years[len(years) // 2]
    answer = graph.api.get("/syndication", params={"from": f"{year}-01-01", "to": f"{year}-12-31",
                                                   "format": "json"})
    assert answer.status_code == 200, answer.text
    expected = _expected(graph, year)
    assert expected and expected != _expected(graph)
    assert _answered(answer.json()["pairs"]) == expected


def test_a_story_shows_its_first_publisher_every_pickup_and_its_headlines(graph: Graph) -> None:
    by_url = {a.url: a for a in graph.manifest.articles}
    pickups: dict[str, list[ArticleTruth]] = defaultdict(list)
    for copy in graph.indexed:
        if copy.original_url:
            pickups[copy.original_url].append(copy)
    original_url, copies = max(pickups.items(), key=lambda item: len(item[1]))
    assert len(copies) >= 2, "the mirror has stories with a hub reprint and a member copy"
    original = by_url[original_url]
    hit = graph.api.get(f"/articles/{document_id(copies[0].url)}").json()
    answer = graph.api.get(f"/stories/{hit['cluster_id']}")
    assert answer.status_code == 200, answer.text
    story = answer.json()
    assert story["first"]["url"] == original.url and story["copies"] == 1 + len(copies)
    assert {(p["url"], p["lag_seconds"]) for p in story["pickups"]} == {
        (c.url, round((_when(c) - _when(original)).total_seconds())) for c in copies}
    assert [h["title"] for h in story["headlines"]] == [original.title]
    assert graph.api.get("/stories/0123456789abcdef").status_code == 404
