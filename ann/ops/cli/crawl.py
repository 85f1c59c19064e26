"""`ann crawl`: crawl sources now and hand their articles to the indexer.

The crawl runs in this process through the crawler's entry point (:func:`crawler.run.run`), the
same one the scheduled job runs in its child process, and fetches from wherever the settings
say: the live sites, or the offline mirror when ``ANN_MIRROR_URL`` is set (as ``ann up`` and
``ann demo`` set it for everything they start).
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from typing import Annotated

import httpx
import typer
from redis import Redis
from rich.progress import Progress

from ann.ops import stack
from ann.ops.cli.common import chosen_sources, console
from ann.settings import Settings, get_settings
from ann.sources import ALL_ENTRY_KINDS, ENTRY_KINDS, load_registry

app = typer.Typer()


@app.command()
def crawl(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source")] = False,
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
    """Crawl sources now and hand their articles to the indexer: the live sites, or the offline
    mirror when ANN_MIRROR_URL is set."""
    run_crawl(get_settings(), chosen_sources(sources, all_sources), entry,
              since.date() if since else None, as_json=as_json, wait=wait)


def run_crawl(
    settings: Settings,
    ids: list[str],
    entry: list[str] | None = None,
    since: date | None = None,
    *,
    as_json: bool = False,
    wait: bool = True,
) -> None:
    """Crawl ``ids`` with ``settings`` (``ann crawl`` and ``ann demo``), report, maybe wait."""
    from crawler.run import CrawlRequest, InvalidCrawl, run

    registry = load_registry()
    if entry and any(kind not in ALL_ENTRY_KINDS for kind in entry):
        raise typer.BadParameter(f"--entry must be among {', '.join(ALL_ENTRY_KINDS)}")
    try:
        request = CrawlRequest.of(ids, entry or ENTRY_KINDS, since, registry=registry)
    except InvalidCrawl as error:
        raise typer.BadParameter(str(error)) from None
    if settings.mirror_url is not None:
        _require_mirror(settings.mirror_url)
    started = time.monotonic()
    summary = run(request, settings, registry)  # KeyboardInterrupt when Ctrl-C stopped the crawl
    queued = sum(int(s.get("queued_pages", 0)) for s in summary.values())
    if as_json:
        typer.echo(json.dumps(summary, sort_keys=True))
    where = f"the offline mirror at {settings.mirror_url}" if settings.mirror_url else "live"
    console.print(f"crawled {len(ids)} source(s) ({where}): {queued} article pages queued "
                  f"in {time.monotonic() - started:.1f} s")
    if wait:
        _wait_for_indexer(settings)


def _require_mirror(url: str) -> None:
    try:
        httpx.get(f"{url}/__mirror__/stats", timeout=2).raise_for_status()
    except httpx.HTTPError:
        raise typer.BadParameter(
            f"ANN_MIRROR_URL is {url} but no offline mirror answers there: start it with "
            "`ann up`, or unset ANN_MIRROR_URL to crawl the live sites"
        ) from None


def _wait_for_indexer(settings: Settings, timeout: float = 600) -> None:
    redis = Redis.from_url(settings.redis_url)
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("indexing", total=None)

        def show(depth: int) -> None:
            progress.update(bar, description=f"indexing: {depth} batch(es) not yet indexed")

        drained = stack.wait_drained(redis, settings.key_prefix, settings.pages_queue, timeout,
                                     show)
    if not drained:
        console.print("[yellow]the indexer has not drained yet; see `ann status`[/]")
