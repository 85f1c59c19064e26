"""Crawl state shared by every crawler process through Redis.

* **URL records** (``<p>:url:<fp>``, a hash: ETag, Last-Modified, body hash, first/last fetch)
  are the seen-set and the validators for conditional GET. Each record expires
  ``retention`` after its last fetch, so memory is bounded by the crawl rate times the
  retention (see ``docs/crawler.md``) — unlike scrapy-redis's fingerprint set, which only grows.
* **Claims** (``<p>:claim:<fp>``) make N processes fetch a URL once: a claim names its owner
  run, and a run keeps a heartbeat key alive while it works, so the claims of a killed crawler
  are taken over as soon as its heartbeat lapses — a restarted crawl resumes at once.
* **Recent articles** (``<p>:recent:<source>``, a sorted set by publication time) are what the
  schedule re-checks for edits during the recheck window.
* **Pauses** (``<p>:paused:<source>``) stop a source that answers 403 or keeps failing.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from redis import Redis

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

HEARTBEAT_SECONDS = 30
_CLAIM = """
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
"""


def fingerprint(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8"), usedforsecurity=False).hexdigest()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class UrlRecord:
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    first_fetched: float
    last_fetched: float

    def validators(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class CrawlState:
    """One crawler run's view of the shared state."""

    def __init__(self, redis: Redis, prefix: str, retention_seconds: float = 30 * 86400) -> None:
        self.redis = redis
        self.prefix = prefix
        self.run_id = uuid.uuid4().hex[:12]
        self.retention = int(retention_seconds)
        self._claim = redis.register_script(_CLAIM)

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # -- runs -----------------------------------------------------------------------------
    def heartbeat(self) -> None:
        self.redis.set(self._key("alive", self.run_id), "1", ex=HEARTBEAT_SECONDS)

    def end_run(self) -> None:
        self.redis.delete(self._key("alive", self.run_id))

    # -- claims ---------------------------------------------------------------------------
    def claim(self, url: str, ttl_seconds: float) -> bool:
        """True if this run may fetch ``url`` now (no live run holds it)."""
        key = self._key("claim", fingerprint(url))
        alive_prefix = self._key("alive", "")
        return bool(self._claim(keys=[key], args=[self.run_id, int(ttl_seconds), alive_prefix]))

    def release(self, url: str) -> None:
        self.redis.delete(self._key("claim", fingerprint(url)))

    # -- URL records ----------------------------------------------------------------------
    def record(self, url: str) -> UrlRecord | None:
        raw: dict[bytes, bytes] = self.redis.hgetall(self._key("url", fingerprint(url)))  # type: ignore[assignment]
        if not raw:
            return None
        data = {k.decode(): v.decode() for k, v in raw.items()}
        return UrlRecord(
            etag=data.get("etag") or None,
            last_modified=data.get("last_modified") or None,
            body_hash=data.get("body_hash") or None,
            first_fetched=float(data.get("first_fetched", 0)),
            last_fetched=float(data.get("last_fetched", 0)),
        )

    def remember(
        self, url: str, *, etag: str | None, last_modified: str | None, body_hash: str | None
    ) -> None:
        """Store what a fetch of ``url`` returned and extend the record's life."""
        key = self._key("url", fingerprint(url))
        now = time.time()
        pipe = self.redis.pipeline()
        pipe.hsetnx(key, "first_fetched", now)
        fields: dict[Any, str | float] = {"last_fetched": now}
        if etag is not None or last_modified is not None:
            fields.update(etag=etag or "", last_modified=last_modified or "")
        if body_hash is not None:
            fields["body_hash"] = body_hash
        pipe.hset(key, mapping=fields)
        pipe.expire(key, self.retention)
        pipe.execute()

    def touch(self, url: str) -> None:
        """A 304 or an unchanged body: only the time of the last check changes."""
        self.remember(url, etag=None, last_modified=None, body_hash=None)

    # -- recent articles, for rechecks -------------------------------------------------------
    def note_recent(self, source_id: str, url: str, published: float) -> None:
        self.redis.zadd(self._key("recent", source_id), {url: published}, nx=True)

    def recent(self, source_id: str, window_seconds: float) -> list[str]:
        key = self._key("recent", source_id)
        oldest = time.time() - window_seconds
        self.redis.zremrangebyscore(key, "-inf", oldest)
        return [u.decode() for u in self.redis.zrangebyscore(key, oldest, "+inf")]  # type: ignore[union-attr]

    # -- pauses ---------------------------------------------------------------------------
    def pause(self, source_id: str, reason: str, seconds: float) -> None:
        value = json.dumps({"reason": reason, "at": time.time(), "run": self.run_id})
        self.redis.set(self._key("paused", source_id), value, ex=int(seconds))

    def paused(self, source_id: str) -> dict[str, object] | None:
        raw = self.redis.get(self._key("paused", source_id))
        if not isinstance(raw, bytes):
            return None
        value: dict[str, object] = json.loads(raw)
        return value

    def resume(self, source_id: str) -> bool:
        return bool(self.redis.delete(self._key("paused", source_id)))

    # -- per-source crawl statistics --------------------------------------------------------
    def count(self, source_id: str, name: str, n: int = 1) -> None:
        self.redis.hincrby(self._key("crawl", "stats", source_id), name, n)

    def mark_success(self, source_id: str) -> None:
        self.redis.hset(self._key("crawl", "stats", source_id), "last_success", time.time())

    def stats(self, source_id: str) -> dict[str, str]:
        raw: dict[bytes, bytes] = self.redis.hgetall(self._key("crawl", "stats", source_id))  # type: ignore[assignment]
        return {k.decode(): v.decode() for k, v in raw.items()}


_STATES: WeakKeyDictionary[Crawler, CrawlState] = WeakKeyDictionary()


def state_for(crawler: Crawler) -> CrawlState:
    """The crawl state of one crawler, shared by its spider, middlewares and pipelines."""
    state = _STATES.get(crawler)
    if state is None:
        settings = crawler.settings
        state = CrawlState(
            Redis.from_url(settings.get("ANN_REDIS_URL")),
            settings.get("ANN_KEY_PREFIX", "ann"),
            retention_seconds=settings.getfloat("ANN_RETENTION_SECONDS", 30 * 86400),
        )
        _STATES[crawler] = state
    return state
