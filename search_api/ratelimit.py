"""A 429 with ``Retry-After`` for a client asking more than ``ANN_API_RATE_LIMIT`` allows.

A moving window per client address: a request is let through when the client made fewer than
the limit's number of requests in the window (a minute for ``6000/minute``) before it. The limit
is read by the ``limits`` library (``parse``); the counting is :class:`MovingWindow`'s, on the
event loop, with no lock and no thread: ``limits``' in-memory storage started a timer thread to
expire its entries whenever the previous one had finished — on an API answering one request at a
time, a thread per request (0.5 ms of CPU each, bench/api.py). The counts live in this process:
each of a server's ``ANN_API_WORKERS`` processes allows its share, the limit divided by their
number (rounded up), so that a client gets about the limit from the server as a whole. About:
the kernel hands each connection to whichever process accepts it first, not in turns, so a
client whose connections land unevenly is refused somewhat before the limit. Several servers
behind a balancer (replicas) each allow the limit: divide it by their number.
Health checks and metric scrapes are never limited: monitoring must see an overloaded API.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Callable

from limits import RateLimitItem
from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT_PATHS = frozenset({"/health", "/health/live", "/metrics"})


def per_process(limit: RateLimitItem, processes: int) -> int:
    """One process's share of ``limit`` among a server's ``processes``: at least one hit."""
    return max(1, math.ceil(limit.amount / processes))


class MovingWindow:
    """At most ``amount`` hits per key in any ``limit.get_expiry()`` seconds (``amount``:
    ``limit.amount`` unless given).

    Each key keeps the times of its hits inside the window (at most the limit's number of them);
    keys with no hit inside the window are forgotten once per window, so memory follows the
    clients of the last window, not every client ever seen."""

    def __init__(self, limit: RateLimitItem, clock: Callable[[], float] = time.monotonic,
                 amount: int | None = None) -> None:
        self.amount = limit.amount if amount is None else amount
        self.window = float(limit.get_expiry())
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.next_sweep = clock() + self.window

    def hit(self, key: str) -> float:
        """Count a hit and return 0, or, over the limit, return the seconds until one is
        allowed again (the hit is not counted)."""
        now = self.clock()
        if now >= self.next_sweep:
            self._sweep(now)
        times = self.hits.get(key)
        if times is None:
            times = self.hits[key] = deque(maxlen=self.amount)
        start = now - self.window
        while times and times[0] <= start:
            times.popleft()
        if len(times) < self.amount:
            times.append(now)
            return 0.0
        return times[0] - start

    def _sweep(self, now: float) -> None:
        start = now - self.window
        for key in [key for key, times in self.hits.items() if not times or times[-1] <= start]:
            del self.hits[key]
        self.next_sweep = now + self.window


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: RateLimitItem, processes: int = 1) -> None:
        """``processes``: the server's (``ANN_API_WORKERS``), among which the limit is shared."""
        self.app = app
        self.item = limit
        self.window = MovingWindow(limit, amount=per_process(limit, processes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.window.hit(client[0] if client else "unknown")
        if not wait:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        body = json.dumps({"detail": f"rate limit of {self.item} exceeded; retry in "
                                     f"{retry_after} s"}).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"application/json"), (b"retry-after", str(retry_after).encode()),
            (b"content-length", str(len(body)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})
