"""`ann status`: queue depth, documents per source, and what was dropped or failed, by reason."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from elasticsearch import Elasticsearch, NotFoundError
from redis import Redis
from rich.console import Console
from rich.table import Table

from ann import stack
from ann.settings import get_settings
from ann.sources import load_registry
from indexer.outcomes import failures_key, read_totals

app = typer.Typer()


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queue depth, documents per source, and what the indexer dropped or failed, by reason."""
    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    es = Elasticsearch(settings.es_url, request_timeout=10)
    try:
        result = es.search(index=settings.index_alias, size=0,
                           aggs={"s": {"terms": {"field": "source_id", "size": 200}}})
        docs = {b["key"]: b["doc_count"] for b in result["aggregations"]["s"]["buckets"]}
    except NotFoundError:
        docs = {}
    depth = stack.queue_depth(redis, settings.pages_queue)
    outcomes_by_source = {
        sid: read_totals(redis, settings.key_prefix, sid) for sid in load_registry().ids()
    }
    failures: list[bytes] = redis.lrange(failures_key(settings.key_prefix), 0, 9)  # type: ignore[assignment]
    if as_json:
        report = {"queue_depth": depth, "documents": docs, "outcomes": outcomes_by_source,
                  "recent_failures": [json.loads(x) for x in failures]}
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title=f"queue depth: {depth}")
    for column in ("source", "documents", "new", "updated", "unchanged", "dropped/failed"):
        table.add_column(column)
    for sid, outcomes in outcomes_by_source.items():
        bad = {k.removeprefix("indexer/"): v for k, v in outcomes.items()
               if k.startswith(("indexer/dropped", "indexer/failed"))}
        table.add_row(sid, str(docs.get(sid, 0)), str(outcomes.get("indexer/new", 0)),
                      str(outcomes.get("indexer/updated", 0)),
                      str(outcomes.get("indexer/unchanged", 0)),
                      ", ".join(f"{k}={v}" for k, v in sorted(bad.items())) or "-")
    Console().print(table)


