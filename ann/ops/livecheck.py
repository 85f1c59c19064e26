"""Live check: does each registry entry still match its real site?

Sites change their feeds, sitemaps, URL shapes and markup without notice; the mirror only encodes
what we believed. For each source this fetches robots.txt, every entry point (one level into a
sitemap index) and a few of the article URLs they list, runs the real extractor on those, and
reports what was found and what was not — a few dozen polite, sequential requests per source,
so a stale source file shows up in minutes rather than as a silent gap in the index.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from parsel import Selector
from protego import Protego

from ann.sources import Registry, Source
from crawler.discovery import Listed, feed_entries, sitemap_entries
from crawler.download import mirror_target
from crawler.outside import Network, connect_host, outside_address
from indexer.extraction import ExtractionError, NotAnArticle, extract_article

MAX_REDIRECTS = 5
Notify = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int | None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    """Why nothing usable came back: a transport error, or the HTTP status."""


class Fetcher:
    """Sequential GETs with the project's user agent, at most one per ``delay`` seconds; with
    ``mirror_url`` each request goes to the mirror with the real site's ``Host`` header.

    Live, it keeps to the crawler's rule that no address inside our network is contacted: each
    request and each redirect hop is resolved here, checked (``allow_networks`` admits a test's
    own hosts) and sent to the checked address, with the site's name as ``Host`` and as the TLS
    server name, so certificates are still verified against the name."""

    def __init__(
        self,
        user_agent: str,
        timeout: float,
        delay: float,
        mirror_url: str | None = None,
        allow_networks: tuple[Network, ...] = (),
    ) -> None:
        self._client = httpx.Client(timeout=timeout, follow_redirects=False,
                                    headers={"User-Agent": user_agent})
        self._delay = delay
        self._mirror_url = mirror_url
        self._allow_networks = allow_networks
        self._last = float("-inf")

    def _outside(self, url: str) -> tuple[str, dict[str, str], dict[str, str]] | str:
        """Where to send ``url`` live (target, headers, httpx extensions), or why not."""
        host = connect_host(url)
        if host is None:
            return "ambiguous_host"
        split = urlsplit(url)
        port = split.port or (443 if split.scheme == "https" else 80)
        address, refusal = outside_address(host, port, self._allow_networks)
        if refusal:
            return refusal
        literal = f"[{address}]" if ":" in address else address
        target = split._replace(netloc=f"{literal}:{port}").geturl()
        return target, {"Host": split.netloc.rsplit("@", 1)[-1]}, {"sni_hostname": host}

    def get(self, url: str) -> Fetched:
        # Redirects are followed here, not by httpx, so that each hop is mapped to the mirror
        # (or checked against the network guard) too.
        for _ in range(MAX_REDIRECTS + 1):
            time.sleep(max(0.0, self._last + self._delay - time.monotonic()))
            self._last = time.monotonic()
            target, headers, extensions = url, dict[str, str](), dict[str, str]()
            if self._mirror_url is not None:
                target, headers["Host"] = mirror_target(url, self._mirror_url)
            else:
                outside = self._outside(url)
                if isinstance(outside, str):
                    return Fetched(url, None, error=f"refused: {outside}")
                target, headers, extensions = outside
            try:
                response = self._client.get(target, headers=headers, extensions=extensions)
            except httpx.HTTPError as error:
                return Fetched(url, None, error=f"{type(error).__name__}: {error}")
            location = response.headers.get("location")
            if response.is_redirect and location:
                url = urljoin(url, location)
                continue
            failed = None if response.status_code == 200 else f"HTTP {response.status_code}"
            return Fetched(url, response.status_code, response.content, dict(response.headers),
                           failed)
        return Fetched(url, None, error=f"more than {MAX_REDIRECTS} redirects")

    def close(self) -> None:
        self._client.close()


@dataclass
class EntryCheck:
    kind: str
    url: str
    status: int | None
    links: int = 0
    error: str | None = None


@dataclass
class ArticleCheck:
    url: str
    status: int | None
    title: str | None = None
    published_at: str | None = None
    authors: list[str] = field(default_factory=list)
    body_words: int = 0
    error: str | None = None

    def missing(self) -> list[str]:
        """Fields every article must have; authors are optional (wire copy has no byline)."""
        wanted = {"title": self.title, "published_at": self.published_at,
                  "body": self.body_words}
        return [] if self.error else [name for name, value in wanted.items() if not value]


@dataclass
class SourceCheck:
    source_id: str
    entries: list[EntryCheck] = field(default_factory=list)
    urls_found: int = 0
    urls_matching: int = 0
    articles: list[ArticleCheck] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [f"{e.kind} {e.url}: {e.error}" for e in self.entries if e.error]
        if not self.urls_matching:
            found.append(f"none of {self.urls_found} listed URL(s) match article_urls")
        for article in self.articles:
            if article.error:
                found.append(f"article {article.url}: {article.error}")
            elif article.missing():
                found.append(f"article {article.url}: no {', '.join(article.missing())}")
        return found

    def as_json(self) -> dict[str, object]:
        return {"source_id": self.source_id, "ok": not self.problems(),
                "problems": self.problems(), "urls_found": self.urls_found,
                "urls_matching": self.urls_matching,
                "entries": [vars(e) for e in self.entries],
                "articles": [vars(a) for a in self.articles]}


def _robots(source: Source, fetcher: Fetcher, check: SourceCheck) -> Protego:
    """The site's rules; a missing robots.txt (4xx) allows everything, as crawlers agree."""
    entry = source.entry_points
    first = (entry.feeds + entry.sitemaps + [s.url for s in entry.sections])[0]
    parts = urlsplit(first)
    fetched = fetcher.get(f"{parts.scheme}://{parts.netloc}/robots.txt")
    status = fetched.status
    error = None if status is not None and (status == 200 or 400 <= status < 500) \
        else fetched.error
    check.entries.append(EntryCheck("robots", fetched.url, status, error=error))
    text = fetched.body.decode("utf-8", "replace") if status == 200 else ""
    return Protego.parse(text)


