"""Every source in the registry crawls its mirror and queues exactly its articles.

One crawler process reads every source's feeds, sitemaps and section fronts from the mirror; the
pages it hands to the indexer's queue are read back from Redis (no worker needed) and compared,
source by source, with the mirror's manifest. A source file whose entry points miss articles, or
whose URL rules let other pages through, fails here under its own id.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from protego import Protego
from redis import Redis

from ann.settings import Settings
from ann.sources import load_registry
from mirror.layout import BODY, resource_dir
from mirror.manifest import Manifest
from mirror.server import MirrorServer
from tests.support.harness import run_crawl
from tests.support.mirrors import generate
from tests.support.queued import queued_messages

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

REGISTRY = load_registry()
ROBOTS_AGENT = "ann-crawl-index"


@dataclass(frozen=True)
class Crawl:
    manifest: Manifest
    queued: dict[str, set[str]]
    """Page URLs found in the queue, by source id."""
    requests: list[tuple[str, str]]
    """(host, path) of every request the mirror server answered."""
    root: Path


def _queued_pages(redis: Redis, queue: str) -> dict[str, set[str]]:
    """Page URLs on ``queue``, by source id."""
    queued: dict[str, set[str]] = defaultdict(set)
    for _task, message in queued_messages(redis, queue):
        for page in message.pages:
            queued[page.source_id].add(page.url)
    return queued


@pytest.fixture(scope="module")
def crawl(services: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={"pages_queue": f"test-{tag}-registry"})
    root = tmp_path_factory.mktemp("mirror")
    manifest = generate(root)
    mirror = MirrorServer(root)
    mirror.start()
    redis = Redis.from_url(settings.redis_url)
    try:
        # A key prefix of its own, so crawl state left by other runs can never hide a URL.
        run_crawl(settings, mirror.url, extra_env={"ANN_KEY_PREFIX": f"test-{tag}"})
        log = mirror.stats()["log"]
        assert isinstance(log, list)
        requests = [(str(r["host"]), str(r["path"])) for r in log]
        yield Crawl(manifest, _queued_pages(redis, settings.pages_queue), requests, root)
    finally:
        mirror.stop()
        redis.delete(settings.pages_queue)
        # The queue, kombu's bindings for it, and the crawl state under this run's prefix.
        for pattern in (f"*{settings.pages_queue}*", f"test-{tag}:*"):
            for key in redis.scan_iter(match=pattern):
                redis.delete(key)
        redis.close()


@pytest.mark.parametrize("source_id", REGISTRY.ids())
def test_source_queues_exactly_its_articles(source_id: str, crawl: Crawl) -> None:
    expected = {a.url for a in crawl.manifest.for_source(source_id)}
    queued = crawl.queued.get(source_id, set())
    assert expected, "the mirror has no articles for this source"
    assert not expected - queued, f"never queued: {sorted(expected - queued)[:5]}"
    assert not queued - expected, f"not articles: {sorted(queued - expected)[:5]}"


def test_no_robots_disallowed_path_was_requested(crawl: Crawl) -> None:
    parsers: dict[str, Protego | None] = {}
    refused: list[str] = []
    for host, path in crawl.requests:
        if host not in parsers:
            directory = resource_dir(crawl.root, host, "/robots.txt")
            body = directory / BODY if directory else None
            parsers[host] = (Protego.parse(body.read_text(encoding="utf-8", errors="replace"))
                             if body and body.is_file() else None)
        robots = parsers[host]
        if robots is not None and not robots.can_fetch(f"https://{host}{path}", ROBOTS_AGENT):
            refused.append(host + path)
    assert not refused, f"robots.txt disallows these, yet they were requested: {refused[:5]}"
    assert ("newsinfo.inquirer.net", "/robots.txt") in crawl.requests
