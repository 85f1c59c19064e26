"""Bylines to a clean list of people.

Bylines arrive as "By A and B", "A, B | Staff Writer", "Written by A (a@x.com)", "PHOTO: AFP",
author-page URLs, or JSON-LD lists mixing people and organisations. People are kept; roles,
e-mail addresses, photo credits and prefixes are removed; news agencies are kept only when they
are the sole byline (a story "By A with AFP" is A's).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from nameparser import HumanName

from indexer.extraction import rules

AGENCIES = frozenset({
    "afp", "agence france-presse", "reuters", "ap", "associated press", "the associated press",
    "xinhua", "bernama", "kyodo", "kyodo news", "yonhap", "yonhap news agency", "ani", "pti",
    "ians", "antara", "dpa", "efe", "ann", "asia news network", "bloomberg", "vna", "tass",
    "anadolu", "upi", "cna", "pna", "afp-jiji", "jiji", "jiji press", "the star", "agencies",
    "news agencies", "wire", "wires", "staff", "staff reporter", "our correspondent", "unb",
    "bss", "sns", "statesman news service", "akp", "kpl", "mna", "montsame", "tna", "lna",
    "ptv", "app", "nna", "vietnam news agency", "philippine news agency",
})
_CREDENTIALS = frozenset({
    "ms", "md", "rd", "rdn", "phd", "mba", "cpa", "rn", "jd", "msc", "bsc", "ma", "ba", "facp",
    "cfa", "cfp", "esq", "dds", "dmd", "np", "pa-c", "lcsw", "lmft", "pe", "do", "dnp", "mph",
})
_ROLE_WORDS = (
    r"staff|writer|reporter|correspondent|editor|columnist|contributor|journalist|"
    r"producer|photographer|analyst|intern|bureau chief|chief|senior|special to|desk|"
    r"news desk|online|digital|team|editorial|sub-editor|记者|記者|기자|特派員|编辑|編集"
)
_ROLE_ONLY = re.compile(rf"^(?:(?:the|a|an|our|{_ROLE_WORDS}|and|&|of|for)\s*)+$", re.I)
_PREFIX = re.compile(
    r"^\s*(?:(?:written|reported|compiled|edited|story|text|words|posted|published)"
    r"\s+by|by|from|author|authors|byline|reporting by|von|por|par|oleh)\s*[:：]?\s+",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(?:photos?|pictures?|images?|graphics?|video|illustrations?|credits?)\s*(?:by|:)\s*"
    r"[^|;,\n]*",
    re.IGNORECASE,
)
_ROLE_SUFFIX = re.compile(r"\s*(?:기자|특파원|선임기자|記者|特派員|编辑委員|编辑|記者ら)$")
# Linear on any input: an address is matched only from the start of a word (``\S+@`` would
# rescan a long word from each of its letters), a bracket only up to the next bracket of its kind.
_EMAIL = re.compile(r"(?<!\S)[^\s@]+@\S+\.\w+")
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）|【[^【】]*】")
# Joins of several names: punctuation, "and" / "with", Malay and Indonesian "dan", Thai "และ",
# Korean "및"; Chinese "和" only between two names of two to four characters (it is also a
# character of names and words).
_SPLIT = re.compile(
    r"\s*(?:\||;|,|、|，|\band\b|&|\bwith\b|\bdan\b|และ|(?<!\S)및(?!\S)|\n|\s[—–]\s|"
    r"(?<=^[\u4e00-\u9fff]{2})和(?=[\u4e00-\u9fff]{2,4}$)|"
    r"(?<=^[\u4e00-\u9fff]{3})和(?=[\u4e00-\u9fff]{2,4}$))\s*",
    re.IGNORECASE)
_COLLECTIVE = re.compile(
    r"^(?:the\s+|our\s+)?(?:news\s+|web\s+|online\s+|digital\s+|editorial\s+)?"
    r"(?:staff|desk|team|newsroom|bureau|editorial board|editors|wires?)$", re.IGNORECASE)
"""A byline naming a collective, not a person's role: "Staff", "News Desk", "Team"."""
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = re.compile(
    r"(?:\b(?:on|(?:last\s+)?updated(?:\s+on)?|published(?:\s+on)?|posted(?:\s+on)?)\s*[:：]?\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\b\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|"
    r"\b\d{4}-\d{2}-\d{2}|\b\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?",
    re.IGNORECASE)
"""A date run into a byline ("by Jane Roe on Jan 22, 2025", "Dec 17, 2025 · Jane Roe")."""
_INTERFACE = re.compile(
    r"\b(?:privacy|policy|cookies?|log ?in|sign ?up|signing up|subscribe|newsletter|full bio|"
    r"view (?:all|more)|read more|related (?:stories|posts|articles)|more posts)\b|"
    r"^(?:written by|posted by|author|by)$|©", re.IGNORECASE)
