"""`ann replay`: send archived pages (WARC files written by a crawl) through the indexer again,
fetching nothing — to rebuild an index after a mapping change or an extractor fix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ann.ops.cli.common import console
from ann.settings import get_settings
from ann.sources import load_registry

app = typer.Typer()


@app.command()
def replay(
    paths: Annotated[list[Path], typer.Argument(help="WARC files, or directories of them")],
    batch_size: Annotated[
        int | None, typer.Option(help="Pages per indexer message (default ANN_BULK_BATCH_SIZE)")
    ] = None,
) -> None:
    """Replay archived article pages through the indexer without fetching anything."""
    from crawler.handoff import IndexerClient
    from crawler.replay import ReplayReport, archive_files
    from crawler.replay import replay as run_replay

    try:
        files = archive_files(paths)
    except FileNotFoundError as error:
        raise typer.BadParameter(str(error)) from None
    if not files:
        raise typer.BadParameter(f"no *.warc.gz or *.warc files under {[str(p) for p in paths]}")
    settings = get_settings()
    client = IndexerClient(settings.redis_url, settings.pages_queue, settings.key_prefix)
    columns = (TextColumn("replaying"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task("replay", total=sum(f.stat().st_size for f in files))
            report: ReplayReport = run_replay(
                files, client, load_registry(), batch_size or settings.bulk_batch_size,
                progress=lambda n: progress.advance(bar, n), high_water=settings.queue_high_water,
            )
    finally:
        client.close()

    table = Table(title=f"replay of {report.files} WARC file(s) to queue {settings.pages_queue}")
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("records read", str(report.records))
    table.add_row("responses read", str(report.responses))
    table.add_row("pages sent", f"{report.sent} in {report.batches} batch(es)")
    if report.held_seconds:
        table.add_row("seconds held by a full queue (ANN_QUEUE_HIGH_WATER)",
                      f"{report.held_seconds:.0f}")
    for reason, count in sorted(report.skipped.items()):
        table.add_row(f"skipped: {reason}", str(count))
    console.print(table)
    for path, reason in report.failures.items():
        console.print(f"[red]could not read {path} to the end: {reason}[/]")
    if report.failures:
        raise typer.Exit(1)
