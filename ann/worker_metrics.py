"""A Celery worker's Prometheus endpoint: the sum of what every process of the worker counted.

A worker's tasks do not run in the process that could answer ``GET /metrics``: Celery's prefork
pool runs them in child processes (indexer batches, and the crawl jobs that read their crawl's
summary). Counters therefore live in prometheus-client's multiprocess mode: each process writes
its values to files in ``PROMETHEUS_MULTIPROC_DIR`` and the worker's main process serves their
sum, plus any collector that reads a live value (a queue's depth) when scraped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector


class MetricsConfigError(RuntimeError):
    """A metrics port is set but the worker cannot serve correct numbers on it."""


def serve_worker_metrics(
    port: int, directory: Path | None, collectors: Iterable[Collector] = ()
) -> CollectorRegistry | None:
    """Serve ``/metrics`` on ``port`` (0: nothing) from the worker's main process, before its
    pool starts; return the registry served."""
    if not port:
        return None
    if directory is None:
        raise MetricsConfigError(
            f"a metrics port ({port}) needs PROMETHEUS_MULTIPROC_DIR: the worker's tasks count in "
            "child processes, whose numbers the main process reads from that directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    # The files of an earlier run would be added to this one's (a container restarted in the
    # same pod keeps its volume): a worker's counters start at zero with the worker.
    for stale in directory.glob("*.db"):
        stale.unlink()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    for collector in collectors:
        registry.register(collector)
    start_http_server(port, registry=registry)
    return registry
