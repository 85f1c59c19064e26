"""Who a byline names: people, or the organisation credited, or words that are neither.

Byline elements on real pages run other things into the names: the dateline and the section
("CHARLESTON, South Carolina, World, Fri"), the paper's own name, a desk ("Star Online Report",
"Web Desk"). Each candidate is judged by evidence the page itself gives, never by a list of
sites:

* a place: upper-case words opening the story's first paragraph (its dateline,
  "CHARLESTON, South Carolina —");
* a section: the text of several links of the site's menus (``nav``, ``footer``, a menu
  class, a ``header`` that does not hold the headline), to pages of the site itself, outside
  any author or byline element (a person's name links to an author page and a social profile,
  not to a section; the story's own header shows its byline), a declared category or a
  segment of the article's URL (not the byline's only name when it has several words: a small
  site's owner in its menu, a category per writer);
* a weekday or month name (dateutil's own names), or a phrase ("Learn about our");
* the site: its ``og:site_name``, ``application-name``, JSON-LD publisher, registry name or host;
* a web address the page shows ("etimes.in", which a byline reader turns into "Etimes In");
* a desk or a news agency: an organisation's credit, kept apart from the people (``credit``).

What remains is a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from urllib.parse import unquote, urlsplit

import lxml.html
from dateutil.parser import parserinfo
from lxml.etree import XPath

from indexer.extraction.authors import AGENCIES
from indexer.extraction.decode import text_of

_CALENDAR = frozenset(
    word.casefold() for pair in (*parserinfo.WEEKDAYS, *parserinfo.MONTHS) for word in pair)
_DESK = re.compile(
    r"\b(?:desk|bureau|report|reports|newsroom|news service|news network|team|staff|wire|wires|"
    r"editorial|editorial board|correspondents?|agencies|online|web|digital)\b", re.IGNORECASE)
_AUTHOR_HREF = re.compile(r"/(?:author|authors|profile|people|writer|reporter|journalist|"
                          r"columnist|staff|contributor)s?/|rel=author", re.IGNORECASE)
_FIRST_PARAGRAPH = XPath("(//p[string-length(normalize-space()) > 60])[1]")
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z.'\- ]{1,40}?)(?:\s*,\s*([A-Z][\w.'\- ]{1,30}?))?\s*"
    r"(?:\([^()]{1,30}\))?\s*(?:[—–:]|-{1,2}\s)")
_SHOWN = "not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)"
"""A text node a reader sees: both searches of the page's text below must agree on it."""
_VISIBLE_TEXT = XPath(f"//body//text()[{_SHOWN}]",
                      smart_strings=False)  # only joined: no parent-aware string per text node
_SHOWN_AS_WRITTEN = XPath(f"//body//text()[contains(., $name)][{_SHOWN}]", smart_strings=False)
"""The visible texts that hold a name as written; the costly test of ancestors is made only on
those."""
_MAX_LINK_TEXT = 40
_MENU_TAGS = frozenset({"nav", "footer"})
_BYLINE_CLASS = re.compile(r"author|byline", re.IGNORECASE)
_NOT_WORD = re.compile(r"\W")
_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le",
    "ter", "ten", "y", "e", "bin", "binti", "bte", "al", "el", "ibn", "abu", "af", "zu", "st"})


def _in_menu(link: lxml.html.HtmlElement) -> bool:
    """Whether a link belongs to the site's menus (``nav``, ``footer``, a navigation role or a
    menu class, a ``header`` without the headline) and not to a byline (an element whose class
    names the author or byline: the name and the reporter's social handle are no menu entries;
    the story's own header, holding the headline, shows its byline)."""
    menu = False
    for element in (link, *link.iterancestors()):
        classes = element.get("class") or ""
        if _BYLINE_CLASS.search(classes):
            return False
        if not menu and element is not link and (
                element.tag in _MENU_TAGS or element.get("role") == "navigation"
                or "menu" in classes or "nav" in classes
                or (element.tag == "header" and element.find(".//h1") is None)):
            menu = True
    return menu


def _phrase(name: str) -> bool:
    """Words of a sentence, not a name: a capitalised first word followed only by lower-case
    words that are no particles of names ("Learn about our", "My profile": a control's text
    classed as the author's). Names capitalise their words but for particles ("Ludwig van
    Beethoven", "Siti binti Aminah"); a name written all in lower case ("jane roe") and scripts
    without case pass."""
    first, *rest = name.split() or [""]
    return bool(rest) and first[:1].isupper() and all(
        word.islower() and word.isalpha() and word not in _PARTICLES for word in rest)


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


class Kind(Enum):
    PERSON = "person"
    CREDIT = "credit"
    """An organisation: a news agency, a desk, the site itself."""
    NOT_A_NAME = "not_a_name"


