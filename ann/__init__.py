"""The kernel of the ANN crawl-and-index system, under the crawler, the indexer and the API.

What every role shares and nothing more: the typed settings (every default), the message
contract between the crawler and the indexer (:mod:`ann.messages`), the indexed document between
the indexer and the API (:mod:`ann.document`), the source registry, the task producer and the
Redis keyspace. Its modules import no role; the roles import it and never each other; the
operations layer (:mod:`ann.ops`: the CLI, the local stack) sits on top and may import
everything. ``lint-imports`` enforces it (contracts in ``pyproject.toml``).
"""
