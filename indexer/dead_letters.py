"""The dead-letter list: batches and pages the indexer could not deliver, kept for a replay.

An entry is ``{"reason", "payload"}`` with the payload an :class:`ann.messages.IndexPagesMessage`
(a whole batch, or the one page the engine refused), so that ``ann dead-letters --replay`` sends
it back unchanged. The list is bounded: pushing past ``limit`` trims the oldest entries in the
same Lua call, adds their number to ``indexer/dead_letters_trimmed`` and logs an alert — a flood
of refusals must not fill Redis, and must not go unnoticed either.

Every page dead-lettered is also marked unindexed (:mod:`ann.keyspace`), so that the crawler
fetches it again instead of calling it unchanged — up to ``max_attempts`` dead letters per page:
the mark counts them, and the one that reaches the cap lifts it (counted as
``indexer/refetch_given_up``), so a page the engine refuses for good stops costing a fetch and a
dead letter at every re-check, while a changed body still gets its chance.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from redis import Redis

from ann.keyspace import dead_letters_key, totals_key, unindexed_key
from ann.messages import RawPage
from ann.urls import document_id

logger = logging.getLogger(__name__)

TRIMMED = "indexer/dead_letters_trimmed"
GIVEN_UP = "indexer/refetch_given_up"
_PUSH = """
local n = redis.call('LPUSH', KEYS[1], ARGV[1])
local over = n - tonumber(ARGV[2])
if over <= 0 then return 0 end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('HINCRBY', KEYS[2], ARGV[3], over)
return over
"""


class DeadLetters:
    """Writes dead letters for one worker process."""

    def __init__(
        self, redis: Redis, prefix: str, limit: int, forget_seconds: int, max_attempts: int
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._limit = limit
        self._forget_seconds = forget_seconds
        self._max_attempts = max_attempts
        self._push = redis.register_script(_PUSH)

    def add(self, payload: Any, reason: str, pages: Iterable[RawPage] = ()) -> None:
        """Keep ``payload`` with ``reason``; mark its ``pages`` unindexed for the crawler."""
        entry = json.dumps({"reason": reason, "payload": payload})
        keys = [dead_letters_key(self._prefix), totals_key(self._prefix)]
        trimmed = int(self._push(keys=keys, args=[entry, self._limit, TRIMMED]))
        if trimmed:
            logger.error("ALERT dead letters over ANN_DEAD_LETTER_MAX=%d: %d oldest trimmed",
                         self._limit, trimmed)
        self.forget(pages)

    def add_pages(self, pages: Iterable[tuple[RawPage, str]]) -> None:
        """One entry per page, each with its own reason (the engine's)."""
        for page, reason in pages:
            self.add({"pages": [page.model_dump(mode="json")]}, reason, [page])

    def forget(self, pages: Iterable[RawPage]) -> None:
        """Mark pages unindexed (see :mod:`ann.keyspace`): the mark's score counts the page's
        dead letters and lives as long as the crawler remembers a URL; the dead letter that
        reaches ``max_attempts`` lifts it instead."""
        pages = list(pages)
        if not pages:
            return
        pipe = self._redis.pipeline(transaction=False)
        for page in pages:
            pipe.zincrby(unindexed_key(self._prefix), 1, document_id(page.url))
            pipe.zincrby(unindexed_key(self._prefix, page.source_id), 1, page.url)
        counts = pipe.execute()[::2]
        now_marked = {unindexed_key(self._prefix)}
        for page in pages:
            now_marked.add(unindexed_key(self._prefix, page.source_id))
        for key in now_marked:
            pipe.expire(key, self._forget_seconds)
        for page, count in zip(pages, counts, strict=True):
            if count >= self._max_attempts:
                pipe.zrem(unindexed_key(self._prefix), document_id(page.url))
                pipe.zrem(unindexed_key(self._prefix, page.source_id), page.url)
                pipe.hincrby(totals_key(self._prefix), GIVEN_UP, 1)
                pipe.hincrby(totals_key(self._prefix, page.source_id), GIVEN_UP, 1)
                logger.warning("%s dead-lettered %d times: no longer fetched again unless it "
                               "changes", page.url, int(count))
        pipe.execute()
