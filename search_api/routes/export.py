"""``GET /export``: every hit of a search, streamed as CSV or NDJSON (:mod:`search_api.export`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from search_api.backend import Backend
from search_api.errors import REFUSED
from search_api.export import (
    DEFAULT_FIELDS,
    FILTER_PATH,
    KEEP_ALIVE,
    ExportField,
    ExportFormat,
    RowWriter,
    build_page,
)
from search_api.formats import CSV_TYPE, NDJSON_TYPE
from search_api.params import Filters
from search_api.routes.filters import Selected
from search_api.state import State

router = APIRouter()
MEDIA_TYPES = {ExportFormat.csv: CSV_TYPE, ExportFormat.ndjson: NDJSON_TYPE}
_EXAMPLES = {
    ExportFormat.csv: "id,url,title\r\n3f2a…,https://www.dawn.com/news/1,Monsoon floods\r\n",
    ExportFormat.ndjson: '{"id": "3f2a…", "url": "https://www.dawn.com/news/1"}\n',
}


def _format(explicit: ExportFormat | None, accept: str | None) -> ExportFormat:
    if explicit is not None:
        return explicit
    return ExportFormat.ndjson if accept and "application/x-ndjson" in accept else ExportFormat.csv


class Export:
    """One export in flight: its point in time, the page being fetched, the rows left."""

    def __init__(self, backend: Backend, filters: Filters, fields: tuple[ExportField, ...],
                 page_size: int, limit: int) -> None:
        self.backend, self.filters, self.fields = backend, filters, fields
        self.page_size, self.left = page_size, limit
        self.pit_id = ""

    async def _page(self, after: list[Any] | None) -> list[dict[str, Any]]:
        body = build_page(self.filters, self.fields, self.pit_id, self.page_size, after)
        result = await self.backend.search_point_in_time(body, FILTER_PATH, "export")
        self.pit_id = result.get("pit_id", self.pit_id)
        hits: list[dict[str, Any]] = result.get("hits", {}).get("hits", [])
        return hits

    async def start(self) -> list[dict[str, Any]]:
        """Open the PIT and fetch the first page: a failure here is still an HTTP error."""
        self.pit_id = await self.backend.open_point_in_time(KEEP_ALIVE)
        try:
            return await self._page(None)
        except BaseException:
            await self.close()
            raise

    async def stream(self, writer: RowWriter, first: list[dict[str, Any]]) -> AsyncIterator[str]:
        """The rows, page by page; the next page is fetched while this one is sent."""
        pending: asyncio.Task[list[dict[str, Any]]] | None = None
        try:
            yield writer.header()
            hits = first
            while hits and self.left > 0:
                taken = hits[: self.left]
                self.left -= len(taken)
                more = len(hits) == self.page_size and self.left > 0
                pending = asyncio.create_task(self._page(hits[-1]["sort"])) if more else None
                yield writer.rows(taken)
                if pending is None:
                    return
                hits, pending = await pending, None
        finally:
            if pending is not None:
                pending.cancel()
            with anyio.CancelScope(shield=True):  # also when the client went away mid-stream
                await self.close()

    async def close(self) -> None:
        await self.backend.close_point_in_time(self.pit_id)


@router.get(
    "/export", summary="Export every hit as CSV or NDJSON", response_class=StreamingResponse,
    responses={**REFUSED, 200: {
        "description": "Every hit, one row or line each, streamed",
        "content": {MEDIA_TYPES[f]: {"schema": {"type": "string"}, "example": _EXAMPLES[f]}
                    for f in ExportFormat},
    }},
)
async def export(
    state: State, selected: Selected,
    fields: Annotated[list[ExportField] | None, Query(
        max_length=len(ExportField), description="Columns, in order (repeat the parameter); "
        f"default {', '.join(DEFAULT_FIELDS)}")] = None,
    limit: Annotated[int | None, Query(
        ge=1, description="At most this many rows; never more than ANN_API_EXPORT_MAX_ROWS "
                          "(the X-Export-Limit header says which applied)")] = None,
    format: Annotated[ExportFormat | None, Query(
        description="csv or ndjson; without it, Accept: application/x-ndjson asks for NDJSON, "
                    "anything else gets CSV")] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> StreamingResponse:
    rows = min(limit or state.export_max_rows, state.export_max_rows)
    chosen = tuple(dict.fromkeys(fields)) if fields else DEFAULT_FIELDS
    fmt = _format(format, accept)
    job = Export(state.backend, selected, chosen, state.export_page_size, rows)
    first = await job.start()
    return StreamingResponse(
        job.stream(RowWriter(fmt, chosen), first), media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="ann-export.{fmt.value}"',
                 "X-Export-Limit": str(rows)})
