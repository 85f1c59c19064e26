"""P4: latency of ``GET /search`` through the API ÷ the same query sent straight to Elasticsearch.

A corpus is indexed first: the offline mirror's article pages (``--per-site`` per source) through
the project's own pipeline (``indexer.pipeline.process_batch``, batches of
``ANN_BULK_BATCH_SIZE``) into a fresh index with the project's mapping behind a
``bench-api-<tag>-*`` alias. The API is served as ``ann up`` serves it (the command and
environment of :func:`ann.ops.stack.api_command`: ``ANN_API_WORKERS`` processes, one per
available CPU by default) on a free port of 127.0.0.1, reading that alias. A fixed set of queries
(:data:`QUERIES`: words, phrases, +/-/OR, prefixes, CJK, filters, date ranges, sorts, pages,
facets only) is then sent, with one ``httpx`` client per side:

* **API** — ``GET /search?<params>`` (the URL encoded once beforehand), the response read in
  full;
* **Elasticsearch** — ``POST /<alias>/_search`` with the body the API builds for the same
  parameters (``search_api.query.build_search``), serialized once beforehand.

Both sides are asked for plain, uncompressed answers (``_http.PLAIN``), as the API asks the node:
httpx's default ``Accept-Encoding`` would have the node gzip what it sends straight to the bench
and nothing it sends the API.

After ``--warmup`` seconds of both sides answering the query set over and over:

1. *Sequential* (one client, keep-alive): ``--rounds`` rounds over all queries, each query sent
   to both sides back to back, who goes first alternating. P4_p50_ratio_1client = p50 API ÷
   p50 ES; p50_ms_1client the API's p50.
2. *16 concurrent clients* (asyncio, closed loop): each client cycles through the queries from
   its own offset for ``--per-client`` requests or ``--seconds``, whichever ends first, in two
   halves per side (API, ES, ES, API); the same load straight to Elasticsearch is for
   comparison. P4_p50_ratio and P4_p99_ratio (issue 15: "p50 and p99 at 16 clients") = the
   API's p50 and p99 ÷ the same percentiles straight to Elasticsearch; P4_p99_ms_16 = p99 of the
   API's latencies.

Both phases also report the CPU each party used per request (the API's processes, uvicorn's and
its workers', the Elasticsearch node, the bench's own clients) and how many cores everything else
on the machine kept busy meanwhile: on a shared 2-core machine that says whether a number is the
system's or a neighbour's.
``--profile`` then runs a second API process under cProfile (the measured one never is).

The services are started only when down (and then stopped again); the API child and the index
are removed at the end. The last line printed is one JSON object:
``{"P4_p50_ratio": ..., "P4_p99_ms_16": ..., ...}``.

    .venv/bin/python bench/api.py [--per-site 90] [--rounds 30] [--per-client 100] [--seconds 30]
                             [--warmup 10] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpx
from _corpus import REPO_ROOT, BenchIndices, logger, machine, mirror_pages, percentile, services
from _export import ExportBench
from _http import PLAIN
from elasticsearch import Elasticsearch

from ann.ops.stack import api_command, api_server_env
from ann.settings import Settings
from ann.sources import load_registry
from indexer.pipeline import process_batch
from search_api.params import SearchParams
from search_api.query import build_search

log = logger("api")

QueryParams = dict[str, str | int | list[str]]
QUERIES: list[QueryParams] = [
    {"q": "economy"},
    {"q": "government policy"},
    {"q": '"prime minister"'},
    {"q": '"supply chain"'},
    {"q": "climate change"},
    {"q": "trade | export"},
    {"q": "market -china"},
    {"q": "+health +hospital"},
    {"q": "elect*"},
    {"q": "technolog*", "sort": "newest"},
    {"q": "经济"},
    {"q": "发展", "language": "zh"},
    {"q": "police", "source": ["dawn", "thestar"]},
    {"q": "business", "category": "Business", "sort": "newest"},
    {"q": "school", "from": "2022-01-01", "to": "2023-12-31"},
    {"q": "hotel", "country": ["TH", "MY", "SG", "KR"]},
    {"q": "investment", "size": 20, "page": 2},
    {"q": "water", "sort": "oldest", "country": "IN"},
    {"source": "dawn"},
    {"country": "JP", "sort": "newest", "size": 20},
    {"category": "Politics", "from": "2020-01-01"},
    {"language": "zh", "size": 20},
    {"size": 0},
    {"q": "bank", "source": "kathmandupost", "category": ["Money", "National"]},
    {"author": "Souksakhone Vaenkeo", "sort": "newest"},
]
"""Fixed query set (API parameters). Each also returns every facet, as the API always does."""


@dataclass
class Sample:
    """Latencies in seconds, per side, with the wall and CPU seconds of the phases behind them."""

    api: list[float] = field(default_factory=list)
    es: list[float] = field(default_factory=list)
    wall: dict[str, float] = field(default_factory=dict)
    """phase ("api", "es" or "both") → wall seconds."""
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    """phase → {"api", "es", "client", "machine"} → CPU seconds spent during it."""

    def add_phase(self, phase: str, wall: float, before: dict[str, float],
                  after: dict[str, float]) -> None:
        self.wall[phase] = self.wall.get(phase, 0.0) + wall
        used = self.cpu.setdefault(phase, {})
        for name in after:
            used[name] = used.get(name, 0.0) + after[name] - before[name]


TICK = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            children += [int(child) for child in task.read_text().split()]
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (utime + stime) used so far by ``pid`` and every process under it: an API
    server's supervisor and its workers; NaN once ``pid`` is gone."""
    total = 0
    for member in [pid, *_descendants(pid)]:
        try:
            stat = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            if member == pid:
                return float("nan")
            continue  # a worker that exited meanwhile
        total += int(stat[11]) + int(stat[12])
    return total / TICK


