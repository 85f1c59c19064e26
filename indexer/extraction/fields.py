"""The metadata cascade, one function per field: JSON-LD → meta tags → source hints → generic.

Each function returns the value and records in ``page.provenance`` which step found it, with the
meta key or selector (``meta:article:published_time``, ``hint:.byline``) so a wrong value can be
traced to its origin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from urllib.parse import urljoin, urlsplit

import lxml.html
from htmldate import find_date

from indexer.extraction import hints, rules
from indexer.extraction.authors import AGENCIES, clean_authors, names_in, sole_agency
from indexer.extraction.bylines import find_bylines, find_editors
from indexer.extraction.classbyline import class_byline
from indexer.extraction.dates import from_day, has_time, parse_date, same_day
from indexer.extraction.page import Page
from indexer.extraction.people import Evidence, sort_names

_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                "dcterms.creator", "byl", "og:article:author", "citation_author")
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate",
    "publish-date", "publish_date", "published_date", "pubdate", "parsely-pub-date",
    "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "date", "article.published", "article_date_original", "pub_date",
    "release_date", "originalpublicationdate", "og:published_time", "citation_publication_date",
)
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "lastmod", "og:article:modified_time")
_PREVIEW_FIELDS = ("1", "2")  # link previews' label/value pairs: "Written by", "Est. reading time"
_WRITTEN_BY = re.compile(r"^\s*(?:written\s+by|authors?|by)\s*:?\s*$", re.IGNORECASE)
_HOME = frozenset({"home", "homepage", "首页", "首頁", "홈", "ホーム", "trang chủ", "beranda"})
_MAX_SECTIONS = 10
_SECTION_META = ("article:section", "parsely-section", "og:article:section", "section",
                 "content_category")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/\-_]?([01]\d)[/\-_]?([0-3]\d)(?:[/\-_]|\.|$|\d{2})")
_IMAGE_META = ("og:image", "og:image:url", "twitter:image", "twitter:image:src")
_UNSEEN = ("jsonld", "meta:", "trafilatura")  # steps that cannot see an "Editor:" label
_DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")


def _record(page: Page, name: str, origin: str) -> None:
    page.provenance[name] = origin


def _metadata_steps(page: Page) -> Iterator[tuple[str, list[str], bool]]:
    """(origin, raw bylines, may name people) from the page's declared metadata."""
    if page.ld and page.ld.authors:
        yield "jsonld", page.ld.authors, not page.ld.authors_are_organizations
    for key in _AUTHOR_META:
        values = page.meta.all(key)
        if values:
            yield f"meta:{key}", values, True
    if rules.current().labelled_meta_author:
        for number in _PREVIEW_FIELDS:
            label = page.meta.all(f"twitter:label{number}")
            values = page.meta.all(f"twitter:data{number}")
            if label and values and _WRITTEN_BY.match(label[0]):
                yield f"meta:twitter:data{number}", values, True


Step = tuple[str, list[str], bool]
"""(origin, raw bylines, whether they may name people)."""


def _hinted(page: Page) -> Step | None:
    if not page.hints.authors:
        return None
    return f"hint:{page.hints.authors}", hints.all_texts(page.tree, page.hints.authors), True


def _trafilatura(page: Page) -> Step | None:
    if not rules.current().trafilatura_byline:
        return None
    byline = class_byline(page.tree)  # trafilatura's byline rules, without its tree copy
    return ("trafilatura", byline.split(";"), True) if byline else None


def _shapes(page: Page) -> Step | None:
    headlines = [page.ld.headline] if page.ld and page.ld.headline else []
    headlines.extend(value for value, _ in page.meta.candidates(("og:title",)))
    headlines.extend([page.meta.title] if page.meta.title else [])
    raws, origin = find_bylines(page.tree, headlines, page.url)
    return (origin, raws, True) if raws else None


def _signature(page: Page) -> Step | None:
    return ("signature", [page.signature], True) if page.signature else None


_VISIBLE: tuple[Callable[[Page], Step | None], ...] = (_hinted, _trafilatura, _shapes, _signature)


def _visible_steps(page: Page) -> Iterator[Step]:
    """(origin, raw bylines, True) from what the page shows; the costly generic steps run last,
    only when reached, and once per page (the byline search and the check of a metadata author
    against the visible byline walk the same steps)."""
    done = page.byline_steps
    for number, step in enumerate(_VISIBLE):
        if number == len(done):
            done.append(step(page))
        found = done[number]
        if found is not None:
            yield found


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    credit: list[str] = field(default_factory=list)
    """Organisations credited: news agencies, desks, the site itself."""


def _evidence(page: Page, sections: list[str]) -> Evidence:
    chosen = rules.current()
    publisher = [page.ld.publisher] if page.ld and page.ld.publisher else []
    return Evidence(page.tree, page.url, [*page.site_names, *publisher], sections,
                    section_repeats=chosen.section_repeats,
                    persons=page.ld.people if page.ld else (),
                    publisher=page.ld.publisher if page.ld else None)


