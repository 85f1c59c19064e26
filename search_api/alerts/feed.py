"""A saved search's Atom feed (RFC 4287), one entry per story, rendered by feedgen.

feedgen builds the document with lxml, which escapes every text it is given; what it cannot
take is a character XML forbids (a NUL or another control character in a crawled headline),
so those are removed first. An entry's id is the story's (``urn:ann:story:<cluster_id>``): a
reader that saw it never shows it again, whichever copy the entry links to.
"""

from __future__ import annotations

import re
from datetime import datetime

from feedgen.feed import FeedGenerator

from search_api.alerts.models import SavedSearch, Story

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (escaping is lxml's)."""
    return _NOT_XML.sub("", text)


def story_id(cluster_id: str) -> str:
    return f"urn:ann:story:{xml_text(cluster_id)}"


def render(search: SavedSearch, entries: list[Story], self_url: str) -> bytes:
    """The feed of ``search`` with ``entries`` (newest first).

    Each entry has one link, the copy's page: feedgen 1.0 writes an entry's links without their
    ``rel``, which Atom reads as ``alternate``, and two alternates of one type would make the
    feed invalid — so the story's ``/stories/{cluster_id}`` is not linked; its id is the
    entry's (``urn:ann:story:<cluster_id>``)."""
    feed = FeedGenerator()
    feed.id(f"urn:ann:saved-search:{search.id}")
    feed.title(xml_text(f"ANN saved search: {search.name}"))
    feed.author({"name": "ANN search"})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    newest: datetime = entries[0].alerted_at if entries else search.created_at
    feed.updated(newest)
    for story in entries:
        entry = feed.add_entry(order="append")
        entry.id(story_id(story.cluster_id))
        entry.title(xml_text(story.title or story.url))
        entry.link(href=xml_text(story.url))
        entry.updated(story.alerted_at)
        if story.published_at is not None:
            entry.published(story.published_at)
        if story.source_name or story.source_id:
            entry.author({"name": xml_text(story.source_name or story.source_id or "")})
        if story.standfirst:
            entry.summary(xml_text(story.standfirst))
    atom: bytes = feed.atom_str(pretty=True)
    return atom
