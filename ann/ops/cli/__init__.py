"""``ann``: the operators' command line. Each module of this package holds related commands;
this file lists them explicitly."""

from __future__ import annotations

import typer

from ann.ops.cli import crawl, deadletters, livecheck, reindex, replay, stack, status, variants

app = typer.Typer(
    help="Crawl the Asia News Network papers, index them, serve search.", no_args_is_help=True
)
for module in (stack, crawl, status, replay, deadletters, reindex, livecheck):
    app.registered_commands.extend(module.app.registered_commands)
app.add_typer(variants.app, name="variants")
