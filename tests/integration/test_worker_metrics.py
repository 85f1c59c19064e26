"""`GET /metrics` on a real crawl worker and a real indexer worker after a small mirror crawl
run as a scheduled job: the counters moved, with the right labels, summed over each worker's
pool processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from elasticsearch import Elasticsearch
from prometheus_client.parser import text_string_to_metric_families

from ann.messages import CRAWL_SOURCES_TASK, INDEX_PAGES_TASK
from ann.producer import TaskProducer
from ann.settings import Settings
from ann.sources import load_registry
from crawler.celery_app import create_celery
from indexer.mapping import index_name
from mirror.server import MirrorServer
from tests.support.env import service_env
from tests.support.harness import celery_workers, wait_drained
from tests.support.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SOURCES = ("dawn", "thestar")
FAILING = "kathmandupost"
"""Its host answers 503 to everything."""

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


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


@contextmanager
def crawl_worker(settings: Settings, env: dict[str, str], log: Path) -> Iterator[None]:
    """A real crawl worker (prefork, 2 pool processes) on the test's crawl queue."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crawler.celery_app", "worker",
             "-Q", settings.crawl_queue, "-c", "2", "--loglevel=INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"metrics-{os.getpid()}@%h"],
            env={**service_env(settings), "ANN_CRAWL_QUEUE": settings.crawl_queue, **env},
            stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=60)


def _wait_for(log: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-4000:]
        time.sleep(0.5)


def test_crawl_and_indexer_workers_count_what_they_did(
    own_settings: Settings, served_mirror: MirrorServer, es: Elasticsearch, tmp_path: Path
) -> None:
    """A crawl job run by a real crawl worker on the mirror (one source's host answering 503),
    its pages indexed by a real indexer worker: each worker's ``/metrics`` shows it."""
    registry = load_registry()
    failing = urlsplit(registry.get(FAILING).entry_points.feeds[0]).hostname or ""
    served_mirror.set_status(failing, 503)
    crawler_port, indexer_port = free_port(), free_port()
    crawler_log, indexer_log = tmp_path / "crawler.log", tmp_path / "indexer.log"
    crawler_env = {"ANN_MIRROR_URL": served_mirror.url, "ANN_POLITENESS_SCALE": "0",
                   "ANN_CRAWLER_METRICS_PORT": str(crawler_port),
                   "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "crawler-metrics")}
    indexer_env = {"ANN_INDEXER_METRICS_PORT": str(indexer_port),
                   "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "indexer-metrics")}
    with celery_workers(own_settings, indexer_log, concurrency=2, extra_env=indexer_env), \
            crawl_worker(own_settings, crawler_env, crawler_log):
        assert total(scrape(crawler_port), "ann_crawler_requests_total") == 0
        assert total(scrape(indexer_port), "ann_indexer_pages_total") == 0
        job = create_celery(own_settings).send_task(
            CRAWL_SOURCES_TASK, args=[[*SOURCES, FAILING], ["feeds"]],
            queue=own_settings.crawl_queue)
        _wait_for(crawler_log, f"[{job.id}] succeeded", 240)
        crawled = scrape(crawler_port)
        wait_drained(own_settings)
        TaskProducer("test", own_settings.redis_url, own_settings.pages_queue).send(
            INDEX_PAGES_TASK, [{"pages": "not a list"}])  # a malformed batch: dead-lettered
        wait_drained(own_settings)
        indexed_samples = scrape(indexer_port)

    es.indices.refresh(index=index_name(own_settings.index_alias))
    stored = {s: es.count(index=own_settings.index_alias, query={"term": {"source_id": s}})["count"]
              for s in SOURCES}
    for source in SOURCES:
        requests = total(crawled, "ann_crawler_requests_total", source=source)
        ok = total(crawled, "ann_crawler_responses_total", source=source, status="200")
        size = total(crawled, "ann_crawler_response_bytes_total", source=source)
        pages = total(crawled, "ann_crawler_pages_queued_total", source=source)
        print(f"crawler /metrics {source}: requests {requests:.0f}, 200s {ok:.0f}, "
              f"bytes {size:.0f}, pages queued {pages:.0f} (documents {stored[source]})")
        assert requests >= ok > 0 and size > 0
        assert pages == stored[source] > 0
    assert total(crawled, "ann_crawler_responses_total", source=FAILING, status="503") > 0
    assert total(crawled, "ann_crawler_pages_queued_total", source=FAILING) == 0
    assert total(crawled, "ann_crawler_jobs_total", kinds="feeds", outcome="ok") == 1

    documents = es.count(index=own_settings.index_alias)["count"]
    samples = indexed_samples
    indexed = total(samples, "ann_indexer_pages_total", stage="index", outcome="indexed")
    by_source = {s: total(samples, "ann_indexer_pages_total", source=s, outcome="indexed")
                 for s in SOURCES}
    bulks = total(samples, "ann_indexer_bulk_duration_seconds_count")
    print(f"indexer /metrics: indexed {indexed:.0f} (documents {documents}), by source "
          f"{by_source}, bulk requests {bulks:.0f}")
    assert documents > 0 and indexed == documents == sum(stored.values())
    assert by_source == stored
    assert label_values(samples, "ann_indexer_pages_total", "source") == set(SOURCES)
    assert total(samples, "ann_indexer_bulk_duration_seconds_count", outcome="ok") >= 1
    assert total(samples, "ann_indexer_bulk_duration_seconds_sum", outcome="ok") > 0
    assert total(samples, "ann_indexer_queue_messages", queue=own_settings.pages_queue) == 0
    batches = {o: total(samples, "ann_indexer_batches_total", outcome=o)
               for o in ("ok", "dead_lettered", "retried", "failed")}
    print(f"indexer /metrics: batches {batches}")
    assert batches["ok"] >= 1 and batches["dead_lettered"] == 1
    assert batches["retried"] == batches["failed"] == 0
    assert total(samples, "ann_indexer_dead_letters") == 1