def _discover(source: Source, fetcher: Fetcher, robots: Protego, user_agent: str,
              check: SourceCheck) -> list[list[Listed]]:
    """Each entry point's listed URLs; a sitemap index is followed to its newest child."""
    lists: list[list[Listed]] = []

    def fetch(kind: str, url: str) -> Fetched | None:
        if not robots.can_fetch(url, user_agent):
            check.entries.append(EntryCheck(kind, url, None, error="disallowed by robots.txt"))
            return None
        fetched = fetcher.get(url)
        if fetched.error:
            check.entries.append(EntryCheck(kind, url, fetched.status, error=fetched.error))
            return None
        return fetched

    def record(kind: str, fetched: Fetched, listed: list[Listed]) -> list[Listed]:
        error = None if listed else "lists no links"
        check.entries.append(EntryCheck(kind, fetched.url, fetched.status, len(listed), error))
        return listed

    for url in source.entry_points.feeds:
        if feed := fetch("feed", url):
            lists.append(record("feed", feed, feed_entries(feed.body, feed.url)))
    for url in source.entry_points.sitemaps:
        if (fetched := fetch("sitemap", url)) is None:
            continue
        sitemap = sitemap_entries(fetched.body, fetched.url)
        record("sitemap", fetched, sitemap.entries)
        if not sitemap.is_index:
            lists.append(sitemap.entries)
            continue
        children = [c for c in sitemap.entries if source.owns(urlsplit(c.url).hostname or "")]
        newest = max(children, key=lambda c: c.lastmod or "", default=None)
        if newest and (child := fetch("sitemap child", newest.url)):
            entries = sitemap_entries(child.body, child.url).entries
            lists.append(record("sitemap child", child, entries))
    for section in source.entry_points.sections:
        if page := fetch("section", section.url):
            selector = Selector(body=page.body, type="html")
            hrefs = selector.css(section.links).css("::attr(href)").getall()
            listed = [Listed(url=urljoin(page.url, h.strip())) for h in hrefs]
            lists.append(record("section", page, listed))
    return lists


def _round_robin(lists: list[list[str]]) -> Iterator[str]:
    """Take from each entry point in turn, so every kind of entry point gets sampled."""
    for row in range(max((len(x) for x in lists), default=0)):
        for urls in lists:
            if row < len(urls):
                yield urls[row]


def _article(url: str, source: Source, registry: Registry, fetcher: Fetcher, robots: Protego,
             user_agent: str) -> ArticleCheck:
    if not robots.can_fetch(url, user_agent):
        return ArticleCheck(url, None, error="disallowed by robots.txt")
    fetched = fetcher.get(url)
    if fetched.error:
        return ArticleCheck(url, fetched.status, error=fetched.error)
    try:
        article = extract_article(fetched.body, fetched.url, source, registry=registry,
                                  headers=fetched.headers)
    except NotAnArticle as error:
        return ArticleCheck(url, fetched.status, error=f"not an article: {error.reason}")
    except ExtractionError as error:
        return ArticleCheck(url, fetched.status, error=f"extraction failed: {error.reason}")
    published = article.published_at.isoformat() if article.published_at else None
    return ArticleCheck(url, fetched.status, title=article.title or None, published_at=published,
                        authors=article.authors, body_words=article.word_count)


def check_source(source: Source, registry: Registry, fetcher: Fetcher, user_agent: str,
                 articles: int, notify: Notify = lambda _: None) -> SourceCheck:
    """Check one source's entry points and up to ``articles`` of the article URLs they list
    (``registry``: the extractor's, to name the member a hub reprint comes from)."""
    check = SourceCheck(source.id)
    notify(f"{source.id}: robots.txt")
    robots = _robots(source, fetcher, check)
    if check.entries[-1].error:
        return check  # a robots.txt that errors means "fetch nothing" to a polite crawler
    notify(f"{source.id}: entry points")
    lists = _discover(source, fetcher, robots, user_agent, check)
    found = list(dict.fromkeys(item.url for listed in lists for item in listed))
    check.urls_found = len(found)

    def is_article(url: str) -> bool:
        return source.owns(urlsplit(url).hostname or "") and source.article_urls.matches(url)

    check.urls_matching = sum(1 for url in found if is_article(url))
    matching = [[i.url for i in listed if is_article(i.url)] for listed in lists]
    sample = list(dict.fromkeys(_round_robin(matching)))[:articles]
    for number, url in enumerate(sample, 1):
        notify(f"{source.id}: article {number}/{len(sample)}")
        check.articles.append(_article(url, source, registry, fetcher, robots, user_agent))
    return check
