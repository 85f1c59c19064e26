"""How an export writes rows: a cell's comma, quote or newline stays in its cell; list fields."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from search_api.export import ExportField, ExportFormat, RowWriter

FIELDS = (ExportField.id, ExportField.title, ExportField.authors)
HITS: list[dict[str, Any]] = [
    {"_source": {"id": "a", "title": 'Rain, "floods"\nand more', "authors": ["X", "Y"]}},
    {"_source": {"id": "b"}},
]


def test_csv_quotes_what_needs_it_and_joins_lists() -> None:
    writer = RowWriter(ExportFormat.csv, FIELDS)
    text = writer.header() + writer.rows(HITS)
    assert list(csv.reader(io.StringIO(text))) == [
        ["id", "title", "authors"], ["a", 'Rain, "floods"\nand more', "X; Y"], ["b", "", ""]]


def test_ndjson_has_one_object_a_line_with_every_chosen_field() -> None:
    writer = RowWriter(ExportFormat.ndjson, FIELDS)
    lines = (writer.header() + writer.rows(HITS)).splitlines()
    assert [json.loads(line) for line in lines] == [
        {"id": "a", "title": 'Rain, "floods"\nand more', "authors": ["X", "Y"]},
        {"id": "b", "title": None, "authors": None}]
