"""Who republishes whom: per (first publisher → republisher) pair, how many stories and the
median lag, over the stories first published in a range of days.

Computed exactly, from every copy of every story of more than one copy:

- **Which stories.** A ``terms`` aggregation on ``cluster_id`` with ``min_doc_count: 2`` lists
  the stories with copies; the index has one shard, on which a ``terms`` aggregation is exact
  (``doc_count_error_upper_bound`` 0). Its buckets are read in hash partitions (``include:
  {partition, num_partitions}``) of at most :data:`PARTITION_SIZE` stories; a partition that
  reports ``sum_other_doc_count`` > 0 did not fit, and the scan starts again with twice the
  partitions, so no story is left out. A ``top_hits`` under each bucket returns its copies.
- **Which pair.** Each story's first publisher and pickups come from
  :func:`search_api.stories.first_and_pickups`, as ``/stories/{cluster_id}`` shows them. A paper
  that carries a story twice counts once (its earliest copy); a paper republishing its own story
  is no pair.
- **Median.** The exact median (:func:`statistics.median`) of the pickups' lags, in seconds, over
  the pickups with a known lag (both copies dated). Elasticsearch's ``percentiles`` aggregation
  would only approximate it (t-digest), and a lag is not a field of any one document.
- **Range.** ``from``/``to`` (whole UTC days) select stories by their first publication. The
  documents read are those published within :data:`SPAN_MARGIN` of the range, so that a story's
  copies on either side of it are seen (clustering joins copies within three days of each other:
  a story longer than the margin would need a chain of ten such copies). Without a range every
  story is read, undated copies included; with one, undated copies are not.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, Field

from ann.document import DocField as F
from search_api.backend import Backend
from search_api.stories import (
    COPY_FIELDS,
    COPY_ORDER,
    MAX_COPIES,
    StoryCopy,
    copy_from_hit,
    first_and_pickups,
)

PARTITION_SIZE = 5_000
"""Stories per aggregation request: with up to :data:`MAX_COPIES` short copies each, an answer
of a few megabytes at most."""
MAX_PARTITIONS = 256
SPAN_MARGIN = timedelta(days=30)
CSV_COLUMNS = ("origin", "republisher", "stories", "dated", "median_lag_seconds")


class SyndicationTooLarge(Exception):
    """More stories with copies than :data:`MAX_PARTITIONS` partitions hold."""


class Pair(BaseModel):
    origin: str = Field(description="Source id of the paper that published the stories first")
    republisher: str = Field(description="Source id of the paper that picked them up")
    stories: int = Field(description="Stories of origin that republisher carried")
    dated: int = Field(description="Of those, how many have a lag (both copies dated)")
    median_lag_seconds: float | None = Field(
        description="Exact median of the lags of the dated ones; null when none is dated")


class SyndicationResponse(BaseModel):
    date_from: date | None = Field(default=None, serialization_alias="from")
    date_to: date | None = Field(default=None, serialization_alias="to")
    stories: int = Field(description="Stories first published in the range with a pickup "
                                     "(of the chosen origins, by the chosen republishers)")
    pairs: list[Pair] = Field(description="By stories, most first, then origin and republisher")


def _bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None,
                                                                    datetime | None]:
    start = datetime.combine(date_from, time(), UTC) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time(), UTC) if date_to else None
    return start, end


def build_cardinality_query(date_from: date | None, date_to: date | None) -> dict[str, Any]:
    """How many stories the range's documents belong to: sizes the partitions (an estimate
    suffices, a partition that did not fit is detected)."""
    return {"size": 0, "track_total_hits": False, "query": _documents(date_from, date_to),
            "aggs": {"stories": {"cardinality": {"field": F.cluster_id}}}}


def partitions_for(stories: int) -> int:
    return max(1, math.ceil(stories / PARTITION_SIZE))


def _documents(date_from: date | None, date_to: date | None) -> dict[str, Any]:
    start, end = _bounds(date_from, date_to)
    bounds: dict[str, str] = {}
    if start:
        bounds["gte"] = (start - SPAN_MARGIN).isoformat()
    if end:
        bounds["lt"] = (end + SPAN_MARGIN).isoformat()
    filters = [{"range": {F.published_at: bounds}}] if bounds else []
    return {"bool": {"filter": filters}}


def build_partition_query(date_from: date | None, date_to: date | None, partition: int,
                          partitions: int) -> dict[str, Any]:
    """The stories with more than one copy in one hash partition, each with its copies."""
    return {
        "size": 0, "track_total_hits": False, "query": _documents(date_from, date_to),
        "aggs": {"stories": {
            "terms": {"field": F.cluster_id, "min_doc_count": 2, "size": PARTITION_SIZE,
                      "include": {"partition": partition, "num_partitions": partitions}},
            "aggs": {"copies": {"top_hits": {"size": MAX_COPIES, "sort": COPY_ORDER,
                                             "_source": COPY_FIELDS}}},
        }},
    }


def partition_fits(result: dict[str, Any]) -> bool:
    return int(result["aggregations"]["stories"]["sum_other_doc_count"]) == 0


def story_copies(result: dict[str, Any]) -> list[list[StoryCopy]]:
    """Each story's copies, earliest first, from one partition's answer."""
    return [[copy_from_hit(hit) for hit in bucket["copies"]["hits"]["hits"]]
            for bucket in result["aggregations"]["stories"]["buckets"]]


async def scan(backend: Backend, date_from: date | None,
               date_to: date | None) -> list[list[StoryCopy]]:
    """Every story with more than one copy among the range's documents, with its copies: one
    request per partition; all again with twice the partitions when one did not fit."""
    estimate = await backend.search(build_cardinality_query(date_from, date_to),
                                    operation="syndication")
    partitions = partitions_for(int(estimate["aggregations"]["stories"]["value"]))
    while partitions <= MAX_PARTITIONS:
        stories: list[list[StoryCopy]] = []
        for partition in range(partitions):
            result = await backend.search(
                build_partition_query(date_from, date_to, partition, partitions),
                operation="syndication")
            if not partition_fits(result):
                break
            stories.extend(story_copies(result))
        else:
            return stories
        partitions *= 2
    raise SyndicationTooLarge(f"more stories with copies than {MAX_PARTITIONS} requests of "
                              f"{PARTITION_SIZE} hold: choose a shorter range")


def _in_range(moment: datetime | None, date_from: date | None, date_to: date | None) -> bool:
    start, end = _bounds(date_from, date_to)
    if start is None and end is None:
        return True
    if moment is None:
        return False
    return (start is None or moment >= start) and (end is None or moment < end)


def _pair(origin: str, republisher: str, lags: list[int | None]) -> Pair:
    known = [lag for lag in lags if lag is not None]
    return Pair(origin=origin, republisher=republisher, stories=len(lags), dated=len(known),
                median_lag_seconds=statistics.median(known) if known else None)


def syndication(stories: list[list[StoryCopy]], date_from: date | None, date_to: date | None,
                origins: Collection[str] = (), republishers: Collection[str] = ()
                ) -> SyndicationResponse:
    """The pairs of the stories first published in the range; only those of ``origins`` and to
    ``republishers`` when given (a member's view: where its stories went, or whose it carries)."""
    lags: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    counted = 0
    for copies in stories:
        first, pickups = first_and_pickups(copies)
        if not first.source_id or not _in_range(first.published_at, date_from, date_to):
            continue
        if origins and first.source_id not in origins:
            continue
        seen: set[str] = set()
        for pickup in pickups:  # earliest first: a paper's first copy stands for it
            if not pickup.source_id or pickup.source_id in seen | {first.source_id}:
                continue
            if republishers and pickup.source_id not in republishers:
                continue
            seen.add(pickup.source_id)
            lags[first.source_id, pickup.source_id].append(pickup.lag_seconds)
        counted += bool(seen)
    pairs = [_pair(origin, republisher, values) for (origin, republisher), values in lags.items()]
    pairs.sort(key=lambda p: (-p.stories, p.origin, p.republisher))
    return SyndicationResponse(date_from=date_from, date_to=date_to, stories=counted, pairs=pairs)


def to_csv(answer: SyndicationResponse) -> str:
    """One row per pair, with a header; an unknown median is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for pair in answer.pairs:
        writer.writerow([pair.origin, pair.republisher, pair.stories, pair.dated,
                         "" if pair.median_lag_seconds is None else pair.median_lag_seconds])
    return out.getvalue()
