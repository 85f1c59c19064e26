"""``ann``: the operators' command line — bring the stack up, crawl, see status, tear down."""

from __future__ import annotations

import json
import time
from typing import Annotated

import httpx
import typer
from elasticsearch import Elasticsearch, NotFoundError
from redis import Redis
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ann import stack
from ann.processes import ProcessManager
from ann.settings import Settings, get_settings
from ann.sources import load_registry
from indexer.outcomes import FAILURES_KEY, read_totals

app = typer.Typer(help="Crawl the Asia News Network papers, index them, serve search.",
                  no_args_is_help=True)
console = Console(stderr=True)


def _procs(settings: Settings) -> ProcessManager:
    return ProcessManager(settings.state_dir)


@app.command()
def up(
    live: Annotated[bool, typer.Option(help="Crawl the live sites instead of the mirror")] = False,
    workers: Annotated[int, typer.Option(min=1, max=16)] = 1,
    concurrency: Annotated[int, typer.Option(min=1, max=16)] = 2,
) -> None:
    """Start Redis, Elasticsearch, the offline mirror (unless --live), workers and the API."""
    settings = get_settings()
    procs = _procs(settings)
    console.print("[bold]starting Redis and Elasticsearch[/]")
    stack.start_services(settings)
    if not live:
        url = stack.start_mirror(settings, procs)
        console.print(f"offline mirror at {url}")
    stack.start_workers(procs, settings, workers, concurrency)
    api = stack.start_api(procs, settings)
    console.print(f"search API at {api}  (OpenAPI: {api}/docs)")


@app.command()
def down() -> None:
    """Stop everything `up` started."""
    settings = get_settings()
    stopped = stack.stop_processes(_procs(settings))
    stack.stop_services(settings)
    console.print(f"stopped: {', '.join(stopped) or 'no processes'}; services stopped")


@app.command()
def crawl(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source")] = False,
    live: Annotated[bool, typer.Option(help="Fetch the live sites, not the mirror")] = False,
    wait: Annotated[bool, typer.Option(help="Wait until the indexer has drained")] = True,
) -> None:
    """Crawl sources now and hand their articles to the indexer."""
    from crawler.run import crawl as run_crawl

    settings = get_settings()
    registry = load_registry()
    ids = registry.ids() if all_sources else list(sources or [])
    if not ids:
        raise typer.BadParameter("name one or more sources, or pass --all")
    unknown = [s for s in ids if s not in registry.ids()]
    if unknown:
        raise typer.BadParameter(f"unknown source(s) {unknown}; known: {registry.ids()}")
    if not live and settings.mirror_url is None:
        settings = settings.model_copy(
            update={"mirror_url": stack.mirror_url(settings), "politeness_scale": 0.0}
        )
        _require_mirror(settings.mirror_url or "")
    started = time.monotonic()
    stats = run_crawl(ids, settings)
    queued = sum(int(s.get("ann/queued_pages", 0)) for s in stats.values())
    console.print(f"crawled {len(ids)} source(s): {queued} article pages queued "
                  f"in {time.monotonic() - started:.1f} s")
    if wait:
        _wait_for_indexer(settings, queued)


def _require_mirror(url: str) -> None:
    try:
        httpx.get(f"{url}/__mirror__/stats", timeout=2).raise_for_status()
    except httpx.HTTPError:
        raise typer.BadParameter(
            f"the offline mirror does not answer at {url}: run `ann up` first, or pass --live"
        ) from None


def _wait_for_indexer(settings: Settings, queued: int, timeout: float = 600) -> None:
    redis = Redis.from_url(settings.redis_url)
    deadline = time.monotonic() + timeout
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("indexing", total=None)
        while time.monotonic() < deadline:
            depth = stack.queue_depth(redis, settings.pages_queue)
            progress.update(bar, description=f"indexing: {depth} batch(es) in the queue")
            if depth == 0:
                break
            time.sleep(0.5)
        else:
            console.print("[yellow]the indexer has not drained yet; see `ann status`[/]")


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
    outcomes_by_source = {sid: read_totals(redis, sid) for sid in load_registry().ids()}
    failures: list[bytes] = redis.lrange(FAILURES_KEY, 0, 9)  # type: ignore[assignment]
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


@app.command()
def demo(
    live: Annotated[bool, typer.Option(help="Crawl the live sites instead of the mirror")] = False,
) -> None:
    """Bring the stack up, crawl every source, index it, and show one search."""
    started = time.monotonic()
    up(live=live, workers=1, concurrency=2)
    crawl(sources=None, all_sources=True, live=live, wait=True)
    settings = get_settings()
    api = f"http://{settings.api_host}:{settings.api_port}"
    sample = httpx.get(f"{api}/search", params={"size": 1, "sort": "newest"}).json()
    word = _query_word(sample["hits"][0]["title"]) if sample["hits"] else "asia"
    url = f"{api}/search?q={word}&size=3"
    answer = httpx.get(url).json()
    typer.echo(f"\nExample query:  curl '{url}'")
    typer.echo(json.dumps({"total": answer["total"],
                           "titles": [h["title"] for h in answer["hits"]],
                           "facets": {k: v[:5] for k, v in answer["facets"].items()}},
                          indent=2, ensure_ascii=False))
    console.print(f"ready in {time.monotonic() - started:.0f} s; stop with `ann down`")


def _query_word(title: str) -> str:
    words = [w.strip(".,:;!?\"'()") for w in title.split()]
    return max(words, key=len) if words else "asia"
