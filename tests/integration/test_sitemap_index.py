"""An article added to a news sitemap under an index that does not change (the index only ever
names the news sitemap, as The Jakarta Post's does) is found by the next sitemap crawl.

Before, an unchanged index was the end of the read: its children were never asked again, and
the simulated hosts' test saw two sources' new articles never indexed by the schedule."""

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
from tests.support.wild import Wild, served_on_loopback

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

HOST = "www.thejakartapost.com"
XML = {"Content-Type": "application/xml"}


def _article_url(n: int) -> str:
    return f"https://{HOST}/indonesia/2025/07/0{n}/story-number-{n}.html"


def _news_sitemap(*numbers: int) -> dict[str, Any]:
    urls = "".join(f"<url><loc>{_article_url(n)}</loc></url>" for n in numbers)
    return {"headers": XML, "body": '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Wild]]:
    index = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.'
             f'org/schemas/sitemap/0.9"><sitemap><loc>https://{HOST}/sitemap/news.xml</loc>'
             "</sitemap></sitemapindex>")
    page = {"body": "<html><head><title>A story</title></head><body><article><h1>A story"
                    "</h1><p>" + "Words of the story. " * 40 + "</p></article></body></html>"}
    routes: dict[str, Any] = {"/robots.txt": {"body": "User-agent: *\nAllow: /\n"},
                              "/sitemap.xml": {"headers": XML, "body": index},
                              "/sitemap/news.xml": _news_sitemap(1)}
    routes.update({_article_url(n).removeprefix(f"https://{HOST}"): page for n in (1, 2)})
    wild = Wild({"sites": {HOST: routes}}, tmp_path / "access.jsonl")
    with served_on_loopback(wild) as url:
        yield url, wild


def _crawl(env: dict[str, str]) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-m", "crawler.run", "--entry", "sitemaps", "--",
                          "jakartapost"], env=env, capture_output=True, text=True, timeout=240,
                         check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    summary: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])["jakartapost"]
    return summary


def test_a_new_article_under_an_unchanged_index_is_found(
    services: Settings, redis_client: Redis, site: tuple[str, Wild]
) -> None:
    mirror, wild = site
    prefix = f"smi-{uuid.uuid4().hex[:8]}"
    env = {**service_env(services), "ANN_MIRROR_URL": mirror, "ANN_KEY_PREFIX": prefix,
           "ANN_POLITENESS_SCALE": "0", "ANN_PAGES_QUEUE": f"{prefix}-pages"}
    try:
        first = _crawl(env)
        wild.sites[HOST]["/sitemap/news.xml"] = _news_sitemap(1, 2)
        second = _crawl(env)
        print(f"first crawl: {first.get('queued_pages')} queued; after the news sitemap "
              f"gained one: {second.get('queued_pages')} queued, {second.get('entry/unchanged')}"
              " unchanged sitemap")
        assert first.get("queued_pages") == 1
        assert second.get("entry/unchanged") == 1  # the index
        assert second.get("queued_pages") == 1  # the new article, and only it
    finally:
        for key in redis_client.scan_iter(match=f"{prefix}*"):
            redis_client.delete(key)
