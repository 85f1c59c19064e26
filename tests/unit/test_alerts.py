"""The saved searches' pure parts: keys, signatures, the webhook's address rule, the backoff,
the Atom feed's escaping, and the beat entry that runs the checks."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from lxml import etree

from ann.messages import CHECK_ALERTS_TASK
from ann.settings import Settings
from ann.sources import load_registry
from crawler.schedule import beat_schedule
from search_api.alerts.feed import render
from search_api.alerts.keys import key_hash, new_key, new_search_id, valid_key
from search_api.alerts.models import SavedSearch, Story
from search_api.alerts.runner import stories
from search_api.alerts.tasks import backoff
from search_api.alerts.webhook import (
    PermanentFailure,
    check_address,
    networks,
    signature,
    verify,
)
from search_api.params import Filters

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_a_made_key_is_valid_and_only_its_hash_names_it() -> None:
    key = new_key()
    assert valid_key(key) and len(key) >= 43
    assert key_hash(key) != key and len(key_hash(key)) == 64
    assert not valid_key("short") and not valid_key("ä" * 40) and not valid_key("a" * 129)
    assert len(new_search_id()) == 22


def test_the_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"story": 1}'
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature("secret", body) == f"sha256={expected}"
    assert verify("secret", body, signature("secret", body))
    assert not verify("secret", body + b" ", signature("secret", body))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest",
    "http://[::1]/hook", "ftp://example.org/x", "http:///nohost",
])
def test_a_webhook_inside_the_deployment_is_refused(url: str) -> None:
    with pytest.raises(PermanentFailure):
        check_address(url, [])


def test_allowed_networks_let_a_test_receiver_through() -> None:
    check_address("http://127.0.0.1:9/hook", networks("127.0.0.0/8"))


def test_the_backoff_doubles_up_to_its_cap() -> None:
    settings = Settings.model_construct(alerts_webhook_backoff_seconds=30.0,
                                        alerts_webhook_backoff_max_seconds=100.0)
    assert [backoff(settings, n) for n in range(4)] == [30.0, 60.0, 100.0, 100.0]


def _story(cluster_id: str, title: str) -> Story:
    return Story(cluster_id=cluster_id, article_id=cluster_id, title=title,
                 url="https://example.org/a?x=1&y=<2>", source_name="The Star",
                 published_at=NOW, standfirst="A & B", copies=3, alerted_at=NOW)


def test_the_feed_escapes_markup_and_drops_what_xml_cannot_carry() -> None:
    search = SavedSearch(id="abc", name="floods <b>", query=Filters(), key_hash="h",
                         created_at=NOW, watermark=NOW)
    title = "Floods <script>alert(1)</script> & \x00rain\x1b"
    atom = render(search, [_story("c1", title), _story("c2", "second")],
                  "http://api/saved-searches/abc/feed")
    root = etree.fromstring(atom)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    parsed = feedparser.parse(atom)
    assert [e.id for e in parsed.entries] == ["urn:ann:story:c1", "urn:ann:story:c2"]
    assert parsed.entries[0].title == "Floods <script>alert(1)</script> & rain"
    assert parsed.entries[0].link == "https://example.org/a?x=1&y=<2>"
    assert b"<script>" not in atom
    assert parsed.feed.title == "ANN saved search: floods <b>"


def test_copies_of_one_story_are_one_story_shown_by_its_original() -> None:
    hits = [{"_source": {"id": i, "cluster_id": "hub", "url": f"https://x/{i}"}}
            for i in ("star", "hub", "dawn")]
    hits.append({"_source": {"id": "other", "cluster_id": "other", "url": "https://x/o"}})
    found = stories(iter(hits), NOW)
    assert [(s.cluster_id, s.article_id, s.copies) for s in found] == [
        ("hub", "hub", 3), ("other", "other", 1)]


def test_beat_sends_the_check_to_the_alerts_queue() -> None:
    schedule = beat_schedule(load_registry(), 5.0, "crawl", alerts=("alerts", 60.0))
    entry = schedule["alerts:check"]
    assert entry["task"] == CHECK_ALERTS_TASK
    assert entry["schedule"] == timedelta(seconds=60)
    assert entry["options"] == {"queue": "alerts", "expires": 60.0}
