"""`ann up` and `ann demo` on ports, queues, keys and a state directory of the test's own, with
Redis and Elasticsearch given by ES_URL / REDIS_URL (so the stack neither starts nor stops them):
a mirror-mode stack gives every process it starts the mirror's settings, a live one starts no
mirror and sets none, and a demo that fails or is interrupted stops what it started — and only
that."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.ops.processes import ProcessManager
from ann.settings import Settings
from indexer.mapping import index_name
from tests.support.env import service_env
from tests.support.mirrors import generate
from tests.support.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ANN = [sys.executable, "-m", "ann"]


@pytest.fixture
def stack_env(
    services: Settings, tmp_path: Path, es: Elasticsearch, redis_client: Redis
) -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={
        "key_prefix": f"stack-{tag}", "pages_queue": f"pages-{tag}", "crawl_queue": f"crawl-{tag}",
        "index_alias": f"stack-{tag}-articles", "alerts_queue": f"alerts-{tag}",
    })
    env = {k: v for k, v in service_env(settings).items()
           if k not in ("ANN_MIRROR_URL", "ANN_POLITENESS_SCALE")}
    env.update({"ANN_STATE_DIR": str(tmp_path / "state"), "ANN_CRAWL_QUEUE": settings.crawl_queue,
                "ANN_ALERTS_QUEUE": settings.alerts_queue,
                "ANN_API_PORT": str(free_port()), "ANN_MIRROR_PORT": str(free_port()),
                "ANN_INDEXER_METRICS_PORT": str(free_port())})
    assert env["ES_URL"] and env["REDIS_URL"]  # the shared services are never ours to stop
    yield env
    subprocess.run([*ANN, "down"], env=env, capture_output=True, timeout=120, check=False)
    es.indices.delete(index=index_name(settings.index_alias), ignore_unavailable=True)
    redis_client.delete(settings.pages_queue, settings.crawl_queue, settings.alerts_queue)
    for key in redis_client.scan_iter(match=f"{settings.key_prefix}:*", count=1000):
        redis_client.delete(key)


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def _running(env: dict[str, str]) -> dict[str, int]:
    """The stack's processes now running, by name, from its pidfiles."""
    procs = ProcessManager(Path(env["ANN_STATE_DIR"]))
    return {name: pid for name in procs.names() if (pid := procs.pid(name)) is not None}


def _processes_of(env: dict[str, str]) -> list[int]:
    """Every process on the machine whose environment names this test's state directory."""
    mine = f"ANN_STATE_DIR={env['ANN_STATE_DIR']}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if mine in (entry / "environ").read_bytes().split(b"\0"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _none_left(env: dict[str, str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _processes_of(env) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_of(env) == [], "processes of the stack are still running"


def test_up_gives_every_process_it_starts_the_mirror_settings(stack_env: dict[str, str]) -> None:
    generate(Path(stack_env["ANN_STATE_DIR"]) / "mirror", per_site=2)
    result = subprocess.run([*ANN, "up"], env=stack_env, capture_output=True, text=True,
                            timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    running = _running(stack_env)
    assert set(running) == {"mirror", "worker-0", "crawl-worker", "alerts-worker", "beat",
                            "api"}
    mirror = f"http://127.0.0.1:{stack_env['ANN_MIRROR_PORT']}"
    for name, pid in running.items():
        if name != "mirror":
            assert _environ(pid).get("ANN_MIRROR_URL") == mirror, name
            assert _environ(pid).get("ANN_POLITENESS_SCALE") == "0", name
    subprocess.run([*ANN, "down"], env=stack_env, capture_output=True, timeout=120, check=True)
    _none_left(stack_env)


def test_up_live_starts_no_mirror_and_sets_nothing(stack_env: dict[str, str]) -> None:
    result = subprocess.run([*ANN, "up", "--live"], env=stack_env, capture_output=True,
                            text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    running = _running(stack_env)
    assert set(running) == {"worker-0", "crawl-worker", "alerts-worker", "beat", "api"}
    for name, pid in running.items():
        assert "ANN_MIRROR_URL" not in _environ(pid), name


def _stopped(stderr: str) -> set[str]:
    """The names on the demo's "stopped what this run started" line (newest first there: the
    order of start-up, which is not what these tests check)."""
    [line] = [line for line in stderr.splitlines()
              if line.startswith("stopped what this run started: ")]
    return set(line.split(": ", 1)[1].split(", "))


def test_a_demo_that_fails_stops_what_it_started_and_nothing_else(
    stack_env: dict[str, str]
) -> None:
    procs = ProcessManager(Path(stack_env["ANN_STATE_DIR"]))
    earlier = subprocess.Popen(["sleep", "300"], start_new_session=True)  # not the demo's
    (procs.run_dir / "worker-0.pid").write_text(str(earlier.pid))
    env = {**stack_env, "ANN_API_HOST": "203.0.113.1"}  # no such local address: the API fails
    try:
        result = subprocess.run([*ANN, "demo", "--live"], env=env, capture_output=True,
                                text=True, timeout=240, check=False)
        print(result.stderr[-600:])
        assert result.returncode == 1
        assert "search API did not come up" in result.stderr
        assert _stopped(result.stderr) == {"beat", "crawl-worker", "alerts-worker"}  # api died
        assert _processes_of(stack_env) == []
        assert procs.pid("worker-0") == earlier.pid
    finally:
        earlier.terminate()
        earlier.wait(timeout=30)


@pytest.mark.parametrize(("sig", "moment", "reason", "exit_code"), [
    (signal.SIGINT, "crawling", "interrupted", 130),  # as its crawlers are made: stopped at start
    (signal.SIGTERM, "starting the API", "terminated", 143),
])
def test_an_interrupted_demo_stops_what_it_started(
    stack_env: dict[str, str], tmp_path: Path, sig: signal.Signals, moment: str, reason: str,
    exit_code: int,
) -> None:
    api_pidfile = Path(stack_env["ANN_STATE_DIR"]) / "run" / "api.pid"

    def now(stderr: str) -> bool:
        if moment == "crawling":  # the crawlers' first warnings: before their reactor runs
            return "Disabled crawler.extensions.warc" in stderr
        return api_pidfile.exists()

    with (tmp_path / "demo.err").open("w+") as err:
        demo = subprocess.Popen([*ANN, "demo", "--live"], env=stack_env,
                                stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            deadline = time.monotonic() + 180
            while not now(text := Path(err.name).read_text()):
                assert demo.poll() is None and time.monotonic() < deadline, text
                time.sleep(0.1)
            demo.send_signal(sig)
            code = demo.wait(timeout=120)
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.wait()
    stderr = Path(err.name).read_text()
    print(f"exit {code}\n{stderr[-600:]}")
    assert code == exit_code
    assert f"failed: {reason}" in stderr
    assert _stopped(stderr) == {"alerts-worker", "api", "beat", "crawl-worker", "worker-0"}
    _none_left(stack_env)
