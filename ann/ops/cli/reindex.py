"""`ann reindex`: move the index alias to the current mapping version while workers keep
writing (see ``indexer/reindex.py`` for how no write is lost)."""

from __future__ import annotations

from typing import Annotated

import typer
from elasticsearch import Elasticsearch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ann.ops.cli.common import console
from ann.settings import get_settings

app = typer.Typer()


@app.command()
def reindex(
    delete_old: Annotated[
        bool, typer.Option(help="Delete the old index once every document was copied")
    ] = False,
) -> None:
    """Copy the index into one with the current mapping and swap the alias to it."""
    from indexer.mapping import MAPPING_VERSION
    from indexer.reindex import ReindexError, current_index
    from indexer.reindex import reindex as run_reindex

    settings = get_settings()
    es = Elasticsearch(settings.es_nodes, request_timeout=120)
    try:
        try:
            source = current_index(es, settings.index_alias)
        except ReindexError as error:
            raise typer.BadParameter(str(error)) from None
        total = int(es.count(index=source)["count"])
        columns = (TextColumn(f"{source} → v{MAPPING_VERSION}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task("copy", total=total)
            report = run_reindex(es, settings.index_alias, version=MAPPING_VERSION,
                                 delete_old=delete_old,
                                 progress=lambda n: progress.advance(bar, n))
    finally:
        es.close()
    if report.source == report.target:
        console.print(f"{settings.index_alias} is already on {report.target}: nothing to do")
        return
    console.print(f"copied {report.copied}, caught up {report.caught_up} written meanwhile; "
                  f"alias {settings.index_alias} now on {report.target}"
                  + (f"; {report.source} deleted" if report.deleted_old
                     else f"; {report.source} kept"))
    for failure in report.failed[:20]:
        console.print(f"[red]refused by the new mapping: {failure}[/]")
    if report.failed:
        raise typer.Exit(1)
