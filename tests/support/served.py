"""The API under uvicorn, as deployed, in a process of its own: for tests that talk to it over
HTTP as outside clients do (schemathesis, a browser)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_port

START_DEADLINE_S = 60


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/live", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def uvicorn_api(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Serve ``search_api.main:app`` with ``env`` on a free port of 127.0.0.1; its base URL."""
    port = free_port()
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "search_api.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"], env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_DEADLINE_S
            while not answers(url):
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the API did not start within 60 s"
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)
