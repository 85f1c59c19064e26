"""`ann up`, `ann down`, `ann demo`: the local stack and the README's one-command demo.

Mirror or live is decided here once, for the whole stack: by default `up` and `demo` start the
offline mirror and give every process they start (indexer workers, crawl worker, beat, API) and
their own crawl the mirror's settings (``ANN_MIRROR_URL``); with ``--live`` they start no mirror
and set nothing, so every crawl, scheduled or not, fetches the real sites.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import httpx
import typer
from redis import Redis

from ann.keyspace import crawl_lock_key
from ann.ops import stack
from ann.ops.cli.common import console
from ann.ops.cli.crawl import run_crawl
from ann.ops.cli.status import _crawl, _documents
from ann.ops.processes import ProcessManager
from ann.settings import Settings, get_settings
from ann.sources import load_registry
from crawler.state import CrawlState

app = typer.Typer()

LIVE_HELP = "Crawl the live sites: start no offline mirror and set no ANN_MIRROR_URL"


def _procs(settings: Settings) -> ProcessManager:
    return ProcessManager(settings.state_dir)


@contextmanager
def _launch(settings: Settings) -> Iterator[stack.Launch]:
    """A bring-up that, when anything in it fails or is interrupted (Ctrl-C, SIGTERM), stops
    what it started (processes and services that were not already running) and exits non-zero
    with the reason."""
    launch = stack.Launch(settings, _procs(settings))
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield launch
    except BaseException as error:
        if isinstance(error, typer.Exit) and error.exit_code == 0:
            raise
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the cleanup itself is not cut short
        code, reason = _STOPPED_BY.get(type(error), (1, f"{type(error).__name__}: {error}"))
        console.print(f"[red]failed: {reason}[/]")
        stopped = launch.undo()
        console.print(f"stopped what this run started: {', '.join(stopped) or 'nothing'}")
        raise typer.Exit(code) from error
    finally:
        signal.signal(signal.SIGTERM, previous)


class Terminated(BaseException):  # not swallowed by an `except Exception` on the way
    """SIGTERM (a `timeout`, a CI runner, `kill`): stop a bring-up as Ctrl-C does."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


_STOPPED_BY: dict[type[BaseException], tuple[int, str]] = {
    KeyboardInterrupt: (130, "interrupted"), Terminated: (143, "terminated"),
}
"""Exit code and reason of a bring-up stopped by a signal (128 + the signal's number)."""


def _bring_up(
    launch: stack.Launch, live: bool, workers: int, concurrency: int, schedule: bool
) -> Settings:
    """Start the stack; return the settings its processes run with (the mirror's in mirror
    mode)."""
    settings = launch.settings
    if live and settings.mirror_url is not None:
        raise typer.BadParameter(f"--live, but ANN_MIRROR_URL is set ({settings.mirror_url})")
    console.print("[bold]starting Redis and Elasticsearch[/]")
    launch.start_services()
    if live:
        console.print("live mode: crawls fetch the real sites")
    else:
        url = stack.start_mirror(launch)
        launch.env = stack.mirror_env(url)
        settings = settings.model_copy(update={"mirror_url": url, "politeness_scale": 0.0})
        exports = " ".join(f"{k}={v}" for k, v in launch.env.items())
        console.print(f"offline mirror at {url}: every process started here crawls it "
                      f"(for `ann crawl` in another shell: export {exports})")
    stack.start_workers(launch, workers, concurrency)
    if schedule:
        stack.start_scheduler(launch)
        console.print("schedule running: feeds polled adaptively, sitemaps and sections on cadence")
    api = stack.start_api(launch)
    console.print(f"search API at {api}  (OpenAPI: {api}/docs)")
    return settings


@app.command()
def up(
    live: Annotated[bool, typer.Option(help=LIVE_HELP)] = False,
    workers: Annotated[int, typer.Option(min=1, max=16)] = 1,
    concurrency: Annotated[int, typer.Option(min=1, max=16)] = 2,
    schedule: Annotated[bool, typer.Option(help="Run beat and a crawl worker")] = True,
) -> None:
    """Start Redis, Elasticsearch, the offline mirror (unless --live), workers, schedule, API."""
    with _launch(get_settings()) as launch:
        _bring_up(launch, live, workers, concurrency, schedule)


@app.command()
def down() -> None:
    """Stop everything `up` started."""
    settings = get_settings()
    stopped = stack.stop_processes(_procs(settings))
    services = stack.stop_services(settings)
    console.print(f"stopped: {', '.join(stopped + services) or 'nothing'}")


@app.command()
def demo(live: Annotated[bool, typer.Option(help=LIVE_HELP)] = False) -> None:
    """Bring the stack up, crawl every source, index it, and show one search; if any step
    fails, stop what was started."""
    started = time.monotonic()
    with _launch(get_settings()) as launch:
        settings = _bring_up(launch, live, workers=1, concurrency=2, schedule=True)
        ids = load_registry().ids()
        run_crawl(settings, ids, wait=False)
        _report_what_was_indexed(settings, ids)
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


def _report_what_was_indexed(settings: Settings, ids: list[str], timeout: float = 900) -> None:
    """Wait for every crawl job — the demo's own and the schedule's, which starts with the stack
    and may reach the pages first (a page is queued once, by whichever job claims it) — and for
    the indexer; then say what the index holds and what all those crawls fetched."""
    redis = Redis.from_url(settings.redis_url)
    locks = crawl_lock_key(settings.key_prefix, "*", ["*"])

    def busy() -> int:
        """Crawl jobs waiting or running, and page batches not yet indexed."""
        return (stack.queue_depth(redis, settings.crawl_queue)
                + sum(1 for _ in redis.scan_iter(locks))
                + stack.queue_depth(redis, settings.pages_queue))

    with console.status("waiting for the crawl jobs (this one's and the schedule's) "
                        "and the indexer"):
        deadline, quiet = time.monotonic() + timeout, 0
        while quiet < 3 and time.monotonic() < deadline:  # idle three polls in a row
            quiet = quiet + 1 if busy() == 0 else 0
            time.sleep(1)
    if quiet < 3:
        console.print(f"[yellow]crawls or indexing still running after {timeout:.0f} s; "
                      "see `ann status`[/]")
    documents, _ = _documents(settings)
    state = CrawlState(redis, settings.key_prefix)
    fetched = sum(_crawl(state, sid)["fetched"] for sid in ids)
    console.print(f"index {settings.index_alias}: {sum(documents.values())} documents from "
                  f"{len(documents)} of {len(ids)} sources; article pages fetched by every crawl "
                  f"so far (the schedule's jobs and this one): {fetched}")


def _query_word(title: str) -> str:
    words = [w.strip(".,:;!?\"'()") for w in title.split()]
    return max(words, key=len) if words else "asia"
