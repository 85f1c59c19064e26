"""A whole deployment on simulated hosts: the internet, a data host, two Elasticsearch nodes, two
crawler hosts, two indexer hosts and an API host, each process started as an operator would
start it on its own machine (``docs/operations.md``).

Every process gets an environment built from nothing but the settings a deployment sets: service
URLs by host name, no ``ANN_MIRROR_URL`` (live mode), the internet's authority in
``SSL_CERT_FILE``. The test process itself stands outside, on the bridge, and reaches the hosts by
address.
"""

from __future__ import annotations

import ast
import contextlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
from redis import Redis
from redis.exceptions import RedisError

from ann.sources import load_registry
from mirror.internet import server_names
from mirror.manifest import Manifest
from tests.support import hostile, netns, wild
from tests.support.hostile import HostileSites
from tests.support.internet import Certificates, internet_argv, issue
from tests.support.mirrors import generate
from tests.support.services import es_node_argv, redis_argv
from tests.support.site import counting_listener
from tests.support.waiting import wait_until

HOSTS = ["internet", "wild", "data", "es1", "es2", "crawl1", "crawl2", "index1", "index2", "api"]
ES_NODES = ["es1", "es2"]
CRAWLERS = ["crawl1", "crawl2"]
INDEXERS = ["index1", "index2"]
ADMIN_KEY = "annh-admin-key"
API_PORT = 8000
RUN_ROOT = Path("/var/tmp/ann-run")  # the Elasticsearch service user must reach its files


