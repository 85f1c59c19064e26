"""Read what was put on a Celery queue, straight from Redis, as a worker would.

Celery's Redis transport stores each message as JSON with the task name in ``headers`` and a
base64 body ``[args, kwargs, embed]`` whose first argument is an :class:`IndexPagesMessage`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from redis import Redis

from ann.messages import IndexPagesMessage


def queued_tasks(redis: Redis, queue: str) -> list[tuple[str, list[Any]]]:
    """(task name, positional arguments) of every message waiting on ``queue``, oldest last."""
    tasks = []
    for raw in redis.lrange(queue, 0, -1):
        envelope = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        tasks.append((envelope["headers"]["task"], args))
    return tasks


def queued_messages(redis: Redis, queue: str) -> list[tuple[str, IndexPagesMessage]]:
    """(task name, message) of every message waiting on ``queue``, oldest last."""
    return [(task, IndexPagesMessage.model_validate(args[0]))
            for task, args in queued_tasks(redis, queue)]


def queued_urls(redis: Redis, queue: str) -> list[str]:
    """Page URLs of every message waiting on ``queue``."""
    return [page.url for _, message in queued_messages(redis, queue) for page in message.pages]
