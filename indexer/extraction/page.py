"""What every step of the cascade reads: the parsed page, its metadata and its source.

Built once per page, so that the tree is parsed once and the meta tags and JSON-LD are read once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

import lxml.html

from ann.sources import Hints, Source
from indexer.extraction.jsonld import LdArticle
from indexer.extraction.meta import PageMeta


@dataclass
class Page:
    tree: lxml.html.HtmlElement
    url: str
    meta: PageMeta
    ld: LdArticle | None
    source: Source | None
    provenance: dict[str, str] = field(default_factory=dict)
    signature: str | None = None
    """A reporter's name signing the body's last line, removed from the body."""
    hints_missed: set[str] = field(default_factory=set)
    """Fields whose source hint was consulted and found nothing, or something the cascade did
    not believe (a stale selector after a template change): the generic steps answered."""

    byline_steps: list[Any] = field(default_factory=list)
    """The visible byline steps already run on this page, in order (``fields._visible_steps``)."""

    def hint_missed(self, name: str) -> None:
        self.hints_missed.add(name)

    @property
    def hints(self) -> Hints:
        return self.source.hints if self.source is not None else Hints()

    @property
    def zone(self) -> tzinfo | None:
        return self.source.zone if self.source is not None else None

    @property
    def site_names(self) -> list[str]:
        names = [v for v in (self.meta.first("og:site_name", "application-name"),) if v]
        out = [name for name, _ in names]
        if self.source is not None:
            out.append(self.source.name)
        return out
