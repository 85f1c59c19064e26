"""``GET /health`` (is the backend reachable) and ``GET /metrics`` (Prometheus exposition)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST

from search_api.models import Health
from search_api.state import State

router = APIRouter()


@router.get("/health", response_model=Health, summary="Is the search backend reachable")
async def health(state: State) -> Health:
    status = await state.backend.cluster_status()
    return Health(status="ok", elasticsearch=status, documents=await state.backend.count())


@router.get("/metrics", summary="Request and backend metrics in the Prometheus text format",
            response_class=PlainTextResponse)
async def metrics(state: State) -> Response:
    return Response(state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