class CpuMeter:
    """CPU seconds used so far by the API's processes, the Elasticsearch node (when its pid file
    is where ``deploy/local`` keeps it), this process (the clients) and the whole machine —
    everyone else's work on the shared machine included."""

    def __init__(self, api_pid: int, es_url: str) -> None:
        self.pids = {"api": api_pid}
        run_dir = os.environ.get("ANN_RUN_DIR", f"/var/tmp/ann-run/es-{urlsplit(es_url).port}")
        with suppress(OSError, ValueError):
            self.pids["es"] = int((Path(run_dir) / "elasticsearch.pid").read_text().strip())

    def _machine(self) -> float:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        idle = int(fields[3]) + int(fields[4])  # idle + iowait
        return (sum(int(f) for f in fields[:8]) - idle) / TICK

    def read(self) -> dict[str, float]:
        now = {name: process_tree_cpu(pid) for name, pid in self.pids.items()}
        return {**now, "client": time.process_time(), "machine": self._machine()}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def es_body(params: QueryParams) -> bytes:
    """The request body the API sends to Elasticsearch for ``params``."""
    raw: dict[str, Any] = dict(params)
    for name in ("source", "country", "category", "author", "language"):
        if name in raw and not isinstance(raw[name], list):
            raw[name] = [raw[name]]  # one value in a URL, a list in the model
    return json.dumps(build_search(SearchParams.model_validate(raw))).encode()


_PROFILED = """
import cProfile, signal, uvicorn
# uvicorn re-raises the SIGTERM it handled once it has shut down: a no-op handler lets the
# process go on to write the profile.
signal.signal(signal.SIGTERM, lambda *_: None)
cProfile.run("uvicorn.run('search_api.main:app', host='127.0.0.1', port={port}, "
             "access_log=False, log_level='warning')", {out!r})
"""
"""One process of the server, under cProfile (``--profile`` only)."""


