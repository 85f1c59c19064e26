"""The extractor as the tests call it, ``extract_article(html, url[, source])``, with the
sources' registry: a test is an entry point of its own (the pipeline passes the registry its
task loaded). The dev set's evaluator calls it the same way, ``fn(html, url)``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ann.sources import Source, load_registry
from indexer.article import Article
from indexer.extraction import extract_article as extract


def extract_article(html: str | bytes, url: str, source: Source | None = None, *,
                    headers: Mapping[str, str] | None = None,
                    on_hint_missed: Callable[[str], None] | None = None) -> Article:
    return extract(html, url, source, registry=load_registry(), headers=headers,
                   on_hint_missed=on_hint_missed)
