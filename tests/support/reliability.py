"""Helpers for the reliability scenarios: a worker we can kill, and what is still pending.

Everything here reads the real system from the outside (Redis keys, /proc, the worker's log);
nothing in production code is hooked for the tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch
from redis import Redis
from redis.exceptions import RedisError

from ann.keyspace import dead_letters_key
from ann.ops import stack
from ann.settings import Settings
from tests.support.env import service_env
from tests.support.harness import stop_process

TASK_LINE = re.compile(
    r"Task indexer\.index_pages\[(?P<id>[0-9a-f-]+)\] (?P<what>received|succeeded)"
)


class Worker:
    """One `celery worker` process (prefork, ``concurrency`` children) logging to a file."""

    def __init__(self, settings: Settings, log: Path, *, concurrency: int = 1,
                 env: dict[str, str] | None = None, name: str = "rel") -> None:
        self.settings = settings
        self.log = log
        self._out = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "indexer.celery_app", "worker",
             "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=prefork",
             "-Q", settings.pages_queue, "-n", f"{name}-{os.getpid()}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            # unbuffered: the children's "succeeded" lines must reach the log as they happen
            env={**service_env(settings), "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=self._out, stderr=subprocess.STDOUT,
        )

    def children(self) -> list[int]:
        """Pids of the pool's child processes (read from /proc: no psutil here)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def task_events(self) -> list[tuple[str, str]]:
        return [(m["id"], m["what"]) for m in TASK_LINE.finditer(self.text())]

    def in_flight(self) -> set[str]:
        """Tasks this worker has received and not finished successfully."""
        events = self.task_events()
        done = {task for task, what in events if what == "succeeded"}
        return {task for task, what in events if what == "received"} - done

    def succeeded(self) -> int:
        return sum(1 for _, what in self.task_events() if what == "succeeded")

    def stop(self) -> None:
        stop_process(self.process)
        self._out.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kill9(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def pending(redis: Redis, queue: str) -> dict[str, int]:
    """Messages of this queue still waiting, and those taken but unacknowledged."""
    return {"waiting": int(redis.llen(queue)), "unacked": stack.unacked(redis, queue)}


def queued(redis: Redis, queue: str) -> int:
    return int(redis.llen(queue))


def dead_letters(redis: Redis, settings: Settings) -> list[dict[str, object]]:
    return [json.loads(e) for e in redis.lrange(dead_letters_key(settings.key_prefix), 0, -1)]


def index_total(es: Elasticsearch, alias: str) -> int:
    stats = es.indices.stats(index=alias, metric="indexing")
    return int(stats["_all"]["primaries"]["indexing"]["index_total"])


def es_healthy(url: str) -> bool:
    try:
        health = Elasticsearch(url, request_timeout=3, max_retries=0).cluster.health()
    except Exception:
        return False
    return health["status"] in {"green", "yellow"}


def redis_up(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_timeout=1).ping())
    except RedisError:
        return False


class HoldingProxy:
    """A TCP proxy in front of Elasticsearch that can hold one ``_bulk`` exchange.

    The worker is pointed at it through ``ES_URL`` (environment only). ``arm("response")``
    lets the next bulk request reach Elasticsearch, then holds its reply: the documents are
    written but the worker does not know yet, the worst moment for it to die.
    ``arm("request")`` holds the request itself, before anything is written. ``caught`` is set
    while an exchange is held; ``release()`` lets it go.
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stage: str | None = None
        self._lock = threading.Lock()
        self.caught = threading.Event()
        self._released = threading.Event()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, stage: str) -> None:
        assert stage in {"request", "response"}
        self.caught.clear()
        self._released.clear()
        self._stage = stage

    def release(self) -> None:
        self._released.set()

    def _take(self, stage: str) -> bool:
        with self._lock:
            if self._stage != stage:
                return False
            self._stage = None
            return True

    def _hold(self) -> None:
        self.caught.set()
        self._released.wait(60)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self._upstream)
            except OSError:
                client.close()
                continue
            state = {"bulk": False}
            threading.Thread(target=self._pump, args=(client, server, state, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, state, False),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, state: dict[str, bool],
              upward: bool) -> None:
        try:
            while chunk := src.recv(65536):
                if upward and chunk[:4] in {b"PUT ", b"POST"}:
                    state["bulk"] = b"/_bulk" in chunk.split(b"\r\n", 1)[0]
                    if state["bulk"] and self._take("request"):
                        self._hold()
                if not upward and state["bulk"] and chunk.startswith(b"HTTP/"):
                    state["bulk"] = False
                    if self._take("response"):
                        self._hold()
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def close(self) -> None:
        self._closed = True
        self._released.set()
        self._listener.close()
