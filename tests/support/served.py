"""The API under uvicorn, as deployed, in a process of its own: for tests that talk to it over
HTTP as outside clients do (schemathesis, a browser), or that measure the process (its memory).

The command line and its environment are those ``ann up`` runs (:func:`ann.ops.stack.api_command`
and :func:`~ann.ops.stack.api_server_env`), so a test sees the server flags production has too."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ann.ops.stack import api_command, api_server_env
from ann.settings import Settings
from tests.support.env import service_env
from tests.support.ports import free_port

START_DEADLINE_S = 60


@dataclass(frozen=True)
class ServedApi:
    url: str
    pid: int

    def memory_kib(self) -> dict[str, int]:
        """The process's resident memory now (``VmRSS``) and at its peak (``VmHWM``), in KiB."""
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{self.pid}/status").read_text().splitlines() if ":" in line)
        return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/live", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def uvicorn_api(env: dict[str, str], log_path: Path, workers: int = 1) -> Iterator[ServedApi]:
    """Serve ``search_api.main:app`` with ``env`` on a free port of 127.0.0.1 in ``workers``
    processes (their metrics in a directory beside ``log_path``), stopped afterwards."""
    port = free_port()
    server_env = api_server_env(workers, log_path.with_name(f"{log_path.stem}-metrics"))
    with log_path.open("wb") as log:
        server = subprocess.Popen(api_command("127.0.0.1", port, workers),
                                  env={**env, **server_env}, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_DEADLINE_S
            while not answers(url):
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the API did not start within 60 s"
                time.sleep(0.3)
            yield ServedApi(url, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextmanager
def served_api(settings: Settings, log_path: Path, workers: int = 1,
               **env: str) -> Iterator[ServedApi]:
    """:func:`uvicorn_api` with ``settings`` (and ``env`` on top), no rate limit."""
    with uvicorn_api({**service_env(settings), "ANN_API_RATE_LIMIT": "", **env},
                     log_path, workers) as api:
        yield api
