"""Dead letters on real Redis: the list is bounded (oldest trimmed, counted, shown), a page the
engine keeps refusing is fetched again a bounded number of times, and a replay interrupted
between taking an entry and sending it loses nothing and resumes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from redis import Redis
from typer.testing import CliRunner

from ann.keyspace import dead_letters_key, replaying_key
from ann.messages import Discovery, IndexPagesMessage, RawPage
from ann.ops.cli import app
from ann.settings import Settings
from crawler.state import CrawlState
from indexer.dead_letters import GIVEN_UP, TRIMMED, DeadLetters
from indexer.outcomes import read_totals
from tests.support.queued import queued_urls

pytestmark = pytest.mark.integration


def _page(n: int) -> RawPage:
    url = f"https://www.dawn.com/news/{n}"
    return RawPage(url=url, final_url=url, status=200, source_id="dawn",
                   fetched_at=datetime(2026, 11, 28, tzinfo=UTC), discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(b"<html/>"))


@pytest.fixture
def settings(own_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This test's own settings, also where the CLI commands read theirs."""
    for module in ("ann.ops.cli.deadletters", "ann.ops.cli.status"):
        monkeypatch.setattr(f"{module}.get_settings", lambda: own_settings)
    return own_settings


def test_the_list_keeps_the_newest_and_counts_what_it_trimmed(
    settings: Settings, redis_client: Redis
) -> None:
    letters = DeadLetters(redis_client, settings.key_prefix, limit=3, forget_seconds=60,
                          max_attempts=3)
    for n in range(5):
        letters.add(IndexPagesMessage(pages=[_page(n)]).model_dump(mode="json"), f"reason-{n}",
                    [_page(n)])
    kept = [json.loads(e)["reason"]
            for e in redis_client.lrange(dead_letters_key(settings.key_prefix), 0, -1)]
    assert kept == ["reason-4", "reason-3", "reason-2"]
    assert read_totals(redis_client, settings.key_prefix)[TRIMMED] == 2
    shown = CliRunner().invoke(app, ["dead-letters"])
    assert "oldest trimmed so far: 2" in shown.output, shown.output


def test_a_page_refused_for_good_stops_being_fetched_again_after_the_cap(
    settings: Settings, redis_client: Redis
) -> None:
    """The crawler's view, on its real state: while the page is marked it is re-checked and
    fetched as if new (no record); the third dead letter lifts the mark, and the page's record
    (its body hash) is back, so only a changed body is sent again."""
    letters = DeadLetters(redis_client, settings.key_prefix, limit=100, forget_seconds=60,
                          max_attempts=3)
    crawler = CrawlState(redis_client, settings.key_prefix)
    page, other = _page(1), _page(2)
    for sent in (page, other):
        crawler.remember(sent.url, etag=None, last_modified=None, body_hash="same-body")
    seen = []
    for _ in range(3):
        letters.add_pages([(page, "mapper_parsing_exception")])
        seen.append((crawler.record(page.url) is None, page.url in crawler.recent("dawn", 1)))
    assert seen == [(True, True), (True, True), (False, False)]
    record = crawler.record(page.url)
    assert record is not None and record.body_hash == "same-body"
    letters.add_pages([(other, "mapper_parsing_exception")])  # another page keeps its chances
    assert crawler.record(other.url) is None and other.url in crawler.recent("dawn", 1)
    assert read_totals(redis_client, settings.key_prefix)[GIVEN_UP] == 1
    assert read_totals(redis_client, settings.key_prefix, "dawn")[GIVEN_UP] == 1


def test_an_interrupted_replay_loses_nothing_and_resumes(
    settings: Settings, redis_client: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replay dies (KeyboardInterrupt, as a killed process would) while sending the second
    entry: it is still in the processing list, and the next replay sends it first."""
    key = dead_letters_key(settings.key_prefix)
    for n in range(3):  # oldest is 0
        redis_client.lpush(key, json.dumps({"reason": "gave_up/ConnectionError", "payload":
                                            IndexPagesMessage(pages=[_page(n)]).model_dump(
                                                mode="json")}))
    from crawler.handoff import IndexerClient

    real_send = IndexerClient.send
    calls = {"n": 0}

    def dying_send(self: IndexerClient, pages: list[RawPage]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real_send(self, pages)

    monkeypatch.setattr(IndexerClient, "send", dying_send)
    interrupted = CliRunner().invoke(app, ["dead-letters", "--replay"])
    assert interrupted.exit_code == 130  # click's answer to KeyboardInterrupt
    assert queued_urls(redis_client, settings.pages_queue) == [_page(0).url]
    assert redis_client.llen(replaying_key(settings.key_prefix)) == 1
    assert redis_client.llen(key) == 1

    monkeypatch.setattr(IndexerClient, "send", real_send)
    resumed = CliRunner().invoke(app, ["dead-letters", "--replay"])
    assert resumed.exit_code == 0, resumed.output
    assert "sent 2 batch(es)" in resumed.output
    assert sorted(queued_urls(redis_client, settings.pages_queue)) == sorted(
        _page(n).url for n in range(3))
    assert redis_client.llen(replaying_key(settings.key_prefix)) == 0
    assert redis_client.llen(key) == 0
