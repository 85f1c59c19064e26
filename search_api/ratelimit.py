"""A 429 with ``Retry-After`` for a client asking more than ``ANN_API_RATE_LIMIT`` allows.

The window arithmetic is the ``limits`` library's (a moving window per client address). The
counts live in this process: several API processes behind a balancer each allow the limit, so
divide it by their number (``limits`` also has a Redis storage for one shared count). Health
checks and metric scrapes are never limited: monitoring must see an overloaded API.
"""

from __future__ import annotations

import json
import math
import time

from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT_PATHS = frozenset({"/health", "/health/live", "/metrics"})


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: RateLimitItem) -> None:
        self.app = app
        self.item = limit
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        if self.limiter.hit(self.item, key):
            await self.app(scope, receive, send)
            return
        reset = self.limiter.get_window_stats(self.item, key).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        body = json.dumps({"detail": f"rate limit of {self.item} exceeded; retry in "
                                     f"{retry_after} s"}).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"application/json"), (b"retry-after", str(retry_after).encode()),
            (b"content-length", str(len(body)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})
