"""The crawler's name resolver in live mode: an address inside our network is never contacted.

A member site, or whoever controls its DNS, can point a host name at ``127.0.0.1``, ``10.x``,
``169.254.169.254`` (cloud metadata) or an internal service. Checking the name is not enough
(any name can resolve anywhere), and checking a separate lookup before the fetch is not either
(the second lookup, the connection's, may answer differently: DNS rebinding). So the check sits
in the resolver Twisted's ``HostnameEndpoint`` uses for every connection — first requests,
redirects, robots.txt alike: the addresses it hands over are the ones that were checked, and the
endpoint connects to exactly those. When every address of a name is refused the endpoint fails
with ``DNSLookupError``; :func:`refusal` tells the download handler why, so it can count it.

Installed through Scrapy's ``TWISTED_DNS_RESOLVER`` setting, in live mode only: the offline
mirror is on loopback by design. ``ANN_CRAWL_ALLOW_NETWORKS`` lets tests reach their own hosts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, Self, cast

from scrapy.resolver import CachingHostnameResolver
from scrapy.utils.datatypes import LocalCache
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from zope.interface import implementer, provider  # type: ignore[import-untyped]

from ann.settings import DEFAULTS
from crawler.outside import Network, address_refusal, parse_networks

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase

logger = logging.getLogger(__name__)

_REFUSED: LocalCache[str, str] = LocalCache(10000)
"""Host name -> why its last resolution gave nothing to connect to."""


def refusal(host: str) -> str | None:
    """Why the last resolution of ``host`` yielded no address the crawler may contact (None
    once it has resolved to one it may)."""
    return _REFUSED.get(host)


class _Receiver(Protocol):
    """:class:`IResolutionReceiver` as mypy can check it (zope interfaces have no ``self``)."""

    def resolutionBegan(self, resolution: IHostResolution) -> None: ...  # noqa: N802
    def addressResolved(self, address: IAddress) -> None: ...  # noqa: N802
    def resolutionComplete(self) -> None: ...  # noqa: N802


@provider(IResolutionReceiver)
class _CheckedReceiver:
    """Passes on the addresses that may be contacted; remembers why the others may not."""

    def __init__(
        self, receiver: _Receiver, host: str, allowed: tuple[Network, ...]
    ) -> None:
        self._receiver = receiver
        self._host = host
        self._allowed = allowed
        self._passed = 0
        self._refused: list[str] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802  (Twisted's)
        self._receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        host = getattr(address, "host", "")
        reason = address_refusal(host, self._allowed) if host else "not_ip"
        if reason is None:
            self._passed += 1
            self._receiver.addressResolved(address)
            return
        self._refused.append(reason)
        logger.warning("%s resolves to %s (%s): not contacted", self._host, host, reason)

    def resolutionComplete(self) -> None:  # noqa: N802
        # Kept until the name resolves to an address we may contact, not cleared when a lookup
        # starts: a concurrent lookup of the same name must not erase the reason of this one.
        if self._passed:
            _REFUSED.pop(self._host, None)
        elif self._refused:
            _REFUSED[self._host] = self._refused[0]
        self._receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver(CachingHostnameResolver):
    """Scrapy's caching resolver (IPv4 and IPv6), handing over only global addresses."""

    def __init__(
        self, reactor: ReactorBase, cache_size: int, allowed: tuple[Network, ...] = ()
    ) -> None:
        super().__init__(reactor, cache_size)
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        # Scrapy passes its CrawlerProcess here (one resolver per reactor): settings only.
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        allowed = settings.get("ANN_CRAWL_ALLOW_NETWORKS", DEFAULTS.crawl_allow_networks)
        return cls(reactor, cache, parse_networks(allowed))

    def resolveHostName(  # noqa: N802
        self,
        resolutionReceiver: IResolutionReceiver,  # noqa: N803
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> IHostResolution:
        checked = _CheckedReceiver(cast("_Receiver", resolutionReceiver), hostName, self.allowed)
        return super().resolveHostName(
            cast("IResolutionReceiver", checked), hostName, portNumber, addressTypes,
            transportSemantics)
