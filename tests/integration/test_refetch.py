"""The crawler's "unchanged" memory never hides a page that was not indexed: every article of a
source is refused by the engine at its first delivery, the cause is then removed, and the next
crawl (the source's re-check) fetches them again and indexes them — real crawler process, real
worker, real Elasticsearch and Redis, the offline mirror."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.keyspace import unindexed_key
from ann.settings import Settings
from ann.urls import document_id
from indexer.mapping import ensure_index
from indexer.outcomes import read_totals
from mirror.server import MirrorServer
from tests.support.delivery import create_refusing_index
from tests.support.harness import run_crawl, wait_drained
from tests.support.mirrors import generate
from tests.support.reliability import Worker, dead_letters

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SOURCE = "dawn"


def test_a_page_refused_once_is_fetched_and_indexed_once_the_cause_is_gone(
    own_settings: Settings, es: Elasticsearch, tmp_path: Path
) -> None:
    manifest = generate(tmp_path / "mirror", per_site=3)
    urls = [a.url for a in manifest.for_source(SOURCE)]
    assert urls
    mirror = MirrorServer(tmp_path / "mirror")
    mirror.start()
    redis = Redis.from_url(own_settings.redis_url)
    try:
        refusing = create_refusing_index(es, own_settings.index_alias, "title", "long")
        with Worker(own_settings, tmp_path / "worker.log") as worker:  # one worker, both crawls
            run_crawl(own_settings, mirror.url, SOURCE)
            wait_drained(own_settings, 180, lambda: worker.text()[-2000:])
            refused = [e for e in dead_letters(redis, own_settings)
                       if str(e["reason"]).startswith("index/")]
            print(f"first crawl: {len(refused)} of {len(urls)} dead-lettered, "
                  f"e.g. {str(refused[0]['reason'])[:90] if refused else None}")
            assert len(refused) == len(urls)

            es.indices.delete(index=refusing)  # the cause is gone: the index is made right
            ensure_index(es, own_settings.index_alias)
            run_crawl(own_settings, mirror.url, SOURCE, "--entry", "feeds", "--entry", "recheck")
            wait_drained(own_settings, 180, lambda: worker.text()[-2000:])
        es.indices.refresh(index=own_settings.index_alias)
        docs = es.mget(index=own_settings.index_alias, ids=[document_id(u) for u in urls])["docs"]
        indexed = sum(1 for d in docs if d.get("found"))
        print(f"second crawl: {indexed} of {len(urls)} indexed; "
              f"outcomes {read_totals(redis, own_settings.key_prefix, SOURCE)}")
        assert indexed == len(urls)
        assert redis.zcard(unindexed_key(own_settings.key_prefix)) == 0
        assert redis.zcard(unindexed_key(own_settings.key_prefix, SOURCE)) == 0
    finally:
        mirror.stop()
        redis.close()
