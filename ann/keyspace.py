"""Redis keys that one role writes and another reads, named in one place of the kernel.

The crawler and the indexer never import each other; where the indexer must tell the crawler
something about a page it keeps a key whose name both take from here.

**Unindexed pages.** The crawler remembers each fetched page's body hash and validators, and
calls a page whose next fetch matches them unchanged. A page the indexer did not index (the
engine refused it, or it was dead-lettered) must not stay hidden that way, so the indexer notes
the page (score: when) in two sorted sets — one of the pages' keys (:func:`ann.urls.document_id`,
the key of the crawler's records too), read when the crawler looks up its records; one of the
URLs per source, read with the source's re-checks because its feed may no longer list the page —
and removes it as soon as a later delivery of that URL ends (indexed, unchanged, stale or
refused with a reason).
"""

from __future__ import annotations


def unindexed_key(prefix: str, source_id: str | None = None) -> str:
    """The sorted set of unindexed pages: all their keys, or the URLs of one source."""
    return f"{prefix}:unindexed" + (f":{source_id}" if source_id else "")
