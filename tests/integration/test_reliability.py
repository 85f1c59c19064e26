"""Reliability on the real stack (DESIGN.md, Targets): kill -9 a worker, restart Redis, stop
Elasticsearch mid-run → every article indexed exactly once in the end, nothing dead-lettered.

Each scenario crawls a small offline mirror into a queue of its own (own index alias, queue and
key prefix), then lets a real prefork `celery worker` drain it while the failure is injected.
"Exactly once" is checked three ways: the index holds as many documents as the manifest has
articles, each ``document_id(url)`` is there, and no document was written twice: every
``_version`` is its fetch version plus one — written once by its batch at the fetch time in ms,
updated once by clustering — and, where the node was not restarted, ``indexing.index_total`` is
twice the number of documents.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.ledger import Ledger
from ann.ops import stack
from ann.settings import Settings
from ann.urls import document_id
from indexer.mapping import UNCLUSTERED
from mirror.manifest import Manifest
from mirror.server import MirrorServer
from tests.support.harness import run_crawl
from tests.support.mirrors import generate
from tests.support.reliability import (
    HoldingProxy,
    Worker,
    dead_letters,
    es_healthy,
    index_total,
    kill9,
    pending,
    queued,
    redis_up,
)
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

PER_SITE = 8
ES_DOWN_SECONDS = 20
DRAIN_TIMEOUT = 120
VISIBILITY_TIMEOUT = 10
WRITES_PER_DOCUMENT = 2  # its batch's write, then clustering's update
LEDGER = {"ANN_LEDGER_REDRIVE_SECONDS": "1", "ANN_LEDGER_REDRIVE_AGE": "2"}
"""A lost batch is sent again within seconds (the defaults, 30 s and 120 s, suit production)."""
CLUSTER_UPDATES = 1


def _fetch_ms(fetched_at: str) -> int:
    return int(datetime.fromisoformat(fetched_at).timestamp() * 1000)


@dataclass
class Mirror:
    manifest: Manifest
    url: str


@dataclass
class Scenario:
    settings: Settings
    mirror: Mirror
    es: Elasticsearch
    redis: Redis
    logs: Path

    def crawl(self, batch_size: int) -> int:
        """Crawl the whole mirror into this scenario's queue (no worker yet); batches queued."""
        run_crawl(self.settings, self.mirror.url,
                  extra_env={"ANN_BULK_BATCH_SIZE": str(batch_size)})
        batches = queued(self.redis, self.settings.pages_queue)
        assert batches >= 3, f"expected several batches on the queue, found {batches}"
        return batches

    def worker(self, name: str, **env: str) -> Worker:
        return Worker(self.settings, self.logs / f"{name}.log", env=env, name=name)

    def wait_complete(self, *workers: Worker, timeout: float = DRAIN_TIMEOUT) -> None:
        """Until the queue is empty, nothing of ours is unacked, every batch is settled in the
        ledger and every article is in."""
        alias, expected = self.settings.index_alias, len(self.mirror.manifest.articles)
        ledger = Ledger(self.redis, self.settings.key_prefix, self.settings.pages_queue)

        def done() -> bool:
            if any(pending(self.redis, self.settings.pages_queue).values()):
                return False
            if ledger.size()["batches"]:
                return False
            self.es.indices.refresh(index=alias)
            return (int(self.es.count(index=alias)["count"]) >= expected
                    and int(self.es.count(index=alias, query=UNCLUSTERED)["count"]) == 0)

        try:
            wait_until(done, "the run to complete", timeout, 0.5)
        except AssertionError as error:
            logs = "\n".join(f"--- {w.log.name}\n{w.text()[-3000:]}" for w in workers)
            raise AssertionError(
                f"{error}; pending={pending(self.redis, self.settings.pages_queue)}; "
                f"ledger={ledger.size()}\n{logs}"
            ) from error

    def assert_exactly_once(self, *, check_index_total: bool = True) -> None:
        alias, articles = self.settings.index_alias, self.mirror.manifest.articles
        self.es.indices.refresh(index=alias)
        assert self.es.count(index=alias)["count"] == len(articles)
        ids = [document_id(a.url) for a in articles]
        docs = self.es.mget(index=alias, ids=ids, source_includes=["fetched_at"])["docs"]
        missing = [a.url for a, d in zip(articles, docs, strict=True) if not d.get("found")]
        assert missing == []
        rewritten = {d["_id"]: d["_version"] for d in docs
                     if d["_version"] != _fetch_ms(d["_source"]["fetched_at"]) + CLUSTER_UPDATES}
        assert rewritten == {}, f"documents not written exactly once, then clustered: {rewritten}"
        if check_index_total:
            assert index_total(self.es, alias) == WRITES_PER_DOCUMENT * len(set(ids))
        assert dead_letters(self.redis, self.settings) == []


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mirror]:
    root = tmp_path_factory.mktemp("reliability-mirror")
    manifest = generate(root, per_site=PER_SITE)
    server = MirrorServer(root)
    server.start()
    try:
        yield Mirror(manifest, server.url)
    finally:
        server.stop()


@pytest.fixture
def scenario(
    own_settings: Settings, es: Elasticsearch, mirror: Mirror, tmp_path: Path
) -> Iterator[Scenario]:
    redis = Redis.from_url(own_settings.redis_url)
    try:
        yield Scenario(own_settings, mirror, es, redis, tmp_path)
    finally:
        redis.close()


@pytest.fixture
def restartable(
    own_settings: Settings, own_redis: dict[str, str], es: Elasticsearch, mirror: Mirror,
    tmp_path: Path,
) -> Iterator[Scenario]:
    """A scenario on :func:`own_redis`."""
    settings = own_settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{own_redis['REDIS_PORT']}/0"})
    redis = Redis.from_url(settings.redis_url)
    try:
        yield Scenario(settings, mirror, es, redis, tmp_path)
    finally:
        redis.close()


