"""Calling a saved search's webhook: a signed POST, and how its failures are sorted.

The body is the JSON of one :class:`~search_api.alerts.models.WebhookCall`; the header
``X-ANN-Signature: sha256=<hex>`` is the HMAC-SHA256 of exactly those bytes under the search's
own webhook secret, so a receiver can tell the call is ours and unaltered (compare with
``hmac.compare_digest``). ``X-ANN-Delivery`` names the saved search and the story: the same for
every retry of one call, so a receiver that saw a call whose answer was lost can drop the retry.

Failures are sorted as the indexer sorts its own: no answer, a 429 or a 5xx is transient
(retried with backoff); any other status, a URL that is not http(s), or an address that is
not global (loopback, private, link-local, reserved: the deployment's own network), unless
``ANN_ALERTS_WEBHOOK_ALLOW_NETWORKS`` lets it, is permanent and dead-lettered at once. The
address is checked on every call, as its name resolves then; the request itself resolves the
name again, so a name that changes its answer in between (DNS rebinding) is not stopped here:
a deployment that must be sure also filters the runner's egress.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

SIGNATURE_HEADER = "X-ANN-Signature"
DELIVERY_HEADER = "X-ANN-Delivery"
USER_AGENT = "ann-alerts/1"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PermanentFailure(Exception):
    """This call can never succeed as it is: dead-letter it now."""


class TransientFailure(Exception):
    """This call may succeed later: retry it."""


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (and the tests do) with the header."""
    return hmac.compare_digest(signature(secret, body), header)


def networks(spec: str) -> list[Network]:
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in spec.split(",") if part.strip()]


def check_url(url: str) -> str:
    """The URL's host, when it is an http(s) URL with one; else a PermanentFailure."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PermanentFailure("webhook_url must be an http or https URL with a host")
    return parts.hostname


def check_address(url: str, allowed: list[Network]) -> None:
    """Refuse a webhook whose host resolves to an address that is not global (and not allowed)."""
    host = check_url(url)
    port = urlsplit(url).port or (443 if url.startswith("https") else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TransientFailure(f"cannot resolve {host}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global and not any(address in net for net in allowed):
            raise PermanentFailure(f"webhook address {address} of {host} is not global")


@dataclass(frozen=True)
class Webhook:
    timeout_seconds: float
    allowed: list[Network]

    def call(self, url: str, secret: str, body: bytes, delivery: str) -> int:
        """POST ``body``; the answer's status when 2xx, else the failure sorted."""
        check_address(url, self.allowed)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   SIGNATURE_HEADER: signature(secret, body), DELIVERY_HEADER: delivery}
        try:
            response = httpx.post(url, content=body, headers=headers,
                                  timeout=self.timeout_seconds, follow_redirects=False)
        except httpx.HTTPError as error:
            raise TransientFailure(f"{type(error).__name__}: {error}") from error
        status = response.status_code
        if 200 <= status < 300:
            return status
        if status == 429 or status >= 500:
            raise TransientFailure(f"HTTP {status}")
        raise PermanentFailure(f"HTTP {status}")
