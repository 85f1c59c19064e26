"""The live code path on a simulated internet, across several hosts (issue 10, item 3).

Nine hosts in network namespaces (``tests/support``): the internet (the mirror's sites at their
real names, HTTPS with the test's own certificate authority, the sites' redirects), a data host
with Redis, two Elasticsearch nodes forming one cluster, two crawler hosts (Celery crawl workers,
beat on the first), two indexer hosts and an API host. Every process runs in live mode — no
``ANN_MIRROR_URL`` anywhere — and reaches Redis and Elasticsearch by host name.

The tests run in order on one deployment: the schedule alone indexes every article of the 22
sources (feeds polled, the sources without feeds by their sitemaps on cadences scaled down by
``ANN_SCHEDULE_CADENCE_SCALE``); new feed items become searchable by themselves while an indexer
host and an Elasticsearch node are down and Redis restarts, queries answering throughout;
``POST /admin/recrawl`` runs a crawl job at once; at the end every article is indexed exactly
once. Six hostile sites (:mod:`tests.support.hostile`, on a host of their own) are crawled by
the same schedule: nothing reaches an internal address, and ``ann status`` accounts for each
hostile page by its reason.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import httpx
import pytest
import trustme
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from ann.keyspace import crawl_lock_key
from ann.ops.cli.status import _crawl as crawl_status
from ann.sources import load_registry
from crawler.state import CrawlState
from mirror.manifest import Manifest
from tests.support import hostile
from tests.support.deployment import (
    ADMIN_KEY,
    CRAWLERS,
    ES_NODES,
    INDEXERS,
    Deployment,
)
from tests.support.mirrors import generate
from tests.support.netns import namespaces
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]

ALIAS = "ann-articles"  # the deployment's default: nothing in its environment changes it
CADENCE_SCALE = float(Deployment.SETTINGS["ANN_SCHEDULE_CADENCE_SCALE"])
FEEDLESS = sorted(s.id for s in load_registry() if not s.entry_points.feeds)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if os.geteuid() != 0:
        pytest.fail("the simulated hosts need root (ip netns, veth, a bridge)")
    deployment = Deployment(tmp_path_factory.mktemp("hosts"))
    with deployment.running():
        yield deployment
    left = [ns for ns in namespaces() if ns.startswith(f"annh{deployment.net.number}-")]
    assert not left, f"namespaces left behind: {left}"


@pytest.fixture(scope="module")
def es(world: Deployment) -> Iterator[Elasticsearch]:
    client = Elasticsearch([f"http://{world.address(n)}:9200" for n in ES_NODES],
                           request_timeout=30, max_retries=3, retry_on_timeout=True)
    yield client
    client.close()


def _manifest(world: Deployment) -> Manifest:
    assert world.manifest is not None
    return world.manifest


def _indexed(es: Elasticsearch) -> Counter[str]:
    """How many documents the index holds for each article URL."""
    es.indices.refresh(index=ALIAS)
    return Counter(str(hit["_source"]["url"])
                   for hit in scan(es, index=ALIAS, _source=["url"],
                                   query={"query": {"match_all": {}}}))


def _fetched_pages(world: Deployment, since: int = 0) -> Counter[str]:
    """Pages (200s) the internet served to each host, from its access log."""
    log = world.requests()[since:]
    by_address = {world.address(h): h for h in CRAWLERS}
    return Counter(by_address.get(str(r["client"]), str(r["client"]))
                   for r in log if r["status"] == 200)


def test_the_internet_redirects_like_the_sites_and_needs_its_authority(world: Deployment) -> None:
    assert world.certificates is not None
    path = {"PATH": "/usr/bin:/bin"}
    ca = str(world.certificates.ca)
    for start, landed in [("http://thestar.com.my/robots.txt",
                           "https://www.thestar.com.my/robots.txt"),
                          ("http://www.asianews.network/feed/", "https://asianews.network/feed/")]:
        out = world.net.run("crawl1", ["curl", "-sS", "-L", "--cacert", ca, "-o", "/dev/null",
                                       "-w", "%{url_effective} %{num_redirects} %{http_code}",
                                       start], path)
        assert out.stdout.split() == [landed, "2", "200"], (out.stdout, out.stderr)
    untrusted = world.net.run("crawl1", ["curl", "-sS", "-o", "/dev/null",
                                         "https://www.thestar.com.my/robots.txt"], path)
    assert untrusted.returncode == 60, untrusted.stderr  # "SSL certificate problem"


def test_every_process_is_live_and_reaches_the_services_by_name(world: Deployment) -> None:
    for name, process in world.processes.items():
        if name in {"internet", "data", *ES_NODES}:
            continue
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0")
        env = dict(item.decode().split("=", 1) for item in environ if b"=" in item)
        assert "ANN_MIRROR_URL" not in env, name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["ES_URL"] == "http://es1:9200,http://es2:9200", name
    hosts = {world.address(h): h for h in world.net.hosts} | {world.net.gateway: "test"}
    clients = {hosts.get(c["addr"].rsplit(":", 1)[0], c["addr"])
               for c in world.redis().client_list()}
    assert {*CRAWLERS, *INDEXERS} <= clients, clients
    assert not any(c.startswith("127.") for c in clients), clients


def test_the_schedule_alone_indexes_every_article(
    world: Deployment, es: Elasticsearch, report: Callable[[str], None]
) -> None:
    """Feeds by adaptive polling, the sources without feeds by their sitemaps and section
    fronts, read on the source files' cadences scaled by ``ANN_SCHEDULE_CADENCE_SCALE``."""
    articles = _manifest(world).articles
    expected = {a.url for a in articles}
    by_feeds = {a.url for a in articles if a.source_id not in FEEDLESS}
    feeds_seconds = wait_until(lambda: by_feeds <= set(_indexed(es)),
                               "every feed article indexed by the schedule", 900, 3)
    seconds = wait_until(lambda: expected <= set(_indexed(es)),
                         "every article indexed by the schedule", 600, 3)
    crawlers = {world.address(h) for h in CRAWLERS}
    requested = {(r["scheme"], r["host"], r["path"]) for r in world.requests()
                 if r["client"] in crawlers}
    for source in load_registry():  # each entry point fetched at its live URL, not a mirror
        points = source.entry_points
        for url in [*points.feeds, *(points.sitemaps if not points.feeds else [])]:
            parts = urlsplit(url)
            assert (parts.scheme, parts.netloc, parts.path) in requested, url
    report(f"schedule: {len(by_feeds)} articles of {22 - len(FEEDLESS)} sources with feeds "
          f"indexed {feeds_seconds:.0f} s after the start, all {len(expected)} of the 22 "
          f"sources (sitemaps and sections every {CADENCE_SCALE * 6 * 3600:.0f} / "
          f"{CADENCE_SCALE * 24 * 3600:.0f} s) {feeds_seconds + seconds:.0f} s after the "
          "start, nobody running a command")


