"""The in-memory article a site template renders: every fact the page shows, decided up front."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

ROLE_CREDITS = frozenset({"Staff Correspondent", "Staff Reporter"})
"""Bylines that are a role only; the project's author rules drop them (indexer/extraction)."""


@dataclass
class Story:
    source_id: str
    index: int
    title: str
    keyword: str
    paragraphs: list[str]
    standfirst: str
    people: list[str]
    agencies: list[str]
    published: datetime
    """Aware, in the site's own zone."""
    section_slug: str
    section_name: str
    photo_credit: str
    paper: str = ""
    """Display name of the paper that published it (the hub names it on reprints)."""
    language: str = "en"
    extra: bool = False
    path: str = ""
    url: str = ""
    original: Story | None = None
    related: list[Story] = field(default_factory=list)

    @property
    def byline(self) -> list[str]:
        """What the page prints as the byline: people, else the agency or desk credit."""
        return list(self.people) if self.people else list(self.agencies)

    @property
    def authors(self) -> list[str]:
        """What a correct extractor returns: people, or the agency or desk when it is the only
        byline — but never a bare role ("Staff Correspondent" names nobody)."""
        return [name for name in self.byline if name not in ROLE_CREDITS]

    @property
    def published_utc(self) -> str:
        return self.published.astimezone(UTC).isoformat().replace("+00:00", "Z")


def slugify(text: str, max_words: int = 10) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(parts[:max_words])
