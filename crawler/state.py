"""Crawl state shared by every crawler process through Redis.

Keys are named in :mod:`ann.keyspace`.

* **URL records** (``<p>:url:<fp>``, a hash: ETag, Last-Modified, body hash, first/last fetch,
  and for a sitemap index the children it listed) are the seen-set and the validators for
  conditional GET. A URL the indexer marked unindexed
  (:mod:`ann.keyspace`) reads as never fetched, and is re-checked, until a delivery of it ends.
  Each record expires ``retention`` after its last fetch, so memory is bounded by the crawl
  rate times the retention (see ``docs/crawler.md``) — unlike scrapy-redis's fingerprint set,
  which only grows.
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
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from redis import Redis
from redis.client import Pipeline

from ann.keyspace import (
    alive_key,
    claim_key,
    crawl_stats_key,
    paused_key,
    recent_key,
    unindexed_key,
    url_key,
)
from ann.settings import DEFAULTS
from ann.urls import document_id
from crawler.discovery import Listed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_CLAIM = """
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
"""


def fingerprint(url: str) -> str:
    """The key of a URL's record and claim: that of its canonical form (:mod:`ann.urls`), so a
    tracking parameter, a fragment, the host's case or an AMP/mobile variant is not a new page."""
    return document_id(url)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class UrlRecord:
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    first_fetched: float
    last_fetched: float
    children: tuple[Listed, ...] | None = None
    """What a sitemap index listed when last read whole: its 304 still leads to them."""

    def validators(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page handed to the indexer: what its record must now say."""

    url: str
    source_id: str
    etag: str | None
    last_modified: str | None
    body_hash: str
    published: float
    """When the article appeared (the feed's date, else now): starts its recheck window."""
    new: bool


class CrawlState:
    """One crawler run's view of the shared state.

    Round trips are batched — the records and claims of all the URLs an entry point lists in
    one pipeline, the records of a whole handed-over batch in another, counters kept in memory
    and added to Redis with the heartbeat — because per-URL round trips would make a crawler
    process Redis-bound as soon as Redis is a network hop away.
    """

    def __init__(
        self, redis: Redis, prefix: str,
        retention_seconds: float = DEFAULTS.url_retention_days * 86400,
        heartbeat_seconds: float = DEFAULTS.heartbeat_seconds,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.heartbeat_seconds = heartbeat_seconds
        self.run_id = uuid.uuid4().hex[:12]
        self.retention = int(retention_seconds)
        self._claim = redis.register_script(_CLAIM)
        self._counts: Counter[tuple[str, str]] = Counter()

    def _url_key(self, url: str) -> str:
        return url_key(self.prefix, fingerprint(url))

    def _claim_key(self, url: str) -> str:
        return claim_key(self.prefix, fingerprint(url))

    # -- runs -----------------------------------------------------------------------------
    def heartbeat(self) -> None:
        self.redis.set(alive_key(self.prefix, self.run_id), "1",
                       px=int(self.heartbeat_seconds * 1000))
        self.flush_counts()

    def end_run(self) -> None:
        self.flush_counts()
        self.redis.delete(alive_key(self.prefix, self.run_id))

    # -- claims ---------------------------------------------------------------------------
    def claim(self, url: str, ttl_seconds: float) -> bool:
        """True if this run may fetch ``url`` now (no live run holds it)."""
        return self.claim_many([url], ttl_seconds)[0]

    def claim_many(self, urls: list[str], ttl_seconds: float) -> list[bool]:
        pipe = self.redis.pipeline(transaction=False)
        args: list[str | int] = [self.run_id, int(ttl_seconds), alive_key(self.prefix)]
        for url in urls:
            self._claim(keys=[self._claim_key(url)], args=args, client=pipe)
        return [bool(won) for won in pipe.execute()]

    def release(self, url: str) -> None:
        self.redis.delete(self._claim_key(url))

    # -- URL records ----------------------------------------------------------------------
    def record(self, url: str) -> UrlRecord | None:
        return self.records([url])[0]

    def records(self, urls: list[str]) -> list[UrlRecord | None]:
        """The records of ``urls``; None for a URL never fetched, and for one the indexer marked
        unindexed (refused or dead-lettered): its body hash and validators must not make the
        next fetch look unchanged, so it is fetched as if new."""
        if not urls:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for url in urls:
            pipe.hgetall(self._url_key(url))
        pipe.zmscore(unindexed_key(self.prefix), [fingerprint(url) for url in urls])
        *raws, unindexed = pipe.execute()
        return [None if marked is not None else _record(raw)
                for raw, marked in zip(raws, unindexed, strict=True)]

    def _remember(
        self, pipe: Pipeline, url: str, *, etag: str | None = None,
        last_modified: str | None = None, body_hash: str | None = None,
        children: list[Listed] | None = None,
    ) -> None:
        key = self._url_key(url)
        now = time.time()
        pipe.hsetnx(key, "first_fetched", now)
        fields: dict[Any, str | float] = {"last_fetched": now}
        if etag is not None or last_modified is not None:
            fields.update(etag=etag or "", last_modified=last_modified or "")
        if body_hash is not None:
            fields["body_hash"] = body_hash
        if children is not None:
            fields["children"] = json.dumps([[c.url, c.lastmod] for c in children])
        pipe.hset(key, mapping=fields)
        pipe.expire(key, self.retention)

    def remember(
        self, url: str, *, etag: str | None, last_modified: str | None, body_hash: str | None,
        children: list[Listed] | None = None,
    ) -> None:
        """Store what a fetch of ``url`` returned and extend the record's life; for a sitemap
        index also the children it listed, which its next 304 stands for."""
        pipe = self.redis.pipeline(transaction=False)
        self._remember(pipe, url, etag=etag, last_modified=last_modified, body_hash=body_hash,
                       children=children)
        if children is None:  # no longer an index: its 304 must not lead to what it once listed
            pipe.hdel(self._url_key(url), "children")
        pipe.execute()

    def checked(self, url: str) -> None:
        """A 304 or an unchanged body: only the time of the last check changes."""
        pipe = self.redis.pipeline(transaction=False)
        self._remember(pipe, url)
        pipe.delete(self._claim_key(url))
        pipe.execute()

    def commit(self, pages: list[Fetched]) -> None:
        """Pages are on the indexer's queue: record them, note them for re-checks, let go."""
        pipe = self.redis.pipeline(transaction=False)
        for page in pages:
            self._remember(pipe, page.url, etag=page.etag, last_modified=page.last_modified,
                           body_hash=page.body_hash)
            pipe.zadd(recent_key(self.prefix, page.source_id), {page.url: page.published}, nx=True)
            pipe.delete(self._claim_key(page.url))
            self.count(page.source_id, "articles/new" if page.new else "articles/changed")
        pipe.execute()

    # -- recent articles, for rechecks -------------------------------------------------------
    def recent(self, source_id: str, window_seconds: float) -> list[str]:
        """The source's articles to re-check: those published within the window, and those
        the indexer marked unindexed, whatever their age (their feed may not list them now)."""
        key = recent_key(self.prefix, source_id)
        oldest = time.time() - window_seconds
        self.redis.zremrangebyscore(key, "-inf", oldest)
        recent = [u.decode() for u in self.redis.zrangebyscore(key, oldest, "+inf")]  # type: ignore[union-attr]
        unindexed = self.redis.zrange(unindexed_key(self.prefix, source_id), 0, -1)
        return list(dict.fromkeys([*recent, *(u.decode() for u in unindexed)]))  # type: ignore[union-attr]

    # -- pauses ---------------------------------------------------------------------------
    def pause(self, source_id: str, reason: str, seconds: float) -> None:
        value = json.dumps({"reason": reason, "at": time.time(), "run": self.run_id})
        self.redis.set(paused_key(self.prefix, source_id), value, ex=int(seconds))

    def paused(self, source_id: str) -> dict[str, object] | None:
        raw = self.redis.get(paused_key(self.prefix, source_id))
        if not isinstance(raw, bytes):
            return None
        value: dict[str, object] = json.loads(raw)
        return value

    def resume(self, source_id: str) -> bool:
        return bool(self.redis.delete(paused_key(self.prefix, source_id)))

    # -- per-source crawl statistics --------------------------------------------------------
    def count(self, source_id: str, name: str, n: int = 1) -> None:
        self._counts[(source_id, name)] += n

    def flush_counts(self) -> None:
        counts, self._counts = self._counts, Counter()
        if not counts:
            return
        pipe = self.redis.pipeline(transaction=False)
        for (source_id, name), n in counts.items():
            pipe.hincrby(crawl_stats_key(self.prefix, source_id), name, n)
        pipe.execute()

    def mark_success(self, source_id: str) -> None:
        self.redis.hset(crawl_stats_key(self.prefix, source_id), "last_success", time.time())

    def stats(self, source_id: str) -> dict[str, str]:
        raw: dict[bytes, bytes] = self.redis.hgetall(crawl_stats_key(self.prefix, source_id))  # type: ignore[assignment]
        return {k.decode(): v.decode() for k, v in raw.items()}


def _record(raw: dict[bytes, bytes]) -> UrlRecord | None:
    if not raw:
        return None
    data = {k.decode(): v.decode() for k, v in raw.items()}
    children = data.get("children")
    return UrlRecord(
        etag=data.get("etag") or None,
        last_modified=data.get("last_modified") or None,
        body_hash=data.get("body_hash") or None,
        first_fetched=float(data.get("first_fetched", 0)),
        last_fetched=float(data.get("last_fetched", 0)),
        children=None if children is None else tuple(
            Listed(url=url, lastmod=lastmod) for url, lastmod in json.loads(children)),
    )


_STATES: WeakKeyDictionary[Crawler, CrawlState] = WeakKeyDictionary()


def state_for(crawler: Crawler) -> CrawlState:
    """The crawl state of one crawler, shared by its spider, middlewares and pipelines."""
    state = _STATES.get(crawler)
    if state is None:
        settings = crawler.settings
        state = CrawlState(
            Redis.from_url(settings.get("ANN_REDIS_URL")),
            settings.get("ANN_KEY_PREFIX", DEFAULTS.key_prefix),
            retention_seconds=settings.getfloat(
                "ANN_RETENTION_SECONDS", DEFAULTS.url_retention_days * 86400),
            heartbeat_seconds=settings.getfloat(
                "ANN_HEARTBEAT_SECONDS", DEFAULTS.heartbeat_seconds),
        )
        _STATES[crawler] = state
    return state
