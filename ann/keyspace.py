"""Every Redis key of the system, named in one place of the kernel: no other module spells one.

All keys but kombu's start with the deployment's prefix (``ANN_KEY_PREFIX``, ``<p>`` below), so
two deployments can share one Redis. ``<fp>`` is a URL's fingerprint (:func:`ann.urls.document_id`
of its canonical form), ``<source>`` a registry id, ``<host>`` a URL's ``host[:port]``.

================================================  ==========  ==========  ========================
Key                                               Type        Owner       Lifetime
================================================  ==========  ==========  ========================
``<p>:url:<fp>``                                  hash        crawler     ``ANN_URL_RETENTION_DAYS``
                                                                          after the last fetch
``<p>:claim:<fp>``                                string      crawler     the claim's TTL; free once
                                                                          its run's heartbeat lapses
``<p>:alive:<run>``                               string      crawler     heartbeat
                                                                          (``ANN_HEARTBEAT_SECONDS``)
``<p>:recent:<source>``                           sorted set  crawler     trimmed to the recheck
                                                                          window at each recheck
``<p>:paused:<source>``                           string      crawler     the pause's length
``<p>:crawl:stats:<source>``                      hash        crawler     kept (counters)
``<p>:polite:next:<host>``                        string      crawler     twice the host's delay
``<p>:polite:backoff:<host>``                     string      crawler     the back-off, + 1 s
``<p>:polite:active:<host>``                      sorted set  crawler     a request slot's lease
``<p>:robots:body:<host>``                        string      crawler     1 day
``<p>:robots:delay:<host>``                       string      crawler     1 day
``<p>:robots:lock:<host>``                        string      crawler     30 s
``<p>:robots:unavailable:<host>``                 string      crawler     robots retry seconds
``<p>:feeds:due``                                 sorted set  crawler     kept (one member a source)
``<p>:feeds:interval``                            hash        crawler     kept (one field a source)
``<p>:crawl-lock:<source>:<kinds>``               lock        crawler     the job's timeout
``<p>:redbeat…``                                  (redbeat)   crawler     redbeat's schedule keys
``<p>:indexer:outcomes[:<source>]``               hash        indexer     kept (counters)
``<p>:indexer:failures``                          list        indexer     the newest 10,000
``<p>:indexer:dead-letters``                      list        indexer     ``ANN_DEAD_LETTER_MAX``
``<p>:indexer:dead-letters:replaying``            list        operations  until the replay sends it
``<p>:indexer:deliveries:<task>:<retry>``         string      indexer     a delivery's memory
``<p>:indexer:cluster-pending:<alias>``           string      indexer     until a run takes it
``<p>:indexer:cluster-lock:<alias>``              lock        indexer     the clustering lock's TTL
``<p>:unindexed``, ``<p>:unindexed:<source>``     sorted set  indexer     URL retention (read by
                                                                          the crawler, see below)
``<p>:ledger:<queue>``                            hash        producer /  until the indexer settles
                                                              indexer     the batch (see below)
``<p>:ledger-since:<queue>``                      sorted set  producer /  as the ledger's hash
                                                              indexer
``<p>:ledger-lock:<queue>``                       string      indexer     the re-drive interval
``<p>:alerts:search:<id>``                        hash        API         until deleted
``<p>:alerts:searches``                           set         API         kept (every saved search)
``<p>:alerts:client:<key hash>``                  set         API         kept (a client's searches)
``<p>:alerts:seen:<id>``                          sorted set  alerts      trimmed to ``ANN_ALERTS_
                                                                          MEMORY_DAYS``
``<p>:alerts:feed:<id>``                          list        alerts      trimmed to ``ANN_ALERTS_
                                                                          FEED_ENTRIES``
``<p>:alerts:dead-letters``                       list        alerts      trimmed to ``ANN_ALERTS_
                                                                          DEAD_LETTER_MAX``
``<queue>``, ``<queue>:unacked[_index|_mutex]``   kombu       Celery      until acknowledged
================================================  ==========  ==========  ========================

**Unindexed pages.** The crawler remembers each fetched page's body hash and validators, and
calls a page whose next fetch matches them unchanged. A page the indexer did not index (the
engine refused it, or it was dead-lettered) must not stay hidden that way, so the indexer notes
the page (score: how many dead letters it has had) in two sorted sets — one of the pages' keys
(:func:`ann.urls.document_id`, the key of the crawler's records too), read when the crawler looks
up its records; one of the URLs per source, read with the source's re-checks because its feed may
no longer list the page —
and removes it as soon as a later delivery of that URL ends (indexed, unchanged, stale or
refused with a reason), or when its dead letters reach ``ANN_UNINDEXED_MAX_ATTEMPTS`` (a page
refused for good). The crawler and the indexer never import each other: both take the
names from here.

**The ledger** (:mod:`ann.ledger`). Every batch sent to a pages queue through
:class:`ann.producer.TaskProducer` with a ledger (the crawl, WARC replay, dead-letter replay) is
first written to ``<p>:ledger:<queue>`` (task id -> task name and arguments) and
``<p>:ledger-since:<queue>`` (task id -> when it was last sent); the indexer deletes both once the
batch is written, found unchanged, refused or dead-lettered. An entry that is older than
``ANN_LEDGER_REDRIVE_AGE`` and whose message is neither waiting in the queue nor held
unacknowledged was lost on its way to a worker (a Redis restart between the worker's ``BRPOP`` and
its ``unacked`` record): the indexer workers send it again (``<p>:ledger-lock:<queue>`` lets one
of them look per ``ANN_LEDGER_REDRIVE_SECONDS``).
"""

