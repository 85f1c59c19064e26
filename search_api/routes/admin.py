"""``POST /admin/recrawl``: crawl member sources now, for an operator holding the API key.

Disabled (403) unless ``ANN_API_ADMIN_KEY`` is set; the key travels in ``X-API-Key`` and is
compared in constant time, as bytes (a header is any bytes a client sends, not ASCII text). The
body is read only once the key is accepted, and at most :data:`MAX_BODY_BYTES` of it, so a
client without the key cannot make the API read or parse anything. Only registry sources can be
named, so the API can never be made to fetch an arbitrary site.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from kombu.exceptions import OperationalError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from redis.exceptions import RedisError

from ann.sources import ENTRY_KINDS, EntryKind
from search_api.errors import ErrorBody, invalid
from search_api.state import State

router = APIRouter()
MAX_SOURCES = 50
MAX_BODY_BYTES = 16 * 1024
"""Fifty source ids and every entry kind take well under 4 KB."""


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
    # Starlette decodes a header's bytes as Latin-1: encoding back gives exactly what was sent
    sent = x_api_key.encode("latin-1") if x_api_key is not None else b""
    if x_api_key is None or not hmac.compare_digest(sent, state.admin_key.encode("utf-8")):
        raise HTTPException(401, "a valid X-API-Key header is required")


async def recrawl_request(request: Request) -> RecrawlRequest:
    """The body, read after :func:`admin_key` (the route's own dependencies come first)."""
    too_large = HTTPException(413, f"the body must not exceed {MAX_BODY_BYTES} bytes")
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise too_large
    try:
        return RecrawlRequest.model_validate_json(bytes(body))
    except ValidationError as error:
        raise RequestValidationError([
            {**e, "loc": ("body", *e["loc"])}
            for e in error.errors(include_url=False, include_context=False)
        ]) from error


_REQUEST_BODY = {"required": True, "content": {
    "application/json": {"schema": RecrawlRequest.model_json_schema()}}}


@router.post(
    "/admin/recrawl", status_code=202, response_model=RecrawlAccepted,
    dependencies=[Depends(admin_key)], summary="Crawl member sources now",
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses={401: {"model": ErrorBody, "description": "No X-API-Key, or a wrong one"},
               403: {"model": ErrorBody, "description": "Admin routes disabled (no key set)"},
               413: {"model": ErrorBody, "description": "The body is too large"}},
)
async def recrawl(
    state: State, request: Annotated[RecrawlRequest, Depends(recrawl_request)]
) -> RecrawlAccepted:
    known = set(state.registry.ids())
    unknown = [s for s in request.sources if s not in known]
    if unknown:
        raise invalid(("body", "sources"), f"only member sources can be crawled; unknown: "
                                           f"{unknown[:5]}", None)
    sources = list(dict.fromkeys(request.sources))
    entries: list[str] = list(dict.fromkeys(request.entries))
    try:
        job_id = await run_in_threadpool(state.crawl_jobs.send, sources, entries)
    except (OperationalError, RedisError, OSError) as error:
        raise HTTPException(503, f"the crawl queue is unreachable: {type(error).__name__}") \
            from error
    return RecrawlAccepted(job_id=job_id, sources=sources, entries=entries)
