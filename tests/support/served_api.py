"""The API served by uvicorn in a process of its own, as deployed: for tests that measure the
process (its memory) or need a real HTTP server rather than an in-process client."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ann.settings import Settings
from tests.support.env import service_env
from tests.support.ports import free_port

START_SECONDS = 60


@dataclass(frozen=True)
class ServedApi:
    url: str
    pid: int

    def memory_kib(self) -> dict[str, int]:
        """The process's resident memory now (``VmRSS``) and at its peak (``VmHWM``), in KiB."""
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{self.pid}/status").read_text().splitlines() if ":" in line)
        return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/live", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def served_api(settings: Settings, log_file: Path, **env: str) -> Iterator[ServedApi]:
    """``uvicorn search_api.main:app`` on a free port with ``settings`` (and ``env`` on top),
    stopped afterwards."""
    port = free_port()
    with log_file.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "search_api.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"],
            env={**service_env(settings), "ANN_API_RATE_LIMIT": "", **env},
            stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_SECONDS
            while not _answers(url):
                assert server.poll() is None, log_file.read_text()
                assert time.monotonic() < deadline, f"the API did not start in {START_SECONDS} s"
                time.sleep(0.3)
            yield ServedApi(url, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
