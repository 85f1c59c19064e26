"""Celery settings shared by the crawler's and the indexer's apps: at-least-once delivery.

A task is acknowledged only after it ran (``task_acks_late``), a worker killed mid-task hands
its message back (``task_reject_on_worker_lost``), a worker takes one message at a time, and
messages are JSON, never pickle. Both apps' tasks are idempotent, which makes this safe.
"""

from typing import Any

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
