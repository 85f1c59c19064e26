"""`ann dead-letters` on real Redis: what the indexer gave up on is listed, and replayed to the
indexer's queue; a malformed batch is kept, since no replay can fix it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from redis import Redis
from typer.testing import CliRunner

from ann.keyspace import dead_letters_key
from ann.messages import INDEX_PAGES_TASK, Discovery, IndexPagesMessage, RawPage
from ann.ops.cli import app
from ann.settings import Settings
from tests.support.queued import queued_messages

pytestmark = pytest.mark.integration


def test_dead_letters_are_listed_and_the_well_formed_ones_replayed(
    services: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={"key_prefix": f"dead-{tag}",
                                           "pages_queue": f"test-{tag}-pages"})
    monkeypatch.setattr("ann.ops.cli.deadletters.get_settings", lambda: settings)
    redis = Redis.from_url(settings.redis_url)
    key = dead_letters_key(settings.key_prefix)
    page = RawPage(url="https://www.dawn.com/news/1", final_url="https://www.dawn.com/news/1",
                   status=200, fetched_at=datetime(2026, 11, 28, tzinfo=UTC), source_id="dawn",
                   discovery=Discovery(kind="feed"), body_z=RawPage.pack_body(b"<html/>"))
    good = IndexPagesMessage(pages=[page]).model_dump(mode="json")
    for entry in ({"reason": "gave_up/ConnectionError", "payload": good},
                  {"reason": "malformed_message", "payload": {"pages": "nonsense"}}):
        redis.lpush(key, json.dumps(entry))
    try:
        listed = CliRunner().invoke(app, ["dead-letters"])
        assert listed.exit_code == 0, listed.output
        assert "gave_up/ConnectionError" in listed.output and "malformed" in listed.output
        assert "https://www.dawn.com/news/1" in listed.output

        replayed = CliRunner().invoke(app, ["dead-letters", "--replay"])
        assert replayed.exit_code == 0, replayed.output
        assert "sent 1 batch(es)" in replayed.output and "kept 1 malformed" in replayed.output
        assert [(task, [p.url for p in m.pages])
                for task, m in queued_messages(redis, settings.pages_queue)] == [
            (INDEX_PAGES_TASK, ["https://www.dawn.com/news/1"])]
        left = [json.loads(raw)["reason"] for raw in redis.lrange(key, 0, -1)]
        assert left == ["malformed_message"]
    finally:
        redis.delete(key, settings.pages_queue)
        redis.close()
