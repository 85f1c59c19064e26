"""The crawler's one entry point: crawl some sources' entry points and summarise what happened.

Both ways a crawl starts end here: ``ann crawl`` calls :func:`run` in its own process, and the
scheduled job (:mod:`crawler.tasks`) starts ``python -m crawler.run`` as a child process, since
Scrapy's reactor cannot be restarted inside a long-lived worker. Where pages are fetched from is
configuration only (:class:`ann.settings.Settings` from the environment: the offline mirror
when ``ANN_MIRROR_URL`` is set, the live sites otherwise), never an argument, so a crawl started
by the operator, by beat or by ``POST /admin/recrawl`` fetches from the same place.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached

from ann.settings import Settings, get_settings
from ann.sources import ALL_ENTRY_KINDS, ENTRY_KINDS, EntryKind, Registry, load_registry
from crawler.settings import scrapy_settings
from crawler.spiders.news import NewsSpider

Summary = dict[str, Any]
"""One source's run: the crawler's own counters (``queued_pages``, ...), ``requests`` per host,
``errors`` per exception type, ``responses`` per status, ``response_bytes`` and Scrapy's
``finish_reason``."""

REQUESTS_STAT = "ann/requests/"
_EXCEPTION_STAT = "downloader/exception_type_count/"
_STATUS_STAT = "downloader/response_status_count/"


class InvalidCrawl(ValueError):
    """A crawl asked for sources or entry kinds the registry does not know."""


@dataclass(frozen=True)
class CrawlRequest:
    """What to crawl, made by :meth:`of`, which checks it against the registry: only known
    source ids and entry kinds ever reach a child process's argv."""

    source_ids: tuple[str, ...]
    kinds: tuple[EntryKind, ...] = ENTRY_KINDS
    since: date | None = None

    def __post_init__(self) -> None:
        if not self.source_ids:
            raise InvalidCrawl("no source to crawl")
        if len(set(self.source_ids)) != len(self.source_ids):
            raise InvalidCrawl(f"a source is named twice in {list(self.source_ids)}")
        bad = [k for k in self.kinds if k not in ALL_ENTRY_KINDS]
        if bad or not self.kinds:
            raise InvalidCrawl(f"entry kinds must be among {', '.join(ALL_ENTRY_KINDS)}: {bad}")

    @classmethod
    def of(cls, source_ids: Sequence[str], kinds: Sequence[str] = ENTRY_KINDS,
           since: date | None = None, *, registry: Registry) -> CrawlRequest:
        """A request from untyped input (a task's JSON arguments, the command line) for sources
        of ``registry``; a source or kind named twice counts once."""
        known = set(registry.ids())
        unknown = [s for s in source_ids if s not in known]
        if unknown:
            raise InvalidCrawl(f"unknown source(s) {unknown}; known: {sorted(known)}")
        return cls(tuple(dict.fromkeys(source_ids)), tuple(dict.fromkeys(kinds)), since)  # type: ignore[arg-type]  # checked

    def argv(self) -> list[str]:
        """This request as the command line of a child process running this module."""
        args = [sys.executable, "-m", "crawler.run"]
        for kind in self.kinds:
            args += ["--entry", kind]
        if self.since is not None:
            args += ["--since", self.since.isoformat()]
        return [*args, "--", *self.source_ids]


