"""The crawl workers' Prometheus metrics, per source: requests, responses by status, bytes, pages
queued for the indexer, errors by reason; and crawl jobs by outcome.

A crawl runs in a child process of the job (:mod:`crawler.tasks`) and reports its summary per
source when it ends; the job's pool process adds that summary to its counters as the job
succeeds (Celery's ``task_success``), and counts a failed job (``task_failure``). The worker's
main process serves the sum over its pool (:mod:`ann.worker_metrics`). Counters therefore move
when a crawl ends, not while it runs: a job lasts seconds (a feed poll) to an hour.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from celery import Task
from prometheus_client import Counter

from ann.messages import CRAWL_SOURCES_TASK

_LABELS = ("source",)

REQUESTS = Counter("ann_crawler_requests", "Requests that reached the downloader, per source",
                   _LABELS, registry=None)
RESPONSES = Counter("ann_crawler_responses", "Responses received, per source and HTTP status",
                    ("source", "status"), registry=None)
RESPONSE_BYTES = Counter("ann_crawler_response_bytes",
                         "Bytes of the responses received (as downloaded), per source",
                         _LABELS, registry=None)
PAGES_QUEUED = Counter("ann_crawler_pages_queued",
                       "Article pages handed to the indexer's queue, per source",
                       _LABELS, registry=None)
ERRORS = Counter("ann_crawler_errors",
                 "Requests that failed, per source and reason (the download exception's type, "
                 "or the crawler's own reason for refusing or dropping a page)",
                 ("source", "reason"), registry=None)
JOBS = Counter("ann_crawler_jobs", "Crawl jobs run by this worker, by entry kinds and outcome",
               ("kinds", "outcome"), registry=None)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def observe_crawl(summaries: Mapping[str, Mapping[str, Any]]) -> None:
    """Add one crawl's summary per source (``crawler.run.summarize``) to the counters."""
    for source_id, summary in summaries.items():
        REQUESTS.labels(source=source_id).inc(sum(map(_number, summary["requests"].values())))
        for status, n in summary["responses"].items():
            RESPONSES.labels(source=source_id, status=str(status)).inc(_number(n))
        RESPONSE_BYTES.labels(source=source_id).inc(_number(summary.get("response_bytes")))
        PAGES_QUEUED.labels(source=source_id).inc(_number(summary.get("queued_pages")))
        reasons = {**summary["errors"], **{key.removeprefix("errors/"): n
                                           for key, n in summary.items()
                                           if key.startswith("errors/")}}
        for reason, n in reasons.items():
            ERRORS.labels(source=source_id, reason=reason).inc(_number(n))


def _kinds(task: Task) -> str:
    args: list[Any] = list(task.request.args or [])
    return "+".join(args[1]) if len(args) > 1 else ""


def job_succeeded(sender: Task, result: Any, **_: object) -> None:
    """``task_success`` receiver: a crawl job's summary (empty when every source was already
    being crawled by another job: ``skipped``)."""
    if sender.name == CRAWL_SOURCES_TASK:
        observe_crawl(result or {})
        JOBS.labels(kinds=_kinds(sender), outcome="ok" if result else "skipped").inc()


def job_failed(sender: Task, **_: object) -> None:
    """``task_failure`` receiver: the crawl process failed, its summary is lost."""
    if sender.name == CRAWL_SOURCES_TASK:
        JOBS.labels(kinds=_kinds(sender), outcome="failed").inc()
