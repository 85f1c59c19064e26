"""The API's Prometheus metrics, in a registry of the application's own.

prometheus-client's default registry is process-global: a second application in one process (every
test builds its own) would fail on registering the same names again, and would mix its numbers
with the first's. Each :class:`ApiMetrics` therefore owns a ``CollectorRegistry``, and
``GET /metrics`` exposes exactly that one.

An API server of several processes (``ANN_API_WORKERS``) counts in prometheus-client's
multiprocess mode: with ``PROMETHEUS_MULTIPROC_DIR`` set (the library reads it when imported, and
every process of one server shares the directory) each process writes its values to files there,
and ``GET /metrics``, whichever process answers it, serves their sum. The directory must be fresh
for each start of the server (the launcher's job: :func:`ann.ops.stack.api_server_env`), or an
earlier run's counts are added. A process that exits leaves its files, and so its counts, in the
sum, as a counter must; ``mark_process_dead`` is not called, since it only removes the files of
live gauges and the API keeps no gauge.

Routes are labelled by their template (``/articles/{article_id}``), never by the raw path, so the
number of series stays bounded whatever clients request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from elasticsearch import NotFoundError
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

UNMATCHED_ROUTE = "<unmatched>"
"""The route label of requests that matched no route (a 404 from the router)."""

_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BACKEND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True, slots=True)
class ApiMetrics:
    registry: CollectorRegistry
    requests: Counter
    request_seconds: Histogram
    backend_seconds: Histogram
    served: CollectorRegistry
    """What ``GET /metrics`` exposes: ``registry`` itself, or in multiprocess mode a registry
    that sums the files of every process of the server."""

    @classmethod
    def create(cls, multiprocess_dir: Path | None = None) -> ApiMetrics:
        """``multiprocess_dir``: ``PROMETHEUS_MULTIPROC_DIR`` (``Settings.metrics_dir``), or None
        for a registry of this process alone."""
        registry = CollectorRegistry(auto_describe=True)
        served = registry
        if multiprocess_dir is not None:
            served = CollectorRegistry()
            MultiProcessCollector(served, path=str(multiprocess_dir))  # type: ignore[no-untyped-call]
        labels = ("method", "route", "status")
        return cls(
            registry=registry,
            served=served,
            requests=Counter(
                "ann_api_requests", "HTTP requests answered, by route template and status",
                labels, registry=registry,
            ),
            request_seconds=Histogram(
                "ann_api_request_duration_seconds",
                "Time to answer an HTTP request, by route template and status",
                labels, buckets=_REQUEST_BUCKETS, registry=registry,
            ),
            backend_seconds=Histogram(
                "ann_api_elasticsearch_duration_seconds",
                "Time of each Elasticsearch call the API makes, by operation and outcome",
                ("operation", "outcome"), buckets=_BACKEND_BUCKETS, registry=registry,
            ),
        )

    _series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = field(
        default_factory=dict)
    """The children of ``requests`` and ``request_seconds`` per label values, looked up once:
    ``labels()`` checks and joins its labels under a lock on every call."""

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        series = self._series.get((method, route, status))
        if series is None:
            labels = {"method": method, "route": route, "status": str(status)}
            series = self._series[method, route, status] = (
                self.requests.labels(**labels), self.request_seconds.labels(**labels))
        series[0].inc()
        series[1].observe(seconds)

    @contextmanager
    def backend_call(self, operation: str) -> Iterator[None]:
        """Time one Elasticsearch call; its outcome is ``ok``, ``not_found`` or ``error``."""
        start = perf_counter()
        outcome = "error"
        try:
            yield
            outcome = "ok"
        except NotFoundError:
            outcome = "not_found"
            raise
        finally:
            self.backend_seconds.labels(operation=operation, outcome=outcome).observe(
                perf_counter() - start
            )

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.served)
