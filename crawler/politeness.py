"""Per-host politeness shared by every crawler process: one request per delay and at most the
source's concurrency in flight, across them all.

Scrapy's ``DOWNLOAD_DELAY`` and slots are per process, so N processes would hit a site N times
as hard. Here the next permitted send time of each host, and the requests it has in flight,
live in Redis and are taken atomically (by Lua scripts that read Redis's own clock, so the
machines' clocks need not agree; a slot left by a crashed process expires after its lease). A
429 or 503 pushes the send time back by the response's ``Retry-After`` (or an exponential
backoff).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from redis.asyncio import Redis

from ann.keyspace import polite_active_key, polite_backoff_key, polite_next_key

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'),
                    tonumber(redis.call('GET', KEYS[2]) or '0'))
if at <= now then
  local delay = tonumber(ARGV[1])
  redis.call('SET', KEYS[1], now + delay, 'PX', math.max(delay * 2, 1000))
  return 0
end
return at - now
"""
_BACK_OFF = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000)
end
return until_ms
"""
_ENTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
"""
MAX_BACKOFF_SECONDS = 3600.0
_SLOT_POLL_SECONDS = 0.02


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return min(float(text), MAX_BACKOFF_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_BACKOFF_SECONDS)


class HostGate:
    """Reserve send slots per host; wait (without blocking the reactor) until ours comes."""

    def __init__(self, redis: Redis, prefix: str, lease_seconds: float) -> None:
        """``lease_seconds``: a request slot held longer (a crashed process) is freed for the
        others (``ANN_REQUEST_LEASE_SECONDS``)."""
        self._redis = redis
        self._prefix = prefix
        self._lease_ms = int(lease_seconds * 1000)
        self._reserve = redis.register_script(_RESERVE)
        self._enter = redis.register_script(_ENTER)
        self._back_off = redis.register_script(_BACK_OFF)
        self._failures: dict[str, int] = {}

    def _keys(self, host: str) -> list[str]:
        return [polite_next_key(self._prefix, host), polite_backoff_key(self._prefix, host)]

    async def acquire(self, host: str, delay_seconds: float) -> float:
        """Wait for this host's next free slot; return the seconds waited."""
        waited = 0.0
        delay_ms = int(delay_seconds * 1000)
        while True:
            wait_ms = int(await self._reserve(keys=self._keys(host), args=[delay_ms]))
            if wait_ms <= 0:
                return waited
            await asyncio.sleep(wait_ms / 1000)
            waited += wait_ms / 1000

    @asynccontextmanager
    async def request_slot(self, host: str, concurrency: int) -> AsyncIterator[None]:
        """Hold one of the host's ``concurrency`` request slots, shared by all processes."""
        key = polite_active_key(self._prefix, host)
        token = uuid.uuid4().hex
        args: list[int | str] = [concurrency, self._lease_ms, token]
        while not await self._enter(keys=[key], args=args):
            await asyncio.sleep(_SLOT_POLL_SECONDS)
        try:
            yield
        finally:
            await self._redis.zrem(key, token)

    async def back_off(self, host: str, retry_after: float | None) -> float:
        """Hold every process off ``host``: Retry-After if given, else 2^n seconds."""
        failures = self._failures.get(host, 0) + 1
        self._failures[host] = failures
        seconds = retry_after if retry_after is not None else min(2.0**failures, 300.0)
        await self._back_off(keys=self._keys(host)[1:], args=[int(seconds * 1000)])
        return seconds

    def succeeded(self, host: str) -> None:
        self._failures.pop(host, None)

    async def close(self) -> None:
        await self._redis.aclose()
