"""`ann check-live`: tell within minutes which source files no longer match their real sites.

Fetches each source's robots.txt, entry points and a few articles (see :mod:`ann.ops.livecheck`);
exits 1 when any source has a problem, so it can run from cron or CI on a machine with internet.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ann.ops.cli.common import chosen_sources, console
from ann.settings import get_settings
from ann.sources import load_registry

if TYPE_CHECKING:
    from ann.ops.livecheck import SourceCheck

app = typer.Typer()


@app.command("check-live")
def check_live(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source")] = False,
    articles: Annotated[int, typer.Option(min=0, help="Articles to sample per source")] = 3,
    mirror_url: Annotated[
        str | None, typer.Option(help="Ask this offline mirror, with each real site's Host")
    ] = None,
    delay: Annotated[
        float | None, typer.Option(min=0, help="Seconds between requests (default 1; mirror 0)")
    ] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per request")] = 20.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Fetch each source's entry points and a few articles; report what matched and parsed."""
    # imported here: the live check needs the extractor, which other commands should not load
    from ann.ops.livecheck import Fetcher, check_source
    from crawler.outside import parse_networks
    from crawler.settings import scrapy_settings

    registry = load_registry()
    ids = chosen_sources(sources, all_sources)
    user_agent: str = scrapy_settings(get_settings())["USER_AGENT"]
    pause = delay if delay is not None else (0.0 if mirror_url else 1.0)
    settings = get_settings()
    fetcher = Fetcher(user_agent, timeout, pause, mirror_url,
                      parse_networks(settings.crawl_allow_networks))
    checks: list[SourceCheck] = []
    try:
        with console.status("checking") as status:
            for source_id in ids:
                checks.append(check_source(
                    registry.get(source_id), registry, fetcher, user_agent, articles,
                    notify=lambda message: status.update(f"checking {message}"),
                ))
    finally:
        fetcher.close()
    if as_json:
        report = {"ok": all(not c.problems() for c in checks),
                  "sources": [c.as_json() for c in checks]}
        typer.echo(json.dumps(report, indent=1))
    else:
        _print(checks)
    if any(c.problems() for c in checks):
        raise typer.Exit(1)


def _print(checks: list[SourceCheck]) -> None:
    summary = Table(title="live check")
    for column in ("source", "result", "entry points ok", "URLs listed", "article URLs",
                   "articles parsed"):
        summary.add_column(column)
    for check in checks:
        ok_entries = sum(1 for e in check.entries if not e.error)
        parsed = sum(1 for a in check.articles if not a.error and not a.missing())
        summary.add_row(
            check.source_id, "[green]OK[/]" if not check.problems() else "[red]FAILED[/]",
            f"{ok_entries}/{len(check.entries)}", str(check.urls_found),
            str(check.urls_matching), f"{parsed}/{len(check.articles)}",
        )
    console.print(summary)

    entries = Table(title="entry points")
    for column in ("source", "kind", "url", "status", "links", "error"):
        entries.add_column(column, overflow="fold")
    for check in checks:
        for e in check.entries:
            entries.add_row(check.source_id, e.kind, e.url, str(e.status or "-"), str(e.links),
                            f"[red]{e.error}[/]" if e.error else "")
    console.print(entries)

    articles = Table(title="sampled articles")
    for column in ("source", "url", "title", "published_at", "authors", "words", "error"):
        articles.add_column(column, overflow="fold")
    for check in checks:
        for a in check.articles:
            articles.add_row(check.source_id, a.url, (a.title or "-")[:50], a.published_at or "-",
                             ", ".join(a.authors) or "-", str(a.body_words),
                             a.error or ", ".join(f"no {m}" for m in a.missing()) or "")
    console.print(articles)
    for check in checks:
        for problem in check.problems():
            console.print(f"[red]{check.source_id}[/]: {problem}")
