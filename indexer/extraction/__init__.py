"""Article extraction: a page's HTML to a normalized ``Article`` with per-field provenance.

See ``docs/extraction.md`` for the cascade (JSON-LD → meta → source hints → trafilatura /
htmldate) and the measured quality and speed.
"""

from indexer.extraction.cascade import extract_article
from indexer.extraction.errors import ExtractionError, NotAnArticle

__all__ = ["ExtractionError", "NotAnArticle", "extract_article"]
