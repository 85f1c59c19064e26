"""Counts and times every HTTP request, labelled by route template and status.

A plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: it adds no task or stream
per request to the hot path. The router writes the matched route into the request scope, which
this middleware shares, so the template is known once the response is under way.
"""

from __future__ import annotations

from time import perf_counter

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.metrics import UNMATCHED_ROUTE, ApiMetrics


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if template is None and isinstance(scope.get("endpoint"), StaticFiles):
        # a mounted directory (the search page's and Swagger UI's files) names no route: one
        # series per mount, never one per file
        template = scope["root_path"].removeprefix(scope.get("app_root_path", "")) + "/{path}"
    return template if isinstance(template, str) else UNMATCHED_ROUTE


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        status = 500  # what the client gets when the application raises before answering

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self.metrics.observe_request(
                scope["method"], route_template(scope), status, perf_counter() - start
            )
