"""The runner's tasks: check every saved search (beat's tick), call one webhook (with retries).

``check_all`` goes through the saved searches one by one; a search that fails (the engine
refused its query, Elasticsearch is away) is logged and counted, and the others are still
checked — the failed one is checked again from its unchanged watermark at the next tick.
Each new story of a search with a webhook becomes one ``deliver`` task; ``deliver`` retries a
transient failure with exponential backoff (``ANN_ALERTS_WEBHOOK_BACKOFF`` doubled each time,
at most ``ANN_ALERTS_WEBHOOK_BACKOFF_MAX``) ``ANN_ALERTS_WEBHOOK_RETRIES`` times, then puts the
call in the dead letters (``ann dead-letters``), as it does at once with a permanent failure.
A search deleted before its call is sent is not called.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from celery import Task
from elasticsearch import ApiError, Elasticsearch, TransportError
from redis import Redis

from ann.messages import CHECK_ALERTS_TASK
from ann.settings import Settings, get_settings
from ann.variants import Group
from ann.variants import load as load_variants
from search_api.alerts.celery_app import app
from search_api.alerts.models import SavedSearch, Story, WebhookCall
from search_api.alerts.runner import check
from search_api.alerts.store import SavedSearchStore
from search_api.alerts.webhook import PermanentFailure, TransientFailure, Webhook, networks
from search_api.variants import read_groups

logger = logging.getLogger(__name__)
DELIVER_TASK = "search_api.alerts.deliver"


@lru_cache(maxsize=1)
def _context() -> tuple[Settings, Elasticsearch, SavedSearchStore]:
    """Made in the pool process that first needs it (after the fork), once."""
    settings = get_settings()
    es = Elasticsearch(settings.es_nodes, request_timeout=30)
    store = SavedSearchStore(Redis.from_url(settings.redis_url), settings.key_prefix,
                             settings.alerts_feed_entries,
                             timedelta(days=settings.alerts_memory_days))
    return settings, es, store


@lru_cache(maxsize=1)
def _started_with(variants_file: Path | None) -> list[Group]:
    """The shipped name variants and the operator's file, as an API process starts with."""
    return load_variants(variants_file)


def backoff(settings: Settings, retries: int) -> float:
    """Seconds before retry number ``retries + 1``."""
    return float(min(settings.alerts_webhook_backoff_seconds * 2 ** retries,
                     settings.alerts_webhook_backoff_max_seconds))


@app.task(name=CHECK_ALERTS_TASK)  # type: ignore[untyped-decorator]
def check_all() -> dict[str, int]:
    """Check every saved search once; how many were checked, failed, and stories alerted."""
    settings, es, store = _context()
    overlap = timedelta(seconds=settings.alerts_overlap_seconds)
    # a saved search selects what /search would: its q expanded with the same name variants
    variants = tuple(read_groups(es, settings.variants_index,
                                 _started_with(settings.variants_file)))
    counts = {"checked": 0, "failed": 0, "alerted": 0}
    for search_id in store.all_ids():
        search = store.get(search_id)
        if search is None:  # deleted since the list was read
            continue
        search = search.model_copy(
            update={"query": search.query.model_copy(update={"variants": variants})})
        now = datetime.now(UTC)
        try:
            new = check(es, settings.index_alias, store, search, now, overlap,
                        partial(_queue_call, search))
        except (ApiError, TransportError) as error:
            logger.warning("saved search %s not checked: %s", search_id, error)
            counts["failed"] += 1
            continue
        counts["checked"] += 1
        counts["alerted"] += len(new)
    logger.info("saved searches: %s", counts)
    return counts


def _queue_call(search: SavedSearch, story: Story) -> None:
    if search.webhook_url:
        call = WebhookCall(saved_search=search.id, name=search.name, story=story)
        deliver.apply_async(args=[call.model_dump(mode="json")])


@app.task(name=DELIVER_TASK, bind=True)  # type: ignore[untyped-decorator]
def deliver(self: Task, call: dict[str, Any]) -> str:
    """Call the webhook of ``call``'s saved search with it; what happened."""
    settings, _, store = _context()
    parsed = WebhookCall.model_validate(call)
    search = store.get(parsed.saved_search)
    if search is None or not search.webhook_url or not search.webhook_secret:
        return "dropped/search_gone"
    body = parsed.model_dump_json().encode("utf-8")
    webhook = Webhook(settings.alerts_webhook_timeout_seconds,
                      networks(settings.alerts_webhook_allow_networks))
    delivery = f"{search.id}:{parsed.story.cluster_id}"
    retries: int = self.request.retries
    try:
        webhook.call(search.webhook_url, search.webhook_secret, body, delivery)
    except TransientFailure as error:
        if retries < settings.alerts_webhook_retries:
            raise self.retry(countdown=backoff(settings, retries), max_retries=None) from error
        return _dead(store, settings, call, f"gave_up/{error}", retries + 1)
    except PermanentFailure as error:
        return _dead(store, settings, call, f"refused/{error}", retries + 1)
    return "delivered"


def _dead(store: SavedSearchStore, settings: Settings, call: dict[str, Any], reason: str,
          attempts: int) -> str:
    logger.warning("webhook call dead-lettered after %d attempt(s): %s", attempts, reason)
    store.dead_letter({"reason": reason, "attempts": attempts,
                       "at": datetime.now(UTC).isoformat(), "call": call},
                      settings.alerts_dead_letter_max)
    return "dead_lettered"