def _managed(name: str) -> dict[str, str]:
    """The deploy/local environment of a service this machine runs, or skip the test."""
    services = stack.managed_services(Settings())
    if name not in services:
        pytest.skip(f"{name} is given by the environment; not ours to restart")
    return services[name]


@pytest.fixture
def proxy(services: Settings) -> Iterator[HoldingProxy]:
    holding = HoldingProxy(services.es_url)
    try:
        yield holding
    finally:
        holding.close()


def _catch_batch(worker: Worker, proxy: HoldingProxy, stage: str) -> str:
    """Hold the next batch's bulk exchange at ``stage``; return the id of that batch's task."""
    wait_until(lambda: worker.succeeded() >= 1, "a first batch", 60)
    proxy.arm(stage)
    assert proxy.caught.wait(30), f"no bulk request caught:\n{worker.text()[-3000:]}"
    in_flight = worker.in_flight()
    assert len(in_flight) == 1, in_flight
    return in_flight.pop()


def test_kill_9_of_a_pool_child_mid_batch_loses_nothing(
    scenario: Scenario, proxy: HoldingProxy
) -> None:
    """The child dies after Elasticsearch wrote its batch, before the task was acknowledged:
    the pool hands the message back (reject_on_worker_lost), the redelivery rewrites nothing."""
    scenario.crawl(batch_size=50)
    with scenario.worker("kill-child", ES_URL=proxy.url) as worker:
        killed = _catch_batch(worker, proxy, "response")
        children = worker.children()
        assert len(children) == 1, children
        kill9(children[0])
        proxy.release()
        wait_until(lambda: "WorkerLostError" in worker.text(), "the pool to see its child die", 30)
        scenario.wait_complete(worker)
        events = worker.task_events()
        assert events.count((killed, "received")) == 2, worker.text()[-3000:]
        assert (killed, "succeeded") in events, worker.text()[-3000:]
    scenario.assert_exactly_once()


def test_kill_9_of_the_whole_worker_mid_batch_loses_nothing(
    scenario: Scenario, proxy: HoldingProxy
) -> None:
    """Parent and child die with a batch in flight: nobody hands the message back, so it must
    come back from Redis's unacked set once the visibility timeout has passed."""
    scenario.crawl(batch_size=50)
    env = {"ANN_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    with scenario.worker("kill-all-1", ES_URL=proxy.url, **env) as first:
        killed = _catch_batch(first, proxy, "request")
        children = first.children()
        kill9(first.process.pid)  # the parent first, so that it cannot reject the message
        for child in children:
            kill9(child)
        proxy.release()
        first.process.wait(timeout=10)
        killed_at = time.monotonic()
    queue = scenario.settings.pages_queue
    assert pending(scenario.redis, queue)["unacked"] == 1
    # a new worker sweeps the unacked set when it starts: start it once the timeout has run out
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    with scenario.worker("kill-all-2", **env) as second:
        scenario.wait_complete(first, second)
        assert (killed, "succeeded") in second.task_events(), second.text()[-3000:]
    scenario.assert_exactly_once()


def test_redis_restart_mid_run_loses_nothing(
    restartable: Scenario, own_redis: dict[str, str]
) -> None:
    """Acknowledgements sent while Redis is down are lost: those batches come back after the
    visibility timeout, and find their documents unchanged. A batch the worker took off the
    queue just before the stop and could not record as unacknowledged is in no queue at all:
    the ledger sends it again (ann/ledger.py; test_ledger.py makes that loss on purpose)."""
    scenario, env = restartable, own_redis
    scenario.crawl(batch_size=10)
    url = scenario.settings.redis_url
    try:
        with scenario.worker("redis-restart", ANN_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
                             **LEDGER) as worker:
            wait_until(lambda: worker.succeeded() >= 2, "two batches", 60)
            assert queued(scenario.redis, scenario.settings.pages_queue) > 0
            stack.run_service_script("redis", "stop", env)
            assert not redis_up(url)
            time.sleep(2)
            stack.run_service_script("redis", "start", env)
            scenario.wait_complete(worker)
            assert worker.process.poll() is None, worker.text()[-3000:]
    finally:
        if not redis_up(url):
            stack.run_service_script("redis", "start", env)
    scenario.assert_exactly_once()


def test_elasticsearch_down_mid_run_retries_and_loses_nothing(scenario: Scenario) -> None:
    env = _managed("elasticsearch")
    scenario.crawl(batch_size=10)
    url = scenario.settings.es_url
    try:
        with scenario.worker("es-down") as worker:
            wait_until(lambda: worker.succeeded() >= 2, "two batches", 60)
            assert queued(scenario.redis, scenario.settings.pages_queue) > 0
            done_before = worker.succeeded()
            stack.run_service_script("elasticsearch", "stop", env)
            down_at = time.monotonic()
            wait_until(lambda: "Retry in" in worker.text(), "a batch to be retried", 30)
            time.sleep(max(0.0, ES_DOWN_SECONDS - (time.monotonic() - down_at)))
            assert worker.succeeded() == done_before or not es_healthy(url)
            stack.run_service_script("elasticsearch", "start", env)
            wait_until(lambda: es_healthy(url), "Elasticsearch to be healthy", 120)
            scenario.wait_complete(worker, timeout=DRAIN_TIMEOUT + 60)
    finally:
        if not es_healthy(url):
            stack.run_service_script("elasticsearch", "start", env)
            wait_until(lambda: es_healthy(url), "Elasticsearch to be healthy", 120)
    # indexing stats restart at zero with the node: versions alone show nothing was rewritten
    scenario.assert_exactly_once(check_index_total=False)
