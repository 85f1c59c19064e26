"""One story across the papers: its copies (a ``cluster_id``), who published it first, who
picked it up and how long after, under which headlines.

The indexer gives every copy of a story the same ``cluster_id`` (``indexer/clusters.py``); the
cluster is named by the copy *indexed* first, which is not always the one *published* first (a
crawl can reach the hub's reprint before the member's original). So the first publisher is read
from the copies here: the earliest copy of the paper the hub names as the original ("By China
Daily": ``original_source_id``) when the cluster holds one, else the earliest dated copy. Every
other copy is a pickup, its lag counted from the first publication; a copy without a date has no
lag. :func:`first_and_pickups` is shared by ``/stories/{cluster_id}`` and ``/syndication``, so
both say the same about the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ann.document import DocField as F

MAX_COPIES = 100
"""Copies of one story read per request: the engine's ``index.max_inner_result_window`` (the
most a ``top_hits`` may return); a story is rarely carried by more than the 22 papers."""
COPY_FIELDS = [F.url, F.title, F.source_id, F.source_name, F.published_at, F.original_paper,
               F.original_source_id]
COPY_ORDER: list[dict[str, Any]] = [
    {F.published_at: {"order": "asc", "missing": "_last"}}, {F.id: "asc"},
]
"""Earliest first, undated last, the id as tiebreaker: the same order on every request."""


class StoryCopy(BaseModel):
    """One page of the story."""

    id: str
    url: str
    title: str = ""
    source_id: str | None = None
    source_name: str | None = None
    published_at: datetime | None = None
    original_paper: str | None = Field(
        default=None, description="On a hub reprint: the paper it names as the original")
    original_source_id: str | None = None


class Pickup(StoryCopy):
    lag_seconds: int | None = Field(
        default=None, description="Seconds from the first publication to this copy's; null "
                                  "when either has no date")


class Headline(BaseModel):
    title: str
    copies: int
    sources: list[str] = Field(description="Source ids that used this headline, in order")


class StoryResponse(BaseModel):
    cluster_id: str
    copies: int = Field(description="Pages of this story in the index")
    first: StoryCopy = Field(description="The first publisher's copy")
    pickups: list[Pickup] = Field(description="Every other copy, earliest first")
    headlines: list[Headline] = Field(description="Headline variants, most used first")


def copy_from_hit(hit: dict[str, Any]) -> StoryCopy:
    return StoryCopy.model_validate({**hit["_source"], F.id: hit["_id"]})


def build_story_query(cluster_id: str) -> dict[str, Any]:
    """Every copy of one story (up to :data:`MAX_COPIES`), earliest first."""
    return {
        "query": {"bool": {"filter": [{"term": {F.cluster_id: cluster_id}}]}},
        "size": MAX_COPIES,
        "sort": COPY_ORDER,
        "_source": COPY_FIELDS,
        "track_total_hits": True,
    }


def _lag(first: StoryCopy, copy: StoryCopy) -> int | None:
    if first.published_at is None or copy.published_at is None:
        return None
    return round((copy.published_at - first.published_at).total_seconds())


def first_and_pickups(copies: Sequence[StoryCopy]) -> tuple[StoryCopy, list[Pickup]]:
    """The first publisher and every other copy with its lag; ``copies`` earliest first (as
    :data:`COPY_ORDER` sorts them) and not empty.

    A paper the hub names as the original, when the cluster holds a copy of it, is the first
    publisher even if another copy carries an earlier date: the hub's own statement is better
    evidence than a date that may have been guessed. Its lag to an earlier copy is then negative.
    """
    declared = {c.original_source_id for c in copies if c.original_source_id}
    first = next((c for c in copies if c.source_id in declared), copies[0])
    pickups = [Pickup(**c.model_dump(), lag_seconds=_lag(first, c))
               for c in copies if c is not first]
    return first, pickups


def headlines(copies: Sequence[StoryCopy]) -> list[Headline]:
    """Distinct headlines (exact text), most used first, then in order of first use."""
    seen: dict[str, list[str]] = {}
    for copy in copies:
        seen.setdefault(copy.title, []).append(copy.source_id or "")
    ranked = sorted(seen.items(), key=lambda item: -len(item[1]))  # stable: first use breaks ties
    return [Headline(title=t, copies=len(s), sources=s) for t, s in ranked]


def story(cluster_id: str, copies: Sequence[StoryCopy], total: int) -> StoryResponse:
    first, pickups = first_and_pickups(copies)
    return StoryResponse(cluster_id=cluster_id, copies=total, first=first, pickups=pickups,
                         headlines=headlines(copies))
