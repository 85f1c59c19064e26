"""``extract_article``: one page in, one normalized Article out (or a typed refusal).

The page is decoded and parsed once; metadata is read from JSON-LD and meta tags before anything
else; the body comes from the source's body hint when it matches, otherwise from trafilatura on
the same tree. Every field records its origin in ``Article.provenance``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit

from celery.exceptions import SoftTimeLimitExceeded

from ann.sources import Registry, Source
from ann.text import repair_mojibake
from ann.urls import canonical_url
from indexer.article import Article
from indexer.extraction import body, fields, hints, hub, pagetype, payload, title
from indexer.extraction.decode import decode, parse
from indexer.extraction.errors import ExtractionError
from indexer.extraction.jsonld import find_article
from indexer.extraction.language import detect_language
from indexer.extraction.meta import read_meta
from indexer.extraction.page import Page
from indexer.extraction.wordcount import word_count

_MIN_HINTED_WORDS = 20
_MIN_SCORED_SHARE = 0.7  # of the page's paragraph text; chosen on the dev set (docs/extraction.md)
_TITLE_META = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title",
               "headline")
_SHARE_TITLE = ("og:title", "twitter:title")


def _lookup(registry: Registry, url: str) -> Source | None:
    try:
        return registry.for_url(url)
    except ValueError:
        return None


def _url(page: Page) -> str:
    """The page's own canonical link when it stays on the same host and is not the home page
    (hub reprints and broken templates point elsewhere), else the fetched URL; canonicalized."""
    link = page.meta.canonical
    if link:
        try:
            absolute = urljoin(page.url, link)
            parts, here = urlsplit(absolute), urlsplit(page.url)
            if parts.hostname == here.hostname and parts.path not in ("", "/"):
                page.provenance["url"] = "link:canonical"
                return canonical_url(absolute)
        except ValueError:  # a malformed link ("http://[x") is ignored, not fatal
            pass
    page.provenance["url"] = "url"
    return canonical_url(page.url)


def _title(page: Page, sections: list[str]) -> str:
    structured: list[tuple[str, str]] = []
    if page.ld and page.ld.headline:
        structured.append((page.ld.headline, "jsonld"))
    structured.extend(page.meta.candidates(_TITLE_META))
    if page.meta.title:
        structured.append((page.meta.title, "title"))
    visible = [(t, f"hint:{page.hints.title}")
               for t in hints.all_texts(page.tree, page.hints.title)[:3]]
    if not visible:  # no hint, or a hint the page does not match
        visible = [(t, "h1") for t in title.headings(page.tree)]
    shared = page.meta.candidates(_SHARE_TITLE) if page.ld is not None and \
        page.ld.type == "liveblogposting" else []
    if shared:
        # A live blog's heading (and its JSON-LD headline) is a rolling "Topic LIVE: latest
        # development" line rewritten with each update; the share title names the story.
        structured, visible = shared, []
    news = page.ld is not None and "news" in page.ld.type
    chosen = title.choose([(repair_mojibake(t), o) for t, o in structured],
                          [(repair_mojibake(t), o) for t, o in visible], page.url, page.site_names,
                          news=news)
    if page.hints.title and not shared and not (chosen and chosen[1].startswith("hint:")):
        page.hint_missed("title")  # matched nothing, or a heading no metadata title agrees with
    if chosen is None:
        return ""
    page.provenance["title"] = chosen[1]
    return title.strip_sections(chosen[0], sections)


def _has_words(paragraphs: list[str], needed: int) -> bool:
    """At least ``needed`` words, counting only as far as needed."""
    for paragraph in paragraphs:
        needed -= word_count(paragraph)
        if needed <= 0:
            return True
    return False


def _body(page: Page, headline: str) -> tuple[str, int]:
    """The body text and its word count."""
    paragraphs = body.from_hint(page.tree, page.hints.body, page.hints.drop)
    origin = f"hint:{page.hints.body}"
    if paragraphs is None or not _has_words(paragraphs, _MIN_HINTED_WORDS):
        # no hint, or one matching a near-empty block (a stale selector): the generic path,
        # the page's own scorer first and trafilatura's full pass only when that is weak
        paragraphs, share = body.from_scorer(page.tree, page.hints.drop, _MIN_SCORED_SHARE)
        origin = "scorer"
        if share < _MIN_SCORED_SHARE or not _has_words(paragraphs, _MIN_HINTED_WORDS):
            paragraphs, origin = body.from_trafilatura(page.tree, page.url, page.hints.drop), \
                "trafilatura"
        paragraphs, page.signature = body.split_signature(paragraphs)
    text = body.clean(paragraphs, headline)
    words = word_count(text)
    if page.ld and page.ld.body and words < word_count(page.ld.body) // 2:
        # the publisher's own articleBody when the page's markup yielded far less (paywall
        # teaser markup, script-rendered text)
        text, origin = body.clean(page.ld.body.split("\n"), headline), "jsonld"
        words = word_count(text)
    # a payload can only win with over twice the words found so far: skipped unread when its
    # scripts have too few characters to hold them
    in_data = body.from_payload(page.tree, headline, page.url, page.hints.drop) \
        if payload.size(page.tree) // 2 > words else []
    from_data = body.clean(in_data, headline) if in_data else ""
    if from_data and words < word_count(from_data) // 2:
        # a page rendered from its hydration data (Next.js and the like) carries the text only
        # in a script payload
        text, origin, words = from_data, "payload", word_count(from_data)
    if text:
        page.provenance["body"] = origin
    if page.hints.body and not origin.startswith("hint:"):
        page.hint_missed("body")  # matched nothing, too few words, or far less than the data
    return text, words


def _extract(
    html: str | bytes, url: str, source: Source | None, headers: Mapping[str, str] | None,
    registry: Registry, on_hint_missed: Callable[[str], None] | None,
) -> Article:
    tree = parse(decode(html, headers))
    if source is None:
        source = _lookup(registry, url)
    page = Page(tree=tree, url=url, meta=read_meta(tree), ld=find_article(tree), source=source)
    categories = fields.categories(page)
    headline = _title(page, categories)
    text, words = _body(page, headline)  # before the byline: the last line may sign it
    byline = fields.byline(page, categories)
    published_at = fields.published(page)
    article = Article(
        url=_url(page),
        title=headline,
        authors=byline.authors,
        credit=byline.credit,
        published_at=published_at,
        updated_at=fields.updated(page, published_at),
        section=categories[0] if categories else None,
        categories=categories,
        tags=fields.tags(page),
        standfirst=fields.standfirst(page),
        lead_image=fields.lead_image(page),
        source_id=source.id if source else None,
        source_name=source.name if source else None,
        country=source.country if source else None,
    )
    article.body, article.word_count = text, words
    og_type = page.meta.first("og:type")
    pagetype.check(
        tree, url, article.word_count,
        declared_article=(page.ld is not None and page.ld.type != "webpage") or (
            og_type is not None and og_type[0] == "article"),
        ld_type=page.ld.type if page.ld else None,
        og_type=og_type[0] if og_type else None,
        dated=published_at is not None,
        stated_date=page.provenance.get("published_at", "htmldate") != "htmldate",
        listed_url=source is None or source.article_urls.matches(url),
    )
    declared = page.meta.lang or (page.ld.language if page.ld else None) or (
        source.languages[0] if source else None)
    article.language, page.provenance["language"] = detect_language(
        article.body or headline, declared)
    if source is not None and source.hub:
        _hub_reprint(page, article, source, registry)
    article.provenance = page.provenance
    if on_hint_missed is not None:
        for name in sorted(page.hints_missed):
            on_hint_missed(name)
    return article


def _hub_reprint(page: Page, article: Article, hub_source: Source, registry: Registry) -> None:
    attribution = hints.first_text(page.tree, page.hints.original_paper)
    if page.hints.original_paper and attribution is None:
        page.hint_missed("original_paper")
    name, member, origin = hub.original_paper(attribution, article.authors, registry, hub_source)
    if name is None:
        return
    article.original_paper = member.name if member else name
    article.original_source_id = member.id if member else None
    page.provenance["original_paper"] = (
        f"hint:{page.hints.original_paper}" if origin == "hint" else origin)
    article.authors = [a for a in article.authors if a.casefold() != name.casefold()]


def extract_article(
    html: str | bytes,
    url: str,
    source: Source | None = None,
    *,
    registry: Registry,
    headers: Mapping[str, str] | None = None,
    on_hint_missed: Callable[[str], None] | None = None,
) -> Article:
    """The article on ``html`` fetched from ``url``; raises NotAnArticle / ExtractionError.

    ``registry`` finds the source of a page given without one and the member a hub reprint
    names: the caller's own, loaded by its entry point (the pipeline's task, the live check's
    command, a bench or test). An evaluator that calls ``fn(html, url)`` gets
    ``functools.partial(extract_article, registry=...)``.

    ``on_hint_missed`` is called once per field (``body``, ``title``, ``authors``,
    ``published``, ``section``, ``standfirst``, ``original_paper``) whose source hint was
    consulted and found nothing or something implausible, so that the generic steps answered
    (the pipeline counts it per source: a template change shows in ``ann status``)."""
    try:
        return _extract(html, url, source, headers, registry, on_hint_missed)
    except ExtractionError:
        raise
    except RecursionError as error:
        raise ExtractionError("too_deep") from error
    except SoftTimeLimitExceeded as error:
        # the task's soft time limit fired on this page: it is refused as "timeout" and the
        # rest of the batch goes on (the hard limit still bounds the whole batch)
        raise ExtractionError("timeout") from error
    except Exception as error:  # the pipeline must get a typed, countable reason, never a crash
        raise ExtractionError(f"unexpected:{type(error).__name__}") from error
