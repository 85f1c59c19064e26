"""The crawler stays outside: the host it connects to, the addresses it may contact."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from twisted.internet.address import IPv4Address
from twisted.internet.endpoints import HostnameEndpoint
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IAddress, IHostnameResolver, IResolutionReceiver
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.testing import MemoryReactorClock
from twisted.python.failure import Failure
from zope.interface import implementer  # type: ignore[import-untyped]

from ann.settings import Settings
from ann.sources import load_registry
from crawler.middlewares.offsite import SourceDomainsMiddleware, refusal
from crawler.outside import Refused, address_refusal, connect_host, parse_networks
from crawler.resolver import GuardedResolver
from crawler.resolver import refusal as dns_refusal
from crawler.settings import GUARDED_RESOLVER, scrapy_settings
from crawler.spiders.news import NewsSpider
from crawler.state import state_for

DAWN = load_registry().get("dawn")


@pytest.mark.parametrize(("url", "why"), [
    ("https://www.dawn.com/news/1234567", None),
    ("https://WWW.DAWN.COM:443/news/1234567#top", None),
    ("https://images.dawn.com/x", None),
    # Scrapy makes the backslash a slash: the connection goes to the metadata address,
    # although urlsplit reads the host as a subdomain of dawn.com.
    ("https://169.254.169.254\\.dawn.com/latest/meta-data", "offsite"),
    # User-info: urllib reads host 10.0.0.1, Twisted's agent "www.dawn.com@10.0.0.1".
    ("https://www.dawn.com@10.0.0.1/x", "ambiguous_url"),
    ("https://www.dawn.com:443@10.0.0.1/x", "ambiguous_url"),
    ("https://www.thestar.com.my/news/x", "offsite"),
    ("http://elasticsearch:9200/_cat/indices", "offsite"),
    ("https://dawn.com.evil.example/x", "offsite"),
])
def test_requests_are_judged_by_the_host_the_downloader_connects_to(
    url: str, why: str | None
) -> None:
    assert refusal(DAWN, url) == why


def test_connect_host_is_what_twisted_connects_to() -> None:
    assert connect_host("https://169.254.169.254\\.dawn.com/x") == "169.254.169.254"
    assert connect_host("http://[::1]:8080/") == "::1"
    assert connect_host("https://www.dawn.com/x#@10.0.0.1") == "www.dawn.com"


@pytest.mark.parametrize(("address", "why"), [
    ("169.254.169.254", "link_local"), ("127.0.0.2", "loopback"), ("10.1.2.3", "private"),
    ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("100.64.0.1", "shared"),
    ("0.0.0.0", "unspecified"), ("224.0.0.251", "multicast"), ("::1", "loopback"),
    ("fe80::1%eth0", "link_local"), ("fd12::1", "private"), ("::ffff:10.0.0.1", "private"),
    ("198.18.0.7", "private"), ("240.0.0.1", "private"), ("ff02::1", "multicast"),
    ("93.184.216.34", None), ("2606:4700::6810:85e5", None),
])
def test_only_global_addresses_may_be_contacted(address: str, why: str | None) -> None:
    assert address_refusal(address) == why


def test_allowed_networks_open_a_test_range_only() -> None:
    allowed = parse_networks("198.18.0.0/15, 127.0.0.3/32")
    assert address_refusal("198.19.1.1", allowed) is None
    assert address_refusal("127.0.0.3", allowed) is None
    assert address_refusal("127.0.0.2", allowed) == "loopback"
    with pytest.raises(ValueError, match="does not appear"):
        parse_networks("198.18.0.0/15,intranet")


@implementer(IHostnameResolver)
class _Answers:
    """A DNS that answers the next of ``answers`` for each lookup (rebinding on demand)."""

    def __init__(self, *answers: str) -> None:
        self._answers: Iterator[str] = iter(answers)
        self.lookups = 0

    def resolveHostName(  # noqa: N802
        self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N803
        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> IResolutionReceiver:
        self.lookups += 1
        # mypy reads a zope Interface's methods as functions without self (no mypy-zope plugin)
        resolutionReceiver.resolutionBegan(None)  # type: ignore[call-arg,misc]
        resolutionReceiver.addressResolved(  # type: ignore[call-arg,misc]
            IPv4Address("TCP", next(self._answers), portNumber))
        resolutionReceiver.resolutionComplete()  # type: ignore[misc]
        return resolutionReceiver


def _connect(dns: _Answers, host: str) -> tuple[MemoryReactorClock, list[Failure]]:
    reactor = MemoryReactorClock()  # type: ignore[no-untyped-call]
    # mypy does not see what @implementer declares, nor that the memory reactor is a reactor
    reactor.installNameResolver(dns)  # type: ignore[arg-type]
    reactor.installNameResolver(GuardedResolver(reactor, cache_size=0))  # type: ignore[arg-type]
    failures: list[Failure] = []
    connecting = HostnameEndpoint(reactor, host, 443).connect(
        Factory.forProtocol(Protocol))  # type: ignore[arg-type]
    connecting.addErrback(failures.append)
    reactor.advance(1)
    return reactor, failures


def test_a_member_name_answering_an_internal_address_is_not_connected_to() -> None:
    host = f"www-{uuid.uuid4().hex[:6]}.dawn.com"
    reactor, failures = _connect(_Answers("169.254.169.254"), host)
    assert reactor.tcpClients == []
    assert len(failures) == 1 and failures[0].check(DNSLookupError)  # type: ignore[no-untyped-call]
    assert dns_refusal(host) == "link_local"


def test_the_checked_address_is_the_one_connected_to() -> None:
    # The DNS would answer an internal address to a second lookup: there is none.
    dns = _Answers("93.184.216.34", "127.0.0.1")
    reactor, failures = _connect(dns, f"www-{uuid.uuid4().hex[:6]}.dawn.com")
    assert failures == []
    assert [(host, port) for host, port, *_ in reactor.tcpClients] == [("93.184.216.34", 443)]
    assert dns.lookups == 1


def test_live_mode_installs_the_guard_and_the_mirror_does_not() -> None:
    live = scrapy_settings(Settings(ANN_MIRROR_URL=None, ANN_CRAWL_ALLOW_NETWORKS="198.18.0.0/15"))
    assert live["TWISTED_DNS_RESOLVER"] == GUARDED_RESOLVER
    assert live["ANN_CRAWL_ALLOW_NETWORKS"] == "198.18.0.0/15"
    mirror = scrapy_settings(Settings(ANN_MIRROR_URL="http://127.0.0.1:18080"))
    assert "TWISTED_DNS_RESOLVER" not in mirror


def _hop(middleware: RedirectMiddleware | MetaRefreshMiddleware, request: Request,
         response: Response) -> Request:
    result = middleware.process_response(request, response)
    assert isinstance(result, Request)
    return result


@pytest.mark.integration  # Redis
def test_redirects_and_meta_refreshes_off_the_source_are_refused_and_counted(
    services: Settings,
) -> None:
    crawler = get_crawler(NewsSpider, settings_dict={
        "ANN_REDIS_URL": services.redis_url,
        "ANN_KEY_PREFIX": f"{services.key_prefix}-off-{uuid.uuid4().hex[:6]}",
    })
    crawler.spider = crawler._create_spider(source=load_registry().get("dawn"))
    guard = SourceDomainsMiddleware.from_crawler(crawler)
    redirects = RedirectMiddleware.from_crawler(crawler)
    refreshes = MetaRefreshMiddleware.from_crawler(crawler)
    first = Request("https://www.dawn.com/news/1234567")
    guard.process_request(first)  # passes: raises nothing
    hops = [
        _hop(redirects, first, Response(first.url, status=301,
             headers={"Location": "http://169.254.169.254/latest/meta-data/"})),
        _hop(redirects, first, Response(first.url, status=302,
             headers={"Location": "http://elasticsearch:9200/_search"})),
        _hop(refreshes, first, HtmlResponse(first.url, body=(
            b'<meta http-equiv="refresh" content="0; url=https://www.thestar.com.my/x">'))),
        _hop(redirects, first, Response(first.url, status=301,
             headers={"Location": "https://www.dawn.com@127.0.0.2:8080/"})),
    ]
    reasons = []
    for hop in hops:
        with pytest.raises(Refused) as refused:
            guard.process_request(hop)
        reasons.append(refused.value.reason)
    assert reasons == ["offsite_redirect"] * 3 + ["ambiguous_url"]
    state = state_for(crawler)
    state.flush_counts()
    stats = state.stats("dawn")
    assert (stats["errors/offsite_redirect"], stats["errors/ambiguous_url"]) == ("3", "1")
    on_site = _hop(redirects, first, Response(first.url, status=301,
                   headers={"Location": "https://www.dawn.com/news/1234567/slug"}))
    guard.process_request(on_site)  # passes: raises nothing


def test_the_reason_lasts_until_the_name_resolves_outside_again() -> None:
    host = f"www-{uuid.uuid4().hex[:6]}.dawn.com"
    _connect(_Answers("10.0.0.7"), host)
    assert dns_refusal(host) == "private"
    _connect(_Answers("93.184.216.34"), host)
    assert dns_refusal(host) is None
