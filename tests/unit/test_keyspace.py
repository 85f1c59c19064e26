"""Redis keys are spelled in one module, :mod:`ann.keyspace`, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

from ann import keyspace

ROOT = Path(__file__).resolve().parents[2]
_SPELLED_KEY = re.compile(r"""(prefix\}|\{queue\}|["']\{prefix\}):""")
"""A key built in place: ``f"{prefix}:…"``, ``f"{self._prefix}:…"``, ``"{prefix}:…".format``."""


def test_no_module_but_the_keyspace_spells_a_key() -> None:
    spelled = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("ann", "crawler", "indexer", "search_api", "mirror")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != Path(keyspace.__file__)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _SPELLED_KEY.search(line)
    ]
    assert spelled == []


def test_every_key_of_a_deployment_starts_with_its_prefix() -> None:
    keys = [
        keyspace.url_key("p", "f"), keyspace.claim_key("p", "f"), keyspace.alive_key("p", "r"),
        keyspace.recent_key("p", "s"), keyspace.paused_key("p", "s"),
        keyspace.crawl_stats_key("p", "s"), keyspace.polite_next_key("p", "h"),
        keyspace.polite_backoff_key("p", "h"), keyspace.polite_active_key("p", "h"),
        keyspace.robots_body_key("p", "h"), keyspace.robots_delay_key("p", "h"),
        keyspace.robots_lock_key("p", "h"), keyspace.robots_unavailable_key("p", "h"),
        keyspace.feeds_due_key("p"), keyspace.feeds_interval_key("p"),
        keyspace.crawl_lock_key("p", "s", ["feeds"]), keyspace.redbeat_prefix("p"),
        keyspace.totals_key("p"), keyspace.totals_key("p", "s"), keyspace.failures_key("p"),
        keyspace.dead_letters_key("p"), keyspace.replaying_key("p"),
        keyspace.deliveries_key("p", "t", 0), keyspace.cluster_pending_key("p", "a"),
        keyspace.cluster_lock_key("p", "a"), keyspace.unindexed_key("p"),
        keyspace.unindexed_key("p", "s"), keyspace.saved_search_key("p", "i"),
        keyspace.saved_searches_key("p"), keyspace.client_searches_key("p", "h"),
        keyspace.alerted_key("p", "i"), keyspace.alert_feed_key("p", "i"),
        keyspace.alert_dead_letters_key("p"), keyspace.ledger_key("p", "q"),
        keyspace.ledger_since_key("p", "q"), keyspace.ledger_lock_key("p", "q"),
    ]
    assert all(key.startswith("p:") for key in keys)
    assert len(set(keys)) == len(keys)
