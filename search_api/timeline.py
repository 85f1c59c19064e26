"""Attention over time: articles and stories per period for a result set, and their share.

Two kinds of count per period (a day, a week starting Monday, or a month, in a chosen IANA time
zone), optionally per source or country:

* **articles** — hits published in the period (``date_histogram`` doc counts: exact);
* **stories** — distinct ``cluster_id`` among them: the hub's reprint and the members' copies of
  one story count once. Counted exactly by a ``composite`` aggregation over (period, [split],
  cluster_id), paged by ``after_key``: every distinct triple is one bucket, so the count is a
  count, not an estimate. While the triples exceed ``ANN_API_TIMELINE_EXACT_STORIES`` (the
  paging would cost a request per 10,000), the ``cardinality`` aggregation's estimate is given
  instead and the answer says so (``stories_exact: false``): HyperLogLog++ with
  ``precision_threshold`` 40,000, near-exact below that many stories per period, within a few
  per cent above.

The **share** divides a period's articles by all articles the same filters select in it without
the query text (Media Cloud's normalisation): ``q=floods&source=dawn`` gives the part of Dawn's
output about floods. Articles without a publication date are in no period.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from ann.document import DocField
from search_api.params import Filters
from search_api.query import selection, text_clauses

PERIOD_FORMAT = "yyyy-MM-dd"
"""Each period is named by its first day, in the requested zone."""
MAX_SPLIT_VALUES = 100
"""Series per request when split: more than the registry has sources or countries."""
COMPOSITE_PAGE = 10_000
"""Buckets per composite request: under the engine's ``search.max_buckets`` (65,536)."""
PRECISION_THRESHOLD = 40_000
"""The ``cardinality`` aggregation's maximum: counts below it are near-exact."""


class Interval(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class Split(StrEnum):
    source = "source"
    country = "country"


SPLIT_FIELDS = {Split.source: DocField.source_id, Split.country: DocField.country}


class Point(BaseModel):
    period: str = Field(description="The period's first day (YYYY-MM-DD) in time_zone")
    articles: int
    stories: int = Field(description="Distinct stories (cluster_id) among the articles")
    all_articles: int = Field(description="Every article the filters select, without q")
    share: float | None = Field(description="articles ÷ all_articles; null when that is 0")


class Series(BaseModel):
    key: str | None = Field(description="The source id or country; null when not split")
    points: list[Point]


class TimelineResponse(BaseModel):
    interval: Interval
    time_zone: str
    split: Split | None
    stories_exact: bool = Field(
        description="true: stories counted exactly (composite aggregation); false: estimated "
                    "(cardinality, HyperLogLog++) because the result set was too large")
    series: list[Series]


def _histogram(interval: Interval, time_zone: str) -> dict[str, Any]:
    return {"field": DocField.published_at, "calendar_interval": interval.value,
            "time_zone": time_zone, "format": PERIOD_FORMAT}


def build_counts(filters: Filters, interval: Interval, time_zone: str,
                 split: Split | None) -> dict[str, Any]:
    """One request: per period (and split value) every article of the filters, the matching
    ones, and the estimated stories among those."""
    matching: dict[str, Any] = {
        "filter": {"bool": {"must": text_clauses(filters)}},
        "aggs": {"stories": {"cardinality": {
            "field": DocField.cluster_id, "precision_threshold": PRECISION_THRESHOLD}}},
    }
    per_period: dict[str, Any] = {"matching": matching}
    if split is not None:
        per_period = {"split": {
            "terms": {"field": SPLIT_FIELDS[split], "size": MAX_SPLIT_VALUES},
            "aggs": per_period,
        }}
    histogram = {**_histogram(interval, time_zone), "min_doc_count": 1}
    return {
        "size": 0, "track_total_hits": False,
        "query": selection(filters, time_zone, text=False),
        "aggs": {"periods": {"date_histogram": histogram, "aggs": per_period}},
    }


def build_stories(filters: Filters, interval: Interval, time_zone: str, split: Split | None,
                  after: dict[str, Any] | None) -> dict[str, Any]:
    """One page of distinct (period, [split value], cluster_id) of the matching articles."""
    sources: list[dict[str, Any]] = [
        {"period": {"date_histogram": _histogram(interval, time_zone)}}]
    if split is not None:
        sources.append({"key": {"terms": {"field": SPLIT_FIELDS[split]}}})
    sources.append({"story": {"terms": {"field": DocField.cluster_id}}})
    composite: dict[str, Any] = {"size": COMPOSITE_PAGE, "sources": sources}
    if after is not None:
        composite["after"] = after
    return {
        "size": 0, "track_total_hits": False, "query": selection(filters, time_zone),
        "aggs": {"stories": {"composite": composite}},
    }


Cell = tuple[str, str | None]
"""(period, split value or None)."""


def count_page(result: dict[str, Any], counts: Counter[Cell]) -> dict[str, Any] | None:
    """Add one composite page's stories to ``counts``; the next page's ``after``, or None."""
    agg = result["aggregations"]["stories"]
    for bucket in agg["buckets"]:
        counts[(bucket["key"]["period"], bucket["key"].get("key"))] += 1
    if len(agg["buckets"]) < COMPOSITE_PAGE:
        return None
    after: dict[str, Any] | None = agg.get("after_key")
    return after


def estimated_story_buckets(result: dict[str, Any], split: Split | None) -> int:
    """The composite buckets the exact count would page through, as estimated by request one."""
    return sum(int(cell["matching"]["stories"]["value"]) for _, _, cell in _cells(result, split))


def _cells(result: dict[str, Any], split: Split | None
           ) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(period, split value, the bucket holding its counts), in period order."""
    cells: list[tuple[str, str | None, dict[str, Any]]] = []
    for period in result["aggregations"]["periods"]["buckets"]:
        if split is None:
            cells.append((period["key_as_string"], None, period))
        else:
            cells += [(period["key_as_string"], str(b["key"]), b)
                      for b in period["split"]["buckets"]]
    return cells


def assemble(result: dict[str, Any], interval: Interval, time_zone: str, split: Split | None,
             exact: Counter[Cell] | None) -> TimelineResponse:
    """The answer from request one and, when counted, the exact stories per cell."""
    series: dict[str | None, list[Point]] = {}
    for period, key, cell in _cells(result, split):
        articles, everything = cell["matching"]["doc_count"], cell["doc_count"]
        stories = exact[(period, key)] if exact is not None else cell["matching"]["stories"][
            "value"]
        series.setdefault(key, []).append(Point(
            period=period, articles=articles, stories=stories, all_articles=everything,
            share=articles / everything if everything else None))
    return TimelineResponse(
        interval=interval, time_zone=time_zone, split=split, stories_exact=exact is not None,
        series=[Series(key=key, points=points) for key, points in sorted(
            series.items(), key=lambda item: item[0] or "")],
    )


CSV_COLUMNS = ("period", "key", "articles", "stories", "all_articles", "share")


def csv_rows(answer: TimelineResponse) -> list[list[object]]:
    """One row per point; ``key`` is empty when not split."""
    return [[p.period, s.key or "", p.articles, p.stories, p.all_articles,
             "" if p.share is None else f"{p.share:.6f}"]
            for s in answer.series for p in s.points]