"""The texts of a page's controls and footer, which class-named byline guesses pick up."""
_DOT = re.compile(r"\s[·•]\s")
_IN_PLACE = re.compile(r"^(.{3,60}?)\s+in\s+[A-Z][\w.' -]{1,40}$")
""""By Zhou Wenting in Shanghai": the name, then where the reporter filed from."""
_AUTHOR_PATH = re.compile(r"/(?:author|authors|profile|people|writer|reporter)s?/([^/?#]+)")
_NOT_NAME = re.compile(
    r"https?:|www\.|\.com\b|\d{3,}|[<>{}=@#]|admin|^(?:january|february|march|april|june|"
    r"july|august|september|october|november|december|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|updated|"
    r"published|share|follow|view all|more|name|the author|human|unknown|anonymous)\b|^[\W\d_]+$|"
    r"\b(?:inc|ltd|llc|corp|gmbh|plc|limited|corporation|co\.)(?:\.|\b)",
    re.IGNORECASE,
)
_MAX_WORDS = 6
_MAX_PART_CHARS = 200  # a prefix, six long words and a role suffix fit with room to spare


def _from_url(value: str) -> str | None:
    match = _AUTHOR_PATH.search(urlsplit(value).path)
    if not match:
        return None
    slug = unquote(match.group(1)).replace("-", " ").replace("_", " ").strip()
    if not slug or any(ch.isdigit() for ch in slug):
        return None
    return slug.title()


def _clean_part(part: str) -> str | None:
    if len(part) > _MAX_PART_CHARS:
        return None  # no name is this long; the patterns below need not read it
    part = _ROLE_SUFFIX.sub("", _PREFIX.sub("", part)).strip(" .:-–—'\"“”")
    filed_from = _IN_PLACE.match(part)
    if filed_from:
        part = filed_from.group(1)
    if part and _ROLE_ONLY.match(part) and _COLLECTIVE.match(part) and \
            rules.current().collective_bylines:
        return part  # the organisation's credit: people.py tells it from a person
    if not part or len(part.split()) > _MAX_WORDS or _ROLE_ONLY.match(part) or \
            _NOT_NAME.search(part):
        return None
    if rules.current().interface_words and _INTERFACE.search(part):
        return None
    if part.casefold().replace(".", "") in _CREDENTIALS:
        return None  # a credential ("MS", "RD") split off "Name, MS, RD"
    return part


def _capitalized(name: str) -> str:
    """An upper-case name of several words ("ZHOU WENTING") in a reader's capitals
    ("Zhou Wenting", "John McDonald"); an acronym ("AFP", "ANN") is left alone."""
    if " " not in name or not name.isupper():
        return name
    human = HumanName(name)
    human.capitalize(force=True)
    return str(human) or name


def split_byline(raw: str) -> list[str]:
    """Every person (or agency) named in one byline string, in order."""
    raw = " ".join(raw.split())
    if raw.startswith(("http://", "https://", "/")):
        name = _from_url(raw)
        return [name] if name else []
    unbracketed = _PAREN.sub("", raw)
    raw = unbracketed if unbracketed.strip() else raw.strip("()（）[]【】 ")  # "（法新社）" alone
    raw = _CREDIT.sub("", _EMAIL.sub("", raw))
    if rules.current().byline_people_only:  # a date is no person
        raw = _DOT.sub(" | ", _DATE.sub(" | ", raw)).strip(" |")
    raw = _PREFIX.sub("", raw)
    names: list[str] = []
    for part in _SPLIT.split(raw):
        name = _clean_part(part)
        if not name:
            continue
        if names and names[-1].casefold() in AGENCIES and name.isupper():
            continue  # the dateline of an agency credit: "AFP, MANILA", "AFP, KUALA LUMPUR"
        names.append(_capitalized(name))
    return names


def names_in(raws: list[str]) -> list[str]:
    """Every name of several byline strings, deduplicated, in order."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in raws:
        parts = split_byline(raw)
        if names and names[-1].casefold() in AGENCIES and raw.strip().isupper():
            parts = []  # an agency's dateline that the byline's reader split off ("AFP; MANILA")
        for name in parts:
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names


def sole_agency(names: list[str]) -> list[str]:
    """The first news agency named, for a story no person signs ("staff" and "wire" are no
    agency's name)."""
    return [n for n in names if n.casefold() in AGENCIES and
            n.casefold() not in ("staff", "wire", "wires")][:1]


def clean_authors(raws: list[str]) -> list[str]:
    """Names from several byline strings: deduplicated, agencies only when alone."""
    names = names_in(raws)
    people = [n for n in names if n.casefold() not in AGENCIES]
    if people:
        return people
    return [n for n in names if n.casefold() not in ("staff", "wire", "wires")][:1]