@dataclass
class Evidence:
    """What the page says about the words a byline may contain; read lazily, once per page."""

    tree: lxml.html.HtmlElement
    url: str
    site_names: list[str]
    sections: Iterable[str] = ()
    section_repeats: int = 2
    persons: Iterable[str] = ()
    """Names the page's metadata types as a person (JSON-LD ``Person`` authors)."""
    publisher: str | None = None
    """The JSON-LD publisher's name: a "person" of that name is the organisation, mistyped."""

    @cached_property
    def site_keys(self) -> set[str]:
        host = (urlsplit(self.url).hostname or "").removeprefix("www.")
        labels = {label for label in host.split(".")[:-1] if len(label) > 3}
        return {_key(name) for name in (*self.site_names, *labels) if _key(name)}

    @cached_property
    def section_keys(self) -> set[str]:
        segments = [unquote(s) for s in urlsplit(self.url).path.split("/") if s]
        return {_key(s) for s in (*self.sections, *segments[:-1]) if _key(s)}

    @cached_property
    def _links(self) -> dict[str, list[lxml.html.HtmlElement]]:
        """Short link text (folded) -> the links showing it, from one walk of the page."""
        found: dict[str, list[lxml.html.HtmlElement]] = {}
        for link in self.tree.iter("a"):
            text = text_of(link)
            if len(text) <= 4 * _MAX_LINK_TEXT:
                text = " ".join(text.split())
                if text and len(text) <= _MAX_LINK_TEXT:
                    found.setdefault(_key(text), []).append(link)
        return found

    def navigation(self, key: str) -> int:
        """How many links of the site's menus, to its own pages (not to author pages), show the
        text ``key``; only the links showing it are looked at."""
        count = 0
        for link in self._links.get(key, ()):
            href = link.get("href") or ""
            if _AUTHOR_HREF.search(href) or link.get("rel") == "author" or \
                    not self._on_site(href) or not _in_menu(link):
                continue
            count += 1
        return count

    @cached_property
    def _site_domain(self) -> str:
        labels = (urlsplit(self.url).hostname or "").split(".")
        return ".".join(labels[1:] if len(labels) > 2 else labels)

    def _on_site(self, href: str) -> bool:
        """A section is a page of the site itself; a link elsewhere (the reporter's profile on
        a social network) says nothing about the site's sections."""
        host = urlsplit(href).hostname if href.startswith(("http:", "https:", "//")) else None
        return host is None or host == self._site_domain or host.endswith("." + self._site_domain)

    @cached_property
    def places(self) -> set[str]:
        """The dateline of the story's first paragraph ("CHARLESTON, South Carolina —")."""
        found = _FIRST_PARAGRAPH(self.tree)
        if not found:
            return set()
        match = _DATELINE.match(" ".join(found[0].text_content().split()))
        if not match or not match.group(1).isupper():
            return set()
        return {_key(g) for g in match.groups() if g}

    @cached_property
    def visible_text(self) -> str:
        """The page's visible text, case and spacing folded (for "is this name shown?")."""
        return " ".join(" ".join(_VISIBLE_TEXT(self.tree)).split()).casefold()

    def shows(self, name: str) -> bool:
        """Whether the page shows ``name``, case and spacing aside. Most shown names stand as
        written in one visible text: finding that one spares reading all of the page's text (a
        name with a character no XML text can hold is only looked for there)."""
        written = " ".join(name.split())
        try:
            if _SHOWN_AS_WRITTEN(self.tree, name=written):
                return True
        except ValueError:
            pass
        return written.casefold() in self.visible_text

    def kind(self, name: str, people_only: bool = True, alone: bool = False) -> Kind:
        """What ``name`` is. ``alone``: it is the only name its byline gives. Then only a
        one-word name is tested as a section: a byline element holding just its section says
        "World", while a menu entry or a category of several words that a byline gives alone is
        the writer's (a small site's owner in its menu, a category per author)."""
        key = _key(name)
        if not key:
            return Kind.NOT_A_NAME
        if name.casefold() in AGENCIES:
            return Kind.CREDIT
        if not people_only:
            return Kind.PERSON  # the people model switched off (measured by bench/crossval.py)
        site = key in self.site_keys or any(s in key for s in self.site_keys if len(s) > 5)
        if site and not _DESK.search(name) and \
                key in {_key(p) for p in self.persons} and key != _key(self.publisher or ""):
            return Kind.PERSON  # a personal site: the writer's name is the site's name
        if site or _DESK.search(name):
            return Kind.CREDIT
        if name.casefold().rstrip(".") in _CALENDAR or _phrase(name):
            return Kind.NOT_A_NAME
        if key in self.places:
            return Kind.NOT_A_NAME
        if (not alone or len(name.split()) < 2) and (
                key in self.section_keys or self.navigation(key) >= self.section_repeats):
            return Kind.NOT_A_NAME
        if self.web_address(name):
            return Kind.NOT_A_NAME
        return Kind.PERSON

    def web_address(self, name: str) -> bool:
        """Whether ``name`` is a site's address that a byline reader made into words:
        "TOI Lifestyle Desk / etimes.in" read as "Etimes In". It is one when the page shows its
        words joined by dots ("etimes.in") and the last one could be a top-level domain."""
        words = name.casefold().split()
        if not 2 <= len(words) <= 4 or not 2 <= len(words[-1]) <= 4 or \
                not all(w.isalnum() for w in words):
            return False
        try:
            return bool(_SHOWN_AS_WRITTEN(self.tree, name=".".join(words)))
        except ValueError:
            return False


@dataclass
class Sorted:
    people: list[str] = field(default_factory=list)
    credit: list[str] = field(default_factory=list)


def sort_names(names: Iterable[str], evidence: Evidence, people_only: bool = True) -> Sorted:
    """People and credited organisations among ``names``, each in the page's order."""
    out = Sorted()
    names = list(names)
    for name in names:
        kind = evidence.kind(name, people_only, alone=len(names) == 1)
        if kind is Kind.PERSON:
            out.people.append(name)
        elif kind is Kind.CREDIT:
            out.credit.append(name)
    return out