from __future__ import annotations

from collections.abc import Iterable


def _key(prefix: str, *parts: str) -> str:
    return ":".join((prefix, *parts))


# -- the crawler's state (crawler/state.py) -------------------------------------------------
def url_key(prefix: str, fingerprint: str) -> str:
    """A URL's record: validators, body hash, first and last fetch (the seen-set); for a
    sitemap index also the children it listed (JSON), which its next 304 stands for."""
    return _key(prefix, "url", fingerprint)


def claim_key(prefix: str, fingerprint: str) -> str:
    """The run that fetches a URL now."""
    return _key(prefix, "claim", fingerprint)


def alive_key(prefix: str, run_id: str = "") -> str:
    """A run's heartbeat; with no run, the stem its claim script appends an owner to."""
    return _key(prefix, "alive", run_id)


def recent_key(prefix: str, source_id: str) -> str:
    """A source's articles by publication time, re-checked for edits within the window."""
    return _key(prefix, "recent", source_id)


def paused_key(prefix: str, source_id: str) -> str:
    return _key(prefix, "paused", source_id)


def crawl_stats_key(prefix: str, source_id: str) -> str:
    return _key(prefix, "crawl", "stats", source_id)


# -- politeness, robots.txt, feed cadence, jobs (crawler/) ----------------------------------
def polite_next_key(prefix: str, host: str) -> str:
    """When the host's next request may be sent (ms, Redis's clock)."""
    return _key(prefix, "polite", "next", host)


def polite_backoff_key(prefix: str, host: str) -> str:
    return _key(prefix, "polite", "backoff", host)


def polite_active_key(prefix: str, host: str) -> str:
    """The host's request slots in use, by lease expiry."""
    return _key(prefix, "polite", "active", host)


def robots_body_key(prefix: str, host: str) -> str:
    return _key(prefix, "robots", "body", host)


def robots_delay_key(prefix: str, host: str) -> str:
    """The host's ``Crawl-delay`` as its robots.txt last said (seconds; 0 for none)."""
    return _key(prefix, "robots", "delay", host)


def robots_lock_key(prefix: str, host: str) -> str:
    return _key(prefix, "robots", "lock", host)


def robots_unavailable_key(prefix: str, host: str) -> str:
    return _key(prefix, "robots", "unavailable", host)


def feeds_due_key(prefix: str) -> str:
    return _key(prefix, "feeds", "due")


