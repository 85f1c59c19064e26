"""Mirror or live is configuration: the scheduled crawl job, run by a real Celery crawl worker,
fetches the live sites when its environment names no mirror, and the mirror when it does.

Live here means the real host names, which do not resolve on this offline machine: the job's
summary then shows requests to those hosts failing with DNS errors, while an offline mirror
listening on the port the stack would use (``ANN_MIRROR_PORT``) counts no request at all.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ann.messages import CRAWL_SOURCES_TASK
from ann.settings import Settings
from ann.sources import load_registry
from crawler.celery_app import create_celery
from mirror.server import MirrorServer
from tests.support.env import service_env
from tests.support.harness import stop_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

SOURCE = "kathmandupost"  # one feed: few requests at the live delay
SUMMARY_LINE = "crawl summary "


def _worker_env(settings: Settings, mirror: MirrorServer, mode: dict[str, str]) -> dict[str, str]:
    """The crawl worker's environment: the test's services, the mirror's port as the stack's
    ``ANN_MIRROR_PORT`` (where the old command-line default went), and ``mode`` — nothing else
    that names a mirror, whatever the developer's shell holds."""
    env = {k: v for k, v in service_env(settings).items()
           if k not in ("ANN_MIRROR_URL", "ANN_POLITENESS_SCALE")}
    return {**env, "ANN_CRAWL_QUEUE": settings.crawl_queue,
            "ANN_MIRROR_PORT": str(mirror.port), **mode}


def _scheduled_crawl(settings: Settings, env: dict[str, str], log: Path) -> str:
    """Send the crawl job as beat does to a real crawl worker; return the worker's log once the
    job has finished (succeeded or failed)."""
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crawler.celery_app", "worker",
             "-Q", settings.crawl_queue, "-c", "1", "--loglevel=INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"modes-{os.getpid()}@%h"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    producer = create_celery(settings)
    try:
        job = producer.send_task(CRAWL_SOURCES_TASK, args=[[SOURCE], ["feeds"]],
                                 queue=settings.crawl_queue).id
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            if re.search(rf"\[{job}\] (succeeded|raised)", text):
                return text
            assert worker.poll() is None, text[-4000:]
            time.sleep(0.5)
        raise AssertionError(f"the job did not finish in 240 s:\n{log.read_text()[-4000:]}")
    finally:
        producer.close()
        stop_process(worker)


def _summary(log: str) -> dict[str, Any]:
    """The job's summary of the source, as the job logs it."""
    lines = [line for line in log.splitlines() if SUMMARY_LINE in line]
    assert lines, f"the job logged no summary:\n{log[-4000:]}"
    summary: dict[str, Any] = json.loads(lines[-1].split(SUMMARY_LINE, 1)[1])[SOURCE]
    return summary


def test_the_scheduled_job_without_a_mirror_setting_fetches_the_live_sites(
    own_settings: Settings, served_mirror: MirrorServer, tmp_path: Path
) -> None:
    served_mirror.reset_stats()
    # glibc's resolver: one try of one second per name, so that a machine whose configured
    # nameserver is unreachable also fails fast (here names fail at once: there is no DNS);
    # the live sites' politeness delays (seconds between a source's requests, retries
    # included) scaled down, which names no mirror: mirror or live is ANN_MIRROR_URL alone
    env = {**_worker_env(own_settings, served_mirror, {}), "RES_OPTIONS": "timeout:1 attempts:1",
           "ANN_POLITENESS_SCALE": "0.01"}
    log = _scheduled_crawl(own_settings, env, tmp_path / "worker.log")
    assert served_mirror.request_counts() == {}, "the job fetched from the offline mirror"
    summary = _summary(log)
    live_hosts = {h for h in summary["requests"] if load_registry().for_url(f"https://{h}/")}
    print(f"live job: requests {summary['requests']}, errors {summary['errors']}, "
          f"mirror requests {served_mirror.request_counts()}")
    assert live_hosts and live_hosts == set(summary["requests"])
    assert sum(summary["requests"].values()) >= 2  # robots.txt and at least one feed
    assert summary.get("queued_pages", 0) == 0
    unresolved = {"DNSLookupError", "CannotResolveHostError"}  # the name by Scrapy's version
    # offline the real names do not resolve; a machine that resolves them gets the site's answers
    assert set(summary["errors"]) & unresolved or summary["responses"], summary


def test_the_scheduled_job_with_a_mirror_setting_fetches_the_mirror(
    own_settings: Settings, served_mirror: MirrorServer, tmp_path: Path
) -> None:
    served_mirror.reset_stats()
    env = _worker_env(own_settings, served_mirror,
                      {"ANN_MIRROR_URL": served_mirror.url, "ANN_POLITENESS_SCALE": "0"})
    summary = _summary(_scheduled_crawl(own_settings, env, tmp_path / "worker.log"))
    counts = served_mirror.request_counts()
    print(f"mirror job: requests {summary['requests']}, queued {summary.get('queued_pages')}, "
          f"mirror requests {sum(counts.values())}")
    assert sum(counts.values()) >= sum(summary["requests"].values()) > 0
    assert summary["queued_pages"] > 0
    assert summary["errors"] == {}
