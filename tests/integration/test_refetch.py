"""The crawler's "unchanged" memory never hides a page that was not indexed: every article of a
source is refused by the engine at its first delivery, the cause is then removed, and the next
crawl (the source's re-check) fetches them again and indexes them — real crawler process, real
worker, real Elasticsearch and Redis, the offline mirror."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.keyspace import unindexed_key
from ann.settings import Settings
from ann.urls import document_id
from indexer.mapping import ensure_index, index_name
from indexer.outcomes import read_totals
from mirror.generate import generate
from mirror.server import MirrorServer
from tests.support.delivery import create_refusing_index
from tests.support.harness import run_crawl
from tests.support.reliability import Worker, dead_letters, pending, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SOURCE = "dawn"


@pytest.fixture
def settings(services: Settings, es: Elasticsearch) -> Iterator[Settings]:
    tag = uuid.uuid4().hex[:8]
    own = services.model_copy(update={
        "index_alias": f"test-{tag}-articles", "pages_queue": f"test-{tag}-pages",
        "key_prefix": f"{services.key_prefix}-rf-{tag}",
    })
    yield own
    for version in (0, 1):
        es.indices.delete(index=index_name(own.index_alias, version), ignore_unavailable=True)
    redis = Redis.from_url(own.redis_url)
    redis.delete(own.pages_queue)
    for key in redis.scan_iter(match=f"{own.key_prefix}:*", count=1000):
        redis.delete(key)
    redis.close()


def _drain(redis: Redis, settings: Settings, worker: Worker) -> None:
    wait_until(lambda: not any(pending(redis, settings.pages_queue).values()),
               f"the queue drained:\n{worker.text()[-2000:]}", 180, step=0.5)


def test_a_page_refused_once_is_fetched_and_indexed_once_the_cause_is_gone(
    settings: Settings, es: Elasticsearch, tmp_path: Path
) -> None:
    manifest = generate(tmp_path / "mirror", per_site=3)
    urls = [a.url for a in manifest.for_source(SOURCE)]
    assert urls
    mirror = MirrorServer(tmp_path / "mirror")
    mirror.start()
    redis = Redis.from_url(settings.redis_url)
    try:
        refusing = create_refusing_index(es, settings.index_alias, "title", "long")
        with Worker(settings, tmp_path / "first.log") as worker:
            run_crawl(settings, mirror.url, SOURCE)
            _drain(redis, settings, worker)
        refused = [e for e in dead_letters(redis, settings)
                   if str(e["reason"]).startswith("index/")]
        print(f"first crawl: {len(refused)} of {len(urls)} dead-lettered, "
              f"e.g. {str(refused[0]['reason'])[:90] if refused else None}")
        assert len(refused) == len(urls)

        es.indices.delete(index=refusing)  # the cause is gone: the index is made right
        ensure_index(es, settings.index_alias)
        with Worker(settings, tmp_path / "second.log") as worker:
            run_crawl(settings, mirror.url, SOURCE, "--entry", "feeds", "--entry", "recheck")
            _drain(redis, settings, worker)
        es.indices.refresh(index=settings.index_alias)
        docs = es.mget(index=settings.index_alias, ids=[document_id(u) for u in urls])["docs"]
        indexed = sum(1 for d in docs if d.get("found"))
        print(f"second crawl: {indexed} of {len(urls)} indexed; "
              f"outcomes {read_totals(redis, settings.key_prefix, SOURCE)}")
        assert indexed == len(urls)
        assert redis.zcard(unindexed_key(settings.key_prefix)) == 0
        assert redis.zcard(unindexed_key(settings.key_prefix, SOURCE)) == 0
    finally:
        mirror.stop()
        redis.close()
