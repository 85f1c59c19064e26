"""P3: docs/s of the project's indexing stages ÷ docs/s of raw ``helpers.bulk``, same documents.

The documents are the offline mirror's article pages (``--per-site`` per source) as the crawler
hands them over (``RawPage``), extracted once, before any clock starts, by the project's own
``indexer.pipeline.extract_stage``. Then, each run into a fresh index with the project's mapping
(``indexer.mapping.ensure_index``), in an order that rotates and reverses every round:

* **project** (P3's numerator) — ``indexer.pipeline.process_batch`` per batch of
  ``ANN_BULK_BATCH_SIZE`` pages, as a worker runs it for one message, with only its extract stage
  replaced by a look-up of the already-extracted documents: whatever the pipeline does after
  extraction (today: dedup ``mget``, ``streaming_bulk``) runs as it is, nothing of it
  re-implemented here.
* **raw** (the baseline) — ``elasticsearch.helpers.bulk(es, actions)`` with its defaults (chunks
  of 500) over the final documents the project writes (those of the warm-up project run, with
  every field the pipeline adds), nothing else.
* **project, one batch** (for the record) — the same as *project* with all pages in one batch:
  separates what the batch size costs from what the stages cost.
* **raw, requests of the batch size** (for the record) — *raw* cut into requests of
  ``ANN_BULK_BATCH_SIZE`` documents; ``P3_same_batch`` = *project* ÷ this: the stages' own cost
  at equal request size.
* **full path** (for the record) — ``process_batch`` unchanged, extraction included.
* **redelivery** (for the record) — *project* again over an index the project already filled
  (outside the clock): every document ``unchanged``, nothing may be written.
* **clustering** (for the record) — ``indexer.clusters.cluster_pending`` until done, over an
  index the project already filled (outside the clock): the near-duplicate stage, which runs after
  indexing in its own task and updates every document once.

Medians of docs/s over ``--rounds``; each run makes and deletes its own index
(``bench-index-<tag>-*``); the services are started only when down, and then stopped again.
``--profile`` adds where one project run's time goes (seconds per pipeline function, then a
cProfile). The last line printed is one JSON object:
``{"P3": ..., "P3_one_batch": ..., "P3_full_path": ..., ...}``.

    .venv/bin/python bench/index.py [--per-site 90] [--rounds 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import BenchIndices, logger, machine, mirror_pages, services
from elasticsearch import Elasticsearch, helpers

from ann.messages import RawPage
from ann.settings import Settings
from ann.sources import Registry, load_registry
from indexer import clusters, pipeline
from indexer.outcomes import BatchOutcome
from indexer.pipeline import Pair

log = logger("index")
T = TypeVar("T")
Doc = dict[str, Any]


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


@dataclass
class Runs:
    """Seconds of every run of one variant, over the same number of documents."""

    docs: int
    seconds: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.docs / statistics.median(self.seconds)

    def rates(self) -> list[int]:
        return [round(self.docs / s) for s in self.seconds]


class IndexBench:
    """The pages, their documents extracted once, the variants, and the indices they write."""

    def __init__(self, es: Elasticsearch, registry: Registry, pages: list[RawPage],
                 batch: int) -> None:
        self.es = es
        self.registry = registry
        self.pages = pages
        self.batch = batch
        self.indices = BenchIndices(es, "index")
        started = time.perf_counter()
        self.extracted: dict[str, Doc] = {}
        outcome = BatchOutcome()
        for page in pages:
            for _page, doc in pipeline.extract_stage([page], registry, outcome):
                self.extracted[page.url] = doc
        self.extract_rate = len(pages) / (time.perf_counter() - started)
        self.final_docs: list[Doc] = []
        """The documents as the project writes them: set by :meth:`warm_up`."""

    @property
    def docs(self) -> int:
        return len(self.extracted)

    def _extract_stage(self, pages: Iterable[RawPage], registry: Registry,
                       outcome: BatchOutcome) -> Iterator[Pair]:
        """``extract_stage``'s stand-in: the page and its document, already extracted (a copy,
        since later stages may add fields to it in place)."""
        for page in pages:
            doc = self.extracted.get(page.url)
            if doc is not None:
                yield page, dict(doc)

    # -- the variants: each writes into ``alias`` and returns the documents it indexed ----------
    def project(self, alias: str, batch: int | None = None,
                keep: list[Doc] | None = None) -> int:
        def stage(pages: Iterable[RawPage], registry: Registry,
                  outcome: BatchOutcome) -> Iterator[Pair]:
            for page, doc in self._extract_stage(pages, registry, outcome):
                if keep is not None:
                    keep.append(doc)
                yield page, doc

        indexed = 0
        with mock.patch.object(pipeline, "extract_stage", stage):
            for chunk in batches(self.pages, batch or self.batch):
                indexed += pipeline.process_batch(chunk, self.es, alias, self.registry).total(
                    "indexed")
        return indexed

    def project_one_batch(self, alias: str) -> int:
        return self.project(alias, batch=len(self.pages))

    def raw(self, alias: str) -> int:
        actions = ({"_index": alias, "_id": doc["id"], "_source": doc} for doc in self.final_docs)
        written, errors = helpers.bulk(self.es, actions)
        assert not errors, errors
        return written

    def raw_same_batch(self, alias: str) -> int:
        """Raw bulk in requests of the project's batch size: what the batch size costs alone."""
        written = 0
        for chunk in batches(self.final_docs, self.batch):
            n, errors = helpers.bulk(
                self.es, ({"_index": alias, "_id": d["id"], "_source": d} for d in chunk))
            assert not errors, errors
            written += n
        return written

    def cluster(self, alias: str) -> int:
        clustered = 0
        while True:
            n, _ = clusters.cluster_pending(self.es, alias)
            clustered += n
            if n < clusters.RUN_SIZE:
                return clustered

    def full(self, alias: str) -> int:
        indexed = 0
        for chunk in batches(self.pages, self.batch):
            indexed += pipeline.process_batch(chunk, self.es, alias, self.registry).total(
                "indexed")
        return indexed

    # -- running --------------------------------------------------------------------------------
    def once(self, name: str, variant: Callable[[str], int], prefill: bool = False) -> float:
        """Seconds of one run into a fresh index, which is then checked and deleted. With
        ``prefill`` the project has already indexed every document there (before the clock
        starts): a redelivery, where nothing may be written."""
        alias = self.indices.fresh(name)
        try:
            if prefill:
                self.project(alias)
                self.es.indices.refresh(index=alias)
            started = time.perf_counter()
            written = variant(alias)
            seconds = time.perf_counter() - started
            expected = 0 if name == "redelivery" else self.docs
            assert written == expected, f"{name}: wrote {written}, expected {expected}"
            self.es.indices.refresh(index=alias)
            count = self.es.count(index=alias)["count"]
            assert count == self.docs, f"{name}: {count} documents in the index"
        finally:
            self.indices.drop(alias)
        return seconds

    def warm_up(self) -> None:
        """One project run, untimed: warms the node and the client, and keeps the documents
        exactly as the project wrote them for the raw baseline."""
        keep: list[Doc] = []
        self.once("warmup", lambda alias: self.project(alias, keep=keep))
        self.final_docs = keep
        extra = sorted(set().union(*keep) - set().union(*self.extracted.values()))
        log(f"warm-up done; fields the stages after extraction add: {extra or 'none'}")

    def run(self, rounds: int) -> dict[str, Runs]:
        variants: dict[str, Callable[[str], int]] = {
            "project": self.project, "raw": self.raw, "project_one_batch": self.project_one_batch,
            "raw_same_batch": self.raw_same_batch, "full": self.full,
            "redelivery": self.project, "cluster": self.cluster,
        }
        runs = {name: Runs(self.docs) for name in variants}
        names = list(variants)
        self.warm_up()
        for r in range(rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            if r % 2:  # alternate the direction too, so project and raw swap who goes first
                order.reverse()
            for name in order:
                runs[name].seconds.append(
                    self.once(name, variants[name], prefill=name in ("redelivery", "cluster")))
            log(f"round {r + 1}/{rounds}: " + ", ".join(
                f"{n} {self.docs / runs[n].seconds[-1]:.0f}/s" for n in names))
        return runs

    def profile(self) -> str:
        """Where one project run's time goes: seconds in each function ``process_batch`` calls
        (every function of ``indexer.pipeline``'s namespace from ``indexer.*``, wrapped with a
        timer), then a cProfile of a second run."""
        spent: dict[str, float] = {}

        def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
            return wrapper

        stages = {name: fn for name, fn in vars(pipeline).items()
                  if inspect.isfunction(fn) and fn.__module__.startswith("indexer.")
                  and name not in ("process_batch", "extract_stage")}
        alias = self.indices.fresh("profile")
        try:
            with ExitStack() as patches:
                for name, fn in stages.items():
                    patches.enter_context(mock.patch.object(pipeline, name, timed(name, fn)))
                patches.enter_context(mock.patch.object(  # a refresh the pipeline may ask for
                    self.es.indices, "refresh", timed("refresh", self.es.indices.refresh)))
                started = time.perf_counter()
                self.project(alias)
                total = time.perf_counter() - started
        finally:
            self.indices.drop(alias)
        spent["rest"] = total - sum(spent.values())
        lines = [f"one project run, {total:.2f} s: " + ", ".join(
            f"{name} {seconds:.2f} s" for name, seconds in spent.items())]
        alias = self.indices.fresh("profile")
        profiler = cProfile.Profile()
        try:
            profiler.runcall(self.project, alias)
        finally:
            self.indices.drop(alias)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        return "\n".join([*lines, out.getvalue()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-site", type=int, default=90, help="mirror articles per source")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every variant")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one project run")
    args = parser.parse_args()

    settings = Settings()
    started = time.monotonic()
    with services(settings) as before:
        log(f"services already running: {before}; {machine()}")
        es = Elasticsearch(settings.es_url, request_timeout=60, retry_on_timeout=True)
        pages = mirror_pages(args.per_site)
        bench = IndexBench(es, load_registry(), pages, settings.bulk_batch_size)
        docs = bench.docs
        log(f"{len(pages)} mirror pages → {docs} documents ({bench.extract_rate:.0f} pages/s "
            f"extracted); batches of {settings.bulk_batch_size} pages")
        try:
            runs = bench.run(args.rounds)
            profile = bench.profile() if args.profile else ""
        finally:
            bench.indices.drop_all()
            es.close()

    raw = runs["raw"].rate
    rows = [
        ("raw helpers.bulk (baseline)", runs["raw"]),
        (f"project (after extraction), batches of {settings.bulk_batch_size}", runs["project"]),
        ("project (after extraction), one batch", runs["project_one_batch"]),
        (f"raw helpers.bulk, requests of {settings.bulk_batch_size}", runs["raw_same_batch"]),
        (f"full path process_batch, batches of {settings.bulk_batch_size}", runs["full"]),
        ("project redelivery (all unchanged)", runs["redelivery"]),
        ("clustering after indexing (its own task)", runs["cluster"]),
    ]
    print(f"{docs} documents, {args.rounds} rounds, median docs/s (ratio to raw bulk)")
    for label, r in rows:
        print(f"  {label:<48} {r.rate:8.0f}/s  {r.rate / raw:5.2f}   runs {r.rates()}")
    if profile:
        print(profile)
    log(f"total {time.monotonic() - started:.0f} s; {machine()}")
    print(json.dumps({
        "P3": round(runs["project"].rate / raw, 3),
        "P3_one_batch": round(runs["project_one_batch"].rate / raw, 3),
        "P3_full_path": round(runs["full"].rate / raw, 3),
        "P3_same_batch": round(runs["project"].rate / runs["raw_same_batch"].rate, 3),
        "raw_docs_s": round(raw), "project_docs_s": round(runs["project"].rate),
        "cluster_docs_s": round(runs["cluster"].rate),
        "docs": docs,
    }))


if __name__ == "__main__":
    main()
