"""The reprint graph: ``GET /stories/{cluster_id}`` (one story across the papers) and
``GET /syndication`` (who republishes whom, as JSON or CSV)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Query
from fastapi.responses import Response

from search_api.errors import REFUSED, Responses, error_answer, invalid
from search_api.params import MAX_FILTER_VALUES, FilterValue, IsoDate
from search_api.state import State
from search_api.stories import StoryResponse, build_story_query, copy_from_hit, story
from search_api.syndication import (
    SyndicationResponse,
    SyndicationTooLarge,
    scan,
    syndication,
    to_csv,
)

router = APIRouter()

MAX_ID_LENGTH = 64
CSV_TYPE = "text/csv"

ClusterId = Annotated[str, Path(
    pattern=f"^[0-9A-Za-z]{{1,{MAX_ID_LENGTH}}}$",
    description="A hit's cluster_id (the id of the story's first indexed copy): alphanumeric, "
                "at most 64 characters",
)]
NO_STORY: Responses = {404: error_answer("No story with this cluster_id")}
CSV_ANSWER: Responses = {200: {"content": {CSV_TYPE: {"schema": {"type": "string"}}},
                               "description": "JSON, or CSV with format=csv or Accept: text/csv"}}


class Format(StrEnum):
    json = "json"
    csv = "csv"


@router.get("/stories/{cluster_id}", response_model=StoryResponse,
            summary="One story across the papers: first publisher, pickups, headlines",
            responses={**NO_STORY, **REFUSED})
async def get_story(state: State, cluster_id: ClusterId) -> StoryResponse:
    result = await state.backend.search(build_story_query(cluster_id), operation="stories")
    hits = result["hits"]["hits"]
    if not hits:
        raise HTTPException(404, f"no story {cluster_id}")
    return story(cluster_id, [copy_from_hit(h) for h in hits], result["hits"]["total"]["value"])


@router.get("/syndication", response_model=SyndicationResponse,
            summary="Who republishes whom: stories and median lag per pair of papers",
            responses={**REFUSED, **CSV_ANSWER})
async def get_syndication(
    state: State,
    date_from: Annotated[IsoDate | None, Query(
        alias="from", description="Stories first published on or after (UTC day)")] = None,
    date_to: Annotated[IsoDate | None, Query(
        alias="to", description="Stories first published on or before (UTC day)")] = None,
    origin: Annotated[list[FilterValue] | None, Query(
        max_length=MAX_FILTER_VALUES,
        description="Only stories first published by these source ids (any of)")] = None,
    republisher: Annotated[list[FilterValue] | None, Query(
        max_length=MAX_FILTER_VALUES,
        description="Only pickups by these source ids (any of)")] = None,
    output: Annotated[Format | None, Query(
        alias="format", description="json or csv; without it, the Accept header decides")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> SyndicationResponse | Response:
    if date_from and date_to and date_from > date_to:
        raise invalid(("query", "from"), "'from' must not be after 'to'", str(date_from))
    try:
        stories = await scan(state.backend, date_from, date_to)
    except SyndicationTooLarge as error:
        raise invalid(("query", "from"), str(error), str(date_from)) from error
    answer = syndication(stories, date_from, date_to, frozenset(origin or ()),
                         frozenset(republisher or ()))
    wants_csv = output is Format.csv or (output is None and CSV_TYPE in (accept or ""))
    if wants_csv:
        return Response(to_csv(answer), media_type=f"{CSV_TYPE}; charset=utf-8")
    return answer
