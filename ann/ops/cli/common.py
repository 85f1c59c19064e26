"""What every command module shares: the console for progress and messages, and the choice of
sources from the command line."""

from __future__ import annotations

import typer
from rich.console import Console

from ann.sources import load_registry

console = Console(stderr=True)


def chosen_sources(sources: list[str] | None, all_sources: bool) -> list[str]:
    """The source ids named on the command line (or every one with --all), checked."""
    known = load_registry().ids()
    ids = known if all_sources else list(sources or [])
    if not ids:
        raise typer.BadParameter("name one or more sources, or pass --all")
    unknown = [s for s in ids if s not in known]
    if unknown:
        raise typer.BadParameter(f"unknown source(s) {unknown}; known: {known}")
    return ids