def _full_name(name: str) -> bool:
    """Strong enough to overrule metadata: two words, or a name in a script without spaces."""
    return len(name.split()) >= 2 or (len(name) >= 2 and not name.isascii())


class _Editors:
    """Names that are no authors: the editors the page declares (``meta name=editor``) and,
    read only when a step names someone, those its visible text labels as editors ("Editor:
    Jane Roe"; ``find_editors`` walks every text of the page, and most pages never need it)."""

    def __init__(self, page: Page) -> None:
        self.declared = {e.casefold() for e in clean_authors(page.meta.all("editor"))}
        self._tree = page.tree
        self._labelled: set[str] | None = None

    @property
    def labelled(self) -> set[str]:
        if self._labelled is None:
            self._labelled = self.declared | {
                e.casefold() for e in clean_authors(find_editors(self._tree))}
        return self._labelled

    def names(self, raws: list[str], seen: bool) -> list[str]:
        """The names of ``raws`` that are not editors. ``seen``: the step reads what the page
        shows, so only the declared editors are left out (a visible byline naming an editor is
        believed); otherwise the labelled ones are too."""
        names = names_in(raws)
        if not names:
            return names
        unwanted = self.declared if seen else self.labelled
        return [n for n in names if n.casefold() not in unwanted]


def _shown_people(page: Page, evidence: Evidence, editors: _Editors) -> tuple[list[str], str]:
    """The people of the first visible byline step that names any."""
    for origin, raws, _ in _visible_steps(page):
        names = editors.names(raws, seen=False)
        people = [p for p in sort_names(names, evidence, rules.current().byline_people_only).people
                  if _full_name(p)]
        if people:
            return people, origin
        if not names and origin.startswith("hint:"):
            page.hint_missed("authors")
    return [], ""


def byline(page: Page, sections: list[str]) -> Byline:
    """People first, each step's organisations kept as ``credit``. Names the page calls its
    editors (``meta name=editor``) are not authors. Nor are names its visible text labels as
    editors ("Editor: Jane Roe") when they come from metadata or trafilatura's class guesses:
    some CMSs file the desk editor as the article's author, while a visible byline naming the
    same person is believed (a writer may edit too). A metadata author the page never shows
    (site staff who uploaded the story) yields to a visible byline naming someone. No person
    anywhere: a news agency is the author, else the organisation credited (the paper signs an
    unsigned story)."""
    chosen = rules.current()
    editors = _Editors(page)
    evidence = _evidence(page, sections)
    out = Byline()
    fallback: tuple[list[str], str] | None = None
    for origin, raws, people_possible in chain(_metadata_steps(page), _visible_steps(page)):
        names = editors.names(raws, seen=not origin.startswith(_UNSEEN))
        found = sort_names(names, evidence, chosen.byline_people_only)
        credit = found.credit + ([] if people_possible else found.people)
        out.credit.extend(c for c in credit if c not in out.credit)
        people = found.people if people_possible else []
        if not people and people_possible:
            people = sole_agency(names)  # an agency's story: "AFP", not a later guess
        if not people and not found.credit and origin.startswith("hint:"):
            page.hint_missed("authors")  # nothing, or neither a person nor an organisation
        if people:
            if chosen.visible_over_metadata and origin.startswith(("jsonld", "meta:")) and \
                    not any(evidence.shows(p) or p.casefold() in AGENCIES for p in people):
                shown, shown_origin = _shown_people(page, evidence, editors)
                if shown:
                    people, origin = shown, shown_origin
            _record(page, "authors", origin)
            out.authors = people
            return out
        kept = (found.credit if chosen.organisation_fallback else []
                ) if chosen.byline_people_only else names
        if kept and fallback is None:
            fallback = kept[:1], origin
    if fallback is not None:
        _record(page, "authors", fallback[1])
        out.authors = fallback[0]
    return out


def _url_day(page: Page) -> datetime | None:
    match = _URL_DATE.search(urlsplit(page.url).path)
    if not match:
        return None
    try:
        day = datetime(int(match.group(1)), int(match.group(2)), int(match.group(3))).date()
    except ValueError:
        return None
    return from_day(day, page.zone)


_UPDATE_LABEL = re.compile(r"updat|modif|edited|revised|diperbarui|更新|수정", re.IGNORECASE)


def _says_updated(element: lxml.html.HtmlElement) -> bool:
    """Whether a ``<time>`` is labelled as the update ("Updated: ..."), by its own attributes
    and text or by its parent's text before it."""
    parent = element.getparent()
    label = " ".join(filter(None, (
        element.get("class"), element.get("itemprop"), element.get("id"), element.text_content(),
        parent.text if parent is not None else None,
        parent.get("class") if parent is not None else None)))
    return bool(_UPDATE_LABEL.search(label))


def _visible_dates(page: Page) -> list[tuple[str | None, str]]:
    """``<time>`` elements: declared as the publication date, or (when preferring publication
    to update stamps) any dated ``<time>`` not labelled as the update."""
    steps: list[tuple[str | None, str]] = [
        (element.get("datetime"), "time") for element in
        page.tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]")[:2]]
    if rules.current().page_dates_first:
        shown = [e for e in page.tree.xpath("//time[@datetime]")[:5] if not _says_updated(e)]
        steps.extend((element.get("datetime"), "time") for element in shown[:2])
    return steps


