"""Typed failures of extraction, so the pipeline can count each outcome by a short reason.

``NotAnArticle`` is a permanent, expected outcome (a section front, a tag page, an empty
document); ``ExtractionError`` is the base for anything else the extractor refuses to handle.
Callers never see an arbitrary exception from hostile input.
"""

from __future__ import annotations


class ExtractionError(Exception):
    """The page could not be turned into an Article; ``reason`` is a short slug for counters."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotAnArticle(ExtractionError):
    """The page is not an article (``section_front``, ``tag_page``, ``no_text``, ``gallery``,
    ``live_blog_shell``, ``undecodable``...)."""