def feeds_interval_key(prefix: str) -> str:
    return _key(prefix, "feeds", "interval")


def crawl_lock_key(prefix: str, source_id: str, kinds: Iterable[str]) -> str:
    """One crawl job per source and set of entry-point kinds at a time."""
    return _key(prefix, "crawl-lock", source_id, "+".join(kinds))


def redbeat_prefix(prefix: str) -> str:
    """The stem of celery-redbeat's schedule keys (redbeat names the rest)."""
    return _key(prefix, "redbeat")


# -- the indexer (indexer/) ------------------------------------------------------------------
def totals_key(prefix: str, source_id: str | None = None) -> str:
    """Outcome counters: of every source, or of one."""
    return _key(prefix, "indexer", "outcomes", *([source_id] if source_id else []))


def failures_key(prefix: str) -> str:
    return _key(prefix, "indexer", "failures")


def dead_letters_key(prefix: str) -> str:
    return _key(prefix, "indexer", "dead-letters")


def replaying_key(prefix: str) -> str:
    """Dead letters taken by a replay and not yet sent: an interrupted replay resumes here."""
    return _key(prefix, "indexer", "dead-letters", "replaying")


def deliveries_key(prefix: str, task_id: str, retries: int) -> str:
    """How often this try of a message was delivered (Celery on Redis does not say)."""
    return _key(prefix, "indexer", "deliveries", task_id, str(retries))


def cluster_pending_key(prefix: str, alias: str) -> str:
    return _key(prefix, "indexer", "cluster-pending", alias)


def cluster_lock_key(prefix: str, alias: str) -> str:
    return _key(prefix, "indexer", "cluster-lock", alias)


def unindexed_key(prefix: str, source_id: str | None = None) -> str:
    """The sorted set of unindexed pages: all their keys, or the URLs of one source."""
    return _key(prefix, "unindexed", *([source_id] if source_id else []))


def ledger_key(prefix: str, queue: str) -> str:
    """Batches sent to ``queue`` and not yet settled: task id -> JSON (task name, args)."""
    return _key(prefix, "ledger", queue)


def ledger_since_key(prefix: str, queue: str) -> str:
    """The same batches by when each was last sent (seconds since the epoch)."""
    return _key(prefix, "ledger-since", queue)


def ledger_lock_key(prefix: str, queue: str) -> str:
    """Held by the worker that re-drives ``queue``'s lost batches, for one interval."""
    return _key(prefix, "ledger-lock", queue)


# -- saved searches and their alerts (search_api/alerts/) -----------------------------------
def saved_search_key(prefix: str, search_id: str) -> str:
    """A saved search: its owner's key hash, its query, webhook and watermark."""
    return _key(prefix, "alerts", "search", search_id)


def saved_searches_key(prefix: str) -> str:
    """Every saved search's id: what each scheduled check goes through."""
    return _key(prefix, "alerts", "searches")


def client_searches_key(prefix: str, key_hash: str) -> str:
    """The ids of the saved searches of one client key (by the key's hash, never the key)."""
    return _key(prefix, "alerts", "client", key_hash)


def alerted_key(prefix: str, search_id: str) -> str:
    """The stories (``cluster_id``) a saved search has alerted, by when: never twice."""
    return _key(prefix, "alerts", "seen", search_id)


def alert_feed_key(prefix: str, search_id: str) -> str:
    """A saved search's feed entries, newest first (JSON)."""
    return _key(prefix, "alerts", "feed", search_id)


def alert_dead_letters_key(prefix: str) -> str:
    """Webhook calls given up on after the last retry, newest first (JSON)."""
    return _key(prefix, "alerts", "dead-letters")


# -- kombu's, beside each queue (ann/celery_defaults.py) ---------------------------------------
def unacked_key(queue: str) -> str:
    """The hash of the messages of ``queue`` taken by a worker and not yet acknowledged."""
    return f"{queue}:unacked"


def unacked_index_key(queue: str) -> str:
    return f"{queue}:unacked_index"


def unacked_mutex_key(queue: str) -> str:
    return f"{queue}:unacked_mutex"
