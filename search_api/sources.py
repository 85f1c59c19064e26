"""Per-source status for ``GET /sources``: the registry joined with what the index holds.

One aggregation request answers for every source at once (document count, newest ``published_at``,
newest ``indexed_at``). Health is read from ``indexed_at``, the time the indexer last wrote one of
the source's documents: an unchanged recrawl writes nothing, so a source whose newest write is
old has produced nothing new for that long — its feeds moved, its markup changed, or it is
blocked — whatever its articles' own dates say.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ann.document import DocField
from ann.sources import Registry
from search_api.models import SourceHealth, SourceStatus


def build_sources_query(source_ids: list[str]) -> dict[str, Any]:
    """Counts and newest dates of exactly the registry's sources, in one request."""
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "sources": {
                "terms": {
                    "field": DocField.source_id, "include": source_ids,
                    "size": max(len(source_ids), 1),
                },
                "aggs": {
                    "newest_published": {"max": {"field": DocField.published_at}},
                    "newest_indexed": {"max": {"field": DocField.indexed_at}},
                },
            }
        },
    }


def _instant(aggregation: dict[str, Any]) -> datetime | None:
    millis = aggregation.get("value")
    return None if millis is None else datetime.fromtimestamp(millis / 1000, tz=UTC)


def health(
    documents: int, newest_indexed: datetime | None, now: datetime, stale_after: timedelta
) -> SourceHealth:
    if documents == 0:
        return "empty"
    if newest_indexed is None or now - newest_indexed > stale_after:
        return "stale"
    return "ok"


def source_statuses(
    registry: Registry,
    aggregations: dict[str, Any] | None,
    now: datetime,
    stale_after: timedelta,
) -> list[SourceStatus]:
    """Every registry source, in id order; ``aggregations`` is None when there is no index yet."""
    buckets = {b["key"]: b for b in (aggregations or {}).get("sources", {}).get("buckets", [])}
    statuses = []
    for source_id in registry.ids():
        source = registry.get(source_id)
        bucket = buckets.get(source_id)
        documents = bucket["doc_count"] if bucket else 0
        newest_indexed = _instant(bucket["newest_indexed"]) if bucket else None
        statuses.append(SourceStatus(
            id=source.id, name=source.name, country=source.country,
            languages=list(source.languages), domains=list(source.domains), hub=source.hub,
            documents=documents,
            newest_published_at=_instant(bucket["newest_published"]) if bucket else None,
            newest_indexed_at=newest_indexed,
            health=health(documents, newest_indexed, now, stale_after),
        ))
    return statuses
