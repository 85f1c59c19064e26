"""A whole result set, page after page, as CSV or NDJSON lines: the requests and the rows.

An export reads over a point in time (PIT), so it sees the index as it was when it began:
documents indexed or changed meanwhile neither appear nor shift the pages, and every hit is
returned exactly once. Pages follow ``_shard_doc`` order (the PIT's own tiebreaker, the
cheapest sort there is) by ``search_after``; each page is one request of
``ANN_API_EXPORT_PAGE_SIZE`` hits with only the chosen fields, and is formatted and sent before
the one after next is asked for, so the API holds at most two pages whatever the export's size.
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from search_api.params import Filters
from search_api.query import selection


class ExportFormat(StrEnum):
    csv = "csv"
    ndjson = "ndjson"


class ExportField(StrEnum):
    """The fields an export may carry: the public ones of the document contract
    (``ann.document``; ``tests/unit/test_document_contract.py`` keeps them so) but
    ``provenance``, an object no CSV cell holds."""

    id = "id"
    url = "url"
    title = "title"  # type: ignore[assignment]  # the field's name, not str.title
    standfirst = "standfirst"
    authors = "authors"
    credit = "credit"
    published_at = "published_at"
    updated_at = "updated_at"
    source_id = "source_id"
    source_name = "source_name"
    country = "country"
    language = "language"
    section = "section"
    categories = "categories"
    tags = "tags"
    word_count = "word_count"
    original_paper = "original_paper"
    original_source_id = "original_source_id"
    cluster_id = "cluster_id"
    lead_image = "lead_image"
    body = "body"
    body_truncated = "body_truncated"
    body_length = "body_length"


DEFAULT_FIELDS = (ExportField.id, ExportField.url, ExportField.title, ExportField.published_at,
                  ExportField.source_id, ExportField.country, ExportField.language,
                  ExportField.cluster_id)
KEEP_ALIVE = "2m"
"""How long the PIT outlives its last request: a client reading slowly keeps it alive."""
FILTER_PATH = "pit_id,hits.hits._source,hits.hits.sort"
"""Only what an export uses of an answer: less for the engine to write and the API to parse."""
LIST_SEPARATOR = "; "
"""Between the values of a list field in a CSV cell (authors, categories, tags)."""


def build_page(filters: Filters, fields: tuple[ExportField, ...], pit_id: str, size: int,
               after: list[Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": selection(filters),
        "size": size,
        "sort": [{"_shard_doc": "asc"}],
        "_source": {"includes": [f.value for f in fields]},
        "track_total_hits": False,
        "pit": {"id": pit_id, "keep_alive": KEEP_ALIVE},
    }
    if after is not None:
        body["search_after"] = after
    return body


class RowWriter:
    """Formats hits as text in one format, reusing one buffer."""

    def __init__(self, fmt: ExportFormat, fields: tuple[ExportField, ...]) -> None:
        self.fmt = fmt
        self.fields = [f.value for f in fields]
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer)

    def header(self) -> str:
        if self.fmt is ExportFormat.ndjson:
            return ""
        self._csv.writerow(self.fields)
        return self._take()

    def rows(self, hits: list[dict[str, Any]]) -> str:
        if self.fmt is ExportFormat.csv:
            # the csv module writes None as an empty cell and any other value as its str(); only
            # a list (authors, categories…) is joined here, with no function call per cell
            join, fields = LIST_SEPARATOR.join, self.fields
            self._csv.writerows(
                [join(map(str, v)) if type(v) is list else v for v in map(source.get, fields)]
                for source in (hit["_source"] for hit in hits))
            return self._take()
        dumps = json.dumps
        return "".join(
            dumps({f: hit["_source"].get(f) for f in self.fields}, ensure_ascii=False) + "\n"
            for hit in hits)

    def _take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text
