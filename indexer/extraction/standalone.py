"""The extractor as a program of its own: ``extract(html, url)``, the signature the dev set's
evaluator calls (``evaluate.py --extract indexer.extraction.standalone:extract``).

An entry point like a task or a command: it loads the sources' registry itself, which the
pipeline's own calls receive from their task instead."""

from __future__ import annotations

from ann.sources import load_registry
from indexer.article import Article
from indexer.extraction.cascade import extract_article


def extract(html: str | bytes, url: str) -> Article:
    return extract_article(html, url, registry=load_registry())
