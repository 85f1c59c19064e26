"""Every outcome of every page, counted in Redis so that all workers add to one tally.

Each page handed over ends in exactly one of: ``indexed``, ``unchanged``, ``stale`` (a newer
fetch is already stored), ``dropped/<reason>`` or ``failed/<reason>`` (refused: not an article,
an HTTP error, an extraction error …), or ``dead_lettered/<reason>`` (the engine refused it, or
it could not be written in time: kept in the dead letters for ``ann dead-letters --replay``).
``retried/<reason>`` counts pages sent round again after a transient engine error; they end in
one of the others later. ``hint_missed/<field>`` is a tally beside the outcome: a source hint
(registry CSS selector) was consulted and found nothing or something implausible, and the
generic cascade answered instead.

Counter names follow ``indexer/<outcome>[/<reason>]``; per-source tallies sit beside them so that
``ann status`` can show what each source produced and why pages were dropped. Failures are also
kept as records (url, reason, when) in a bounded list for an operator to inspect.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from redis import Redis

from ann.keyspace import failures_key, totals_key, unindexed_key
from ann.messages import RawPage
from ann.urls import document_id

MAX_FAILURE_RECORDS = 10_000
MAX_REASON_CHARS = 300
"""The engine's reason is kept to this length: enough to name the field and the cause."""



@dataclass(frozen=True, slots=True)
class Failure:
    url: str
    source_id: str
    outcome: str
    reason: str


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A page not written by this delivery, and why (the engine's error type and reason)."""

    page: RawPage
    reason: str


@dataclass(slots=True)
class BatchOutcome:
    """What happened to each page of one batch."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(source_id, outcome) → pages."""
    failures: list[Failure] = field(default_factory=list)
    dead: list[Undelivered] = field(default_factory=list)
    """Pages the engine refused for good: the task dead-letters each on its own."""
    retry: list[Undelivered] = field(default_factory=list)
    """Pages the engine could not take now (429, 5xx, timeouts): the task sends them again."""

    def count(self, source_id: str, outcome: str, n: int = 1) -> None:
        self.counts[(source_id, outcome)] += n

    def fail(self, url: str, source_id: str, outcome: str, reason: str) -> None:
        self.count(source_id, f"{outcome}/{reason}")
        self.failures.append(Failure(url, source_id, outcome, reason))

    def dead_letter(self, page: RawPage, kind: str, detail: str) -> None:
        self.fail(page.url, page.source_id, "dead_lettered", kind)
        self.dead.append(Undelivered(page, f"{kind}: {detail}"[:MAX_REASON_CHARS]))

    def total(self, outcome: str) -> int:
        return sum(n for (_, name), n in self.counts.items() if name == outcome)

    def settled(self, pages: Iterable[RawPage]) -> list[RawPage]:
        """The pages that reached their end in this delivery (neither dead-lettered nor to be
        sent again)."""
        open_ = {u.page.url for u in (*self.dead, *self.retry)}
        return [page for page in pages if page.url not in open_]


def record(
    redis: Redis, prefix: str, outcome: BatchOutcome, settled: Iterable[RawPage] = ()
) -> None:
    """Add a batch's outcomes to the shared tallies in one round trip; lift the unindexed mark
    of the ``settled`` pages (see :mod:`ann.keyspace`)."""
    pipe = redis.pipeline(transaction=False)
    for page in settled:
        pipe.zrem(unindexed_key(prefix), document_id(page.url))
        pipe.zrem(unindexed_key(prefix, page.source_id), page.url)
    for (source_id, name), n in outcome.counts.items():
        pipe.hincrby(totals_key(prefix), f"indexer/{name}", n)
        pipe.hincrby(totals_key(prefix, source_id), f"indexer/{name}", n)
    now = datetime.now(UTC).isoformat()
    for failure in outcome.failures:
        entry = {"at": now, "url": failure.url, "source_id": failure.source_id,
                 "outcome": failure.outcome, "reason": failure.reason}
        pipe.lpush(failures_key(prefix), json.dumps(entry))
    if outcome.failures:
        pipe.ltrim(failures_key(prefix), 0, MAX_FAILURE_RECORDS - 1)
    pipe.execute()


def read_totals(redis: Redis, prefix: str, source_id: str | None = None) -> dict[str, int]:
    raw: dict[bytes, bytes] = redis.hgetall(totals_key(prefix, source_id))  # type: ignore[assignment]
    return {k.decode(): int(v) for k, v in raw.items()}