HOSTILE_REASONS = {
    "bentnews": ("offsite_redirect", "blocked_address/"),
    "bombpost": ("too_large",),
    "slowpost": ("timeout",),
    "downpost": ("robots_unavailable/http_503",),
    "calendarpost": ("page_budget",),
}
"""What ``ann status`` must count for each hostile site: its crawl errors by reason."""


def _crawl_errors(world: Deployment) -> dict[str, dict[str, int]]:
    """The "crawl errors" column of ``ann status`` for the hostile sources, read by the function
    that fills it (cheap enough to poll; the real command is run once it is all there)."""
    state = CrawlState(world.redis(), "ann")
    return {sid: crawl_status(state, sid)["errors"] for sid in hostile.SOURCES}


def _accounted(errors: dict[str, dict[str, int]]) -> bool:
    return all(any(key.startswith(reason) for key in errors[source])
               for source, reasons in HOSTILE_REASONS.items() for reason in reasons)


def test_hostile_sites_cost_only_themselves_and_are_accounted_by_reason(
    world: Deployment, es: Elasticsearch, report: Callable[[str], None]
) -> None:
    """Six hostile sites declared as sources (``ANN_EXTRA_SOURCES_DIR``) beside the 22, crawled
    by the same schedule (the 22 all indexed: the test before). Nothing reaches the internal
    address, each site's real story is indexed, and ``ann status --json`` (the real command, on
    the API host) counts each hostile page by its reason."""
    sites = world.hostile
    assert sites is not None
    stories = set(sites.stories.values())
    seconds = wait_until(lambda: _accounted(_crawl_errors(world))
                         and stories <= set(_indexed(es)),
                         "every hostile page accounted for, every real story indexed", 600, 3)
    run = world.net.run("api", [sys.executable, "-m", "ann", "status", "--json"],
                        world.env("api"), timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    status = json.loads(run.stdout)
    wild = world.requests(world.wild_log)
    calendar = [r for r in wild if str(r["path"]).startswith(hostile.CALENDAR_PREFIX)]
    report(f"hostile sites accounted for {seconds:.0f} s after the members were indexed; "
          f"connections to the internal address: {world.inside_connections[0]}; "
          f"calendar pages served: {len(calendar)}")
    for source in hostile.SOURCES:
        report(f"{source}: crawl errors {status['crawl'][source]['errors']}, "
              f"documents {status['documents'].get(source, 0)}")
    assert world.inside_connections[0] == 0
    for source, reasons in HOSTILE_REASONS.items():
        errors = status["crawl"][source]["errors"]
        for reason in reasons:
            assert any(key.startswith(reason) for key in errors), (source, reason, errors)
    assert status["crawl"]["bentnews"]["errors"]["offsite_redirect"] >= 3  # IP, member, refresh
    other = urlsplit(hostile.OTHER_MEMBER_URL)
    assert not [r for r in world.requests() if r["path"] == other.path]
    down = hostile.host("downpost")
    assert not [r for r in wild if r["host"] == down and r["path"] != "/robots.txt"]
    assert {s: status["documents"].get(s, 0) for s in sites.stories} == dict.fromkeys(
        sites.stories, 1)
    heavy = es.search(index=ALIAS, query={"term": {"url": sites.stories["heavypost"]}},
                      source_includes=["body_truncated", "body_length", "tags"])
    document = heavy["hits"]["hits"][0]["_source"]
    report(f"heavypost: indexed, body_truncated {document['body_truncated']}, "
          f"body_length {document['body_length']}, tags {document.get('tags')}")
    assert document["body_truncated"] is True


@dataclass
class Queries:
    """Searches sent to the API host while the test takes hosts down, answered or failed."""

    url: str
    keyword: str
    answered: int = 0
    failed: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=15) as client:
            while not self._stop.is_set():
                try:
                    reply = client.get(f"{self.url}/search", params={"q": self.keyword})
                    if reply.status_code == 200 and reply.json()["total"] > 0:
                        self.answered += 1
                    else:
                        self.failed.append(f"{time.strftime('%X')} {reply.status_code} "
                                           f"{reply.text[:200]}")
                except httpx.HTTPError as error:
                    self.failed.append(f"{time.strftime('%X')} {error!r}")
                time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()


