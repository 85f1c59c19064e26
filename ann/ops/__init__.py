"""The operations layer, on top of everything: the ``ann`` CLI, the local stack, live checks.

It may import every package — the kernel (:mod:`ann`), the crawler, the indexer, the search API
and the mirror — and nothing imports it, so an operator's default (a mirror, a port, a demo's
shortcut) cannot leak into a role. A scheduled job calls what the CLI calls (``crawler.run``),
never the CLI itself. ``lint-imports`` (contracts in ``pyproject.toml``) keeps it so.
"""
