"""The API server as the stack and deploy/ start it believes no ``X-Forwarded-For`` of its own:
uvicorn's default trusts one from 127.0.0.1, which would let any local process pose as any client
to the rate limiter. Runs the real uvicorn process from ``ann.ops.stack.api_command``."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.support.served import uvicorn_api

pytestmark = pytest.mark.integration


def test_a_forwarded_for_header_from_loopback_does_not_escape_the_rate_limit(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "ANN_API_RATE_LIMIT": "2/minute", "ANN_API_TRUSTED_PROXIES": "",
           # no engine is needed: the limiter answers before a route asks it anything
           "ES_URL": "http://127.0.0.1:9", "ANN_API_ES_TIMEOUT": "0.2"}
    with uvicorn_api(env, tmp_path / "api.log") as api:
        statuses = [
            httpx.get(f"{api.url}/articles/missing!",
                      headers={"X-Forwarded-For": f"203.0.113.{n}"}, timeout=10).status_code
            for n in range(1, 4)
        ]
    # three "clients" named by the header are one connection's address: the third is refused
    assert statuses == [422, 422, 429]
