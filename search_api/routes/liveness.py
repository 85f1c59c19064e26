"""``GET /health/live``: the process answers — whatever Elasticsearch is doing.

A liveness probe restarts what fails it. ``GET /health`` depends on Elasticsearch (readiness: stop
sending queries here while the engine is away); a liveness probe on it would restart every API
replica during an engine outage, which cures nothing and drops the requests in flight.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class Liveness(BaseModel):
    status: Literal["alive"] = "alive"


@router.get("/health/live", response_model=Liveness,
            summary="Is the API process serving (never asks Elasticsearch)")
async def live() -> Liveness:
    return Liveness()
