"""`GET /metrics` on real workers after a small mirror crawl: the counters moved, with the right
labels, summed over the worker's pool processes."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from ann.settings import Settings
from indexer.mapping import index_name
from mirror.generate import generate
from mirror.server import MirrorServer
from tests.integration.harness import celery_workers, run_crawl, wait_drained

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SOURCES = ("dawn", "thestar")

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(port: int, timeout: float = 60) -> Samples:
    """Every sample of ``/metrics``, keyed by name and sorted labels; waits for the server."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            break
        except httpx.HTTPError:
            assert time.monotonic() < deadline, f"no /metrics on port {port}"
            time.sleep(0.3)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text) for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    return sum(value for (n, found), value in samples.items()
               if n == name and set(labels.items()) <= set(found))


def label_values(samples: Samples, name: str, label: str) -> set[str]:
    return {dict(found)[label] for (n, found), _ in samples.items() if n == name}


@pytest.fixture(scope="module")
def mirror(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    root = tmp_path_factory.mktemp("mirror")
    generate(root, shared_dir, per_site=3)
    server = MirrorServer(root)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(isolated: Settings, redis_client: Redis) -> Iterator[Settings]:
    settings = isolated.model_copy(update={"crawl_queue": f"crawl-{uuid.uuid4().hex[:8]}"})
    yield settings
    redis_client.delete(settings.pages_queue, settings.crawl_queue)


def test_an_indexer_worker_counts_outcomes_bulk_latency_and_its_queue(
    settings: Settings, mirror: MirrorServer, es: Elasticsearch, tmp_path: Path
) -> None:
    port = _free_port()
    env = {"ANN_INDEXER_METRICS_PORT": str(port),
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    with celery_workers(settings, tmp_path / "worker.log", concurrency=2, extra_env=env):
        assert total(scrape(port), "ann_indexer_pages_total") == 0
        run_crawl(settings, mirror.url, *SOURCES)
        wait_drained(settings)
        samples = scrape(port)
    es.indices.refresh(index=index_name(settings.index_alias))
    documents = es.count(index=settings.index_alias)["count"]
    indexed = total(samples, "ann_indexer_pages_total", stage="index", outcome="indexed")
    by_source = {s: total(samples, "ann_indexer_pages_total", source=s, outcome="indexed")
                 for s in SOURCES}
    bulks = total(samples, "ann_indexer_bulk_duration_seconds_count")
    print(f"indexer /metrics: indexed {indexed:.0f} (documents {documents}), by source "
          f"{by_source}, bulk requests {bulks:.0f}")
    assert documents > 0 and indexed == documents
    assert label_values(samples, "ann_indexer_pages_total", "source") == set(SOURCES)
    assert total(samples, "ann_indexer_bulk_duration_seconds_count", outcome="ok") >= 1
    assert total(samples, "ann_indexer_bulk_duration_seconds_sum", outcome="ok") > 0
    assert total(samples, "ann_indexer_queue_messages", queue=settings.pages_queue) == 0
    assert ("ann_indexer_dead_letters", ()) in samples
