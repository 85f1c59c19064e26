"""Filters on how a field was found: the extractor's provenance (``docs/extraction.md``), indexed
since mapping version 2 as ``provenance.<field>`` keywords.

A reader asks in plain categories, not in the extractor's step names: a date is from the page's
**metadata** (JSON-LD ``datePublished`` or a ``<meta>`` tag: ``jsonld``, ``meta:<key>``), shown on
the **page** (a source's selector or a ``<time>`` element: ``hint:<selector>``, ``time``),
guessed from the **url** (``url``) or by the **heuristic** of htmldate (``htmldate``). The
categories are prefixes and values of the provenance keyword, so a step the extractor gains under
an existing prefix (another ``meta:`` key) is classified without a change here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ann.document import DocField

PUBLISHED = f"{DocField.provenance}.{DocField.published_at}"


class DateSource(StrEnum):
    metadata = "metadata"
    page = "page"
    url = "url"
    heuristic = "heuristic"


_DATE_STEPS: dict[DateSource, list[dict[str, Any]]] = {
    DateSource.metadata: [{"term": {PUBLISHED: "jsonld"}}, {"prefix": {PUBLISHED: "meta:"}}],
    DateSource.page: [{"prefix": {PUBLISHED: "hint:"}}, {"term": {PUBLISHED: "time"}}],
    DateSource.url: [{"term": {PUBLISHED: "url"}}],
    DateSource.heuristic: [{"term": {PUBLISHED: "htmldate"}}],
}


def provenance_filters(date_source: list[DateSource], has_byline: bool | None
                       ) -> list[dict[str, Any]]:
    """``date_source``: the date was found in any of these ways; ``has_byline``: the article
    names its authors (or, false, names none)."""
    filters: list[dict[str, Any]] = []
    if date_source:
        steps = [step for source in dict.fromkeys(date_source) for step in _DATE_STEPS[source]]
        filters.append({"bool": {"should": steps, "minimum_should_match": 1}})
    if has_byline is not None:
        authored = {"exists": {"field": DocField.authors}}
        filters.append(authored if has_byline else {"bool": {"must_not": [authored]}})
    return filters
