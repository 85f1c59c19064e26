"""What the crawler may reach: the host a request really connects to, and the addresses it may
connect to.

Scrapy's middlewares read a request's host with :func:`urllib.parse.urlsplit`; Twisted's HTTP
agent, which makes the connection, parses the URL again with its own rules
(:meth:`twisted.web.client.URI.fromBytes`), and the two disagree on a URL with user-info
(``https://www.dawn.com@10.0.0.1/`` is host ``10.0.0.1`` to the first and
``www.dawn.com@10.0.0.1`` to the second). A check is only worth the parser of the connection, so
:func:`connect_host` asks Twisted, and refuses a URL on which the two parsers disagree.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from twisted.web.client import URI
from w3lib.url import safe_url_string

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_SHARED = ipaddress.ip_network("100.64.0.0/10")
"""Carrier-grade NAT (RFC 6598): neither private nor global in :mod:`ipaddress`'s terms."""


class Refused(IgnoreRequest):
    """A request the crawler will not send; ``reason`` is counted as ``errors/<reason>``."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason


def connect_host(url: str) -> str | None:
    """The host the downloader connects to for ``url`` (lower case), or None when Scrapy's
    parsing and Twisted's disagree about it, or the URL is not one Scrapy would request."""
    try:
        safe = safe_url_string(url)
        uri = URI.fromBytes(safe.split("#", 1)[0].encode("ascii"))  # type: ignore[no-untyped-call]
        hostname = urlsplit(safe).hostname
    except (ValueError, UnicodeError):
        return None
    host = uri.host.decode("ascii").lower()
    return host if host and host == hostname else None


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"198.18.0.0/15, 10.1.0.0/16"`` as networks (raises ValueError on a malformed one)."""
    return tuple(ipaddress.ip_network(part.strip()) for part in text.split(",") if part.strip())


def address_refusal(address: str, allowed: Iterable[Network] = ()) -> str | None:
    """Why the crawler must not connect to ``address`` (``loopback``, ``private``,
    ``link_local`` …), or None when it is a global unicast address or inside ``allowed``."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed):
        return None
    for reason, matched in (
        ("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
        ("link_local", ip.is_link_local), ("multicast", ip.is_multicast),
        ("shared", ip in _SHARED), ("private", ip.is_private), ("reserved", ip.is_reserved),
        ("not_global", not ip.is_global),
    ):
        if matched:
            return reason
    return None


def outside_address(host: str, port: int, allowed: Iterable[Network] = ()) -> tuple[str, str]:
    """Resolve ``host`` for a blocking client (``ann check-live``) as the crawler's resolver does
    for Twisted: ``(address, "")`` with the first address it may connect to — the caller connects
    to exactly that one, so a second lookup cannot answer differently — or ``("", reason)`` when
    none may be contacted (``dns`` when the name does not resolve)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return "", "dns"
    allowed = tuple(allowed)
    reasons = []
    for *_, sockaddr in answers:
        address = str(sockaddr[0])
        reason = address_refusal(address, allowed)
        if reason is None:
            return address, ""
        reasons.append(reason)
    return "", reasons[0] if reasons else "dns"
