"""Accounted delivery on the real stack: every page handed over ends indexed, unchanged, stale,
refused with a reason, or dead-lettered with the engine's reason — never silently dropped.

Real Elasticsearch, Redis and `celery worker` processes; the pages are the offline mirror's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis
from typer.testing import CliRunner

from ann.keyspace import unindexed_key
from ann.messages import RawPage
from ann.ops import stack
from ann.ops.cli import app
from ann.settings import Settings
from ann.sources import load_registry
from ann.urls import document_id
from crawler.handoff import IndexerClient
from indexer.clusters import cluster_pending
from indexer.mapping import ensure_index, index_name
from indexer.outcomes import read_totals
from indexer.pipeline import fetch_version, process_batch
from mirror.manifest import ArticleTruth, Manifest
from tests.support.delivery import REFUSED_AT, create_refusing_index, mirror_page
from tests.support.mirrors import generate
from tests.support.reliability import (
    HoldingProxy,
    Worker,
    dead_letters,
    kill9,
)
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@dataclass
class Mirror:
    root: Path
    manifest: Manifest

    def members(self, n: int) -> list[ArticleTruth]:
        """``n`` articles of member papers (not hub reprints), each of another source."""
        chosen: dict[str, ArticleTruth] = {}
        for article in self.manifest.articles:
            if article.original_paper is None and article.source_id != "asianews":
                chosen.setdefault(article.source_id, article)
        assert len(chosen) >= n
        return list(chosen.values())[:n]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Mirror:
    root = tmp_path_factory.mktemp("delivery-mirror")
    return Mirror(root, generate(root, per_site=1))


def _send(settings: Settings, pages: list[RawPage]) -> None:
    client = IndexerClient(settings.redis_url, settings.pages_queue, settings.key_prefix)
    try:
        client.send(pages)
    finally:
        client.close()


def _drained(redis: Redis, settings: Settings) -> bool:
    """Every batch settled: gone from the broker and from the ledger (a batch the worker has
    popped but not yet recorded as unacknowledged is in the ledger only)."""
    return stack.unsettled(redis, settings.key_prefix, settings.pages_queue) == 0


def test_a_page_the_engine_refuses_is_dead_lettered_alone_with_its_reason(
    own_settings: Settings, es: Elasticsearch, mirror: Mirror, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One refused document of three: the other two are written, the refused page is
    dead-lettered on its own with the engine's reason, marked unindexed for the crawler, and
    shown by `ann status` under its source."""
    create_refusing_index(es, own_settings.index_alias)
    good, refused = mirror.members(3)[:2], mirror.members(3)[2]
    pages = [mirror_page(mirror.root, a, NOW) for a in good]
    pages.append(mirror_page(mirror.root, refused, REFUSED_AT))
    redis = Redis.from_url(own_settings.redis_url)
    with Worker(own_settings, tmp_path / "worker.log") as worker:
        _send(own_settings, pages)
        wait_until(lambda: worker.succeeded() >= 1 and _drained(redis, own_settings),
                   "the batch to be done", 120)
    es.indices.refresh(index=own_settings.index_alias)
    found = es.mget(index=own_settings.index_alias, ids=[document_id(p.url) for p in pages])["docs"]
    assert [d["found"] for d in found] == [True, True, False]
    letters = dead_letters(redis, own_settings)
    assert len(letters) == 1, letters
    reason = str(letters[0]["reason"])
    print(f"dead letter: {reason}")
    assert reason.startswith(("index/document_parsing_exception",
                              "index/mapper_parsing_exception")), reason
    assert "fetched_at" in reason
    assert [p["url"] for p in letters[0]["payload"]["pages"]] == [refused.url]  # type: ignore[index]
    totals = read_totals(redis, own_settings.key_prefix)
    print(f"outcomes: {totals}")
    assert totals["indexer/indexed"] == 2
    assert sum(n for k, n in totals.items() if k.startswith("indexer/dead_lettered/")) == 1
    assert redis.zrange(unindexed_key(own_settings.key_prefix), 0, -1) == [
        document_id(refused.url).encode()]
    assert redis.zrange(unindexed_key(own_settings.key_prefix, refused.source_id), 0, -1) == [
        refused.url.encode()]

    monkeypatch.setattr("ann.ops.cli.status.get_settings", lambda: own_settings)
    shown = CliRunner().invoke(app, ["status", "--json"])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.output)
    assert report["dead_letters"] == {"waiting": 1, "trimmed": 0, "webhooks": 0}
    by_reason = report["index"][refused.source_id]
    assert sum(n for k, n in by_reason.items() if k.startswith("indexer/dead_lettered/")) == 1


