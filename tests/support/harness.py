"""Run the real pipeline for a test: mirror server, Celery worker processes, crawler process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis

from ann.ops import stack
from ann.settings import Settings
from tests.support.env import service_env


def stop_process(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop a worker the way its supervisor would: SIGTERM (a warm shutdown: the batch in hand
    is finished), then SIGKILL if it is still there after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def celery_workers(
    settings: Settings, log: Path, concurrency: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[None]:
    """A real `celery worker` (prefork: `concurrency` child processes) on the test queue
    (``extra_env`` added to its environment)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "indexer.celery_app", "worker",
             "--loglevel=INFO", f"--concurrency={concurrency}", "-Q", settings.pages_queue,
             "-n", f"test-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            env={**service_env(settings), **(extra_env or {})}, stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            stop_process(process)


@contextmanager
def subprocess_worker(app: str, queue: str, env: dict[str, str], log: Path) -> Iterator[None]:
    """A real `celery worker` of the Celery app ``app`` (one process) on ``queue``, with the
    environment ``env``."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", "--loglevel=INFO",
             "--concurrency=1", "-Q", queue, "-n", f"test-{os.getpid()}-{queue}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            stop_process(process)


def run_crawl(
    settings: Settings, mirror_url: str, *sources: str, extra_env: dict[str, str] | None = None
) -> str:
    """`ann crawl` in its own process against the mirror (``extra_env`` added to its
    environment); returns its output."""
    args = list(sources) or ["--all"]
    env = {**service_env(settings), "ANN_MIRROR_URL": mirror_url, "ANN_POLITENESS_SCALE": "0",
           **(extra_env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "ann", "crawl", *args, "--no-wait"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"crawl failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    return result.stderr


def wait_drained(settings: Settings, timeout: float = 300,
                 log: Callable[[], str] | None = None) -> None:
    """Every batch of the pages queue settled (:func:`ann.ops.stack.unsettled`), not merely gone
    from the queue; ``log``: what to show when it never is (a worker's log)."""
    redis = Redis.from_url(settings.redis_url)
    if not stack.wait_drained(redis, settings.key_prefix, settings.pages_queue, timeout):
        raise AssertionError(f"queue {settings.pages_queue} not drained in {timeout} s"
                             + (f":\n{log()}" if log is not None else ""))
