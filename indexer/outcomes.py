"""Every outcome of every page, counted in Redis so that all workers add to one tally.

Counter names follow ``indexer/<outcome>[/<reason>]``; per-source tallies sit beside them so that
``ann status`` can show what each source produced and why pages were dropped. Failures are also
kept as records (url, reason, when) in a bounded list for an operator to inspect.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from redis import Redis

MAX_FAILURE_RECORDS = 10_000


def totals_key(prefix: str, source_id: str | None = None) -> str:
    return f"{prefix}:indexer:outcomes" + (f":{source_id}" if source_id else "")


def failures_key(prefix: str) -> str:
    return f"{prefix}:indexer:failures"


def dead_letters_key(prefix: str) -> str:
    return f"{prefix}:indexer:dead-letters"


@dataclass(frozen=True, slots=True)
class Failure:
    url: str
    source_id: str
    outcome: str
    reason: str


@dataclass(slots=True)
class BatchOutcome:
    """What happened to each page of one batch."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(source_id, outcome) → pages."""
    failures: list[Failure] = field(default_factory=list)

    def count(self, source_id: str, outcome: str, n: int = 1) -> None:
        self.counts[(source_id, outcome)] += n

    def fail(self, url: str, source_id: str, outcome: str, reason: str) -> None:
        self.count(source_id, f"{outcome}/{reason}")
        self.failures.append(Failure(url, source_id, outcome, reason))

    def total(self, outcome: str) -> int:
        return sum(n for (_, name), n in self.counts.items() if name == outcome)


def record(redis: Redis, prefix: str, outcome: BatchOutcome) -> None:
    """Add a batch's outcomes to the shared tallies in one round trip."""
    pipe = redis.pipeline(transaction=False)
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
