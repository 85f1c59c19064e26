"""End to end on the real stack: mirror → crawler process → Redis → Celery workers → ES → API.

Asserted against the mirror's manifest (the ground truth of what the pages say).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.settings import Settings
from ann.urls import document_id
from indexer.mapping import index_name
from mirror.manifest import Manifest
from mirror.server import MirrorServer
from search_api.app import create_app
from tests.support.env import service_env
from tests.support.harness import celery_workers, run_crawl, wait_drained
from tests.support.mirrors import generate

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

PER_SITE = 35
"""More articles a site than most feeds list (30): the oldest are found by the sitemaps alone."""


@dataclass
class Run:
    settings: Settings
    manifest: Manifest
    mirror: MirrorServer
    api: TestClient
    es: Elasticsearch
    log_dir: Path


@pytest.fixture(scope="module")
def run(
    services: Settings,
    es: Elasticsearch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Run]:
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={
        "index_alias": f"test-{tag}-articles", "pages_queue": f"test-{tag}-pages",
        # its own crawl memory: a crawl of the same mirror URLs earlier in the session must not
        # make these look unchanged
        "key_prefix": f"{services.key_prefix}-{tag}",
    })
    root = tmp_path_factory.mktemp("mirror")
    manifest = generate(root, per_site=PER_SITE)
    mirror = MirrorServer(root)
    mirror.start()
    log_dir = tmp_path_factory.mktemp("logs")
    try:
        with celery_workers(settings, log_dir / "worker.log"):
            run_crawl(settings, mirror.url)
            wait_drained(settings)
            es.indices.refresh(index=settings.index_alias)
            with TestClient(create_app(settings)) as api:
                yield Run(settings, manifest, mirror, api, es, log_dir)
    finally:
        mirror.stop()
        es.indices.delete(index=index_name(settings.index_alias), ignore_unavailable=True)


def _doc(run: Run, url: str) -> dict[str, object]:
    source: dict[str, object] = run.es.get(index=run.settings.index_alias,
                                           id=document_id(url))["_source"]
    return source


def _utc(value: object) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def test_every_mirror_article_is_indexed_once_with_its_metadata(run: Run) -> None:
    total = run.es.count(index=run.settings.index_alias)["count"]
    assert total == len(run.manifest.articles)
    for expected in run.manifest.articles:
        doc = _doc(run, expected.url)
        assert doc["source_id"] == expected.source_id, expected.url
        assert doc["title"] == expected.title, expected.url
        assert _utc(doc["published_at"]) == _utc(expected.published_at), expected.url
        assert doc["authors"] == expected.authors, expected.url


def test_every_article_is_found_by_its_title_exactly_once(run: Run) -> None:
    for expected in run.manifest.articles:
        answer = run.api.get("/search", params={"q": f'"{expected.title}"', "size": 20})
        assert answer.status_code == 200, answer.text
        urls = [hit["url"] for hit in answer.json()["hits"]]
        assert urls.count(expected.url) == 1, (expected.title, urls)


def test_facet_counts_equal_the_mirror(run: Run) -> None:
    answer = run.api.get("/search", params={"size": 0}).json()
    by_source = {f["value"]: f["count"] for f in answer["facets"]["source"]}
    assert by_source == dict(Counter(a.source_id for a in run.manifest.articles))
    months = Counter(_utc(a.published_at).strftime("%Y-%m") for a in run.manifest.articles)
    assert {f["value"]: f["count"] for f in answer["facets"]["month"]} == dict(months)
    picked = run.api.get("/search", params={"size": 0, "source": "dawn"}).json()
    assert picked["total"] == by_source["dawn"]
    assert {f["value"]: f["count"] for f in picked["facets"]["source"]} == by_source


def test_hub_reprints_carry_their_original_paper(run: Run) -> None:
    reprints = [a for a in run.manifest.articles if a.original_paper]
    assert len(reprints) >= 10
    for expected in reprints:
        doc = _doc(run, expected.url)
        assert doc["source_id"] == "asianews"
        assert doc["original_paper"] == expected.original_paper, expected.url


def test_search_highlights_and_article_endpoint(run: Run) -> None:
    expected = run.manifest.articles[0]
    word = max(expected.title.split(), key=len).strip(".,:;'\"")
    hit = next(h for h in run.api.get("/search", params={"q": word, "size": 100}).json()["hits"]
               if h["url"] == expected.url)
    assert any("<mark>" in fragment for fragments in hit["highlights"].values()
               for fragment in fragments)
    article = run.api.get(f"/articles/{hit['id']}").json()
    assert article["title"] == expected.title and len(article["body"]) > 200


def test_crawling_again_adds_and_rewrites_nothing(run: Run) -> None:
    alias = run.settings.index_alias
    before = run.es.indices.stats(index=alias)["_all"]["primaries"]["indexing"]["index_total"]
    count_before = run.es.count(index=alias)["count"]
    run_crawl(run.settings, run.mirror.url)
    wait_drained(run.settings)
    run.es.indices.refresh(index=alias)
    after = run.es.indices.stats(index=alias)["_all"]["primaries"]["indexing"]["index_total"]
    assert run.es.count(index=alias)["count"] == count_before
    assert after == before


def test_status_reports_per_source_counts_equal_to_the_mirror(run: Run) -> None:
    result = subprocess.run([sys.executable, "-m", "ann", "status", "--json"],
                            env=service_env(run.settings), capture_output=True, text=True,
                            check=True, timeout=60)
    report = json.loads(result.stdout)
    expected = Counter(a.source_id for a in run.manifest.articles)
    assert report["documents"] == dict(expected)
    fetched = {sid: c["fetched"] for sid, c in report["crawl"].items() if c["fetched"]}
    assert fetched == dict(expected)
    assert report["queue_depth"] == 0 and report["unclustered"] == 0
    # every batch the crawl queued was written to the ledger and settled by the indexer
    assert report["ledger"] == {"batches": 0, "oldest_seconds": None}
    assert all(c["paused"] is None for c in report["crawl"].values())


def test_hub_reprints_share_a_cluster_with_their_original_and_nothing_else_does(run: Run) -> None:
    docs = {a.url: _doc(run, a.url) for a in run.manifest.articles}
    expected: dict[str, set[str]] = {}
    for article in run.manifest.articles:
        root = article.original_url or article.url
        expected.setdefault(root, set()).add(article.url)
    clusters: dict[str, set[str]] = {}
    for url, doc in docs.items():
        clusters.setdefault(str(doc["cluster_id"]), set()).add(url)
    assert sorted(map(sorted, clusters.values())) == sorted(map(sorted, expected.values()))
    assert any(len(urls) > 1 for urls in clusters.values())


def test_collapsed_search_shows_a_reprinted_story_once_with_its_copies(run: Run) -> None:
    reprint = next(a for a in run.manifest.articles if a.original_url)
    query: dict[str, str | int] = {"q": f'"{reprint.title}"', "size": 20}
    both = run.api.get("/search", params=query).json()
    pair = {reprint.url, reprint.original_url}
    assert pair <= {h["url"] for h in both["hits"]}
    folded = run.api.get("/search", params={**query, "collapse": "true"}).json()
    story = [h for h in folded["hits"] if h["url"] in pair]
    assert len(story) == 1, folded["hits"]
    assert [c["url"] for c in story[0]["copies"]] == list(pair - {story[0]["url"]})
    assert folded["stories"] == len(folded["hits"]) and folded["next_cursor"] is None
    refused = run.api.get("/search", params={"collapse": "true", "cursor": "x"})
    assert refused.status_code == 422 and "collapse" in refused.text
