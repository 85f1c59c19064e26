"""Crawler processes for fleet tests: several at once, on the offline mirror, each its own OS
process as in production."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

from ann.settings import Settings
from tests.support.env import service_env


def start_crawl(
    settings: Settings, mirror_url: str, sources: Sequence[str], *, scale: float = 0.0,
    entry: Sequence[str] = (), since: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    env = {**service_env(settings), "ANN_MIRROR_URL": mirror_url,
           "ANN_POLITENESS_SCALE": str(scale), **(extra_env or {})}
    args = [sys.executable, "-m", "ann", "crawl", *sources, "--no-wait"]
    for kind in entry:
        args += ["--entry", kind]
    if since:
        args += ["--since", since]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish(process: subprocess.Popen[str], timeout: float = 300) -> str:
    out, err = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise AssertionError(f"crawl failed ({process.returncode}):\n{out}\n{err[-4000:]}")
    return err


def crawl(settings: Settings, mirror_url: str, *sources: str, **options: object) -> str:
    return finish(start_crawl(settings, mirror_url, sources, **options))  # type: ignore[arg-type]
