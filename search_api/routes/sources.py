"""``GET /sources``: every registry source with what the index holds of it, and its health."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from search_api.backend import IndexMissing
from search_api.errors import REFUSED
from search_api.models import SourcesResponse
from search_api.sources import build_sources_query, source_statuses
from search_api.state import State

router = APIRouter()


@router.get("/sources", response_model=SourcesResponse, summary="Sources and their health",
            responses=REFUSED)
async def sources(state: State) -> SourcesResponse:
    try:
        result = await state.backend.search(
            build_sources_query(state.registry.ids()), operation="sources"
        )
        aggregations = result["aggregations"]
    except IndexMissing:
        aggregations = None  # nothing indexed yet: every source is simply empty
    return SourcesResponse(
        stale_after_hours=state.stale_after.total_seconds() / 3600,
        sources=source_statuses(
            state.registry, aggregations, datetime.now(UTC), state.stale_after
        ),
    )
