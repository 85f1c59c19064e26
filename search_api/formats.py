"""The formats a table-shaped answer can take, chosen by ``format=`` or else by ``Accept``.

``/timeline`` and ``/export`` answer JSON (or NDJSON) by default and CSV on request; CSV is
written by the standard library's ``csv`` module (RFC 4180 quoting, ``\\r\\n`` line ends), so a
comma, quote or newline inside a title stays inside its cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from enum import StrEnum

CSV_TYPE = "text/csv; charset=utf-8"
NDJSON_TYPE = "application/x-ndjson"


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


def wants_csv(explicit: StrEnum | None, accept: str | None) -> bool:
    """``format=csv``, or no ``format`` and an ``Accept`` naming ``text/csv``."""
    if explicit is not None:
        return explicit.value == "csv"
    return accept is not None and "text/csv" in accept.lower()


def csv_text(rows: Iterable[Sequence[object]], header: Sequence[str] | None = None) -> str:
    """Rows as CSV text, with a header row first when given."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_content(description: str) -> dict[str, object]:
    """An OpenAPI ``content`` entry for a CSV answer."""
    return {"text/csv": {"schema": {"type": "string"}, "example": description}}
