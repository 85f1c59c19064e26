"""``POST /admin/recrawl``: crawl member sources now, for an operator holding the API key.

Disabled (403) unless ``ANN_API_ADMIN_KEY`` is set; the key travels in ``X-API-Key`` and is
compared in constant time. Only registry sources can be named, so the API can never be made to
fetch an arbitrary site.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.concurrency import run_in_threadpool
from kombu.exceptions import OperationalError
from pydantic import BaseModel, ConfigDict, Field
from redis.exceptions import RedisError

from ann.sources import ENTRY_KINDS, EntryKind
from search_api.state import State

router = APIRouter()
MAX_SOURCES = 50


class RecrawlRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(min_length=1, max_length=MAX_SOURCES,
                               description="Registry source ids, e.g. [\"dawn\", \"thestar\"]")
    entries: list[EntryKind] = Field(default_factory=lambda: list(ENTRY_KINDS),
                                     description="Entry points to crawl (default: all but recheck)")


class RecrawlAccepted(BaseModel):
    job_id: str
    sources: list[str]
    entries: list[str]


async def admin_key(state: State, x_api_key: Annotated[str | None, Header()] = None) -> None:
    if not state.admin_key:
        raise HTTPException(403, "admin actions are disabled: set ANN_API_ADMIN_KEY")
    if x_api_key is None or not secrets.compare_digest(x_api_key, state.admin_key):
        raise HTTPException(401, "a valid X-API-Key header is required")


@router.post("/admin/recrawl", status_code=202, response_model=RecrawlAccepted,
             dependencies=[Depends(admin_key)], summary="Crawl member sources now")
async def recrawl(state: State, request: RecrawlRequest) -> RecrawlAccepted:
    known = set(state.registry.ids())
    unknown = [s for s in request.sources if s not in known]
    if unknown:
        raise HTTPException(422, f"only member sources can be crawled; unknown: {unknown}")
    sources = list(dict.fromkeys(request.sources))
    entries: list[str] = list(dict.fromkeys(request.entries))
    try:
        job_id = await run_in_threadpool(state.crawl_jobs.send, sources, entries)
    except (OperationalError, RedisError, OSError) as error:
        raise HTTPException(503, f"the crawl queue is unreachable: {type(error).__name__}") \
            from error
    return RecrawlAccepted(job_id=job_id, sources=sources, entries=entries)
