"""The one way the tests wait: poll a check with a generous deadline, never a bare sleep."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(check: Callable[[], object], what: str, timeout: float,
               interval: float = 0.2) -> float:
    """Poll ``check`` every ``interval`` seconds until it is truthy; the seconds it took.

    A check that raises is tried again (a service being restarted, a log half written); after
    ``timeout`` seconds an AssertionError names ``what`` and the last error raised, if any."""
    started = time.monotonic()
    last: Exception | None = None
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception as error:
            last = error
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:.0f} s"
                         + (f" (last error: {last!r})" if last else ""))
