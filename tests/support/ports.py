"""A free TCP port on 127.0.0.1 for a server a test starts (API, mirror, metrics endpoint)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now; the kernel hands out ephemeral ports in turn, so the next
    bind by the test's own server gets it in practice."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
