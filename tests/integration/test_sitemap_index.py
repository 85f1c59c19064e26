"""An article added to a news sitemap under an index that does not change (the index only ever
names the news sitemap, as The Jakarta Post's does) is found by the next sitemap crawl, also when
the news sitemap sits one index further down and the server answers conditional requests.

Before, an unchanged index was the end of the read: its children were never asked again, and
the simulated hosts' test saw two sources' new articles never indexed by the schedule. Then a
nested index, asked with the validators of its last read, answered 304 and hid its children; and
then every index was read whole on every crawl. Now an unchanged index costs a 304 and leads to
the children remembered from its last whole read."""

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
    return {"headers": XML, "validated": True, "body": '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'}


def _index(*paths: str) -> dict[str, Any]:
    children = "".join(f"<sitemap><loc>https://{HOST}{path}</loc></sitemap>" for path in paths)
    return {"headers": XML, "validated": True, "body": '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{children}</sitemapindex>"}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Wild]]:
    """``/sitemap.xml`` (the source file's) lists ``/sitemap/news.xml`` and, through the
    nested index ``/sitemap/2025.xml``, ``/sitemap/2025/july.xml``; every sitemap answers
    conditional requests."""
    page = {"body": "<html><head><title>A story</title></head><body><article><h1>A story"
                    "</h1><p>" + "Words of the story. " * 40 + "</p></article></body></html>"}
    routes: dict[str, Any] = {"/robots.txt": {"body": "User-agent: *\nAllow: /\n"},
                              "/sitemap.xml": _index("/sitemap/news.xml", "/sitemap/2025.xml"),
                              "/sitemap/2025.xml": _index("/sitemap/2025/july.xml"),
                              "/sitemap/2025/july.xml": _news_sitemap(3),
                              "/sitemap/news.xml": _news_sitemap(1)}
    routes.update({_article_url(n).removeprefix(f"https://{HOST}"): page
                   for n in (1, 2, 3, 4, 5)})
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


def test_new_articles_under_unchanged_indexes_are_found(
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
        wild.sites[HOST]["/sitemap/2025/july.xml"] = _news_sitemap(3, 4)
        third = _crawl(env)
        wild.sites[HOST]["/sitemap/2025.xml"] = _index("/sitemap/2025/july.xml",
                                                       "/sitemap/2025/august.xml")
        wild.sites[HOST]["/sitemap/2025/august.xml"] = _news_sitemap(5)
        fourth = _crawl(env)
        wild.sites[HOST]["/sitemap/2025.xml"] = _news_sitemap(4)  # no longer an index
        fifth = _crawl(env)
        sixth = _crawl(env)
        print(f"queued: {first.get('queued_pages')} first, {second.get('queued_pages')} after "
              f"the news sitemap gained one, {third.get('queued_pages')} after the nested "
              f"index's child gained one, {fourth.get('queued_pages')} after the nested index "
              f"gained a child; 304s {second.get('entry/not_modified')}, "
              f"{third.get('entry/not_modified')}, {fourth.get('entry/not_modified')}")
        assert first.get("queued_pages") == 2  # articles 1 and 3
        assert second.get("queued_pages") == 1  # article 2, and only it
        # both indexes and the unchanged child answer 304; the indexes still lead to the child
        # that changed
        assert second.get("entry/not_modified") == 3
        assert "entry/unchanged" not in second
        assert third.get("queued_pages") == 1  # article 4, below the nested index's 304
        assert third.get("entry/not_modified") == 3  # now the news sitemap is the third 304
        assert fourth.get("queued_pages") == 1  # article 5, in the nested index's new child
        # the top index and both unchanged children answer 304; the nested index is read whole
        assert fourth.get("entry/not_modified") == 3
        assert fourth.get("entry/read") == 2
        assert (fifth.get("entry/read"), fifth.get("queued_pages")) == (1, None)
        # its 304 now stands for itself only: the children it once listed are not asked
        assert sixth.get("entry/not_modified") == 3
    finally:
        for key in redis_client.scan_iter(match=f"{prefix}*"):
            redis_client.delete(key)