def test_new_feed_items_are_searchable_through_a_node_down_and_a_redis_restart(
    world: Deployment, es: Elasticsearch, report: Callable[[str], None]
) -> None:
    manifest = _manifest(world)
    queries = Queries(world.api_url, manifest.articles[0].keyword)
    thread = threading.Thread(target=queries.run, daemon=True)
    thread.start()
    try:
        masters = cast(list[dict[str, str]], es.cat.master(format="json").body)
        master = masters[0]["node"]
        down_node = next(n for n in ES_NODES if n != master)  # a cluster of two keeps its master
        wait_until(lambda: es.cluster.health(index=ALIAS)["status"] == "green",
                   "the replica allocated", 120)
        world.stop(INDEXERS[1])
        print(f"\n{time.strftime('%X')} stopping {down_node}")
        world.stop(down_node)
        print(f"{time.strftime('%X')} {down_node} stopped")
        after = generate(world.mirror, per_site=world.per_site, extra=1)
        world.manifest = after
        new = {a.url for a in after.articles if a.extra and a.source_id not in FEEDLESS}
        assert new
        redis = world.redis()
        wait_until(lambda: not list(redis.scan_iter(crawl_lock_key("*", "*", ["*"]))),
                   "a moment with no crawl job running", 300, 0.5)
        world.restart_redis()
        seconds = wait_until(lambda: new <= set(_indexed(es)),
                             "new feed items indexed", 600, 3)
    finally:
        queries.stop()
        thread.join(timeout=30)
    report(f"new items: {len(new)} in the feeds, searchable {seconds:.0f} s after they "
          f"appeared; meanwhile {INDEXERS[1]} and {down_node} down, Redis restarted")
    report(f"queries while a node was down: answered {queries.answered} / "
          f"failed {len(queries.failed)}")
    assert queries.answered > 0
    assert queries.failed == []