def test_an_older_fetch_never_replaces_a_newer_one(
    own_settings: Settings, es: Elasticsearch, mirror: Mirror
) -> None:
    """Newer then older for one URL: the newer stays, the older ends as ``stale``; a fetch
    newer still is written even after clustering raised the stored version."""
    ensure_index(es, own_settings.index_alias)
    article = mirror.members(1)[0]
    original = mirror_page(mirror.root, article, NOW).body()
    edited = original.replace(article.title.encode(), b"An edited headline for the test")
    assert edited != original
    registry = load_registry()
    newer = mirror_page(mirror.root, article, NOW)
    older = mirror_page(mirror.root, article, NOW - timedelta(hours=1), edited)
    doc_id = document_id(article.url)

    assert process_batch([newer], es, own_settings.index_alias, registry).total("indexed") == 1
    outcome = process_batch([older], es, own_settings.index_alias, registry)
    assert (outcome.total("stale"), outcome.total("indexed")) == (1, 0)
    stored = es.get(index=own_settings.index_alias, id=doc_id)
    assert stored["_source"]["title"] == article.title
    assert stored["_version"] == fetch_version(newer)

    cluster_pending(es, own_settings.index_alias)
    assert es.get(index=own_settings.index_alias, id=doc_id)["_version"] == fetch_version(newer) + 1
    newest = mirror_page(mirror.root, article, NOW + timedelta(minutes=1), edited)
    assert process_batch([newest], es, own_settings.index_alias, registry).total("indexed") == 1
    assert es.get(index=own_settings.index_alias, id=doc_id)["_source"]["title"] != article.title


def test_the_same_fetch_extracted_again_replaces_itself_after_clustering(
    own_settings: Settings, es: Elasticsearch, mirror: Mirror
) -> None:
    """A replay of the same fetch (an extractor fixed since) is not an older fetch."""
    ensure_index(es, own_settings.index_alias)
    article = mirror.members(1)[0]
    page = mirror_page(mirror.root, article, NOW)
    registry = load_registry()
    assert process_batch([page], es, own_settings.index_alias, registry).total("indexed") == 1
    cluster_pending(es, own_settings.index_alias)
    # what an older extractor would have stored for this fetch
    es.update(index=own_settings.index_alias, id=document_id(article.url),
              doc={"content_hash": "older-extractor"}, refresh=True)
    outcome = process_batch([page], es, own_settings.index_alias, registry)
    assert (outcome.total("indexed"), outcome.total("stale")) == (1, 0)


def test_a_throttled_write_is_sent_again_until_it_is_in(
    own_settings: Settings, es: Elasticsearch, mirror: Mirror, tmp_path: Path
) -> None:
    """The engine answers 429 per item (an index blocked as at the disk flood stage): the pages
    go round again with backoff and are written once the block is lifted; nothing is lost."""
    ensure_index(es, own_settings.index_alias)
    index = index_name(own_settings.index_alias)
    es.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": True})
    pages = [mirror_page(mirror.root, a, NOW) for a in mirror.members(2)]
    redis = Redis.from_url(own_settings.redis_url)
    try:
        with Worker(own_settings, tmp_path / "worker.log") as worker:
            _send(own_settings, pages)
            wait_until(lambda: any(k.startswith("indexer/retried/")
                                   for k in read_totals(redis, own_settings.key_prefix)),
                       "a throttled write", 120)
            es.indices.put_settings(index=index,
                                    settings={"index.blocks.read_only_allow_delete": None})
            prefix = own_settings.key_prefix
            wait_until(lambda: read_totals(redis, prefix).get("indexer/indexed") == 2
                       and _drained(redis, own_settings), "the pages written", 120)
            assert worker.process.poll() is None
    finally:
        es.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": None})
    totals = read_totals(redis, own_settings.key_prefix)
    print(f"outcomes: {totals}")
    assert dead_letters(redis, own_settings) == []
    assert not any(k.startswith("indexer/dead_lettered") for k in totals)


def test_a_batch_that_kills_its_worker_every_time_is_dead_lettered_after_the_cap(
    own_settings: Settings, es: Elasticsearch, mirror: Mirror, tmp_path: Path
) -> None:
    """Each delivery hangs in the engine and its pool child is killed; after
    ``ANN_MAX_DELIVERIES`` deliveries the next one dead-letters the batch instead."""
    ensure_index(es, own_settings.index_alias)
    pages = [mirror_page(mirror.root, a, NOW) for a in mirror.members(2)]
    redis = Redis.from_url(own_settings.redis_url)
    proxy = HoldingProxy(own_settings.es_url)
    cap = 2
    try:
        with Worker(own_settings, tmp_path / "worker.log", name="poison",
                    env={"ES_URL": proxy.url, "ANN_MAX_DELIVERIES": str(cap)}) as worker:
            proxy.arm("request")
            _send(own_settings, pages)
            for delivery in range(1, cap + 1):
                assert proxy.caught.wait(60), f"delivery {delivery}:\n{worker.text()[-3000:]}"
                proxy.arm("request")  # the next delivery is held too, if it ever writes
                children = worker.children()
                assert len(children) == 1, children
                kill9(children[0])
                def pool_saw_it(deliveries: int = delivery) -> bool:
                    return worker.text().count("WorkerLostError") >= deliveries

                wait_until(pool_saw_it, "the pool to see its child die", 30)
            wait_until(lambda: bool(dead_letters(redis, own_settings)), "the dead letter", 60)
            wait_until(lambda: _drained(redis, own_settings), "the message acknowledged", 30)
            assert not proxy.caught.is_set(), "a delivery past the cap reached the engine"
    finally:
        proxy.close()
    letters = dead_letters(redis, own_settings)
    print(f"dead letters: {[e['reason'] for e in letters]}")
    assert [e["reason"] for e in letters] == [f"poison/delivered_{cap}_times"]
    assert {p["url"] for p in letters[0]["payload"]["pages"]} == {p.url for p in pages}  # type: ignore[index]
    marked = redis.zrange(unindexed_key(own_settings.key_prefix), 0, -1)
    assert sorted(marked) == sorted(document_id(p.url).encode() for p in pages)
