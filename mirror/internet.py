"""The mirror's sites at their real host names, as the internet serves them.

HTTPS on port 443 with one certificate naming every site; HTTP on port 80 answering every
request with a 301 to the same URL over HTTPS; and each site's other name (``thestar.com.my``
for ``www.thestar.com.my``, ``www.asianews.network`` for ``asianews.network``) redirecting to
the name the site uses, as the real sites do. A crawler in live mode, given these names in its
``/etc/hosts`` and the certificate authority in ``SSL_CERT_FILE``, cannot tell it from the sites.

``python -m mirror.internet --root <mirror> --cert <pem> --key <pem> --bind <address>`` runs it in
the foreground (``tests/integration/test_hosts.py`` runs it on its own network host); every
request is appended to ``--access-log`` as one JSON line with the scheme and the client's
address.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import ssl
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from ann.sources import Registry, load_registry
from mirror.server import MirrorServer, Redirect, RequestRecord


def site_hosts(root: Path) -> list[str]:
    """The host names the generated mirror holds pages for."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and "." in p.name)


def redirected_names(root: Path, registry: Registry) -> dict[str, str]:
    """Each site's other name → the name it uses: for every domain of the registry, the bare
    domain and its ``www.`` form, whichever of the two the mirror does not serve."""
    hosts = set(site_hosts(root))
    names: dict[str, str] = {}
    for source in registry:
        for domain in source.domains:
            pair = (domain, f"www.{domain}")
            for name, other in (pair, pair[::-1]):
                if other in hosts and name not in hosts:
                    names[name] = other
    return names


def server_names(root: Path, registry: Registry) -> list[str]:
    """Every name the internet host answers to: the sites' names and their other names."""
    return sorted({*site_hosts(root), *redirected_names(root, registry)})


class _LoggedServer(MirrorServer):
    """A mirror server that also appends every request to a shared access log."""

    def __init__(self, root: Path, bind: str, port: int, *, redirect: Redirect,
                 tls: ssl.SSLContext | None = None, log: TextIO | None,
                 log_lock: threading.Lock) -> None:
        super().__init__(root, bind, port, tls=tls, redirect=redirect)
        self._scheme = "http" if tls is None else "https"
        self._access_log = log
        self._log_lock = log_lock

    def record(self, host: str, path: str, status: int, client: str = "") -> None:
        super().record(host, path, status, client)
        if self._access_log is not None:
            record = asdict(RequestRecord(time.time(), host, path, status, client))
            line = json.dumps({**record, "scheme": self._scheme})
            with self._log_lock:
                self._access_log.write(line + "\n")
                self._access_log.flush()


class InternetHost:
    """The two listeners: HTTPS serving the sites, HTTP redirecting to HTTPS."""

    def __init__(self, root: Path, registry: Registry, cert: Path, key: Path, bind: str, *,
                 https_port: int = 443, http_port: int = 80, log: TextIO | None = None) -> None:
        redirected = redirected_names(root, registry)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)

        def to_site_name(host: str, path: str) -> str | None:
            return f"https://{redirected[host]}{path}" if host in redirected else None

        def to_https(host: str, path: str) -> str:
            return f"https://{host}{path}"

        lock = threading.Lock()
        self.https = _LoggedServer(root, bind, https_port, tls=tls, redirect=to_site_name,
                                   log=log, log_lock=lock)
        self.http = _LoggedServer(root, bind, http_port, redirect=to_https, log=log,
                                  log_lock=lock)

    def serve_forever(self) -> None:
        self.http.start()
        try:
            self.https.serve_forever()
        finally:
            self.http.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirror.internet")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--cert", type=Path, required=True, help="PEM chain naming every site")
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--http-port", type=int, default=80)
    parser.add_argument("--access-log", type=Path)
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        log = (stack.enter_context(args.access_log.open("a", encoding="utf-8"))
               if args.access_log else None)
        host = InternetHost(args.root, load_registry(), args.cert, args.key, args.bind,
                            https_port=args.https_port, http_port=args.http_port, log=log)
        print(f"serving {len(site_hosts(args.root))} sites on {args.bind} ports "
              f"{args.http_port} and {args.https_port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            host.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
