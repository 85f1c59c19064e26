"""Typed application state shared by the routes, built once in the application's lifespan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from ann.sources import Registry
from search_api.alerts.store import SavedSearchStore
from search_api.backend import Backend
from search_api.jobs import CrawlJobs
from search_api.metrics import ApiMetrics
from search_api.variants import NameVariants


@dataclass(frozen=True, slots=True)
class ApiState:
    backend: Backend
    registry: Registry
    metrics: ApiMetrics
    stale_after: timedelta
    """A source with nothing indexed for this long is reported stale by ``GET /sources``."""
    crawl_jobs: CrawlJobs
    admin_key: str
    """``ANN_API_ADMIN_KEY``; empty: admin routes are disabled."""
    cursor_secret: bytes
    """``ANN_API_CURSOR_SECRET``: the key that signs cursors (:mod:`search_api.cursor`)."""
    timeline_exact_stories: int
    """``ANN_API_TIMELINE_EXACT_STORIES`` (:mod:`search_api.timeline`)."""
    export_max_rows: int
    """``ANN_API_EXPORT_MAX_ROWS``: the cap of one export."""
    export_page_size: int
    """``ANN_API_EXPORT_PAGE_SIZE``: hits per request of an export, held at a time."""
    variants: NameVariants
    """The name variants queries are expanded with (:mod:`search_api.variants`)."""
    saved_searches: SavedSearchStore
    """The saved searches and their feeds, in Redis (:mod:`search_api.alerts`)."""
    alerts_per_client: int
    """``ANN_ALERTS_PER_CLIENT``: saved searches one client key may hold."""


async def api_state(request: Request) -> ApiState:
    """Async, like every dependency here: FastAPI runs a plain ``def`` dependency in a thread
    pool, which cost about 0.4 ms of CPU per request (bench/api.py)."""
    state: ApiState = request.app.state.api
    return state


State = Annotated[ApiState, Depends(api_state)]
"""What a route declares to receive the state: ``async def route(state: State)``."""
