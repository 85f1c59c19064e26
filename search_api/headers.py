"""Security headers of the HTML the API serves (the search page, the documentation pages).

The Content-Security-Policy lets a page load scripts, styles, images and data from this origin
only: whatever a page or an article's text contains, the browser sends no request to a third
party. Inline scripts are allowed one by one, by the SHA-256 of their text (``'sha256-…'``), never
wholesale: FastAPI's Swagger UI page starts Swagger UI with an inline script, and only that script
runs.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def script_hashes(html: str) -> list[str]:
    """The CSP source of each inline ``<script>`` of ``html`` (one without ``src``)."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(
    scripts: list[str] | None = None, *, inline_styles: bool = False
) -> str:
    """Same-origin only; ``scripts`` adds inline scripts by hash, ``inline_styles`` the ``style``
    attributes a third-party UI (Swagger UI) sets."""
    styles = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    directives = [
        "default-src 'none'",
        "script-src " + " ".join(["'self'", *(scripts or [])]),
        f"style-src {styles}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def html_headers(policy: str) -> dict[str, str]:
    """The headers of every HTML document served: its policy, no MIME sniffing, no referrer."""
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
