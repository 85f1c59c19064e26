"""Hosts on this machine: Linux network namespaces on one bridge, each with its own address and
its own ``/etc/hosts``.

``ip netns exec`` bind-mounts ``/etc/netns/<ns>/hosts`` over ``/etc/hosts`` for the command it
runs, so every process on a host resolves ``redis``, ``es1`` or ``www.straitstimes.com`` the way
a real deployment's DNS would, through the ordinary resolver (glibc, Java, Twisted's threaded
resolver) and never 127.0.0.1.

A network is numbered ``n`` (0..99): bridge ``annh<n>``, namespaces ``annh<n>-<host>``, subnet
``198.18.<n>.0/24`` (RFC 2544 benchmarking space, never routed), owner pid in
``/run/annh/<n>.pid``. Networks whose owner is gone are removed before a new one is built, so a
run killed before its finalizers leaves nothing behind for long, while a concurrent run's network
is left alone.

Hosts listed as ``loopback_range`` also get ``127.18.<n>.<i>`` on their cable, named
``<host>-transport``, routed between namespaces (``route_localnet``): Elasticsearch treats a node
whose transport is bound to a loopback-range address as a development node and skips the
production bootstrap checks, one of which (65535 open files) this machine's hard limit of 20000
fails and the test, without CAP_SYS_RESOURCE, cannot raise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PREFIX = "annh"
OWNERS = Path("/run/annh")
NETNS_ETC = Path("/etc/netns")


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def namespaces() -> list[str]:
    """Every network namespace on the machine (``ip netns list`` prints ``name (id: n)``)."""
    listed = _ip("netns", "list").stdout.splitlines()
    return [line.split()[0] for line in listed if line.strip()]


def _kill_namespace_processes(ns: str) -> None:
    """SIGKILL what still runs in ``ns``: a namespace with processes outlives ``ip netns del``."""
    for _ in range(10):
        pids = [int(p) for p in _ip("netns", "pids", ns, check=False).stdout.split()]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)


def remove_network(number: int) -> None:
    """Delete network ``number``: its processes, namespaces, hosts files, bridge, owner file."""
    for ns in namespaces():
        if ns.startswith(f"{PREFIX}{number}-"):
            _kill_namespace_processes(ns)
            _ip("netns", "del", ns, check=False)
            shutil.rmtree(NETNS_ETC / ns, ignore_errors=True)
    # A deleted namespace's cables may outlive it for a while: remove the bridge's ends too.
    for line in _ip("-o", "link", "show").stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(f"{PREFIX}{number}-"):
            _ip("link", "del", name, check=False)
    _ip("link", "del", f"{PREFIX}{number}", check=False)
    (OWNERS / f"{number}.pid").unlink(missing_ok=True)


def _owner_alive(number: int) -> bool:
    try:
        pid = int((OWNERS / f"{number}.pid").read_text())
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _numbers_in_use() -> set[int]:
    used = {int(p.stem) for p in OWNERS.glob("*.pid") if p.stem.isdigit()}
    for ns in namespaces():
        head = ns.split("-", 1)[0]
        if head.startswith(PREFIX) and head[len(PREFIX):].isdigit():
            used.add(int(head[len(PREFIX):]))
    return used


def remove_stale_networks() -> list[int]:
    """Remove every network whose owner process is gone (a run killed before its cleanup)."""
    stale = sorted(n for n in _numbers_in_use() if not _owner_alive(n))
    for number in stale:
        remove_network(number)
    return stale


@dataclass(frozen=True)
class Host:
    """One machine of the simulated network."""

    name: str
    netns: str
    address: str
    transport: str | None = None
    """A 127.18.n.i address reachable from the other hosts, when asked for."""


class Network:
    """A bridge and one namespace per host, each host's ``/etc/hosts`` naming all of them.

    ``names`` maps a host to the extra names it answers to (``internet`` →
    ``www.straitstimes.com``, ...); every host also answers to its own name."""

    def __init__(self, hosts: Sequence[str], names: Mapping[str, Sequence[str]],
                 loopback_range: Sequence[str] = ()) -> None:
        remove_stale_networks()
        OWNERS.mkdir(parents=True, exist_ok=True)
        used = _numbers_in_use()
        self.number = next(n for n in range(100) if n not in used)  # names fit 15 chars
        (OWNERS / f"{self.number}.pid").write_text(str(os.getpid()))
        self.bridge = f"{PREFIX}{self.number}"
        subnet = f"198.18.{self.number}"
        self.gateway = f"{subnet}.1"
        self.hosts = {
            name: Host(name, f"{self.bridge}-{name}", f"{subnet}.{i}",
                       f"127.18.{self.number}.{i}" if name in loopback_range else None)
            for i, name in enumerate(hosts, start=2)
        }
        self._names = {h: list(names.get(h, ())) for h in hosts}
        self._gateway_names: list[str] = []

    def __getitem__(self, name: str) -> Host:
        return self.hosts[name]

    def up(self) -> None:
        """Create the bridge (the test process reaches the hosts through its address) and the
        hosts; on any failure the half-built network is removed."""
        try:
            _ip("link", "add", self.bridge, "type", "bridge")
            _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
            for host in self.hosts.values():
                self._add(host)
        except BaseException:
            self.down()
            raise

    def _add(self, host: Host) -> None:
        outside = host.netns  # the bridge's end of the cable, named after the namespace
        _ip("netns", "add", host.netns)
        _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", host.netns)
        _ip("link", "set", outside, "master", self.bridge, "up")
        _ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", "eth0")
        _ip("-n", host.netns, "link", "set", "eth0", "up")
        _ip("-n", host.netns, "link", "set", "lo", "up")
        if host.transport is not None:
            # only 127.0.0.1 stays on lo; the rest of 127/8 may then leave through eth0
            _ip("-n", host.netns, "route", "del", "127.0.0.0/8", "dev", "lo", "table", "local")
            _ip("-n", host.netns, "addr", "add", f"{host.transport}/24", "dev", "eth0")
            subprocess.run(["ip", "netns", "exec", host.netns, "sysctl", "-qw",
                            "net.ipv4.conf.all.route_localnet=1",
                            "net.ipv4.conf.eth0.route_localnet=1"], check=True, timeout=30)
        etc = NETNS_ETC / host.netns
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "hosts").write_text(self.hosts_file(), encoding="ascii")

    def set_names(self, names: Mapping[str, Sequence[str]],
                  gateway: Sequence[str] = ()) -> None:
        """Give hosts more names (known only once the internet's sites are generated), and
        ``gateway`` names for the test's own machine (a site's DNS pointing inside)."""
        for name, extra in names.items():
            self._names[name] = list(extra)
        self._gateway_names = list(gateway)
        for host in self.hosts.values():
            (NETNS_ETC / host.netns / "hosts").write_text(self.hosts_file(), encoding="ascii")

    def hosts_file(self) -> str:
        lines = ["127.0.0.1 localhost"]
        for name, host in self.hosts.items():
            lines.append(" ".join([host.address, name, *self._names[name]]))
            if host.transport is not None:
                lines.append(f"{host.transport} {name}-transport")
        if self._gateway_names:
            lines.append(" ".join([self.gateway, *self._gateway_names]))
        return "\n".join(lines) + "\n"

    def down(self) -> None:
        remove_network(self.number)

    def command(self, host: str, argv: Sequence[str]) -> list[str]:
        """``argv`` run on ``host``."""
        return ["ip", "netns", "exec", self.hosts[host].netns, *argv]

    def start(
        self, host: str, argv: Sequence[str], env: Mapping[str, str], log: Path
    ) -> subprocess.Popen[bytes]:
        """Start ``argv`` on ``host`` in a session of its own (so that stopping it reaches its
        children), output to ``log``."""
        with log.open("ab") as out:
            return subprocess.Popen(
                self.command(host, argv), env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def run(
        self, host: str, argv: Sequence[str], env: Mapping[str, str], timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(host, argv), env=dict(env), capture_output=True,
                              text=True, timeout=timeout, check=False)


def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """SIGTERM the process's session, SIGKILL it after ``timeout``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
