"""Where a URL's bytes live on disk, shared by the generator and the server.

Every URL path becomes a directory holding ``__body`` (and ``__type`` when not HTML), so that a
section front ``/news/nation`` and the articles under ``/news/nation/2024/...`` never collide.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

BODY = "__body"
TYPE = "__type"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def resource_dir(root: Path, host: str, path: str) -> Path | None:
    """The directory for ``host`` + ``path``, or None if the path tries to leave the root."""
    parts = [p for p in unquote(path.split("?", 1)[0]).split("/") if p]
    if any(p in {".", ".."} or p.startswith("__") for p in parts) or "/" in host or ".." in host:
        return None
    return root.joinpath(host.lower(), *parts)
