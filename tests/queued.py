"""Read what the crawler put on the indexer's queue, straight from Redis, as a worker would.

Celery's Redis transport stores each message as JSON with the task name in ``headers`` and a
base64 body ``[args, kwargs, embed]`` whose first argument is an :class:`IndexPagesMessage`.
"""

from __future__ import annotations

import base64
import json

from redis import Redis

from ann.messages import IndexPagesMessage


def queued_messages(redis: Redis, queue: str) -> list[tuple[str, IndexPagesMessage]]:
    """(task name, message) of every message waiting on ``queue``, oldest last."""
    messages = []
    for raw in redis.lrange(queue, 0, -1):  # type: ignore[union-attr]
        envelope = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        messages.append((envelope["headers"]["task"], IndexPagesMessage.model_validate(args[0])))
    return messages


def queued_urls(redis: Redis, queue: str) -> list[str]:
    """Page URLs of every message waiting on ``queue``."""
    return [page.url for _, message in queued_messages(redis, queue) for page in message.pages]