class Deployment:
    SETTINGS: ClassVar[dict[str, str]] = {
        "ANN_POLITENESS_SCALE": "0.02",
        "ANN_SCHEDULE_TICK_SECONDS": "2",
        # sitemaps and edit re-checks every 86 s, section fronts every 346 s (6 h and 24 h):
        # often enough to show them, rarely enough to leave moments with no crawl job running
        "ANN_SCHEDULE_CADENCE_SCALE": "0.004",
        # a member's crawl here needs at most a few dozen responses; the calendar, endless
        "ANN_CRAWL_MAX_PAGES": "80",
        "ANN_DOWNLOAD_TIMEOUT": "10",  # a response that never finishes holds a crawl 3 x this
    }
    """The settings the test shortens, beside the services' addresses."""

    def __init__(self, logs: Path, per_site: int = 5) -> None:
        self.logs = logs
        self.per_site = per_site
        self.net = netns.Network(HOSTS, {}, loopback_range=ES_NODES)
        self.work = RUN_ROOT / f"annh{self.net.number}"
        self.mirror = self.work / "mirror"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.manifest: Manifest | None = None
        self.certificates: Certificates | None = None
        self.hostile: HostileSites | None = None
        self.inside_connections: list[int] = [0]
        """Connections the listener on the test's own machine (an internal address) took."""
        self._listener = contextlib.ExitStack()

    # -- addresses, as the test process outside the hosts reaches them ---------------------
    def address(self, host: str) -> str:
        return self.net[host].address

    @property
    def es_url(self) -> str:
        return f"http://{self.address('es1')}:9200"

    @property
    def api_url(self) -> str:
        return f"http://{self.address('api')}:{API_PORT}"

    def redis(self) -> Redis:
        return Redis(host=self.address("data"), port=6379, socket_timeout=10)

    # -- what every process of the deployment is given -----------------------------------
    def env(self, host: str) -> dict[str, str]:
        assert self.certificates is not None
        state = self.work / "state" / host
        state.mkdir(parents=True, exist_ok=True)
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "HOME": str(state),
            "LANG": "C.UTF-8",
            "REDIS_URL": "redis://redis:6379/0",
            "ES_URL": ",".join(f"http://{node}:9200" for node in ES_NODES),
            "ANN_STATE_DIR": str(state),
            "ANN_WARC_DIR": "",
            **self.SETTINGS,
            "ANN_API_ADMIN_KEY": ADMIN_KEY,
            "SSL_CERT_FILE": str(self.certificates.ca),
            # the internet's hosts alone: the crawler still refuses Redis, Elasticsearch, the
            # test's own machine and the rest
            "ANN_CRAWL_ALLOW_NETWORKS": f"{self.address('internet')}/32,"
                                        f"{self.address('wild')}/32",
            "ANN_EXTRA_SOURCES_DIR": str(self.sources_dir),
        }

    # -- lifecycle ------------------------------------------------------------------------
    def up(self) -> None:
        self.net.up()
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.work.chmod(0o755)
        for node in ES_NODES:  # the slowest to start: first, while the mirror is generated
            self.start(node, es_node_argv(self.net, node, ES_NODES, self.work / "es"),
                       {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"})
        self.manifest = generate(self.mirror, per_site=self.per_site)
        port, self.inside_connections = self._listener.enter_context(
            counting_listener(self.net.gateway))
        self.hostile = hostile.build(f"{self.net.gateway}:{port}")
        self.hostile.write(self.sources_dir, self.work / "wild-sites.json")
        self.certificates = issue(self.mirror, self.work / "tls", self.hostile.names)
        names = {"internet": server_names(self.mirror, load_registry()), "data": ["redis"],
                 "wild": self.hostile.names}
        self.net.set_names(names, gateway=[hostile.INTRANET])
        self.start("internet", internet_argv(self.mirror, self.certificates,
                                             self.address("internet"), self.access_log))
        self.start("wild", [sys.executable, str(Path(wild.__file__)),
                            "--sites", str(self.work / "wild-sites.json"),
                            "--cert", str(self.certificates.chain),
                            "--key", str(self.certificates.key),
                            "--bind", self.address("wild"), "--access-log", str(self.wild_log)])
        self.start_redis()
        wait_until(self._es_cluster_formed, "Elasticsearch cluster of two nodes", 400, 2)
        for host in INDEXERS:
            self.start_indexer(host)
        for host in CRAWLERS:
            self.start(host, self._celery("crawler.celery_app", "worker", "-Q", "crawl",
                                          "-c", "2", "-n", f"{host}@{host}"))
        self.start("crawl1", [sys.executable, "-m", "ann.ops.respawn", "--",
                              *self._celery("crawler.celery_app", "beat")], name="beat")
        self.start("api", [sys.executable, "-m", "uvicorn", "search_api.main:app",
                           "--host", self.address("api"), "--port", str(API_PORT),
                           "--no-access-log"])
        wait_until(lambda: httpx.get(f"{self.api_url}/health/live", timeout=5).is_success,
                   "API up", 120)
        workers = [*INDEXERS, *CRAWLERS]
        wait_until(lambda: all(f"{h}@{h} ready." in self.log(h) for h in workers),
                   "Celery workers ready", 120)

    def down(self) -> None:
        for name in reversed(list(self.processes)):  # the services last
            self.stop(name)
        self.net.down()
        self._listener.close()
        shutil.rmtree(self.work, ignore_errors=True)

    @property
    def access_log(self) -> Path:
        return self.logs / "internet-access.jsonl"

    @property
    def wild_log(self) -> Path:
        return self.logs / "wild-access.jsonl"

    @property
    def sources_dir(self) -> Path:
        """The hostile sites' source files (``ANN_EXTRA_SOURCES_DIR`` of every process)."""
        return self.work / "sources"

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _celery(self, app: str, *args: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", app, *args, "--loglevel=INFO"]

    def start(self, host: str, argv: list[str], env: dict[str, str] | None = None,
              name: str | None = None) -> None:
        name = name or host
        self.processes[name] = self.net.start(
            host, argv, env if env is not None else self.env(host), self.logs / f"{name}.log")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            netns.stop(process, timeout=60)

    def start_indexer(self, host: str) -> None:
        self.start(host, self._celery("indexer.celery_app", "worker", "-Q", "pages", "-c", "1",
                                      "-n", f"{host}@{host}", "--without-gossip",
                                      "--without-mingle"))

    def start_redis(self) -> None:
        self.start("data", redis_argv(self.net, "data", self.work / "redis"))
        wait_until(lambda: self.redis().ping(), "Redis up", 60, 0.3)

    def restart_redis(self) -> None:
        """SHUTDOWN (Redis writes its append-only file out) and start it again on its files."""
        with contextlib.suppress(RedisError):
            self.redis().shutdown()
        self.processes.pop("data").wait(timeout=60)
        self.start_redis()

    def _es_cluster_formed(self) -> bool:
        health = httpx.get(f"{self.es_url}/_cluster/health", timeout=5).json()
        return bool(health.get("number_of_nodes") == len(ES_NODES))

    # -- what happened --------------------------------------------------------------------
    def requests(self, log: Path | None = None) -> list[dict[str, object]]:
        """The internet host's access log (or the hostile sites' one): one record per request,
        with the client address."""
        log = log or self.access_log
        if not log.exists():
            return []
        lines = log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def requests_by_host(self) -> Counter[str]:
        by_address = {self.address(h): h for h in HOSTS}
        return Counter(by_address.get(str(r["client"]), str(r["client"]))
                       for r in self.requests())

    def batches_by_host(self) -> dict[str, tuple[int, int]]:
        """Per indexer host: index batches its worker finished, and pages it indexed (from the
        worker's log, where Celery writes each task's result)."""
        done: dict[str, tuple[int, int]] = {}
        for host in INDEXERS:
            batches = pages = 0
            for line in self.log(host).splitlines():
                if "indexer.index_pages" in line and " succeeded in " in line:
                    batches += 1
                    pages += _indexed_in(line)
            done[host] = (batches, pages)
        return done

    def crawl_results(self, task_id: str) -> list[dict[str, Any]]:
        """The summary a crawl worker logged for crawl job ``task_id`` when it finished (Celery
        writes each task's result): one element, or none while it runs."""
        marker = f"crawler.crawl_sources[{task_id}] succeeded in "
        return [ast.literal_eval(line[line.index("{", line.index(marker)):])
                for host in CRAWLERS for line in self.log(host).splitlines() if marker in line]

    @contextlib.contextmanager
    def running(self) -> Iterator[Deployment]:
        try:
            self.up()
            yield self
        finally:
            self.down()


def _indexed_in(line: str) -> int:
    """Pages indexed in one logged task result (``... succeeded in 0.2s: {'dawn/indexed': 3}``)."""
    result = ast.literal_eval(line[line.index("{"):])
    return sum(n for key, n in result.items() if key.endswith("/indexed"))
