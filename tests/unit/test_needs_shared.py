"""Tests that read ../shared are marked: skipped (with the reason) where it is absent, and the run
fails instead under CI=true, where it is always laid beside the clone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKED = "tests/unit/test_discovery.py::test_real_feeds_yield_every_entry"


def _pytest(shared: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["ANN_SHARED_DIR"] = str(shared)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", MARKED],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_without_shared_a_marked_test_is_skipped_with_the_reason(tmp_path: Path) -> None:
    run = _pytest(tmp_path / "absent", ci=None)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert f"SKIPPED [1] {MARKED.split('::')[0]}" in run.stdout  # -ra names it and says why
    assert f"needs_shared: no shared material at {tmp_path / 'absent'}" in run.stdout


def test_without_shared_under_ci_the_run_fails(tmp_path: Path) -> None:
    run = _pytest(tmp_path / "absent", ci="true")
    assert run.returncode != 0
    assert "CI=true but the shared material is not at" in run.stdout + run.stderr
