"""Crawler processes sharing sources through Redis, measured at the mirror server.

Each test gets its own Redis key prefix and queue (so crawl state never leaks between tests) and
its own copy of the mirror tree where it changes pages.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from redis import Redis

from ann.keyspace import recent_key, url_key
from ann.settings import Settings
from ann.sources import load_registry
from crawler.state import CrawlState, fingerprint
from mirror.manifest import Manifest
from mirror.server import MirrorServer
from tests.support.env import service_env
from tests.support.fleet import crawl, finish, start_crawl
from tests.support.mirrors import generate
from tests.support.queued import queued_urls

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    root = tmp_path_factory.mktemp("mirror")
    return root, generate(root)


@pytest.fixture
def mirror(pristine: tuple[Path, Manifest], tmp_path: Path) -> Iterator[MirrorServer]:
    root = tmp_path / "mirror"
    shutil.copytree(pristine[0], root)
    server = MirrorServer(root)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def manifest(pristine: tuple[Path, Manifest]) -> Manifest:
    return pristine[1]


@pytest.fixture
def settings(services: Settings, redis_client: Redis) -> Iterator[Settings]:
    tag = uuid.uuid4().hex[:8]
    yield services.model_copy(update={"key_prefix": f"fleet-{tag}", "pages_queue": f"q-{tag}"})
    redis_client.delete(f"q-{tag}")


def requests_to(server: MirrorServer, host: str) -> list[dict[str, object]]:
    log: list[dict[str, object]] = server.stats()["log"]  # type: ignore[assignment]
    return [r for r in log if r["host"] == host]


def test_two_processes_on_one_source_fetch_each_url_once(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    """Every article is fetched and queued once. An entry point (feed, sitemap) is claimed only
    for ``ENTRY_CLAIM_SECONDS`` and only while its owner runs, so a process that starts late on a
    busy machine reads it again (a conditional request) — at most once per process."""
    first = start_crawl(settings, mirror.url, ["dawn"])
    second = start_crawl(settings, mirror.url, ["dawn"])
    finish(first), finish(second)
    paths = Counter(str(r["path"]) for r in requests_to(mirror, "www.dawn.com"))
    articles = {urlsplit(a.url).path for a in manifest.for_source("dawn")}
    assert articles <= set(paths)
    assert max(paths[path] for path in articles) == 1, paths.most_common(3)
    assert max(paths.values()) <= 2, paths.most_common(3)
    expected = sorted(a.url for a in manifest.for_source("dawn"))
    assert sorted(queued_urls(redis_client, settings.pages_queue)) == expected


def test_the_rate_limit_holds_across_processes(
    settings: Settings, mirror: MirrorServer
) -> None:
    # dawn asks for 5 s between requests; scaled by 0.04 that is 0.2 s, shared by both processes
    processes = [start_crawl(settings, mirror.url, ["dawn"], scale=0.04) for _ in range(2)]
    for process in processes:
        finish(process)
    times = sorted(float(r["at"]) for r in requests_to(mirror, "www.dawn.com"))  # type: ignore[arg-type]
    assert len(times) > 50
    # The rate as the server sees it: in any one-second window at most 1 / 0.2 s = 5 requests
    # (one more allowed for the jitter between a slot's reservation and the request's arrival).
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 6, busiest
    assert (times[-1] - times[0]) / (len(times) - 1) >= 0.19


def test_a_robots_disallowed_article_is_never_requested(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    banned = manifest.for_source("dawn")[0].url.removeprefix("https://www.dawn.com")
    robots = mirror.root / "www.dawn.com" / "robots.txt" / "__body"
    robots.write_text(f"User-agent: *\nDisallow: {banned}\n" + robots.read_text())
    crawl(settings, mirror.url, "dawn")
    paths = {str(r["path"]) for r in requests_to(mirror, "www.dawn.com")}
    assert banned not in paths
    queued = queued_urls(redis_client, settings.pages_queue)
    assert len(queued) == len(manifest.for_source("dawn")) - 1


def test_unchanged_pages_reach_the_indexer_zero_times_and_edits_once(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    crawl(settings, mirror.url, "thestar")
    first = len(queued_urls(redis_client, settings.pages_queue))
    assert first == len(manifest.for_source("thestar"))
    redis_client.delete(settings.pages_queue)
    mirror.reset_stats()

    # a plain recrawl: every entry point answers 304, the sitemap indexes the source file names
    # too (their 304 leads to the children remembered from the first read) — and queue nothing
    crawl(settings, mirror.url, "thestar")
    named = {urlsplit(url).path for url in load_registry().get("thestar").entry_points.sitemaps}
    answered = [(str(r["path"]), int(r["status"]))  # type: ignore[call-overload]
                for r in requests_to(mirror, "www.thestar.com.my")]
    assert named <= {path for path, _ in answered}, answered
    assert len(answered) > len(named), answered  # the indexes' children were asked as well
    assert {status for _, status in answered} == {304}, answered
    assert queued_urls(redis_client, settings.pages_queue) == []

    # make every article due for its edit re-check, and edit one of them
    articles = manifest.for_source("thestar")
    for article in articles:
        redis_client.zadd(recent_key(settings.key_prefix, "thestar"), {article.url: time.time()})
        redis_client.hset(url_key(settings.key_prefix, fingerprint(article.url)),
                          mapping={"first_fetched": time.time(), "last_fetched": 0})
    edited = articles[3]
    page = mirror.root / "www.thestar.com.my" / edited.url.split("/", 3)[3] / "__body"
    page.write_text(page.read_text().replace("</p>", " (Updated with a correction.)</p>", 1))
    mirror.reset_stats()
    crawl(settings, mirror.url, "thestar", entry=["recheck"])
    statuses = Counter(int(r["status"]) for r in requests_to(mirror, "www.thestar.com.my"))  # type: ignore[call-overload]
    assert statuses == {304: len(articles) - 1, 200: 1}
    assert queued_urls(redis_client, settings.pages_queue) == [edited.url]


def test_a_refusing_source_is_paused_while_the_others_finish(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    mirror.set_status("www.dawn.com", 403)
    crawl(settings, mirror.url, "dawn", "thestar", "koreaherald")
    state = CrawlState(redis_client, settings.key_prefix)
    paused = state.paused("dawn")
    assert paused is not None and paused["reason"] == "http_403"
    refused = requests_to(mirror, "www.dawn.com")
    article_paths = {a.url.split("/", 3)[3] for a in manifest.for_source("dawn")}
    assert not article_paths & {str(r["path"]).lstrip("/") for r in refused}
    queued = Counter(url.split("/")[2] for url in queued_urls(redis_client, settings.pages_queue))
    assert queued == {"www.thestar.com.my": len(manifest.for_source("thestar")),
                      "www.koreaherald.com": len(manifest.for_source("koreaherald"))}
    mirror.set_status("www.dawn.com", None)
    crawl(settings, mirror.url, "dawn")  # still paused: nothing fetched
    assert len(requests_to(mirror, "www.dawn.com")) == len(refused)

    status = json.loads(ann(settings, "status", "--json"))
    assert status["crawl"]["dawn"]["paused"]["reason"] == "http_403"
    assert status["crawl"]["dawn"]["errors"]["http_403"] >= 3
    assert "resumed" in ann(settings, "resume", "dawn")
    crawl(settings, mirror.url, "dawn")
    assert len(queued_urls(redis_client, settings.pages_queue)) == sum(queued.values()) + len(
        manifest.for_source("dawn"))


def ann(settings: Settings, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "ann", *args], env=service_env(settings),
                            capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


def test_backfill_since_a_date_reads_only_the_archive_sitemaps_it_needs(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    since = date(2024, 6, 1)
    zone = ZoneInfo("Asia/Singapore")
    crawl(settings, mirror.url, "straitstimes", entry=["sitemaps"], since=since.isoformat())
    expected = {
        a.url for a in manifest.for_source("straitstimes")
        if datetime.fromisoformat(a.published_at.replace("Z", "+00:00")).astimezone(zone).date()
        >= since
    }
    assert expected and len(expected) < len(manifest.for_source("straitstimes"))
    assert set(queued_urls(redis_client, settings.pages_queue)) == expected
    monthly = [str(r["path"]) for r in requests_to(mirror, "www.straitstimes.com")
               if str(r["path"]).startswith("/sitemap/")]
    assert monthly and all(int(p.split("/")[2]) >= 2024 for p in monthly)


def test_the_concurrency_limit_holds_across_processes(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    # a slow site (50 ms an answer) and a tiny delay: only the shared slots keep the two
    # processes from each having a request in flight at the same moment
    mirror.set_latency("www.dawn.com", 0.05)
    processes = [start_crawl(settings, mirror.url, ["dawn"], scale=0.001) for _ in range(2)]
    for process in processes:
        finish(process)
    allowed = load_registry().get("dawn").politeness.concurrency
    assert mirror.max_in_flight("www.dawn.com") == allowed
    assert len(queued_urls(redis_client, settings.pages_queue)) == len(manifest.for_source("dawn"))


def test_a_killed_crawler_resumes_without_refetching_what_was_done(
    settings: Settings, mirror: MirrorServer, manifest: Manifest, redis_client: Redis
) -> None:
    # the killed run's request slot on the host is freed after its lease (3 min by default)
    heartbeat = {"ANN_HEARTBEAT_SECONDS": "2", "ANN_BULK_BATCH_SIZE": "5",
                 "ANN_REQUEST_LEASE_SECONDS": "5"}
    # 50 ms between requests: the crawl of dawn takes about 3 s, and is killed in the middle
    first = start_crawl(settings, mirror.url, ["dawn"], scale=0.01, extra_env=heartbeat)
    deadline = time.monotonic() + 30
    while len(queued_urls(redis_client, settings.pages_queue)) < 10:
        assert time.monotonic() < deadline and first.poll() is None, "crawl ended too soon"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    done = set(queued_urls(redis_client, settings.pages_queue))
    fetched_before = Counter(str(r["path"]) for r in requests_to(mirror, "www.dawn.com"))
    time.sleep(2.5)  # the dead run's heartbeat lapses: its claims are free
    mirror.reset_stats()
    finish(start_crawl(settings, mirror.url, ["dawn"], scale=0.01, extra_env=heartbeat))
    refetched = {str(r["path"]) for r in requests_to(mirror, "www.dawn.com")}
    done_paths = {url.removeprefix("https://www.dawn.com") for url in done}
    assert done and not done_paths & refetched, "a page already handed over was fetched again"
    queued = queued_urls(redis_client, settings.pages_queue)
    assert sorted(set(queued)) == sorted(a.url for a in manifest.for_source("dawn"))
    assert sum(fetched_before.values()) > len(done)  # the kill really was mid-run
