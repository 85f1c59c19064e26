"""`ann dead-letters`: the batches the indexer gave up on — list them, and send them back.

A batch is dead-lettered when its message was malformed, when Elasticsearch stayed unreachable
through every retry, or on an unexpected error (see ``indexer/tasks.py``); nothing of it is lost,
it waits in Redis for an operator. ``--replay`` sends every well-formed batch to the indexer's
queue again (indexing is idempotent, so a batch that partly succeeded is safe to send twice) and
keeps the malformed ones, which no replay can fix.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from redis import Redis
from rich.table import Table

from ann.cli.common import console
from ann.messages import IndexPagesMessage
from ann.settings import get_settings

app = typer.Typer()


def _message(entry: dict[str, Any]) -> IndexPagesMessage | None:
    try:
        return IndexPagesMessage.model_validate(entry.get("payload"))
    except ValidationError:
        return None


@app.command("dead-letters")
def dead_letters(
    replay: Annotated[bool, typer.Option(help="Send the well-formed batches to the indexer again")]
    = False,
) -> None:
    """List the batches the indexer dead-lettered (newest first), or replay them."""
    from crawler.handoff import IndexerClient
    from indexer.outcomes import dead_letters_key

    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    key = dead_letters_key(settings.key_prefix)
    if not replay:
        table = Table(title=f"dead letters in {key}")
        for column in ("reason", "pages", "first page"):
            table.add_column(column)
        for raw in redis.lrange(key, 0, -1):
            entry = json.loads(raw)
            message = _message(entry)
            table.add_row(entry.get("reason", "?"), str(len(message.pages)) if message else "-",
                          message.pages[0].url if message and message.pages else "malformed")
        console.print(table)
        return
    client = IndexerClient(settings.redis_url, settings.pages_queue)
    sent = kept = 0
    try:
        for _ in range(int(redis.llen(key))):
            popped = redis.rpop(key)  # oldest first
            if not isinstance(popped, bytes | str):
                break
            message = _message(json.loads(popped))
            if message is None:
                redis.lpush(key, popped)
                kept += 1
                continue
            try:
                client.send(message.pages)
            except Exception:
                redis.rpush(key, popped)  # back where it was
                raise
            sent += 1
    finally:
        client.close()
    console.print(f"sent {sent} batch(es) to {settings.pages_queue}; kept {kept} malformed")
