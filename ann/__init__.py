"""Shared kernel of the ANN crawl-and-index system.

Only what every process needs lives here: the typed settings, the message contract between the
crawler and the indexer, the declarative source registry and the operators' CLI. The crawler,
indexer and search API depend on this package, never on each other.
"""
