"""One canonical URL for the crawler's seen-set and the indexer's ``_id`` (ann/urls.py)."""

from __future__ import annotations

import uuid

import pytest
from redis import Redis

from ann.settings import Settings
from ann.urls import canonical_url, document_id
from crawler.state import CrawlState

ARTICLE = "https://www.koreaherald.com/view.php?ud=20230101000123"


def test_tracking_fragment_case_and_default_port_give_one_url() -> None:
    variants = [
        ARTICLE,
        "HTTPS://WWW.KoreaHerald.com:443/view.php?ud=20230101000123#comments",
        "https://www.koreaherald.com/view.php?utm_source=rss&ud=20230101000123&utm_medium=feed",
        "https://www.koreaherald.com/view.php?fbclid=IwAR0x&ud=20230101000123&gclid=Cj0",
        "http://www.koreaherald.com:80/view.php?ud=20230101000123",
    ]
    assert {canonical_url(v) for v in variants} == {ARTICLE}


def test_query_that_names_the_article_is_kept() -> None:
    other = "https://www.koreaherald.com/view.php?ud=20230101000999"
    assert document_id(ARTICLE) != document_id(other)
    assert canonical_url("https://x.example/a?b=2&a=1") == "https://x.example/a?a=1&b=2"
    assert canonical_url("https://x.example:8443/a") == "https://x.example:8443/a"


@pytest.mark.integration  # Redis
def test_the_seen_set_knows_a_page_under_its_tracking_variants(
    services: Settings, redis_client: Redis
) -> None:
    state = CrawlState(redis_client, f"{services.key_prefix}-urls-{uuid.uuid4().hex[:6]}")
    state.remember(ARTICLE, etag='"v1"', last_modified=None, body_hash="h1")
    tracked = "https://WWW.koreaherald.com/view.php?ud=20230101000123&utm_campaign=x#top"
    record = state.record(tracked)
    assert record is not None and (record.etag, record.body_hash) == ('"v1"', "h1")
    assert state.claim(ARTICLE, 60)
    other_run = CrawlState(redis_client, state.prefix)
    state.heartbeat()
    assert not other_run.claim(tracked, 60)  # the same page, claimed by the first run
