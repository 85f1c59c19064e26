"""`ann dead-letters`: the batches the indexer gave up on — list them, and send them back;
with ``--alerts``, the saved searches' webhook calls given up on after their last retry.

A batch is dead-lettered when its message was malformed, when Elasticsearch stayed unreachable
through every retry, when its worker died or hung on it at every delivery, or on an unexpected
error; a single page is, when the engine refused it (see ``indexer/tasks.py``). Nothing of it
is lost, it waits in Redis for an operator. ``--replay`` sends every well-formed entry to the
indexer's queue again (writes are versioned, so an entry older than what is indexed ends as
``stale``) and keeps the malformed ones, which no replay can fix.

Replay is atomic per entry: ``LMOVE`` takes the oldest entry into a processing list, and it
leaves that list only once the send succeeded (or, malformed, back to the dead letters). A
replay interrupted anywhere resumes with what the processing list still holds. A webhook call
is replayed the same way: sent to the runner's queue as a new call (its retries afresh), and
removed from the dead letters only once sent.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from redis import Redis
from rich.table import Table

from ann.messages import IndexPagesMessage
from ann.ops.cli.common import console
from ann.settings import get_settings

app = typer.Typer()


def _message(entry: dict[str, Any]) -> IndexPagesMessage | None:
    try:
        return IndexPagesMessage.model_validate(entry.get("payload"))
    except ValidationError:
        return None


def _list(redis: Redis, key: str, trimmed: int) -> None:
    table = Table(title=f"dead letters in {key} (oldest trimmed so far: {trimmed})")
    for column in ("reason", "pages", "first page"):
        table.add_column(column)
    for raw in redis.lrange(key, 0, -1):
        entry = json.loads(raw)
        message = _message(entry)
        table.add_row(entry.get("reason", "?"), str(len(message.pages)) if message else "-",
                      message.pages[0].url if message and message.pages else "malformed")
    console.print(table)


def _alerts(replay: bool) -> None:
    """The webhook calls given up on: listed (newest first), or sent to the runner again."""
    from ann.keyspace import alert_dead_letters_key
    from ann.producer import TaskProducer
    from search_api.alerts.tasks import DELIVER_TASK

    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    key = alert_dead_letters_key(settings.key_prefix)
    if not replay:
        table = Table(title=f"webhook calls given up on, in {key}")
        for column in ("reason", "attempts", "at", "saved search", "story"):
            table.add_column(column)
        for raw in redis.lrange(key, 0, -1):
            entry = json.loads(raw)
            call = entry.get("call") or {}
            table.add_row(str(entry.get("reason")), str(entry.get("attempts")),
                          str(entry.get("at")), str(call.get("saved_search")),
                          str((call.get("story") or {}).get("cluster_id")))
        console.print(table)
        return
    producer = TaskProducer("ann-cli", settings.redis_url, settings.alerts_queue)
    sent = 0
    try:
        for _ in range(int(redis.llen(key))):
            oldest = redis.lindex(key, -1)
            if not isinstance(oldest, bytes):
                break
            producer.send(DELIVER_TASK, [json.loads(oldest)["call"]])
            redis.lrem(key, -1, oldest.decode())
            sent += 1
    finally:
        producer.close()
    console.print(f"sent {sent} webhook call(s) to {settings.alerts_queue}")


@app.command("dead-letters")
def dead_letters(
    replay: Annotated[bool, typer.Option(help="Send the well-formed batches to the indexer again")]
    = False,
    alerts: Annotated[bool, typer.Option(
        help="The saved searches' webhook calls given up on, instead of the indexer's")] = False,
) -> None:
    """List the batches the indexer dead-lettered (newest first), or replay them."""
    if alerts:
        _alerts(replay)
        return
    from ann.keyspace import dead_letters_key, replaying_key
    from crawler.handoff import IndexerClient
    from indexer.dead_letters import TRIMMED
    from indexer.outcomes import read_totals

    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    key, processing = dead_letters_key(settings.key_prefix), replaying_key(settings.key_prefix)
    if not replay:
        _list(redis, key, read_totals(redis, settings.key_prefix).get(TRIMMED, 0))
        return
    client = IndexerClient(settings.redis_url, settings.pages_queue, settings.key_prefix)
    sent = kept = 0
    # first what an interrupted replay left, then the dead letters, oldest first (right end)
    waiting = {processing: int(redis.llen(processing)), key: int(redis.llen(key))}
    try:
        for source, count in waiting.items():
            for _ in range(count):
                raw = (redis.lindex(processing, -1) if source == processing
                       else redis.lmove(key, processing, "RIGHT", "RIGHT"))
                if not isinstance(raw, bytes):
                    break
                message = _message(json.loads(raw))
                if message is None:
                    redis.lmove(processing, key, "RIGHT", "LEFT")
                    kept += 1
                    continue
                client.send(message.pages)
                redis.lrem(processing, -1, raw.decode())
                sent += 1
    finally:
        client.close()
    console.print(f"sent {sent} batch(es) to {settings.pages_queue}; kept {kept} malformed")
