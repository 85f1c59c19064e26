"""A Redis that requires a password, as deploy/ runs it: the project's processes authenticate
with the password in ``REDIS_URL`` and nothing else gets in."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import AuthenticationError
from redis.exceptions import ConnectionError as RedisConnectionError

from ann.keyspace import dead_letters_key
from ann.messages import INDEX_PAGES_TASK
from ann.ops import stack
from ann.producer import TaskProducer
from ann.settings import Settings
from tests.support.harness import celery_workers, wait_drained
from tests.support.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

PASSWORD = "4c627a288d2df35a91c93a8af889918361641c572f250ee2"


@pytest.fixture
def guarded_redis(tmp_path: Path) -> Iterator[int]:
    """A redis-server of this test's own with ``--requirepass``, as deploy/ starts it."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path), "--requirepass", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = Redis(port=port, password=PASSWORD)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except RedisConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=30)


def test_workers_and_producers_authenticate_and_strangers_are_refused(
    isolated: Settings, guarded_redis: int, tmp_path: Path
) -> None:
    url = f"redis://:{PASSWORD}@127.0.0.1:{guarded_redis}/0"
    settings = isolated.model_copy(update={"redis_url": url})
    with pytest.raises(AuthenticationError):
        Redis(port=guarded_redis).set("x", 1)  # no password: refused
    assert stack.reachable(settings)["redis"]
    assert not stack.reachable(settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{guarded_redis}/0"}))["redis"]

    # a real indexer worker takes a batch the project's producer sent, both through REDIS_URL
    with celery_workers(settings, tmp_path / "worker.log", concurrency=1):
        producer = TaskProducer("test", settings.redis_url, settings.pages_queue)
        producer.send(INDEX_PAGES_TASK, [{"pages": "not a list"}])
        producer.close()
        wait_drained(settings, timeout=120)
    client = Redis.from_url(url)
    assert client.llen(dead_letters_key(settings.key_prefix)) == 1, \
        (tmp_path / "worker.log").read_text()[-3000:]
