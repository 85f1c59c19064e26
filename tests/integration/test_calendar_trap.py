"""A calendar trap: a site whose sitemap index lists sitemap indexes that each list a hundred
more pages of a calendar without end. Sitemap indexes are followed three levels deep, which
alone still leaves 1 + 1 + 100 + 10,000 requests (before the budget: 275 served in the first
60 s, and counting); the per-source request budget of a crawl (``ANN_CRAWL_MAX_PAGES``) stops
it there and ``ann status`` counts it as ``errors/page_budget``."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from ann.ops.cli.status import _crawl as crawl_status
from ann.settings import Settings
from crawler.state import CrawlState
from tests.support.env import service_env
from tests.support.wild import Wild, served_on_loopback

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

BUDGET = 20


@pytest.fixture
def calendar(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """www.dawn.com as a calendar, standing in for the mirror: (its URL, its access log)."""
    index = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.'
             'org/schemas/sitemap/0.9"><sitemap><loc>https://www.dawn.com/calendar/1.xml</loc>'
             "</sitemap></sitemapindex>")
    sites = {"sites": {"www.dawn.com": {
        "/robots.txt": {"body": "User-agent: *\nAllow: /\n"},
        "/sitemap.xml": {"headers": {"Content-Type": "application/xml"}, "body": index},
    }}, "calendars": {"www.dawn.com": "/calendar/"}}
    log = tmp_path / "access.jsonl"
    wild = Wild(sites, log)
    with served_on_loopback(wild) as url:
        yield url, log


def test_a_calendar_without_end_is_closed_at_the_page_budget(
    services: Settings, redis_client: Redis, calendar: tuple[str, Path]
) -> None:
    mirror, log = calendar
    prefix = f"calendar-{uuid.uuid4().hex[:8]}"
    env = {**service_env(services), "ANN_MIRROR_URL": mirror, "ANN_KEY_PREFIX": prefix,
           "ANN_POLITENESS_SCALE": "0", "ANN_CRAWL_MAX_PAGES": str(BUDGET)}
    try:
        run = subprocess.run([sys.executable, "-m", "crawler.run", "--entry", "sitemaps", "--",
                              "dawn"], env=env, capture_output=True, text=True, timeout=240,
                             check=False)
        assert run.returncode == 0, run.stderr[-3000:]
        summary = json.loads(run.stdout.strip().splitlines()[-1])["dawn"]
        served = len(log.read_text(encoding="utf-8").splitlines())
        errors = crawl_status(CrawlState(redis_client, prefix), "dawn")["errors"]
        print(f"budget {BUDGET}: {served} requests served, finish "
              f"{summary['finish_reason']}, crawl errors {errors}")
        assert errors == {"page_budget": 1}
        assert served == BUDGET + 1  # and robots.txt
        assert summary["finish_reason"] == "finished"
    finally:
        for key in redis_client.scan_iter(match=f"{prefix}:*"):
            redis_client.delete(key)
