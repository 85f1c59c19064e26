"""The application factory: routes, middleware and the Elasticsearch client's lifespan, explicit.

One Elasticsearch client (inside :class:`~search_api.backend.Backend`) is opened at start-up and
closed at shutdown; routes receive it through typed application state (see
:mod:`search_api.state`). Metrics live in a registry of this application's own, so that several
applications in one process (the tests) count apart; a server of several processes sums them
(:mod:`search_api.metrics`).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from limits import parse as parse_limit
from redis import Redis
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ann.settings import Settings, get_settings
from ann.sources import load_registry
from ann.variants import load as load_variants
from search_api.alerts.store import SavedSearchStore
from search_api.backend import Backend, BackendRejected, BackendUnavailable
from search_api.errors import COMMON_ERRORS
from search_api.jobs import CrawlJobs
from search_api.metrics import ApiMetrics
from search_api.middleware import MetricsMiddleware
from search_api.ratelimit import RateLimitMiddleware
from search_api.routes import (
    admin,
    articles,
    docs,
    export,
    liveness,
    page,
    saved_searches,
    search,
    sources,
    stories,
    system,
    timeline,
    top_terms,
)
from search_api.state import ApiState
from search_api.variants import NameVariants

COLLECTOR_THRESHOLDS = (7000, 20, 20)
"""The cyclic collector's thresholds while the API serves (Python's are 700, 10, 10). A search
holds the engine's parsed answer (15-22 kB of JSON: several hundred dicts and lists) until its
own answer is written, and a process serves several searches at once: with Python's thresholds
the answers in flight crossed 700 new containers every few requests, set off a young collection
and were promoted to older generations, to be traced again there, although all of them die by
reference counting. With these thresholds the API used 9-10 % less CPU per ``/search`` at 16
clients (``bench/api_ab.py``, three runs, 2026-12-03), for at most a few thousand more objects
awaiting collection."""


@contextmanager
def collector_thresholds(thresholds: tuple[int, int, int]) -> Iterator[None]:
    """The collector's thresholds set for the application's life, the process's own restored
    after (several applications, the tests', share one process)."""
    previous = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


MAX_BODY_BYTES = 16 * 1024
"""The largest request body any route reads: a recrawl of fifty sources takes under 4 KB.
Beyond it, a 413 before the body is parsed (Starlette counts it as it arrives)."""


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    """Every route fails the same way when Elasticsearch cannot answer."""
    return JSONResponse({"detail": str(error)}, status_code=503)


async def _redis_unavailable(request: Request, error: Exception) -> JSONResponse:
    """Saved searches live in Redis: without it, those routes answer 503 like a lost engine."""
    return JSONResponse({"detail": f"saved searches unavailable: {type(error).__name__}"},
                        status_code=503)


async def _http_error(request: Request, error: Exception) -> Response:
    """FastAPI's answer to an HTTP error, but a 405 lists in ``Allow`` every method of the path:
    Starlette names only those of the first route matching it (``/saved-searches`` has a GET
    and a POST route)."""
    if not isinstance(error, StarletteHTTPException):  # registered for it alone
        raise error
    if error.status_code == 405:
        allowed = sorted({method for route in request.app.router.routes
                          if isinstance(route, APIRoute)
                          and route.path_regex.match(request.url.path)
                          for method in route.methods or ()})
        error.headers = {**(error.headers or {}), "Allow": ", ".join(allowed)}
    return await http_exception_handler(request, error)


async def _rejected(request: Request, error: Exception) -> JSONResponse:
    """Elasticsearch refused what this request asked: the client's to change, not to retry."""
    return JSONResponse({"detail": str(error)}, status_code=400)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    registry = load_registry()
    metrics = ApiMetrics.create(settings.metrics_dir)
    variant_groups = load_variants(settings.variants_file)  # a malformed file stops the start

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backend = Backend.connect(settings, metrics)
        crawl_jobs = CrawlJobs(settings)
        redis = Redis.from_url(settings.redis_url, socket_timeout=settings.api_es_timeout_seconds)
        app.state.api = ApiState(
            backend=backend,
            registry=registry,
            metrics=metrics,
            stale_after=timedelta(hours=settings.api_stale_after_hours),
            crawl_jobs=crawl_jobs,
            admin_key=settings.api_admin_key,
            cursor_secret=settings.api_cursor_secret.encode("utf-8"),
            timeline_exact_stories=settings.api_timeline_exact_stories,
            export_max_rows=settings.api_export_max_rows,
            export_page_size=settings.api_export_page_size,
            variants=NameVariants(settings.variants_index, settings.api_variants_refresh_seconds,
                                  variant_groups),
            saved_searches=SavedSearchStore(
                redis, settings.key_prefix, settings.alerts_feed_entries,
                timedelta(days=settings.alerts_memory_days)),
            alerts_per_client=settings.alerts_per_client,
        )
        try:
            with collector_thresholds(COLLECTOR_THRESHOLDS):
                yield
        finally:
            crawl_jobs.close()
            redis.close()
            await backend.close()

    app = FastAPI(
        title="ANN search",
        version="0.1.0",
        summary="Full-text and faceted search over the Asia News Network papers.",
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,
        docs_url=None,  # served by routes.docs from a packaged copy, not a CDN
        redoc_url=None,
    )
    if settings.api_rate_limit:  # parsed now: a malformed limit stops the start, not a request
        app.add_middleware(RateLimitMiddleware, limit=parse_limit(settings.api_rate_limit),
                           processes=settings.api_workers)
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # 429s are counted too
    if settings.api_trusted_proxies:  # outermost: the limiter sees the client it names
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.api_trusted_proxies)
    app.add_exception_handler(BackendUnavailable, _unavailable)
    app.add_exception_handler(BackendRejected, _rejected)
    app.add_exception_handler(RedisError, _redis_unavailable)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for router in (search.router, timeline.router, export.router, top_terms.router,
                   articles.router, stories.router, sources.router, system.router,
                   saved_searches.router,
                   admin.build_router(registry.ids())):
        app.include_router(router, responses=COMMON_ERRORS)
    app.include_router(liveness.router)  # never asks Elasticsearch, never rate limited
    app.include_router(page.router)
    app.include_router(docs.router)
    app.mount(page.STATIC_URL, page.assets(), name="static")
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    return app
