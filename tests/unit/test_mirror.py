"""The offline mirror: deterministic, self-consistent, and served like a real site."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from http.client import HTTPResponse
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

from mirror.generate import ROBOTS_DIR
from mirror.manifest import Manifest, load_manifest
from mirror.server import MirrorServer
from mirror.sites import SITES
from mirror.story import ROLE_CREDITS
from tests.support.mirrors import generate

ROLE_CREDIT_SOURCES = {s.source_id for s in SITES.values() if ROLE_CREDITS & set(s.desks)}
PER_SITE = 16


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def mirror_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mirror")
    generate(out, per_site=PER_SITE)
    return out


@pytest.fixture(scope="module")
def manifest(mirror_dir: Path) -> Manifest:
    return load_manifest(mirror_dir / "manifest.json")


@pytest.fixture(scope="module")
def server(mirror_dir: Path) -> Iterator[MirrorServer]:
    srv = MirrorServer(mirror_dir)
    srv.start()
    yield srv
    srv.stop()


def fetch(server: MirrorServer, url: str, **headers: str) -> tuple[int, bytes, dict[str, str]]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    request = urllib.request.Request(server.url + path, headers={"Host": parts.netloc, **headers})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            assert isinstance(response, HTTPResponse)
            return response.status, response.read(), dict(response.headers)
    except HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_generation_is_deterministic(mirror_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path, per_site=PER_SITE)
    assert tree_digest(tmp_path) == tree_digest(mirror_dir)


def test_manifest_shape(manifest: Manifest) -> None:
    titles = [a.title for a in manifest.articles if a.original_paper is None]
    assert len(titles) == len(set(titles)), "titles are unique apart from hub reprints"
    reprints = [a for a in manifest.articles if a.original_paper]
    assert len(reprints) >= 10
    by_url = {a.url: a for a in manifest.articles}
    for reprint in reprints:
        original = by_url[reprint.original_url or ""]
        assert (original.title, original.paragraphs) == (reprint.title, reprint.paragraphs)
    for article in manifest.articles:
        assert "2019-01-01" <= article.published_at < "2026-01-01"
        assert article.published_at.endswith("Z")
        assert article.keyword in article.title.lower()
        assert all(not a.startswith("PHOTO") for a in article.authors)
        # Only a bare role ("Staff Correspondent") leaves an article without authors.
        assert article.authors or article.source_id in ROLE_CREDIT_SOURCES, article.url
    months = {a.published_at[:7] for a in manifest.articles}
    assert len(months) > 12


def test_every_article_is_served_and_well_formed(server: MirrorServer,
                                                 manifest: Manifest) -> None:
    for article in manifest.articles:
        status, body, headers = fetch(server, article.url)
        assert status == 200, article.url
        assert headers["Content-Type"].startswith("text/html")
        doc = html.fromstring(body)
        assert doc.findtext(".//title") and article.title in doc.findtext(".//title", "")
        assert article.paragraphs[-1] in doc.text_content()


def test_feeds_and_sitemaps_list_only_existing_articles(server: MirrorServer,
                                                        manifest: Manifest) -> None:
    known = {a.url for a in manifest.articles}
    for site in manifest.sites:
        listed: set[str] = set()
        pending = [*site.feeds, *site.sitemaps]
        while pending:
            url = pending.pop()
            status, body, headers = fetch(server, url)
            assert status == 200, url
            assert "xml" in headers["Content-Type"]
            root = etree.fromstring(body)
            if root.tag.endswith("sitemapindex"):
                pending += [t.strip() for t in root.itertext() if t.strip().startswith("http")]
                continue
            links = root.findall(".//item/link") or root.findall(
                ".//{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
            listed |= {link.text for link in links}
        assert listed <= known
        for section in site.sections:
            status, body, _ = fetch(server, section)
            assert status == 200
            hrefs = set(html.fromstring(body).xpath("//a/@href"))
            assert {f"https://{site.host}{h}" for h in hrefs} & known
        status, body, headers = fetch(server, site.robots)
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = fetch(server, "https://www.straitstimes.com/robots.txt")[1].decode()
    assert "Crawl-delay: 10" in robots


def test_conditional_requests_stats_and_faults(server: MirrorServer,
                                               manifest: Manifest) -> None:
    url = manifest.articles[0].url
    host, path = urlsplit(url).netloc, urlsplit(url).path
    before = server.count(host, path)
    status, _, headers = fetch(server, url)
    assert status == 200
    assert fetch(server, url, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(server, url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert server.count(host, path) == before + 3
    assert fetch(server, f"https://{host}/no/such/page")[0] == 404
    server.set_status(host, 403)
    try:
        assert fetch(server, url)[0] == 403
    finally:
        server.set_status(host, None)
    request = urllib.request.Request(server.url + "/__mirror__/stats")
    with urllib.request.urlopen(request, timeout=5) as response:
        stats = json.loads(response.read())
    assert stats["counts"][host + path] >= 4


def test_extra_adds_newer_items_and_keeps_old_pages(mirror_dir: Path, tmp_path: Path,
                                                    manifest: Manifest) -> None:
    grown = generate(tmp_path, per_site=PER_SITE, extra=2)
    old, new = tree_digest(mirror_dir), tree_digest(tmp_path)
    for article in manifest.articles:
        key = re.sub(r"^https://", "", article.url).rstrip("/") + "/__body"
        assert new[key] == old[key], article.url
    added = [a for a in grown.articles if a.extra]
    assert len(added) == 2 * len(grown.sites)
    newest_base = max(a.published_at for a in manifest.articles)
    assert all(a.published_at > newest_base for a in added)


def test_vernacular_member_is_chinese_and_exact(server: MirrorServer, manifest: Manifest) -> None:
    cjk = re.compile("[\u4e00-\u9fff]")
    articles = manifest.for_source("sinchew")
    assert articles
    for article in articles:
        assert cjk.search(article.title) and all(cjk.search(p) for p in article.paragraphs)
        doc = html.fromstring(fetch(server, article.url)[1])
        assert doc.get("lang") == "zh"
        texts = [p.text_content() for p in doc.xpath("//div[@class='article-page-content']/p")]
        assert texts == article.paragraphs


def test_json_ld_parses_wherever_a_page_has_it(server: MirrorServer, manifest: Manifest) -> None:
    kinds: set[str] = set()
    for article in manifest.articles[::7]:
        doc = html.fromstring(fetch(server, article.url)[1])
        for script in doc.xpath("//script[@type='application/ld+json']/text()"):
            data = json.loads(script)
            nodes = data if isinstance(data, list) else data.get("@graph", [data])
            kinds |= {str(n.get("@type")) for n in nodes}
    assert {"NewsArticle", "Article", "BlogPosting"} <= kinds



def test_bytes_sent_counts_status_line_headers_and_body(mirror_dir: Path,
                                                         manifest: Manifest) -> None:
    article = manifest.articles[0]
    host = article.url.split("/")[2]
    path = "/" + article.url.split("/", 3)[3]
    # a server of its own: on the module's, another test's answer may still be counted after it
    server = MirrorServer(mirror_dir)
    server.start()
    try:
        _check_bytes_sent(server, host, path)
    finally:
        server.stop()


def _check_bytes_sent(server: MirrorServer, host: str, path: str) -> None:
    assert server.bytes_sent() == 0
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    body = response.read()
    head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.getheaders()) + "\r\n"
    connection.close()
    expected = len(head.encode("latin-1")) + len(body)
    deadline = time.monotonic() + 5  # the server counts once its write returns, maybe after us
    while server.bytes_sent() < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.bytes_sent() == expected


def test_no_two_stories_share_a_paragraph_and_each_keyword_is_its_own(manifest: Manifest) -> None:
    stories = [a for a in manifest.articles if a.original_paper is None]  # reprints repeat
    paragraphs = [p for a in stories for p in a.paragraphs]
    assert len(paragraphs) == len(set(paragraphs))
    assert len({a.keyword for a in stories}) == len(stories)
    for article in stories:
        # the keyword is the story's own: no other story's title or text contains it
        others = [a for a in stories if a is not article and
                  article.keyword in (a.title + " ".join(a.paragraphs)).lower()]
        assert others == [], (article.keyword, [a.url for a in others])


def test_people_places_numbers_and_dates_are_written(manifest: Manifest) -> None:
    text = " ".join(p for a in manifest.for_source("thestar") for p in a.paragraphs)
    assert re.search(r"\b\d{1,3}(,\d{3})+\b", text) and "ringgit" in text
    assert re.search(r"\b(January|February|March|April|May|June|July|August|September|October|"
                     r"November|December) \d{1,2}\b", text)
    assert any(place in text for place in ("Penang", "Ipoh", "Johor Bahru", "Kuching"))
    assert "\u201c" in text  # someone is quoted


@pytest.mark.needs_shared
def test_real_prose_is_read_only_from_a_configured_directory(
    shared_dir: Path, manifest: Manifest, tmp_path: Path
) -> None:
    real = generate(tmp_path, per_site=PER_SITE, prose_dir=shared_dir)
    assert len(real.articles) == len(manifest.articles)
    written = {p for a in manifest.articles for p in a.paragraphs}
    assert not written & {p for a in real.articles for p in a.paragraphs}
    captured = (shared_dir / ROBOTS_DIR / "www.straitstimes.com").read_bytes()
    assert (tmp_path / "www.straitstimes.com" / "robots.txt" / "__body").read_bytes() == captured
