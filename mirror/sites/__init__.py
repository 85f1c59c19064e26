"""One template module per site: URL shape, article page, section page, feeds and sitemaps.

A member is its source file, ``ann/sources/<id>.yaml``, and for the mirror one module,
``mirror/sites/<id>.py``, whose ``SITE`` is its template: the registry's files list the members,
and :data:`SITES` takes each one's ``SITE`` from the module of that name. Nothing registers
itself, and no other list of the members is kept (``tests/unit/test_members.py`` checks that
every module here is a member's or a shared base, and that ``docs/mirror.md`` has its row).
"""

from __future__ import annotations

import importlib

from ann.sources import SOURCES_DIR
from mirror.sites.base import Site


def _site(source_id: str) -> Site:
    """The ``SITE`` of ``mirror/sites/<source_id>.py``."""
    try:
        module = importlib.import_module(f"{__name__}.{source_id}")
    except ModuleNotFoundError as error:
        raise LookupError(f"source {source_id!r} has no mirror module "
                          f"mirror/sites/{source_id}.py") from error
    site = getattr(module, "SITE", None)
    if not isinstance(site, Site) or site.source_id != source_id:
        raise LookupError(f"mirror/sites/{source_id}.py must define SITE, the {source_id!r} site")
    return site


SITES: dict[str, Site] = {path.stem: _site(path.stem)
                          for path in sorted(SOURCES_DIR.glob("*.yaml"))}

__all__ = ["SITES", "Site"]
