"""CPU per ``GET /search`` of two or more source trees of the API, side by side on one index.

Each tree (``--tree NAME=PATH``: a checkout or ``git archive`` of another commit) is served by
its own uvicorn server (``bench/api.ApiServer``: as ``ann up`` serves it, ``ANN_API_WORKERS``
processes, the same virtualenv: ``python -m uvicorn`` imports ``search_api`` from the tree it
runs in). The bench's queries (``bench/api.QUERIES``, URLs built once) go to each server in
turn, one client, rounds alternating who goes first, and each server's CPU (utime + stime of
its processes, ``bench/api.process_tree_cpu``) is counted over its own requests only: on a
shared machine the CPU per request moves far less with the neighbours than latencies do.
``--clients N`` sends each round from N concurrent clients instead. The answers of the trees are
compared first (the same JSON but ``took_ms``).

    .venv/bin/python bench/api_ab.py --alias bench-api-…-articles-1 --tree before=/tmp/main-copy \\
                                     --tree after=. [--rounds 30] [--clients 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpx
from _corpus import machine
from api import QUERIES, ApiServer, process_tree_cpu

from ann.settings import Settings


class Side:
    def __init__(self, name: str, server: ApiServer) -> None:
        self.name = name
        self.server = server
        self.urls = [str(httpx.URL(f"{server.url}/search", params=q)) for q in QUERIES]
        self.latencies: list[float] = []
        self.cpu = 0.0
        self.requests = 0


def answers_match(sides: list[Side]) -> list[str]:
    """The queries whose answers differ between the trees (``took_ms`` aside)."""
    differ = []
    with httpx.Client(timeout=30) as client:
        for i, params in enumerate(QUERIES):
            answers = []
            for side in sides:
                response = client.get(side.urls[i])
                response.raise_for_status()
                answer = response.json()
                answer.pop("took_ms")
                answers.append(answer)
            if any(answer != answers[0] for answer in answers[1:]):
                differ.append(str(params))
    return differ


def sequential(sides: list[Side], rounds: int) -> None:
    with httpx.Client(timeout=30) as client:
        for r in range(rounds + 1):  # round 0 warms every server up and is not counted
            for side in sides if r % 2 else sides[::-1]:
                before = process_tree_cpu(side.server.process.pid)
                for url in side.urls:
                    started = time.perf_counter()
                    client.get(url).raise_for_status()
                    if r:
                        side.latencies.append(time.perf_counter() - started)
                if r:
                    side.cpu += process_tree_cpu(side.server.process.pid) - before
                    side.requests += len(side.urls)


async def _load(side: Side, clients: int, per_client: int) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def worker(n: int) -> None:
            for k in range(per_client):
                started = time.perf_counter()
                response = await client.get(side.urls[(n * 7 + k) % len(side.urls)])
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker(n) for n in range(clients)))
    return latencies


def concurrent(sides: list[Side], rounds: int, clients: int, per_client: int) -> None:
    for r in range(rounds + 1):
        for side in sides if r % 2 else sides[::-1]:
            before = process_tree_cpu(side.server.process.pid)
            latencies = asyncio.run(_load(side, clients, per_client))
            if r:
                side.cpu += process_tree_cpu(side.server.process.pid) - before
                side.requests += len(latencies)
                side.latencies.extend(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--alias", required=True, help="an existing index alias (bench/api.py "
                                                       "--keep makes one)")
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=0, help="0: one client, sequential")
    parser.add_argument("--per-client", type=int, default=25)
    args = parser.parse_args()
    settings = Settings()
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="bench-api-ab-"))
        cleanup.callback(shutil.rmtree, workdir, True)
        sides = []
        for spec in args.tree:
            name, _, tree = spec.partition("=")
            server = ApiServer(settings, args.alias, workdir / f"{name}.log",
                               tree=Path(tree).resolve())
            cleanup.callback(server.stop)
            sides.append(Side(name, server))
        differ = answers_match(sides)
        print(f"answers differ for: {differ}" if differ else "the same answers (took_ms aside)")
        load = os.getloadavg()[0]
        if args.clients:
            concurrent(sides, args.rounds, args.clients, args.per_client)
        else:
            sequential(sides, args.rounds)
        print(f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}; {machine()}; "
              f"{args.clients or 1} client(s)")
        for side in sides:
            print(f"{side.name:>12}: CPU {side.cpu * 1000 / side.requests:5.2f} ms per request, "
                  f"p50 {statistics.median(side.latencies) * 1000:7.2f} ms, "
                  f"{side.requests} requests")


if __name__ == "__main__":
    main()
