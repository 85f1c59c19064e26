"""One typed settings object per process, read from the environment at start-up.

Every value has a local default so that the README's commands work on a fresh machine; in
production the same names are set in the environment (``ES_URL``, ``REDIS_URL``, ...).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Final

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, which a container's cpuset narrows),
    else every CPU of the machine where the platform has no affinity."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Settings(BaseSettings):
    """Where the services are and how the pipeline behaves."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    es_url: str = Field(default="http://127.0.0.1:19200", alias="ES_URL")
    """One Elasticsearch node, or several separated by commas (``http://es1:9200,http://es2:9200``):
    the clients spread requests over them and leave out, for a while, a node that fails."""
    redis_url: str = Field(default="redis://127.0.0.1:16379/0", alias="REDIS_URL")
    key_prefix: str = Field(default="ann", alias="ANN_KEY_PREFIX", pattern=r"^[A-Za-z0-9_.-]+$")
    """Prefix of every Redis key the system writes, so that deployments can share a Redis."""
    index_alias: str = Field(default="ann-articles", alias="ANN_INDEX_ALIAS")
    mirror_url: str | None = Field(default=None, alias="ANN_MIRROR_URL")
    """When set, every fetch goes to this offline mirror instead of the live site."""
    politeness_scale: float = Field(default=1.0, alias="ANN_POLITENESS_SCALE", ge=0)
    """Multiplies every source's delay; the offline mirror runs with 0."""
    url_retention_days: float = Field(default=30, alias="ANN_URL_RETENTION_DAYS", gt=0)
    """How long a fetched URL is remembered (seen-set and validators) after its last fetch."""
    heartbeat_seconds: float = Field(default=30, alias="ANN_HEARTBEAT_SECONDS", ge=1)
    """A killed crawler's claims on URLs are taken over this long after its last heartbeat."""
    request_lease_seconds: float = Field(default=180, alias="ANN_REQUEST_LEASE_SECONDS", gt=0)
    """A host's request slot (one of its ``concurrency``) held longer than this is freed for the
    other crawler processes: its holder was killed. Longer than any request takes."""
    crawl_allow_networks: str = Field(default="", alias="ANN_CRAWL_ALLOW_NETWORKS")
    """Networks the live crawler may contact although they are not global ("198.18.0.0/15"
    for a test's simulated internet); empty in production: crawler/resolver.py refuses every
    loopback, private, link-local, shared or reserved address."""
    robots_retry_seconds: float = Field(default=600.0, alias="ANN_ROBOTS_RETRY_SECONDS", gt=0)
    """A host whose robots.txt answers 5xx or cannot be reached is not crawled (RFC 9309) until
    it is fetched again, this long after (by whichever crawler process comes first)."""
    crawl_log_level: str = Field(default="WARNING", alias="ANN_CRAWL_LOG_LEVEL")
    crawl_queue: str = Field(default="crawl", alias="ANN_CRAWL_QUEUE")
    schedule_tick_seconds: float = Field(default=5.0, alias="ANN_SCHEDULE_TICK_SECONDS", gt=0)
    """How often beat looks for feeds whose adaptive polling interval has run out."""
    schedule_cadence_scale: float = Field(default=1.0, alias="ANN_SCHEDULE_CADENCE_SCALE", gt=0)
    """Multiplies the fixed cadences of every source file (sitemaps 6 h, section fronts 24 h,
    edit re-checks 6 h): a test's 0.002 reads sitemaps every 43 s. Beat fires an entry first one
    whole cadence after it starts, so without it a new deployment reads no sitemap for 6 h."""
    crawl_max_pages: int = Field(default=20_000, alias="ANN_CRAWL_MAX_PAGES", ge=1)
    """Requests one crawl of one source may make (entry points and articles; robots.txt and
    retries aside). Sitemap indexes are followed three levels deep, but nothing else bounds how
    many sitemaps each lists: a calendar without end stops here, counted
    ``errors/page_budget``, and the next crawl starts afresh. A backfill may need more."""
    extra_sources_dir: Annotated[Path | None, BeforeValidator(lambda v: v or None)] = Field(
        default=None, alias="ANN_EXTRA_SOURCES_DIR")
    """A directory of more source files (``<id>.yaml``), read beside the registry's own: a
    deployment's sites of its own, or a test's hostile sites. Every process of a deployment
    must be given the same one."""
    visibility_timeout_seconds: int = Field(default=600, alias="ANN_VISIBILITY_TIMEOUT", ge=5)
    """How long a batch taken by a worker that died stays invisible before another takes it:
    longer than the slowest batch (retries included), short enough to recover lost work soon."""
    ledger_redrive_seconds: float = Field(default=30.0, alias="ANN_LEDGER_REDRIVE_SECONDS", gt=0)
    """How often an indexer worker looks in the ledger (:mod:`ann.ledger`) for batches lost on
    their way to a worker, and sends them again (one worker per interval does it)."""
    ledger_redrive_age_seconds: float = Field(default=120.0, alias="ANN_LEDGER_REDRIVE_AGE",
                                              gt=0)
    """A batch is called lost only once it was sent this long ago and is neither waiting in the
    queue nor held by a worker: far longer than the milliseconds between a producer's ledger
    write and its push, or between a worker's pop and its ``unacked`` record."""
    pages_queue: str = Field(default="pages", alias="ANN_PAGES_QUEUE")
    max_deliveries: int = Field(default=3, alias="ANN_MAX_DELIVERIES", ge=1)
    """A batch taken this many times by workers that died or hung on it (a poison batch) goes
    to the dead letters at its next delivery instead of round the workers again."""
    dead_letter_max: int = Field(default=10_000, alias="ANN_DEAD_LETTER_MAX", ge=1)
    """Dead letters kept; beyond it the oldest are trimmed, counted and logged as an alert."""
    unindexed_max_attempts: int = Field(default=3, alias="ANN_UNINDEXED_MAX_ATTEMPTS", ge=1)
    """How many times a page the engine keeps refusing is delivered: until then each dead letter
    marks it unindexed, so the crawler fetches it again as if new; after that the mark is lifted
    and only a changed body is sent again (a refusal for good must not cost a fetch and a dead
    letter at every re-check)."""
    index_soft_time_limit_seconds: float = Field(default=240, alias="ANN_INDEX_SOFT_TIME_LIMIT",
                                                 gt=0)
    """A batch still running after this long is stopped and dead-lettered with reason
    ``timeout`` (a page built to be slow must not hold a worker, nor go round the workers)."""
    index_hard_time_limit_seconds: float = Field(default=300, alias="ANN_INDEX_HARD_TIME_LIMIT",
                                                 gt=0)
    """The worker process is killed after this long (code stuck where the soft limit's
    exception cannot reach it, such as inside a C parser); below the visibility timeout."""
    download_timeout_seconds: float = Field(default=30, alias="ANN_DOWNLOAD_TIMEOUT", gt=0)
    """Longest a fetch may take, body included: a response that never finishes is dropped."""
    download_max_bytes: int = Field(default=50 * 1024 * 1024, alias="ANN_DOWNLOAD_MAXSIZE",
                                    ge=1)
    """Largest response, after decompression (a gzip bomb stops here): the sitemap protocol's
    own limit, since sitemaps are the largest documents a source legitimately serves."""
    download_warn_bytes: int = Field(default=8 * 1024 * 1024, alias="ANN_DOWNLOAD_WARNSIZE", ge=1)
    max_page_bytes: int = Field(default=5 * 1024 * 1024, alias="ANN_MAX_PAGE_BYTES", ge=1)
    """Largest article page handed to the indexer; larger ones are refused, counted as
    ``errors/too_large`` (extraction is linear, but a worker should not spend seconds on one)."""
    bulk_batch_size: int = Field(default=50, alias="ANN_BULK_BATCH_SIZE", ge=1, le=5000)
    handoff_batch_seconds: float = Field(default=2.0, alias="ANN_BATCH_SECONDS", gt=0)
    """The crawler hands a partial batch of pages to the indexer after this long: a lone new
    article is not held back until the batch fills."""
    queue_high_water: int = Field(default=400, alias="ANN_QUEUE_HIGH_WATER", ge=0)
    """Batches waiting on the pages queue at which crawlers hold their pages until the indexers
    catch up (0: never). Waiting pages live in Redis's memory twice (the queue and the ledger):
    400 batches of 50 pages is about 20,000 pages, some hundreds of MB."""
    refusals_to_pause: int = Field(default=3, alias="ANN_REFUSALS_TO_PAUSE", ge=1)
    """Refusals (401, 403, 451) that pause a source (crawler/middlewares/health.py)."""
    failures_to_pause: int = Field(default=10, alias="ANN_FAILURES_TO_PAUSE", ge=1)
    """Failing answers (429, 5xx) that pause a source."""
    pause_seconds: float = Field(default=6 * 3600, alias="ANN_PAUSE_SECONDS", gt=0)
    """How long a paused source is skipped."""
    shared_dir: Path = Field(default=REPO_ROOT.parent / "shared", alias="ANN_SHARED_DIR")
    """The team's shared material (dev set, third-party fixtures): read by tests and benchmarks
    that need real pages, never by the system itself."""
    mirror_prose_dir: Annotated[Path | None, BeforeValidator(lambda v: v or None)] = Field(
        default=None, alias="ANN_MIRROR_PROSE_DIR")
    """A directory laid out like the shared one whose real texts (and captured robots.txt
    files) the offline mirror uses; unset or empty: the mirror writes its own prose."""
    state_dir: Path = Field(default=REPO_ROOT / "var", alias="ANN_STATE_DIR")
    api_host: str = Field(default="127.0.0.1", alias="ANN_API_HOST")
    api_port: int = Field(default=18000, alias="ANN_API_PORT")
    api_workers: int = Field(default_factory=available_cpus, alias="ANN_API_WORKERS", ge=1)
    """Processes of one API server (uvicorn's ``--workers``), one per CPU by default: one
    process answers its requests on one event loop, which serialises the API's own work for
    concurrent clients on one core. The rate limiter divides its limit by this number
    (:mod:`search_api.ratelimit`); with more than one, ``/metrics`` needs
    ``PROMETHEUS_MULTIPROC_DIR`` (the launcher gives each server start a fresh one)."""
    variants_file: Annotated[Path | None, BeforeValidator(lambda v: v or None)] = Field(
        default=None, alias="ANN_VARIANTS_FILE")
    """An operator's own name and place variants, added to the shipped list
    (``ann/data/name_variants.txt``, same format) by ``ann variants load`` and the API's start."""
    variants_index: str = Field(default="ann-name-variants", alias="ANN_VARIANTS_INDEX")
    """The index holding the variants in force (one document), which every API process reads."""
    api_variants_refresh_seconds: float = Field(default=30.0, alias="ANN_API_VARIANTS_REFRESH",
                                                ge=0)
    """How long an API process uses the variants it read before reading them again: an
    ``ann variants load`` is live everywhere within this time (0: read for every query)."""
    api_es_timeout_seconds: float = Field(default=5.0, alias="ANN_API_ES_TIMEOUT", gt=0)
    """How long the API waits for Elasticsearch before answering 503: a slow query or a hung
    node must not hold a request (and its worker) indefinitely. With several nodes in ``ES_URL``
    a search that fails or times out on one node is tried on the next (this long per attempt)."""
    api_stale_after_hours: float = Field(default=24.0, alias="ANN_API_STALE_AFTER_HOURS", gt=0)
    """``GET /sources`` calls a source stale when nothing of it was indexed for this long."""
    api_rate_limit: str = Field(default="6000/minute", alias="ANN_API_RATE_LIMIT")
    """Requests per client address ("6000/minute", "50/second"); empty for no limit."""
    api_admin_key: str = Field(default="", alias="ANN_API_ADMIN_KEY", repr=False)
    """The ``X-API-Key`` of ``POST /admin/recrawl``; empty disables admin routes."""
    api_cursor_secret: str = Field(
        default="ann-development-cursor-secret", alias="ANN_API_CURSOR_SECRET", repr=False,
        min_length=1)
    """Signs the search cursors (HMAC): an edited cursor is refused. Every replica of one
    deployment must share it (a cursor from one is read by the next), so it is configured, not
    random per process; production sets its own, since this default is public."""
    api_timeline_exact_stories: int = Field(default=200_000,
                                            alias="ANN_API_TIMELINE_EXACT_STORIES", ge=0)
    """``GET /timeline`` counts stories exactly (a composite aggregation, one request per 10,000
    distinct period-and-story pairs) up to this many pairs; beyond, it gives the cardinality
    aggregation's estimate and says so."""
    api_export_max_rows: int = Field(default=1_000_000, alias="ANN_API_EXPORT_MAX_ROWS", ge=1)
    """The most rows one ``GET /export`` streams (a request may ask for fewer)."""
    api_export_page_size: int = Field(default=2000, alias="ANN_API_EXPORT_PAGE_SIZE", ge=1,
                                      le=10_000)
    """Hits per ``search_after`` request of an export: what the API holds in memory at a
    time, whatever the export's size (the engine's result window, 10,000, bounds it)."""
    api_trusted_proxies: str = Field(default="", alias="ANN_API_TRUSTED_PROXIES")
    """Addresses or networks ("10.0.0.0/8,172.16.0.1") of the reverse proxies whose
    ``X-Forwarded-For`` names the client (rate limiting keys on it); empty: trust none, a
    client is its connection's address."""
    alerts_queue: str = Field(default="alerts", alias="ANN_ALERTS_QUEUE")
    """The queue of the saved-search runner (``search_api.alerts``): its checks and webhooks."""
    alerts_interval_seconds: float = Field(default=60.0, alias="ANN_ALERTS_INTERVAL", gt=0)
    """How often beat asks the runner to check every saved search for new matches."""
    alerts_overlap_seconds: float = Field(default=600.0, alias="ANN_ALERTS_OVERLAP", gt=0)
    """Each check reads back this far before its saved search's watermark: a copy clustered
    just before the last check but searchable only after it (refresh, a slow write, clocks of
    different workers) is still found. Stories already alerted are skipped, so the overlap
    costs a search, never a second alert."""
    alerts_memory_days: float = Field(default=90.0, alias="ANN_ALERTS_MEMORY_DAYS", gt=0)
    """How long a saved search remembers a story it alerted (never alerted again meanwhile)."""
    alerts_feed_entries: int = Field(default=100, alias="ANN_ALERTS_FEED_ENTRIES", ge=1)
    """Entries a saved search's Atom feed keeps, newest first."""
    alerts_per_client: int = Field(default=100, alias="ANN_ALERTS_PER_CLIENT", ge=1)
    """Saved searches one client key may hold."""
    alerts_webhook_retries: int = Field(default=6, alias="ANN_ALERTS_WEBHOOK_RETRIES", ge=0)
    """Retries of a webhook call that failed (5xx, 429, no answer) before it is dead-lettered."""
    alerts_webhook_backoff_seconds: float = Field(default=30.0, alias="ANN_ALERTS_WEBHOOK_BACKOFF",
                                                  ge=0)
    """The first retry's delay; each next one waits twice as long (30 s, 1 min … 16 min)."""
    alerts_webhook_backoff_max_seconds: float = Field(
        default=3600.0, alias="ANN_ALERTS_WEBHOOK_BACKOFF_MAX", ge=0)
    alerts_webhook_timeout_seconds: float = Field(default=10.0, alias="ANN_ALERTS_WEBHOOK_TIMEOUT",
                                                  gt=0)
    """Longest a webhook call may take; a receiver that answers later counts as failed."""
    alerts_webhook_allow_networks: str = Field(default="",
                                               alias="ANN_ALERTS_WEBHOOK_ALLOW_NETWORKS")
    """Networks a webhook may be sent to although they are not global ("127.0.0.0/8" for a
    test's receiver); empty in production: a webhook naming a loopback, private, link-local or
    reserved address is refused, so a saved search cannot make the runner call inside the
    deployment's network."""
    alerts_dead_letter_max: int = Field(default=10_000, alias="ANN_ALERTS_DEAD_LETTER_MAX", ge=1)
    """Webhook calls given up on that are kept (newest), for ``ann dead-letters``."""
    mirror_port: int = Field(default=18080, alias="ANN_MIRROR_PORT")
    warc_dir: Annotated[Path | None, BeforeValidator(lambda v: v or None)] = Field(
        default=REPO_ROOT / "var" / "warc", alias="ANN_WARC_DIR")
    """WARC archive of every fetch (crawler/extensions/warc.py); ANN_WARC_DIR="" turns it off."""
    warc_max_bytes: int = Field(default=100 * 1024 * 1024, alias="ANN_WARC_MAX_BYTES", ge=1)
    warc_max_seconds: float = Field(default=3600.0, alias="ANN_WARC_MAX_SECONDS", gt=0)
    warc_retain_days: float = Field(default=90.0, alias="ANN_WARC_RETAIN_DAYS", ge=0)
    """Finished WARC files older than this are deleted when a crawler closes a file; 0 keeps
    them forever."""
    warc_retain_bytes: int = Field(default=50 * 1024**3, alias="ANN_WARC_RETAIN_BYTES", ge=0)
    """The archive directory's finished files are kept under this total, oldest deleted first,
    so that a long-running crawler cannot fill its disk; 0 for no cap."""
    crawler_metrics_port: int = Field(default=0, alias="ANN_CRAWLER_METRICS_PORT", ge=0, le=65535)
    """Port of a crawl worker's Prometheus ``/metrics``; 0 serves none (tests start many)."""
    indexer_metrics_port: int = Field(default=0, alias="ANN_INDEXER_METRICS_PORT", ge=0, le=65535)
    """Port of an indexer worker's Prometheus ``/metrics``; 0 serves none."""
    metrics_dir: Path | None = Field(default=None, alias="PROMETHEUS_MULTIPROC_DIR")
    """Where each process of a worker writes its counters for the worker to serve their sum
    (prometheus-client's multiprocess mode, which reads this variable itself): required when a
    metrics port is set, and a directory of that one worker's own."""

    @property
    def es_nodes(self) -> list[str]:
        """The nodes of ``ES_URL``, for the Elasticsearch clients."""
        return [node.strip() for node in self.es_url.split(",") if node.strip()]


DEFAULTS: Final[Settings] = Settings.model_construct()
"""The defaults alone, environment unread: what a component falls back to when it is configured
another way than from :func:`get_settings` (a Scrapy component built by a test's own crawler)."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; tests build their own ``Settings(...)`` instead."""
    return Settings()
