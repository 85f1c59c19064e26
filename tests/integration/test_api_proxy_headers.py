"""The API server as the stack and deploy/ start it believes no ``X-Forwarded-For`` of its own:
uvicorn's default trusts one from 127.0.0.1, which would let any local process pose as any client
to the rate limiter. Runs the real uvicorn process from ``ann.ops.stack.api_command``."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from ann.ops.stack import api_command
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


def test_a_forwarded_for_header_from_loopback_does_not_escape_the_rate_limit(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**os.environ, "ANN_API_RATE_LIMIT": "2/minute", "ANN_API_TRUSTED_PROXIES": "",
           # no engine is needed: the limiter answers before a route asks it anything
           "ES_URL": "http://127.0.0.1:9", "ANN_API_ES_TIMEOUT": "0.2"}
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        server = subprocess.Popen(api_command("127.0.0.1", port), env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/articles/missing!"
        deadline = time.monotonic() + 60
        while True:  # wait for the server, through a route the limiter does not count
            try:
                httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the API did not start within 60 s"
                time.sleep(0.2)
        statuses = [
            httpx.get(url, headers={"X-Forwarded-For": f"203.0.113.{n}"}, timeout=10).status_code
            for n in range(1, 4)
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    # three "clients" named by the header are one connection's address: the third is refused
    assert statuses == [422, 422, 429]
