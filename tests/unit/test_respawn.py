"""``ann.ops.respawn`` restarts a failed command, stops with it on SIGTERM, ends on a clean exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

RESPAWN = [sys.executable, "-m", "ann.ops.respawn"]
_CHILD = """
import os, sys, time
from pathlib import Path
runs = Path(sys.argv[1])
with runs.open("a") as f:
    f.write(f"{os.getpid()}\\n")
if len(runs.read_text().split()) < 3:
    sys.exit(1)  # the first two runs crash, like beat when Redis drops it
time.sleep(120)
"""


def _wait_for(check: object, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_a_failing_command_is_started_again_and_stops_with_the_respawner(tmp_path: Path) -> None:
    runs, log = tmp_path / "runs", tmp_path / "respawn.log"
    with log.open("ab") as out:  # as ann up starts it: its own process group, output to a log
        respawner = subprocess.Popen(
            [*RESPAWN, "--", sys.executable, "-c", _CHILD, str(runs)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert _wait_for(lambda: runs.exists() and len(runs.read_text().split()) == 3)
        pids = [int(p) for p in runs.read_text().split()]
        assert len(set(pids)) == 3 and _alive(pids[-1])
        assert "starting it again" in log.read_text()
        os.killpg(respawner.pid, signal.SIGTERM)  # what `ann down` does
        assert respawner.wait(timeout=10) is not None
        assert _wait_for(lambda: not _alive(pids[-1]), timeout=10)
    finally:
        if respawner.poll() is None:
            os.killpg(respawner.pid, signal.SIGKILL)
            respawner.wait()
    time.sleep(1.5)  # longer than the first restart delay: nothing comes back
    assert len(runs.read_text().split()) == 3


def test_a_clean_exit_ends_the_respawner() -> None:
    done = subprocess.run([*RESPAWN, "--", sys.executable, "-c", "0"],
                          timeout=30, capture_output=True, text=True)
    assert done.returncode == 0 and "starting it again" not in done.stderr
    usage = subprocess.run(RESPAWN, capture_output=True, text=True,
                           timeout=30)
    assert usage.returncode != 0 and "usage" in usage.stderr
