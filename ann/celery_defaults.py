"""Celery settings shared by the crawler's and the indexer's apps: at-least-once delivery.

A task is acknowledged only after it ran (``task_acks_late``), a worker killed mid-task hands
its message back (``task_reject_on_worker_lost``), a worker takes one message at a time, and
messages are JSON, never pickle. Both apps' tasks are idempotent, which makes this safe.
"""

from typing import Any

from ann.keyspace import unacked_index_key, unacked_key, unacked_mutex_key

AT_LEAST_ONCE: dict[str, Any] = {
    "task_serializer": "json",
    "accept_content": ["json"],
    "task_ignore_result": True,
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "worker_prefetch_multiplier": 1,
    "broker_connection_retry_on_startup": True,
    "worker_hijack_root_logger": False,
}


def in_flight_keys(queue: str) -> dict[str, str]:
    """kombu transport options that keep an app's in-flight bookkeeping beside its own queue.

    kombu's Redis transport keeps every app's unacknowledged messages in one ``unacked`` hash
    per database by default, and each worker hands back whatever in it is older than *its own*
    visibility timeout: an indexer worker (10 minutes) would requeue a crawl job that runs for
    an hour, and a second crawl worker would run it again. With one set of keys per queue, each
    app restores only its own messages, under its own timeout.
    """
    return {
        "unacked_key": unacked_key(queue),
        "unacked_index_key": unacked_index_key(queue),
        "unacked_mutex_key": unacked_mutex_key(queue),
    }
