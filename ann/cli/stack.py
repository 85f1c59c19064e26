"""`ann up`, `ann down`, `ann demo`: the local stack and the README's one-command demo."""

from __future__ import annotations

import json
import time
from typing import Annotated

import httpx
import typer

from ann import stack
from ann.cli.common import console
from ann.cli.crawl import crawl
from ann.processes import ProcessManager
from ann.settings import Settings, get_settings

app = typer.Typer()


def _procs(settings: Settings) -> ProcessManager:
    return ProcessManager(settings.state_dir)


@app.command()
def up(
    live: Annotated[bool, typer.Option(help="Crawl the live sites instead of the mirror")] = False,
    workers: Annotated[int, typer.Option(min=1, max=16)] = 1,
    concurrency: Annotated[int, typer.Option(min=1, max=16)] = 2,
    schedule: Annotated[bool, typer.Option(help="Run beat and a crawl worker")] = True,
) -> None:
    """Start Redis, Elasticsearch, the offline mirror (unless --live), workers, schedule, API."""
    settings = get_settings()
    procs = _procs(settings)
    console.print("[bold]starting Redis and Elasticsearch[/]")
    stack.start_services(settings)
    mirror = None
    if not live:
        mirror = stack.start_mirror(settings, procs)
        console.print(f"offline mirror at {mirror}")
    stack.start_workers(procs, settings, workers, concurrency)
    if schedule:
        stack.start_scheduler(procs, settings, mirror)
        console.print("schedule running: feeds polled adaptively, sitemaps and sections on cadence")
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
def demo(
    live: Annotated[bool, typer.Option(help="Crawl the live sites instead of the mirror")] = False,
) -> None:
    """Bring the stack up, crawl every source, index it, and show one search."""
    started = time.monotonic()
    up(live=live, workers=1, concurrency=2, schedule=True)
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
