"""The crawler stays outside, on sites built here: robots.txt read as RFC 9309 says (mirror
mode, the test's site standing in for the mirror), and a live crawl redirected inside reaches
nothing there (the member's host names given to the test's site by a private /etc/hosts)."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from redis import Redis

from ann.keyspace import robots_lock_key, robots_unavailable_key
from ann.settings import Settings
from crawler.state import CrawlState
from tests.support.env import service_env
from tests.support.site import Route, Site, article, counting_listener, rss

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}
ALLOW_ALL = b"User-agent: *\nAllow: /\n"


@pytest.fixture
def settings(services: Settings, redis_client: Redis) -> Iterator[Settings]:
    tag = uuid.uuid4().hex[:8]
    yield services.model_copy(update={"key_prefix": f"outside-{tag}", "pages_queue": f"q-{tag}"})
    redis_client.delete(f"q-{tag}")


def _crawl(
    settings: Settings, mirror: str | None, env: dict[str, str] | None = None,
    prefix: list[str] | None = None,
) -> dict[str, object]:
    """One crawl of dawn's feeds by the crawler's entry point (``python -m crawler.run``), from
    ``mirror`` (the test's site standing in for it) or live when None; its summary."""
    environ = {**service_env(settings), "ANN_POLITENESS_SCALE": "0", **(env or {})}
    environ.pop("ANN_MIRROR_URL", None)
    if mirror is not None:
        environ["ANN_MIRROR_URL"] = mirror
    result = subprocess.run(
        [*(prefix or []), sys.executable, "-m", "crawler.run", "--entry", "feeds", "--", "dawn"],
        env=environ, capture_output=True, text=True, timeout=240, check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"crawl failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    summary: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])["dawn"]
    return summary


def _dawn(robots: Route, *articles: int) -> Site:
    routes: dict[str, Route] = {
        "/robots.txt": robots,
        "/feeds/home": (200, RSS, rss(*(f"https://www.dawn.com/news/{n}" for n in articles))),
    }
    routes.update({f"/news/{n}": (200, HTML, article(f"Story {n}")) for n in articles})
    return Site(routes)


def test_robots_txt_answering_503_holds_the_site_until_a_retry_succeeds(
    settings: Settings, redis_client: Redis
) -> None:
    site = _dawn((503, {}, b"down for maintenance"), 1000001, 1000002)
    held = robots_unavailable_key(settings.key_prefix, "www.dawn.com")
    env = {"ANN_ROBOTS_RETRY_SECONDS": "3600"}
    with site.serving() as port:
        mirror = f"http://127.0.0.1:{port}"
        _crawl(settings, mirror, env)
        first_robots = site.asked("/robots.txt")
        print(f"503: robots.txt asked {first_robots}, feeds {site.asked('/feeds/')}, "
              f"articles {site.asked('/news/')}")
        assert first_robots >= 1
        assert (site.asked("/feeds/"), site.asked("/news/")) == (0, 0)
        assert 0 < redis_client.pttl(held) <= 3_600_000
        # no request that waited on the first fetch kept the fetch lock: the next crawl of the
        # site would wait for it to lapse
        assert not redis_client.exists(robots_lock_key(settings.key_prefix, "www.dawn.com"))

        site.routes["/robots.txt"] = (200, {}, ALLOW_ALL)
        _crawl(settings, mirror, env)  # another process
        print(f"held: robots.txt asked {site.asked('/robots.txt') - first_robots} more times, "
              f"articles {site.asked('/news/')}")
        assert site.asked("/robots.txt") == first_robots  # held until the interval runs out
        assert site.asked("/news/") == 0

        redis_client.pexpire(held, 1)  # the retry interval runs out
        _crawl(settings, mirror, env)
        print(f"after the retry: articles {site.asked('/news/')}")
        assert site.asked("/robots.txt") == first_robots + 1
        assert site.asked("/news/") == 2
        assert not redis_client.exists(held)
    stats = CrawlState(redis_client, settings.key_prefix).stats("dawn")
    assert stats["errors/robots_unavailable/http_503"] == "1"
    assert redis_client.llen(settings.pages_queue) >= 1


def test_robots_txt_answering_404_allows_everything(settings: Settings) -> None:
    # A 404 page whose text looks like rules: RFC 9309 says a 4xx means no rules at all.
    site = _dawn((404, {}, b"User-agent: *\nDisallow: /\n"), 1000001)
    with site.serving() as port:
        _crawl(settings, f"http://127.0.0.1:{port}")
    assert site.asked("/news/") == 1


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def _live_crawl(settings: Settings, hosts: Path, ca: Path) -> dict[str, object]:
    """One live crawl of dawn's feeds (no mirror), seeing ``hosts`` as its /etc/hosts."""
    env = {"SSL_CERT_FILE": str(ca), "ANN_CRAWL_ALLOW_NETWORKS": "127.0.0.3/32"}
    with_hosts = ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"',
                  str(hosts)]
    return _crawl(settings, None, env, with_hosts)


@pytest.mark.skipif(not _can_unshare(), reason="needs unshare --mount (root) for its /etc/hosts")
def test_a_live_crawl_redirected_inside_reaches_nothing_there(
    settings: Settings, redis_client: Redis, tmp_path: Path
) -> None:
    """www.dawn.com is the test's site (127.0.0.3, admitted as the test's "internet");
    evil.dawn.com, a member name whose DNS points inside, and 127.0.0.2 are a listener that
    counts connections. The site redirects there every way it can."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("www.dawn.com").configure_cert(tls)
    with counting_listener("127.0.0.2") as (port, connections):
        inside = f"127.0.0.2:{port}"
        site = _dawn((200, {}, ALLOW_ALL), *range(1000001, 1000006))
        site.routes.update({
            "/news/1000001": (301, {"Location": f"http://{inside}/latest/meta-data/"}, b""),
            "/news/1000002": (302, {"Location": f"https://evil.dawn.com:{port}/x"}, b""),
            "/news/1000003": (200, HTML, f'<html><head><meta http-equiv="refresh" content="0;'
                              f' url=http://{inside}/"></head></html>'.encode()),
            "/news/1000004": (301, {"Location": f"https://www.dawn.com@{inside}/"}, b""),
        })
        hosts = tmp_path / "hosts"
        hosts.write_text("127.0.0.1 localhost\n127.0.0.3 www.dawn.com\n"
                         "127.0.0.2 evil.dawn.com\n")
        with site.serving("127.0.0.3", 443, tls):
            counters = _live_crawl(settings, hosts, ca_file)
        print(f"connections inside: {connections[0]}; crawl counters: {counters}")
        assert connections[0] == 0
    assert site.asked("/news/") == 5
    assert counters["errors/offsite_redirect"] == 2  # 1000001 (301), 1000003 (refresh)
    assert counters["errors/ambiguous_url"] == 1  # 1000004
    assert counters["errors/blocked_address/loopback"] == 1  # evil.dawn.com's robots.txt
    assert counters["articles/fetched/feed"] == 1  # 1000005, the one real story
    stats = CrawlState(redis_client, settings.key_prefix).stats("dawn")
    assert stats["errors/offsite_redirect"] == "2"
