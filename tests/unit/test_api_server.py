"""How the API server is started: ``ANN_API_WORKERS`` processes, one per available CPU unless
set, a metrics directory emptied for each start, the collector's thresholds of a server."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from ann.ops.stack import api_command, api_server_env
from ann.settings import Settings
from search_api.app import COLLECTOR_THRESHOLDS, create_app


def test_one_worker_per_available_cpu_unless_set() -> None:
    assert Settings().api_workers == len(os.sched_getaffinity(0))
    assert Settings(ANN_API_WORKERS="3").api_workers == 3
    with pytest.raises(ValidationError):
        Settings(ANN_API_WORKERS="0")


def test_the_command_runs_that_many_workers_and_tells_them_their_number(tmp_path: Path) -> None:
    command = api_command("127.0.0.1", 18000, 3)
    assert command[command.index("--workers") + 1] == "3"
    env = api_server_env(3, tmp_path / "metrics")
    assert Settings(**env).api_workers == 3  # type: ignore[arg-type]
    assert Settings(**env).metrics_dir == tmp_path / "metrics"  # type: ignore[arg-type]


def test_each_start_gets_an_empty_metrics_directory(tmp_path: Path) -> None:
    """A file an earlier start left would be added to the new server's counts."""
    directory = tmp_path / "metrics"
    api_server_env(2, directory)
    (directory / "counter_123.db").write_bytes(b"earlier run")
    api_server_env(2, directory)
    assert list(directory.iterdir()) == []


def test_the_collector_runs_less_often_while_the_application_serves() -> None:
    """Set for the application's life, the process's own thresholds back after (the tests run
    many applications in one process)."""
    before = gc.get_threshold()
    assert before != COLLECTOR_THRESHOLDS
    app = create_app(Settings(ES_URL="http://127.0.0.1:1"))  # never asked
    with TestClient(app) as client:
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert client.get("/health/live").status_code == 200
    assert gc.get_threshold() == before
