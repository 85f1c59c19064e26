"""`ann crawl`: crawl sources now and hand their articles to the indexer."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Annotated

import httpx
import typer
from redis import Redis
from rich.progress import Progress

from ann import stack
from ann.cli.common import chosen_sources, console
from ann.settings import Settings, get_settings
from ann.sources import ALL_ENTRY_KINDS, ENTRY_KINDS, EntryKind

app = typer.Typer()


@app.command()
def crawl(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source")] = False,
    live: Annotated[bool, typer.Option(help="Fetch the live sites, not the mirror")] = False,
    wait: Annotated[bool, typer.Option(help="Wait until the indexer has drained")] = True,
    entry: Annotated[
        list[str] | None,
        typer.Option(help="What to read: feeds, sitemaps, sections (default: all three), recheck"),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Backfill: archive sitemaps back to this date"),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary per source on stdout")
    ] = False,
) -> None:
    """Crawl sources now and hand their articles to the indexer."""
    from crawler.run import crawl as run_crawl

    kinds: list[EntryKind] = [k for k in ALL_ENTRY_KINDS if k in (entry or ENTRY_KINDS)]
    if entry and len(kinds) != len(set(entry)):
        raise typer.BadParameter(f"--entry must be among {', '.join(ALL_ENTRY_KINDS)}")

    settings = get_settings()
    ids = chosen_sources(sources, all_sources)
    if not live and settings.mirror_url is None:
        settings = settings.model_copy(
            update={"mirror_url": stack.mirror_url(settings), "politeness_scale": 0.0}
        )
        _require_mirror(settings.mirror_url or "")
    started = time.monotonic()
    stats = run_crawl(ids, settings, kinds, since.date() if since else None)
    queued = sum(int(s.get("ann/queued_pages", 0)) for s in stats.values())
    if as_json:
        summary = {sid: _summary(s) for sid, s in stats.items()}
        typer.echo(json.dumps(summary, sort_keys=True))
    console.print(f"crawled {len(ids)} source(s): {queued} article pages queued "
                  f"in {time.monotonic() - started:.1f} s")
    if wait:
        _wait_for_indexer(settings)


def _summary(stats: dict[str, object]) -> dict[str, object]:
    """The run's own counters (``ann/...``), the finish reason and the response statuses."""
    summary: dict[str, object] = {
        key.removeprefix("ann/"): value for key, value in stats.items() if key.startswith("ann/")
    }
    summary["finish_reason"] = stats.get("finish_reason")
    summary["responses"] = {
        key.rsplit("/", 1)[1]: value for key, value in stats.items()
        if key.startswith("downloader/response_status_count/")
    }
    return summary


def _require_mirror(url: str) -> None:
    try:
        httpx.get(f"{url}/__mirror__/stats", timeout=2).raise_for_status()
    except httpx.HTTPError:
        raise typer.BadParameter(
            f"the offline mirror does not answer at {url}: run `ann up` first, or pass --live"
        ) from None


def _wait_for_indexer(settings: Settings, timeout: float = 600) -> None:
    redis = Redis.from_url(settings.redis_url)
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("indexing", total=None)

        def show(depth: int) -> None:
            progress.update(bar, description=f"indexing: {depth} batch(es) in the queue")

        drained = stack.wait_drained(redis, settings.pages_queue, timeout, show)
    if not drained:
        console.print("[yellow]the indexer has not drained yet; see `ann status`[/]")
