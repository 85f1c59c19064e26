"""``GET /timeline``: articles and stories per day, week or month, as JSON or CSV."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from search_api.errors import REFUSED, invalid
from search_api.formats import CSV_TYPE, TableFormat, csv_content, csv_text, wants_csv
from search_api.routes.filters import Selected
from search_api.state import State
from search_api.timeline import (
    CSV_COLUMNS,
    Cell,
    Interval,
    Split,
    TimelineResponse,
    assemble,
    build_counts,
    build_stories,
    count_page,
    csv_rows,
    estimated_story_buckets,
)

router = APIRouter()
MAX_ZONE_CHARS = 64


@cache
def _zones() -> tuple[str, ...]:
    """IANA zone names of the form Area/Location (and UTC) from the system's tz database: the
    engine (Java's zone rules) knows every one of them, not the legacy names (EST, Cuba, …)."""
    return tuple(sorted(z for z in available_timezones()
                        if ("/" in z or z == "UTC") and not z.startswith(("posix/", "right/"))))


@router.get(
    "/timeline", response_model=TimelineResponse, summary="Articles and stories over time",
    responses={**REFUSED, 200: {"content": csv_content(
        "period,key,articles,stories,all_articles,share\r\n2025-03-01,,3,1,40,0.075000\r\n")}},
)
async def timeline(
    state: State, selected: Selected,
    interval: Interval = Interval.day,
    tz: Annotated[str, Query(max_length=MAX_ZONE_CHARS, json_schema_extra={"enum": _zones()},
                             description="IANA time zone of the periods and of from/to")] = "UTC",
    split: Annotated[Split | None, Query(description="One series per source or country")] = None,
    format: Annotated[TableFormat | None, Query(
        description="json or csv; without it, Accept: text/csv asks for CSV")] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TimelineResponse | Response:
    if tz not in _zones():  # the schema's enum, checked
        raise invalid(("query", "tz"), "not an IANA time zone name (such as Asia/Tokyo)", tz)
    counts = await state.backend.search(
        build_counts(selected, interval, tz, split), operation="timeline")
    exact: Counter[Cell] | None = None
    if estimated_story_buckets(counts, split) <= state.timeline_exact_stories:
        exact = await _exact_stories(state, selected, interval, tz, split)
    answer = assemble(counts, interval, tz, split, exact)
    if wants_csv(format, accept):
        return Response(csv_text(csv_rows(answer), CSV_COLUMNS), media_type=CSV_TYPE)
    return answer


async def _exact_stories(state: State, selected: Selected, interval: Interval, tz: str,
                         split: Split | None) -> Counter[Cell] | None:
    """Distinct stories per cell, paging the composite aggregation; None when they turn out to
    be more than the exact cap (the estimate that allowed paging was low)."""
    counts: Counter[Cell] = Counter()
    after = None
    while True:
        page = await state.backend.search(
            build_stories(selected, interval, tz, split, after), operation="timeline_stories")
        after = count_page(page, counts)
        if counts.total() > state.timeline_exact_stories:
            return None
        if after is None:
            return counts
