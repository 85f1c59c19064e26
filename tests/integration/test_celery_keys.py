"""The crawler's and the indexer's Celery apps keep their in-flight messages and their remote
control apart.

Both apps use one Redis database. A crawl job may run for an hour, an indexer batch for minutes:
if the two apps shared kombu's ``unacked`` bookkeeping, an indexer worker would hand a running
crawl job back to the crawl queue once the *indexer's* visibility timeout had passed, and a
second crawl worker would run it again. And a broadcast meant for the indexer workers
(``celery -A indexer.celery_app control shutdown``) must not reach the crawl workers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from celery import Celery
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message
from redis import Redis

from ann.keyspace import unacked_key
from ann.messages import CRAWL_SOURCES_TASK
from ann.settings import Settings
from crawler.celery_app import create_celery as create_crawler_celery
from indexer.celery_app import create_celery as create_indexer_celery
from indexer.tasks import CLUSTER_TASK
from tests.support.env import service_env
from tests.support.harness import celery_workers

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

VISIBILITY_TIMEOUT = 5
"""The indexer workers' (the smallest the settings allow): the crawl job outlives it."""


def _take(app: Celery, queue: str, stack: ExitStack) -> Message:
    """Take one message of ``queue`` through ``app``'s own broker connection and keep it
    unacknowledged, as a worker does while its task runs."""
    connection: Connection = stack.enter_context(app.connection_for_read())
    bound = Queue(queue)(connection.channel())  # type: ignore[no-untyped-call]
    deadline = time.monotonic() + 30
    while (message := bound.get(no_ack=False)) is None:  # type: ignore[no-untyped-call]
        assert time.monotonic() < deadline, f"nothing arrived on {queue}"
        time.sleep(0.1)
    assert isinstance(message, Message)
    return message


@pytest.fixture
def queues(isolated: Settings, redis_client: Redis) -> Iterator[Settings]:
    settings = isolated.model_copy(update={"crawl_queue": f"crawl-{uuid.uuid4().hex[:8]}"})
    yield settings
    for queue in (settings.crawl_queue, settings.pages_queue):
        redis_client.delete(queue, *(f"{unacked_key(queue)}{s}" for s in ("", "_index", "_mutex")))


def _broadcasts_reach_only_their_own_workers(
    settings: Settings, crawler_app: Celery, indexer_app: Celery, tmp_path: Path
) -> None:
    """With an indexer worker running, start a crawl worker: each app's ping reaches its own
    worker and never the other's."""
    crawler_name = f"keys-crawl-{os.getpid()}@test"
    with (tmp_path / "crawler.log").open("wb") as out:
        crawler = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crawler.celery_app", "worker",
             "-Q", settings.crawl_queue, "-c", "1", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", crawler_name],
            env={**service_env(settings), "ANN_CRAWL_QUEUE": settings.crawl_queue},
            stdout=out, stderr=subprocess.STDOUT)
    try:
        indexer_name = f"test-{os.getpid()}@"
        deadline = time.monotonic() + 90
        while True:  # both workers up: each answers its own app's ping
            to_crawler = {n for r in crawler_app.control.ping(timeout=1) for n in r}
            to_indexer = {n for r in indexer_app.control.ping(timeout=1) for n in r}
            if crawler_name in to_crawler and any(
                    n.startswith(indexer_name) for n in to_indexer):
                break
            assert time.monotonic() < deadline, (to_crawler, to_indexer)
        print(f"ping: crawler app reached {sorted(to_crawler)}, "
              f"indexer app reached {sorted(to_indexer)}")
        assert crawler_name not in to_indexer
        assert not any(n.startswith(indexer_name) for n in to_crawler)
    finally:
        crawler.terminate()
        crawler.wait(timeout=60)


def test_the_apps_keep_their_in_flight_messages_and_their_broadcasts_apart(
    queues: Settings, redis_client: Redis, tmp_path: Path
) -> None:
    """One indexer worker for both checks: first it must not hand back a running crawl job
    (only its own abandoned message), then a broadcast to either app must reach only that
    app's workers."""
    settings = queues.model_copy(update={"visibility_timeout_seconds": VISIBILITY_TIMEOUT})
    crawler_app, indexer_app = create_crawler_celery(settings), create_indexer_celery(settings)
    with ExitStack() as stack:
        crawler_app.send_task(CRAWL_SOURCES_TASK, args=[["dawn"], ["feeds"]],
                              queue=settings.crawl_queue)
        crawl_job = _take(crawler_app, settings.crawl_queue, stack)
        # an indexer message abandoned by a dead worker: the one the indexer must hand back
        abandoned = indexer_app.send_task(CLUSTER_TASK, queue=settings.pages_queue).id
        _take(indexer_app, settings.pages_queue, stack)
        time.sleep(VISIBILITY_TIMEOUT + 1)  # both are now older than the indexer's timeout

        log = tmp_path / "indexer.log"
        with celery_workers(settings, log, concurrency=1,
                            extra_env={"ANN_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}):
            deadline = time.monotonic() + 90
            while f"[{abandoned}] succeeded" not in log.read_text(errors="replace"):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
            # the worker has swept the in-flight messages: its own came back and ran
            _broadcasts_reach_only_their_own_workers(settings, crawler_app, indexer_app,
                                                     tmp_path)

        in_flight = redis_client.hkeys(unacked_key(settings.crawl_queue))
        waiting = redis_client.llen(settings.crawl_queue)
        print(f"crawl job: in flight {len(in_flight)}, requeued {waiting}")
        assert waiting == 0, "the indexer worker handed the running crawl job back"
        assert in_flight == [crawl_job.delivery_tag.encode()]
        crawl_job.ack()  # type: ignore[no-untyped-call]
        assert redis_client.hlen(unacked_key(settings.crawl_queue)) == 0
