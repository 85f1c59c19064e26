"""The ledger (ann/ledger.py) on the real Redis, kombu and a real `celery worker`: a batch taken off
the queue and never recorded as unacknowledged — what a Redis restart between kombu's BRPOP and
its unacked record leaves — is sent again and indexed; a batch still waiting in the queue, or
held by a consumer, is not. The loss itself is made on a Redis of the test's own, stopped at that
very moment.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from celery import Celery
from elasticsearch import Elasticsearch
from kombu.connection import Connection
from kombu.transport.redis import QoS
from redis import Redis
from redis.exceptions import RedisError

from ann.celery_defaults import in_flight_keys
from ann.keyspace import ledger_since_key
from ann.ledger import Ledger, task_id_of
from ann.messages import INDEX_PAGES_TASK
from ann.ops import stack
from ann.producer import TaskProducer
from ann.settings import Settings
from ann.urls import document_id
from crawler.handoff import IndexerClient
from indexer.redrive import LedgerRedrive
from mirror.manifest import Manifest
from tests.support.delivery import mirror_page
from tests.support.mirrors import generate
from tests.support.reliability import Worker, pending
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

FETCHED = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    root = tmp_path_factory.mktemp("ledger-mirror")
    return root, generate(root, per_site=1)


@pytest.fixture
def redis(own_settings: Settings) -> Iterator[Redis]:
    client = Redis.from_url(own_settings.redis_url)
    yield client
    client.close()


def _ledger(redis: Redis, settings: Settings) -> Ledger:
    return Ledger(redis, settings.key_prefix, settings.pages_queue)


def test_a_batch_popped_and_never_recorded_is_sent_again_and_indexed(
    own_settings: Settings, es: Elasticsearch, redis: Redis, mirror: tuple[Path, Manifest],
    tmp_path: Path,
) -> None:
    root, manifest = mirror
    article = next(a for a in manifest.articles if a.original_paper is None)
    client = IndexerClient(own_settings.redis_url, own_settings.pages_queue,
                           own_settings.key_prefix)
    try:
        client.send([mirror_page(root, article, FETCHED)])
    finally:
        client.close()
    # what kombu's BRPOP does; the unacked record that should follow never comes (Redis went
    # away): neither the queue nor the unacked hash holds the batch, no redelivery can bring
    # it back
    assert redis.rpop(own_settings.pages_queue) is not None
    assert pending(redis, own_settings.pages_queue) == {"waiting": 0, "unacked": 0}
    ledger = _ledger(redis, own_settings)
    assert ledger.size()["batches"] == 1
    # so a wait for the queue to drain, as `ann crawl` and the tests do, still waits for it
    prefix, queue = own_settings.key_prefix, own_settings.pages_queue
    assert stack.unsettled(redis, prefix, queue) == 1
    assert not stack.wait_drained(redis, prefix, queue, timeout=1.5)
    env = {"ANN_LEDGER_REDRIVE_SECONDS": "1", "ANN_LEDGER_REDRIVE_AGE": "1"}
    with Worker(own_settings, tmp_path / "worker.log", env=env) as worker:
        wait_until(lambda: worker.succeeded() >= 1 and ledger.size()["batches"] == 0,
                   "the lost batch to be sent again and settled", 120)
        # a re-drive look that ran while the worker held the batch between its pop and its
        # unacknowledged record sends it once more (a harmless duplicate, ann/ledger.py): the
        # worker takes that one too before it stops
        assert stack.wait_drained(redis, prefix, queue, timeout=60)
        log = worker.text()
    assert "re-drove 1 batch(es)" in log, log[-3000:]
    es.indices.refresh(index=own_settings.index_alias)
    assert es.exists(index=own_settings.index_alias, id=document_id(article.url))
    assert pending(redis, own_settings.pages_queue) == {"waiting": 0, "unacked": 0}


def _message(n: int) -> list[object]:
    return [{"pages": [], "n": n}]


def test_only_a_batch_neither_waiting_nor_held_is_lost(
    own_settings: Settings, redis: Redis
) -> None:
    """Four batches sent through the real producer: one popped and lost, one taken by a real
    kombu consumer (recorded unacknowledged, not acknowledged), one still waiting, one sent
    just now. Only the lost one is sent again, once per interval across callers."""
    queue = own_settings.pages_queue
    ledger = _ledger(redis, own_settings)
    producer = TaskProducer("test", own_settings.redis_url, queue, ledger)
    try:
        lost, held, waiting = (producer.send(INDEX_PAGES_TASK, _message(n)) for n in range(3))
    finally:
        producer.close()
    assert redis.rpop(queue) is not None  # the lost one: popped, never recorded
    sent_at = time.time()
    # the lost and the held batch were sent long ago, the waiting one just now
    redis.zadd(ledger_since_key(own_settings.key_prefix, queue),
               {lost: sent_at - 1000, held: sent_at - 900})
    # kombu's Connection carries no annotations
    with Connection(own_settings.redis_url,  # type: ignore[no-untyped-call]
                    transport_options=in_flight_keys(queue)) as connection:
        consumer = connection.SimpleQueue(queue)
        message = consumer.get(timeout=10)  # BRPOP, then the unacked record
        assert message.headers["id"] == held
        assert redis.llen(queue) == 1  # the waiting one
        redis.zadd(ledger_since_key(own_settings.key_prefix, queue), {waiting: sent_at})
        # an entry is lost only when older than the age bound and than the oldest waiting one
        assert ledger.lost(age=60, now=sent_at + 3600) == [lost]
        assert ledger.lost(age=2000, now=sent_at + 3600) == []
        resent: list[tuple[str, str, list[object]]] = []

        def send(task_id: str, task: str, args: list[object]) -> None:
            resent.append((task_id, task, args))

        assert ledger.redrive(send, age=60, interval=60) == 1
        assert resent == [(lost, INDEX_PAGES_TASK, _message(0))]
        # its age starts over when it is sent again; a second caller within the interval waits
        assert ledger.lost(age=60) == []
        assert ledger.redrive(send, age=0, interval=60) == 0
        message.ack()
        consumer.close()
    for task_id in (lost, held, waiting):
        ledger.settle(task_id)
    assert ledger.size() == {"batches": 0, "oldest_seconds": None}


def test_redis_stopped_between_the_pop_and_the_unacked_record_loses_the_batch_but_not_the_ledger(
    own_settings: Settings, own_redis: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure of test_redis_restart_mid_run_loses_nothing, made on purpose: a real kombu
    consumer pops the batch, Redis stops before kombu records it as unacknowledged, Redis starts
    again (append-only file, as deployed). The batch is in no queue and no unacked hash; the
    ledger still has it, and the indexer's re-drive puts it back on the queue under its id."""
    settings = own_settings.model_copy(update={
        "redis_url": f"redis://127.0.0.1:{own_redis['REDIS_PORT']}/0",
        "ledger_redrive_age_seconds": 0.001})
    queue = settings.pages_queue
    redis = Redis.from_url(settings.redis_url)
    ledger = _ledger(redis, settings)
    producer = TaskProducer("test", settings.redis_url, queue, ledger)
    try:
        task_id = producer.send(INDEX_PAGES_TASK, _message(0))
    finally:
        producer.close()
    record = QoS.append
    stopped: list[str] = []

    def stop_redis_first(qos: QoS, message: object, delivery_tag: str) -> None:
        stack.run_service_script("redis", "stop", own_redis)
        stopped.append(delivery_tag)
        record(qos, message, delivery_tag)  # type: ignore[no-untyped-call]  # kombu: no annotations

    monkeypatch.setattr(QoS, "append", stop_redis_first)
    with pytest.raises(RedisError), Connection(  # type: ignore[no-untyped-call]
            settings.redis_url, transport_options=in_flight_keys(queue)) as connection:
        connection.SimpleQueue(queue).get(timeout=10)
    monkeypatch.undo()
    stack.run_service_script("redis", "start", own_redis)
    assert len(stopped) == 1
    assert pending(redis, queue) == {"waiting": 0, "unacked": 0}  # gone from the broker
    assert ledger.lost(age=0.001) == [task_id]
    app = Celery("test-redrive", broker=settings.redis_url, set_as_current=False)
    app.conf.update(task_serializer="json", accept_content=["json"])
    redrive = LedgerRedrive(app, settings)
    try:
        assert redrive() == 1
    finally:
        redrive.close()
        app.close()
    waiting = redis.lrange(queue, 0, -1)
    assert [task_id_of(raw) for raw in waiting] == [task_id]
    redis.close()
