"""Shared fixtures: the real local services, started once per session when not running.

Services that were already up (a developer's ``ann up``) are reused and left running; services
this session started are stopped at the end, so CI leaves nothing behind.

Tests that read the team's shared material (``ANN_SHARED_DIR``, by default ``../shared``: the dev
set, third-party pages and fixtures) are marked ``needs_shared``. A clone with nothing beside it
skips them, saying why; under ``CI=true`` (where the material is always laid beside the clone) its
absence fails the run instead, so the suite cannot pass there with those tests unrun.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.ops import stack
from ann.settings import Settings
from indexer.mapping import index_name
from mirror.server import MirrorServer
from tests.support.mirrors import generate
from tests.support.ports import free_port

TEST_REDIS_DB = 7
NEEDS_SHARED = "needs_shared"
INTEGRATION = "integration"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _check_integration_markers(items)
    _skip_or_fail_without_shared(items)


def _check_integration_markers(items: list[pytest.Item]) -> None:
    """A test that reaches Redis or Elasticsearch (through the ``services`` fixture, which every
    service fixture builds on) is marked ``integration``, so that ``-m "not integration"``
    (``./dev.sh test --fast``) never starts or waits for a service."""
    unmarked = [item.nodeid for item in items
                if "services" in getattr(item, "fixturenames", ())
                and not item.get_closest_marker(INTEGRATION)]
    if unmarked:
        raise pytest.UsageError(
            f"tests using the services must be marked {INTEGRATION}: {unmarked}")


def _skip_or_fail_without_shared(items: list[pytest.Item]) -> None:
    marked = [item for item in items if item.get_closest_marker(NEEDS_SHARED)]
    unmarked = [item.nodeid for item in items if "shared_dir" in getattr(item, "fixturenames", ())
                and item not in marked]
    if unmarked:
        raise pytest.UsageError(f"tests using shared_dir must be marked {NEEDS_SHARED}: {unmarked}")
    directory = Settings().shared_dir
    if not marked or directory.is_dir():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI=true but the shared material is not at {directory} (ANN_SHARED_DIR): "
            f"{len(marked)} tests marked {NEEDS_SHARED} cannot run")
    skip = pytest.mark.skip(reason=f"{NEEDS_SHARED}: no shared material at {directory} "
                                   "(set ANN_SHARED_DIR)")
    for item in marked:
        item.add_marker(skip)


MEASURED = pytest.StashKey[list[str]]()


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record a line of what a test measured; the run's summary shows every such line, also
    when the test passes (pytest keeps a passing test's own output to itself)."""
    lines = request.config.stash.setdefault(MEASURED, [])

    def add(line: str) -> None:
        lines.append(f"{request.node.name}: {line}")

    return add


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(MEASURED, [])
    if lines:
        terminalreporter.section("measured")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared material (tests that use it are marked ``needs_shared``)."""
    return Settings().shared_dir


@pytest.fixture(scope="session")
def services() -> Iterator[Settings]:
    """Redis and Elasticsearch, up; yields base settings with an isolated Redis database."""
    base = Settings()
    started_here = stack.start_services(base)
    redis_url = base.redis_url.rsplit("/", 1)[0] + f"/{TEST_REDIS_DB}"
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    # the APIs tests start read name variants (search_api/variants.py) from an index of this
    # session's own, never from what an `ann variants load` put in the shared node
    yield base.model_copy(update={"redis_url": redis_url, "key_prefix": prefix,
                                  "variants_index": f"{prefix}-variants"})
    for name, env in started_here.items():
        stack.run_service_script(name, "stop", env)


@pytest.fixture(scope="session")
def es(services: Settings) -> Iterator[Elasticsearch]:
    client = Elasticsearch(services.es_url, request_timeout=60)
    yield client
    client.close()


@pytest.fixture(scope="session")
def redis_client(services: Settings) -> Iterator[Redis]:
    client = Redis.from_url(services.redis_url)
    yield client
    # never FLUSHDB: other test sessions may share this Redis; every key of ours is prefixed
    for key in client.scan_iter(match=f"{services.key_prefix}*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture
def isolated(services: Settings, es: Elasticsearch) -> Iterator[Settings]:
    """Settings with an index alias and a queue of this test's own, removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(
        update={"index_alias": f"test-{tag}-articles", "pages_queue": f"test-{tag}-pages"}
    )
    yield settings
    es.indices.delete(index=index_name(settings.index_alias), ignore_unavailable=True)



@pytest.fixture
def own_settings(services: Settings, es: Elasticsearch, redis_client: Redis) -> Iterator[Settings]:
    """Settings whose index alias, page and crawl queues and Redis key prefix are this test's own,
    for tests whose workers, crawls or tallies must not meet another test's; every index of the
    alias (any mapping version), both queues and every key of the prefix are removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={
        "index_alias": f"test-{tag}-articles", "pages_queue": f"test-{tag}-pages",
        "crawl_queue": f"test-{tag}-crawl", "key_prefix": f"{services.key_prefix}-{tag}",
    })
    yield settings
    for name in es.indices.get(index=f"{settings.index_alias}-v*", ignore_unavailable=True):
        es.indices.delete(index=name, ignore_unavailable=True)
    redis_client.delete(settings.pages_queue, settings.crawl_queue)
    for key in redis_client.scan_iter(match=f"{settings.key_prefix}:*", count=1000):
        redis_client.delete(key)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Redis of the test's own, run as deploy/local/redis.sh runs it (append-only file), for a
    test that stops and starts it: never the Redis the suite and other sessions share. Yields
    the script's environment (``REDIS_PORT``, ``ANN_RUN_DIR``)."""
    env = {"REDIS_PORT": str(free_port()), "ANN_RUN_DIR": str(tmp_path / "own-redis")}
    stack.run_service_script("redis", "start", env)
    try:
        yield env
    finally:
        stack.run_service_script("redis", "stop", env)


@pytest.fixture(scope="module")
def served_mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    """A small offline mirror (3 articles a site), served for one test module: its status faults
    and request counts are that module's alone."""
    root = tmp_path_factory.mktemp("mirror")
    generate(root, per_site=3)
    server = MirrorServer(root)
    server.start()
    yield server
    server.stop()
