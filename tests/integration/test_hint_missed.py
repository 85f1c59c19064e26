"""Source hints that no longer match are counted per source on the real Redis and shown by
`ann status`: a template change shows up as ``hint_missed/<field>`` beside what was indexed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch
from redis import Redis
from typer.testing import CliRunner

from ann.messages import Discovery, RawPage
from ann.ops.cli import app
from ann.settings import Settings
from ann.sources import load_registry
from indexer.mapping import ensure_index
from indexer.outcomes import read_totals, record
from indexer.pipeline import process_batch

pytestmark = pytest.mark.integration

SENTENCE = "The minister said the talks on the new harbour would continue next week in Karachi. "


def _page(number: int) -> RawPage:
    """A Dawn article in a template its hints (``div.story__content``, ``.story__section a``)
    do not know; its metadata still names the author and the date."""
    html = f"""<html><head><title>Harbour talks, day {number}</title>
    <meta property="og:type" content="article"><meta name="author" content="Amir Wasim">
    <meta property="article:published_time" content="2026-11-2{number}T10:00:00+05:00"></head>
    <body><h1>Harbour talks, day {number}</h1><p class="writer">Amir Wasim</p>
    <main class="redesigned-body"><p>{SENTENCE * 5}</p><p>{SENTENCE * 4} Day {number}.</p></main>
    </body></html>"""
    url = f"https://www.dawn.com/news/190000{number}/harbour-talks-day-{number}"
    return RawPage(url=url, final_url=url, status=200,
                   fetched_at=datetime(2026, 11, 28, tzinfo=UTC), source_id="dawn",
                   discovery=Discovery(kind="feed"), body_z=RawPage.pack_body(html.encode()))


def test_stale_hints_are_counted_per_source_and_shown_by_status(
    own_settings: Settings, es: Elasticsearch, redis_client: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ensure_index(es, own_settings.index_alias)
    pages = [_page(1), _page(2)]
    outcome = process_batch(pages, es, own_settings.index_alias, load_registry())
    record(redis_client, own_settings.key_prefix, outcome, outcome.settled(pages))

    totals = read_totals(redis_client, own_settings.key_prefix, "dawn")
    assert totals["indexer/indexed"] == 2  # the generic cascade answered: nothing was lost
    assert {k: v for k, v in totals.items() if "hint_missed" in k} == {
        "indexer/hint_missed/body": 2, "indexer/hint_missed/section": 2}

    monkeypatch.setattr("ann.ops.cli.status.get_settings", lambda: own_settings)
    monkeypatch.setenv("COLUMNS", "400")
    report = CliRunner().invoke(app, ["status", "--json"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["index"]["dawn"]["indexer/hint_missed/body"] == 2
    table = CliRunner().invoke(app, ["status"])
    assert table.exit_code == 0, table.output
    row = next(line for line in table.output.splitlines() if line.strip("│ ").startswith("dawn"))
    assert "body=2, section=2" in row
