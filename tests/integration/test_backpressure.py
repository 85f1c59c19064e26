"""A crawl faster than its indexers waits instead of filling Redis.

The crawler runs as users run it (``python -m crawler.run``) against a site on loopback, with
``ANN_QUEUE_HIGH_WATER=1`` and a queue that already holds one batch no indexer takes: every
article is fetched, but none reaches the queue while the batch waits; once it is taken, the
crawl hands every page over and ends."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from ann.settings import Settings
from tests.support.env import service_env
from tests.support.queued import queued_messages
from tests.support.waiting import wait_until
from tests.support.wild import Wild, served_on_loopback

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

HOST = "www.thejakartapost.com"
ARTICLES = 3


def _path(n: int) -> str:
    return f"/indonesia/2025/07/0{n}/story-number-{n}.html"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    page = {"body": "<html><head><title>A story</title></head><body><article><h1>A story"
                    "</h1><p>" + "Words of the story. " * 40 + "</p></article></body></html>"}
    urls = "".join(f"<url><loc>https://{HOST}{_path(n)}</loc></url>"
                   for n in range(1, ARTICLES + 1))
    routes: dict[str, Any] = {
        "/robots.txt": {"body": "User-agent: *\nAllow: /\n"},
        "/sitemap.xml": {"headers": {"Content-Type": "application/xml"},
                         "body": '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                                 f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'},
        **{_path(n): page for n in range(1, ARTICLES + 1)},
    }
    log = tmp_path / "access.jsonl"
    wild = Wild({"sites": {HOST: routes}}, log)
    with served_on_loopback(wild) as url:
        yield url, log


def _fetched_articles(log: Path) -> int:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return sum(1 for line in lines if json.loads(line)["path"].startswith("/indonesia/"))


def test_a_full_queue_holds_the_crawl_and_nothing_is_lost(
    services: Settings, redis_client: Redis, site: tuple[str, Path], tmp_path: Path
) -> None:
    mirror, log = site
    prefix = f"bp-{uuid.uuid4().hex[:8]}"
    queue = f"{prefix}-pages"
    env = {**service_env(services), "ANN_MIRROR_URL": mirror, "ANN_KEY_PREFIX": prefix,
           "ANN_POLITENESS_SCALE": "0", "ANN_PAGES_QUEUE": queue,
           "ANN_QUEUE_HIGH_WATER": "1", "ANN_BULK_BATCH_SIZE": "1"}
    redis_client.rpush(queue, b"a batch no indexer has taken yet")
    stderr = tmp_path / "crawl.stderr"
    with stderr.open("w") as errors:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler.run", "--entry", "sitemaps", "--", "jakartapost"],
            env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        wait_until(lambda: _fetched_articles(log) == ARTICLES, "every article fetched", 120)
        # fetched, and held: the queue still holds only the batch that was there
        wait_until(lambda: "holding pages" in stderr.read_text(), "the hold to be logged", 60)
        assert crawl.poll() is None
        assert redis_client.llen(queue) == 1
        redis_client.lpop(queue)  # an indexer takes it
        taken: list[Any] = []

        def drained() -> bool:
            """Take each batch as it comes, as indexers would, until the crawl ends."""
            taken.extend(message for _, message in queued_messages(redis_client, queue))
            redis_client.delete(queue)
            return crawl.poll() is not None

        wait_until(drained, "the crawl to hand over its pages and end", 120)
        out, _ = crawl.communicate(timeout=30)
        assert crawl.returncode == 0, stderr.read_text()[-3000:]
        summary = json.loads(out.strip().splitlines()[-1])["jakartapost"]
        print(f"held, then handed over {len(taken)} batches; summary {summary}")
        assert sorted(page.url for message in taken for page in message.pages) == sorted(
            f"https://{HOST}{_path(n)}" for n in range(1, ARTICLES + 1))
        assert summary.get("queued_pages") == ARTICLES
        assert summary.get("backpressure/held", 0) >= 1
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.communicate()
        for key in redis_client.scan_iter(match=f"{prefix}*"):
            redis_client.delete(key)
