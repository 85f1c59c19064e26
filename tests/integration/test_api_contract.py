"""schemathesis over the API's OpenAPI document, every check, against the real application served
by uvicorn on the real node: zero server errors, zero contract violations.

The index holds a small corpus (so searches, facets, cursors and the links from a hit to
``/articles/{article_id}`` reach real documents); admin requests carry the key and go to a crawl
queue of the test's own. The allowances are in ``schemathesis.toml`` beside this file. The
seed is fixed, so a failure reproduces; ``st replay`` is printed with it.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.settings import Settings
from tests.support.api_corpus import corpus_documents, index_documents, private_alias
from tests.support.served import served_api as serve

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

CONFIG = Path(__file__).with_name("schemathesis.toml")
KEY = "contract-test-key"
CLIENT_KEY = "contract-test-client-key-0123456789abcdef"
"""The saved searches' key: requests with it reach past the key check."""
EXAMPLES = 20
SEED = 4


@pytest.fixture
def served_api(services: Settings, es: Elasticsearch, tmp_path: Path) -> Iterator[str]:
    """The API under uvicorn, as deployed, on an index of its own; its base URL."""
    tag = uuid.uuid4().hex[:8]
    crawl_queue, prefix = f"test-crawl-{tag}", f"{services.key_prefix}-contract-{tag}"
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, corpus_documents(4))
        try:  # the saved searches it creates under a key prefix of its own
            with serve(settings, tmp_path / "uvicorn.log", ANN_API_ADMIN_KEY=KEY,
                       ANN_CRAWL_QUEUE=crawl_queue, ANN_KEY_PREFIX=prefix) as api:
                yield api.url
        finally:
            with Redis.from_url(settings.redis_url) as redis:
                redis.delete(crawl_queue)
                for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
                    redis.delete(key)


def test_schemathesis_finds_no_server_error_and_no_contract_violation(served_api: str) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG),
        "run", f"{served_api}/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES),
        "--seed", str(SEED), "--header", f"X-API-Key: {KEY}",
        "--header", f"X-Client-Key: {CLIENT_KEY}", "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240)
    summary = [line for line in result.stdout.splitlines() if "generated" in line]
    print(*summary)  # e.g. "566 generated, 566 passed"
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout, result.stdout[-3000:]
