"""The API served as ``ann up`` serves it with several processes: ``/metrics``, whichever process
answers it, counts the requests of every one (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from ann.settings import Settings
from tests.support.api_corpus import corpus_documents, index_documents, private_alias
from tests.support.served import served_api

pytestmark = pytest.mark.integration

WORKERS = 2
BATCH = 20
DEADLINE_S = 20


def _search(url: str) -> int:
    """One search on a connection of its own, which any worker may accept."""
    with httpx.Client(timeout=10) as client:
        return client.get(f"{url}/search", params={"q": "flood"}).status_code


def _searches(samples: Iterable[Sample]) -> float:
    return sum(s.value for s in samples if s.name == "ann_api_requests_total"
               and s.labels["route"] == "/search" and s.labels["status"] == "200")


def _counted_searches(url: str) -> float:
    """The searches ``/metrics`` counts, scraped on a connection of its own."""
    with httpx.Client(timeout=10) as client:
        text = client.get(f"{url}/metrics").text
    return _searches(s for family in text_string_to_metric_families(text) for s in family.samples)


def _searches_per_worker(metrics_dir: Path) -> list[float]:
    """The searches each worker counted so far, from its own counter file
    (``counter_<pid>.db``), read by prometheus-client."""
    counts = []
    for path in sorted(metrics_dir.glob("counter_*.db")):
        families = MultiProcessCollector.merge([str(path)])  # type: ignore[no-untyped-call]
        counts.append(_searches(s for family in families for s in family.samples))
    return counts


def _settled(metrics_dir: Path, sent: int) -> list[float]:
    """:func:`_searches_per_worker` once ``sent`` are counted, or after a second: a request is
    counted just after its answer has gone, so the last ones may still be on their way."""
    deadline = time.monotonic() + 1
    counts = _searches_per_worker(metrics_dir)
    while sum(counts) < sent and time.monotonic() < deadline:
        time.sleep(0.02)
        counts = _searches_per_worker(metrics_dir)
    return counts


def _until_every_worker_searched(metrics_dir: Path, url: str) -> int:
    """Send searches, ``BATCH`` at a time in parallel on connections of their own, until each
    worker has answered some; the searches sent."""
    deadline = time.monotonic() + DEADLINE_S
    sent = 0
    with ThreadPoolExecutor(BATCH) as pool:
        while True:
            assert set(pool.map(_search, [url] * BATCH)) == {200}
            sent += BATCH
            counts = _settled(metrics_dir, sent)
            assert sum(counts) == sent, counts  # each search counted once, by its worker
            if len([n for n in counts if n]) == WORKERS:
                return sent
            assert time.monotonic() < deadline, f"one worker answered every search: {counts}"


def test_metrics_count_the_requests_of_every_worker(
    services: Settings, es: Elasticsearch, tmp_path: Path,
) -> None:
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, corpus_documents(per_topic=2))
        log = tmp_path / "api.log"
        with served_api(settings, log, workers=WORKERS) as api:
            sent = _until_every_worker_searched(tmp_path / "api-metrics", api.url)
            # every scrape, whichever worker answers it, gives the sum over both
            assert [_counted_searches(api.url) for _ in range(6)] == [sent] * 6