def test_admin_recrawl_runs_a_crawl_job_now(
    world: Deployment, report: Callable[[str], None]
) -> None:
    """The job the API queues is run by a crawl worker, which reads the sources' entry points
    (every article is already indexed by the schedule: nothing new to fetch)."""
    sources = FEEDLESS[:2]
    reply = httpx.post(f"{world.api_url}/admin/recrawl", headers={"X-API-Key": ADMIN_KEY},
                       json={"sources": sources}, timeout=30)
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["job_id"]
    seconds = wait_until(lambda: world.crawl_results(job_id),
                         "the recrawl job finished on a crawl host", 300, 1)
    summary = world.crawl_results(job_id)[0]
    requests = {s: sum(summary[s]["requests"].values()) for s in sources}
    report(f"POST /admin/recrawl {sources}: job done in {seconds:.0f} s, requests {requests}")
    assert set(summary) == set(sources), summary
    assert all(requests.values()), summary


def test_a_crawler_that_does_not_trust_the_sites_authority_fetches_nothing(
    world: Deployment, report: Callable[[str], None]
) -> None:
    """Scrapy accepts any certificate unless told otherwise. A crawl with another authority in
    ``SSL_CERT_FILE`` must not get one request through (the handshake fails first). It runs on
    the API host, where no scheduled crawl sends requests of its own, under a key prefix of
    its own: no URL claim, seen-set or robots.txt hold is shared with the scheduled crawls of
    the same source (which may run at the same moment), and its failures hold nothing for
    them."""
    stranger = world.work / "another-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    env = {**world.env("api"), "SSL_CERT_FILE": str(stranger), "ANN_KEY_PREFIX": "untrusted"}
    since = len(world.requests())
    run = world.net.run("api", [sys.executable, "-m", "crawler.run", "--entry", "sitemaps",
                                "--", "statesman"], env, timeout=300)
    summary = json.loads(run.stdout.strip().splitlines()[-1])["statesman"]
    reached = [r for r in world.requests()[since:] if r["client"] == world.address("api")]
    report(f"untrusted authority: {sum(summary['requests'].values())} requests sent, "
          f"{len(reached)} reached the internet; crawl errors {summary['errors']}")
    assert summary["requests"], summary
    assert reached == []
    assert summary["errors"], summary


def test_every_article_is_indexed_exactly_once_and_every_host_worked(
    world: Deployment, es: Elasticsearch, report: Callable[[str], None]
) -> None:
    expected = {a.url for a in _manifest(world).articles}
    wait_until(lambda: expected <= set(_indexed(es)),
               "the new items of the sources without feeds indexed by their sitemaps", 300, 3)
    assert world.hostile is not None
    hostile_hosts = set(world.hostile.names)
    indexed = Counter({url: n for url, n in _indexed(es).items()
                       if urlsplit(url).hostname not in hostile_hosts})
    duplicated = sorted(url for url, n in indexed.items() if n > 1)
    report(f"articles: expected {len(expected)} / indexed {len(expected & set(indexed))} / "
          f"duplicated {len(duplicated)} / not in the mirror {len(set(indexed) - expected)}")
    fetched = _fetched_pages(world)
    for host in CRAWLERS:
        report(f"{host}: {fetched[host]} pages fetched from the internet")
    for host, (batches, pages) in world.batches_by_host().items():
        report(f"{host}: {batches} batches, {pages} pages indexed")
    assert duplicated == []
    assert set(indexed) == expected
    assert all(fetched[h] > 0 for h in CRAWLERS), fetched
    assert all(pages > 0 for _, pages in world.batches_by_host().values())
