"""What WordPress members share: ``/<slug>/`` permalinks, Yoast SEO's JSON-LD ``@graph`` and its
sitemap index. Kept apart so each WordPress site module states only where it differs."""

from __future__ import annotations

from mirror import feeds
from mirror.sites.base import Site
from mirror.story import Story, slugify

WP_DENY = ("about-us", "contact-us", "privacy-policy", "terms-of-service", "newsletter",
           "members", "subscribe")


def wp_path(story: Story) -> str:
    return f"/{slugify(story.title)}/"


def yoast_graph(site: Site, story: Story, article_type: str = "Article",
                author: dict[str, str] | None = None) -> dict[str, object]:
    """Yoast's @graph: the article node points at WebPage, Organization and Person by @id, so a
    reader must resolve references rather than read one flat object."""
    base = site.base()
    person_id = f"{base}/#/schema/person/{story.index}"
    names = author or ({"name": ", ".join(story.people)} if story.people
                       else {"name": story.agencies[0]})
    return {"@context": "https://schema.org", "@graph": [
        {"@type": article_type, "@id": f"{story.url}#article",
         "isPartOf": {"@id": story.url}, "author": {"@id": person_id},
         "headline": story.title, "datePublished": story.published.isoformat(),
         "dateModified": story.published.isoformat(), "articleSection": [story.section_name],
         "publisher": {"@id": f"{base}/#organization"}, "inLanguage": "en-US"},
        {"@type": "WebPage", "@id": story.url, "url": story.url, "name": story.title,
         "datePublished": story.published.isoformat()},
        {"@type": "Organization", "@id": f"{base}/#organization", "name": site.name},
        {"@type": "Person", "@id": person_id, **names}]}


def yoast_sitemaps(site: Site, stories: list[Story], per_file: int = 30) -> dict[str, str]:
    """``/sitemap_index.xml`` → ``/post-sitemap.xml``, ``/post-sitemap2.xml`` … (oldest first,
    as Yoast pages them)."""
    oldest = list(reversed(stories))
    chunks = [oldest[i:i + per_file] for i in range(0, len(oldest), per_file)] or [[]]
    names = [f"/post-sitemap{'' if n == 0 else n + 1}.xml" for n in range(len(chunks))]
    out = {name: feeds.urlset(chunk) for name, chunk in zip(names, chunks, strict=True)}
    out["/sitemap_index.xml"] = feeds.sitemap_index(site, names)
    return out
