"""Write the whole mirror as a static tree plus ``manifest.json`` (the extraction ground truth).

Nothing outside the repository is read unless a prose directory is given: then its texts and its
captured robots.txt files are used instead of the mirror's own (:mod:`mirror.pools`).
"""

from __future__ import annotations

from pathlib import Path

from ann.sources import Registry
from mirror.layout import BODY, HTML, RSS, TEXT, TYPE, XML, resource_dir
from mirror.manifest import ArticleTruth, Manifest, SiteTruth, write_manifest
from mirror.plan import HUB, plan
from mirror.pools import load_pools
from mirror.sites import SITES, Site
from mirror.story import Story

ROBOTS_DIR = Path("fixtures/feeds-corpus/robots/scrapy+protego/tests/test_data")


def _write(out_dir: Path, host: str, path: str, text: str, content_type: str) -> None:
    target = resource_dir(out_dir, host, path)
    if target is None:
        raise ValueError(f"bad mirror path {host}{path}")
    target.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    body = target / BODY
    # Rewrite only what changed, so Last-Modified (file mtime) moves only with the content.
    if not body.exists() or body.read_bytes() != data:
        body.write_bytes(data)
    if content_type != HTML:
        (target / TYPE).write_text(content_type, encoding="utf-8")


def _robots(site: Site, prose_dir: Path | None, sitemaps: list[str]) -> str:
    """The site's captured robots.txt when a prose directory has one, else the mirror's own:
    the Crawl-delay and rules its real file states, and its sitemaps."""
    if prose_dir is not None:
        captured = prose_dir / ROBOTS_DIR / (site.robots_capture or site.host)
        if captured.is_file():
            return captured.read_text(encoding="utf-8", errors="replace")
    disallowed = ["/search", "/wp-admin/", *site.robots_disallow]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed)]
    if site.crawl_delay is not None:
        lines.append(f"Crawl-delay: {site.crawl_delay}")
    return "\n".join([*lines, "", *(f"Sitemap: {s}" for s in sitemaps)]) + "\n"


def _truth(story: Story) -> ArticleTruth:
    original = story.original
    return ArticleTruth(
        url=story.url, source_id=story.source_id, title=story.title, keyword=story.keyword,
        published_at=story.published_utc, authors=story.authors, section=story.section_name,
        standfirst=story.standfirst, paragraphs=story.paragraphs,
        # the hub alone names the paper ("By China Daily"); a member's copy is marked by its URL
        original_paper=original.paper if original and story.source_id == HUB else None,
        original_url=original.url if original else None, extra=story.extra)


def generate(out_dir: Path, registry: Registry, *, per_site: int = 50, seed: int = 0,
             extra: int = 0, prose_dir: Path | None = None, copies: int = 0) -> Manifest:
    """Write ``per_site`` (+ ``extra`` newer) articles per site, and ``copies`` republications
    of one member's story by another; texts written by the mirror, or read from ``prose_dir``
    (laid out like the team's shared directory) when given; ``registry``: the sources the
    sites stand for (zones, countries), loaded by the entry point."""
    zones = {s.id: s.zone for s in registry}
    countries = {s.id: s.country or "" for s in registry}
    stories = plan(load_pools(prose_dir, seed), zones, countries, per_site=per_site, seed=seed,
                   extra=extra, copies=copies)
    sites: list[SiteTruth] = []
    articles: list[ArticleTruth] = []
    for source_id in sorted(stories):
        site, source = SITES[source_id], registry.get(source_id)
        newest = sorted(stories[source_id], key=lambda s: (s.published, s.index), reverse=True)
        for story in stories[source_id]:
            _write(out_dir, site.host, story.path, site.render_article(story), HTML)
            articles.append(_truth(story))
        sitemaps = site.sitemap_files(newest)
        for path, xml in site.feed_files(newest).items():
            _write(out_dir, *site.locate(path), xml, RSS)
        for path, xml in sitemaps.items():
            _write(out_dir, *site.locate(path), xml, XML)
        for path, slug in site.section_pages:
            chosen = [s for s in newest if s.section_slug == slug][:site.section_limit]
            _write(out_dir, *site.locate(path), site.render_section(slug, chosen), HTML)
        robots = _robots(site, prose_dir, list(source.entry_points.sitemaps))
        for host in (site.host, *site.extra_hosts):
            _write(out_dir, host, "/robots.txt", robots, TEXT)
        sites.append(SiteTruth(
            source_id=source_id, host=site.host, robots=f"{site.base()}/robots.txt",
            feeds=[site.url(p) for p, _ in site.feeds],
            sitemaps=[site.url(p) for p in sitemaps],
            sections=[site.url(p) for p, _ in site.section_pages]))
    manifest = Manifest(seed=seed, per_site=per_site, extra=extra, sites=sites, articles=articles)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_manifest(manifest, out_dir / "manifest.json")
    return manifest
