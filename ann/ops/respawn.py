"""Run a command and start it again whenever it fails: ``python -m ann.ops.respawn -- <argv…>``.

Celery beat with redbeat exits when Redis drops its connection (sibson/redbeat#285: the lock
cannot be extended), and upstream's answer is a restart policy. Containers have one
(``restart: on-failure``); the local stack started by ``ann up`` has this instead, so that a Redis
restart does not silently stop the recrawl schedule. The schedule lives in Redis, so a restarted
beat carries on where it stopped.

A clean exit (code 0) ends the respawner; a failure restarts the command after a delay that
doubles up to a minute and resets once the command has run for a while. SIGTERM or SIGINT stop
the command and the respawner (``ann down`` signals the whole process group).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

_FIRST_DELAY = 1.0
_MAX_DELAY = 60.0
_HEALTHY_AFTER = 60.0  # a run this long was not a crash loop: the next delay starts over


def respawn(argv: list[str], *, first_delay: float = _FIRST_DELAY) -> int:
    """Run ``argv`` until it exits cleanly or this process is told to stop; the last exit code."""
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, _: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    delay = first_delay
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        code = child.wait()
        if stopping or code == 0:
            return code
        if time.monotonic() - started > _HEALTHY_AFTER:
            delay = first_delay
        print(f"[respawn] {argv[0]} exited with {code}; starting it again in {delay:.0f} s",
              file=sys.stderr, flush=True)
        deadline = time.monotonic() + delay
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return code
        delay = min(delay * 2, _MAX_DELAY)


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit("usage: python -m ann.ops.respawn -- <command> [args…]")
    sys.exit(respawn(argv))


if __name__ == "__main__":
    main()
