"""`ann status` and `ann resume`: what each source produced, what failed and why, what is paused.

Crawl figures come from the crawl state in Redis (every crawler process adds to it), index
figures from the indexer's outcome tallies and from Elasticsearch itself.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from elasticsearch import Elasticsearch, NotFoundError
from redis import Redis
from rich.console import Console
from rich.table import Table

from ann.document import DocField
from ann.keyspace import alert_dead_letters_key, dead_letters_key, failures_key
from ann.ledger import Ledger
from ann.ops import stack
from ann.settings import Settings, get_settings
from ann.sources import load_registry
from crawler.state import CrawlState
from indexer.dead_letters import TRIMMED
from indexer.mapping import UNCLUSTERED
from indexer.outcomes import read_totals

app = typer.Typer()

NOT_INDEXED = tuple(f"indexer/{name}" for name in ("stale", "dropped", "failed", "dead_lettered"))
"""Outcomes of the pages that were handed over and are not (this fetch of them) in the index."""
HINT_MISSED = "indexer/hint_missed/"
"""Pages on which a source hint found nothing or something implausible, per field: the generic
cascade answered (a template change shows here before the quality drops)."""


def _documents(settings: Settings) -> tuple[dict[str, int], int]:
    """Documents per source, and how many still wait for near-duplicate clustering."""
    es = Elasticsearch(settings.es_nodes, request_timeout=10)
    try:
        result = es.search(index=settings.index_alias, size=0, aggs={
            "s": {"terms": {"field": DocField.source_id, "size": 500}},
            "unclustered": {"filter": UNCLUSTERED},
        })
    except NotFoundError:
        return {}, 0
    finally:
        es.close()
    aggs = result["aggregations"]
    return ({b["key"]: b["doc_count"] for b in aggs["s"]["buckets"]},
            aggs["unclustered"]["doc_count"])


def _crawl(state: CrawlState, source_id: str) -> dict[str, Any]:
    stats = state.stats(source_id)
    errors = {k.removeprefix("errors/"): int(v) for k, v in stats.items()
              if k.startswith(("errors/", "articles/failed/"))}
    fetched = sum(int(v) for k, v in stats.items() if k.startswith("articles/fetched/"))
    last = stats.get("last_success")
    return {
        "fetched": fetched,
        "new": int(stats.get("articles/new", 0)),
        "changed": int(stats.get("articles/changed", 0)),
        "unchanged": int(stats.get("articles/unchanged", 0)),
        "not_modified": int(stats.get("articles/not_modified", 0))
        + int(stats.get("entry/not_modified", 0)),
        "errors": errors,
        "last_success": float(last) if last else None,
        "paused": state.paused(source_id),
    }


def _ago(epoch: float | None) -> str:
    if epoch is None:
        return "never"
    seconds = time.time() - epoch
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit} ago"
    return f"{seconds:.0f}s ago"


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Per source: what was crawled, what was indexed, what failed and why, what is paused."""
    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    state = CrawlState(redis, settings.key_prefix)
    ids = load_registry().ids()
    docs, unclustered = _documents(settings)
    crawl = {sid: _crawl(state, sid) for sid in ids}
    index = {sid: read_totals(redis, settings.key_prefix, sid) for sid in ids}
    failures: list[bytes] = redis.lrange(failures_key(settings.key_prefix), 0, 9)  # type: ignore[assignment]
    depth = stack.queue_depth(redis, settings.pages_queue)
    dead = {"waiting": int(redis.llen(dead_letters_key(settings.key_prefix))),
            "trimmed": read_totals(redis, settings.key_prefix).get(TRIMMED, 0),
            "webhooks": int(redis.llen(alert_dead_letters_key(settings.key_prefix)))}
    ledger = Ledger(redis, settings.key_prefix, settings.pages_queue).size()
    if as_json:
        report = {"queue_depth": depth, "documents": docs, "unclustered": unclustered,
                  "dead_letters": dead, "ledger": ledger, "crawl": crawl, "index": index,
                  "recent_failures": [json.loads(x) for x in failures]}
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title=f"indexer queue depth: {depth}; documents awaiting clustering: "
                        f"{unclustered}; dead letters: {dead['waiting']} "
                        f"(oldest trimmed: {dead['trimmed']}); saved-search webhook calls given "
                        f"up on: {dead['webhooks']} (ann dead-letters --alerts); batches "
                        f"not yet settled (ledger): {ledger['batches']}"
                        + (f", oldest sent {_ago(time.time() - oldest)}"
                           if (oldest := ledger["oldest_seconds"]) is not None else ""))
    for column in ("source", "docs", "fetched", "new", "changed", "304/same", "crawl errors",
                   "indexer stale/refused/dead-lettered", "hints missed", "last success"):
        table.add_column(column)
    for sid in ids:
        c, outcomes = crawl[sid], index[sid]
        bad = {k.removeprefix("indexer/"): v for k, v in outcomes.items()
               if k.startswith(NOT_INDEXED)}
        missed = {k.removeprefix(HINT_MISSED): v for k, v in outcomes.items()
                  if k.startswith(HINT_MISSED)}
        paused = c["paused"]
        last = f"PAUSED: {paused['reason']}" if paused else _ago(c["last_success"])
        table.add_row(
            sid, str(docs.get(sid, 0)), str(c["fetched"]), str(c["new"]), str(c["changed"]),
            f"{c['not_modified']}/{c['unchanged']}",
            ", ".join(f"{k}={v}" for k, v in sorted(c["errors"].items())) or "-",
            ", ".join(f"{k}={v}" for k, v in sorted(bad.items())) or "-",
            ", ".join(f"{k}={v}" for k, v in sorted(missed.items())) or "-", last,
        )
    Console().print(table)


@app.command()
def resume(source: Annotated[str, typer.Argument(help="Source id")]) -> None:
    """Lift the pause of a source that answered 403 or kept failing."""
    settings = get_settings()
    load_registry().get(source)
    state = CrawlState(Redis.from_url(settings.redis_url), settings.key_prefix)
    if state.resume(source):
        typer.echo(f"{source} resumed")
    else:
        typer.echo(f"{source} was not paused")
