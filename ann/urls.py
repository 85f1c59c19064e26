"""One canonical form of a page's URL, shared by the crawler's seen-set and the indexer's ``_id``.

A page reached as ``http://m.site/x/amp?utm_source=rss#top`` and as ``https://www.site/x`` is one
page: the crawler must not fetch it twice (its records and claims are keyed on this form) and
the indexer must not store it twice (its ``_id`` is a hash of this form). Both import it from
here so that the two can never disagree.

courlan (shipped with trafilatura) does the generic part: lower-case scheme and host, default
port dropped, query sorted, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` ...) removed.
Its strict mode is not used: it keeps only a short list of query names and would merge every
``view.php?ud=...`` article of a site into one URL.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_AMP_PATH = re.compile(r"(/amp)(?=/|$)|(\.amp)(?=\.html?$|$)")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.")


def canonical_url(url: str) -> str:
    """Lower-case host, default port, tracking parameters and fragment dropped, query sorted,
    no AMP/mobile variant, https."""
    parts = urlsplit(normalize_url(url))
    host = _MOBILE_HOST.sub("www.", parts.hostname or "")
    if parts.port is not None and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("amp"))
    return urlunsplit(("https", host, path, query, ""))


def document_id(url: str) -> str:
    """The key of the page at ``url``: the indexer's ``_id`` and the crawler's record key."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]
