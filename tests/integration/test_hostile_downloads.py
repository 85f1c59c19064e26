"""One crawl process polls several sources; hostile answers from one never stop the others.

The mirror makes two sources hostile: three of one's article pages answer with a gzip bomb
(about 1 MB that inflates to more than 1 GiB), a response that never finishes, and an 8 MB page;
every entry point of the other (feeds, sitemaps, section fronts) is a gzip bomb. One
``ann crawl`` process reads those two and two well-behaved sources together, as the schedule's
feed polls do. Every article of the well-behaved sources is queued, the hostile source's other
articles too, and each hostile answer is counted by reason for its source in ``ann status``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from redis import Redis

from ann.ops.cli.status import _crawl as crawl_status
from ann.settings import Settings
from crawler.state import CrawlState
from mirror.manifest import Manifest
from mirror.server import Hostile, MirrorServer
from tests.support.harness import run_crawl
from tests.support.mirrors import generate
from tests.support.queued import queued_messages

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

HOSTILE_PAGES = "dawn"
HOSTILE_ENTRIES = "island"
WELL_BEHAVED = ("kuensel", "thestar")
PAGE_FAULTS: tuple[Hostile, ...] = ("gzip_bomb", "never_finishes", "oversize")
DOWNLOAD_TIMEOUT = 3


@dataclass(frozen=True)
class Crawl:
    manifest: Manifest
    queued: dict[str, set[str]]
    hostile_urls: dict[Hostile, str]
    errors: dict[str, dict[str, int]]
    """``ann status --json``'s crawl errors by reason, per source."""


def _status_errors(redis: Redis, prefix: str, source_ids: list[str]) -> dict[str, dict[str, int]]:
    """The "crawl errors" column of ``ann status``, read by the function that fills it."""
    state = CrawlState(redis, prefix)
    return {sid: crawl_status(state, sid)["errors"] for sid in source_ids}


@pytest.fixture(scope="module")
def crawl(services: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    tag = uuid.uuid4().hex[:8]
    prefix = f"test-{tag}"
    settings = services.model_copy(update={"pages_queue": f"test-{tag}-hostile"})
    root = tmp_path_factory.mktemp("mirror")
    manifest = generate(root)
    mirror = MirrorServer(root)
    victims = manifest.for_source(HOSTILE_PAGES)[:len(PAGE_FAULTS)]
    hostile_urls = {kind: victim.url for kind, victim in zip(PAGE_FAULTS, victims, strict=True)}
    for kind, url in hostile_urls.items():
        parts = urlsplit(url)
        mirror.set_hostile(parts.netloc, parts.path, kind)
    site = next(s for s in manifest.sites if s.source_id == HOSTILE_ENTRIES)
    for entry in (*site.feeds, *site.sitemaps, *site.sections):
        mirror.set_hostile(site.host, urlsplit(entry).path, "gzip_bomb")
    mirror.start()
    redis = Redis.from_url(settings.redis_url)
    try:
        run_crawl(settings, mirror.url, HOSTILE_PAGES, HOSTILE_ENTRIES, *WELL_BEHAVED,
                  extra_env={"ANN_KEY_PREFIX": prefix,
                             "ANN_DOWNLOAD_TIMEOUT": str(DOWNLOAD_TIMEOUT)})
        queued: dict[str, set[str]] = defaultdict(set)
        for _task, message in queued_messages(redis, settings.pages_queue):
            for page in message.pages:
                queued[page.source_id].add(page.url)
        sources = [HOSTILE_PAGES, HOSTILE_ENTRIES, *WELL_BEHAVED]
        yield Crawl(manifest, queued, hostile_urls, _status_errors(redis, prefix, sources))
    finally:
        mirror.stop()
        for pattern in (f"*{settings.pages_queue}*", f"{prefix}:*"):
            for key in redis.scan_iter(match=pattern):
                redis.delete(key)
        redis.close()


@pytest.mark.parametrize("source_id", WELL_BEHAVED)
def test_well_behaved_sources_queue_all_their_articles(source_id: str, crawl: Crawl) -> None:
    expected = {a.url for a in crawl.manifest.for_source(source_id)}
    queued = crawl.queued.get(source_id, set())
    assert expected and expected == queued, f"never queued: {sorted(expected - queued)[:5]}"
    assert not crawl.errors[source_id], crawl.errors[source_id]


def test_hostile_pages_cost_only_themselves(crawl: Crawl) -> None:
    expected = {a.url for a in crawl.manifest.for_source(HOSTILE_PAGES)}
    hostile = set(crawl.hostile_urls.values())
    queued = crawl.queued.get(HOSTILE_PAGES, set())
    assert queued == expected - hostile, f"missing: {sorted(expected - hostile - queued)[:5]}"


def test_hostile_pages_are_counted_by_reason(crawl: Crawl) -> None:
    errors = crawl.errors[HOSTILE_PAGES]
    print(f"{HOSTILE_PAGES}: {errors}")
    assert errors.get("too_large", 0) >= 2  # the bomb and the 8 MB page
    assert errors.get("timeout", 0) >= 1  # the response that never finishes
    # beside the download counters, the spider counts each article it gave up on by exception
    assert {k for k in errors if not k.startswith("articles/failed/")} == {"too_large",
                                                                         "timeout"}, errors


def test_hostile_entry_points_are_counted_by_reason(crawl: Crawl) -> None:
    errors = crawl.errors[HOSTILE_ENTRIES]
    print(f"{HOSTILE_ENTRIES}: {errors}")
    assert not crawl.queued.get(HOSTILE_ENTRIES)
    assert errors.get("too_large", 0) >= 1
    # on a loaded machine the 3 s download timeout may also cut a bomb still in transit
    assert set(errors) <= {"too_large", "timeout"}, errors
