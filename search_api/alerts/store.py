"""The saved searches in Redis, and what their checks have alerted — shared by the API (create,
list, delete, feed) and the runner (check, deliver).

Everything about one new story is one Lua script: it adds the story to the search's alerted set
only when absent and, in the same step, puts its entry at the head of the feed. Two checks that
overlap (beat ticks while a slow one runs, a redelivered task) can therefore never both alert
one story, and a feed never lists a story its set does not hold. A search deleted meanwhile
gets nothing: the script finds its record gone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from redis import Redis

from ann.keyspace import (
    alert_dead_letters_key,
    alert_feed_key,
    alerted_key,
    client_searches_key,
    saved_search_key,
    saved_searches_key,
)
from search_api.alerts.models import SavedSearch, Story

_RECORD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[3], ARGV[3])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
return 1
"""
"""KEYS: the search, its alerted set, its feed; ARGV: now (epoch s), cluster id, entry, cap."""

_ADVANCE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'watermark'))
if current ~= nil and current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'watermark', ARGV[1])
return 1
"""
"""Moves the watermark (epoch seconds) forward only, and never recreates a deleted search."""


class SavedSearchStore:
    def __init__(self, redis: Redis, prefix: str, feed_entries: int,
                 memory: timedelta) -> None:
        self._redis = redis
        self._prefix = prefix
        self._feed_entries = feed_entries
        self._memory = memory
        self._record = redis.register_script(_RECORD)
        self._advance = redis.register_script(_ADVANCE)

    # -- the API's side -------------------------------------------------------------------
    def count_owned(self, key_hash: str) -> int:
        return int(self._redis.scard(client_searches_key(self._prefix, key_hash)))

    def add(self, search: SavedSearch) -> None:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(saved_search_key(self._prefix, search.id), mapping={
                "record": search.model_dump_json(exclude={"watermark"}, by_alias=True),
                "watermark": search.watermark.timestamp()})
            pipe.sadd(saved_searches_key(self._prefix), search.id)
            pipe.sadd(client_searches_key(self._prefix, search.key_hash), search.id)
            pipe.execute()

    def get(self, search_id: str) -> SavedSearch | None:
        raw, watermark = self._redis.hmget(saved_search_key(self._prefix, search_id),
                                           ["record", "watermark"])
        if not (isinstance(raw, bytes) and isinstance(watermark, bytes)):
            return None
        return SavedSearch.model_validate({
            **json.loads(raw), "watermark": datetime.fromtimestamp(float(watermark), UTC)})

    def owned(self, key_hash: str) -> list[SavedSearch]:
        members = self._redis.smembers(client_searches_key(self._prefix, key_hash))
        ids = sorted(_text(m) for m in members)
        found = [self.get(search_id) for search_id in ids]
        return sorted((s for s in found if s is not None), key=lambda s: (s.created_at, s.id))

    def delete(self, search_id: str, key_hash: str) -> bool:
        """Delete the search when this key owns it; False when it does not (or none exists)."""
        search = self.get(search_id)
        if search is None or search.key_hash != key_hash:
            return False
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(saved_search_key(self._prefix, search_id),
                        alerted_key(self._prefix, search_id), alert_feed_key(self._prefix,
                                                                             search_id))
            pipe.srem(saved_searches_key(self._prefix), search_id)
            pipe.srem(client_searches_key(self._prefix, key_hash), search_id)
            pipe.execute()
        return True

    def feed(self, search_id: str) -> list[Story]:
        """The feed's entries, newest first."""
        raw = self._redis.lrange(alert_feed_key(self._prefix, search_id), 0, -1)
        return [Story.model_validate_json(item) for item in raw]

    # -- the runner's side ----------------------------------------------------------------
    def all_ids(self) -> list[str]:
        members = self._redis.smembers(saved_searches_key(self._prefix))
        return sorted(_text(m) for m in members)

    def record(self, search_id: str, story: Story) -> bool:
        """Alert ``story`` for this search: True when it is new to it (its feed has it now),
        False when the search alerted it before or no longer exists."""
        keys = [saved_search_key(self._prefix, search_id), alerted_key(self._prefix, search_id),
                alert_feed_key(self._prefix, search_id)]
        args: list[str | float] = [story.alerted_at.timestamp(), story.cluster_id,
                                   story.model_dump_json(), self._feed_entries]
        return int(self._record(keys=keys, args=args)) == 1

    def advance(self, search_id: str, watermark: datetime, now: datetime) -> None:
        """Set the watermark (forward only) and forget stories older than the memory."""
        self._advance(keys=[saved_search_key(self._prefix, search_id)],
                      args=[watermark.timestamp()])
        self._redis.zremrangebyscore(alerted_key(self._prefix, search_id), "-inf",
                                     (now - self._memory).timestamp())

    def dead_letter(self, entry: dict[str, object], cap: int) -> None:
        key = alert_dead_letters_key(self._prefix)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, json.dumps(entry))
            pipe.ltrim(key, 0, cap - 1)
            pipe.execute()

    def dead_letters(self) -> list[dict[str, object]]:
        raw = self._redis.lrange(alert_dead_letters_key(self._prefix), 0, -1)
        return [json.loads(item) for item in raw]

    def dead_letter_count(self) -> int:
        return int(self._redis.llen(alert_dead_letters_key(self._prefix)))



def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
