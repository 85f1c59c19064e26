"""Canonical URLs and document ids: one article, one ``_id``, however it was reached.

A re-delivery of the same article (from a feed, a sitemap, an AMP or mobile link, with tracking
parameters) must overwrite the same document instead of adding a duplicate.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_AMP_PATH = re.compile(r"(/amp)(?=/|$)|(\.amp)(?=\.html?$|$)")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.")


def canonical_url(url: str) -> str:
    """Lower-case host, no fragment or tracking parameters, no AMP/mobile variant, https."""
    cleaned = normalize_url(url, strict=True)
    parts = urlsplit(cleaned)
    host = _MOBILE_HOST.sub("www.", parts.hostname or "")
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("amp"))
    return urlunsplit(("https", host, path, query, ""))


def document_id(url: str) -> str:
    """The Elasticsearch ``_id`` of the article at ``url``: a hash of its canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]
