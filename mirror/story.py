"""The in-memory article a site template renders: every fact the page shows, decided up front."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime


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
    extra: bool = False
    path: str = ""
    url: str = ""
    original: Story | None = None
    related: list[Story] = field(default_factory=list)

    @property
    def authors(self) -> list[str]:
        """What a correct extractor returns: people, or the agency when it is the only byline."""
        return list(self.people) if self.people else list(self.agencies)

    @property
    def published_utc(self) -> str:
        return self.published.astimezone(UTC).isoformat().replace("+00:00", "Z")


def slugify(text: str, max_words: int = 10) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(parts[:max_words])
