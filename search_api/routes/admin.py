"""``POST /admin/recrawl``: crawl member sources now, for an operator holding the API key.

Disabled (403) unless ``ANN_API_ADMIN_KEY`` is set; the key travels in ``X-API-Key`` and is
compared in constant time, as bytes (a header is any bytes a client sends, not ASCII text). The
body is read only once the key is accepted (and never beyond the application's body limit), so
a client without the key cannot make the API read or parse it. Only registry sources can be
named, so the API can never be made to fetch an arbitrary site.
"""

import hmac
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from kombu.exceptions import OperationalError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema
from redis.exceptions import RedisError

from ann.sources import ENTRY_KINDS, EntryKind
from search_api.errors import error_answer
from search_api.state import State

MAX_SOURCES = 50


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


def build_router(members: Sequence[str]) -> APIRouter:
    """The admin routes for the registry's ``members`` (the app factory's registry): fixed for
    the application, so its OpenAPI document lists them. (No postponed annotations in this
    module: FastAPI reads the routes' annotations, which name classes local to this function.)"""
    known = frozenset(members)

    def _member(source_id: str) -> str:
        if source_id not in known:
            raise ValueError(f"only member sources can be crawled; unknown: {source_id[:64]!r}")
        return source_id

    SourceId = Annotated[str, AfterValidator(_member),  # noqa: N806  (a type)
                         WithJsonSchema({"type": "string", "enum": list(members)})]

    class RecrawlRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")

        sources: list[SourceId] = Field(
            min_length=1, max_length=MAX_SOURCES,
            description="Registry source ids, e.g. [\"dawn\", \"thestar\"]")
        entries: list[EntryKind] = Field(
            default_factory=lambda: list(ENTRY_KINDS),
            description="Entry points to crawl (default: all but recheck)")

    async def recrawl_request(request: Request) -> RecrawlRequest:
        """The body, read after :func:`admin_key` (the route's own dependencies come first); its
        size is bounded for every route by the application (``max_body_size``: a 413)."""
        try:
            return RecrawlRequest.model_validate_json(await request.body())
        except ValidationError as error:
            raise RequestValidationError([
                {**e, "loc": ("body", *e["loc"])}
                for e in error.errors(include_url=False, include_context=False,
                                      include_input=False)
            ]) from error

    body = {"required": True, "content": {
        "application/json": {"schema": RecrawlRequest.model_json_schema()}}}
    router = APIRouter()

    @router.post(
        "/admin/recrawl", status_code=202, response_model=RecrawlAccepted,
        dependencies=[Depends(admin_key)], summary="Crawl member sources now",
        openapi_extra={"requestBody": body},
        responses={401: error_answer("No X-API-Key, or a wrong one"),
                   403: error_answer("Admin routes disabled (no key set)"),
                   413: error_answer("The body is too large")},
    )
    async def recrawl(
        state: State, request: Annotated[RecrawlRequest, Depends(recrawl_request)]
    ) -> RecrawlAccepted:
        sources = list(dict.fromkeys(request.sources))
        entries: list[str] = list(dict.fromkeys(request.entries))
        try:
            job_id = await run_in_threadpool(state.crawl_jobs.send, sources, entries)
        except (OperationalError, RedisError, OSError) as error:
            raise HTTPException(503, f"the crawl queue is unreachable: {type(error).__name__}") \
                from error
        return RecrawlAccepted(job_id=job_id, sources=sources, entries=entries)

    return router
