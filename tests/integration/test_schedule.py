"""The schedule on the real stack: Celery beat (redbeat) and a crawl worker, no one running
`ann crawl` — a new item in a mirror feed reaches the indexer's queue by itself."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis import Redis

from ann.settings import Settings
from ann.sources import Registry, load_registry
from crawler.discovery import feed_entries
from mirror.server import MirrorServer
from tests.support.env import service_env
from tests.support.mirrors import generate
from tests.support.queued import queued_urls
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def _celery(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crawler.celery_app", *args],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )


@pytest.fixture
def scheduled(
    services: Settings, tmp_path: Path, redis_client: Redis
) -> Iterator[tuple[Settings, Path, MirrorServer]]:
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={
        "key_prefix": f"sched-{tag}", "pages_queue": f"pages-{tag}", "crawl_queue": f"crawl-{tag}",
    })
    root = tmp_path / "mirror"
    generate(root, per_site=5)
    server = MirrorServer(root)
    server.start()
    env = {**service_env(settings), "ANN_MIRROR_URL": server.url, "ANN_POLITENESS_SCALE": "0",
           "ANN_CRAWL_QUEUE": settings.crawl_queue, "ANN_SCHEDULE_TICK_SECONDS": "1"}
    with ExitStack() as stack:
        for name, args in {
            "worker": ["worker", "-Q", settings.crawl_queue, "-c", "2", "--loglevel=INFO",
                       "--without-gossip",
                       "--without-mingle", "-n", f"crawl-{tag}@%h"],
            "beat": ["beat", "--loglevel=INFO"],
        }.items():
            process = _celery(args, env, tmp_path / f"{name}.log")
            stack.callback(process.wait, 30)
            stack.callback(process.terminate)
        yield settings, root, server
    server.stop()
    redis_client.delete(settings.pages_queue, settings.crawl_queue)


def _listed_in_feeds(root: Path, registry: Registry) -> set[str]:
    """Every article URL the mirror's feeds list now, read from the mirror's files."""
    listed = set()
    for source in registry:
        for feed in source.entry_points.feeds:
            parts = urlsplit(feed)
            body = root / parts.netloc / parts.path.strip("/") / "__body"
            if body.exists():
                listed |= {entry.url for entry in feed_entries(body.read_bytes(), feed)}
    return listed


def test_a_new_feed_item_is_fetched_by_the_schedule(
    scheduled: tuple[Settings, Path, MirrorServer], redis_client: Redis
) -> None:
    settings, root, _server = scheduled
    registry = load_registry()
    polled = {s.id for s in registry if s.entry_points.feeds}

    def sources_queued() -> set[str]:
        found = (registry.for_url(u) for u in queued_urls(redis_client, settings.pages_queue))
        return {source.id for source in found if source}

    wait_until(lambda: sources_queued() >= polled,
               "every feed's first poll done", 90, 0.5)

    after = generate(root, per_site=5, extra=1)
    new = {a.url for a in after.articles if a.extra} & _listed_in_feeds(root, registry)
    assert len(new) >= 5
    seconds = wait_until(lambda: set(queued_urls(redis_client, settings.pages_queue)) >= new,
                         "the new items queued", 90, 0.5)
    urls = queued_urls(redis_client, settings.pages_queue)
    assert len(urls) == len(set(urls)), "an article was queued twice"
    print(f"new items reached the queue {seconds:.1f} s after they appeared")
