"""Crawl benchmarks P1, P6 and P7, side by side in one run on one offline mirror.

* **P1** — pages/s of the project crawler (``python -m ann crawl --all --no-wait``: shared
  politeness gate, Redis frontier and seen-set, robots cache, queue hand-off) ÷ pages/s of a bare
  Scrapy spider (:class:`BareNewsSpider`, a ``SitemapSpider`` that also reads the registry's feeds
  and section pages) on the same mirror, with the same concurrency, one subprocess each with all
  sources in one ``CrawlerProcess``. Three interleaved rounds, medians. Target ≥ 0.8.
* **P6** — seconds from an item appearing in a mirror feed to being searchable in
  Elasticsearch, with the *default* schedule (Celery beat + crawl worker + indexer worker, all
  real processes). Target < 30 s.
* **P7** — bytes the mirror sends for a recrawl of the unchanged mirror ÷ bytes of the first
  crawl (same key prefix, real indexer), and documents the recrawl rewrote in Elasticsearch.
  Targets ≤ 0.05 and 0.

Redis and Elasticsearch come from the local stack (``ann.ops.stack.start_services``) and are stopped
afterwards only if this run started them. Everything else the run makes (mirror trees, processes,
Redis keys under its own prefixes in its own database, Celery queues, indices) is removed.
The last line printed is one JSON object:
``{"P1": ..., "P6_seconds": ..., "P7_bytes_ratio": ..., "P7_rewritten": ...}``.

    .venv/bin/python bench/crawl.py [--per-site 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ann.keyspace import crawl_lock_key, feeds_due_key, feeds_interval_key

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PYTHON = sys.executable
BENCH_REDIS_DB = 12
"""A Redis database of the bench's own, so that nothing it leaves behind meets anyone's keys."""
TARGETS = {"P1": 0.8, "P6_seconds": 30.0, "P7_bytes_ratio": 0.05, "P7_rewritten": 0}

# ---------------------------------------------------------------------------------------------
# The baseline: a bare Scrapy spider, run with `bench/crawl.py --baseline-child PLAN MIRROR`.
# It imports Scrapy and feedparser only; what to read comes from a JSON plan written by the
# parent from the registry, so the child loads no project code.
# ---------------------------------------------------------------------------------------------


def _baseline_spider_class() -> type[Any]:
    """The bare spider, built on demand so that the parent never imports Scrapy's spiders."""
    import feedparser
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.spiders import SitemapSpider

    class BareNewsSpider(SitemapSpider):
        """Plain Scrapy: the registry's sitemaps through ``SitemapSpider``, its feeds through
        feedparser, its section pages through the same CSS selector, Scrapy's own dupefilter,
        no shared state of any kind. Counts the article responses it parses."""

        def __init__(self, plan: dict[str, Any], **kwargs: Any) -> None:
            self.sitemap_urls = list(plan["sitemaps"])
            self.sitemap_rules = [(pattern, "parse_article") for pattern in plan["allow"]]
            self._allow = [re.compile(p) for p in plan["allow"]]
            self._deny = [re.compile(p) for p in plan["deny"]]
            self._feeds: list[str] = list(plan["feeds"])
            self._sections: list[dict[str, str]] = list(plan["sections"])
            super().__init__(name=f"bare:{plan['id']}", **kwargs)

        async def start(self) -> AsyncIterator[Any]:
            async for request in super().start():
                yield request
            for url in self._feeds:
                yield Request(url, callback=self.parse_feed)
            for section in self._sections:
                yield Request(section["url"], callback=self.parse_section,
                              cb_kwargs={"links": section["links"]})

        def _is_article(self, url: str) -> bool:
            return any(p.search(url) for p in self._allow) and not any(
                p.search(url) for p in self._deny)

        def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            # Deny patterns are about articles: a sitemap index's children (WordPress's
            # /wp-sitemap-posts-post-1.xml under a '/wp-' deny) are followed as they are.
            if getattr(entries, "type", None) == "sitemapindex":
                yield from entries
                return
            for entry in entries:
                if not any(p.search(entry.get("loc", "")) for p in self._deny):
                    yield entry

        def parse_feed(self, response: Response) -> Iterator[Any]:
            for entry in feedparser.parse(response.body).entries:
                link = entry.get("link")
                if link and self._is_article(link.strip()):
                    yield Request(link.strip(), callback=self.parse_article)

        def parse_section(self, response: Response, links: str) -> Iterator[Any]:
            for href in response.css(links).css("::attr(href)").getall():
                url = response.urljoin(href.strip())
                if self._is_article(url):
                    yield Request(url, callback=self.parse_article)

        def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("bench/articles")
            yield {"url": response.url, "title": response.css("title::text").get()}

    return BareNewsSpider