def _htmldate(page: Page, with_url: bool) -> datetime | None:
    # htmldate reads a URL's date before the page's own dates: with ``with_url`` false it is
    # given no URL (an empty one also stops it from probing the canonical link for one)
    day = find_date(page.tree, extensive_search=True, original_date=True,
                    url=page.url if with_url else "", outputformat="%Y-%m-%d")
    moment = parse_date(day, page.zone) if day else None
    if moment is not None:
        _record(page, "published_at", "htmldate")
    return moment


def published(page: Page) -> datetime | None:
    """The publication date the page states (JSON-LD, meta, hint, ``<time>``), read in the
    source's zone; then htmldate's search of the page; the URL's date last."""
    steps: list[tuple[str | None, str]] = []
    if page.ld:
        steps.append((page.ld.published, "jsonld"))
    steps.extend(page.meta.candidates(_PUBLISHED_META))
    if page.hints.published:
        steps.append((hints.first_value(page.tree, page.hints.published),
                      f"hint:{page.hints.published}"))
    steps.extend(_visible_dates(page))
    coarse: tuple[datetime, str] | None = None
    for value, origin in steps:
        moment = parse_date(value, page.zone)
        if moment is None:
            if origin.startswith("hint:"):
                page.hint_missed("published")  # nothing, or no date (or an implausible one)
            continue
        if not has_time(value or ""):
            coarse = coarse or (moment, origin)  # a bare day: a later step may know the hour
            continue
        if coarse is None or same_day(coarse[0], moment, page.zone):
            _record(page, "published_at", origin)
            return moment
    if coarse is not None:
        _record(page, "published_at", coarse[1])
        return coarse[0]
    url_last = rules.current().page_dates_first
    if url_last:
        found = _htmldate(page, with_url=False)
        if found is not None:
            return found
    from_url = _url_day(page)
    if from_url is not None:
        _record(page, "published_at", "url")
        return from_url
    return None if url_last else _htmldate(page, with_url=True)


def updated(page: Page, published_at: datetime | None) -> datetime | None:
    steps = [(page.ld.modified, "jsonld")] if page.ld else []
    steps.extend(page.meta.candidates(_UPDATED_META))
    for value, origin in steps:
        moment = parse_date(value, page.zone)
        if moment is not None and (published_at is None or moment >= published_at):
            _record(page, "updated_at", origin)
            return moment
    return None


def categories(page: Page) -> list[str]:
    """Sections from JSON-LD, meta and the section hint (breadcrumbs), home links left out."""
    found: list[tuple[list[str], str]] = []
    if page.ld and page.ld.section:
        found.append((page.ld.section, "jsonld"))
    for key in _SECTION_META:
        if page.meta.all(key):
            found.append((page.meta.all(key), f"meta:{key}"))
    if page.hints.section:
        hinted = hints.all_texts(page.tree, page.hints.section)
        if not hinted:
            page.hint_missed("section")
        found.append((hinted, f"hint:{page.hints.section}"))
    out: list[str] = []
    seen = set(_HOME)
    for values, origin in found:
        for value in values:
            for part in re.split(r"\s*[,;|>›»/]\s*", value):
                part = part.strip(" >›»·-–—")
                if part and part.casefold() not in seen:
                    seen.add(part.casefold())
                    out.append(part)
                    page.provenance.setdefault("section", origin)
                    if len(out) == _MAX_SECTIONS:  # a page declaring thousands costs no more
                        return out
    return out


def tags(page: Page) -> list[str]:
    steps: list[tuple[list[str], str]] = [(page.meta.all("article:tag"), "meta:article:tag")]
    if page.ld:
        steps.append((page.ld.keywords, "jsonld"))
    for key in ("news_keywords", "keywords", "parsely-tags"):
        values = [p for v in page.meta.all(key) for p in re.split(r"\s*[,;，、]\s*", v)]
        steps.append((values, f"meta:{key}"))
    for values, origin in steps:
        cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
        if cleaned:
            _record(page, "tags", origin)
            return cleaned[:30]
    return []


def lead_image(page: Page) -> str | None:
    steps = [(page.ld.image, "jsonld")] if page.ld else []
    steps.extend(page.meta.candidates(_IMAGE_META))
    for value, origin in steps:
        if value and not value.startswith("data:"):
            _record(page, "lead_image", origin)
            return urljoin(page.url, value)
    return None


def standfirst(page: Page) -> str | None:
    steps: list[tuple[str | None, str]] = []
    if page.ld:
        steps.append((page.ld.description, "jsonld"))
    steps.extend(page.meta.candidates(_DESCRIPTION_META))
    if page.hints.standfirst:
        steps.append((hints.first_text(page.tree, page.hints.standfirst),
                      f"hint:{page.hints.standfirst}"))
    for value, origin in steps:
        if value:
            _record(page, "standfirst", origin)
            return value
        if origin.startswith("hint:"):
            page.hint_missed("standfirst")
    return None
