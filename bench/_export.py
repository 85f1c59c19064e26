"""The export half of ``bench/api.py``: rows/s of ``GET /export`` ÷ a raw ``search_after`` loop.

* **API** — ``GET /export?format=csv`` (the default fields), the body streamed and its lines
  counted, nothing else done with it;
* **raw** — the same pages sent straight to Elasticsearch: a point in time opened, then
  ``POST /_search`` with the body the API sends (``search_api.export.build_page``: same query,
  fields, ``_shard_doc`` sort, ``ANN_API_EXPORT_PAGE_SIZE``, ``filter_path``) after the last
  hit's sort values, each answer parsed (``json.loads``, which the loop needs for the next
  ``search_after``), until a page comes back short; the point in time closed.

Rounds alternate who goes first; the ratio is of the medians of rows/s.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field

import httpx
from _http import PLAIN

from search_api.export import DEFAULT_FIELDS, FILTER_PATH, KEEP_ALIVE, build_page
from search_api.params import Filters


@dataclass
class ExportSample:
    api: list[float] = field(default_factory=list)
    """rows/s of each API round."""
    raw: list[float] = field(default_factory=list)
    rows: int = 0

    @property
    def ratio(self) -> float:
        return statistics.median(self.api) / statistics.median(self.raw)


class ExportBench:
    def __init__(self, api_url: str, es_url: str, alias: str, page_size: int) -> None:
        self.api_url, self.es_url, self.alias = api_url, es_url, alias
        self.page_size = page_size

    def api_round(self, client: httpx.Client) -> tuple[int, float]:
        started = time.perf_counter()
        lines = 0
        with client.stream("GET", f"{self.api_url}/export", params={"format": "csv"}) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_bytes():
                lines += chunk.count(b"\n")
        return lines - 1, time.perf_counter() - started  # less the header

    def raw_round(self, client: httpx.Client) -> tuple[int, float]:
        started = time.perf_counter()
        opened = client.post(f"{self.es_url}/{self.alias}/_pit", params={"keep_alive": KEEP_ALIVE})
        pit_id = opened.raise_for_status().json()["id"]
        rows, after = 0, None
        headers = {"Content-Type": "application/json"}
        while True:
            body = build_page(Filters(), DEFAULT_FIELDS, pit_id, self.page_size, after)
            answer = client.post(f"{self.es_url}/_search", params={"filter_path": FILTER_PATH},
                                 content=json.dumps(body), headers=headers)
            page = json.loads(answer.raise_for_status().content)
            pit_id = page.get("pit_id", pit_id)
            hits = page.get("hits", {}).get("hits", [])
            rows += len(hits)
            if len(hits) < self.page_size:
                break
            after = hits[-1]["sort"]
        client.request("DELETE", f"{self.es_url}/_pit", json={"id": pit_id}).raise_for_status()
        return rows, time.perf_counter() - started

    def run(self, rounds: int) -> ExportSample:
        sample = ExportSample()
        with httpx.Client(timeout=300, headers=PLAIN) as client:
            for r in range(rounds + 1):  # round 0 warms both sides and is not counted
                for side in (("api", "raw") if r % 2 else ("raw", "api")):
                    rows, seconds = (self.api_round if side == "api" else self.raw_round)(client)
                    if sample.rows and rows != sample.rows:
                        raise AssertionError(f"{side} exported {rows} rows, not {sample.rows}")
                    sample.rows = rows
                    if r:
                        (sample.api if side == "api" else sample.raw).append(rows / seconds)
        return sample