def crawl(
    request: CrawlRequest, settings: Settings, registry: Registry
) -> dict[str, dict[str, Any]]:
    """Crawl the request's sources concurrently in one reactor; return each one's Scrapy stats.

    Raises KeyboardInterrupt after a Ctrl-C or SIGTERM stopped the crawl (gracefully, each
    spider closing with reason ``shutdown``), so that the caller stops too."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    early = _EarlyStop()
    for sig in handlers:
        signal.signal(sig, early)
    try:
        # the download handler paces hosts by their source's politeness: it reads this registry
        process = CrawlerProcess(settings={**scrapy_settings(settings), "ANN_REGISTRY": registry})
        crawlers, hooks = [], []  # Scrapy holds signal handlers weakly: the list keeps them
        for source_id in request.source_ids:
            crawler = process.create_crawler(NewsSpider)
            hooks += [_host_counter(crawler), early.stopper(crawler)]
            crawler.signals.connect(hooks[-2], signal=signals.request_reached_downloader)
            crawler.signals.connect(hooks[-1], signal=signals.engine_started)
            crawlers.append((source_id, crawler))
            process.crawl(crawler, source=registry.get(source_id), kinds=request.kinds,
                          since=request.since)
        process.start()  # installs Scrapy's own handlers once its reactor runs
    finally:  # Scrapy's stay installed after its reactor stopped: Ctrl-C would do nothing
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    stats = {sid: dict(c.stats.get_stats()) if c.stats else {} for sid, c in crawlers}
    if early.signalled or any(s.get("finish_reason") == "shutdown" for s in stats.values()):
        raise KeyboardInterrupt
    return stats


class _EarlyStop:
    """A Ctrl-C or SIGTERM that comes before Scrapy's reactor runs (creating two dozen crawlers
    takes seconds): Python's KeyboardInterrupt would be raised inside Twisted's callbacks, which
    turn it into one crawler's failure while the others crawl on. It is recorded instead, and
    each crawler's engine stops as soon as it starts."""

    def __init__(self) -> None:
        self.signalled = False

    def __call__(self, signum: int, frame: object) -> None:
        self.signalled = True

    def stopper(self, crawler: Crawler) -> Any:
        def stop() -> None:
            if self.signalled and crawler.engine is not None:
                deferred_from_coro(crawler.engine.stop_async())  # the engine checks, then ends

        return stop


def _host_counter(crawler: Crawler) -> Any:
    """Count requests per host name as they reach the downloader: the summary then says which
    hosts a run really addressed (the mirror handler rewrites the target only after this)."""

    def count(request: Request, spider: object) -> None:
        if crawler.stats is not None:
            crawler.stats.inc_value(f"{REQUESTS_STAT}{urlparse_cached(request).netloc}")

    return count


def summarize(stats: dict[str, Any]) -> Summary:
    """The run's own counters (``ann/...``), requests per host, errors per exception type,
    responses per status and the finish reason."""
    summary: Summary = {"requests": {}, "errors": {}, "responses": {}}
    for key, value in stats.items():
        if key.startswith(REQUESTS_STAT):
            summary["requests"][key.removeprefix(REQUESTS_STAT)] = value
        elif key.startswith("ann/"):
            summary[key.removeprefix("ann/")] = value
        elif key.startswith(_EXCEPTION_STAT):
            summary["errors"][key.rsplit(".", 1)[-1]] = value
        elif key.startswith(_STATUS_STAT):
            summary["responses"][key.removeprefix(_STATUS_STAT)] = value
        elif key == "downloader/response_bytes":
            summary["response_bytes"] = value
    summary["finish_reason"] = stats.get("finish_reason")
    return summary


def run(request: CrawlRequest, settings: Settings, registry: Registry) -> dict[str, Summary]:
    """Crawl and summarise per source: what ``ann crawl --json`` and the scheduled job report."""
    return {sid: summarize(stats) for sid, stats in crawl(request, settings, registry).items()}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m crawler.run [--entry KIND]... [--since DATE] -- SOURCE...``: crawl with the
    environment's settings and print the JSON summary per source as the last line of stdout."""
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=main.__doc__)
    parser.add_argument("--entry", action="append", choices=ALL_ENTRY_KINDS, dest="kinds")
    parser.add_argument("--since", type=date.fromisoformat)
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args(argv)
    registry = load_registry()
    try:
        request = CrawlRequest.of(args.sources, args.kinds or ENTRY_KINDS, args.since,
                                  registry=registry)
    except InvalidCrawl as error:
        parser.error(str(error))
    print(json.dumps(run(request, get_settings(), registry), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