def run_baseline_child(plan_file: Path, mirror_url: str) -> None:
    """Crawl every source of the plan in one CrawlerProcess; print ``{"pages": n}``."""
    from _mirror_handler import MIRROR_SETTING, BareMirrorDownloadHandler
    from scrapy.crawler import Crawler, CrawlerProcess

    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    handler = f"{BareMirrorDownloadHandler.__module__}.{BareMirrorDownloadHandler.__name__}"
    process = CrawlerProcess(settings={
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "INFO",  # as the project crawler logs
        "CONCURRENT_REQUESTS": plan["concurrency"]["CONCURRENT_REQUESTS"],
        "CONCURRENT_REQUESTS_PER_DOMAIN": plan["concurrency"]["CONCURRENT_REQUESTS_PER_DOMAIN"],
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        MIRROR_SETTING: mirror_url,
    })
    spider = _baseline_spider_class()
    crawlers: list[Crawler] = []
    for source in plan["sources"]:
        crawler = process.create_crawler(spider)
        crawlers.append(crawler)
        process.crawl(crawler, plan=source)
    process.start()
    pages = 0
    for crawler in crawlers:
        if crawler.stats is not None:
            pages += int(crawler.stats.get_value("bench/articles", 0) or 0)
    print(json.dumps({"pages": pages}))


# ---------------------------------------------------------------------------------------------
# The parent: services, mirror, runs, table.
# ---------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench/crawl {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def wait_until(check: Callable[[], bool], what: str, timeout: float, every: float = 0.5) -> float:
    """Seconds until ``check()`` held; TimeoutError naming ``what`` after ``timeout``."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)


@dataclass
class Run:
    """One crawl's outcome: pages and wall seconds of its process."""

    pages: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


@dataclass
class Results:
    """Everything the table and the JSON line are computed from."""

    project: list[Run] = field(default_factory=list)
    baseline: list[Run] = field(default_factory=list)
    p6: list[float] = field(default_factory=list)
    p6_missing: int = 0
    p6_notes: dict[str, Any] = field(default_factory=dict)
    first_bytes: int = 0
    recrawl_bytes: int = 0
    first_requests: int = 0
    recrawl_requests: int = 0
    recrawl_statuses: dict[str, int] = field(default_factory=dict)
    first_docs_written: int = 0
    rewritten: int | None = None


