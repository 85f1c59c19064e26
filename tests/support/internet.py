"""The simulated internet's certificate authority and its host's command line.

The test makes its own certificate authority (``trustme``) and one certificate naming every
site; crawler hosts trust the authority through ``SSL_CERT_FILE`` only, as a deployment adds a
corporate CA, so nothing about the crawler's TLS verification is switched off for the test.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import trustme

from ann.sources import load_registry
from mirror.internet import server_names


@dataclass(frozen=True)
class Certificates:
    ca: Path
    """PEM of the authority: what ``SSL_CERT_FILE`` names on the hosts that trust it."""
    chain: Path
    key: Path


def issue(root: Path, out: Path, more_names: Sequence[str] = ()) -> Certificates:
    """An authority, and a certificate from it for every name the mirror's sites answer to
    (and ``more_names``: other sites of the simulated internet)."""
    out.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA(organization_name="annh simulated internet")
    server = authority.issue_cert(*server_names(root, load_registry()), *more_names)
    certificates = Certificates(out / "ca.pem", out / "chain.pem", out / "key.pem")
    authority.cert_pem.write_to_path(str(certificates.ca))
    server.private_key_pem.write_to_path(str(certificates.key))
    with certificates.chain.open("wb") as chain:
        for blob in server.cert_chain_pems:
            chain.write(blob.bytes())
    return certificates


def internet_argv(root: Path, certificates: Certificates, bind: str, log: Path) -> list[str]:
    return [sys.executable, "-m", "mirror.internet", "--root", str(root),
            "--cert", str(certificates.chain), "--key", str(certificates.key), "--bind", bind,
            "--access-log", str(log)]
