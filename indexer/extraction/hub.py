"""The original paper of a hub reprint, read from the hub page's "By <paper>" attribution.

asianews.network republishes member stories and credits them "By China Daily" (or as the only
byline). The display name is kept as written; it is mapped to a registry source when a source's
name matches, ignoring case and a leading "The".
"""

from __future__ import annotations

import re

from ann.sources import Registry, Source

_BY = re.compile(r"^\s*(?:written\s+by|by|source|from|courtesy of)\s*[:：]?\s*", re.IGNORECASE)


def _key(name: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(name.split()).casefold())


def paper_name(text: str) -> str:
    return " ".join(_BY.sub("", text).split()).strip(" .,|")


def match_source(name: str, registry: Registry, hub: Source) -> Source | None:
    """The member whose display name is ``name``; never the hub itself."""
    key = _key(name)
    for source in registry:
        if source.id != hub.id and _key(source.name) == key:
            return source
    return None


def original_paper(
    attribution: str | None, authors: list[str], registry: Registry, hub: Source
) -> tuple[str | None, Source | None, str]:
    """(display name, member source, where it was found) for a hub page."""
    if attribution:
        name = paper_name(attribution)
        if name:
            return name, match_source(name, registry, hub), "hint"
    for author in authors:
        member = match_source(author, registry, hub)
        if member is not None:
            return author, member, "authors"
    return None, None, ""
