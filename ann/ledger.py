"""The ledger of batches sent to the indexer: a batch lost on its way to a worker is sent again.

Why it exists: kombu's Redis transport takes a message off the queue with ``BRPOP`` and only
then, in a second command, records it as unacknowledged (``<queue>:unacked``). When Redis stops
between the two, or the reply to ``BRPOP`` goes down with the connection, the message is in the
worker's memory only; the worker's record fails, and the batch is gone — no queue, no unacked
hash, nothing to redeliver — until a recrawl happens to fetch its pages again. The visibility
timeout cannot help: it only restores what the unacked hash holds.

How it closes the gap (an outbox, the way durable pipelines do it):

- the producer (:class:`ann.producer.TaskProducer` given a ledger) writes the batch's task id,
  task name and arguments here *before* it pushes the message, in one ``MULTI``: a failure
  between the ledger write and the push leaves an entry without a message, which is re-driven
  (a duplicate at worst, never a loss);
- the indexer settles the entry (deletes it) once the batch is done — written, found unchanged
  or stale, refused, dead-lettered — and refreshes its time when it sends part of it round again
  (a retry keeps the task id);
- an indexer worker, every ``ANN_LEDGER_REDRIVE_SECONDS``, sends again each entry that is older
  than ``ANN_LEDGER_REDRIVE_AGE`` and whose message is neither waiting in the queue nor held
  unacknowledged by a worker (:meth:`Ledger.lost`), under the same task id.

A re-driven batch that was not lost after all (the rare races below) is a duplicate, and
duplicates are harmless: every write is idempotent by document id and external version (the
fetch time), so a second delivery finds its documents unchanged.

Telling "still waiting in the queue" without reading the whole queue: kombu pushes on the left
and workers pop on the right, so the queue is in the order of the ledger's times (each is taken
just before its push). An entry sent before the oldest ledgered message still waiting, and not
held by a worker, has left the queue without being recorded: it was lost. Only the queue's few
oldest messages are read, and the unacknowledged hash (one message per worker process). A
message the transport restored after a dead worker's visibility timeout goes back on the left
with its old time, and may be re-driven once while it waits: a duplicate, not a loss.

The cost: the ledger holds a second copy of each batch until the indexer settles it, so Redis
memory for pages in flight doubles: the ledger is as long as the queue plus what the workers
hold, and crawls and replays wait while ``ANN_QUEUE_HIGH_WATER`` batches are queued. ``ann
status`` shows its size and oldest entry.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

from redis import Redis

from ann.keyspace import ledger_key, ledger_lock_key, ledger_since_key, unacked_key

OLDEST_LOOKED_AT = 20
"""How many of the queue's oldest messages :meth:`Ledger.lost` reads to find a ledgered one."""
REDRIVE_AT_ONCE = 100
"""Lost entries sent again per look; the rest at the next."""

Send = Callable[[str, str, list[Any]], object]
"""Publish ``(task_id, task name, args)`` to the ledger's queue."""


def task_id_of(raw: bytes | str) -> str | None:
    """The task id in a kombu message as the Redis transport stores it (queue or unacked)."""
    try:
        message = json.loads(raw)
        if isinstance(message, list):  # the unacked hash: [message, exchange, routing key]
            message = message[0]
        task_id = message["headers"]["id"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return task_id if isinstance(task_id, str) else None


class Ledger:
    """The unsettled batches of one queue of one deployment (keys: :mod:`ann.keyspace`)."""

    def __init__(self, redis: Redis, prefix: str, queue: str) -> None:
        self._redis = redis
        self.queue = queue
        self._entries = ledger_key(prefix, queue)
        self._since = ledger_since_key(prefix, queue)
        self._lock = ledger_lock_key(prefix, queue)

    def record(self, task_id: str, task: str, args: list[Any]) -> None:
        """Note a batch about to be pushed, with what it takes to push it again."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(self._entries, task_id, json.dumps({"task": task, "args": args}))
        pipe.zadd(self._since, {task_id: time.time()})
        pipe.execute()

    def touch(self, task_id: str) -> None:
        """The batch was just pushed again (a retry): its age starts over."""
        self._redis.zadd(self._since, {task_id: time.time()}, xx=True)

    def settle(self, task_id: str) -> None:
        """The batch is done: nothing to send again."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.hdel(self._entries, task_id)
        pipe.zrem(self._since, task_id)
        pipe.execute()

    def size(self, now: float | None = None) -> dict[str, float | int | None]:
        """Entries, and the age in seconds of the oldest (None when empty)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.zcard(self._since)
        pipe.zrange(self._since, 0, 0, withscores=True)
        count, oldest = pipe.execute()
        age = (now or time.time()) - float(oldest[0][1]) if oldest else None
        return {"batches": int(count), "oldest_seconds": age}

    def lost(self, age: float, now: float | None = None, limit: int = REDRIVE_AT_ONCE
             ) -> list[str]:
        """Task ids of entries sent over ``age`` seconds ago (and before the oldest message still
        waiting, by the same margin) that no worker holds: their message is gone."""
        waiting_since = self._oldest_waiting_since()
        if waiting_since is None:
            return []
        cutoff = min(time.time() if now is None else now, waiting_since) - age
        old = self._redis.zrangebyscore(self._since, "-inf", cutoff, start=0, num=limit)
        if not old:
            return []
        held = {task_id_of(raw) for raw in self._redis.hvals(unacked_key(self.queue))}
        ids = [raw.decode() if isinstance(raw, bytes) else str(raw) for raw in old]
        return [task_id for task_id in ids if task_id not in held]

    def _oldest_waiting_since(self) -> float | None:
        """When the oldest ledgered message still waiting was sent; infinity when none waits;
        None when the oldest messages carry no ledger entry (cannot tell: look next time)."""
        tail = self._redis.lrange(self.queue, -OLDEST_LOOKED_AT, -1)
        ids = [task_id for task_id in map(task_id_of, reversed(tail)) if task_id]
        # oldest first (workers pop on the right); one round trip for all their times
        for since in self._redis.zmscore(self._since, ids) if ids else ():
            if since is not None:
                return float(since)
        return math.inf if len(tail) < OLDEST_LOOKED_AT else None

    def redrive(self, send: Send, age: float, interval: float) -> int:
        """Send the lost batches again (one caller per ``interval`` across the workers); how
        many were sent."""
        if not self._redis.set(self._lock, "1", nx=True, px=max(1, int(interval * 900))):
            return 0
        sent = 0
        for task_id in self.lost(age):
            raw = self._redis.hget(self._entries, task_id)
            if raw is None:  # settled since it was read
                continue
            entry = json.loads(raw)
            self.touch(task_id)
            send(task_id, str(entry["task"]), list(entry["args"]))
            sent += 1
        return sent
