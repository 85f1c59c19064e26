"""Background processes of the local stack (mirror, workers, API), tracked by pidfiles.

A pidfile and a log per process under ``<state_dir>/run`` let ``ann down`` stop exactly what
``ann up`` started, from another shell, and let ``up`` reuse what is already running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


class ProcessManager:
    def __init__(self, state_dir: Path) -> None:
        self.run_dir = state_dir / "run"
        self.run_dir.mkdir(parents=True, exist_ok=True)

    def _pidfile(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def log_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.log"

    def pid(self, name: str) -> int | None:
        try:
            pid = int(self._pidfile(name).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> int:
        """Start ``argv`` in its own session unless ``name`` already runs; return its pid."""
        running = self.pid(name)
        if running is not None:
            return running
        with self.log_path(name).open("ab") as log:  # the child keeps its own descriptor
            process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})}, start_new_session=True,
            )
        self._pidfile(name).write_text(str(process.pid))
        return process.pid

    def stop(self, name: str, timeout: float = 20.0) -> bool:
        """SIGTERM the process group, then SIGKILL after ``timeout``; True if it was running."""
        pid = self.pid(name)
        self._pidfile(name).unlink(missing_ok=True)
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return True
            time.sleep(0.2)
        _signal_group(pid, signal.SIGKILL)
        return True

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.run_dir.glob("*.pid"))


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