class Bench:
    """Owns every resource the run makes, so that :meth:`cleanup` can remove all of them."""

    def __init__(self, per_site: int, rounds: int, p6_per_site: int, workdir: Path) -> None:
        from elasticsearch import Elasticsearch
        from redis import Redis

        from ann.settings import Settings

        self.per_site = per_site
        self.rounds = rounds
        self.p6_per_site = p6_per_site
        self.workdir = workdir
        base = Settings()
        self.base = base
        self.redis_url = base.redis_url.rsplit("/", 1)[0] + f"/{BENCH_REDIS_DB}"
        self.redis = Redis.from_url(self.redis_url)
        self.es = Elasticsearch(base.es_url, request_timeout=30)
        self.shared_dir = base.shared_dir
        self.tag = uuid.uuid4().hex[:6]
        self.prefixes: list[str] = []
        self.queues: list[str] = []
        self.aliases: list[str] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.servers: list[Any] = []
        self._preexisting = {k for k in self._shared_celery_keys() if self.redis.exists(k)}
        self.results = Results()

    # -- resources ------------------------------------------------------------------------------
    def fresh(self, kind: str) -> dict[str, str]:
        """A new key prefix, pages queue, crawl queue and index alias, all registered for
        cleanup; returned as the environment a subprocess needs to use them."""
        name = f"bench-crawl-{self.tag}-{kind}"
        self.prefixes.append(name)
        self.queues += [f"{name}-pages", f"{name}-crawl"]
        self.aliases.append(f"{name}-articles")
        return {"ANN_KEY_PREFIX": name, "ANN_PAGES_QUEUE": f"{name}-pages",
                "ANN_CRAWL_QUEUE": f"{name}-crawl", "ANN_INDEX_ALIAS": f"{name}-articles"}

    def env(self, names: dict[str, str], mirror_url: str | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "ANN_SCHEDULE_TICK_SECONDS"}
        # The WARC archive stays as configured (on by default), but is written to the work dir.
        warc = str(self.workdir / "warc") if self.base.warc_dir is not None else ""
        env.update({
            "ES_URL": self.base.es_url, "REDIS_URL": self.redis_url,
            "ANN_SHARED_DIR": str(self.shared_dir), "ANN_STATE_DIR": str(self.workdir / "state"),
            "ANN_WARC_DIR": warc, "PYTHONUNBUFFERED": "1", **names,
        })
        if mirror_url:
            env.update({"ANN_MIRROR_URL": mirror_url, "ANN_POLITENESS_SCALE": "0"})
        return env

    def spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """A long-running child (worker, beat) in its own process group, logging to a file."""
        with (self.workdir / f"{name}.log").open("wb") as out:
            process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True, cwd=REPO_ROOT)
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
        """SIGTERM (Celery's warm shutdown), then SIGKILL to the child's own process group."""
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        with suppress(ProcessLookupError):  # leftovers of the group (a crawl a task started)
            os.killpg(process.pid, signal.SIGKILL)
        if process in self.processes:
            self.processes.remove(process)

    def mirror(self, name: str, per_site: int) -> tuple[Path, Any]:
        from ann.sources import load_registry
        from mirror.generate import generate
        from mirror.server import MirrorServer

        root = self.workdir / name
        generate(root, load_registry(), per_site=per_site)
        server = MirrorServer(root)
        server.start()
        self.servers.append(server)
        return root, server

    def _shared_celery_keys(self) -> list[str]:
        """Keys kombu shares between all queues of a database: removed at the end only when
        they did not exist before the run."""
        return ["_kombu.binding_deadlines",
                "_kombu.binding.celery.pidbox", "_kombu.binding.reply.celery.pidbox",
                "_kombu.binding.celeryev"]

    def drop_keys(self, prefix: str) -> None:
        for key in self.redis.scan_iter(match=f"{prefix}*", count=1000):
            self.redis.delete(key)

    def cleanup(self) -> None:
        from ann.celery_defaults import in_flight_keys
        from indexer.mapping import index_name

        for process in list(self.processes):
            self.stop(process)
        for server in self.servers:
            with suppress(Exception):
                server.stop()
        for prefix in self.prefixes:
            self.drop_keys(prefix)
        for queue in self.queues:
            self.redis.delete(queue, f"_kombu.binding.{queue}",
                              f"_kombu.binding_permanent.{queue}",
                              *in_flight_keys(queue).values())
            for key in self.redis.scan_iter(match=f"{queue}\x06\x16*", count=100):
                self.redis.delete(key)  # Celery's priority sub-queues, if any
        for key in self._shared_celery_keys():
            if key not in self._preexisting:
                self.redis.delete(key)
        for alias in self.aliases:
            self.es.indices.delete(index=index_name(alias), ignore_unavailable=True)
        self.redis.close()
        self.es.close()

    # -- P1 -----------------------------------------------------------------------------------
    def write_plan(self) -> Path:
        """The registry's entry points and article patterns, and the project's concurrency, as
        JSON for the baseline child."""
        from ann.settings import Settings
        from ann.sources import load_registry
        from crawler.settings import scrapy_settings

        registry = load_registry()
        project = scrapy_settings(Settings(mirror_url="http://127.0.0.1:1"))
        plan = {
            "concurrency": {k: project[k] for k in (
                "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN")},
            "sources": [{
                "id": s.id, "sitemaps": list(s.entry_points.sitemaps),
                "feeds": list(s.entry_points.feeds),
                "sections": [{"url": c.url, "links": c.links} for c in s.entry_points.sections],
                "allow": list(s.article_urls.allow), "deny": list(s.article_urls.deny),
            } for s in registry],
        }
        path = self.workdir / "baseline-plan.json"
        path.write_text(json.dumps(plan), encoding="utf-8")
        return path

    def run_project(self, mirror_url: str) -> Run:
        names = self.fresh(f"p1-{len(self.results.project)}")
        started = time.monotonic()
        result = subprocess.run(
            [PYTHON, "-m", "ann", "crawl", "--all", "--no-wait", "--json"],
            env=self.env(names, mirror_url), capture_output=True, text=True, timeout=180,
            check=False, cwd=REPO_ROOT)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise RuntimeError(f"project crawl failed: {result.stderr[-3000:]}")
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        pages = sum(int(s.get("queued_pages", 0)) for s in summary.values())
        (self.workdir / f"project-{len(self.results.project)}.log").write_text(result.stderr)
        self.drop_keys(names["ANN_KEY_PREFIX"])
        queue = names["ANN_PAGES_QUEUE"]
        self.redis.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        return Run(pages, seconds)

    def run_baseline(self, plan: Path, mirror_url: str) -> Run:
        started = time.monotonic()
        result = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), "--baseline-child", str(plan), mirror_url],
            capture_output=True, text=True, timeout=180, check=False, cwd=REPO_ROOT,
            env={k: v for k, v in os.environ.items() if not k.startswith("ANN_")})
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise RuntimeError(f"baseline crawl failed: {result.stderr[-3000:]}")
        (self.workdir / f"baseline-{len(self.results.baseline)}.log").write_text(result.stderr)
        return Run(int(json.loads(result.stdout.strip().splitlines()[-1])["pages"]), seconds)

    def p1(self, mirror_url: str) -> None:
        plan = self.write_plan()
        for n in range(self.rounds):
            # Alternate who goes first, so that neither always runs on a warmer machine.
            order = ("project", "baseline") if n % 2 == 0 else ("baseline", "project")
            for who in order:
                if who == "project":
                    run = self.run_project(mirror_url)
                    self.results.project.append(run)
                else:
                    run = self.run_baseline(plan, mirror_url)
                    self.results.baseline.append(run)
                log(f"P1 round {n + 1} {who:8}: {run.pages} pages in {run.seconds:.2f} s "
                    f"= {run.rate:.1f} pages/s")

    # -- P7 -----------------------------------------------------------------------------------
    def index_total(self, alias: str) -> int:
        from indexer.mapping import index_name

        stats = self.es.indices.stats(index=index_name(alias), metric="indexing")
        return int(stats["_all"]["primaries"]["indexing"]["index_total"])

    def drained(self, queue: str) -> bool:
        from ann.ops.stack import queue_depth

        return queue_depth(self.redis, queue) == 0

    def crawl_once(self, names: dict[str, str], mirror_url: str) -> int:
        result = subprocess.run(
            [PYTHON, "-m", "ann", "crawl", "--all", "--no-wait", "--json"],
            env=self.env(names, mirror_url), capture_output=True, text=True, timeout=180,
            check=False, cwd=REPO_ROOT)
        if result.returncode != 0:
            raise RuntimeError(f"crawl failed: {result.stderr[-3000:]}")
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        return sum(int(s.get("queued_pages", 0)) for s in summary.values())

    def settled_bytes(self, server: Any) -> int:
        """The server's byte count once it has stopped moving (a handler thread may still be
        adding the last answer's bytes when the crawl process exits)."""
        last = -1
        while (now := int(server.bytes_sent())) != last:
            last = now
            time.sleep(0.2)
        return last

    def p7(self, server: Any) -> None:
        names = self.fresh("p7")
        env = self.env(names, server.url)
        worker = self.spawn("p7-indexer", [
            PYTHON, "-m", "celery", "-A", "indexer.celery_app", "worker", "--loglevel=INFO",
            "--concurrency=2", "-Q", names["ANN_PAGES_QUEUE"], "-n",
            f"{names['ANN_KEY_PREFIX']}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat"], env)
        alias, queue = names["ANN_INDEX_ALIAS"], names["ANN_PAGES_QUEUE"]
        requests: list[int] = []
        totals: list[int] = []
        for n in range(2):
            server.reset_stats()
            queued = self.crawl_once(names, server.url)
            sent = self.settled_bytes(server)
            log_entries: list[dict[str, Any]] = server.stats()["log"]
            requests.append(len(log_entries))
            if n == 1:
                statuses: dict[str, int] = {}
                for entry in log_entries:
                    statuses[str(entry["status"])] = statuses.get(str(entry["status"]), 0) + 1
                self.results.recrawl_statuses = statuses
            wait_until(lambda: self.drained(queue), f"indexer draining {queue}", 240)
            self.es.indices.refresh(index=alias)
            totals.append(self.index_total(alias))
            if n == 0:
                self.results.first_bytes = sent
            else:
                self.results.recrawl_bytes = sent
            log(f"P7 crawl {n + 1}: {queued} pages queued, {len(log_entries)} requests, "
                f"{sent} bytes sent by the mirror, index_total {totals[-1]}")
        self.results.first_requests, self.results.recrawl_requests = requests
        self.results.first_docs_written = totals[0]
        self.results.rewritten = totals[1] - totals[0]
        self.stop(worker)

    # -- P6 -----------------------------------------------------------------------------------
    def p6(self) -> None:
        from ann.sources import load_registry
        from ann.urls import document_id
        from crawler.discovery import feed_entries
        from mirror.generate import generate
        from mirror.layout import BODY, resource_dir

        registry = load_registry()
        root, server = self.mirror("mirror-p6", self.p6_per_site)
        names = self.fresh("p6")
        env = self.env(names, server.url)
        prefix, pages, crawl_q = (names["ANN_KEY_PREFIX"], names["ANN_PAGES_QUEUE"],
                                  names["ANN_CRAWL_QUEUE"])
        common = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.spawn("p6-indexer", [
            PYTHON, "-m", "celery", "-A", "indexer.celery_app", "worker", "--loglevel=INFO",
            "--concurrency=2", "-Q", pages, "-n", f"{prefix}-idx@%h", *common], env)
        self.spawn("p6-crawl-worker", [
            PYTHON, "-m", "celery", "-A", "crawler.celery_app", "worker", "--loglevel=INFO",
            "--concurrency=2", "-Q", crawl_q, "-n", f"{prefix}-crawl@%h", *common], env)
        self.spawn("p6-beat", [PYTHON, "-m", "celery", "-A", "crawler.celery_app", "beat",
                               "--loglevel=INFO"], env)
        feed_sources = [s for s in registry if s.entry_points.feeds]
        started = time.monotonic()

        def idle() -> bool:
            polled = self.redis.hlen(feeds_interval_key(prefix)) >= len(feed_sources)
            locks = crawl_lock_key(prefix, "*", ["*"])
            running = any(True for _ in self.redis.scan_iter(match=locks))
            waiting = int(self.redis.llen(crawl_q))
            return polled and not running and not waiting and self.drained(pages)

        # The first polls of every feed, and whatever else a fresh beat runs at once, done and
        # indexed: from here on only the schedule's steady state acts on the mirror.
        wait_until(idle, "first feed polls indexed", 240, every=1.0)
        log(f"P6: schedule idle and initial articles indexed after "
            f"{time.monotonic() - started:.1f} s")

        def listed_in_feeds() -> set[str]:
            listed: set[str] = set()
            for source in feed_sources:
                for feed in source.entry_points.feeds:
                    host, _, path = feed.removeprefix("https://").partition("/")
                    where = resource_dir(root, host, "/" + path)
                    if where is not None and (where / BODY).is_file():
                        listed |= {e.url for e in feed_entries((where / BODY).read_bytes(), feed)}
            return listed

        raw_intervals: dict[bytes, bytes] = self.redis.hgetall(  # type: ignore[assignment]
            feeds_interval_key(prefix))
        intervals = {k.decode(): float(v) for k, v in raw_intervals.items()}
        raw_due: list[tuple[bytes, float]] = self.redis.zrange(  # type: ignore[assignment]
            feeds_due_key(prefix), 0, -1, withscores=True)
        due = {k.decode(): score - time.time() for k, score in raw_due}
        after = generate(root, load_registry(), per_site=self.p6_per_site, extra=1)
        appeared = time.monotonic()
        new = {a.url for a in after.articles if a.extra} & listed_in_feeds()
        pending = {document_id(url): url for url in new}
        self.results.p6_notes = {
            "new_in_feeds": len(new),
            "feed_interval_s": sorted(set(intervals.values())),
            "next_poll_in_s": [round(min(due.values()), 1), round(max(due.values()), 1)]
            if due else [],
        }
        log(f"P6: {len(new)} new feed items; feed intervals {sorted(set(intervals.values()))} s, "
            f"next polls due in {self.results.p6_notes['next_poll_in_s']} s")
        alias = names["ANN_INDEX_ALIAS"]
        deadline = appeared + 120
        while pending and time.monotonic() < deadline:
            reply = self.es.search(index=alias, query={"ids": {"values": list(pending)}},
                                   size=len(pending), source=False)
            now = time.monotonic() - appeared
            for hit in reply["hits"]["hits"]:
                if pending.pop(hit["_id"], None) is not None:
                    self.results.p6.append(now)
            time.sleep(0.25)
        self.results.p6_missing = len(pending)
        log(f"P6: {len(self.results.p6)} found, {len(pending)} not within 120 s")

    # -- report -------------------------------------------------------------------------------
    def report(self) -> dict[str, float | int | None]:
        r = self.results
        project = statistics.median(run.rate for run in r.project)
        baseline = statistics.median(run.rate for run in r.baseline)
        p1 = project / baseline if baseline else 0.0
        p6 = statistics.median(r.p6) if r.p6 and not r.p6_missing else None
        p7 = r.recrawl_bytes / r.first_bytes if r.first_bytes else None

        def verdict(ok: bool) -> str:
            return "pass" if ok else "FAIL"

        rows = [
            ("P1 crawl pages/s (median)", f"{project:.1f}", f"{baseline:.1f} bare Scrapy",
             f"{p1:.2f}", "≥ 0.8", verdict(p1 >= TARGETS["P1"])),
            ("P6 feed → searchable, s", "—" if p6 is None else f"{p6:.1f} median, "
             f"{max(r.p6):.1f} max", "—", "—", "< 30 s",
             verdict(p6 is not None and p6 < TARGETS["P6_seconds"])),
            ("P7 recrawl bytes", f"{r.recrawl_bytes}", f"{r.first_bytes} first crawl",
             "—" if p7 is None else f"{p7:.4f}", "≤ 0.05",
             verdict(p7 is not None and p7 <= TARGETS["P7_bytes_ratio"])),
            ("P7 documents rewritten", f"{r.rewritten}", f"{r.first_docs_written} first crawl",
             "—", "0", verdict(r.rewritten == 0)),
        ]
        headers = ("metric", "measured", "baseline", "ratio", "target", "")
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(6)]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
                 for row in [headers, *rows]]
        print("\n".join([lines[0], "-" * len(lines[0]), *lines[1:]]))
        rounds = [round(a.rate / b.rate, 2) for a, b in zip(r.project, r.baseline, strict=True)]
        print(f"\nP1 runs (pages, s): project {[(x.pages, round(x.seconds, 2)) for x in r.project]}"
              f"; bare Scrapy {[(x.pages, round(x.seconds, 2)) for x in r.baseline]}; "
              f"per-round ratios {rounds}")
        print(f"P6: {len(r.p6)} new feed items found ({r.p6_missing} missing), seconds "
              f"{sorted(round(s, 1) for s in r.p6)}; schedule state at the change {r.p6_notes}")
        print(f"P7: requests first {r.first_requests}, recrawl {r.recrawl_requests} "
              f"(statuses {r.recrawl_statuses})")
        return {"P1": round(p1, 3), "P6_seconds": None if p6 is None else round(p6, 1),
                "P7_bytes_ratio": None if p7 is None else round(p7, 4),
                "P7_rewritten": r.rewritten}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--per-site", type=int, default=50, help="articles per site (P1, P7)")
    parser.add_argument("--p6-per-site", type=int, default=10, help="articles per site (P6)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved P1 rounds")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    parser.add_argument("--baseline-child", nargs=2, metavar=("PLAN", "MIRROR_URL"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_child:
        run_baseline_child(Path(args.baseline_child[0]), args.baseline_child[1])
        return

    from ann.ops import stack
    from ann.settings import Settings

    settings = Settings()
    started = time.monotonic()
    started_services = stack.start_services(settings)
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
        if not args.keep:
            import shutil

            cleanup.callback(shutil.rmtree, workdir, True)
        else:
            log(f"work dir (logs) kept: {workdir}")
        for name, env in started_services.items():
            cleanup.callback(stack.run_service_script, name, "stop", env)
        bench = Bench(args.per_site, args.rounds, args.p6_per_site, workdir)
        cleanup.callback(bench.cleanup)
        _root, server = bench.mirror("mirror", args.per_site)
        log(f"mirror: {args.per_site} articles per site at {server.url}")
        bench.p1(server.url)
        bench.p7(server)
        bench.p6()
        summary = bench.report()
        log(f"total {time.monotonic() - started:.0f} s")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
