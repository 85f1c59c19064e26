"""What the indexing and API benches share: the services, the mirror's pages, their own indices.

* :func:`services` brings Redis and Elasticsearch up through the local stack
  (``ann.ops.stack.start_services``) and, on exit, stops only those this run started.
* :func:`mirror_pages` generates the offline mirror into a temporary directory and returns its
  article pages as the crawler hands them over (:class:`ann.messages.RawPage`, body packed).
* :class:`BenchIndices` creates fresh indices with the project's mapping
  (``indexer.mapping.ensure_index``), each behind its own ``bench-<tag>-...`` alias, and deletes
  exactly those — never an index it did not create.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from elasticsearch import Elasticsearch  # noqa: E402

from ann.messages import Discovery, RawPage  # noqa: E402
from ann.settings import Settings  # noqa: E402
from indexer.mapping import ensure_index, index_name  # noqa: E402


def logger(name: str) -> Callable[[str], None]:
    """A ``log(message)`` printing to stderr with the bench's name and the time."""

    def log(message: str) -> None:
        print(f"[bench/{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr,
              flush=True)

    return log


@contextmanager
def services(settings: Settings) -> Iterator[dict[str, bool]]:
    """Redis and Elasticsearch up for the block; afterwards stop only what this block started.

    Yields which services were already reachable (someone else's: never stopped here)."""
    from ann.ops import stack

    started = stack.start_services(settings)
    try:
        yield {name: name not in started for name in ("redis", "elasticsearch")}
    finally:
        for name, env in started.items():
            stack.run_service_script(name, "stop", env)


def mirror_pages(per_site: int) -> list[RawPage]:
    """Every article page of a freshly generated mirror, as a crawler's ``RawPage``."""
    from ann.sources import load_registry
    from mirror.generate import generate
    from mirror.layout import BODY, resource_dir

    fetched_at = datetime.now(UTC)
    pages: list[RawPage] = []
    with tempfile.TemporaryDirectory(prefix="bench-mirror-") as tmp:
        root = Path(tmp)
        manifest = generate(root, load_registry(), per_site=per_site)
        for truth in manifest.articles:
            parts = urlsplit(truth.url)
            folder = resource_dir(root, parts.hostname or "", parts.path)
            assert folder is not None
            pages.append(RawPage(
                url=truth.url, final_url=truth.url, status=200,
                headers={"Content-Type": "text/html; charset=utf-8"}, fetched_at=fetched_at,
                source_id=truth.source_id, discovery=Discovery(kind="sitemap"),
                body_z=RawPage.pack_body((folder / BODY).read_bytes()),
            ))
    return pages


class BenchIndices:
    """Fresh indices with the project's mapping, each behind its own alias; all removable."""

    def __init__(self, es: Elasticsearch, bench: str) -> None:
        self.es = es
        self.prefix = f"bench-{bench}-{uuid.uuid4().hex[:8]}"
        self._made: list[str] = []
        self._count = 0

    def fresh(self, kind: str) -> str:
        """A new, empty index (``indexer.mapping.ensure_index``); returns its alias."""
        self._count += 1
        alias = f"{self.prefix}-{kind}-{self._count}"
        name = ensure_index(self.es, alias)
        self._made.append(name)
        self.es.cluster.health(index=name, wait_for_status="yellow", timeout="30s")
        return alias

    def drop(self, alias: str) -> None:
        name = index_name(alias)
        if name in self._made:
            self.es.indices.delete(index=name, ignore_unavailable=True)
            self._made.remove(name)

    def drop_all(self) -> None:
        for name in list(self._made):
            self.es.indices.delete(index=name, ignore_unavailable=True)
            self._made.remove(name)


def machine() -> str:
    """Cores and load average: the machine is shared, and the numbers depend on what else ran."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.2f} (1 min) {five:.2f} (5 min)"


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
