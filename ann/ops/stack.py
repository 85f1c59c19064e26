"""The local stack: Redis and Elasticsearch through ``deploy/local``, then mirror, workers, API.

A mirror-mode stack puts :func:`mirror_env` into the environment of every process it starts; a
live one starts no mirror and sets nothing, so its crawls fetch the real sites.

When ``ES_URL`` / ``REDIS_URL`` are set in the environment the services are someone else's
(production, docker compose) and nothing is started or stopped here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from elasticsearch import ApiError, Elasticsearch, TransportError
from redis import Redis
from redis.exceptions import RedisError

from ann.keyspace import unacked_key
from ann.ledger import Ledger
from ann.ops.processes import ProcessManager
from ann.settings import REPO_ROOT, Settings

DEPLOY_LOCAL = REPO_ROOT / "deploy" / "local"
MIRROR_PROCESS = "mirror"
API_PROCESS = "api"
WORKER_PROCESS = "worker-{n}"
CRAWL_WORKER_PROCESS = "crawl-worker"
ALERTS_WORKER_PROCESS = "alerts-worker"
BEAT_PROCESS = "beat"


class StackError(RuntimeError):
    """A service could not be brought up; the message says which and where its log is."""


def _port(url: str) -> int:
    port = urlsplit(url).port
    if port is None:
        raise StackError(f"{url} names no port")
    return port


def run_service_script(name: str, action: str, env: dict[str, str]) -> str:
    """Run `deploy/local/<name>.sh <action>`; return the last line it printed on stdout (its
    progress goes to stderr); raise StackError when it fails."""
    script = DEPLOY_LOCAL / f"{name}.sh"
    result = subprocess.run(["bash", str(script), action], env={**os.environ, **env}, check=False,
                            stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise StackError(f"{script.name} {action} failed (exit {result.returncode})")
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def start_service(name: str, env: dict[str, str]) -> bool:
    """Start a local service; True when this call started it, False when it was already running
    (or another starter's process was coming up). The script decides, from its own pid file and
    health check: a reachability probe made beforehand can time out on a busy machine and would
    make a caller stop, at its end, a service that others are using."""
    return run_service_script(name, "start", env) == "started"


def managed_services(settings: Settings) -> dict[str, dict[str, str]]:
    """The services this machine runs for us (those not given by ES_URL / REDIS_URL)."""
    services: dict[str, dict[str, str]] = {}
    if "REDIS_URL" not in os.environ:
        services["redis"] = {"REDIS_PORT": str(_port(settings.redis_url))}
    if "ES_URL" not in os.environ:
        services["elasticsearch"] = {"ES_PORT": str(_port(settings.es_url))}
    return services


def reachable(settings: Settings) -> dict[str, bool]:
    """Which services answer now: callers that start them stop only what was not already up."""
    status: dict[str, bool] = {}
    try:
        status["redis"] = bool(Redis.from_url(settings.redis_url, socket_timeout=1).ping())
    except RedisError:
        status["redis"] = False
    es = Elasticsearch(settings.es_nodes, request_timeout=2, max_retries=0)
    try:
        status["elasticsearch"] = bool(es.cluster.health())
    except (ApiError, TransportError):
        status["elasticsearch"] = False
    finally:
        es.close()
    return status


def start_services(settings: Settings) -> dict[str, dict[str, str]]:
    """Start the managed services; return those this call started (name -> script env), the
    only ones its caller may stop."""
    return {name: env for name, env in managed_services(settings).items()
            if start_service(name, env)}


def stop_services(settings: Settings) -> list[str]:
    """Stop the managed services; return their names (none when ES_URL / REDIS_URL are set)."""
    services = managed_services(settings)
    for name, env in services.items():
        run_service_script(name, "stop", env)
    return list(services)


def mirror_dir(settings: Settings) -> Path:
    return settings.state_dir / "mirror"


def mirror_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.mirror_port}"


def mirror_env(url: str) -> dict[str, str]:
    """The settings that put a process in mirror mode: every process of a mirror-mode stack gets
    them, and nothing else ever chooses the mirror (live is the default everywhere)."""
    return {"ANN_MIRROR_URL": url, "ANN_POLITENESS_SCALE": "0"}


class Launch:
    """One bring-up of the stack: what it started, so that a failure (or Ctrl-C) stops exactly
    that and leaves alone what was already running (a developer's services, an earlier `up`).

    ``env`` is added to the environment of every process started from here on: the mirror's
    settings once the mirror runs."""

    def __init__(self, settings: Settings, procs: ProcessManager) -> None:
        self.settings = settings
        self.procs = procs
        self.env: dict[str, str] = {}
        self.processes: list[str] = []
        self.services: dict[str, dict[str, str]] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        """Start ``name`` unless it runs, with ``env`` (this process's own) on top of the
        launch's."""
        if self.procs.pid(name) is None:
            self.processes.append(name)
        self.procs.start(name, argv, env={**self.env, **(env or {})})

    def start_services(self) -> None:
        """Start the managed services (those not given by ES_URL / REDIS_URL) not yet up."""
        up = reachable(self.settings)
        for name, env in managed_services(self.settings).items():
            if not up[name]:
                self.services[name] = env  # before starting: a half-started one is stopped too
            if not start_service(name, env):
                self.services.pop(name, None)  # it was running after all: someone else's

    def undo(self) -> list[str]:
        """Stop what this launch started, newest first; return the names stopped."""
        stopped = [name for name in reversed(self.processes) if self.procs.stop(name)]
        for name, env in self.services.items():
            run_service_script(name, "stop", env)
        return stopped + list(self.services)


def start_mirror(launch: Launch) -> str:
    """Generate the offline mirror once, serve it, and return its URL."""
    settings = launch.settings
    root = mirror_dir(settings)
    if not (root / "manifest.json").exists():
        subprocess.run(
            [sys.executable, "-m", "mirror", "generate", "--out", str(root)], check=True
        )
    url = mirror_url(settings)
    launch.start(
        MIRROR_PROCESS,
        [sys.executable, "-m", "mirror", "serve", "--root", str(root),
         "--port", str(settings.mirror_port)],
    )
    wait_for(lambda: _http_ok(f"{url}/__mirror__/stats"), "mirror", launch.procs, MIRROR_PROCESS)
    return url


def start_workers(launch: Launch, count: int, concurrency: int) -> None:
    for n in range(count):
        launch.start(
            WORKER_PROCESS.format(n=n),
            [sys.executable, "-m", "celery", "-A", "indexer.celery_app", "worker",
             "--loglevel=INFO", f"--concurrency={concurrency}", "-Q", launch.settings.pages_queue,
             "-n", f"ann-worker-{n}@%h", "--without-gossip", "--without-mingle"],
        )


def start_scheduler(launch: Launch) -> None:
    """Celery beat, one crawl worker and the saved searches' runner: the schedule that keeps
    the index fresh and tells the saved searches what is new."""
    launch.start(
        ALERTS_WORKER_PROCESS,
        [sys.executable, "-m", "celery", "-A", "search_api.alerts.celery_app", "worker",
         "--loglevel=INFO", "--concurrency=1", "-Q", launch.settings.alerts_queue,
         "-n", "ann-alerts@%h", "--without-gossip", "--without-mingle"],
    )
    launch.start(
        CRAWL_WORKER_PROCESS,
        [sys.executable, "-m", "celery", "-A", "crawler.celery_app", "worker", "--loglevel=INFO",
         "--concurrency=2", "-Q", launch.settings.crawl_queue, "-n", "ann-crawl@%h",
         "--without-gossip", "--without-mingle"],
    )
    launch.start(  # respawned: beat exits when Redis drops it (see ann/ops/respawn.py)
        BEAT_PROCESS,
        [sys.executable, "-m", "ann.ops.respawn", "--",
         sys.executable, "-m", "celery", "-A", "crawler.celery_app", "beat", "--loglevel=INFO"],
    )


def api_command(host: str, port: int, workers: int) -> list[str]:
    """The API's server command line: ``workers`` processes (one answers in the server's own
    process), run with :func:`api_server_env`. ``--no-proxy-headers``: uvicorn would otherwise
    believe an ``X-Forwarded-For`` from 127.0.0.1 (its default ``forwarded_allow_ips``), so that
    any local process could pose as any client to the rate limiter; the application trusts
    proxies itself, only those of ``ANN_API_TRUSTED_PROXIES`` (search_api/app.py)."""
    return [sys.executable, "-m", "uvicorn", "search_api.main:app", "--host", host,
            "--port", str(port), "--workers", str(workers), "--no-access-log",
            "--no-proxy-headers"]


def api_server_env(workers: int, metrics_dir: Path) -> dict[str, str]:
    """The environment of one start of an :func:`api_command` server: its number of processes,
    among which the rate limiter shares its limit, and ``metrics_dir``, emptied now, where they
    count for ``/metrics`` to serve the sum (:mod:`search_api.metrics`): files left by an
    earlier start would be added to this one's."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    return {"ANN_API_WORKERS": str(workers), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}


def api_metrics_dir(settings: Settings) -> Path:
    return settings.state_dir / "api-metrics"


def start_api(launch: Launch) -> str:
    settings = launch.settings
    url = f"http://{settings.api_host}:{settings.api_port}"
    if launch.procs.pid(API_PROCESS) is None:  # a running server's directory is left alone
        launch.start(API_PROCESS,
                     api_command(settings.api_host, settings.api_port, settings.api_workers),
                     env=api_server_env(settings.api_workers, api_metrics_dir(settings)))
    wait_for(lambda: _http_ok(f"{url}/health"), "search API", launch.procs, API_PROCESS)
    return url


def stop_processes(procs: ProcessManager) -> list[str]:
    return [name for name in procs.names() if procs.stop(name)]


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _exited(pid: int | None) -> bool:
    """Whether ``pid`` is gone, reaping it when it is our child: an exited child stays a zombie,
    which signal 0 still reaches, so a service that failed at once would otherwise be waited
    for until the timeout."""
    if pid is None:
        return True
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:  # not our child: the pidfile check found it running
        return False


def wait_for(
    check: Callable[[], bool], what: str, procs: ProcessManager, name: str, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if _exited(procs.pid(name)):
            break
        time.sleep(0.3)
    raise StackError(f"{what} did not come up; see {procs.log_path(name)}")


def unacked(redis: Redis, queue: str) -> int:
    """Messages of ``queue`` taken by a worker but not yet acknowledged (each app keeps them
    in a hash beside its own queue: :func:`ann.celery_defaults.in_flight_keys`)."""
    return int(redis.hlen(unacked_key(queue)))


def queue_depth(redis: Redis, queue: str) -> int:
    """Messages of ``queue`` waiting, plus those taken by a worker but not yet acknowledged."""
    return int(redis.llen(queue)) + unacked(redis, queue)


def unsettled(redis: Redis, prefix: str, queue: str) -> int:
    """Batches of ``queue`` not yet done: the larger of what the broker holds (waiting or
    unacknowledged) and what the ledger holds (:mod:`ann.ledger`: written before the push,
    settled by the indexer once the batch is written, refused or dead-lettered). The ledger
    also covers a batch between the worker's ``BRPOP`` and its unacknowledged record, and a
    batch the indexer is sending round again."""
    batches = Ledger(redis, prefix, queue).size()["batches"]
    return max(queue_depth(redis, queue), int(batches or 0))


def wait_drained(
    redis: Redis, prefix: str, queue: str, timeout: float,
    on_depth: Callable[[int], None] | None = None,
) -> bool:
    """Wait until every batch of ``queue`` is done (:func:`unsettled`); False if ``timeout``
    ran out.

    Done means nothing unsettled at two reads half a second apart: for messages sent without a
    ledger (the alerts and crawl queues) only the broker can be read, and a worker takes a
    message off the list and only then records it as unacknowledged (two Redis commands), so
    one read between the two sees a queue with nothing in it while a message is on its way."""
    deadline = time.monotonic() + timeout
    empty_reads = 0
    while time.monotonic() < deadline:
        depth = unsettled(redis, prefix, queue)
        if on_depth is not None:
            on_depth(depth)
        empty_reads = empty_reads + 1 if depth == 0 else 0
        if empty_reads == 2:
            return True
        time.sleep(0.5)
    return False