class ApiServer:
    """The API as ``ann up`` serves it (:func:`ann.ops.stack.api_command`, ``workers``
    processes), on a free port, in its own process group."""

    def __init__(self, settings: Settings, alias: str, log_file: Path,
                 profile_to: Path | None = None, tree: Path = REPO_ROOT) -> None:
        """``tree``: the source tree served (``bench/api_ab.py`` serves two side by side)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = 1 if profile_to else settings.api_workers
        env = {**os.environ, "ES_URL": settings.es_url, "ANN_INDEX_ALIAS": alias,
               "PYTHONUNBUFFERED": "1",
               # the limiter runs (its cost is the API's) but never refuses the bench's clients
               "ANN_API_RATE_LIMIT": "1000000/minute",
               **api_server_env(self.workers, log_file.with_name(f"{log_file.stem}-metrics"))}
        with log_file.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _PROFILED.format(port=self.port, out=str(profile_to))]
                if profile_to else
                [*api_command("127.0.0.1", self.port, self.workers), "--log-level", "warning"],
                env=env, cwd=tree, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.log_file = log_file
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the API did not come up: {log_file.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class ApiBench:
    def __init__(self, api_url: str, es_url: str, alias: str,
                 meter: CpuMeter | None = None) -> None:
        self.meter = meter
        self.search_url = f"{es_url}/{alias}/_search"
        self.bodies = [es_body(q) for q in QUERIES]
        # the API's side encoded once beforehand too, as httpx would encode ``params`` on every
        # request (the bench client's work, which would count against the API alone)
        self.urls = [str(httpx.URL(f"{api_url}/search", params=q)) for q in QUERIES]

    # -- sequential ---------------------------------------------------------------------------
    def check(self) -> list[int]:
        """Both sides answer every query with the same total; returns the totals."""
        totals = []
        with httpx.Client(timeout=30, headers=PLAIN) as client:
            for params, url, body in zip(QUERIES, self.urls, self.bodies, strict=True):
                api = client.get(url)
                es = client.post(self.search_url, content=body,
                                 headers={"Content-Type": "application/json"})
                api.raise_for_status()
                es.raise_for_status()
                total = api.json()["total"]
                assert total == es.json()["hits"]["total"]["value"], (params, total)
                totals.append(total)
        return totals

    def warm_up(self, seconds: float) -> int:
        """Both sides, every query, over and over for ``seconds``: a node the bench has just
        started runs its first minutes' queries several times slower (cold JIT)."""
        deadline, sent = time.monotonic() + seconds, 0
        headers = {"Content-Type": "application/json"}
        with httpx.Client(timeout=30, headers=PLAIN) as client:
            while time.monotonic() < deadline:
                for url, body in zip(self.urls, self.bodies, strict=True):
                    client.get(url).raise_for_status()
                    client.post(self.search_url, content=body,
                                headers=headers).raise_for_status()
                    sent += 2
        return sent

    def _cpu(self) -> dict[str, float]:
        return self.meter.read() if self.meter else {}

    def sequential(self, rounds: int) -> Sample:
        sample = Sample()
        headers = {"Content-Type": "application/json"}
        with httpx.Client(timeout=30, headers=PLAIN) as api, \
                httpx.Client(timeout=30, headers=PLAIN) as es:
            for r in range(rounds + 1):  # round 0 warms both sides up and is not counted
                if r == 1:
                    before, phase_started = self._cpu(), time.perf_counter()
                for i, body in enumerate(self.bodies):
                    times = {}
                    sides = ["api", "es"] if (r + i) % 2 else ["es", "api"]
                    for side in sides:
                        started = time.perf_counter()
                        if side == "api":
                            response = api.get(self.urls[i])
                        else:
                            response = es.post(self.search_url, content=body, headers=headers)
                        times[side] = time.perf_counter() - started
                        response.raise_for_status()
                    if r:
                        sample.api.append(times["api"])
                        sample.es.append(times["es"])
        if rounds:
            sample.add_phase("both", time.perf_counter() - phase_started, before, self._cpu())
        return sample

    # -- concurrent ---------------------------------------------------------------------------
    async def _load(self, side: str, clients: int, per_client: int,
                    seconds: float) -> tuple[list[float], float, int]:
        """Latencies of ``clients`` concurrent clients; wall seconds; non-200 answers."""
        latencies: list[float] = []
        errors = 0
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        headers = {"Content-Type": "application/json"}
        async with httpx.AsyncClient(timeout=30, limits=limits, headers=PLAIN) as client:
            # every connection opened before the clock starts
            await asyncio.gather(*(self._one(client, side, i, headers) for i in range(clients)))
            deadline = time.perf_counter() + seconds

            async def worker(n: int) -> None:
                nonlocal errors
                for k in range(per_client):
                    if time.perf_counter() > deadline:
                        return
                    started = time.perf_counter()
                    status = await self._one(client, side, n * 7 + k, headers)
                    latencies.append(time.perf_counter() - started)
                    errors += status != 200

            started = time.perf_counter()
            await asyncio.gather(*(worker(n) for n in range(clients)))
            wall = time.perf_counter() - started
        return latencies, wall, errors

    async def _one(self, client: httpx.AsyncClient, side: str, i: int,
                   headers: dict[str, str]) -> int:
        q = i % len(QUERIES)
        if side == "api":
            response = await client.get(self.urls[q])
        else:
            response = await client.post(self.search_url, content=self.bodies[q],
                                         headers=headers)
        await response.aread()
        return response.status_code

    def concurrent(self, clients: int, per_client: int, seconds: float) -> tuple[Sample, int]:
        """Two rounds per side, API–ES then ES–API, each of half the requests and time."""
        sample, errors = Sample(), 0
        for order in (("api", "es"), ("es", "api")):
            for side in order:
                before = self._cpu()
                latencies, wall, failed = asyncio.run(
                    self._load(side, clients, max(1, per_client // 2), seconds / 2))
                sample.add_phase(side, wall, before, self._cpu())
                errors += failed
                (sample.api if side == "api" else sample.es).extend(latencies)
        return sample, errors


def profile_api(settings: Settings, alias: str, workdir: Path, rounds: int) -> str:
    """cProfile of a second API process (not the measured one) over sequential rounds."""
    stats_file = workdir / "api.prof"
    server = ApiServer(settings, alias, workdir / "uvicorn-profiled.log", profile_to=stats_file)
    try:
        ApiBench(server.url, settings.es_url, alias).sequential(rounds)
    finally:
        server.stop()  # uvicorn exits cleanly on SIGTERM, and cProfile writes its file
    out = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(r"search_api|fastapi|pydantic|elastic", 30)
    return out.getvalue()


def index_corpus(es: Elasticsearch, indices: BenchIndices, settings: Settings,
                 per_site: int) -> tuple[str, int]:
    pages = mirror_pages(per_site)
    alias = indices.fresh("articles")
    registry = load_registry()
    size = settings.bulk_batch_size
    indexed = 0
    for i in range(0, len(pages), size):
        indexed += process_batch(pages[i:i + size], es, alias, registry).total("indexed")
    es.indices.refresh(index=alias)
    es.indices.forcemerge(index=alias, max_num_segments=1)  # a settled index, not mid-merge
    return alias, indexed


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-site", type=int, default=2300,
                        help="mirror articles per source (2300: 50,600 articles)")
    parser.add_argument("--alias", help="measure this existing alias instead of indexing a "
                                        "fresh mirror (it is left as it is)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the index made for this run (its alias is printed), for "
                             "another run's --alias")
    parser.add_argument("--export-rounds", type=int, default=3,
                        help="rounds of a whole export, API and straight to ES")
    parser.add_argument("--rounds", type=int, default=30, help="sequential rounds of all queries")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--per-client", type=int, default=100, help="requests per client")
    parser.add_argument("--seconds", type=float, default=30, help="time bound of a load phase")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of warm-up queries")
    parser.add_argument("--profile", action="store_true",
                        help="then profile a second API process (cProfile) and print where "
                             "its time goes")
    args = parser.parse_args()

    settings = Settings()
    started = time.monotonic()
    with services(settings) as before, ExitStack() as cleanup:
        log(f"services already running: {before}; {machine()}")
        es = Elasticsearch(settings.es_url, request_timeout=60, retry_on_timeout=True)
        cleanup.callback(es.close)
        indices = BenchIndices(es, "api")
        if not args.keep:
            cleanup.callback(indices.drop_all)
        if args.alias:
            alias, docs = args.alias, int(es.count(index=args.alias)["count"])
        else:
            alias, docs = index_corpus(es, indices, settings, args.per_site)
        log(f"{docs} mirror articles in {alias} ({time.monotonic() - started:.0f} s so far)"
            + ("; kept" if args.keep else ""))
        workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
        cleanup.callback(shutil.rmtree, workdir, True)
        server = ApiServer(settings, alias, workdir / "uvicorn.log")
        cleanup.callback(server.stop)
        log(f"API at {server.url} (pid {server.process.pid}, {server.workers} workers)")
        bench = ApiBench(server.url, settings.es_url, alias,
                         CpuMeter(server.process.pid, settings.es_url))
        totals = bench.check()
        log(f"{len(QUERIES)} queries, hits per query {totals}")
        log(f"warm-up: {bench.warm_up(args.warmup)} requests in {args.warmup:.0f} s")
        seq = bench.sequential(args.rounds)
        log(f"sequential: {len(seq.api)} requests per side")
        conc, errors = bench.concurrent(args.clients, args.per_client, args.seconds)
        log(f"{args.clients} clients: {len(conc.api)} API requests in {conc.wall['api']:.1f} s, "
            f"{len(conc.es)} ES requests in {conc.wall['es']:.1f} s, {errors} errors")
        export = ExportBench(server.url, settings.es_url, alias,
                             settings.api_export_page_size).run(args.export_rounds)
        log(f"export: {export.rows} rows per round, rows/s API {export.api} raw {export.raw}")
        server_log = (workdir / "uvicorn.log").read_text(errors="replace").strip()
        profile = profile_api(settings, alias, workdir, 5) if args.profile else ""

    p50_api, p50_es = percentile(seq.api, 50), percentile(seq.es, 50)
    print(f"{docs} documents, {len(QUERIES)} queries, API served by {server.workers} worker "
          f"processes; latency ms (API / straight to ES)")
    print(f"  {'':<24} {'n':>5} {'p50':>15} {'p90':>15} {'p99':>15} {'max':>15} {'req/s':>13}")
    for label, sample in (("sequential, 1 client", seq),
                          (f"{args.clients} concurrent clients", conc)):
        cells = [f"{ms(percentile(sample.api, q)):6.1f} / {ms(percentile(sample.es, q)):6.1f}"
                 for q in (50, 90, 99, 100)]
        rate = (f"{len(sample.api) / sample.wall['api']:5.0f} / "
                f"{len(sample.es) / sample.wall['es']:5.0f}" if "api" in sample.wall else "")
        print(f"  {label:<24} {len(sample.api):5d} " + " ".join(f"{c:>15}" for c in cells)
              + f" {rate:>13}")
    print("CPU ms per request: API processes (per API request) / ES node / bench clients (per "
          "request of either side); and the cores everything else on the machine kept busy:")
    others = []
    for label, sample, phase in (("sequential, both sides", seq, "both"),
                                 (f"{args.clients} clients, API", conc, "api"),
                                 (f"{args.clients} clients, ES", conc, "es")):
        used, wall = sample.cpu[phase], sample.wall[phase]
        n_api = len(sample.api) if phase != "es" else 0
        n_all = n_api + (len(sample.es) if phase != "api" else 0)
        mine = used["api"] + used.get("es", 0.0) + used["client"]
        others.append((used["machine"] - mine) / wall)
        per_api = f"{used['api'] * 1000 / n_api:5.2f}" if n_api else "    —"
        print(f"  {label:<24} {per_api} / {used.get('es', float('nan')) * 1000 / n_all:5.2f} / "
              f"{used['client'] * 1000 / n_all:5.2f}   everything else "
              f"{max(others[-1], 0.0):.2f} of {os.cpu_count()} cores")
    if server_log:
        print(f"uvicorn log:\n{server_log}")
    if profile:
        print(profile)
    log(f"total {time.monotonic() - started:.0f} s; {machine()}")
    print(f"export of {export.rows} rows, rows/s (median of {args.export_rounds}): API "
          f"{statistics.median(export.api):.0f} / straight to ES "
          f"{statistics.median(export.raw):.0f}")
    print(json.dumps({
        "docs": docs,
        "P4_p50_ratio": round(percentile(conc.api, 50) / percentile(conc.es, 50), 3),
        "P4_p99_ratio": round(percentile(conc.api, 99) / percentile(conc.es, 99), 3),
        "p50_ms_1client": ms(p50_api),
        "export_ratio": round(export.ratio, 3),
        "P4_p50_ratio_1client": round(p50_api / p50_es, 3),
        "export_rows_s_api": round(statistics.median(export.api)),
        "export_rows_s_es": round(statistics.median(export.raw)),
        "P4_p99_ms_16": ms(percentile(conc.api, 99)),
        "p50_ms_api": ms(p50_api), "p50_ms_es": ms(p50_es),
        "p50_ms_api_16": ms(percentile(conc.api, 50)),
        "p50_ms_es_16": ms(percentile(conc.es, 50)),
        "p99_ms_es_16": ms(percentile(conc.es, 99)),
        "errors_16": errors, "others_cores_max": round(max(0.0, *others), 2),
        "api_workers": server.workers,
    }))


if __name__ == "__main__":
    main()
